// What the bot does with each activity Teams sends, once botbuilder has
// verified it: a customer's message is stored (and only then does Teams get
// its 200); a card submit or Action.Execute is a rating click; everything
// else (members added, reactions, typing) needs nothing from us. Our own
// activities and other bots' are never customer input.
import type { Activity, TurnContext } from 'botbuilder';
import { ActivityTypes } from 'botbuilder';
import type { Logger } from 'pino';
import type { AttachmentStore, ConversationCore } from '../../core/index.ts';
import { downloadFiles } from '../common/download.ts';
import { textWithSkippedFiles } from '../common/outbound-body.ts';
import { applyRatingClick, ratingCopy } from '../common/rating.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { ratingTokenOf, thanksCard } from './cards.ts';
import { fileHostsFor, fileRequestsOf, inboundOf, textOf } from './inbound.ts';
import type { TeamsOptions } from './options.ts';

export interface TurnDeps {
  core: ConversationCore;
  attachments: AttachmentStore;
  tokens: RatingTokens;
  options: TeamsOptions;
  logger: Logger;
}

export function createTurnHandler(deps: TurnDeps) {
  return async function onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (!activity.from?.id || !activity.conversation?.id) return;
    if (activity.from.id === activity.recipient?.id || activity.from.role === 'bot') return;
    if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
      await onCardExecute(context, deps);
      return;
    }
    if (activity.type !== ActivityTypes.Message) return;
    if (ratingTokenOf(activity.value)) {
      await onCardSubmit(context, deps);
      return;
    }
    await onCustomerMessage(context, deps);
  };
}

async function onCustomerMessage(context: TurnContext, deps: TurnDeps): Promise<void> {
  const { core, logger } = deps;
  const activity = context.activity;
  const externalId = `${activity.conversation.id.split(';')[0]}:${activity.id}`;
  if (await core.db.knex('messages').where({ channel: 'teams', externalId }).first('id')) return; // redelivered
  const { attachments, skipped } = await downloadFiles(deps.attachments, fileRequestsOf(activity, await botToken(context, deps)), {
    allowed: fileHostsFor(activity.serviceUrl),
    maxBytes: deps.options.fileMaxBytes,
  });
  if (skipped.length) logger.warn({ activityId: activity.id, skipped }, 'teams files not received');
  const text = textWithSkippedFiles(textOf(activity), skipped, attachments.length);
  if (!text.trim() && attachments.length === 0) return;
  const receivedAt = Date.parse(activity.timestamp as unknown as string) || core.clock.now();
  const result = await core.receive(inboundOf(activity, text, attachments, receivedAt, skipped.length ? { skippedFiles: skipped } : {}));
  logger.debug({ ticketId: result.ticket.id, duplicate: result.duplicate }, 'teams message received');
}

async function onCardSubmit(context: TurnContext, deps: TurnDeps): Promise<void> {
  const activity = context.activity;
  const outcome = await applyRatingClick(deps.core, deps.tokens, { channel: 'teams', externalUserId: activity.from.id, token: ratingTokenOf(activity.value) });
  try {
    if (outcome.ok && activity.replyToId) {
      await context.updateActivity({ type: 'message', id: activity.replyToId, attachments: [thanksCard(ratingCopy.thanks(outcome.choice))] });
    } else {
      await context.sendActivity(outcome.ok ? ratingCopy.thanks(outcome.choice) : outcome.message);
    }
  } catch (error) {
    // The rating is stored; only the visible confirmation failed.
    deps.logger.warn({ err: error }, 'could not confirm the Teams rating');
  }
}

async function onCardExecute(context: TurnContext, deps: TurnDeps): Promise<void> {
  const activity = context.activity;
  const token = ratingTokenOf(activity.value);
  const outcome = token
    ? await applyRatingClick(deps.core, deps.tokens, { channel: 'teams', externalUserId: activity.from.id, token })
    : { ok: false as const, message: ratingCopy.invalid };
  // Universal Actions answer with the card that replaces the clicked one.
  const body = outcome.ok
    ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: thanksCard(ratingCopy.thanks(outcome.choice)).content }
    : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: outcome.message };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } } as Partial<Activity>);
}

/** The bot's own token, for inline images on the Bot Framework's servers (none without an app id). */
async function botToken(context: TurnContext, deps: TurnDeps): Promise<string | undefined> {
  if (!deps.options.appId || !(context.activity.attachments ?? []).some((a) => a.contentType?.startsWith('image/'))) return undefined;
  try {
    const connector = context.turnState.get(context.adapter.ConnectorClientKey) as { credentials?: { getToken?(): Promise<string> } } | undefined;
    return await connector?.credentials?.getToken?.();
  } catch (error) {
    deps.logger.warn({ err: error }, 'no Bot Framework token for downloading an inline image');
    return undefined;
  }
}
