// The Discord side of the outbox: messages POSTed to the ticket's DM channel
// or thread through a REST client of its own that neither waits out rate
// limits nor retries, so a 429 becomes a DeliveryError with Discord's
// retry-after and the outbox schedules the retry. Unknown channels, missing
// access or permissions and users who cannot be messaged end the delivery at
// once with Discord's error. An agent's files go with the last part (up to
// ten, within the upload limit every server allows bots).
import { DiscordAPIError, HTTPError, RateLimitError, Routes, type REST } from 'discord.js';
import type { Logger } from 'pino';
import { DeliveryError, type AttachmentStore, type ChannelAdapter, type DeliveryReceipt, type OutboundMessage } from '../../core/index.ts';
import { filesToUpload, notSentNote } from '../common/outbound-files.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { discordReplyRefSchema } from './inbound.ts';
import { discordPayloads } from './outbound.ts';

/** Discord JSON error codes no retry can fix. */
const PERMANENT_CODES = new Set([
  10003, // Unknown Channel
  10004, // Unknown Guild
  10008, // Unknown Message (the one we reply to)
  10013, // Unknown User
  50001, // Missing Access
  50007, // Cannot send messages to this user
  50013, // Missing Permissions
  50035, // Invalid Form Body
  50083, // Thread is archived
  160005, // Thread is locked
]);

const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
const FILES_PER_MESSAGE = 10;

export class DiscordAdapter implements ChannelAdapter {
  readonly channel = 'discord' as const;

  constructor(
    private readonly deps: {
      rest: REST;
      attachments: AttachmentStore;
      tokens: RatingTokens;
      logger: Logger;
      start: () => Promise<void>;
      stop: () => Promise<void>;
    },
  ) {}

  start(): Promise<void> {
    return this.deps.start();
  }

  stop(): Promise<void> {
    return this.deps.stop();
  }

  async send(message: OutboundMessage, replyRef: unknown): Promise<DeliveryReceipt> {
    const ref = discordReplyRefSchema.safeParse(replyRef);
    if (!ref.success) throw new DeliveryError('not a Discord reply address', { permanent: true });
    const { files, notSent } = await filesToUpload(this.deps.attachments, message, UPLOAD_MAX_BYTES);
    const extra = files.splice(FILES_PER_MESSAGE);
    const payloads = discordPayloads(message, ref.data, this.deps.tokens, notSentNote([...notSent, ...extra.map((f) => f.filename)]));
    let lastId: string | undefined;
    for (const [i, payload] of payloads.entries()) {
      const attach = i === payloads.length - 1 ? files.map((f) => ({ name: f.filename, data: f.data, contentType: f.contentType })) : [];
      try {
        const sent = (await this.deps.rest.post(Routes.channelMessages(ref.data.channelId), { body: payload, files: attach.length ? attach : undefined })) as { id?: string };
        lastId = sent?.id ?? lastId;
      } catch (error) {
        throw toDeliveryError(error);
      }
    }
    return { externalId: lastId };
  }
}

export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof RateLimitError) {
    return new DeliveryError(`Discord rate limited the message (${error.global ? 'global' : error.route}); retry after ${error.retryAfter}ms`, {
      retryAfterMs: Math.max(0, error.retryAfter),
      cause: error,
    });
  }
  if (error instanceof DiscordAPIError) {
    const permanent = PERMANENT_CODES.has(Number(error.code)) || error.status === 403 || error.status === 404;
    return new DeliveryError(`Discord refused the message: ${error.code} ${error.message} (HTTP ${error.status})`, { permanent, cause: error });
  }
  if (error instanceof HTTPError) return new DeliveryError(`Discord answered HTTP ${error.status}`, { cause: error });
  return new DeliveryError(`Discord request failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
