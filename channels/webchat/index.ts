// The web chat channel, assembled from what the composition root passes in:
// its routes (pages, API, stream, files), its outbox adapter, and the stream
// hub with its presence upkeep. Nothing here reads the environment.
import Router from '@koa/router';
import type { Logger } from 'pino';
import {
  Ticket,
  type AttachmentStore,
  type ChannelAdapter,
  type ChannelKind,
  type ConversationCore,
  type EventBus,
} from '../../core/index.ts';
import type { Database } from '../../knexfile.ts';
import { PRESENCE_REFRESH_MS, WebchatAdapter, type EmailFollowUp } from './adapter.ts';
import { apiRouter } from './api-routes.ts';
import { touchConversations } from './conversations.ts';
import type { WebchatOptions } from './options.ts';
import { pageRouter } from './page-routes.ts';
import { RateLimiter } from './rate-limit.ts';
import { SessionTokens } from './session-token.ts';
import { LinkSigner } from './signing.ts';
import { StaticAssets } from './static-assets.ts';
import { StreamHub } from './stream-hub.ts';
import { Uploads } from './uploads.ts';
import { Views } from './views.ts';

export { defaultWebchatOptions, type WebchatOptions } from './options.ts';
export { signHostIdentity, verifyHostIdentity, identityMessage, hostIdentitySchema } from './identity.ts';
export { SessionTokens } from './session-token.ts';

export interface WebchatDeps {
  core: ConversationCore;
  db: Database;
  bus: EventBus;
  logger: Logger;
  secret: string;
  attachments: AttachmentStore;
  /** The registered adapters; the email one is looked up at send time for follow-ups. */
  adapters: ReadonlyMap<ChannelKind, ChannelAdapter>;
  emailFollowUp: EmailFollowUp;
  options: WebchatOptions;
}

export interface Webchat {
  router: Router;
  adapter: WebchatAdapter;
  hub: StreamHub;
  tokens: SessionTokens;
  start(): void;
  stop(): Promise<void>;
}

export function createWebchat(deps: WebchatDeps): Webchat {
  const { core, db, options, logger } = deps;
  const clock = core.clock;
  const knex = db.knex;
  const tokens = new SessionTokens({ secret: deps.secret, ttlMs: options.sessionTtlMs, clock });
  const fileLinks = new LinkSigner(deps.secret, 'file');
  const views = new Views({
    knex,
    fileLinks,
    agentWaitMs: options.agentWaitMs,
    now: () => clock.now(),
  });
  const presence = (ticketIds: number[], at: number | null) =>
    touchConversations(knex, ticketIds, at).catch((err) => logger.warn({ err }, 'web chat presence update failed'));
  const hub = new StreamHub({
    bus: deps.bus,
    logger,
    source: {
      ticket: async (id) => Ticket.query(knex).findById(id),
      conversation: (ticket) => views.conversation(ticket),
      messages: (ticket, afterId) => views.messages(ticket, { afterId }),
      message: (ticket, id) => views.message(ticket, id),
    },
    onWatchChange: (ticketId, watching) => void presence([ticketId], watching ? clock.now() : null),
  });
  const api = apiRouter({
    core,
    db,
    bus: deps.bus,
    logger,
    options,
    tokens,
    postLimiter: new RateLimiter({ perMinute: options.postsPerMinute, clock }),
    sessionLimiter: new RateLimiter({ perMinute: options.sessionsPerMinute, clock }),
    uploads: new Uploads({ store: deps.attachments, secret: deps.secret, clock, maxBytes: options.uploadMaxBytes, types: options.uploadTypes }),
    attachments: deps.attachments,
    views,
    hub,
    streamLinks: new LinkSigner(deps.secret, 'stream'),
    fileLinks,
  });
  const pages = pageRouter({ options, assets: new StaticAssets(), clock });
  const router = new Router();
  router.use(pages.routes(), pages.allowedMethods());
  router.use(api.routes(), api.allowedMethods());

  const adapter = new WebchatAdapter({ knex, clock, logger, hub, adapters: deps.adapters, emailFollowUp: deps.emailFollowUp });
  let refresh: NodeJS.Timeout | undefined;

  return {
    router,
    adapter,
    hub,
    tokens,
    start() {
      hub.start();
      // Other instances learn that a visitor is here from this refresh.
      refresh = setInterval(() => {
        const watched = hub.watchedTickets();
        if (watched.length) void presence(watched, clock.now());
      }, PRESENCE_REFRESH_MS);
      refresh.unref();
    },
    async stop() {
      clearInterval(refresh);
      hub.stop();
    },
  };
}
