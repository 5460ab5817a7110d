// The Slack side of the outbox: chat.postMessage into the ticket's thread.
// The Web API client neither retries nor waits out rate limits here; the
// outbox does, so a 429 becomes a DeliveryError carrying Slack's Retry-After
// and errors that no retry can fix (channel gone, bot removed, token revoked)
// end the delivery at once with Slack's own error code. An agent's files
// follow the text into the thread (files.uploadV2, scope files:write).
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { DeliveryError, type AttachmentStore, type ChannelAdapter, type DeliveryReceipt, type OutboundMessage } from '../../core/index.ts';
import { filesToUpload, notSentNote } from '../common/outbound-files.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';
import { slackPayloads } from './blocks.ts';
import { slackReplyRefSchema } from './inbound.ts';

/** Slack errors that mean this message can never be delivered as it is. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'cannot_reply_to_message',
  'msg_too_long',
  'invalid_blocks',
  'too_many_attachments',
  'no_text',
]);

/** Slack takes files up to 1 GB; beyond this a file is named instead of uploaded. */
const UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

export class SlackAdapter implements ChannelAdapter {
  readonly channel = 'slack' as const;

  constructor(
    private readonly deps: {
      client: webApi.WebClient;
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
    const ref = slackReplyRefSchema.safeParse(replyRef);
    if (!ref.success) throw new DeliveryError('not a Slack reply address', { permanent: true });
    const { files, notSent } = await filesToUpload(this.deps.attachments, message, UPLOAD_MAX_BYTES);
    let ts: string | undefined;
    for (const payload of slackPayloads(message, this.deps.tokens, notSentNote(notSent))) {
      try {
        const result = await this.deps.client.chat.postMessage({
          channel: ref.data.channel,
          thread_ts: ref.data.threadTs,
          text: payload.text,
          blocks: payload.blocks as any,
          unfurl_links: false,
          unfurl_media: false,
        });
        ts = result.ts ?? ts;
      } catch (error) {
        throw toDeliveryError(error);
      }
    }
    if (files.length) {
      try {
        await this.deps.client.filesUploadV2({
          channel_id: ref.data.channel,
          thread_ts: ref.data.threadTs,
          file_uploads: files.map((f) => ({ file: f.data, filename: f.filename })),
        } as any);
      } catch (error) {
        throw toDeliveryError(error);
      }
    }
    return { externalId: ts ? `${ref.data.channel}:${ts}` : undefined };
  }
}

export function toDeliveryError(error: unknown): DeliveryError {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number; message?: string };
  if (e?.code === webApi.ErrorCode.RateLimitedError) {
    const seconds = Number.isFinite(e.retryAfter) ? Number(e.retryAfter) : 30;
    return new DeliveryError(`Slack rate limited the message; retry after ${seconds}s`, { retryAfterMs: seconds * 1000, cause: error });
  }
  if (e?.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return new DeliveryError(`Slack refused the message: ${code}`, { permanent: PERMANENT.has(code), cause: error });
  }
  if (e?.code === webApi.ErrorCode.HTTPError) {
    return new DeliveryError(`Slack answered HTTP ${e.statusCode ?? '?'}`, { permanent: e.statusCode === 404 || e.statusCode === 410, cause: error });
  }
  return new DeliveryError(`Slack request failed: ${e?.message ?? String(error)}`, { cause: error });
}
