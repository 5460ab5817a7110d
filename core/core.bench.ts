// Suite `core`: how fast inbound messages go through `receive` (customer,
// ticket, message, history, follow-up job in one transaction), next to what
// the database does with nothing of ours in the way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { migrate, openDatabase, type Database } from '../knexfile.ts';
import { ConversationCore } from './conversation-core.ts';
import { InProcessBus } from './events/in-process-bus.ts';
import type { InboundMessage } from './types.ts';

export const suite = 'core';

type Report = (f: { name: string; value: number; unit: string; ceiling?: number; ceilingName?: string; target?: string }) => void;

export async function run(report: Report, options: { env: NodeJS.ProcessEnv; quick: boolean }): Promise<void> {
  const n = options.quick ? 2_000 : 20_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  try {
    const ceiling = rawSqliteTx(path.join(dir, 'raw.db'), n);
    report({ name: 'raw_sqlite_tx', value: ceiling, unit: 'tx/s' });
    const db = await openDatabase({ sqliteFile: path.join(dir, 'parley.db') });
    await migrate(db);
    const rate = await inboundRate(db, n, 4);
    report({ name: 'inbound_sqlite', value: rate, unit: 'msg/s', ceiling, ceilingName: 'raw_sqlite_tx', target: '>= 4000 msg/s' });
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const url = options.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ databaseUrl: url, schema, poolMax: 10 });
    try {
      await migrate(db);
      const ceiling = await rawPostgresTx(url, schema, options.quick ? 2_000 : 10_000, 8);
      report({ name: 'raw_postgres_tx', value: ceiling, unit: 'tx/s' });
      const rate = await inboundRate(db, options.quick ? 2_000 : 10_000, 8);
      report({ name: 'inbound_postgres', value: rate, unit: 'msg/s', ceiling, ceilingName: 'raw_postgres_tx', target: '>= 1500 msg/s' });
    } finally {
      await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await db.close();
    }
  }
}

/** Single-row insert transactions per second, straight through better-sqlite3. */
function rawSqliteTx(file: string, n: number): number {
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, body TEXT, created_at INTEGER)');
  const insert = db.prepare('INSERT INTO t (external_id, body, created_at) VALUES (?, ?, ?)');
  const tx = db.transaction((i: number) => insert.run(`m-${i}`, 'How do I reset my password?', Date.now()));
  const started = performance.now();
  for (let i = 0; i < n; i++) tx(i);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return n / seconds;
}

/** The same on PostgreSQL with `concurrency` clients. */
async function rawPostgresTx(url: string, schema: string, n: number, concurrency: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  await pool.query(`CREATE TABLE "${schema}".raw (id serial primary key, external_id text unique, body text, created_at bigint)`);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = await pool.connect();
      try {
        while (next < n) {
          const i = next++;
          await client.query('BEGIN');
          await client.query(`INSERT INTO "${schema}".raw (external_id, body, created_at) VALUES ($1, $2, $3)`, [`m-${i}`, 'How do I reset my password?', Date.now()]);
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return n / seconds;
}

/** Messages per second through receive: 1 in 5 opens a new thread, the rest continue one. */
async function inboundRate(db: Database, n: number, concurrency: number): Promise<number> {
  const logger = pino({ level: 'silent' });
  const core = new ConversationCore({ db, clock: { now: () => Date.now() }, bus: new InProcessBus(logger), logger, followUps: { 'message.received': ['bot.answer'] } });
  const messages: InboundMessage[] = [];
  let threads = 0;
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) threads++;
    // Existing threads are picked from the ones opened so far, spread out.
    const thread = i % 5 === 0 ? threads : 1 + ((i * 7919) % threads);
    messages.push({
      channel: 'webchat',
      externalId: `bench-${i}`,
      threadKey: `thread-${thread}`,
      sender: { externalUserId: `visitor-${thread}`, name: `Visitor ${thread}` },
      text: `Message ${i}: how do I reset my password?`,
      attachments: [],
      receivedAt: Date.now(),
      replyRef: { conversation: thread },
    });
  }
  // Warm-up: statement caches, JIT.
  for (const m of messages.slice(0, 200)) await core.receive(m);
  let next = 200;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages.length) await core.receive(messages[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return (messages.length - 200) / seconds;
}
