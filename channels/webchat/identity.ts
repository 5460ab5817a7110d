// Host identity: a site that knows its signed-in user passes id, email and
// name to the widget with an HMAC-SHA256 signature made on its server with the
// shared secret (WEBCHAT_IDENTITY_SECRET). Only a valid, recent signature makes
// a verified visitor; the portal accepts the same signature.
//
// The signed text is the four fields joined by newlines (fields may not
// contain one), the timestamp in Unix seconds:
//   hex(HMAC_SHA256(secret, `${userId}\n${email}\n${name}\n${timestamp}`))
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../core/index.ts';
import { safeEqual } from './signing.ts';

const oneLine = (max: number) => z.string().max(max).regex(/^[^\r\n]*$/, 'must be one line');

export const hostIdentitySchema = z.object({
  userId: oneLine(200).min(1),
  email: z.union([z.email().max(320), z.literal('')]).optional(),
  name: oneLine(200).optional(),
  /** Unix seconds when the host signed it. */
  timestamp: z.coerce.number().int().positive(),
  signature: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected a hex HMAC-SHA256'),
});
export type HostIdentity = z.infer<typeof hostIdentitySchema>;

export type IdentityCheck =
  | { ok: true; userId: string; email?: string; name?: string }
  | { ok: false; reason: 'not_configured' | 'malformed' | 'forged' | 'expired' };

export function identityMessage(identity: { userId: string; email?: string; name?: string; timestamp: number }): string {
  return [identity.userId, identity.email ?? '', identity.name ?? '', String(identity.timestamp)].join('\n');
}

/** What a host's server computes; used by the demo page and tests. */
export function signHostIdentity(secret: string, identity: { userId: string; email?: string; name?: string; timestamp: number }): string {
  return createHmac('sha256', secret).update(identityMessage(identity)).digest('hex');
}

export function verifyHostIdentity(
  input: unknown,
  options: { secret?: string; maxAgeMs: number; clock: Clock },
): IdentityCheck {
  if (!options.secret) return { ok: false, reason: 'not_configured' };
  const parsed = hostIdentitySchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const identity = parsed.data;
  const expected = signHostIdentity(options.secret, { ...identity, email: identity.email || undefined });
  if (!safeEqual(expected, identity.signature.toLowerCase())) return { ok: false, reason: 'forged' };
  const signedAt = identity.timestamp * 1000;
  const now = options.clock.now();
  // A little leeway for clocks that run ahead of ours.
  if (now - signedAt > options.maxAgeMs || signedAt - now > 5 * 60_000) return { ok: false, reason: 'expired' };
  return { ok: true, userId: identity.userId, email: identity.email?.toLowerCase() || undefined, name: identity.name || undefined };
}
