// The Teams channel, assembled from what the composition root passes in:
// botbuilder's CloudAdapter (turns verified by us first) with our authentication, the turn handler, the
// /api/messages endpoint for Koa and the outbox adapter. Nothing here reads
// the environment.
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { AttachmentStore, ConversationCore } from '../../core/index.ts';
import { RatingTokens } from '../common/rating-tokens.ts';
import { TeamsAdapter } from './adapter.ts';
import { OutboxFriendlyAuthentication } from './auth.ts';
import { ParleyCloudAdapter } from './cloud-adapter.ts';
import { teamsMessagesMiddleware } from './http.ts';
import type { TeamsOptions } from './options.ts';
import { createTurnHandler } from './turns.ts';

export type { TeamsOptions, TeamsAppType } from './options.ts';

export interface TeamsDeps {
  core: ConversationCore;
  attachments: AttachmentStore;
  logger: Logger;
  /** Signs the rating buttons. */
  secret: string;
  options: TeamsOptions;
}

export interface TeamsChannel {
  adapter: TeamsAdapter;
  cloud: ParleyCloudAdapter;
  middleware: Koa.Middleware;
}

export function createTeamsChannel(deps: TeamsDeps): TeamsChannel {
  const { core, options, logger } = deps;
  const cloud = new ParleyCloudAdapter(new OutboxFriendlyAuthentication(options));
  cloud.onTurnError = async (_context, error) => {
    logger.error({ err: error }, 'teams turn failed');
    throw error; // an error answer, so the Bot Framework may deliver it again
  };
  const tokens = new RatingTokens(deps.secret, 'teams');
  let running = false;
  const adapter = new TeamsAdapter({
    cloud,
    appId: options.appId,
    tokens,
    logger,
    async start() {
      running = true;
      if (!options.appId) logger.warn('teams channel without MICROSOFT_APP_ID: JWT validation is off, only loopback service URLs (Bot Framework Emulator) are accepted');
      else logger.info({ appId: options.appId, appType: options.appType }, 'teams channel ready');
    },
    async stop() {
      running = false;
    },
  });
  const onTurn = createTurnHandler({ core, attachments: deps.attachments, tokens, options, logger });
  const middleware = teamsMessagesMiddleware(
    cloud,
    onTurn,
    { path: options.path, appId: options.appId, bodyMaxBytes: options.bodyMaxBytes, isReady: () => running },
    logger,
  );
  return { adapter, cloud, middleware };
}
