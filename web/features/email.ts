// The email channel's wiring: settings from the environment, the channel
// adapter (SMTP listener + outgoing mail), status notifications and the pages
// behind the rating links of survey mails (the core sends the survey). With
// no EMAIL_* variables at all it runs as the embedded default: a listener on
// 127.0.0.1:2525 and outgoing mail as .eml files in DATA_DIR/outbox, so
// `npm start` needs no mail server.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EmailChannel, STATUS_NOTICE_JOB, statusNoticeHandler, surveyPages, type EmailSettings } from '../../channels/email/index.ts';
import { ConfigError, intSetting, parseEnvGroup } from '../config.ts';
import type { ParleyParts } from '../server.ts';

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), 'expected true or false')
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const addressList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
  .refine((list) => list.every((a) => ADDRESS.test(a)), 'expected comma-separated email addresses');

const domainList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim().toLowerCase().replace(/^@/, '')).filter(Boolean))
  .refine((list) => list.every((d) => /^[a-z0-9.-]+$/.test(d)), 'expected comma-separated domain names');

export const emailEnvSchema = z.object({
  EMAIL_SMTP_ENABLED: flag.default(true),
  EMAIL_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  EMAIL_SMTP_PORT: intSetting(0, 65535).optional(),
  EMAIL_ADDRESSES: addressList.default(['support@localhost']),
  EMAIL_DOMAINS: domainList.default([]),
  EMAIL_FROM: z
    .string()
    .trim()
    .refine((v) => ADDRESS.test(fromParts(v).address), 'expected "Name <address>" or an address')
    .optional(),
  EMAIL_REPLY_DOMAIN: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9.-]+$/, 'expected a domain name')
    .optional(),
  EMAIL_MAX_MESSAGE_BYTES: intSetting(1024, 1_073_741_824).default(40 * 1024 * 1024),
  EMAIL_MAX_ATTACHMENT_BYTES: intSetting(1, 1_073_741_824).default(30 * 1024 * 1024),
  EMAIL_MAX_ATTACHMENTS: intSetting(0, 100).default(100),
  EMAIL_MAX_RECIPIENTS: intSetting(1, 1000).default(50),
  EMAIL_MAX_CLIENTS: intSetting(1, 10_000).default(100),
  EMAIL_SOCKET_TIMEOUT_MS: intSetting(1000, 3_600_000).default(60_000),
  EMAIL_SMTP_TLS_KEY: z.string().min(1).optional(),
  EMAIL_SMTP_TLS_CERT: z.string().min(1).optional(),
  EMAIL_SMTP_USER: z.string().min(1).optional(),
  EMAIL_SMTP_PASSWORD: z.string().min(1).optional(),
  EMAIL_SMTP_INSECURE_AUTH: flag.default(false),
  SMTP_URL: z
    .string()
    .refine((v) => {
      try {
        return /^smtps?:$/.test(new URL(v).protocol);
      } catch {
        return false;
      }
    }, 'expected an smtp:// or smtps:// URL')
    .optional(),
  EMAIL_NOTIFY_STATUS: flag.default(true),
  EMAIL_SURVEY_TTL_DAYS: intSetting(1, 3650).default(60),
});

/** `Name <address>` or a bare address. */
function fromParts(value: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>]+)>\s*$/.exec(value);
  if (match) return { name: match[1]!.trim(), address: match[2]!.trim().toLowerCase() };
  return { name: '', address: value.trim().toLowerCase() };
}

function readPem(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new ConfigError(variable, `cannot read ${file}: ${(error as Error).message}`);
  }
}

