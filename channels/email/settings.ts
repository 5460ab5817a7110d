// What the email channel needs to know, already validated. The composition
// root (web/features/email.ts) builds this from environment variables; tests
// build it with emailSettings() and override what matters to them.

export interface SmtpListenerSettings {
  enabled: boolean;
  host: string;
  port: number;
  /** Greeting name (EHLO/banner). */
  name: string;
  maxClients: number;
  socketTimeoutMs: number;
  /** PEM key and certificate: STARTTLS is offered only when both are set. */
  tls?: { key: Buffer; cert: Buffer };
  /** When set, clients must AUTH (PLAIN/LOGIN) with these before MAIL FROM. */
  auth?: { user: string; password: string };
  /** Allows AUTH on a connection that has not upgraded to TLS (loopback relays). */
  allowInsecureAuth: boolean;
}

export interface EmailSettings {
  /** Mailboxes we accept mail for (lowercase); `local+tag@` sub-addresses match too. */
  addresses: string[];
  /** Domains we accept any recipient for (lowercase). */
  domains: string[];
  /** The From of every mail we send. */
  from: { name: string; address: string };
  /** Domain of the `reply+<token>@` addresses (lowercase). */
  replyDomain: string;
  /** Largest raw message accepted (SMTP 552 past it; mail:ingest refuses it). */
  maxMessageBytes: number;
  /** Largest single attachment kept; larger ones are left in the stored original. */
  maxAttachmentBytes: number;
  /** Most attachments kept per message; the rest stay in the stored original. */
  maxAttachments: number;
  /** Most recipients in one SMTP transaction; past it the message is refused. */
  maxRecipients: number;
  /** Most MIME parts the parser walks before it gives up (quarantine). */
  maxMimeParts: number;
  /** Base URL for links in mail (survey pages). */
  publicUrl: string;
  /** Send status-change notifications. */
  notifyStatus: boolean;
  /** How long the rating links in a survey mail stay valid. */
  surveyTtlMs: number;
  smtp: SmtpListenerSettings;
  /** nodemailer transport URL; without it every outgoing mail is an .eml file in outboxDir. */
  smtpUrl?: string;
  outboxDir: string;
}

/** Defaults for tests and the embedded setup; every field can be overridden. */
export function emailSettings(overrides: Partial<EmailSettings> & { outboxDir: string }): EmailSettings {
  const base: EmailSettings = {
    addresses: ['support@parley.test'],
    domains: [],
    from: { name: 'Parley Support', address: 'support@parley.test' },
    replyDomain: 'parley.test',
    maxMessageBytes: 40 * 1024 * 1024,
    maxAttachmentBytes: 30 * 1024 * 1024,
    maxAttachments: 100,
    maxRecipients: 50,
    maxMimeParts: 2000,
    publicUrl: 'http://localhost:3000',
    notifyStatus: true,
    surveyTtlMs: 60 * 24 * 60 * 60 * 1000,
    smtp: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      name: 'parley.test',
      maxClients: 100,
      socketTimeoutMs: 60_000,
      allowInsecureAuth: false,
    },
    outboxDir: overrides.outboxDir,
  };
  return { ...base, ...overrides, smtp: { ...base.smtp, ...(overrides.smtp ?? {}) } };
}
