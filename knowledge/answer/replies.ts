// The bot's own words around answers: handoff notes with suggested articles,
// small-talk replies. Plain text that reads well in every channel.
import type { HandoffReason, SearchHit } from '../types.ts';

const HANDOFF_OPENING: Record<HandoffReason, string> = {
  low_confidence: "I'm not sure I have the right answer to that, so I've passed your question to our support team. Someone will reply here soon.",
  customer_request: "Of course. I've asked a member of our support team to take over; they'll reply here as soon as they can.",
  repeated_question: "Sorry my earlier answer didn't solve this. I've passed the conversation to our support team, and someone will reply here soon.",
  model_error: "I couldn't put an answer together just now, so I've passed your question to our support team. Someone will reply here soon.",
};

export function handoffText(reason: HandoffReason, suggestions: SearchHit[]): string {
  const opening = HANDOFF_OPENING[reason];
  if (suggestions.length === 0) return opening;
  const lead = suggestions.length === 1 ? 'In the meantime, this article might help:' : 'In the meantime, these articles might help:';
  return `${opening}\n\n${lead}\n${suggestions.map((s) => `- ${s.article.title}: ${s.article.url}`).join('\n')}`;
}

export function smallTalkText(kind: 'greeting' | 'thanks'): string {
  return kind === 'greeting'
    ? 'Hi! I can answer questions from our help center, or pass you to our support team. What can I help you with?'
    : "You're welcome! If anything else comes up, just ask here.";
}

export function emptyQuestionText(): string {
  return "Thanks! I can't read attachments myself, so I've passed this to our support team. Someone will reply here soon.";
}
