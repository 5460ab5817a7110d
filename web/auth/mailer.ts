// How sign-in mail leaves: through `parts.mailer` when the composition root
// provides one (the email channel's transport), otherwise as an .eml file in
// DATA_DIR/outbox, the same folder the embedded email default writes to, so
// an operator (or a test) can open the link without any mail server.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Machine-sent (Auto-Submitted: auto-generated): auto-responders stay quiet. */
  automatic?: boolean;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function outboxFolderMailer(dir: string, from: string, clock: { now(): number }): Mailer {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(mail) {
      const info = await composer.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.automatic ? { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } : undefined,
      });
      await fs.promises.mkdir(dir, { recursive: true });
      const name = `${clock.now()}-sign-in-${randomBytes(6).toString('hex')}.eml`;
      const target = path.join(dir, name);
      // Written whole, then renamed: a reader never sees half a message.
      await fs.promises.writeFile(`${target}.tmp`, info.message as Buffer, { mode: 0o600 });
      await fs.promises.rename(`${target}.tmp`, target);
    },
  };
}
