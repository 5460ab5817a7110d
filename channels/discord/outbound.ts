// Outbound messages as Discord message payloads: the converted markdown in
// parts of at most 2,000 characters, buttons (a row of "Helpful / Not
// helpful", or 1-5 for a survey) on the last part, mentions disabled so a
// quoted "@everyone" never pings anyone, and a nonce per part so Discord drops
// a resend of a part it already has.
import { ButtonStyle, ComponentType } from 'discord.js';
import type { OutboundMessage } from '../../core/index.ts';
import { toDiscordMarkdown } from '../common/markdown.ts';
import { messageMarkdown } from '../common/outbound-body.ts';
import { choicesFor, ratingPromptFor } from '../common/rating.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { splitText } from '../common/split-text.ts';
import type { DiscordReplyRef } from './inbound.ts';

export const DISCORD_CONTENT_LIMIT = 2000;

export interface DiscordPayload {
  content: string;
  components?: unknown[];
  allowed_mentions: { parse: string[] };
  nonce: string;
  enforce_nonce: boolean;
  message_reference?: { message_id: string; channel_id: string; fail_if_not_exists: boolean };
}

export function discordPayloads(message: OutboundMessage, ref: DiscordReplyRef, tokens: RatingTokens, note = ''): DiscordPayload[] {
  const parts = splitText(toDiscordMarkdown(messageMarkdown(message, note)) || '\u200b', DISCORD_CONTENT_LIMIT);
  const payloads: DiscordPayload[] = parts.map((content, i) => ({
    content,
    allowed_mentions: { parse: [] },
    // At most 25 characters; unique per delivery and part, stable across retries.
    nonce: `pd${message.deliveryId}.${i}`,
    enforce_nonce: true,
  }));
  if (ref.replyTo) payloads[0]!.message_reference = { message_id: ref.replyTo, channel_id: ref.channelId, fail_if_not_exists: false };
  const prompt = ratingPromptFor(message);
  if (prompt) {
    const buttons = choicesFor(prompt).map(({ label, choice }) => ({
      type: ComponentType.Button,
      style: choice.kind === 'answer' ? (choice.helpful ? ButtonStyle.Success : ButtonStyle.Secondary) : ButtonStyle.Primary,
      label,
      custom_id: tokens.encode(choice),
    }));
    payloads[payloads.length - 1]!.components = [{ type: ComponentType.ActionRow, components: buttons }];
  }
  return payloads;
}

/** The row that replaces the buttons once rated: one disabled button saying thanks. */
export function ratedRow(thanks: string): unknown[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: thanks.slice(0, 80), custom_id: 'parley-rated', disabled: true }],
    },
  ];
}
