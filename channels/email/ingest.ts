// The inbound pipeline, the same for SMTP and the mail:ingest pipe:
//   1. store the raw bytes (content-addressed) and log them: nothing is lost
//      from here on, whatever the parser or the database does next;
//   2. parse (attachments stream into the store);
//   3. recognise loops, auto-replies and bounces;
//   4. translate to an InboundMessage and hand it to the core, which threads
//      it and enqueues the bot answer (never for automatic mail);
//   5. settle the log row: created | appended | duplicate | ignored | quarantined.
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  InvalidInputError,
  type AttachmentStore,
  type Clock,
  type ConversationCore,
  type InboundMessage,
} from '../../core/index.ts';
import { classifyAutomatic, type AutomaticVerdict } from './automatic-mail.ts';
import { buildBounceReport, type BounceReport } from './bounce.ts';
import { drainSafe } from './drain-safe.ts';
import { InboundLog, type Envelope, type InboundRow, type SettledStatus } from './inbound-log.ts';
import { boundedId, rawHashId } from './message-ids.ts';
import { parseEmail, type Mailbox, type ParsedEmail } from './parse.ts';
import { storable } from './storable.ts';
import { foldHtml, foldText } from './quote-folding.ts';
import { isOurAddress } from './recipients.ts';
import type { EmailSettings } from './settings.ts';
import { headerThreading, subjectWithoutToken, threadFromReplyAddress, ticketsKnowing } from './threading.ts';
import type { EmailReplyRef } from './reply-ref.ts';

export interface IngestResult {
  status: SettledStatus;
  inboundId: number;
  ticket: { id: number; number: number } | null;
  message: number | null;
  subject: string;
  from: string | null;
  attachments: { filename: string; contentType: string; size: number }[];
  reason: string | null;
}

export interface IngestDeps {
  core: ConversationCore;
  knex: Knex;
  clock: Clock;
  logger: Logger;
  attachments: AttachmentStore;
  settings: EmailSettings;
  secret: string;
}

export class EmptyMessageError extends InvalidInputError {
  constructor() {
    super('the message is empty');
  }
}

const emailSchema = z.email();
const looksLikeAddress = (value: string | undefined): value is string => Boolean(value && /^[^\s@<>",;]+@[^\s@<>",;]+$/.test(value));

const MAX_TEXT = 100_000;
const KEEP_IN_MEMORY = 1024 * 1024;
const MAX_HTML = 1_000_000;

export class EmailIngest {
  readonly log: InboundLog;

  constructor(private readonly deps: IngestDeps) {
    this.log = new InboundLog(deps.knex, deps.clock);
  }

  /**
   * Stores the raw message and processes it. Throws (nothing stored) only
   * when the message is larger than allowed (TooLargeError), empty, or the
   * store/database refused the raw bytes; every later failure is a
   * quarantined row, which `reprocess` can run again.
   */
  async ingest(source: Readable, envelope: Envelope): Promise<IngestResult> {
    // Small messages (nearly all) are also kept in memory while they are
    // stored, so parsing does not read the file back; big ones stream twice.
    const kept: Buffer[] = [];
    let keptBytes = 0;
    source.on('data', (chunk: Buffer) => {
      keptBytes += chunk.length;
      if (keptBytes <= KEEP_IN_MEMORY) kept.push(chunk);
    });
    const { body, drained } = drainSafe(source);
    let stored: { sha256: string; size: number };
    try {
      stored = await this.deps.attachments.put(body, this.deps.settings.maxMessageBytes);
    } finally {
      // Whatever happened, read the source to its end so the SMTP session (or
      // the pipe) is left in a clean state before we answer.
      await drained.catch(() => {});
    }
    if (stored.size === 0) throw new EmptyMessageError();
    const row = await this.log.record({ rawSha256: stored.sha256, rawSize: stored.size, envelope });
    return this.run(row, keptBytes === stored.size && keptBytes <= KEEP_IN_MEMORY ? Buffer.concat(kept) : undefined);
  }

