// Hostile and broken input: nothing may crash the pipeline, exhaust memory or
// be lost. Every message ends in a sensible status with its raw bytes kept.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import test from 'ava';
import nodemailer from 'nodemailer';
import { fromJsonColumn } from '../../core/index.ts';
import { EmailChannel } from './channel.ts';
import { buildEmailWorld, TEST_SECRET, type EmailWorld } from './testing/email-world.ts';

let w: EmailWorld;
test.before(async () => {
  w = await buildEmailWorld();
  await w.channel.start();
});
test.after.always(async () => {
  await w?.close();
});

const MB = 1024 * 1024;

test.serial('a 25 MB attachment streams through SMTP without the process growing by more than a small multiple of it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-big-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'big.bin');
  const hash = createHash('sha256');
  const out = fs.openSync(file, 'w');
  for (let i = 0; i < 25; i++) {
    const chunk = randomBytes(MB);
    hash.update(chunk);
    fs.writeSync(out, chunk);
  }
  fs.closeSync(out);
  const sha256 = hash.digest('hex');

  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 5);
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: w.channel.smtpPort, ignoreTLS: true } as any)
    .sendMail({ from: 'big@customer.test', to: 'support@parley.test', subject: 'Big file', text: 'See attached.', attachments: [{ filename: 'big.bin', path: file }] });
  clearInterval(sampler);
  const rssGrowth = (peakRss - before.rss) / MB;
  const heapGrowth = (peakHeap - before.heapUsed) / MB;
  t.log(`raw message ~${Math.round((25 * 4) / 3)} MB; peak RSS growth ${rssGrowth.toFixed(1)} MB, peak heap growth ${heapGrowth.toFixed(1)} MB`);
  t.regex(info.response, /^250 .*\(created\)/);
  t.true(rssGrowth < 2 * 25, `RSS grew ${rssGrowth.toFixed(1)} MB for a 25 MB attachment`);

  const row = await w.db.knex('email_inbound').orderBy('id', 'desc').first();
  const [attachment] = await w.db.knex('attachments').where({ messageId: row.messageId });
  t.is(attachment.filename, 'big.bin');
  t.is(Number(attachment.size), 25 * MB);
  t.is(attachment.sha256, sha256, 'stored byte for byte, addressed by its content');
});

test.serial('1,000 MIME parts: the message is taken, the first 100 attachments kept and the rest noted', async (t) => {
  const boundary = 'b-1000';
  const parts = Array.from({ length: 1000 }, (_, i) =>
    [`--${boundary}`, 'Content-Type: text/plain', `Content-Disposition: attachment; filename="part-${i}.txt"`, '', `part ${i}`].join('\r\n'),
  );
  const raw = [
    'From: parts@customer.test',
    'To: support@parley.test',
    'Subject: Many parts',
    'Message-ID: <many-parts@customer.test>',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'Lots of files.',
    ...parts,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const started = Date.now();
  const result = await w.ingestRaw(raw);
  t.log(`1,000 parts ingested in ${Date.now() - started} ms`);
  t.is(result.status, 'created');
  t.is(result.attachments.length, 100);
  const message = await w.db.knex('messages').where({ id: result.message }).first();
  t.is(message.bodyText, 'Lots of files.');
  t.is(fromJsonColumn<any>(message.meta).email.droppedCount, 900);
});

test.serial('broken headers never crash the pipeline', async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      'garbage lines, an endless header, raw 8-bit bytes and a broken encoded word',
      [
        'From: "Broken" <broken@customer.test>',
        'To: support@parley.test',
        'this line has no colon at all',
        `X-Long: ${'a'.repeat(20_000)}`,
        'Subject: =?utf-8?Q?never_closed caf\u00e9',
        'Message-ID: <<<weird>>>',
        'Content-Type: text/plain; charset=',
        '',
        'Body survives.',
      ].join('\r\n'),
      /^(created)$/,
    ],
    ['no header/body separator at all', 'From: nosep@customer.test\r\nSubject: x', /^(created)$/],
    ['no From at all', 'To: support@parley.test\r\nSubject: who am I\r\n\r\nanonymous', /^quarantined$/],
    ['an unclosed multipart', 'From: open@customer.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nstill here', /^created$/],
    ['NUL bytes and a From of only punctuation', 'From: <<<>>>\r\nReply-To: nul@customer.test\r\n\r\nhello\u0000world', /^created$/],
  ];
  for (const [name, raw, status] of cases) {
    const result = await w.ingestRaw(raw);
    t.regex(result.status, status, `${name}: ${result.reason}`);
    const row = await w.db.knex('email_inbound').where({ id: result.inboundId }).first();
    t.is(row.status, result.status, name);
    t.true(w.attachments.exists(row.rawSha256), `${name}: raw kept`);
  }
});

