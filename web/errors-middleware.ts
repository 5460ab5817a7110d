// The one error handler at the top of the Koa stack: domain errors become
// their status with a JSON (or, later, page) body; anything else is a logged
// 500 that tells the client nothing about internals.
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { DomainError, InvalidInputError } from '../core/index.ts';

export function errorHandler(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error: any) {
      const status = error instanceof DomainError ? error.status : Number(error?.status ?? error?.statusCode) || 500;
      const expose = error instanceof DomainError || (status < 500 && error?.expose !== false);
      const body: Record<string, unknown> = {
        error: expose ? error.message : 'Something went wrong on our side. Please try again.',
        code: error instanceof DomainError ? error.code : status >= 500 ? 'internal' : 'bad_request',
      };
      if (error instanceof InvalidInputError) body.issues = error.issues;
      ctx.status = status;
      ctx.body = body;
      const log = status >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
      log({ err: error, status, method: ctx.method, path: ctx.path }, 'request failed');
    }
  };
}
