// Step 3 of the one inbound flow: a validated InboundMessage becomes a stored
// message on the right ticket, with follow-up work enqueued, all in the
// caller's transaction. The channel acknowledges the platform only after the
// transaction has committed.
import { recordAnalytics } from './analytics/record.ts';
import { resolveCustomer } from './customers/resolve.ts';
import { lookUpInbound } from './receive-lookup.ts';
import { Message } from './messages/models.ts';
import { sanitizeMessageHtml } from './messages/sanitize.ts';
import { recordEvent } from './tickets/history.ts';
import { Ticket } from './tickets/models.ts';
import { resolveTicket } from './tickets/resolve.ts';
import type { Tx } from './transaction.ts';
import type { ValidInboundMessage } from './types.ts';

export interface ReceiveResult {
  ticket: Ticket;
  message: Message;
  /** True when this (channel, externalId) was already stored: nothing changed. */
  duplicate: boolean;
  /** True when this message opened the ticket. */
  created: boolean;
}

export async function receiveMessage(tx: Tx, msg: ValidInboundMessage): Promise<ReceiveResult> {
  const { trx, now } = tx;
  const known = await lookUpInbound(tx, msg);
  if (known.seenMessageId !== null) {
    const existing = await Message.query(trx).findById(known.seenMessageId).throwIfNotFound();
    const ticket = await Ticket.query(trx).findById(existing.ticketId).throwIfNotFound();
    return { ticket, message: existing, duplicate: true, created: false };
  }

  const customer = await resolveCustomer(tx, msg, known.sender);
  // Linking a verified email may merge the sender's customer into another,
  // moving its tickets: the thread's ticket as looked up is then stale.
  const unchanged = known.sender === null || known.sender.customer.id === customer.id;
  const { ticket, created } = await resolveTicket(tx, msg, customer, unchanged ? known.threadTicket : undefined);

  const meta = { ...(msg.meta ?? {}), ...(msg.noReply ? { noReply: true } : {}) };
  const row = {
    ticketId: ticket.id,
    authorType: 'customer' as const,
    authorId: customer.id,
    bodyText: msg.text,
    bodyHtml: msg.html ? sanitizeMessageHtml(msg.html) : null,
    internal: false,
    channel: msg.channel,
    externalId: msg.externalId,
    meta: Object.keys(meta).length ? meta : null,
    createdAt: now,
  };
  const [inserted] = await trx('messages').insert({ ...row, meta: row.meta && JSON.stringify(row.meta) }).returning('id');
  const message = Message.fromJson({ ...row, id: inserted.id }, { skipValidation: true });
  if (msg.attachments.length) {
    await trx('attachments').insert(
      msg.attachments.map((a) => ({
        messageId: message.id,
        sha256: a.sha256,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        contentId: a.contentId ?? null,
        inline: a.inline ?? false,
        createdAt: now,
      })),
    );
  }

  if (!created) await reviveTicket(tx, ticket, customer.id, msg);

  // Auto-replies and bounces are on record but never answered or acknowledged.
  if (!msg.noReply) await tx.enqueue('message.received', { messageId: message.id, ticketId: ticket.id, created });

  if (created) {
    await recordAnalytics(trx, {
      type: 'ticket_created',
      at: now,
      channel: msg.channel,
      ticketId: ticket.id,
      customerId: customer.id,
      label: typeof msg.meta?.source === 'string' ? msg.meta.source : null,
      data: msg.noReply ? { noReply: true } : null,
    });
  }
  tx.events.push({ type: 'message.created', ticketId: ticket.id, messageId: message.id, customerId: ticket.customerId, authorType: 'customer' });
  return { ticket, message, duplicate: false, created };
}

/**
 * A customer wrote on an existing ticket: a resolved ticket reopens, a ticket
 * waiting on the customer is open again, and the reply address is refreshed
 * (the newest message is the one to answer).
 */
async function reviveTicket(tx: Tx, ticket: Ticket, customerId: number, msg: ValidInboundMessage): Promise<void> {
  const { trx, now } = tx;
  const patch: Partial<Ticket> = { updatedAt: now };
  if (!msg.noReply) {
    patch.lastCustomerMessageAt = now;
    if (msg.replyRef !== undefined && msg.channel === ticket.channel) patch.replyRef = msg.replyRef as any;
    if (ticket.status === 'resolved') {
      patch.status = 'open';
      patch.resolvedAt = null;
      await recordEvent(tx, ticket.id, 'reopened', { type: 'customer', id: customerId }, { from: 'resolved' });
    } else if (ticket.status === 'pending') {
      patch.status = 'open';
      await recordEvent(tx, ticket.id, 'status_changed', { type: 'customer', id: customerId }, { from: 'pending', to: 'open' });
    }
  }
  const { replyRef, ...columns } = patch;
  await trx('tickets')
    .where({ id: ticket.id })
    .update(replyRef === undefined ? columns : { ...columns, replyRef: JSON.stringify(replyRef) });
  Object.assign(ticket, patch);
  tx.events.push({ type: 'ticket.updated', ticketId: ticket.id, customerId: ticket.customerId });
}
