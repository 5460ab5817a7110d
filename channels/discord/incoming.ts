// One shape for a customer's Discord message, whether it arrived on the
// gateway (a discord.js Message) or was fetched from the REST history after a
// reconnect (the raw API object), so both go through the same inbound path.
import { ChannelType, MessageType, type Message } from 'discord.js';

export type DiscordPlace = 'dm' | 'thread' | 'channel';

export interface DiscordIncoming {
  id: string;
  channelId: string;
  guildId?: string;
  place: DiscordPlace;
  author: { id: string; bot: boolean; name?: string };
  content: string;
  attachments: { url: string; filename: string; contentType?: string; size?: number }[];
  mentionsBot: boolean;
  /** A person's message (not a pin notice, thread-created line, join...). */
  isUserMessage: boolean;
  /** Epoch milliseconds; 0 when unknown. */
  timestamp: number;
}

const USER_MESSAGE_TYPES = new Set<number>([MessageType.Default, MessageType.Reply]);

export function fromGateway(message: Message, botUserId: string): DiscordIncoming {
  const channel = message.channel;
  const place: DiscordPlace = channel.type === ChannelType.DM || !message.guildId ? 'dm' : channel.isThread() ? 'thread' : 'channel';
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId ?? undefined,
    place,
    author: { id: message.author.id, bot: message.author.bot || message.webhookId !== null, name: message.author.globalName ?? message.author.username },
    content: message.content,
    attachments: [...message.attachments.values()].map((a) => ({ url: a.url, filename: a.name, contentType: a.contentType ?? undefined, size: a.size })),
    mentionsBot: message.mentions.users.has(botUserId),
    isUserMessage: USER_MESSAGE_TYPES.has(message.type),
    timestamp: message.createdTimestamp,
  };
}

/** A message from GET /channels/{id}/messages, in a channel we know is a DM or a thread. */
export function fromRest(raw: any, place: DiscordPlace, botUserId: string): DiscordIncoming {
  return {
    id: String(raw.id),
    channelId: String(raw.channel_id),
    guildId: raw.guild_id ?? undefined,
    place,
    author: { id: String(raw.author?.id), bot: Boolean(raw.author?.bot || raw.webhook_id), name: raw.author?.global_name ?? raw.author?.username },
    content: typeof raw.content === 'string' ? raw.content : '',
    attachments: (Array.isArray(raw.attachments) ? raw.attachments : []).map((a: any) => ({
      url: String(a.url),
      filename: String(a.filename ?? 'file'),
      contentType: a.content_type ?? undefined,
      size: a.size,
    })),
    mentionsBot: Array.isArray(raw.mentions) && raw.mentions.some((u: any) => u?.id === botUserId),
    isUserMessage: USER_MESSAGE_TYPES.has(Number(raw.type ?? 0)),
    timestamp: Date.parse(raw.timestamp) || 0,
  };
}
