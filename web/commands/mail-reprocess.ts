// `parley mail:reprocess`: runs quarantined mail (and mail a crash left half
// done) through the pipeline again, e.g. after a fix. The stored original is
// what is parsed, so nothing depends on the sender resending it.
import { parseArgs } from 'node:util';
import type { EmailChannel } from '../../channels/email/index.ts';
import type { Command, CommandIo } from '../cli.ts';
import { emailChannelOf, openParleyForMail, resultJson, resultLine } from './mail-shared.ts';

/** Mail still `received` after this long was being handled by a process that died. */
const STUCK_AFTER_MS = 10 * 60 * 1000;

export interface ReprocessOptions {
  json: boolean;
  ids: number[];
  limit: number;
}

export function parseReprocessArgs(args: string[]): ReprocessOptions {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, id: { type: 'string', multiple: true }, limit: { type: 'string' } },
  });
  const ids = (values.id ?? []).map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--id expects a positive whole number, got ${JSON.stringify(v)}`);
    return n;
  });
  const limit = values.limit === undefined ? 1000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new Error(`--limit expects a positive whole number, got ${JSON.stringify(values.limit)}`);
  return { json: Boolean(values.json), ids, limit };
}

export async function reprocess(channel: EmailChannel, options: ReprocessOptions, io: Pick<CommandIo, 'stdout' | 'stderr'>): Promise<number> {
  const ids = await channel.ingest.log.toReprocess({ ids: options.ids, stuckAfterMs: STUCK_AFTER_MS, limit: options.limit });
  const counts = new Map<string, number>();
  let failures = 0;
  for (const id of ids) {
    try {
      const result = await channel.ingest.process(id);
      counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
      io.stdout.write(`${options.json ? resultJson(result) : `#${id} ${resultLine(result)}`}\n`);
    } catch (error) {
      failures++;
      io.stderr.write(`parley mail:reprocess: mail ${id}: ${error instanceof Error ? error.message : error}\n`);
    }
  }
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  io.stderr.write(ids.length ? `reprocessed ${ids.length} message(s): ${summary || 'none settled'}\n` : 'nothing to reprocess\n');
  return failures ? 1 : 0;
}

export const mailReprocess: Command = {
  name: 'mail:reprocess',
  summary: 'Run quarantined (or interrupted) inbound mail through the pipeline again.',
  usage: 'parley mail:reprocess [--json] [--id N]... [--limit N]',
  async run(args, io) {
    const options = parseReprocessArgs(args);
    const parley = await openParleyForMail(io);
    try {
      return await reprocess(emailChannelOf(parley), options, io);
    } finally {
      await parley.stop();
    }
  },
};
