// Discord messages to core messages. A direct-message conversation is one
// ticket (key dm:<channel>); in a server, a mention of the bot opens a thread
// on that message and the thread is the ticket (key thread:<thread id>, which
// Discord makes equal to the message id); later messages in a ticket's thread
// continue it without a mention. Bots (ourselves included) are never
// customers. The message id is the external id, so a message seen twice
// (gateway and catch-up) is stored once.
import type { Logger } from 'pino';
import { z } from 'zod';
import { Ticket, type AttachmentStore, type ConversationCore } from '../../core/index.ts';
import { downloadFiles } from '../common/download.ts';
import { textWithSkippedFiles } from '../common/outbound-body.ts';
import type { DiscordIncoming } from './incoming.ts';
import type { DiscordOptions } from './options.ts';

export const discordReplyRefSchema = z.object({
  channelId: z.string().regex(/^\d{1,25}$/),
  /** Set when no thread could be made: answers reply to this message in the channel. */
  replyTo: z.string().regex(/^\d{1,25}$/).optional(),
});
export type DiscordReplyRef = z.infer<typeof discordReplyRefSchema>;

export interface DiscordInboundDeps {
  core: ConversationCore;
  attachments: AttachmentStore;
  options: DiscordOptions;
  logger: Logger;
  botUserId: () => string | undefined;
}

export interface HandleOptions {
  /** Opens a thread on a mention in a channel; resolves with its id, or undefined when not allowed. */
  startThread?: () => Promise<string | undefined>;
}

export class DiscordInbound {
  constructor(private readonly deps: DiscordInboundDeps) {}

  async handle(message: DiscordIncoming, options: HandleOptions = {}): Promise<'stored' | 'duplicate' | 'skipped'> {
    const { core, logger } = this.deps;
    const botUserId = this.deps.botUserId();
    if (!botUserId || message.author.bot || message.author.id === botUserId || !message.isUserMessage) return 'skipped';
    if (await core.db.knex('messages').where({ channel: 'discord', externalId: message.id }).first('id')) return 'duplicate';

    const where = await this.route(message, options);
    if (!where) return 'skipped';
    const { attachments, skipped } = await downloadFiles(this.deps.attachments, message.attachments.map((a) => ({ url: a.url, filename: a.filename, contentType: a.contentType })), {
      allowed: ['.discordapp.com', '.discordapp.net', '.discord.com', new URL(this.deps.options.apiUrl).origin],
      maxBytes: this.deps.options.fileMaxBytes,
    });
    if (skipped.length) logger.warn({ messageId: message.id, skipped }, 'discord files not received');
    const text = textWithSkippedFiles(stripMention(message.content, botUserId), skipped, attachments.length);
    if (!text.trim() && attachments.length === 0) return 'skipped';

    const result = await core.receive({
      channel: 'discord',
      externalId: message.id,
      threadKey: where.threadKey,
      sender: { externalUserId: message.author.id, name: message.author.name?.slice(0, 200) },
      text,
      attachments,
      receivedAt: message.timestamp || core.clock.now(),
      replyRef: where.replyRef,
      meta: { discord: { channelId: message.channelId, guildId: message.guildId, place: message.place }, ...(skipped.length ? { skippedFiles: skipped } : {}) },
    });
    logger.debug({ ticketId: result.ticket.id, duplicate: result.duplicate }, 'discord message received');
    return result.duplicate ? 'duplicate' : 'stored';
  }

  private async route(message: DiscordIncoming, options: HandleOptions): Promise<{ threadKey: string; replyRef: DiscordReplyRef } | undefined> {
    if (message.place === 'dm') return { threadKey: `dm:${message.channelId}`, replyRef: { channelId: message.channelId } };
    if (message.place === 'thread') {
      const threadKey = `thread:${message.channelId}`;
      if (message.mentionsBot || (await this.isTicketThread(threadKey))) return { threadKey, replyRef: { channelId: message.channelId } };
      return undefined;
    }
    if (!message.mentionsBot) return undefined;
    const threadId = await options.startThread?.().catch((error: unknown) => {
      this.deps.logger.warn({ err: error, channelId: message.channelId }, 'could not open a thread for a discord mention; answering in the channel');
      return undefined;
    });
    if (threadId) return { threadKey: `thread:${threadId}`, replyRef: { channelId: threadId } };
    return { threadKey: `message:${message.channelId}:${message.id}`, replyRef: { channelId: message.channelId, replyTo: message.id } };
  }

  private async isTicketThread(threadKey: string): Promise<boolean> {
    return Boolean(await Ticket.query(this.deps.core.db.knex).findOne({ channel: 'discord', threadKey }).whereNot('status', 'closed'));
  }
}

function stripMention(content: string, botUserId: string): string {
  return content.replace(new RegExp(`<@!?${botUserId}>`, 'g'), ' ').replace(/[ \t]{2,}/g, ' ').trim();
}
