// The conversation as the bot sees it: what the customer, the bot and agents
// said on the ticket before the message being answered (internal notes and
// system messages left out).
import type { Knex } from 'knex';
import type { Citation, HistoryTurn } from '../../knowledge/index.ts';
import { Message } from '../messages/models.ts';

export async function conversationBefore(knex: Knex, ticketId: number, messageId: number, turns: number): Promise<HistoryTurn[]> {
  const rows = await Message.query(knex)
    .where({ ticketId, internal: false })
    .whereIn('authorType', ['customer', 'bot', 'agent'])
    .where('id', '<', messageId)
    .orderBy('id', 'desc')
    .limit(turns);
  return rows.reverse().map((m) => {
    const meta = m.meta ?? {};
    const turn: HistoryTurn = { role: m.authorType as HistoryTurn['role'], text: m.bodyText };
    if (m.authorType === 'bot') {
      if (Array.isArray(meta.citations)) turn.citations = meta.citations as Citation[];
      if (meta.handoff) turn.handoff = true;
    }
    return turn;
  });
}

/** The bot already answered this customer message (a job may run twice). */
export async function botAnswerFor(knex: Knex, ticketId: number, messageId: number): Promise<Message | undefined> {
  const replies = await Message.query(knex).where({ ticketId, authorType: 'bot' }).where('id', '>', messageId).orderBy('id');
  return replies.find((m) => m.meta?.inReplyTo === messageId);
}
