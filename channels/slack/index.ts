// The Slack channel, assembled from what the composition root passes in:
// Bolt with our authorize (auth.test, remembered), the message listeners, the
// rating buttons, a receiver (HTTP events mounted in Koa, or Socket Mode) and
// the outbox adapter. Nothing here reads the environment.
import { App, webApi, type HTTPReceiver } from '@slack/bolt';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { AttachmentStore, ConversationCore } from '../../core/index.ts';
import { RatingTokens } from '../common/rating-tokens.ts';
import { SlackAdapter } from './adapter.ts';
import { createHttpReceiver, slackEventsMiddleware } from './http-receiver.ts';
import { SlackBotIdentity } from './identity.ts';
import { SlackInbound } from './inbound.ts';
import { registerRatingActions } from './interactions.ts';
import { slackLogger } from './logger.ts';
import type { SlackOptions } from './options.ts';
import { AckAfterStoreSocketReceiver } from './socket-receiver.ts';
import { SlackUsers } from './users.ts';

export type { SlackOptions } from './options.ts';
export { defaultSlackApiUrl } from './options.ts';

export interface SlackDeps {
  core: ConversationCore;
  attachments: AttachmentStore;
  logger: Logger;
  /** Signs the rating buttons. */
  secret: string;
  options: SlackOptions;
}

export interface SlackChannel {
  adapter: SlackAdapter;
  app: App;
  /** HTTP events and interactions; undefined in Socket Mode. */
  middleware?: Koa.Middleware;
}

export function createSlackChannel(deps: SlackDeps): SlackChannel {
  const { core, options, logger } = deps;
  const clientOptions = { slackApiUrl: options.apiUrl, logger: slackLogger(logger, 'slack-web') };
  // Reads (auth.test, users.info) may retry a little; the outbox's sends never
  // wait inside the client, the outbox schedules the retry.
  const reader = new webApi.WebClient(options.botToken, { ...clientOptions, retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 } });
  const sender = new webApi.WebClient(options.botToken, { ...clientOptions, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const identity = new SlackBotIdentity(reader, options.botToken);
  const tokens = new RatingTokens(deps.secret, 'slack');

  let running = false;
  let httpReceiver: HTTPReceiver | undefined;
  let socketReceiver: AckAfterStoreSocketReceiver | undefined;
  if (options.appToken) socketReceiver = new AckAfterStoreSocketReceiver({ appToken: options.appToken, apiUrl: options.apiUrl, logger });
  else if (options.signingSecret) httpReceiver = createHttpReceiver({ signingSecret: options.signingSecret, path: options.eventsPath, logger });
  else throw new Error('Slack needs a signing secret (HTTP events) or an app token (Socket Mode)');

  const app = new App({
    authorize: identity.authorize,
    receiver: (socketReceiver ?? httpReceiver)!,
    logger: slackLogger(logger, 'slack-bolt'),
    clientOptions,
  });
  const inbound = new SlackInbound({
    core,
    attachments: deps.attachments,
    identity,
    users: new SlackUsers(reader, logger, () => core.clock.now()),
    options,
    logger,
  });
  app.event('message', async ({ event }) => inbound.handle(event));
  app.event('app_mention', async ({ event }) => inbound.handle(event));
  registerRatingActions(app, { core, tokens, logger });
  app.error(async (error) => {
    logger.error({ err: error.original ?? error }, 'slack event failed');
    throw error; // an error answer makes Slack deliver the event again
  });

  const adapter = new SlackAdapter({
    client: sender,
    attachments: deps.attachments,
    tokens,
    logger,
    async start() {
      running = true;
      // Learn who we are now, so a bad token shows in the log at boot; events
      // still work once Slack answers if it is down right now.
      identity.get().then(
        (me) => logger.info({ botUserId: me.botUserId, teamId: me.teamId, mode: socketReceiver ? 'socket' : 'http' }, 'slack channel ready'),
        (error) => logger.error({ err: error }, 'slack auth.test failed; check SLACK_BOT_TOKEN'),
      );
      // Socket Mode reconnects by itself; a Slack outage at boot must not keep
      // the rest of the service down, so a failed first connect is logged.
      if (socketReceiver) {
        socketReceiver.start().then(
          () => logger.info('slack socket mode connected'),
          (error) => logger.error({ err: error }, 'slack socket mode failed to connect; check SLACK_APP_TOKEN'),
        );
      }
    },
    async stop() {
      running = false;
      if (socketReceiver) await socketReceiver.stop().catch((error) => logger.warn({ err: error }, 'slack socket close failed'));
    },
  });

  const middleware = httpReceiver
    ? slackEventsMiddleware(httpReceiver, { path: options.eventsPath, clock: core.clock, toleranceS: options.timestampToleranceS, isReady: () => running })
    : undefined;
  return { adapter, app, middleware };
}
