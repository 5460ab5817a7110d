// Errors the web layer raises itself (bad form, forged request, too many
// attempts). They are DomainErrors, so the one error middleware maps them to
// a status and a page exactly like the core's own.
import { DomainError } from '../../core/index.ts';

export class HttpError extends DomainError {
  constructor(
    status: number,
    code: string,
    message: string,
    /** Extra response headers (Retry-After...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message, status, code);
  }
}

export const forbidden = (message: string, code = 'forbidden') => new HttpError(403, code, message);
export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const payloadTooLarge = (message: string) => new HttpError(413, 'too_large', message);
export const unsupportedMediaType = (message: string) => new HttpError(415, 'unsupported_media_type', message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, 'rate_limited', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
