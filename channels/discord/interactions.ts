// Rating button presses, which Discord delivers as interactions over the
// verified gateway connection. The custom_id is our signed token; the
// presser must be the ticket's customer. A rated message's buttons become one
// disabled "thanks" button; anyone else gets a note only they can see.
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { Logger } from 'pino';
import type { ConversationCore } from '../../core/index.ts';
import { applyRatingClick, ratingCopy } from '../common/rating.ts';
import { RatingTokens } from '../common/rating-tokens.ts';
import { ratedRow } from './outbound.ts';

export function isRatingButton(interaction: { isButton(): boolean; customId?: string }): boolean {
  return interaction.isButton() && RatingTokens.looksLike(interaction.customId);
}

export async function handleRatingButton(
  interaction: ButtonInteraction,
  deps: { core: ConversationCore; tokens: RatingTokens; logger: Logger },
): Promise<void> {
  const outcome = await applyRatingClick(deps.core, deps.tokens, { channel: 'discord', externalUserId: interaction.user.id, token: interaction.customId });
  try {
    if (outcome.ok) await interaction.update({ components: ratedRow(ratingCopy.thanks(outcome.choice)) as any });
    else await interaction.reply({ content: outcome.message, flags: MessageFlags.Ephemeral });
  } catch (error) {
    // The rating is stored; only the visible confirmation failed.
    deps.logger.warn({ err: error }, 'could not answer the discord rating interaction');
  }
}
