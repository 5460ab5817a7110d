// Outbound messages as Slack Block Kit: the converted text in section blocks
// (3,000 characters each), and under a bot answer a "Helpful / Not helpful"
// row, under a survey a row of 1-5 buttons. Each button carries a signed
// token naming what it rates. A message holds at most 50 blocks, so a very
// long text would go out as several messages; the core's length limit keeps
// that rare.
import type { OutboundMessage } from '../../core/index.ts';
import { toSlackMrkdwn } from '../common/markdown.ts';
import { messageMarkdown } from '../common/outbound-body.ts';
import { choicesFor, ratingCopy, ratingPromptFor } from '../common/rating.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { splitText } from '../common/split-text.ts';

export const SECTION_LIMIT = 3000;
const BLOCKS_PER_MESSAGE = 48;
export const RATING_BLOCK_ID = 'parley_rating';
export const RATING_PROMPT_BLOCK_ID = 'parley_rating_prompt';
export const RATING_ACTION_PREFIX = 'parley_rate_';

export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

export function slackPayloads(message: OutboundMessage, tokens: RatingTokens, note = ''): SlackPayload[] {
  const mrkdwn = toSlackMrkdwn(messageMarkdown(message, note)) || ' ';
  const sections = splitText(mrkdwn, SECTION_LIMIT).map((part) => ({ type: 'section', text: { type: 'mrkdwn', text: part } }));
  const rating = ratingBlocks(message, tokens);
  const payloads: SlackPayload[] = [];
  for (let i = 0; i < sections.length; i += BLOCKS_PER_MESSAGE) {
    payloads.push({ text: '', blocks: sections.slice(i, i + BLOCKS_PER_MESSAGE) });
  }
  const last = payloads[payloads.length - 1]!;
  if (last.blocks.length + rating.length > 50) payloads.push({ text: '', blocks: rating });
  else last.blocks.push(...rating);
  // The plain text is what notifications and screen readers show.
  const fallback = notificationText(message.text);
  for (const p of payloads) p.text = fallback;
  return payloads;
}

function ratingBlocks(message: OutboundMessage, tokens: RatingTokens): Record<string, unknown>[] {
  const prompt = ratingPromptFor(message);
  if (!prompt) return [];
  const elements = choicesFor(prompt).map(({ label, choice }, i) => ({
    type: 'button',
    action_id: `${RATING_ACTION_PREFIX}${i}`,
    text: { type: 'plain_text', text: label, emoji: true },
    value: tokens.encode(choice),
    ...(choice.kind === 'answer' ? { style: choice.helpful ? 'primary' : undefined } : {}),
  }));
  const blocks: Record<string, unknown>[] = [];
  const promptText = prompt.kind === 'answer' ? ratingCopy.answerPrompt : ratingCopy.surveyPrompt;
  blocks.push({ type: 'context', block_id: RATING_PROMPT_BLOCK_ID, elements: [{ type: 'mrkdwn', text: promptText }] });
  blocks.push({ type: 'actions', block_id: RATING_BLOCK_ID, elements: elements.map(dropUndefined) });
  return blocks;
}

/** The blocks of a rated message with its buttons replaced by a thank-you line. */
export function afterRating(blocks: unknown, thanks: string): Record<string, unknown>[] {
  const kept = (Array.isArray(blocks) ? blocks : []).filter(
    (b: any) => b && b.block_id !== RATING_BLOCK_ID && b.block_id !== RATING_PROMPT_BLOCK_ID,
  );
  return [...kept, { type: 'context', block_id: RATING_PROMPT_BLOCK_ID, elements: [{ type: 'mrkdwn', text: thanks }] }];
}

function notificationText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > 300 ? `${flat.slice(0, 297)}...` : flat || ' ';
  return short.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
