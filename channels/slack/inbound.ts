// Slack events to core messages. Direct messages to the app and mentions in
// channels start or continue a ticket; a Slack thread is one ticket (the key
// is channel + thread_ts, and a top-level message starts its own thread).
// Replies in a channel thread without a mention count only when that thread
// already is a ticket. The message is stored before Bolt answers Slack
// (processBeforeResponse / a late Socket Mode ack), and the key
// channel + ts makes Slack's retries, and the app_mention + message pair a
// mention produces, land on the one stored message.
import type { Logger } from 'pino';
import { z } from 'zod';
import { Ticket, type AttachmentStore, type ConversationCore } from '../../core/index.ts';
import { downloadFiles, type FileRequest } from '../common/download.ts';
import { textWithSkippedFiles } from '../common/outbound-body.ts';
import type { BotIdentity, SlackBotIdentity } from './identity.ts';
import type { SlackOptions } from './options.ts';
import { fromSlackText, slackTsToMs } from './text.ts';
import type { SlackUsers } from './users.ts';

const fileSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().nullish(),
  mode: z.string().nullish(),
  url_private_download: z.string().nullish(),
  url_private: z.string().nullish(),
});

export const slackMessageEventSchema = z.looseObject({
  type: z.enum(['message', 'app_mention']),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  hidden: z.boolean().optional(),
  text: z.string().optional(),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  team: z.string().optional(),
  files: z.array(fileSchema).optional(),
});
export type SlackMessageEvent = z.infer<typeof slackMessageEventSchema>;

/** Where a message goes: what Slack calls the reply address. */
export interface SlackReplyRef {
  channel: string;
  threadTs: string;
}
export const slackReplyRefSchema = z.object({ channel: z.string().min(1), threadTs: z.string().min(1) });

// Message subtypes a person produces; edits, joins, deletions are not questions.
const CUSTOMER_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export type Route = { take: false; why: string } | { take: true; threadTs: string; onlyIfTicket: boolean };

/** Decides whether an event is a customer's message for us, and in which thread. */
export function routeEvent(event: SlackMessageEvent, me: BotIdentity): Route {
  if (event.bot_id || event.subtype === 'bot_message') return { take: false, why: 'sent by a bot' };
  if (!event.user) return { take: false, why: 'no user' };
  if (event.user === me.botUserId) return { take: false, why: 'our own message' };
  if (event.hidden || !CUSTOMER_SUBTYPES.has(event.subtype)) return { take: false, why: `subtype ${event.subtype}` };
  const threadTs = event.thread_ts ?? event.ts;
  if (event.type === 'app_mention') return { take: true, threadTs, onlyIfTicket: false };
  if (event.channel_type === 'im') return { take: true, threadTs, onlyIfTicket: false };
  // In channels a mention arrives as app_mention too; that copy does the work.
  if ((event.text ?? '').includes(`<@${me.botUserId}`)) return { take: false, why: 'handled as app_mention' };
  if (event.thread_ts) return { take: true, threadTs, onlyIfTicket: true };
  return { take: false, why: 'channel message without a mention' };
}

export interface SlackInboundDeps {
  core: ConversationCore;
  attachments: AttachmentStore;
  identity: SlackBotIdentity;
  users: SlackUsers;
  options: SlackOptions;
  logger: Logger;
}

export class SlackInbound {
  constructor(private readonly deps: SlackInboundDeps) {}

  async handle(raw: unknown): Promise<void> {
    const parsed = slackMessageEventSchema.safeParse(raw);
    if (!parsed.success) return; // a message shape we do not take (channel topic, ...)
    const event = parsed.data;
    const { core, logger } = this.deps;
    const me = await this.deps.identity.get();
    const route = routeEvent(event, me);
    if (!route.take) {
      logger.trace({ ts: event.ts, why: route.why }, 'slack event skipped');
      return;
    }
    const threadKey = `${event.channel}:${route.threadTs}`;
    const externalId = `${event.channel}:${event.ts}`;
    if (route.onlyIfTicket && !(await this.isTicketThread(threadKey))) return;
    // A retry of something stored: answer at once, without fetching files again.
    if (await core.db.knex('messages').where({ channel: 'slack', externalId }).first('id')) return;

    const user = await this.deps.users.lookup(event.user!);
    if (user.isBot) return;
    const { attachments, skipped } = await downloadFiles(this.deps.attachments, this.fileRequests(event), {
      allowed: ['https://files.slack.com', new URL(this.deps.options.apiUrl).origin],
      maxBytes: this.deps.options.fileMaxBytes,
    });
    if (skipped.length) logger.warn({ ts: event.ts, skipped }, 'slack files not received');
    const text = textWithSkippedFiles(fromSlackText(event.text ?? '', me.botUserId), skipped, attachments.length);
    if (!text.trim() && attachments.length === 0) return; // a bare mention says nothing

    const replyRef: SlackReplyRef = { channel: event.channel, threadTs: route.threadTs };
    const result = await core.receive({
      channel: 'slack',
      externalId,
      threadKey,
      sender: { externalUserId: event.user!, name: user.name, email: user.email, emailVerified: false },
      text,
      attachments,
      receivedAt: slackTsToMs(event.ts, core.clock.now()),
      replyRef,
      meta: { slack: { team: event.team, channelType: event.channel_type, ts: event.ts }, ...(skipped.length ? { skippedFiles: skipped } : {}) },
    });
    logger.debug({ ticketId: result.ticket.id, duplicate: result.duplicate }, 'slack message received');
  }

  private async isTicketThread(threadKey: string): Promise<boolean> {
    const row = await Ticket.query(this.deps.core.db.knex).findOne({ channel: 'slack', threadKey }).whereNot('status', 'closed');
    return Boolean(row);
  }

  private fileRequests(event: SlackMessageEvent): FileRequest[] {
    return (event.files ?? [])
      .filter((f) => f.mode !== 'tombstone' && f.mode !== 'hidden_by_limit')
      .map((f) => ({
        url: f.url_private_download ?? f.url_private ?? '',
        filename: f.name ?? f.title ?? f.id ?? 'file',
        contentType: f.mimetype ?? undefined,
        headers: { Authorization: `Bearer ${this.deps.options.botToken}` },
      }));
  }
}
