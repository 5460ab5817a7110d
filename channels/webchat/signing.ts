// HMAC signatures for everything the widget carries around: session tokens,
// stream and file links, upload receipts. Each use derives its own key from
// the service secret, so a signature made for one purpose never verifies for
// another.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class Signer {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = createHmac('sha256', secret).update(`parley:webchat:${purpose}`).digest();
  }

  sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }

  verify(value: string, signature: string): boolean {
    return safeEqual(this.sign(value), signature);
  }
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A signed link capability: `exp` and `sig` query values for `subject` (for
 * example `stream:<ticket>:<customer>`), valid until `expiresAt`.
 */
export class LinkSigner {
  private readonly signer: Signer;

  constructor(secret: string, purpose: string) {
    this.signer = new Signer(secret, purpose);
  }

  sign(subject: string, expiresAt: number): { exp: string; sig: string } {
    const exp = String(expiresAt);
    return { exp, sig: this.signer.sign(`${subject}|${exp}`) };
  }

  verify(subject: string, exp: unknown, sig: unknown, now: number): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,16}$/.test(exp)) return false;
    if (Number(exp) < now) return false;
    return this.signer.verify(`${subject}|${exp}`, sig);
  }
}
