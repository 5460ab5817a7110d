// Bot, agent and system messages: stored first, then one delivery per target
// channel for the outbox worker. Internal notes are stored and never delivered.
import { z } from 'zod';
import { recordAnalytics, type AnalyticsEvent } from './analytics/record.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { Message } from './messages/models.ts';
import { sanitizeMessageHtml } from './messages/sanitize.ts';
import { recordEvent } from './tickets/history.ts';
import { Ticket } from './tickets/models.ts';
import type { Tx } from './transaction.ts';
import { CHANNELS, TICKET_STATUSES, inboundAttachmentSchema } from './types.ts';

export const replySchema = z.object({
  ticketId: z.number().int().positive(),
  authorType: z.enum(['bot', 'agent', 'system']),
  authorId: z.number().int().positive().optional(),
  text: z.string().min(1).max(100_000),
  html: z.string().max(1_000_000).optional(),
  internal: z.boolean().default(false),
  purpose: z.enum(['reply', 'answer', 'acknowledgement', 'notification', 'survey']).default('reply'),
  meta: z.record(z.string(), z.unknown()).optional(),
  attachments: z.array(inboundAttachmentSchema).max(100).default([]),
  /** Where to deliver; defaults to the ticket's own channel and reply address. */
  targets: z.array(z.object({ channel: z.enum(CHANNELS), replyRef: z.unknown() })).optional(),
  /** Status to set with this reply (an agent answering usually waits on the customer). */
  status: z.enum(TICKET_STATUSES).optional(),
});
export type ReplyInput = z.input<typeof replySchema>;

export interface ReplyResult {
  ticket: Ticket;
  message: Message;
  deliveryIds: number[];
}

export function parseReply(input: unknown): z.output<typeof replySchema> {
  const parsed = replySchema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod('reply', parsed.error);
  return parsed.data;
}

export async function storeReply(tx: Tx, input: z.output<typeof replySchema>): Promise<ReplyResult> {
  const { trx, now } = tx;
  const ticket = await Ticket.query(trx).findById(input.ticketId);
  if (!ticket) throw new NotFoundError(`ticket ${input.ticketId}`);

  const meta = { ...(input.meta ?? {}), purpose: input.purpose };
  const message = await Message.query(trx).insertAndFetch({
    ticketId: ticket.id,
    authorType: input.authorType,
    authorId: input.authorId ?? null,
    bodyText: input.text,
    bodyHtml: input.html ? sanitizeMessageHtml(input.html) : null,
    internal: input.internal,
    channel: ticket.channel,
    externalId: null,
    meta,
    createdAt: now,
  });
  if (input.attachments.length) {
    // knex, not objection: objection inserts several rows at once only on PostgreSQL.
    await trx('attachments').insert(
      input.attachments.map((a) => ({ ...a, contentId: a.contentId ?? null, inline: a.inline ?? false, messageId: message.id, createdAt: now })),
    );
  }

  const deliveryIds: number[] = [];
  if (!input.internal) {
    const targets = input.targets ?? [{ channel: ticket.channel, replyRef: ticket.replyRef }];
    for (const target of targets) {
      const [row] = await trx('deliveries')
        .insert({
          messageId: message.id,
          ticketId: ticket.id,
          channel: target.channel,
          replyRef: JSON.stringify(target.replyRef ?? null),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning('id');
      const id = typeof row === 'object' ? row.id : row;
      deliveryIds.push(id);
      tx.events.push({ type: 'delivery.created', ticketId: ticket.id, deliveryId: id, channel: target.channel });
    }
  }

  const patch: Partial<Ticket> = { updatedAt: now };
  const answersCustomer =
    !input.internal && (input.authorType === 'agent' || input.authorType === 'bot') && input.purpose !== 'acknowledgement';
  const facts: AnalyticsEvent[] = [];
  const base = { at: now, channel: ticket.channel, ticketId: ticket.id, customerId: ticket.customerId };
  const actor = input.authorType === 'agent' ? ('human' as const) : ('bot' as const);
  if (answersCustomer && !ticket.firstResponseAt) {
    patch.firstResponseAt = now;
    facts.push({ ...base, type: 'first_response', actor, value: now - ticket.createdAt });
  }
  if (input.authorType === 'bot' && input.purpose === 'answer' && !input.meta?.handoff) {
    facts.push({ ...base, type: 'bot_answered', actor: 'bot', value: typeof input.meta?.confidence === 'number' ? input.meta.confidence : null });
  }
  await recordAnalytics(trx, ...facts);
  if (input.status && input.status !== ticket.status) {
    patch.status = input.status;
    if (input.status === 'resolved') patch.resolvedAt = now;
    await recordEvent(tx, ticket.id, 'status_changed', { type: input.authorType, id: input.authorId }, { from: ticket.status, to: input.status });
  }
  await Ticket.query(trx).patch(patch).where({ id: ticket.id });
  Object.assign(ticket, patch);

  tx.events.push({
    type: 'message.created',
    ticketId: ticket.id,
    messageId: message.id,
    customerId: ticket.customerId,
    authorType: input.authorType,
    internal: input.internal,
  });
  tx.events.push({ type: 'ticket.updated', ticketId: ticket.id, customerId: ticket.customerId });
  return { ticket, message, deliveryIds };
}
