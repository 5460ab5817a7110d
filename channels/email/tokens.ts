// Signed tokens the email channel puts in addresses and links. Both are an
// HMAC with the service secret, so no table is needed and a forged or edited
// token simply does not verify. Each kind signs its own prefix, so a token of
// one kind is never accepted as the other.
import { createHmac, timingSafeEqual } from 'node:crypto';

function mac(secret: string, message: string, length: number): string {
  return createHmac('sha256', secret).update(message).digest('hex').slice(0, length);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The `<token>` of `reply+<token>@domain`: the ticket id and 64 bits of MAC,
 * lowercase hex only, because mail systems may fold the case of local parts.
 */
export function replyToken(secret: string, ticketId: number): string {
  return `${ticketId}-${mac(secret, `email-reply:${ticketId}`, 16)}`;
}

/** The ticket id a reply token names, or undefined when it does not verify. */
export function verifyReplyToken(secret: string, token: string): number | undefined {
  const match = /^(\d{1,12})-([0-9a-f]{16})$/.exec(token.toLowerCase());
  if (!match) return undefined;
  const ticketId = Number(match[1]);
  return same(match[2]!, mac(secret, `email-reply:${ticketId}`, 16)) ? ticketId : undefined;
}

/** `reply+<token>@domain` for a ticket. */
export function replyAddress(secret: string, ticketId: number, domain: string): string {
  return `reply+${replyToken(secret, ticketId)}@${domain}`;
}

/**
 * The ticket named by a `reply+<token>@domain` address, when the domain is
 * ours and the token verifies.
 */
export function ticketFromReplyAddress(secret: string, address: string, domain: string): number | undefined {
  const match = /^reply\+([^@]+)@(.+)$/i.exec(address.trim());
  if (!match || match[2]!.toLowerCase() !== domain) return undefined;
  return verifyReplyToken(secret, match[1]!);
}

/** Survey link token: ticket id, expiry (ms, base 36) and MAC. */
export function surveyToken(secret: string, ticketId: number, expiresAt: number): string {
  const body = `${ticketId}.${expiresAt.toString(36)}`;
  return `${body}.${mac(secret, `email-survey:${body}`, 32)}`;
}

export type SurveyTokenCheck = { ok: true; ticketId: number } | { ok: false; reason: 'invalid' | 'expired' };

export function verifySurveyToken(secret: string, token: string, now: number): SurveyTokenCheck {
  const match = /^(\d{1,12})\.([0-9a-z]{1,12})\.([0-9a-f]{32})$/.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const body = `${match[1]}.${match[2]}`;
  if (!same(match[3]!, mac(secret, `email-survey:${body}`, 32))) return { ok: false, reason: 'invalid' };
  if (parseInt(match[2]!, 36) < now) return { ok: false, reason: 'expired' };
  return { ok: true, ticketId: Number(match[1]) };
}
