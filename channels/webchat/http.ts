// Small HTTP pieces the web chat routes share: bounded JSON bodies, the
// same-origin check on posts, bearer sessions, and the errors they raise.
import type { Context, Next } from 'koa';
import type { z } from 'zod';
import { DomainError, InvalidInputError } from '../../core/index.ts';
import type { SessionTokens, VisitorSession } from './session-token.ts';

export class WebchatError extends DomainError {}

export const tooLarge = (message: string) => new WebchatError(message, 413, 'too_large');
export const unauthorized = (message: string, code = 'unauthorized') => new WebchatError(message, 401, code);
export const forbidden = (message: string) => new WebchatError(message, 403, 'forbidden');

/** Reads a JSON body of at most `limit` bytes and validates it with `schema`. */
export async function readJson<S extends z.ZodType>(ctx: Context, schema: S, limit: number): Promise<z.output<S>> {
  if (!ctx.is('application/json')) throw new WebchatError('expected an application/json body', 415, 'unsupported_media_type');
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw tooLarge(`request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(`request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new WebchatError('request body is not valid JSON', 400, 'bad_json');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw InvalidInputError.fromZod('request', parsed.error);
  return parsed.data;
}

/**
 * Refuses a state-changing request from another site: the widget's requests
 * come from our own /chat page, so a browser marks them same-origin.
 */
export function sameOriginOnly(publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;
  return async function sameOrigin(ctx: Context, next: Next) {
    const site = ctx.get('sec-fetch-site');
    const origin = ctx.get('origin');
    if (site && site !== 'same-origin' && site !== 'none') throw forbidden('cross-site request refused');
    if (origin && origin !== ownOrigin(ctx) && origin !== publicOrigin) throw forbidden('cross-origin request refused');
    await next();
  };
}

export interface VisitorState {
  visitor: VisitorSession;
}

/** `Authorization: Bearer <session token>` → ctx.state.visitor, or 401. */
export function requireVisitor(tokens: SessionTokens) {
  return async function visitorSession(ctx: Context, next: Next) {
    const header = ctx.get('authorization');
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header)?.[1];
    if (!token) throw unauthorized('a visitor session token is required');
    const result = tokens.verify(token);
    if ('problem' in result) {
      throw unauthorized(result.problem === 'expired' ? 'the chat session has expired' : 'the chat session is not valid', `session_${result.problem}`);
    }
    (ctx.state as VisitorState).visitor = result.session;
    await next();
  };
}

/** Where this request was addressed (Koa 3's ctx.origin is the Origin header instead). */
export function ownOrigin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}

/** Headers every web chat response carries. */
export function baseHeaders(ctx: Context): void {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
}
