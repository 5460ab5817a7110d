import type { QueueRow } from '../queue.ts';
import type { ChannelKind } from '../types.ts';

/** A row of `deliveries` as the queue claims it. */
export interface DeliveryRow extends QueueRow {
  messageId: number;
  ticketId: number;
  channel: ChannelKind;
  replyRef: unknown;
  externalId: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}
