// What the kb:* commands share: the database and knowledge base opened as
// the service opens them (same settings, same index folder), nothing else
// started, closed again afterwards. Logs are quiet unless LOG_LEVEL asks.
import { migrate, openDatabase } from '../../knexfile.ts';
import { systemClock } from '../../core/index.ts';
import type { KnowledgeBase } from '../../knowledge/index.ts';
import type { CommandIo } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { openKnowledge, parseKnowledgeEnv } from '../features/knowledge.ts';
import { createLogger } from '../logger.ts';

export async function withKnowledge<T>(io: CommandIo, work: (kb: KnowledgeBase) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const env = parseKnowledgeEnv(io.env);
  const logger = createLogger({ ...config.log, level: io.env.LOG_LEVEL ? config.log.level : 'warn' }, io.stderr);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db);
    const kb = await openKnowledge({ env, config, db, logger, clock: systemClock });
    await kb.ready();
    try {
      return await work(kb);
    } finally {
      await kb.close();
    }
  } finally {
    await db.close();
  }
}

/**
 * Progress on stderr for long runs: rewritten in place on a terminal, a line
 * every few seconds otherwise (logs), and always the last one.
 */
export function progressReporter(io: CommandIo, label: (done: number, total: number) => string): (done: number, total: number) => void {
  const tty = Boolean((io.stderr as NodeJS.WriteStream).isTTY);
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    const final = done >= total;
    if (!final && now - last < (tty ? 100 : 5_000)) return;
    last = now;
    io.stderr.write(tty ? `\r${label(done, total)}${final ? '\n' : ''}` : `${label(done, total)}\n`);
  };
}
