// Suite `email`: 10 KB messages over real SMTP (a pooled nodemailer client on
// loopback) through the whole inbound pipeline (raw stored, logged, parsed,
// threaded, stored by the core with its follow-up job), next to the ceiling:
// mailparser alone parsing the same messages in the same run.
// BENCH_DATABASE_URL=postgres://... adds the PostgreSQL figure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { MailParser } from 'mailparser';
import pino from 'pino';
import { migrate, openDatabase, type Database } from '../../knexfile.ts';
import { AttachmentStore, ConversationCore, InProcessBus, systemClock } from '../../core/index.ts';
import { EmailChannel } from './channel.ts';
import { emailSettings } from './settings.ts';

export const suite = 'email';

const require = createRequire(import.meta.url);

interface Figure {
  name: string;
  value: number;
  unit: string;
  ceiling?: number;
  ceilingName?: string;
  target?: string;
}

const LOREM =
  'Hello support team, our nightly export stopped working after the last update and the dashboard shows an error we have not seen before. ';

/** `count` distinct messages of about 10 KB from 50 senders, as raw bytes. */
function messages(count: number, run: string): Buffer[] {
  const body = LOREM.repeat(Math.ceil(9_600 / LOREM.length)).slice(0, 9_600).replace(/(.{76})/g, '$1\r\n');
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(
      [
        `From: Customer ${i % 50} <customer${i % 50}@bench.test>`,
        'To: support@parley.test',
        `Subject: Export failing (${run} #${i})`,
        `Message-ID: <${run}.${i}@bench.test>`,
        'Date: Tue, 24 Nov 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 7bit',
        '',
        body,
        '',
      ].join('\r\n'),
    ),
  );
}

async function parseRate(raws: Buffer[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (const raw of raws) {
    await new Promise<void>((resolve, reject) => {
      const parser = new MailParser({ skipTextToHtml: true, checksumAlgo: false });
      parser.on('data', (d: any) => {
        if (d.type === 'attachment') {
          d.content.resume();
          d.content.on('end', () => d.release());
        }
      });
      parser.once('end', () => resolve());
      parser.once('error', reject);
      parser.end(raw);
    });
  }
  return raws.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Mail per second over SMTP, and the process CPU time each mail took (server and client threads). */
async function smtpRate(db: Database, count: number, dir: string): Promise<{ rate: number; cpuMsPerMail: number }> {
  const logger = pino({ level: 'silent' });
  const bus = new InProcessBus(logger);
  const core = new ConversationCore({ db, clock: systemClock, bus, logger, followUps: { 'message.received': ['bot.answer'] } });
  const channel = new EmailChannel({
    core,
    knex: db.knex,
    clock: systemClock,
    logger,
    attachments: new AttachmentStore(path.join(dir, 'attachments')),
    settings: emailSettings({ outboxDir: path.join(dir, 'outbox') }),
    secret: randomBytes(32).toString('hex'),
  });
  await channel.start();
  try {
    const run = randomBytes(4).toString('hex');
    await sendFromClient(channel.smtpPort!, messages(50, `warm-${run}`));
    const batch = messages(count, run);
    const cpu = process.cpuUsage();
    const seconds = await sendFromClient(channel.smtpPort!, batch);
    const used = process.cpuUsage(cpu);
    const stored = await db.knex('email_inbound').whereIn('status', ['created', 'appended']).count({ n: '*' });
    if (Number(stored[0]!.n) < count + 50) throw new Error(`only ${stored[0]!.n} of ${count + 50} messages were stored`);
    return { rate: count / seconds, cpuMsPerMail: (used.user + used.system) / 1000 / count };
  } finally {
    await channel.stop();
    await bus.close();
  }
}

// The client runs in its own thread, as a real sending MTA would run in its
// own process: the figure is what the server side sustains, not a client and
// a server taking turns on one event loop.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const nodemailer = require(workerData.nodemailer);
const client = nodemailer.createTransport({ host: '127.0.0.1', port: workerData.port, ignoreTLS: true, pool: true, maxConnections: 8, maxMessages: Infinity });
const started = process.hrtime.bigint();
Promise.all(workerData.messages.map((raw) => client.sendMail({ envelope: { from: 'bench@bench.test', to: ['support@parley.test'] }, raw: Buffer.from(raw) })))
  .then(() => parentPort.postMessage({ seconds: Number(process.hrtime.bigint() - started) / 1e9 }))
  .catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }))
  .finally(() => client.close());
`;

function sendFromClient(port: number, raws: Buffer[]): Promise<number> {
  const worker = new Worker(CLIENT, { eval: true, workerData: { port, messages: raws, nodemailer: require.resolve('nodemailer') } });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: { seconds?: number; error?: string }) => {
      void worker.terminate();
      if (result.error) reject(new Error(`SMTP client failed: ${result.error}`));
      else resolve(result.seconds!);
    });
    worker.once('error', reject);
  });
}

export async function run(report: (figure: Figure) => void, options: { env: NodeJS.ProcessEnv; quick: boolean }): Promise<void> {
  const count = options.quick ? 300 : 2000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-email-'));
  try {
    const ceiling = await parseRate(messages(count, 'parse'));
    const sqlite = await openDatabase({ sqliteFile: path.join(dir, 'bench.db') });
    try {
      await migrate(sqlite);
      const { rate, cpuMsPerMail } = await smtpRate(sqlite, count, path.join(dir, 'sqlite'));
      report({ name: 'smtp_ingest_mail_per_s', value: rate, unit: 'mail/s', ceiling, ceilingName: 'mailparser_parse', target: '>= 300 mail/s' });
      // CPU per mail depends far less on what else the machine is doing than the rate does.
      report({ name: 'smtp_ingest_cpu_ms_per_mail', value: cpuMsPerMail, unit: 'ms', ceiling: 1000 / ceiling, ceilingName: 'mailparser_parse_ms' });
    } finally {
      await sqlite.close();
    }
    const url = options.env.BENCH_DATABASE_URL;
    if (url) {
      const schema = `bench_email_${randomBytes(4).toString('hex')}`;
      const pg = await openDatabase({ databaseUrl: url, schema, poolMax: 10 });
      try {
        await migrate(pg);
        const { rate, cpuMsPerMail } = await smtpRate(pg, count, path.join(dir, 'postgres'));
        report({ name: 'smtp_ingest_mail_per_s_postgres', value: rate, unit: 'mail/s', ceiling, ceilingName: 'mailparser_parse', target: '>= 300 mail/s' });
        report({ name: 'smtp_ingest_cpu_ms_per_mail_postgres', value: cpuMsPerMail, unit: 'ms', ceiling: 1000 / ceiling, ceilingName: 'mailparser_parse_ms' });
      } finally {
        await pg.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => {});
        await pg.close();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
