// What the mail:* commands share: the service built exactly as `start` builds
// it (every feature's follow-ups registered, so a piped mail still gets its
// bot answer once the service runs), without listening on anything.
import type { CommandIo } from '../cli.ts';
import { EmailChannel, type IngestResult } from '../../channels/email/index.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createParley, type Parley } from '../server.ts';

export async function openParleyForMail(io: CommandIo): Promise<Parley> {
  const config = loadConfig(io.env);
  // Quiet by default: a mail server reads our stderr into its logs.
  const level = io.env.LOG_LEVEL ? config.log.level : 'warn';
  const logger = createLogger({ ...config.log, level }, io.stderr);
  return createParley({ config, logger, env: io.env });
}

export function emailChannelOf(parley: Pick<Parley, 'adapters'>): EmailChannel {
  const channel = parley.adapters.get('email');
  if (!(channel instanceof EmailChannel)) throw new Error('the email channel is not wired in (web/features/email.ts)');
  return channel;
}

/** The JSON line the mail:* commands print for one message. */
export function resultJson(result: IngestResult): string {
  return JSON.stringify({
    status: result.status,
    ticket: result.ticket?.number ?? null,
    message: result.message,
    subject: result.subject,
    from: result.from,
    attachments: result.attachments,
    reason: result.reason,
  });
}

export function resultLine(result: IngestResult): string {
  const where = result.ticket ? ` ticket #${result.ticket.number}` : '';
  const why = result.reason ? ` (${result.reason})` : '';
  return `${result.status}${where}: ${result.subject || '(no subject)'} from ${result.from ?? '(unknown sender)'}${why}`;
}
