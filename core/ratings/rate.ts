// Ratings from any channel land here. Rating the same thing again (a second
// click, a changed mind) updates the first rating instead of adding one.
import { z } from 'zod';
import { recordAnalytics } from '../analytics/record.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { humanAnswered } from '../tickets/commands.ts';
import { Message } from '../messages/models.ts';
import { recordEvent } from '../tickets/history.ts';
import { Ticket } from '../tickets/models.ts';
import type { Tx } from '../transaction.ts';
import { CHANNELS } from '../types.ts';
import { Rating } from './models.ts';

export const rateSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('answer'),
    messageId: z.number().int().positive(),
    helpful: z.boolean(),
    comment: z.string().max(2000).optional(),
    channel: z.enum(CHANNELS).optional(),
  }),
  z.object({
    kind: z.literal('csat'),
    ticketId: z.number().int().positive(),
    score: z.number().int().min(1).max(5),
    comment: z.string().max(2000).optional(),
    channel: z.enum(CHANNELS).optional(),
  }),
  z.object({
    kind: z.literal('article'),
    articleId: z.number().int().positive(),
    helpful: z.boolean(),
    /** Who rated: a customer id, or an anonymous reader key (session). */
    raterKey: z.string().min(1).max(80),
    customerId: z.number().int().positive().optional(),
    comment: z.string().max(2000).optional(),
    channel: z.enum(CHANNELS).optional(),
  }),
]);
export type RateInput = z.input<typeof rateSchema>;

export function parseRate(input: unknown): z.output<typeof rateSchema> {
  const parsed = rateSchema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod('rating', parsed.error);
  return parsed.data;
}

export async function rate(tx: Tx, input: z.output<typeof rateSchema>): Promise<Rating> {
  const { trx, now } = tx;
  let row: Partial<Rating>;
  if (input.kind === 'answer') {
    const message = await Message.query(trx).findById(input.messageId);
    if (!message || message.authorType === 'customer') throw new NotFoundError(`answer ${input.messageId}`);
    const ticket = await Ticket.query(trx).findById(message.ticketId).throwIfNotFound();
    row = {
      kind: 'answer',
      ticketId: ticket.id,
      messageId: message.id,
      customerId: ticket.customerId,
      score: input.helpful ? 1 : 0,
      subjectKey: `answer:${message.id}`,
    };
  } else if (input.kind === 'csat') {
    const ticket = await Ticket.query(trx).findById(input.ticketId);
    if (!ticket) throw new NotFoundError(`ticket ${input.ticketId}`);
    row = { kind: 'csat', ticketId: ticket.id, customerId: ticket.customerId, score: input.score, subjectKey: `csat:${ticket.id}` };
  } else {
    row = {
      kind: 'article',
      articleId: input.articleId,
      customerId: input.customerId ?? null,
      score: input.helpful ? 1 : 0,
      subjectKey: `article:${input.articleId}:${input.raterKey}`,
    };
  }
  row.comment = input.comment?.trim() || null;
  row.channel = input.channel ?? null;

  const existing = await Rating.query(trx).findOne({ subjectKey: row.subjectKey! });
  const rating = existing
    ? await Rating.query(trx).patchAndFetchById(existing.id, { score: row.score, comment: row.comment ?? existing.comment, channel: row.channel ?? existing.channel, updatedAt: now })
    : await Rating.query(trx).insertAndFetch({ ...row, createdAt: now, updatedAt: now });

  const base = { at: now, channel: rating.channel, ticketId: rating.ticketId, customerId: rating.customerId, value: rating.score };
  if (rating.kind === 'csat') {
    const answered = await trx('surveys').where({ ticketId: rating.ticketId }).whereNull('answeredAt').update({ answeredAt: now, ratingId: rating.id });
    const actor = (await humanAnswered(tx, rating.ticketId!)) ? 'human' : 'bot';
    // A changed mind replaces the score; it is not a second response.
    if (!existing) await recordAnalytics(trx, { ...base, type: 'rating', label: 'csat', actor });
    else await trx('analyticsEvents').where({ type: 'rating', label: 'csat', ticketId: rating.ticketId }).update({ value: rating.score });
    if (answered) await recordAnalytics(trx, { ...base, type: 'survey_answered', actor });
  } else if (rating.kind === 'answer') {
    if (!existing) await recordAnalytics(trx, { ...base, type: 'rating', label: 'answer', actor: 'bot' });
  } else {
    await recordAnalytics(trx, { ...base, type: 'article_rated', articleId: rating.articleId, label: input.comment?.slice(0, 200) ?? null });
  }
  if (rating.ticketId) {
    await recordEvent(tx, rating.ticketId, 'rated', { type: 'customer', id: rating.customerId }, {
      kind: rating.kind,
      score: rating.score,
      messageId: rating.messageId,
    });
  }
  tx.events.push({ type: 'rating.created', ticketId: rating.ticketId ?? undefined, customerId: rating.customerId ?? undefined, kind: rating.kind });
  return rating;
}
