// Read side of tickets: what pages, channels and workers look up.
import type { Knex } from 'knex';
import { Attachment, Message } from '../messages/models.ts';
import { fromJsonColumn } from '../json.ts';
import { Ticket, TicketEvent } from './models.ts';

export function findTicket(knex: Knex, id: number) {
  return Ticket.query(knex).findById(id);
}

export function findTicketByNumber(knex: Knex, number: number) {
  return Ticket.query(knex).findOne({ number });
}

export function listMessages(knex: Knex, ticketId: number, options: { includeInternal?: boolean; afterId?: number } = {}) {
  const q = Message.query(knex).where({ ticketId }).orderBy('id');
  if (!options.includeInternal) q.where('internal', false);
  if (options.afterId) q.where('id', '>', options.afterId);
  return q;
}

export function listAttachments(knex: Knex, messageIds: number[]) {
  return Attachment.query(knex).whereIn('messageId', messageIds).orderBy('id');
}

export function listEvents(knex: Knex, ticketId: number) {
  return TicketEvent.query(knex).where({ ticketId }).orderBy('id');
}

export interface DeliveryView {
  id: number;
  messageId: number;
  channel: string;
  status: 'pending' | 'working' | 'sent' | 'dead';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
  externalId: string | null;
}

export async function listDeliveries(knex: Knex, ticketId: number): Promise<DeliveryView[]> {
  const rows = await knex('deliveries')
    .where({ ticketId })
    .orderBy('id')
    .select('id', 'messageId', 'channel', 'status', 'attempts', 'lastError', 'nextAttemptAt', 'sentAt', 'externalId', 'replyRef');
  return rows.map(({ replyRef, ...row }: any) => ({ ...row, replyRef: fromJsonColumn(replyRef) }));
}
