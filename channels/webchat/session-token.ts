// Visitor sessions are signed tokens the widget keeps (in the chat frame's
// localStorage) and sends as a bearer token: no server-side session table, and
// no cookie, so a cross-site page cannot make a browser send it (that is the
// CSRF protection of every widget POST, next to the Origin check).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../core/index.ts';
import { Signer } from './signing.ts';

export interface VisitorSession {
  /** The identity's externalUserId: `anon:<random>` or `user:<host user id>`. */
  visitorId: string;
  /** True when the host application vouched for this visitor with an HMAC signature. */
  verified: boolean;
  email?: string;
  name?: string;
  issuedAt: number;
  expiresAt: number;
}

export type SessionProblem = 'malformed' | 'forged' | 'expired';

const payloadSchema = z.object({
  v: z.string().min(1).max(300),
  ver: z.boolean(),
  em: z.string().max(320).optional(),
  nm: z.string().max(200).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});

export class SessionTokens {
  private readonly signer: Signer;

  constructor(private readonly options: { secret: string; ttlMs: number; clock: Clock }) {
    this.signer = new Signer(options.secret, 'session');
  }

  static anonymousVisitorId(): string {
    return `anon:${randomBytes(16).toString('base64url')}`;
  }

  static hostUserVisitorId(userId: string): string {
    return `user:${userId}`;
  }

  issue(claims: Pick<VisitorSession, 'visitorId' | 'verified' | 'email' | 'name'>): { token: string; session: VisitorSession } {
    const issuedAt = this.options.clock.now();
    const session: VisitorSession = { ...claims, issuedAt, expiresAt: issuedAt + this.options.ttlMs };
    const payload = {
      v: session.visitorId,
      ver: session.verified,
      ...(session.email ? { em: session.email } : {}),
      ...(session.name ? { nm: session.name } : {}),
      iat: session.issuedAt,
      exp: session.expiresAt,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${body}.${this.signer.sign(body)}`, session };
  }

  verify(token: string): { session: VisitorSession } | { problem: SessionProblem } {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || token.length > 2000) return { problem: 'malformed' };
    if (!this.signer.verify(body, signature)) return { problem: 'forged' };
    let payload: z.infer<typeof payloadSchema>;
    try {
      payload = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return { problem: 'malformed' };
    }
    if (payload.exp <= this.options.clock.now()) return { problem: 'expired' };
    return {
      session: {
        visitorId: payload.v,
        verified: payload.ver,
        email: payload.em,
        name: payload.nm,
        issuedAt: payload.iat,
        expiresAt: payload.exp,
      },
    };
  }
}
