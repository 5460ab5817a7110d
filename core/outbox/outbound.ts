// Builds what a channel adapter needs to send one delivery.
import type { Knex } from 'knex';
import { Agent } from '../customers/models.ts';
import { Attachment, Message } from '../messages/models.ts';
import { Ticket } from '../tickets/models.ts';
import type { Citation, OutboundMessage, OutboundPurpose } from '../types.ts';
import type { DeliveryRow } from './models.ts';

export async function buildOutbound(knex: Knex, delivery: DeliveryRow): Promise<OutboundMessage> {
  const [message, ticket, attachments] = await Promise.all([
    Message.query(knex).findById(delivery.messageId).throwIfNotFound(),
    Ticket.query(knex).findById(delivery.ticketId).throwIfNotFound(),
    Attachment.query(knex).where({ messageId: delivery.messageId }).orderBy('id'),
  ]);
  const meta = message.meta ?? {};
  const agent = message.authorType === 'agent' && message.authorId ? await Agent.query(knex).findById(message.authorId) : undefined;
  return {
    deliveryId: delivery.id,
    idempotencyKey: `parley-delivery-${delivery.id}`,
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    subject: ticket.subject,
    messageId: message.id,
    authorType: message.authorType,
    authorName: agent?.name ?? undefined,
    text: message.bodyText,
    html: message.bodyHtml ?? undefined,
    citations: (meta.citations as Citation[] | undefined) ?? [],
    attachments: attachments.map((a) => ({ id: a.id, sha256: a.sha256, filename: a.filename, contentType: a.contentType, size: a.size })),
    purpose: (meta.purpose as OutboundPurpose | undefined) ?? 'reply',
    meta,
  };
}
