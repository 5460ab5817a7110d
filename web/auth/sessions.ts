// Browser sessions: a random 256-bit id in an HttpOnly, SameSite=Lax cookie
// (Secure when PUBLIC_URL is https), only its hash in the database. A new
// session is made at every sign-in (the old one is deleted, so an id planted
// before sign-in is worthless), it ends after `idleMs` without use or at
// `absoluteMs` after sign-in, whichever comes first, and sign-out deletes it.
import type { Knex } from 'knex';
import type { Context, Next } from 'koa';
import type { Clock } from '../../core/index.ts';
import { clearCookie, readCookie, setCookie } from '../http/cookies.ts';
import type { CsrfState } from '../http/csrf.ts';
import { hashToken, randomToken, TOKEN_SHAPE } from './tokens.ts';

export type SignInMethod = 'link' | 'host' | 'operator';

export interface Session {
  idHash: string;
  customerId: number | null;
  agentId: number | null;
  method: SignInMethod;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionOptions {
  idleMs: number;
  absoluteMs: number;
  secureCookies: boolean;
  cookieName?: string;
}

/** Writing last_seen_at on every request would turn reads into writes. */
const TOUCH_EVERY_MS = 60_000;

export class Sessions {
  readonly cookieName: string;

  constructor(private readonly deps: { knex: Knex; clock: Clock; options: SessionOptions }) {
    this.cookieName = deps.options.cookieName ?? 'parley_session';
  }

  /** Signs the browser in as `subject`: a fresh session id, a fresh CSRF token. */
  async start(ctx: Context, subject: { customerId?: number; agentId?: number }, method: SignInMethod): Promise<Session> {
    const { knex, clock, options } = this.deps;
    await this.end(ctx);
    const token = randomToken(32);
    const now = clock.now();
    const session: Session = {
      idHash: hashToken(token),
      customerId: subject.customerId ?? null,
      agentId: subject.agentId ?? null,
      method,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + options.absoluteMs,
    };
    await knex('sessions').insert(session);
    setCookie(ctx, this.cookieName, token, { secure: options.secureCookies, httpOnly: true, sameSite: 'Lax', maxAgeSeconds: options.absoluteMs / 1000 });
    (ctx.state.csrf as CsrfState | undefined)?.rotate();
    ctx.state.session = session;
    return session;
  }

  /** The live session behind this request's cookie, if any. */
  async load(ctx: Context): Promise<Session | undefined> {
    const token = readCookie(ctx, this.cookieName);
    if (!token || !TOKEN_SHAPE.test(token)) return undefined;
    const { knex, clock, options } = this.deps;
    const idHash = hashToken(token);
    const row = await knex('sessions').where({ idHash }).first();
    if (!row) return undefined;
    const session = toSession(row);
    const now = clock.now();
    if (now >= session.expiresAt || now - session.lastSeenAt >= options.idleMs) {
      await knex('sessions').where({ idHash }).delete();
      return undefined;
    }
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      await knex('sessions').where({ idHash }).update({ lastSeenAt: now });
      session.lastSeenAt = now;
    }
    return session;
  }

  /** Signs this browser out: the session row goes, and the cookie with it. */
  async end(ctx: Context): Promise<void> {
    const token = readCookie(ctx, this.cookieName);
    if (token && TOKEN_SHAPE.test(token)) await this.deps.knex('sessions').where({ idHash: hashToken(token) }).delete();
    if (token) clearCookie(ctx, this.cookieName, { secure: this.deps.options.secureCookies, httpOnly: true, sameSite: 'Lax' });
    ctx.state.session = undefined;
  }

  /** Removes sessions that can no longer be used. */
  async purgeExpired(): Promise<number> {
    const now = this.deps.clock.now();
    return this.deps.knex('sessions')
      .where('expiresAt', '<=', now)
      .orWhere('lastSeenAt', '<=', now - this.deps.options.idleMs)
      .delete();
  }
}

function toSession(row: any): Session {
  return {
    idHash: row.idHash,
    customerId: row.customerId === null ? null : Number(row.customerId),
    agentId: row.agentId === null ? null : Number(row.agentId),
    method: row.method,
    createdAt: Number(row.createdAt),
    lastSeenAt: Number(row.lastSeenAt),
    expiresAt: Number(row.expiresAt),
  };
}

/** Loads the session (if any) into ctx.state.session for the routes after it. */
export function loadSession(sessions: Sessions) {
  return async function session(ctx: Context, next: Next) {
    ctx.state.session = await sessions.load(ctx);
    await next();
  };
}

export function currentSession(ctx: Context): Session | undefined {
  return ctx.state.session as Session | undefined;
}
