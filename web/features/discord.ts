// Wires the Discord channel when DISCORD_BOT_TOKEN is set: a gateway
// connection (no public URL needed) for direct messages, mentions and
// button presses, and the outbox adapter. Without a token nothing changes.
import { z } from 'zod';
import { defaultDiscordApiUrl, type DiscordOptions } from '../../channels/discord/options.ts';
import { intSetting, parseEnvGroup, urlSetting } from '../config.ts';
import type { ParleyParts } from '../server.ts';

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const discordEnv = z.object({
  DISCORD_BOT_TOKEN: z.string().regex(/^[\w-]{10,}\.[\w-]{4,}\.[\w-]{10,}$/, 'expected the bot token from the Discord Developer Portal (Bot > Reset Token)').optional(),
  DISCORD_API_URL: urlSetting(/^https?:$/, 'an http(s) URL such as https://discord.com/api').default(defaultDiscordApiUrl),
  DISCORD_MESSAGE_CONTENT: flag.default(true),
  DISCORD_FILE_MAX_BYTES: intSetting(1, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
  DISCORD_CATCH_UP_DAYS: intSetting(0, 90).default(7),
});

export function discordOptions(env: NodeJS.ProcessEnv): DiscordOptions | undefined {
  const e = parseEnvGroup(discordEnv, env);
  if (!e.DISCORD_BOT_TOKEN) return undefined;
  return {
    botToken: e.DISCORD_BOT_TOKEN,
    apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
    messageContent: e.DISCORD_MESSAGE_CONTENT,
    fileMaxBytes: e.DISCORD_FILE_MAX_BYTES,
    catchUpDays: e.DISCORD_CATCH_UP_DAYS,
  };
}

export async function discord(parts: ParleyParts): Promise<void> {
  const options = discordOptions(parts.env);
  if (!options) return;
  // discord.js costs ~20 MB of memory once imported: only a service with
  // Discord switched on loads it (settings are checked above, first).
  const { createDiscordChannel } = await import('../../channels/discord/index.ts');
  const channel = createDiscordChannel({
    core: parts.core,
    attachments: parts.attachments,
    logger: parts.logger.child({ channel: 'discord' }),
    secret: parts.secret,
    options,
  });
  parts.adapters.set('discord', channel.adapter);
}
