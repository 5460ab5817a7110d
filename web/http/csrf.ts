// Cross-site request forgery protection for cookie-authenticated pages.
//
// Every browser gets a random seed in an HttpOnly cookie; the token pages
// embed is HMAC(secret, seed), so a page on another site can neither read nor
// compute it. A state-changing request must carry the token in the
// X-CSRF-Token header (htmx sends it from `hx-headers` on <body>) or, for
// plain forms, in the `_csrf` field. Multipart forms are checked by the
// multipart reader before it stores any file (see body.ts). A request a
// browser marks as cross-site, or from a foreign Origin, is refused outright.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { readCookie, setCookie } from './cookies.ts';
import { readForm } from './body.ts';
import { forbidden } from './http-error.ts';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfOptions {
  secret: string;
  /** Our public origin (from PUBLIC_URL). */
  publicOrigin: string;
  secureCookies: boolean;
  cookieName?: string;
}

export interface CsrfState {
  token: string;
  /** True once this request has shown a valid token. */
  verified: boolean;
  check(value: string | undefined | null): boolean;
  /** New seed and token (at sign-in, so a token seen before it stops working). */
  rotate(): void;
}

export function csrfProtection(options: CsrfOptions) {
  const cookieName = options.cookieName ?? 'parley_csrf';
  const tokenFor = (seed: string) => createHmac('sha256', options.secret).update(`csrf:${seed}`).digest('base64url');
  const newSeed = (ctx: Context) => {
    const seed = randomBytes(24).toString('base64url');
    setCookie(ctx, cookieName, seed, { secure: options.secureCookies, httpOnly: true, sameSite: 'Lax' });
    return seed;
  };

  return async function csrf(ctx: Context, next: Next) {
    let seed = readCookie(ctx, cookieName);
    if (!seed || seed.length < 24) seed = newSeed(ctx);
    const state: CsrfState = {
      token: tokenFor(seed),
      verified: false,
      check(value) {
        if (!value || !equal(value, state.token)) return false;
        state.verified = true;
        return true;
      },
      rotate() {
        state.token = tokenFor(newSeed(ctx));
      },
    };
    ctx.state.csrf = state;

    if (!SAFE_METHODS.has(ctx.method)) {
      const site = ctx.get('sec-fetch-site');
      if (site === 'cross-site') throw forbidden('This form was sent from another site.', 'csrf');
      const origin = ctx.get('origin');
      // "null" is what a browser sends from a no-referrer page (sign-in):
      // the token below still decides.
      if (origin && origin !== 'null' && origin !== options.publicOrigin && origin !== `${ctx.protocol}://${ctx.host}`) {
        throw forbidden('This form was sent from another site.', 'csrf');
      }
      const header = ctx.get(CSRF_HEADER);
      if (header) {
        if (!state.check(header)) throw invalid();
      } else if (ctx.is('application/x-www-form-urlencoded')) {
        const form = await readForm(ctx);
        if (!state.check(form.get(CSRF_FIELD))) throw invalid();
      } else if (!ctx.is('multipart/form-data')) {
        throw invalid();
      }
      // multipart without the header: readMultipart checks the _csrf field
      // before it accepts a file, and refuses the form if it never came.
    }
    await next();
  };
}

function invalid() {
  return forbidden('This form has expired. Please go back, reload the page and try again.', 'csrf');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function csrfState(ctx: Context): CsrfState {
  const state = ctx.state.csrf as CsrfState | undefined;
  if (!state) throw new Error('csrfProtection middleware is not mounted on this route');
  return state;
}
