// The email channel adapter: the SMTP listener and inbound pipeline on one
// side, outgoing mail for the outbox on the other. `send` is called by the
// outbox worker, which retries it with backoff and dead-letters it; anything
// it throws that is not permanent is retried.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import {
  DeliveryError,
  type AttachmentStore,
  type ChannelAdapter,
  type Clock,
  type ConversationCore,
  type DeliveryReceipt,
  type OutboundMessage,
} from '../../core/index.ts';
import { EmailIngest } from './ingest.ts';
import { bracket, outboundMessageId } from './message-ids.ts';
import { renderMail } from './render.ts';
import { emailReplyRefSchema, type ParsedEmailReplyRef } from './reply-ref.ts';
import type { EmailSettings } from './settings.ts';
import type { SmtpListener } from './smtp-listener.ts';
import { replyAddress, surveyToken } from './tokens.ts';
import { OutboxFolderTransport, SmtpTransport, type MailTransport } from './transport.ts';

export interface EmailChannelDeps {
  core: ConversationCore;
  knex: Knex;
  clock: Clock;
  logger: Logger;
  attachments: AttachmentStore;
  settings: EmailSettings;
  secret: string;
  /** Defaults to SMTP_URL's server, else the outbox folder. */
  transport?: MailTransport;
}

export class EmailChannel implements ChannelAdapter {
  readonly channel = 'email' as const;
  readonly ingest: EmailIngest;
  readonly transport: MailTransport;
  private listener?: SmtpListener;
  private port?: number;

  constructor(private readonly deps: EmailChannelDeps) {
    this.ingest = new EmailIngest(deps);
    this.transport =
      deps.transport ?? (deps.settings.smtpUrl ? new SmtpTransport(deps.settings.smtpUrl) : new OutboxFolderTransport(deps.settings.outboxDir));
  }

  /** Port the SMTP listener is bound to, once started. */
  get smtpPort(): number | undefined {
    return this.port;
  }

  async start(): Promise<void> {
    const { settings, logger } = this.deps;
    if (!settings.smtp.enabled || this.listener) return;
    // smtp-server is loaded only when the listener is on (EMAIL_SMTP_ENABLED).
    const { SmtpListener } = await import('./smtp-listener.ts');
    const listener = new SmtpListener({ settings, secret: this.deps.secret, ingest: this.ingest, logger });
    try {
      this.port = await listener.listen();
    } catch (error) {
      throw new Error(
        `email: cannot listen for SMTP on ${settings.smtp.host}:${settings.smtp.port} (EMAIL_SMTP_HOST/EMAIL_SMTP_PORT, or EMAIL_SMTP_ENABLED=false): ${(error as Error).message}`,
      );
    }
    this.listener = listener;
    logger.info({ host: settings.smtp.host, port: this.port, tls: Boolean(settings.smtp.tls), auth: Boolean(settings.smtp.auth) }, 'smtp listener started');
  }

  async stop(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
    await this.transport.close();
  }

  async send(outbound: OutboundMessage, replyRef: unknown): Promise<DeliveryReceipt> {
    const { settings, secret, knex, clock } = this.deps;
    const ref = await this.recipientFor(outbound, replyRef);
    const automatic = outbound.authorType === 'bot' || outbound.authorType === 'system';
    if (automatic && ref.failing) {
      throw new DeliveryError(`${ref.to} is failing (it bounced); automatic mail is not sent to it`, { permanent: true });
    }

    const earlier = await knex('deliveries')
      .where({ ticketId: outbound.ticketId, channel: 'email' })
      .where('id', '<', outbound.deliveryId)
      .first('id');
    // The core's survey message becomes one-click rating links; each leads to
    // a confirmation page (survey-pages.ts), since mail scanners open links.
    const surveyExpiresAt = clock.now() + settings.surveyTtlMs;
    const surveyLinks =
      outbound.purpose === 'survey'
        ? [1, 2, 3, 4, 5].map((score) => ({
            score,
            url: `${settings.publicUrl}/email/survey/${surveyToken(secret, outbound.ticketId, surveyExpiresAt)}/${score}`,
          }))
        : undefined;
    const rendered = renderMail(outbound, {
      // Only a ticket that began as an email is acknowledged by its first mail
      // (a web chat follow-up by email is not a new request).
      first: !earlier && ref.ticketChannel === 'email',
      deskName: settings.from.name,
      publicUrl: settings.publicUrl,
      surveyLinks,
    });

    const messageId = outboundMessageId(secret, outbound.idempotencyKey, settings.replyDomain);
    const references = [...ref.references, ...(ref.messageId ? [ref.messageId] : [])].filter((v, i, all) => all.indexOf(v) === i).slice(-20);
    const attachments = [];
    for (const a of outbound.attachments) {
      if (!this.deps.attachments.exists(a.sha256)) throw new DeliveryError(`attachment ${a.filename} is missing from the store`, { permanent: true });
      attachments.push({ filename: a.filename, contentType: a.contentType, content: this.deps.attachments.open(a.sha256) });
    }
    await this.transport.send({
      fileName: `ticket-${outbound.ticketNumber}-delivery-${outbound.deliveryId}.eml`,
      options: {
        messageId: bracket(messageId),
        date: new Date(clock.now()),
        from: { name: outbound.authorName ? `${outbound.authorName} (${settings.from.name})` : settings.from.name, address: settings.from.address },
        to: ref.name ? { name: ref.name, address: ref.to } : ref.to,
        replyTo: { name: settings.from.name, address: replyAddress(secret, outbound.ticketId, settings.replyDomain) },
        subject: rendered.subject,
        inReplyTo: ref.messageId ? bracket(ref.messageId) : undefined,
        references: references.length ? references.map(bracket) : undefined,
        text: rendered.text,
        html: rendered.html,
        attachments,
        headers: {
          'X-Parley-Ticket': String(outbound.ticketNumber),
          // Automatic mail says so, and asks autoresponders not to answer it:
          // two robots writing to each other is how mail loops start.
          ...(automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {}),
        },
      },
    });
    return { externalId: messageId };
  }

  /** Where to write: the ticket's email reply address, else its customer's address. */
  private async recipientFor(
    outbound: OutboundMessage,
    replyRef: unknown,
  ): Promise<ParsedEmailReplyRef & { failing: boolean; ticketChannel?: string }> {
    const { knex } = this.deps;
    const customer = await knex('tickets')
      .join('customers', 'customers.id', 'tickets.customerId')
      .where('tickets.id', outbound.ticketId)
      .first('tickets.channel as ticketChannel', 'customers.email as email', 'customers.name as name', 'customers.emailStatus as emailStatus');
    const ticketChannel = customer?.ticketChannel as string | undefined;
    const parsed = emailReplyRefSchema.safeParse(replyRef);
    if (parsed.success) {
      const failing = customer?.emailStatus === 'failing' && customer.email?.toLowerCase() === parsed.data.to.toLowerCase();
      return { ...parsed.data, failing, ticketChannel };
    }
    if (customer?.email) {
      return { to: customer.email, name: customer.name ?? undefined, references: [], failing: customer.emailStatus === 'failing', ticketChannel };
    }
    throw new DeliveryError(`ticket ${outbound.ticketNumber} has no email address to write to`, { permanent: true });
  }
}
