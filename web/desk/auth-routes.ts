// The desk's sign-in: an agent asks for a link by address (the same answer
// whether or not the address is an agent's), the emailed link shows a
// one-button page, and only its POST starts a desk session. Mirrors the
// portal's sign-in (web/auth/routes.ts) with the agents' token table.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ConversationCore } from '../../core/index.ts';
import { CheckEmailPage, ConfirmLinkPage, LinkProblemPage, SignInPage } from '../auth/pages.tsx';
import { safeNext } from '../auth/routes.ts';
import type { LoginLinks } from '../auth/login-links.ts';
import { currentSession, type Sessions } from '../auth/sessions.ts';
import { requestSignInMail } from '../auth/sign-in-mail.ts';
import type { Throttle } from '../auth/throttle.ts';
import { readForm } from '../http/body.ts';
import { csrfState } from '../http/csrf.ts';
import { seeOther } from '../http/htmx.ts';
import { tooManyRequests } from '../http/http-error.ts';
import { noReferrer } from '../http/security-headers.ts';
import type { Chrome } from '../views/layout.tsx';
import { render } from '../views/render.ts';

export const DESK_SIGN_IN_REQUESTED = 'desk.sign_in_requested';
export const DESK_SIGN_IN_MAIL_JOB = 'desk.sign_in_mail';

const HOUR = 3_600_000;
const emailSchema = z.email().max(320);

export interface DeskAuthDeps {
  core: ConversationCore;
  chrome: Chrome;
  sessions: Sessions;
  links: LoginLinks;
  throttle: Throttle;
  limits: { perAddressPerHour: number; perIpPerHour: number };
}

/** Only desk paths are a place to go back to after a desk sign-in. */
function deskNext(value: unknown): string | undefined {
  const next = safeNext(value);
  return next && (next === '/desk' || next.startsWith('/desk/') || next.startsWith('/desk?')) && !next.startsWith('/desk/sign-') ? next : undefined;
}

export function deskAuthRoutes(router: Router, deps: DeskAuthDeps): void {
  const page = (ctx: Context) => ({ chrome: deps.chrome, csrfToken: csrfState(ctx).token, area: 'desk' as const });

  router.get('/desk/sign-in', async (ctx) => {
    noReferrer(ctx);
    const next = deskNext(ctx.query.next);
    if (currentSession(ctx)?.agentId) return ctx.redirect(next ?? '/desk');
    const notice = ctx.query.signed_out === '1' ? 'You are signed out of the desk.' : undefined;
    await render(ctx, SignInPage({ ...page(ctx), next, notice }));
  });

  router.post('/desk/sign-in', async (ctx) => {
    noReferrer(ctx);
    const form = await readForm(ctx);
    const raw = (form.get('email') ?? '').trim();
    const next = deskNext(form.get('next'));
    const parsed = emailSchema.safeParse(raw);
    if (!parsed.success) {
      return render(ctx, SignInPage({ ...page(ctx), email: raw.slice(0, 320), next, error: 'Enter an email address like name@example.com.' }), 422);
    }
    const email = parsed.data.toLowerCase();
    for (const [key, limit] of [
      [`desk-sign-in:ip:${ctx.ip}`, deps.limits.perIpPerHour],
      [`desk-sign-in:email:${email}`, deps.limits.perAddressPerHour],
    ] as const) {
      const result = await deps.throttle.hit(key, limit, HOUR);
      if (!result.allowed) throw tooManyRequests('Too many sign-in requests. Please wait a while and try again.', result.retryAfterMs / 1000);
    }
    await requestSignInMail(deps.core, { email, next, requestedAt: deps.core.clock.now() }, DESK_SIGN_IN_REQUESTED);
    await render(ctx, CheckEmailPage({ ...page(ctx), email, minutes: Math.round(deps.links.ttlMs / 60_000) }));
  });

  router.get('/desk/sign-in/link/:token', async (ctx) => {
    noReferrer(ctx);
    const token = ctx.params.token ?? '';
    const state = await deps.links.check(token);
    if (state !== 'valid') return render(ctx, LinkProblemPage({ ...page(ctx), reason: state }), state === 'invalid' ? 404 : 410);
    await render(ctx, ConfirmLinkPage({ ...page(ctx), action: `/desk/sign-in/link/${token}`, next: deskNext(ctx.query.next) }));
  });

  router.post('/desk/sign-in/link/:token', async (ctx) => {
    noReferrer(ctx);
    const form = await readForm(ctx);
    const result = await deps.links.redeem(ctx.params.token ?? '');
    if (!result.ok) return render(ctx, LinkProblemPage({ ...page(ctx), reason: result.reason }), result.reason === 'invalid' ? 404 : 410);
    await deps.sessions.start(ctx, { agentId: result.subjectId }, 'link');
    seeOther(ctx, deskNext(form.get('next')) ?? '/desk', { reload: true });
  });

  router.post('/desk/sign-out', async (ctx) => {
    await readForm(ctx);
    await deps.sessions.end(ctx);
    seeOther(ctx, '/desk/sign-in?signed_out=1', { reload: true });
  });
}
