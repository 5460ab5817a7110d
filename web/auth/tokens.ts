// Secrets for links and cookies: random bytes, URL-safe, and the sha256 we
// store instead of the secret itself.
import { createHash, randomBytes } from 'node:crypto';

/** `bytes` random bytes as base64url (32 bytes: 43 characters, 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** base64url of 32 bytes, exactly: anything else is not one of ours. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
