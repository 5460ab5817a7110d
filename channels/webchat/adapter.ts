// The web chat's side of the outbox. A reply is already stored and streamed
// to any open widget by the time the outbox gets here, so for a visitor who is
// around "delivered" means stored. After a handoff a visitor may leave an
// email address (offline capture): if they are no longer connected when a
// reply is delivered, it follows by email through the email channel.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ChannelAdapter, ChannelKind, Clock, DeliveryReceipt, OutboundMessage } from '../../core/index.ts';
import { findConversation } from './conversations.ts';
import type { StreamHub } from './stream-hub.ts';

/**
 * Another instance's widget counts as present while its refresh (every
 * PRESENCE_REFRESH_MS) is this recent; a widget closing clears it at once.
 */
export const PRESENCE_REFRESH_MS = 20_000;
export const PRESENCE_WINDOW_MS = 45_000;

export interface EmailFollowUp {
  /** The reply address the email channel expects for a message to `email` on this ticket. */
  replyRef(email: string, message: OutboundMessage): unknown;
}

export class WebchatAdapter implements ChannelAdapter {
  readonly channel = 'webchat' as const;

  constructor(
    private readonly deps: {
      knex: Knex;
      clock: Clock;
      logger: Logger;
      hub: StreamHub;
      adapters: ReadonlyMap<ChannelKind, ChannelAdapter>;
      emailFollowUp: EmailFollowUp;
    },
  ) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async send(message: OutboundMessage): Promise<DeliveryReceipt> {
    const email = await this.followUpAddress(message);
    if (email) {
      const adapter = this.deps.adapters.get('email');
      if (adapter) {
        // A failure here fails this delivery, so the outbox retries it.
        const receipt = await adapter.send(message, this.deps.emailFollowUp.replyRef(email, message));
        this.deps.logger.info({ ticketId: message.ticketId, messageId: message.messageId }, 'web chat reply followed the visitor by email');
        return { externalId: `email:${receipt.externalId ?? message.idempotencyKey}` };
      }
      this.deps.logger.warn({ ticketId: message.ticketId }, 'visitor asked for email follow-up but no email channel is configured');
    }
    return { externalId: `webchat:${message.messageId}` };
  }

  /** The address to forward to: only for a visitor who left one and is not connected. */
  private async followUpAddress(message: OutboundMessage): Promise<string | undefined> {
    if (message.authorType === 'customer') return undefined;
    const row = await findConversation(this.deps.knex, message.ticketId);
    if (!row?.followUpEmail) return undefined;
    if (this.deps.hub.isWatched(message.ticketId)) return undefined;
    if (row.lastSeenAt && this.deps.clock.now() - Number(row.lastSeenAt) < PRESENCE_WINDOW_MS) return undefined;
    return row.followUpEmail;
  }
}
