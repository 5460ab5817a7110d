// Domain errors. The web layer maps them to status codes; channels to their
// own replies (SMTP codes, ...). Each carries a message fit to show a user.
import type { z } from 'zod';

export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message, 422, 'invalid_input');
  }

  static fromZod(what: string, error: z.ZodError): InvalidInputError {
    const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return new InvalidInputError(`invalid ${what}: ${summary}`, issues);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(`${what} not found`, 404, 'not_found');
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message, 409, 'conflict');
  }
}

/**
 * Thrown by ChannelAdapter.send. `permanent` ends the delivery as dead at once
 * (channel gone, bot removed); `retryAfterMs` is the platform's own wait (429).
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly retryAfterMs?: number;
  constructor(message: string, options: { permanent?: boolean; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
