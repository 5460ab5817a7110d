// The one error handler at the top of the Koa stack: domain errors become
// their status; anything else is a logged 500 that tells the client nothing
// about internals. Browsers get the friendly error page, htmx requests a
// small alert swapped into the page's #flash region, and every other client
// (API, widget, tests with fetch) the JSON body { error, code }.
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { DomainError, InvalidInputError } from '../core/index.ts';
import { applyPageHeaders, contentSecurityPolicy } from './http/security-headers.ts';
import { ErrorAlert, ErrorPage } from './views/error-page.tsx';

const ERROR_PAGE_CSP = contentSecurityPolicy();
/** Served by the portal's assets; without the portal the page is plain but readable. */
const ERROR_PAGE_CSS = '/assets/portal.css';

export function errorHandler(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next) {
    try {
      await next();
      // Nothing answered: a browser gets the friendly 404 page.
      if (ctx.status === 404 && ctx.body == null && ctx.respond !== false && !ctx.headerSent && wantsHtml(ctx)) {
        await renderHtmlError(ctx, 404);
      }
    } catch (error: any) {
      const status = error instanceof DomainError ? error.status : Number(error?.status ?? error?.statusCode) || 500;
      const expose = error instanceof DomainError || (status < 500 && error?.expose !== false);
      const log = status >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
      log({ err: error, status, method: ctx.method, path: ctx.path }, 'request failed');
      if (ctx.headerSent || ctx.respond === false) return; // a stream already under way
      const message = expose ? String(error.message) : undefined;
      const headers = (error?.headers ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') ctx.set(name, value);
      if (wantsHtml(ctx)) {
        await renderHtmlError(ctx, status, message);
        return;
      }
      const body: Record<string, unknown> = {
        error: message ?? 'Something went wrong on our side. Please try again.',
        code: error instanceof DomainError ? error.code : status >= 500 ? 'internal' : 'bad_request',
      };
      if (error instanceof InvalidInputError) body.issues = error.issues;
      ctx.status = status;
      ctx.body = body;
    }
  };
}

/** htmx, or a browser asking for a page; API clients and fetch() get JSON. */
function wantsHtml(ctx: Context): boolean {
  if (ctx.get('hx-request') === 'true') return true;
  const accept = ctx.get('accept');
  return Boolean(accept) && accept.includes('text/html') && ctx.accepts('json', 'html') === 'html';
}

async function renderHtmlError(ctx: Context, status: number, message?: string): Promise<void> {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  if (ctx.get('hx-request') === 'true' && ctx.get('hx-boosted') !== 'true') {
    // A partial request failed: say so where the page shows alerts.
    ctx.set('HX-Retarget', '#flash');
    ctx.set('HX-Reswap', 'innerHTML');
    ctx.body = await ErrorAlert({ status, message });
    return;
  }
  applyPageHeaders(ctx, ERROR_PAGE_CSP, 'DENY', 'same-origin');
  ctx.body = await ErrorPage({ status, message, cssUrl: ERROR_PAGE_CSS });
}
