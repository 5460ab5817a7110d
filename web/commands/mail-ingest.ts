// `parley mail:ingest [--json] < message.eml`: one email from stdin, for mail
// servers that pipe mail to a command (Postfix pipe transport). Exit codes
// follow sysexits so the MTA does the right thing: 0 whenever the message was
// stored (whatever became of it, quarantine included), 75 (try again later)
// when it could not be stored, 65 (bounce it) when it is empty or too large.
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { TooLargeError } from '../../core/index.ts';
import { EmptyMessageError, type EmailChannel } from '../../channels/email/index.ts';
import type { Command, CommandIo } from '../cli.ts';
import { ConfigError } from '../config.ts';
import { emailChannelOf, openParleyForMail, resultJson, resultLine } from './mail-shared.ts';

export const EX_DATAERR = 65;
export const EX_TEMPFAIL = 75;

export interface IngestOptions {
  json: boolean;
  /** Envelope sender as the MTA saw it ('' for bounces). */
  sender?: string;
  recipients: string[];
}

export function parseIngestArgs(args: string[]): IngestOptions {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, sender: { type: 'string' }, recipient: { type: 'string', multiple: true } },
  });
  return { json: Boolean(values.json), sender: values.sender, recipients: (values.recipient ?? []).map((r) => r.toLowerCase()) };
}

/** Stores and processes one message from `input`; returns the exit code. */
export async function ingestOne(channel: EmailChannel, input: Readable, options: IngestOptions, io: Pick<CommandIo, 'stdout' | 'stderr'>): Promise<number> {
  try {
    const result = await channel.ingest.ingest(input, { source: 'pipe', from: options.sender, to: options.recipients });
    io.stdout.write(`${options.json ? resultJson(result) : resultLine(result)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TooLargeError || error instanceof EmptyMessageError) {
      io.stderr.write(`parley mail:ingest: message refused, nothing stored: ${error.message}\n`);
      return EX_DATAERR;
    }
    io.stderr.write(`parley mail:ingest: could not store the message, nothing kept (try again later): ${error instanceof Error ? error.message : error}\n`);
    return EX_TEMPFAIL;
  }
}

export const mailIngest: Command = {
  name: 'mail:ingest',
  summary: 'Read one email from stdin into tickets (MTA pipe transport); --json prints the outcome.',
  usage: 'parley mail:ingest [--json] [--sender ADDRESS] [--recipient ADDRESS]... < message.eml',
  async run(args, io) {
    const options = parseIngestArgs(args);
    let parley;
    try {
      parley = await openParleyForMail(io);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      io.stderr.write(`parley mail:ingest: cannot open the service, nothing stored (try again later): ${error instanceof Error ? error.message : error}\n`);
      return EX_TEMPFAIL;
    }
    try {
      return await ingestOne(emailChannelOf(parley), io.stdin as Readable, options, io);
    } finally {
      await parley.stop();
    }
  },
};
