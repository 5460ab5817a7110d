// The contract between channels and the conversation core. Channels translate
// platform events into an InboundMessage and implement ChannelAdapter.send for
// the outbox; nothing here knows any platform.
import { z } from 'zod';

export const CHANNELS = ['webchat', 'email', 'slack', 'teams', 'discord'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

export const AUTHOR_TYPES = ['customer', 'bot', 'agent', 'system'] as const;
export type AuthorType = (typeof AUTHOR_TYPES)[number];

export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Milliseconds since the epoch; every timestamp Parley stores is one. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

const text = (max: number) => z.string().max(max);

export const inboundAttachmentSchema = z.object({
  /** sha256 of a file already stored with the attachment store. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  filename: text(300).min(1),
  contentType: text(200).min(1),
  size: z.number().int().nonnegative(),
  contentId: text(300).optional(),
  inline: z.boolean().optional(),
});
export type InboundAttachment = z.infer<typeof inboundAttachmentSchema>;

export const inboundMessageSchema = z
  .object({
    channel: z.enum(CHANNELS),
    /** The platform's own id (Slack event_id, email Message-ID, Teams activity id...). */
    externalId: text(500).min(1),
    /** Which conversation on the platform this belongs to (Slack thread_ts, ...). */
    threadKey: text(500).min(1),
    sender: z.object({
      externalUserId: text(300).min(1),
      email: z.email().max(320).optional(),
      /** True only when the channel has proven the address (signed identity, mailbox). */
      emailVerified: z.boolean().optional(),
      name: text(200).optional(),
    }),
    subject: text(300).optional(),
    text: text(100_000),
    html: text(1_000_000).optional(),
    attachments: z.array(inboundAttachmentSchema).max(100).default([]),
    /** Platform ids this message answers (email In-Reply-To/References, ...). */
    inReplyTo: z.array(text(500)).max(100).optional(),
    /** Ticket number the customer named (email subject token); honoured only if theirs. */
    ticketNumber: z.number().int().positive().optional(),
    receivedAt: z.number().int().positive(),
    /** Opaque address the channel needs to answer later. */
    replyRef: z.unknown(),
    /** Channel extras kept on the message (auto-reply flags, raw ids...). */
    meta: z.record(z.string(), z.unknown()).optional(),
    /** Recorded on the ticket but never answered (auto-replies, bounces). */
    noReply: z.boolean().optional(),
  })
  .refine((m) => m.text.trim().length > 0 || m.attachments.length > 0, {
    message: 'a message needs text or at least one attachment',
    path: ['text'],
  });
export type InboundMessage = z.input<typeof inboundMessageSchema>;
export type ValidInboundMessage = z.output<typeof inboundMessageSchema>;

export interface Citation {
  articleId: number | string;
  title: string;
  url: string;
}

/** What the outbox hands a channel adapter to deliver. */
export interface OutboundMessage {
  deliveryId: number;
  /** Stable across retries: lets a platform deduplicate a resend. */
  idempotencyKey: string;
  ticketId: number;
  ticketNumber: number;
  subject: string;
  messageId: number;
  authorType: AuthorType;
  authorName?: string;
  text: string;
  html?: string;
  citations: Citation[];
  attachments: { id: number; sha256: string; filename: string; contentType: string; size: number }[];
  /** What the message is for, so a channel can add its own affordances (rating buttons...). */
  purpose: OutboundPurpose;
  meta: Record<string, unknown>;
}
export type OutboundPurpose = 'reply' | 'answer' | 'acknowledgement' | 'notification' | 'survey';

export interface DeliveryReceipt {
  /** The platform's id for what was sent (Slack ts, email Message-ID...). */
  externalId?: string;
}

export interface ChannelAdapter {
  readonly channel: ChannelKind;
  start(core: unknown): Promise<void>;
  stop(): Promise<void>;
  send(message: OutboundMessage, replyRef: unknown): Promise<DeliveryReceipt>;
}
