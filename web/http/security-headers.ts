// Security headers for server-rendered pages. The policy allows scripts,
// styles and connections from our own origin only (no inline script, no eval),
// so htmx and our small scripts are served from here. Pages that must not be
// framed say so twice: CSP frame-ancestors and the older X-Frame-Options.
import type { Context, Next } from 'koa';

export interface PageSecurityOptions {
  /** Who may frame these pages: [] means nobody. */
  frameAncestors?: string[];
  /** Extra image sources (article images on other https sites). */
  imgSrc?: string[];
  referrerPolicy?: 'no-referrer' | 'same-origin' | 'strict-origin-when-cross-origin';
}

export function contentSecurityPolicy(options: PageSecurityOptions = {}): string {
  const ancestors = options.frameAncestors?.length ? options.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: ${(options.imgSrc ?? []).join(' ')}`.trim(),
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "manifest-src 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** Sets the page headers on every response that passes through (errors included). */
export function pageSecurityHeaders(options: PageSecurityOptions = {}) {
  const csp = contentSecurityPolicy(options);
  const framing = options.frameAncestors?.length ? undefined : 'DENY';
  return async function securityHeaders(ctx: Context, next: Next) {
    applyPageHeaders(ctx, csp, framing, options.referrerPolicy ?? 'same-origin');
    await next();
  };
}

export function applyPageHeaders(ctx: Context, csp: string, framing: string | undefined, referrerPolicy: string): void {
  ctx.set('Content-Security-Policy', csp);
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (framing) ctx.set('X-Frame-Options', framing);
  ctx.set('Referrer-Policy', referrerPolicy);
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

/** For pages whose URL carries a secret (sign-in links): never leak it in a Referer. */
export function noReferrer(ctx: Context): void {
  ctx.set('Referrer-Policy', 'no-referrer');
}
