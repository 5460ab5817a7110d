// Rating button clicks (Block Kit block_actions). Bolt has already verified
// the request (signing secret over HTTP, or the Socket Mode connection); the
// token in the button and the clicking user are checked against the ticket in
// applyRatingClick. A rated message loses its buttons and shows a thank-you
// line instead; someone else's click gets a note only they can see.
import type { App, BlockButtonAction, SlackActionMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ConversationCore } from '../../core/index.ts';
import { applyRatingClick, ratingCopy } from '../common/rating.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { afterRating, RATING_ACTION_PREFIX } from './blocks.ts';

export function registerRatingActions(app: App, deps: { core: ConversationCore; tokens: RatingTokens; logger: Logger }): void {
  const pattern = new RegExp(`^${RATING_ACTION_PREFIX}\\d+$`);
  app.action<BlockButtonAction>(pattern, async (args) => {
    await args.ack();
    await handleRatingClick(args, deps);
  });
}

async function handleRatingClick(
  { body, action, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs,
  deps: { core: ConversationCore; tokens: RatingTokens; logger: Logger },
): Promise<void> {
  const outcome = await applyRatingClick(deps.core, deps.tokens, { channel: 'slack', externalUserId: body.user.id, token: action.value });
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (!channel || !ts) return;
  try {
    if (outcome.ok) {
      await client.chat.update({
        channel,
        ts,
        text: body.message?.text ?? ratingCopy.thanks(outcome.choice),
        blocks: afterRating(body.message?.blocks, ratingCopy.thanks(outcome.choice)) as any,
      });
    } else {
      await client.chat.postEphemeral({ channel, user: body.user.id, text: outcome.message, thread_ts: body.message?.thread_ts ?? ts });
    }
  } catch (error) {
    // The rating is stored; only the visible confirmation failed.
    deps.logger.warn({ err: error }, 'could not update the rated Slack message');
  }
}
