// htmx conventions: a request from htmx carries HX-Request; a route answers
// it with the fragment it asked for (named by HX-Target) and a plain request
// with the whole page. After a successful POST, plain forms get a 303 to the
// next page and htmx gets HX-Location, which loads it like a boosted link.
import type { Context } from 'koa';

export function isHtmx(ctx: Context): boolean {
  return ctx.get('hx-request') === 'true';
}

/** True when htmx asked to swap the element with this id (and not the whole page). */
export function wantsFragment(ctx: Context, targetId: string): boolean {
  return isHtmx(ctx) && ctx.get('hx-target') === targetId && ctx.get('hx-boosted') !== 'true';
}

export function sendHtml(ctx: Context, html: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  // Pages differ by session and by HX-Request; never let a cache mix them.
  ctx.set('Cache-Control', 'no-store');
  ctx.vary('HX-Request');
  ctx.body = html;
}

/**
 * Sends the browser on to `location` (a path on our own site) after a POST.
 * `reload` makes htmx load it as a whole new page (sign-in and sign-out
 * change the CSRF token that <body> carries).
 */
export function seeOther(ctx: Context, location: string, options: { reload?: boolean } = {}): void {
  if (!location.startsWith('/') || location.startsWith('//')) throw new Error(`seeOther: not a local path: ${location}`);
  if (isHtmx(ctx) && options.reload) {
    ctx.status = 200;
    ctx.set('HX-Redirect', location);
    ctx.body = '';
    return;
  }
  if (isHtmx(ctx)) {
    ctx.status = 200;
    ctx.set('HX-Location', JSON.stringify({ path: location, target: 'body' }));
    ctx.body = '';
    return;
  }
  ctx.status = 303;
  ctx.redirect(location);
  ctx.status = 303;
}