  /** Re-runs one stored message (mail:reprocess) from its stored original. */
  async process(id: number): Promise<IngestResult> {
    const row = await this.log.get(id);
    if (!row) throw new Error(`inbound mail ${id} not found`);
    await this.log.attempt(id);
    return this.run({ ...row, attempts: row.attempts + 1 });
  }

  private async run(row: InboundRow, raw?: Buffer): Promise<IngestResult> {
    const id = row.id;
    let parsed: ParsedEmail | undefined;
    try {
      const open = () => (raw ? Readable.from([raw]) : this.deps.attachments.open(row.rawSha256));
      parsed = await parseEmail(open, this.deps.attachments, this.deps.settings);
      const outcome = await this.deliver(row, parsed);
      await this.log.settle(id, { ...outcome, headerMessageId: parsed.messageId ?? null });
      return this.result(row, parsed, outcome);
    } catch (error) {
      const reason = quarantineReason(error, parsed);
      this.deps.logger.warn({ inboundId: id, err: error, reason }, 'inbound mail quarantined');
      const outcome = { status: 'quarantined' as const, reason };
      await this.log.settle(id, { ...outcome, headerMessageId: parsed?.messageId ?? null });
      return this.result(row, parsed, outcome);
    }
  }

  private result(
    row: InboundRow,
    parsed: ParsedEmail | undefined,
    outcome: { status: SettledStatus; reason?: string | null; ticket?: { id: number; number: number }; messageId?: number | null },
  ): IngestResult {
    return {
      status: outcome.status,
      inboundId: row.id,
      ticket: outcome.ticket ?? null,
      message: outcome.messageId ?? null,
      subject: parsed?.subject ?? '',
      from: parsed ? senderOf(parsed, row.envelope) ?? null : null,
      attachments: (parsed?.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
      reason: outcome.reason ?? null,
    };
  }

  private async deliver(
    row: InboundRow,
    parsed: ParsedEmail,
  ): Promise<{ status: SettledStatus; reason?: string; ticket?: { id: number; number: number }; ticketId?: number; messageId?: number }> {
    const { settings } = this.deps;
    const sender = senderOf(parsed, row.envelope);
    if (sender && isOurAddress(settings, sender)) {
      return { status: 'ignored', reason: `mail from our own address ${sender} (loop)` };
    }
    const automatic: AutomaticVerdict | undefined =
      classifyAutomatic(parsed.headers, parsed.from?.address ?? '', parsed.from?.name ?? '') ??
      (row.envelope.from === '' ? { kind: 'auto-reply', reason: 'null sender (MAIL FROM:<>)' } : undefined);

    if (automatic?.kind === 'bounce') return this.deliverBounce(row, parsed, automatic);
    if (!sender) return { status: 'quarantined', reason: 'no usable sender address (From, Reply-To and envelope are all empty or invalid)' };

    const ownId = boundedId(parsed.messageId ?? rawHashId(row.rawSha256));
    const threading = headerThreading({ ownId, inReplyTo: parsed.inReplyTo, references: parsed.references, subject: parsed.subject });
    const recipients = [...row.envelope.to, ...parsed.to.map((m) => m.address), ...parsed.cc.map((m) => m.address), ...parsed.deliveredTo];
    const viaReplyAddress = await threadFromReplyAddress(this.deps.knex, this.deps.secret, settings.replyDomain, recipients);
    // Our reply+ address outranks the headers: it names exactly one ticket.
    const inReplyTo = viaReplyAddress ? [viaReplyAddress.messageId] : threading.inReplyTo;

    const message = this.inboundMessage(row, parsed, sender, {
      externalId: ownId,
      threadKey: threading.threadKey,
      inReplyTo,
      ticketNumber: viaReplyAddress ? undefined : threading.ticketNumber,
      automatic,
    });
    const received = await this.deps.core.receive(message);
    const ticket = { id: received.ticket.id, number: received.ticket.number };
    // Mail from a person at an address we had marked failing: it works again.
    if (!automatic && !received.duplicate) await this.markWorking(received.message.authorId, sender);
    const status: SettledStatus = received.duplicate ? 'duplicate' : automatic ? 'ignored' : received.created ? 'created' : 'appended';
    return {
      status,
      reason: automatic && !received.duplicate ? `automatic mail: ${automatic.reason}` : undefined,
      ticket,
      ticketId: ticket.id,
      messageId: received.message.id,
    };
  }

  /**
   * A delivery status notification: the failed addresses are marked failing,
   * and the report is recorded on the ticket whose mail bounced. A bounce of
   * mail we never sent (backscatter from forged senders) opens no ticket.
   */
  private async deliverBounce(row: InboundRow, parsed: ParsedEmail, verdict: AutomaticVerdict) {
    const header = parsed.headers.get('x-failed-recipients');
    const report = buildBounceReport({
      deliveryStatus: parsed.deliveryStatus,
      failedRecipientsHeader: typeof header === 'string' ? header : Array.isArray(header) ? header.join(',') : undefined,
      returnedHeaders: parsed.returnedHeaders,
      bodyText: parsed.text,
    });
    await this.markFailing(report.permanent);
    const summary = bounceSummary(report, verdict);
    const ids = [...report.originalMessageIds, ...parsed.inReplyTo, ...parsed.references];
    const tickets = await ticketsKnowing(this.deps.knex, ids);
    if (tickets.length === 0) return { status: 'ignored' as const, reason: `${summary}; not about any mail we sent` };

    const ownId = boundedId(parsed.messageId ?? rawHashId(row.rawSha256));
    const fromAddress = looksLikeAddress(parsed.from?.address) ? parsed.from!.address : undefined;
    const message = this.inboundMessage(row, parsed, fromAddress ?? 'mailer-daemon', {
      externalId: ownId,
      threadKey: boundedId(ids[0] ?? ownId),
      inReplyTo: ids.map(boundedId).slice(0, 100),
      automatic: verdict,
      bounce: report,
      senderName: parsed.from?.name || 'Mail Delivery System',
    });
    const received = await this.deps.core.receive(message);
    if (!received.duplicate) {
      // Visible in the ticket's history next to the delivery it answers.
      await this.deps.knex('ticket_events').insert({
        ticketId: received.ticket.id,
        type: 'email_bounced',
        actorType: 'system',
        actorId: null,
        data: JSON.stringify({ permanent: report.permanent, temporary: report.temporary, status: report.status ?? null, messageId: received.message.id }),
        createdAt: this.deps.clock.now(),
      });
    }
    return {
      status: received.duplicate ? ('duplicate' as const) : ('ignored' as const),
      reason: summary,
      ticket: { id: received.ticket.id, number: received.ticket.number },
      ticketId: received.ticket.id,
      messageId: received.message.id,
    };
  }

  private async markFailing(addresses: string[]): Promise<void> {
    if (addresses.length === 0) return;
    const now = this.deps.clock.now();
    await this.deps.knex('customers')
      .whereRaw(`lower(email) in (${addresses.map(() => '?').join(', ')})`, addresses)
      .whereNot('emailStatus', 'failing')
      .update({ emailStatus: 'failing', updatedAt: now });
  }

  private async markWorking(customerId: number | null, address: string): Promise<void> {
    if (!customerId) return;
    await this.deps.knex('customers')
      .where({ id: customerId, emailStatus: 'failing' })
      .whereRaw('lower(email) = ?', [address])
      .update({ emailStatus: 'ok', updatedAt: this.deps.clock.now() });
  }

  private inboundMessage(
    row: InboundRow,
    parsed: ParsedEmail,
    sender: string,
    t: {
      externalId: string;
      threadKey: string;
      inReplyTo: string[];
      ticketNumber?: number;
      automatic?: AutomaticVerdict;
      bounce?: BounceReport;
      senderName?: string;
    },
  ): InboundMessage {
    const body = bodyOf(parsed);
    const name = (t.senderName ?? nameFor(parsed, sender))?.slice(0, 200) || undefined;
    const verified = emailSchema.safeParse(sender).success;
    const replyTo = looksLikeAddress(parsed.replyTo?.address) && !isOurAddress(this.deps.settings, parsed.replyTo!.address) ? parsed.replyTo! : undefined;
    const replyRef: EmailReplyRef = {
      to: replyTo?.address ?? sender,
      name: (replyTo?.name || name) ?? undefined,
      messageId: parsed.messageId,
      references: [...parsed.references, ...(parsed.messageId ? [parsed.messageId] : [])].slice(-20),
      subject: parsed.subject.slice(0, 300),
    };
    return storable({
      channel: 'email',
      externalId: t.externalId,
      threadKey: t.threadKey,
      sender: { externalUserId: sender.slice(0, 300), email: verified ? sender : undefined, emailVerified: verified || undefined, name },
      subject: subjectWithoutToken(parsed.subject).slice(0, 300) || undefined,
      text: body.text,
      html: body.html,
      attachments: parsed.attachments.map((a) => ({
        sha256: a.sha256,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        contentId: a.contentId,
        inline: a.inline,
      })),
      inReplyTo: t.inReplyTo.length ? t.inReplyTo : undefined,
      ticketNumber: t.ticketNumber,
      receivedAt: this.deps.clock.now(),
      // Bounces never set where we answer; an auto-reply that opens a ticket
      // still gives agents an address to write to (the bot never answers it).
      replyRef: t.bounce ? undefined : replyRef,
      noReply: t.automatic ? true : undefined,
      meta: {
        email: {
          inboundId: row.id,
          rawSha256: row.rawSha256,
          messageId: parsed.messageId ?? null,
          from: parsed.from?.address || null,
          to: parsed.to.map((m) => m.address).slice(0, 50),
          cc: parsed.cc.map((m) => m.address).slice(0, 50),
          date: parsed.date ?? null,
          folded: body.folded,
          ...(t.automatic ? { automatic: t.automatic } : {}),
          ...(t.bounce ? { bounce: t.bounce } : {}),
          ...(parsed.dropped.length ? { droppedAttachments: parsed.dropped.slice(0, 20), droppedCount: parsed.dropped.length } : {}),
        },
      },
    } satisfies InboundMessage);
  }
}

/** Who wrote it: the real author behind a group, else From, Reply-To, the envelope. */
export function senderOf(parsed: ParsedEmail, envelope: Envelope): string | undefined {
  for (const candidate of [parsed.originalSender, parsed.from?.address, parsed.replyTo?.address, envelope.from?.toLowerCase()]) {
    if (looksLikeAddress(candidate)) return candidate;
  }
  return undefined;
}

function nameFor(parsed: ParsedEmail, sender: string): string | undefined {
  const boxes: (Mailbox | undefined)[] = [parsed.from, parsed.replyTo];
  return boxes.find((m) => m?.address === sender && m.name)?.name ?? (parsed.from?.address === sender ? parsed.from?.name : undefined);
}

/** The new text (quotes and signature folded away) and sanitisable HTML. */
function bodyOf(parsed: ParsedEmail): { text: string; html?: string; folded: boolean } {
  const text = foldText(parsed.text);
  const html = parsed.html ? foldHtml(parsed.html) : undefined;
  let bodyText = text.text.trim();
  if (!bodyText && parsed.attachments.length === 0) bodyText = parsed.subject || '(empty message)';
  if (bodyText.length > MAX_TEXT) bodyText = `${bodyText.slice(0, MAX_TEXT - 40)}\n\n[message shortened; see the original]`;
  return {
    text: bodyText,
    html: html && html.text.length <= MAX_HTML ? html.text : undefined,
    folded: text.folded || Boolean(html?.folded),
  };
}

function bounceSummary(report: BounceReport, verdict: AutomaticVerdict): string {
  const parts = [`bounce (${verdict.reason})`];
  if (report.permanent.length) parts.push(`failed for good: ${report.permanent.join(', ')}`);
  if (report.temporary.length) parts.push(`delayed: ${report.temporary.join(', ')}`);
  if (report.status) parts.push(`status ${report.status}`);
  return parts.join('; ');
}

function quarantineReason(error: unknown, parsed: ParsedEmail | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!parsed) return `could not parse the message: ${message}`;
  if (error instanceof InvalidInputError) return `the core refused the message: ${message}`;
  return `processing failed: ${message}`;
}
