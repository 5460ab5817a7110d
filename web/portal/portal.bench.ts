// Suite `web`: how many ticket-list pages a signed-in customer with 50 tickets
// gets per second (session lookup, ticket query, full page render, security
// headers, CSRF token) with autocannon's 100 connections, next to a bare Koa
// handler measured the same way in the same run. With BENCH_DATABASE_URL the
// list is measured on PostgreSQL as well.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Koa from 'koa';
import pino from 'pino';
import { openDatabase, type Database } from '../../knexfile.ts';
import { hashToken, randomToken } from '../auth/tokens.ts';
import { loadConfig } from '../config.ts';
import { createParley } from '../server.ts';

export const suite = 'web';

type Report = (f: { name: string; value: number; unit: string; ceiling?: number; ceilingName?: string; target?: string }) => void;

interface Load {
  reqPerSec: number;
  p99Ms: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  // The load comes from a worker thread, so it does not share the event loop it measures.
  const result = await autocannon({ url, connections: 100, duration: seconds, headers, workers: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { reqPerSec: result.requests.average, p99Ms: result.latency.p99 };
}

async function bareKoa(seconds: number): Promise<Load> {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await load(`http://127.0.0.1:${port}/`, {}, seconds);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

/** The whole service on `db`, one customer with 50 tickets, a session cookie for them. */
async function ticketList(db: Database, seconds: number): Promise<Load> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-web-'));
  const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', KB_DEMO: 'false', KB_BOT: 'false', EMAIL_SMTP_ENABLED: 'false', WEBCHAT_DEMO: 'false' };
  const parley = await createParley({ config: loadConfig(env), logger: pino({ level: 'silent' }), env, db });
  try {
    const { url } = await parley.start();
    const knex = parley.db.knex;
    const now = Date.now();
    const [customer] = await knex('customers')
      .insert({ name: 'Bench Customer', email: 'bench@example.com', emailVerified: true, emailStatus: 'ok', createdAt: now, updatedAt: now })
      .returning('id');
    const customerId = customer.id as number;
    const statuses = ['open', 'pending', 'resolved', 'closed'];
    for (let i = 0; i < 50; i++) {
      const [t] = await knex('tickets')
        .insert({ customerId, subject: `Question number ${i} about billing & <things>`, status: statuses[i % 4], priority: 'normal', channel: i % 2 ? 'email' : 'webchat', threadKey: `bench-${i}`, replyRef: 'null', handler: 'bot', createdAt: now - i * 60_000, updatedAt: now - i * 30_000 })
        .returning('id');
      await knex('tickets').where({ id: t.id }).update({ number: t.id });
    }
    const token = randomToken(32);
    await knex('sessions').insert({ idHash: hashToken(token), customerId, method: 'operator', createdAt: now, lastSeenAt: now, expiresAt: now + 86_400_000 });
    const headers = { cookie: `parley_session=${token}; parley_csrf=${randomBytes(24).toString('base64url')}`, accept: 'text/html' };
    const check = await fetch(`${url}/tickets`, { headers, redirect: 'manual' });
    const html = await check.text();
    if (check.status !== 200 || (html.match(/class="ticket-row"/g) ?? []).length !== 50) throw new Error(`the ticket list is not what we meant to measure (${check.status})`);
    await load(`${url}/tickets`, headers, 1); // warm-up
    return await load(`${url}/tickets`, headers, seconds);
  } finally {
    await parley.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(report: Report, options: { env: NodeJS.ProcessEnv; quick: boolean }): Promise<void> {
  const seconds = options.quick ? 3 : 8;
  const ceiling = await bareKoa(seconds);
  report({ name: 'bare_koa_req_per_s', value: ceiling.reqPerSec, unit: 'req/s' });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-web-db-'));
  try {
    const db = await openDatabase({ sqliteFile: path.join(dir, 'parley.db') });
    const sqlite = await ticketList(db, seconds);
    report({ name: 'ticket_list_req_per_s', value: sqlite.reqPerSec, unit: 'req/s', ceiling: ceiling.reqPerSec, ceilingName: 'bare_koa_req_per_s', target: '>= 15% of ceiling' });
    report({ name: 'ticket_list_p99_ms', value: sqlite.p99Ms, unit: 'ms', target: '<= 50 ms' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const url = options.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ databaseUrl: url, schema, poolMax: 10 });
    try {
      const pg = await ticketList(db, seconds);
      report({ name: 'ticket_list_postgres_req_per_s', value: pg.reqPerSec, unit: 'req/s', ceiling: ceiling.reqPerSec, ceilingName: 'bare_koa_req_per_s', target: '>= 15% of ceiling' });
      report({ name: 'ticket_list_postgres_p99_ms', value: pg.p99Ms, unit: 'ms', target: '<= 50 ms' });
    } finally {
      const cleanup = await openDatabase({ databaseUrl: url });
      await cleanup.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => {});
      await cleanup.close();
    }
  }
}