test.serial('unknown charsets decode as UTF-8 with replacements instead of failing', async (t) => {
  const raw = Buffer.concat([
    Buffer.from(
      'From: =?x-klingon-42?Q?Worf?= <worf@customer.test>\r\nTo: support@parley.test\r\nSubject: =?x-unknown?B?SGVsbG8=?= there\r\nContent-Type: text/plain; charset="x-klingon-42"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nQapla\'! ',
    ),
    Buffer.from([0xff, 0xfe, 0x80]),
    Buffer.from(' done.\r\n'),
  ]);
  const result = await w.ingestRaw(raw);
  t.is(result.status, 'created');
  t.is(result.from, 'worf@customer.test');
  const message = await w.db.knex('messages').where({ id: result.message }).first();
  t.regex(message.bodyText, /^Qapla'! .* done\.$/);
});

test.serial('the same Message-ID twice is one message', async (t) => {
  const raw = 'From: twice@customer.test\r\nTo: support@parley.test\r\nSubject: Twice\r\nMessage-ID: <twice@customer.test>\r\n\r\nOnce please.\r\n';
  const first = await w.ingestRaw(raw);
  // The MTA retried with an extra Received header: different bytes, same id.
  const second = await w.ingestRaw(`Received: from retry\r\n${raw}`);
  t.is(first.status, 'created');
  t.is(second.status, 'duplicate');
  t.is(second.message, first.message);
  t.is((await w.db.knex('messages').where({ externalId: 'twice@customer.test' })).length, 1);
  // Without a Message-ID, identical bytes are the same message too.
  const anonymous = 'From: noid@customer.test\r\nTo: support@parley.test\r\nSubject: No id\r\n\r\nHi.\r\n';
  t.is((await w.ingestRaw(anonymous)).status, 'created');
  t.is((await w.ingestRaw(anonymous)).status, 'duplicate');
});

test.serial('mail the parser gives up on is quarantined with the reason and can be reprocessed', async (t) => {
  const strict = new EmailChannel({
    core: w.core,
    knex: w.db.knex,
    clock: w.clock,
    logger: w.logger,
    attachments: w.attachments,
    settings: { ...w.settings, maxMimeParts: 3 },
    secret: TEST_SECRET,
  });
  const raw = ['From: nested@customer.test', 'Message-ID: <nested@customer.test>', 'Content-Type: multipart/mixed; boundary=x', '', ...Array.from({ length: 6 }, (_, i) => `--x\r\nContent-Type: text/plain\r\n\r\npart ${i}`), '--x--', ''].join('\r\n');
  const result = await strict.ingest.ingest(Readable.from([Buffer.from(raw)]), { source: 'pipe', to: [] });
  t.is(result.status, 'quarantined');
  t.regex(result.reason!, /could not parse the message/);
  t.true((await w.channel.ingest.log.toReprocess({ stuckAfterMs: 60_000, limit: 100 })).includes(result.inboundId));

  // Re-run with the everyday limits: it goes through from the stored original.
  const again = await w.channel.ingest.process(result.inboundId);
  t.is(again.status, 'created');
  const row = await w.db.knex('email_inbound').where({ id: result.inboundId }).first();
  t.is(row.status, 'created');
  t.is(row.attempts, 2);
  t.false((await w.channel.ingest.log.toReprocess({ stuckAfterMs: 60_000, limit: 100 })).includes(result.inboundId));
});
