// The mail:* commands: what a mail server piping into `parley mail:ingest`
// sees (output and exit codes), and re-running quarantined mail.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { FIXTURES } from '../../channels/email/testing/email-world.ts';
import { startTestParley, type TestParley } from '../testing/test-parley.ts';
import { EX_DATAERR, ingestOne } from './mail-ingest.ts';
import { reprocess } from './mail-reprocess.ts';
import { emailChannelOf } from './mail-shared.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let service: TestParley;
test.before(async () => {
  service = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', EMAIL_MAX_MESSAGE_BYTES: '65536', KB_DEMO: 'false', KB_BOT: 'false' } });
});
test.after.always(async () => {
  await service?.close();
});

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  return { stdout, stderr, out: () => out.join(''), err: () => err.join('') };
}

test.serial('mail:ingest --json prints the outcome and exits 0, quarantine included', async (t) => {
  const channel = emailChannelOf(service.parley);
  const first = io();
  t.is(await ingestOne(channel, fs.createReadStream(path.join(FIXTURES, 'email_with_inline_pdf.eml')), { json: true, recipients: [] }, first), 0);
  const result = JSON.parse(first.out());
  t.deepEqual(Object.keys(result), ['status', 'ticket', 'message', 'subject', 'from', 'attachments', 'reason']);
  t.is(result.status, 'created');
  t.is(typeof result.ticket, 'number');
  t.is(result.from, 'user@icloud.com');
  t.deepEqual(result.attachments, [{ filename: 'dummy.pdf', contentType: 'application/pdf', size: 13264 }]);
  t.is(result.reason, null);

  const again = io();
  t.is(await ingestOne(channel, fs.createReadStream(path.join(FIXTURES, 'email_with_inline_pdf.eml')), { json: true, recipients: [] }, again), 0);
  t.is(JSON.parse(again.out()).status, 'duplicate');

  const bounce = io();
  t.is(await ingestOne(channel, fs.createReadStream(path.join(FIXTURES, 'bounced_with_no_from.eml')), { json: true, sender: '', recipients: [] }, bounce), 0);
  t.is(JSON.parse(bounce.out()).status, 'ignored');

  const broken = io();
  t.is(await ingestOne(channel, fs.createReadStream(path.join(FIXTURES, 'mail_with_invalid_to.eml')), { json: true, recipients: [] }, broken), 0);
  const quarantined = JSON.parse(broken.out());
  t.is(quarantined.status, 'quarantined');
  t.regex(quarantined.reason, /no usable sender address/);

  const plain = io();
  t.is(await ingestOne(channel, fs.createReadStream(path.join(FIXTURES, 'only_text.eml')), { json: false, recipients: [] }, plain), 0);
  t.regex(plain.out(), /^created ticket #\d+: test text only mail from text@example\.com\n$/);
});

test.serial('mail:ingest refuses what it cannot store, with a sysexits code and nothing kept', async (t) => {
  const channel = emailChannelOf(service.parley);
  const before = (await service.parley.db.knex('email_inbound')).length;
  const big = io();
  const oversize = Readable.from([Buffer.from(`From: a@b.test\r\n\r\n${'x'.repeat(70_000)}`)]);
  t.is(await ingestOne(channel, oversize, { json: true, recipients: [] }, big), EX_DATAERR);
  t.regex(big.err(), /nothing stored/);
  t.is(big.out(), '');
  const empty = io();
  t.is(await ingestOne(channel, Readable.from([]), { json: true, recipients: [] }, empty), EX_DATAERR);
  t.is((await service.parley.db.knex('email_inbound')).length, before);
});

test.serial('mail:reprocess re-runs quarantined mail from the stored original', async (t) => {
  const channel = emailChannelOf(service.parley);
  const knex = service.parley.db.knex;
  const row = await knex('email_inbound').where({ status: 'quarantined' }).first();
  // Pretend an operator fixed the cause: the envelope now names a sender.
  await knex('email_inbound').where({ id: row.id }).update({ envelope: JSON.stringify({ source: 'pipe', from: 'mark@planetmars.test', to: [] }) });
  const first = io();
  t.is(await reprocess(channel, { json: true, ids: [], limit: 100 }, first), 0);
  const lines = first.out().trim().split('\n').map((l) => JSON.parse(l));
  t.deepEqual(lines.map((l) => [l.status, l.from]), [['created', 'mark@planetmars.test']]);
  t.regex(first.err(), /reprocessed 1 message\(s\): 1 created/);
  const second = io();
  t.is(await reprocess(channel, { json: true, ids: [], limit: 100 }, second), 0);
  t.is(second.out(), '');
  t.regex(second.err(), /nothing to reprocess/);
});

test('the real command reads a piped message (Postfix pipe transport)', (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, KB_DEMO: 'false', KB_BOT: 'false' };
  const run = (args: string[], input?: Buffer) =>
    spawnSync(process.execPath, [path.join(root, 'web/parley.mjs'), ...args], { cwd: root, env, input, encoding: 'utf8', timeout: 60_000 });
  const ingest = run(['mail:ingest', '--json', '--recipient', 'support@localhost'], fs.readFileSync(path.join(FIXTURES, 'support_1.eml')));
  t.is(ingest.status, 0, ingest.stderr);
  const result = JSON.parse(ingest.stdout);
  t.is(result.status, 'created');
  t.is(result.subject, 'Get Paid to post an article');
  const reprocessed = run(['mail:reprocess', '--json']);
  t.is(reprocessed.status, 0, reprocessed.stderr);
  t.regex(reprocessed.stderr, /nothing to reprocess/);
});
