// The gateway connection: a discord.js client with the intents for direct
// messages, server messages and (optionally) message content, logging in in
// the background so a Discord outage never holds up the rest of the service.
// discord.js resumes or reconnects by itself; every READY (the first one and
// each new session) runs a catch-up for messages sent while we were away.
import { Client, DiscordAPIError, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Logger } from 'pino';
import type { DiscordOptions } from './options.ts';

export function createGatewayClient(options: DiscordOptions): Client {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
  if (options.messageContent) intents.push(GatewayIntentBits.MessageContent);
  return new Client({
    intents,
    // DM channels are not cached before their first message; without this
    // partial, discord.js drops direct messages silently.
    partials: [Partials.Channel],
    rest: { api: options.apiUrl },
    allowedMentions: { parse: [] },
  });
}

export interface GatewayHooks {
  onSession: () => void;
}

/** Logs the connection's life and calls onSession after every READY or RESUMED. */
export function watchConnection(client: Client, logger: Logger, hooks: GatewayHooks): void {
  client.on(Events.ShardReady, () => {
    logger.info({ botUserId: client.user?.id }, 'discord gateway ready');
    hooks.onSession();
  });
  client.on(Events.ShardResume, (_id, replayed) => {
    logger.info({ replayed }, 'discord gateway resumed');
    hooks.onSession();
  });
  client.on(Events.ShardDisconnect, (event) => logger.warn({ code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, () => logger.info('discord gateway reconnecting'));
  client.on(Events.Error, (error) => logger.error({ err: error, hint: hint(error) }, 'discord client error'));
  client.on(Events.ShardError, (error) => logger.error({ err: error, hint: hint(error) }, 'discord gateway error'));
}

/** Logs in, retrying with backoff until it works, the token is refused, or stop() is called. */
export async function loginUntilConnected(client: Client, token: string, logger: Logger, isRunning: () => boolean): Promise<void> {
  for (let attempt = 1; isRunning(); attempt++) {
    try {
      await client.login(token);
      return;
    } catch (error) {
      if (isFatal(error)) {
        logger.error({ err: error, hint: hint(error) }, 'discord refused the bot token; check DISCORD_BOT_TOKEN');
        return;
      }
      const waitMs = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
      logger.warn({ err: error, waitMs }, 'discord login failed; retrying');
      await new Promise((r) => setTimeout(r, waitMs).unref());
    }
  }
}

function isFatal(error: unknown): boolean {
  const e = error as { code?: string; status?: number };
  return e?.code === 'TokenInvalid' || (error instanceof DiscordAPIError && (error.status === 401 || error.status === 403));
}

function hint(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/disallowed intents/i.test(message)) return 'enable the MESSAGE CONTENT intent for the bot in the Discord Developer Portal, or set DISCORD_MESSAGE_CONTENT=false';
  if (/authentication failed/i.test(message)) return 'check DISCORD_BOT_TOKEN';
  return undefined;
}
