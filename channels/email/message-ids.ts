// Message-IDs as threading keys. We store them without angle brackets, as
// `messages.external_id` (what we received) and `deliveries.external_id` (what
// we sent), and accept the sloppy forms real clients write: bare ids without
// brackets, several ids separated by commas or folded over lines.
import { createHash, createHmac } from 'node:crypto';

const MAX_ID = 500; // the core's limit on external ids

/** Every Message-ID in a header value, in order, without brackets or duplicates. */
export function messageIdsIn(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
  const ids: string[] = [];
  const bracketed = text.match(/<[^<>\s]+>/g);
  const raw = bracketed ? bracketed.map((b) => b.slice(1, -1)) : text.split(/[\s,]+/).filter((t) => t.includes('@'));
  for (const id of raw) {
    const clean = id.trim();
    if (clean && clean.length <= MAX_ID && !ids.includes(clean)) ids.push(clean);
  }
  return ids;
}

/** One Message-ID (the first found), or undefined. */
export function messageIdOf(value: unknown): string | undefined {
  return messageIdsIn(value)[0];
}

/** A stable id for a message that came without one: the hash of its bytes. */
export function rawHashId(rawSha256: string): string {
  return `sha256:${rawSha256}`;
}

/**
 * Our Message-ID for one delivery, derived from its idempotency key, so a
 * resend after a crash carries the same id and the receiving side (and our
 * threading) sees one message. The MAC keeps ids of different installations
 * apart and unguessable.
 */
export function outboundMessageId(secret: string, idempotencyKey: string, domain: string): string {
  const tag = createHmac('sha256', secret).update(`email-message-id:${idempotencyKey}`).digest('hex').slice(0, 12);
  return `${idempotencyKey}.${tag}@${domain}`;
}

/** Keeps a long id usable as a key (the core caps ids at 500 characters). */
export function boundedId(id: string): string {
  return id.length <= MAX_ID ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

export function bracket(id: string): string {
  return `<${id}>`;
}
