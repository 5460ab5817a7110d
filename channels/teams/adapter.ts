// The Teams side of the outbox: a proactive message into the ticket's thread
// (continueConversationAsync with the stored ConversationReference). Bot
// Connector errors map onto the outbox: 429 waits the Retry-After it names;
// the bot removed from the team or chat (403), a conversation that no longer
// exists (404) or a message Teams rejects as malformed (400, 413) end the
// delivery at once; anything else is retried.
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import { DeliveryError, type ChannelAdapter, type DeliveryReceipt, type OutboundMessage } from '../../core/index.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { teamsReplyRefSchema } from './inbound.ts';
import { teamsActivities } from './outbound.ts';

const PERMANENT_STATUS = new Set([400, 403, 404, 410, 413]);

export class TeamsAdapter implements ChannelAdapter {
  readonly channel = 'teams' as const;

  constructor(
    private readonly deps: {
      cloud: CloudAdapter;
      appId?: string;
      tokens: RatingTokens;
      logger: Logger;
      start: () => Promise<void>;
      stop: () => Promise<void>;
    },
  ) {}

  start(): Promise<void> {
    return this.deps.start();
  }

  stop(): Promise<void> {
    return this.deps.stop();
  }

  async send(message: OutboundMessage, replyRef: unknown): Promise<DeliveryReceipt> {
    const ref = teamsReplyRefSchema.safeParse(replyRef);
    if (!ref.success) throw new DeliveryError('not a Teams reply address', { permanent: true });
    const activities = teamsActivities(message, this.deps.tokens);
    let lastId: string | undefined;
    try {
      await this.deps.cloud.continueConversationAsync(this.deps.appId ?? '', ref.data as unknown as Partial<ConversationReference>, async (context) => {
        const responses = await context.sendActivities(activities);
        lastId = responses.map((r) => r?.id).filter(Boolean).pop() ?? lastId;
      });
    } catch (error) {
      throw toDeliveryError(error);
    }
    return { externalId: lastId };
  }
}

export function toDeliveryError(error: unknown): DeliveryError {
  const e = error as { statusCode?: number; code?: string; message?: string; response?: { headers?: { get?(name: string): string | undefined } } };
  const status = e?.statusCode;
  if (typeof status !== 'number') return new DeliveryError(`Teams request failed: ${e?.message ?? String(error)}`, { cause: error });
  const detail = [e.code, e.message].filter(Boolean).join(': ');
  if (status === 429) {
    const retryAfterMs = retryAfter(e.response?.headers?.get?.('retry-after')) ?? 30_000;
    return new DeliveryError(`Teams rate limited the message (HTTP 429${detail ? `, ${detail}` : ''})`, { retryAfterMs, cause: error });
  }
  return new DeliveryError(`Bot Connector answered HTTP ${status}${detail ? ` (${detail})` : ''}`, { permanent: PERMANENT_STATUS.has(status), cause: error });
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
