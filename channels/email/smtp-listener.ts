// Inbound SMTP with smtp-server. Forgeries and abuse are refused before any
// work: unknown recipients get 550 at RCPT, a transaction with too many
// recipients is refused whole, a message past the size limit is cut off while
// it streams (552) and nothing of it is kept. Accepted mail is answered 250
// only after its raw bytes are stored and logged (see EmailIngest).
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { TooLargeError } from '../../core/index.ts';
import { EmptyMessageError, type EmailIngest } from './ingest.ts';
import { isAcceptedRecipient } from './recipients.ts';
import type { EmailSettings } from './settings.ts';

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function sameSecret(given: string | undefined | null, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SmtpListenerDeps {
  settings: EmailSettings;
  secret: string;
  ingest: EmailIngest;
  logger: Logger;
}

export class SmtpListener {
  private readonly server: SMTPServer;
  /** Sessions that asked for more recipients than allowed: their DATA is refused. */
  private readonly overLimit = new WeakSet<SMTPServerSession>();

  constructor(private readonly deps: SmtpListenerDeps) {
    const { settings, logger } = deps;
    const smtp = settings.smtp;
    const disabled = [...(smtp.tls ? [] : ['STARTTLS']), ...(smtp.auth ? [] : ['AUTH'])];
    this.server = new SMTPServer({
      name: smtp.name,
      banner: 'Parley support mail',
      size: settings.maxMessageBytes,
      rejectOversized: true,
      maxClients: smtp.maxClients,
      socketTimeout: smtp.socketTimeoutMs,
      closeTimeout: Math.min(smtp.socketTimeoutMs, 30_000),
      disabledCommands: disabled,
      authOptional: !smtp.auth,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: smtp.allowInsecureAuth,
      // No DNS: reverse lookups are slow, leak to the network and prove nothing.
      disableReverseLookup: true,
      logger: false,
      ...(smtp.tls ? { key: smtp.tls.key, cert: smtp.tls.cert } : {}),
      onAuth: (auth, _session, callback) => {
        if (smtp.auth && sameSecret(auth.username, smtp.auth.user) && sameSecret(auth.password, smtp.auth.password)) {
          return callback(null, { user: auth.username });
        }
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo: (address, session, callback) => {
        const recipient = address.address.trim();
        if (!isAcceptedRecipient(settings, deps.secret, recipient)) {
          return callback(smtpError(550, `5.1.1 <${recipient}>: no such mailbox here`));
        }
        if (session.envelope.rcptTo.length >= settings.maxRecipients) {
          this.overLimit.add(session);
          return callback(smtpError(452, `4.5.3 Too many recipients (at most ${settings.maxRecipients})`));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (reply) => callback(null, reply),
          (error) => callback(error),
        );
      },
    });
    this.server.on('error', (err) => logger.warn({ err }, 'smtp listener error'));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    if (this.overLimit.has(session)) {
      this.overLimit.delete(session);
      stream.resume();
      await new Promise((resolve) => stream.once('end', resolve));
      throw smtpError(554, '5.5.3 Too many recipients: message refused, nothing was stored');
    }
    const envelope = {
      source: 'smtp' as const,
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
      to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      remoteAddress: session.remoteAddress,
    };
    try {
      const result = await this.deps.ingest.ingest(stream, envelope);
      return `2.0.0 Stored as ${result.inboundId} (${result.status})`;
    } catch (error) {
      if (error instanceof TooLargeError) {
        throw smtpError(552, `5.3.4 Message exceeds the fixed maximum message size of ${this.deps.settings.maxMessageBytes} bytes`);
      }
      if (error instanceof EmptyMessageError) throw smtpError(554, '5.6.0 Empty message');
      this.deps.logger.error({ err: error }, 'smtp: could not store an incoming message');
      throw smtpError(451, '4.3.0 Temporary failure storing the message, try again later');
    }
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    const { host, port } = this.deps.settings.smtp;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.server.off('error', onError);
        resolve((this.server.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
