// What a page that needs someone signed in answers a signed-out request:
// a browser asking for a page goes to the sign-in (and comes back after it),
// htmx is told to go there, and anything else (forms, streams, downloads,
// API calls) gets a 401.
import type { Context } from 'koa';
import { isHtmx } from '../http/htmx.ts';
import { HttpError } from '../http/http-error.ts';

export function signInRequired(ctx: Context, signInPath: string, message: string): void {
  const isPage = ctx.method === 'GET' && ctx.accepts('html') && !ctx.path.endsWith('/stream') && !ctx.path.endsWith('.csv');
  if (!isPage) throw new HttpError(401, 'unauthorized', message);
  const target = `${signInPath}?next=${encodeURIComponent(ctx.url)}`;
  if (isHtmx(ctx)) {
    ctx.set('HX-Redirect', target);
    ctx.status = 200;
    ctx.body = '';
    return;
  }
  ctx.redirect(target);
}
