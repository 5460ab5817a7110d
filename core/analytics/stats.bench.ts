// Suite `web`: `stats_ms`, the agent dashboard's figures over 100,000 tickets
// and 1,000,000 analytics events, next to one indexed count over the same
// table (the database alone). Target: p95 <= 300 ms on SQLite and PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { migrate, openDatabase, type Database } from '../../knexfile.ts';
import { analyticsRow, DAY_MS, type AnalyticsEvent } from './record.ts';
import { computeStats } from './stats.ts';

export const suite = 'web';

type Report = (f: { name: string; value: number; unit: string; ceiling?: number; ceilingName?: string; target?: string }) => void;

const CHANNELS = ['webchat', 'email', 'slack', 'teams', 'discord'] as const;
const REASONS = ['low_confidence', 'customer_request', 'repeated_question', 'answer_not_helpful'];
const TERMS = ['refund', 'sso setup', 'invoice copy', 'api limits', 'delete account', 'export data'];

/** About ten events per ticket, spread over 90 days, deterministic. */
function* fixture(tickets: number, end: number): Generator<AnalyticsEvent> {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let id = 1; id <= tickets; id++) {
    const at = end - Math.floor(rnd() * 90 * DAY_MS);
    const channel = CHANNELS[id % CHANNELS.length]!;
    const human = rnd() < 0.35;
    const base = { channel, ticketId: id, customerId: 1 + (id % 20_000) };
    yield { ...base, type: 'ticket_created', at, label: rnd() < 0.1 ? 'portal_form' : null };
    yield { ...base, type: 'first_response', at: at + 60_000, value: Math.floor(rnd() * 3_600_000), actor: human ? 'human' : 'bot' };
    yield { ...base, type: 'bot_answered', at: at + 1_000, value: rnd() };
    if (human) yield { ...base, type: 'handoff', at: at + 2_000, label: REASONS[id % REASONS.length]! };
    yield { ...base, type: 'resolved', at: at + 7_200_000, value: Math.floor(rnd() * 86_400_000), actor: human ? 'human' : 'bot' };
    yield { ...base, type: 'survey_sent', at: at + 7_300_000 };
    if (rnd() < 0.4) {
      yield { ...base, type: 'rating', at: at + 7_400_000, label: 'csat', value: 1 + Math.floor(rnd() * 5), actor: human ? 'human' : 'bot' };
      yield { ...base, type: 'survey_answered', at: at + 7_400_000 };
    }
    yield { type: 'search', at: at - 5_000, label: TERMS[id % TERMS.length]!, value: rnd() };
    yield { type: 'search', at: at - 4_000, label: TERMS[(id + 3) % TERMS.length]!, value: rnd() };
    yield { type: 'article_viewed', at: at - 3_000, articleId: 1 + (id % 30) };
    if (rnd() < 0.2) yield { type: 'deflection', at: at - 1_000 };
  }
}

export async function load(db: Database, tickets: number, end: number): Promise<number> {
  let count = 0;
  let batch: ReturnType<typeof analyticsRow>[] = [];
  await db.knex.transaction(async (trx) => {
    for (const event of fixture(tickets, end)) {
      batch.push(analyticsRow(event));
      count++;
      if (batch.length >= 10_000) {
        await trx.batchInsert('analyticsEvents', batch as any[], db.dialect === 'sqlite' ? 80 : 1000);
        batch = [];
      }
    }
    if (batch.length) await trx.batchInsert('analyticsEvents', batch as any[], db.dialect === 'sqlite' ? 80 : 1000);
  });
  // Autovacuum would have run on a live database; index-only scans need it.
  if (db.dialect === 'postgres') await db.knex.raw('VACUUM ANALYZE analytics_events');
  else await db.knex.raw('ANALYZE');
  return count;
}

async function measure(db: Database, report: Report, label: string, quick: boolean, end: number) {
  const period = { from: end - 30 * DAY_MS, to: end };
  const runs = quick ? 5 : 20;
  const times: number[] = [];
  const ceilings: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await computeStats(db.knex, period);
    times.push(performance.now() - t);
    t = performance.now();
    await db.knex('analyticsEvents').where({ type: 'search' }).whereBetween('occurredAt', [period.from, period.to]).count({ n: '*' });
    ceilings.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  ceilings.sort((a, b) => a - b);
  const p95 = (xs: number[]) => xs[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)]!;
  report({ name: `stats_ms_${label}`, value: p95(times), unit: 'ms (p95)', ceiling: p95(ceilings), ceilingName: 'one indexed count over the same rows', target: '<= 300 ms' });
}

export async function run(report: Report, options: { env: NodeJS.ProcessEnv; quick: boolean }): Promise<void> {
  const tickets = options.quick ? 10_000 : 100_000;
  const end = Date.UTC(2026, 10, 24);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-stats-'));
  try {
    const db = await openDatabase({ sqliteFile: path.join(dir, 'stats.db') });
    await migrate(db);
    const events = await load(db, tickets, end);
    report({ name: 'stats_fixture_events', value: events, unit: 'events' });
    await measure(db, report, 'sqlite', options.quick, end);
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const url = options.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ databaseUrl: url, schema });
    try {
      await migrate(db);
      await load(db, tickets, end);
      await measure(db, report, 'postgres', options.quick, end);
    } finally {
      await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await db.close();
    }
  }
}
