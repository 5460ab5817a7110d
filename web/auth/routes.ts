// Sign-in and sign-out routes. GET never changes anything: the emailed link
// and the host application's link show a one-button form, and only its POST
// signs in (mail scanners and link previewers open links too). Pages whose
// URL carries a secret send no Referer.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ConversationCore } from '../../core/index.ts';
import { readForm } from '../http/body.ts';
import { csrfState } from '../http/csrf.ts';
import { seeOther } from '../http/htmx.ts';
import { tooManyRequests } from '../http/http-error.ts';
import { noReferrer } from '../http/security-headers.ts';
import type { Chrome } from '../views/layout.tsx';
import { render } from '../views/render.ts';
import { checkHostIdentity, customerForHostUser, type HostIdentitySettings } from './host-identity.ts';
import { isLocalPath, type LoginLinks } from './login-links.ts';
import { CheckEmailPage, ConfirmLinkPage, HostConfirmPage, LinkProblemPage, SignInPage } from './pages.tsx';
import { currentSession, type Sessions } from './sessions.ts';
import { requestSignInMail } from './sign-in-mail.ts';
import type { Throttle } from './throttle.ts';

export interface SignInLimits {
  perAddressPerHour: number;
  perIpPerHour: number;
}

export interface AuthRouteDeps {
  core: ConversationCore;
  chrome: Chrome;
  sessions: Sessions;
  links: LoginLinks;
  throttle: Throttle;
  limits: SignInLimits;
  host: HostIdentitySettings;
}

const HOUR = 3_600_000;
const emailSchema = z.email().max(320);
const IDENTITY_FIELDS = ['userId', 'email', 'name', 'timestamp', 'signature'] as const;

/** `next` from a query or form, if it is a path on this site. */
export function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && isLocalPath(value) && !value.startsWith('/sign-') ? value : undefined;
}

export function authRoutes(router: Router, deps: AuthRouteDeps): void {
  const { chrome } = deps;
  const ctxFor = (ctx: Context) => ({ chrome, csrfToken: csrfState(ctx).token });

  router.get('/sign-in', async (ctx) => {
    noReferrer(ctx);
    const next = safeNext(ctx.query.next);
    if (currentSession(ctx)?.customerId) return ctx.redirect(next ?? '/');
    const notice = ctx.query.signed_out === '1' ? 'You are signed out.' : ctx.query.expired === '1' ? 'Please sign in to continue.' : undefined;
    await render(ctx, SignInPage({ ...ctxFor(ctx), next, notice }));
  });

  router.post('/sign-in', async (ctx) => {
    noReferrer(ctx);
    const form = await readForm(ctx);
    const raw = (form.get('email') ?? '').trim();
    const next = safeNext(form.get('next'));
    const parsed = emailSchema.safeParse(raw);
    if (!parsed.success) {
      return render(ctx, SignInPage({ ...ctxFor(ctx), email: raw.slice(0, 320), next, error: 'Enter an email address like name@example.com.' }), 422);
    }
    const email = parsed.data.toLowerCase();
    await throttled(`sign-in:ip:${ctx.ip}`, deps.limits.perIpPerHour);
    await throttled(`sign-in:email:${email}`, deps.limits.perAddressPerHour);
    await requestSignInMail(deps.core, { email, next, requestedAt: deps.core.clock.now() });
    await render(ctx, CheckEmailPage({ ...ctxFor(ctx), email, minutes: Math.round(deps.links.ttlMs / 60_000) }));
  });

  async function throttled(key: string, limit: number): Promise<void> {
    const result = await deps.throttle.hit(key, limit, HOUR);
    if (!result.allowed) throw tooManyRequests('Too many sign-in requests. Please wait a while and try again.', result.retryAfterMs / 1000);
  }

  router.get('/sign-in/link/:token', async (ctx) => {
    noReferrer(ctx);
    const token = ctx.params.token ?? '';
    const state = await deps.links.check(token);
    if (state !== 'valid') return render(ctx, LinkProblemPage({ ...ctxFor(ctx), reason: state }), state === 'invalid' ? 404 : 410);
    await render(ctx, ConfirmLinkPage({ ...ctxFor(ctx), action: `/sign-in/link/${token}`, next: safeNext(ctx.query.next) }));
  });

  router.post('/sign-in/link/:token', async (ctx) => {
    noReferrer(ctx);
    const form = await readForm(ctx);
    const result = await deps.links.redeem(ctx.params.token ?? '');
    if (!result.ok) return render(ctx, LinkProblemPage({ ...ctxFor(ctx), reason: result.reason }), result.reason === 'invalid' ? 404 : 410);
    await deps.sessions.start(ctx, { customerId: result.subjectId }, 'link');
    seeOther(ctx, safeNext(form.get('next')) ?? '/', { reload: true });
  });

  router.get('/sign-in/host', async (ctx) => {
    noReferrer(ctx);
    const identity = pickIdentity((name) => ctx.query[name]);
    const check = checkHostIdentity(deps.core, deps.host, identity);
    if (!check.ok) return render(ctx, LinkProblemPage({ ...ctxFor(ctx), reason: check.reason === 'expired' ? 'expired' : 'invalid' }), check.reason === 'expired' ? 410 : 403);
    await render(
      ctx,
      HostConfirmPage({ ...ctxFor(ctx), identity, displayName: check.name || check.email || check.userId, next: safeNext(ctx.query.next) }),
    );
  });

  router.post('/sign-in/host', async (ctx) => {
    noReferrer(ctx);
    const form = await readForm(ctx);
    const check = checkHostIdentity(deps.core, deps.host, pickIdentity((name) => form.get(name) ?? undefined));
    if (!check.ok) return render(ctx, LinkProblemPage({ ...ctxFor(ctx), reason: check.reason === 'expired' ? 'expired' : 'invalid' }), check.reason === 'expired' ? 410 : 403);
    const customerId = await customerForHostUser(deps.core, check);
    await deps.sessions.start(ctx, { customerId }, 'host');
    seeOther(ctx, safeNext(form.get('next')) ?? '/', { reload: true });
  });

  router.post('/sign-out', async (ctx) => {
    await readForm(ctx);
    await deps.sessions.end(ctx);
    seeOther(ctx, '/sign-in?signed_out=1', { reload: true });
  });
}

/** The identity fields from a query or form, as strings (empty ones left out). */
function pickIdentity(get: (name: string) => unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of IDENTITY_FIELDS) {
    const value = get(name);
    if (typeof value === 'string' && value !== '') out[name] = value.slice(0, 1000);
  }
  return out;
}
