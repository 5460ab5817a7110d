// Magic sign-in links: 32 random bytes in the link, their sha256 in a token
// table, valid for `ttlMs` and spent by the first sign-in. The link is built
// from PUBLIC_URL, never from the request's Host header (which a client
// chooses). Customers (portal) and agents (desk) use the same mechanism with
// their own table and path; only a customer's sign-in proves their address.
import type { Knex } from 'knex';
import type { Clock } from '../../core/index.ts';
import { Customer } from '../../core/index.ts';
import { hashToken, randomToken, TOKEN_SHAPE } from './tokens.ts';

export interface IssuedLink {
  url: string;
  expiresAt: number;
}

export type Redemption =
  | { ok: true; subjectId: number; email: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export interface LinkAudience {
  table: string;
  subjectColumn: string;
  /** Where the link points, under PUBLIC_URL. */
  path: string;
  /** Runs once a link is spent (a customer's proves their address). */
  onRedeem?: (knex: Knex, subjectId: number, email: string, now: number) => Promise<void>;
}

export const CUSTOMER_LINKS: LinkAudience = { table: 'loginTokens', subjectColumn: 'customerId', path: '/sign-in/link', onRedeem: proveEmail };
export const AGENT_LINKS: LinkAudience = { table: 'agentLoginTokens', subjectColumn: 'agentId', path: '/desk/sign-in/link' };

export class LoginLinks {
  private readonly audience: LinkAudience;

  constructor(private readonly deps: { knex: Knex; clock: Clock; publicUrl: string; ttlMs: number; audience?: LinkAudience }) {
    this.audience = deps.audience ?? CUSTOMER_LINKS;
  }

  get ttlMs(): number {
    return this.deps.ttlMs;
  }

  async issue(subjectId: number, email: string, next?: string): Promise<IssuedLink> {
    const { knex, clock, publicUrl, ttlMs } = this.deps;
    const { table, subjectColumn, path } = this.audience;
    const token = randomToken(32);
    const now = clock.now();
    const expiresAt = now + ttlMs;
    await knex(table).insert({ tokenHash: hashToken(token), [subjectColumn]: subjectId, email: email.toLowerCase(), createdAt: now, expiresAt, usedAt: null });
    const query = next && isLocalPath(next) && next !== '/' ? `?next=${encodeURIComponent(next)}` : '';
    return { url: `${publicUrl}${path}/${token}${query}`, expiresAt };
  }

  /** Looks at a token without spending it (the page behind the link's GET). */
  async check(token: string): Promise<'valid' | 'invalid' | 'expired' | 'used'> {
    if (!TOKEN_SHAPE.test(token)) return 'invalid';
    const row = await this.deps.knex(this.audience.table).where({ tokenHash: hashToken(token) }).first('expiresAt', 'usedAt');
    if (!row) return 'invalid';
    if (row.usedAt !== null) return 'used';
    if (Number(row.expiresAt) <= this.deps.clock.now()) return 'expired';
    return 'valid';
  }

  /** Spends the token: exactly one caller gets ok, whatever the concurrency. */
  async redeem(token: string): Promise<Redemption> {
    if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'invalid' };
    const { knex, clock } = this.deps;
    const { table, subjectColumn, onRedeem } = this.audience;
    const tokenHash = hashToken(token);
    const now = clock.now();
    const spent = await knex(table).where({ tokenHash }).whereNull('usedAt').where('expiresAt', '>', now).update({ usedAt: now });
    const row = await knex(table).where({ tokenHash }).first(subjectColumn, 'email', 'expiresAt', 'usedAt');
    if (!row) return { ok: false, reason: 'invalid' };
    if (spent !== 1) return { ok: false, reason: Number(row.expiresAt) <= now ? 'expired' : 'used' };
    const subjectId = Number(row[subjectColumn]);
    await onRedeem?.(knex, subjectId, row.email, now);
    return { ok: true, subjectId, email: row.email };
  }

  async purgeExpired(): Promise<number> {
    // Kept a day past expiry so a late click can say "expired" rather than "invalid".
    return this.deps.knex(this.audience.table).where('expiresAt', '<', this.deps.clock.now() - 86_400_000).delete();
  }
}

/**
 * Opening the link proved the customer reads this mailbox: their address
 * becomes verified, unless another customer already holds it verified.
 */
async function proveEmail(knex: Knex, customerId: number, email: string, now: number): Promise<void> {
  const taken = await Customer.query(knex).findOne({ email, emailVerified: true }).whereNot('id', customerId);
  if (taken) return;
  await knex('customers').where({ id: customerId, email, emailVerified: false }).update({ emailVerified: true, updatedAt: now });
}

/**
 * The customer a sign-in link for `email` belongs to: the one holding the
 * address verified, else the most recent one who gave it.
 */
export async function customerForEmail(knex: Knex, email: string): Promise<Customer | undefined> {
  const address = email.trim().toLowerCase();
  const verified = await Customer.query(knex).findOne({ email: address, emailVerified: true });
  if (verified) return verified;
  return Customer.query(knex).where({ email: address }).orderBy('id', 'desc').first();
}

/** A path on this site ("/tickets/3"), never another site ("//evil", "https:..."). */
export function isLocalPath(path: string): boolean {
  return /^\/(?![/\\])[^\s]*$/.test(path) && path.length <= 500;
}
