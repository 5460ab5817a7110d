// Native rating buttons, the parts every chat channel shares: which outbound
// messages get buttons, the words on them, and what a click does. A click is
// accepted only when its token is one of ours and the person clicking is the
// customer the ticket belongs to; then it lands in `ratings` through the core,
// and "Not helpful" hands the ticket to a person.
import { Identity, Message, Ticket, type ChannelKind, type ConversationCore, type OutboundMessage } from '../../core/index.ts';
import type { RatingChoice, RatingTokens } from './rating-tokens.ts';

export const ratingCopy = {
  answerPrompt: 'Was this answer helpful?',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  surveyPrompt: 'Rate from 1 (poor) to 5 (excellent):',
  scores: ['1 Poor', '2', '3', '4', '5 Excellent'] as const,
  notYours: 'Only the person who asked can rate this conversation.',
  invalid: 'This rating button is no longer valid.',
  thanks(choice: RatingChoice): string {
    if (choice.kind === 'csat') return `Thank you! You rated this conversation ${choice.score} out of 5.`;
    return choice.helpful
      ? 'Thanks for your feedback!'
      : 'Thanks for telling us. A member of our team will pick this up here.';
  },
};

/** What buttons, if any, go under this outbound message. */
export type RatingPrompt = { kind: 'answer'; messageId: number } | { kind: 'survey'; ticketId: number };

export function ratingPromptFor(message: OutboundMessage): RatingPrompt | undefined {
  if (message.purpose === 'survey') return { kind: 'survey', ticketId: message.ticketId };
  // A handoff notice is not an answer to judge; a person takes over instead.
  if (message.purpose === 'answer' && message.authorType === 'bot' && !message.meta?.handoff) {
    return { kind: 'answer', messageId: message.messageId };
  }
  return undefined;
}

/** The choices a prompt offers, in button order. */
export function choicesFor(prompt: RatingPrompt): { label: string; choice: RatingChoice }[] {
  if (prompt.kind === 'answer') {
    return [
      { label: ratingCopy.helpful, choice: { kind: 'answer', messageId: prompt.messageId, helpful: true } },
      { label: ratingCopy.notHelpful, choice: { kind: 'answer', messageId: prompt.messageId, helpful: false } },
    ];
  }
  return ratingCopy.scores.map((label, i) => ({ label, choice: { kind: 'csat', ticketId: prompt.ticketId, score: i + 1 } }));
}

export type RatingOutcome =
  | { ok: true; choice: RatingChoice; ticketId: number }
  | { ok: false; reason: 'invalid' | 'not_yours'; message: string };

/**
 * Applies a button click from `externalUserId` on `channel`. The platform has
 * already verified the interaction came from it (signature, JWT, gateway).
 */
export async function applyRatingClick(
  core: ConversationCore,
  tokens: RatingTokens,
  click: { channel: ChannelKind; externalUserId: string; token: unknown },
): Promise<RatingOutcome> {
  const invalid = { ok: false as const, reason: 'invalid' as const, message: ratingCopy.invalid };
  const choice = tokens.decode(click.token);
  if (!choice) return invalid;
  const knex = core.db.knex;
  let ticketId = choice.kind === 'csat' ? choice.ticketId : undefined;
  if (choice.kind === 'answer') ticketId = (await Message.query(knex).findById(choice.messageId))?.ticketId;
  const ticket = ticketId ? await Ticket.query(knex).findById(ticketId) : undefined;
  if (!ticket) return invalid;
  const identity = await Identity.query(knex).findOne({ channel: click.channel, externalUserId: click.externalUserId });
  if (!identity || identity.customerId !== ticket.customerId) {
    return { ok: false, reason: 'not_yours', message: ratingCopy.notYours };
  }
  await core.rate({ ...choice, channel: click.channel });
  if (choice.kind === 'answer' && !choice.helpful) {
    await core.handOff(ticket.id, 'answer_not_helpful', { type: 'customer', id: ticket.customerId });
  }
  return { ok: true, choice, ticketId: ticket.id };
}