export function emailSettingsFromEnv(env: NodeJS.ProcessEnv, base: { dataDir: string; publicUrl: string }): EmailSettings {
  const e = parseEnvGroup(emailEnvSchema, env);
  if (Boolean(e.EMAIL_SMTP_TLS_KEY) !== Boolean(e.EMAIL_SMTP_TLS_CERT)) {
    throw new ConfigError(e.EMAIL_SMTP_TLS_KEY ? 'EMAIL_SMTP_TLS_CERT' : 'EMAIL_SMTP_TLS_KEY', 'STARTTLS needs both EMAIL_SMTP_TLS_KEY and EMAIL_SMTP_TLS_CERT');
  }
  if (Boolean(e.EMAIL_SMTP_USER) !== Boolean(e.EMAIL_SMTP_PASSWORD)) {
    throw new ConfigError(e.EMAIL_SMTP_USER ? 'EMAIL_SMTP_PASSWORD' : 'EMAIL_SMTP_USER', 'SMTP AUTH needs both EMAIL_SMTP_USER and EMAIL_SMTP_PASSWORD');
  }
  if (e.EMAIL_SMTP_USER && !e.EMAIL_SMTP_TLS_KEY && !e.EMAIL_SMTP_INSECURE_AUTH) {
    throw new ConfigError('EMAIL_SMTP_USER', 'passwords would cross the network in clear text: set EMAIL_SMTP_TLS_KEY/EMAIL_SMTP_TLS_CERT, or EMAIL_SMTP_INSECURE_AUTH=true for a loopback relay');
  }
  const from = e.EMAIL_FROM ? fromParts(e.EMAIL_FROM) : { name: '', address: e.EMAIL_ADDRESSES[0] ?? 'support@localhost' };
  const replyDomain = e.EMAIL_REPLY_DOMAIN ?? from.address.slice(from.address.lastIndexOf('@') + 1);
  // PORT=0 means "any free port" for the whole service (tests, several
  // instances on one machine); the SMTP listener follows unless told otherwise.
  const port = e.EMAIL_SMTP_PORT ?? (String(env.PORT ?? '').trim() === '0' ? 0 : 2525);
  return {
    addresses: e.EMAIL_ADDRESSES,
    domains: e.EMAIL_DOMAINS,
    from: { name: from.name || 'Support', address: from.address },
    replyDomain,
    maxMessageBytes: e.EMAIL_MAX_MESSAGE_BYTES,
    maxAttachmentBytes: e.EMAIL_MAX_ATTACHMENT_BYTES,
    maxAttachments: e.EMAIL_MAX_ATTACHMENTS,
    maxRecipients: e.EMAIL_MAX_RECIPIENTS,
    maxMimeParts: 2000,
    publicUrl: base.publicUrl,
    notifyStatus: e.EMAIL_NOTIFY_STATUS,
    surveyTtlMs: e.EMAIL_SURVEY_TTL_DAYS * 24 * 60 * 60 * 1000,
    smtp: {
      enabled: e.EMAIL_SMTP_ENABLED,
      host: e.EMAIL_SMTP_HOST,
      port,
      name: replyDomain,
      maxClients: e.EMAIL_MAX_CLIENTS,
      socketTimeoutMs: e.EMAIL_SOCKET_TIMEOUT_MS,
      tls: e.EMAIL_SMTP_TLS_KEY
        ? { key: readPem('EMAIL_SMTP_TLS_KEY', e.EMAIL_SMTP_TLS_KEY), cert: readPem('EMAIL_SMTP_TLS_CERT', e.EMAIL_SMTP_TLS_CERT!) }
        : undefined,
      auth: e.EMAIL_SMTP_USER ? { user: e.EMAIL_SMTP_USER, password: e.EMAIL_SMTP_PASSWORD! } : undefined,
      allowInsecureAuth: e.EMAIL_SMTP_INSECURE_AUTH,
    },
    smtpUrl: e.SMTP_URL,
    outboxDir: path.join(base.dataDir, 'outbox'),
  };
}

export function emailFeature(parts: ParleyParts): void {
  const settings = emailSettingsFromEnv(parts.env, { dataDir: parts.config.dataDir, publicUrl: parts.config.publicUrl });
  const channel = new EmailChannel({
    core: parts.core,
    knex: parts.db.knex,
    clock: parts.clock,
    logger: parts.logger.child({ channel: 'email' }),
    attachments: parts.attachments,
    settings,
    secret: parts.secret,
  });
  parts.adapters.set('email', channel);
  if (settings.notifyStatus) {
    parts.addFollowUp('status_changed', STATUS_NOTICE_JOB, statusNoticeHandler({ core: parts.core, knex: parts.db.knex, logger: parts.logger }));
  }
  parts.mount(surveyPages({ core: parts.core, clock: parts.clock, secret: parts.secret, deskName: settings.from.name }));

  // Mail that belongs to no ticket (sign-in links) leaves the same way as
  // ticket mail: SMTP_URL when set, otherwise the DATA_DIR/outbox folder.
  parts.mailer = {
    async send(mail) {
      await channel.transport.send({
        fileName: `${parts.clock.now()}-mail-${randomBytes(6).toString('hex')}.eml`,
        options: {
          from: { name: settings.from.name, address: settings.from.address },
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.automatic ? { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } : undefined,
        },
      });
    },
  };
}
