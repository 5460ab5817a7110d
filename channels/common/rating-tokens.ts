// What a rating button carries: the rated thing and the choice, with an HMAC
// so a hand-made interaction (a Teams client can submit any card data, a
// Discord client any custom_id it likes) cannot rate something we never put a
// button under. Each channel derives its own key, so a token is only valid on
// the channel it was made for. Compact enough for Discord's 100-character
// custom_id.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelKind } from '../../core/index.ts';

export type RatingChoice =
  | { kind: 'answer'; messageId: number; helpful: boolean }
  | { kind: 'csat'; ticketId: number; score: number };

const PREFIX = 'pr1';
const SHAPE = /^pr1:(a|c):(\d{1,12}):(\d):([A-Za-z0-9_-]{22})$/;

export class RatingTokens {
  private readonly key: Buffer;

  constructor(secret: string, channel: ChannelKind) {
    this.key = createHmac('sha256', secret).update(`parley:rating-button:${channel}`).digest();
  }

  encode(choice: RatingChoice): string {
    const body = choice.kind === 'answer' ? `a:${choice.messageId}:${choice.helpful ? 1 : 0}` : `c:${choice.ticketId}:${choice.score}`;
    return `${PREFIX}:${body}:${this.sign(body)}`;
  }

  /** The choice a token stands for, or undefined when it is not one of ours. */
  decode(token: unknown): RatingChoice | undefined {
    if (typeof token !== 'string') return undefined;
    const m = SHAPE.exec(token);
    if (!m) return undefined;
    const [, kind, id, value, sig] = m as unknown as [string, 'a' | 'c', string, string, string];
    const expected = Buffer.from(this.sign(`${kind}:${id}:${value}`));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 1) return undefined;
    if (kind === 'a') return value === '0' || value === '1' ? { kind: 'answer', messageId: n, helpful: value === '1' } : undefined;
    const score = Number(value);
    return score >= 1 && score <= 5 ? { kind: 'csat', ticketId: n, score } : undefined;
  }

  /** True when a string looks like one of our tokens (to route it), valid or not. */
  static looksLike(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(`${PREFIX}:`);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
