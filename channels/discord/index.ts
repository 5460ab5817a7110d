// The Discord channel, assembled from what the composition root passes in:
// the gateway client (messages, button interactions, reconnect catch-up), a
// separate REST client for the outbox, and the outbox adapter. Nothing here
// reads the environment.
import { Events, REST, type Client, type Message } from 'discord.js';
import type { Logger } from 'pino';
import type { AttachmentStore, ConversationCore } from '../../core/index.ts';
import { RatingTokens } from '../common/rating-tokens.ts';
import { DiscordAdapter } from './adapter.ts';
import { CatchUp } from './catch-up.ts';
import { createGatewayClient, loginUntilConnected, watchConnection } from './gateway.ts';
import { fromGateway } from './incoming.ts';
import { DiscordInbound } from './inbound.ts';
import { handleRatingButton, isRatingButton } from './interactions.ts';
import type { DiscordOptions } from './options.ts';

export type { DiscordOptions } from './options.ts';
export { defaultDiscordApiUrl } from './options.ts';

export interface DiscordDeps {
  core: ConversationCore;
  attachments: AttachmentStore;
  logger: Logger;
  /** Signs the rating buttons. */
  secret: string;
  options: DiscordOptions;
}

export interface DiscordChannel {
  adapter: DiscordAdapter;
  client: Client;
  catchUp: CatchUp;
}

const RETRY_AFTER_FAILURE_MS = 30_000;

export function createDiscordChannel(deps: DiscordDeps): DiscordChannel {
  const { core, options, logger } = deps;
  const client = createGatewayClient(options);
  // The outbox's own REST client: no waiting out rate limits, no retries.
  const sender = new REST({ api: options.apiUrl, rejectOnRateLimit: () => true, retries: 0 }).setToken(options.botToken);
  const tokens = new RatingTokens(deps.secret, 'discord');
  const botUserId = () => client.user?.id;
  const inbound = new DiscordInbound({ core, attachments: deps.attachments, options, logger, botUserId });
  const catchUp = new CatchUp({ core, rest: client.rest, inbound, logger, days: options.catchUpDays, botUserId });
  let running = false;
  const catchUpSoon = () => {
    catchUp.run().catch((error) => logger.error({ err: error }, 'discord catch-up failed'));
  };

  client.on(Events.MessageCreate, (message: Message) => {
    const me = botUserId();
    if (!me) return;
    inbound
      .handle(fromGateway(message, me), {
        startThread: async () => {
          const name = threadName(message.content.replace(new RegExp(`<@!?${me}>`, 'g'), ''));
          const thread = await message.startThread({ name, autoArchiveDuration: 1440 });
          return thread.id;
        },
      })
      .catch((error) => {
        logger.error({ err: error, messageId: message.id }, 'discord message not stored; a catch-up will look for it again');
        setTimeout(() => running && catchUpSoon(), RETRY_AFTER_FAILURE_MS).unref();
      });
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isButton() || !isRatingButton(interaction)) return;
    handleRatingButton(interaction, { core, tokens, logger }).catch((error) => logger.error({ err: error }, 'discord rating failed'));
  });
  watchConnection(client, logger, { onSession: catchUpSoon });

  const adapter = new DiscordAdapter({
    rest: sender,
    attachments: deps.attachments,
    tokens,
    logger,
    async start() {
      running = true;
      void loginUntilConnected(client, options.botToken, logger, () => running);
    },
    async stop() {
      running = false;
      await client.destroy();
      sender.clearHashSweeper();
      sender.clearHandlerSweeper();
    },
  });
  return { adapter, client, catchUp };
}

function threadName(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return 'Support request';
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
}
