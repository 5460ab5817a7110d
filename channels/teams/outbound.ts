// Outbound messages as Teams activities: the converted markdown, split to
// stay well under Teams' ~28 KB message limit, then the rating card (when the
// message is a bot answer or a survey) as its own activity.
import type { Activity } from 'botbuilder';
import type { OutboundMessage } from '../../core/index.ts';
import { toTeamsMarkdown } from '../common/markdown.ts';
import { messageMarkdown } from '../common/outbound-body.ts';
import { notSentNote } from '../common/outbound-files.ts';
import { ratingPromptFor } from '../common/rating.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { splitText } from '../common/split-text.ts';
import { ratingCard } from './cards.ts';

export const TEAMS_TEXT_LIMIT = 8000;

export function teamsActivities(message: OutboundMessage, tokens: RatingTokens): Partial<Activity>[] {
  // Bots cannot simply upload files to Teams chats (that needs a consent card
  // per file), so an agent's attachments are named instead.
  const note = notSentNote(message.attachments.map((a) => a.filename));
  const text = toTeamsMarkdown(messageMarkdown(message, note)) || ' ';
  const activities: Partial<Activity>[] = splitText(text, TEAMS_TEXT_LIMIT).map((part) => ({ type: 'message', text: part, textFormat: 'markdown' }));
  const prompt = ratingPromptFor(message);
  if (prompt) activities.push({ type: 'message', attachments: [ratingCard(prompt, tokens)] });
  return activities;
}
