// The answering bot as a follow-up of every answerable inbound message. On a
// ticket the bot handles, it shows it is typing, asks the knowledge base, and
// stores the answer (delivered by the outbox on the ticket's channel), or
// stores a handoff note and hands the ticket to a person, both in one
// transaction. On a ticket a person handles, it stays silent. Idempotent: a
// second run for the same message finds the first answer and stops.
import type { Logger } from 'pino';
import type { Answer, HistoryTurn } from '../../knowledge/index.ts';
import type { ConversationCore } from '../conversation-core.ts';
import type { FollowUpPayload, JobHandler } from '../jobs/job-runner.ts';
import { Message } from '../messages/models.ts';
import { parseReply, storeReply } from '../reply.ts';
import { handOff } from '../tickets/commands.ts';
import { Ticket } from '../tickets/models.ts';
import { botAnswerFor, conversationBefore } from './history.ts';

/** What the bot needs from the knowledge base. */
export interface BotAnswerer {
  answer(question: string, history: HistoryTurn[]): Promise<Answer>;
}

export interface BotDeps {
  core: ConversationCore;
  answerer: BotAnswerer;
  logger: Logger;
  /** Earlier messages given to the answerer as context. */
  historyTurns?: number;
}

export const BOT_ANSWER_JOB = 'bot.answer';

export function createBotAnswerJob(deps: BotDeps): JobHandler {
  const knex = deps.core.db.knex;
  return async function answerCustomerMessage(payload: FollowUpPayload) {
    if (!payload.messageId) return;
    const ticket = await Ticket.query(knex).findById(payload.ticketId);
    if (!ticket || ticket.handler !== 'bot' || ticket.status === 'closed') return;
    const message = await Message.query(knex).findById(payload.messageId);
    if (!message || message.ticketId !== ticket.id || message.authorType !== 'customer' || message.meta?.noReply) return;
    if (await botAnswerFor(knex, ticket.id, message.id)) return;

    const history = await conversationBefore(knex, ticket.id, message.id, deps.historyTurns ?? 12);
    await typing(deps.core, ticket.id, true);
    try {
      const answer = await deps.answerer.answer(message.bodyText, history);
      const stored = await deps.core.transaction(async (tx) => {
        // Re-read inside the transaction: a person may have taken the ticket
        // while the bot was thinking, or another run may have answered.
        const fresh = await Ticket.query(tx.trx).findById(ticket.id);
        if (!fresh || fresh.handler !== 'bot' || (await botAnswerFor(tx.trx, ticket.id, message.id))) return false;
        const meta: Record<string, unknown> = {
          inReplyTo: message.id,
          citations: answer.citations,
          confidence: round(answer.confidence),
          question: answer.question,
        };
        if (answer.handoff) meta.handoff = { reason: answer.handoff.reason };
        if (answer.kind === 'small_talk') meta.smallTalk = true;
        await storeReply(
          tx,
          parseReply({ ticketId: ticket.id, authorType: 'bot', purpose: answer.kind === 'small_talk' ? 'reply' : 'answer', text: answer.text, meta }),
        );
        if (answer.handoff) await handOff(tx, ticket.id, answer.handoff.reason, { type: 'bot' });
        return true;
      });
      if (stored) {
        deps.logger.info(
          { ticketId: ticket.id, messageId: message.id, kind: answer.kind, confidence: round(answer.confidence), handoff: answer.handoff?.reason, citations: answer.citations.length },
          answer.handoff ? 'bot handed the ticket to a person' : 'bot answered',
        );
      }
    } finally {
      await typing(deps.core, ticket.id, false);
    }
  };
}

async function typing(core: ConversationCore, ticketId: number, active: boolean): Promise<void> {
  await core.bus.publish([{ type: 'ticket.typing', ticketId, who: 'bot', active }]).catch((err) => core.logger.warn({ err }, 'typing event not published'));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
