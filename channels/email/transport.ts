// Where outgoing mail goes: an SMTP server through nodemailer when SMTP_URL is
// set, otherwise an .eml file per delivery under DATA_DIR/outbox (the
// embedded default, so the service runs with no mail server at all). Both
// write the same message, built by nodemailer's MailComposer.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { DeliveryError } from '../../core/index.ts';

export interface OutgoingMail {
  /** Stable per delivery: a resend replaces the same file. */
  fileName: string;
  options: Mail.Options;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'folder';
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

export function buildRawMessage(options: Mail.Options): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
}

/** Writes each mail to `<dir>/<fileName>` atomically (temporary file, then rename). */
export class OutboxFolderTransport implements MailTransport {
  readonly kind = 'folder' as const;
  constructor(readonly dir: string) {}

  async send(mail: OutgoingMail): Promise<void> {
    const raw = await buildRawMessage(mail.options);
    await fs.promises.mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, mail.fileName);
    const tmp = `${target}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, raw);
    await fs.promises.rename(tmp, target);
  }

  async close(): Promise<void> {}
}

/** Sends through an SMTP server; 5xx answers are permanent, everything else is retried. */
export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  private readonly transporter: nodemailer.Transporter;

  constructor(url: string) {
    this.transporter = nodemailer.createTransport(url);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transporter.sendMail(mail.options);
    } catch (error: any) {
      const code = Number(error?.responseCode);
      if (code >= 500 && code < 600) throw new DeliveryError(`mail server refused the message: ${error.response ?? error.message}`, { permanent: true, cause: error });
      throw new DeliveryError(`mail server unavailable: ${error?.response ?? error?.message ?? error}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
