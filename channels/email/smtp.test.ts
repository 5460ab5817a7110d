// Real SMTP conversations: nodemailer (a real client) talking to our listener
// on loopback. Refusals come with the right code and leave nothing stored.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import nodemailer from 'nodemailer';
import { fromJsonColumn } from '../../core/index.ts';
import { buildEmailWorld, TEST_SECRET, type EmailWorld } from './testing/email-world.ts';
import { replyAddress } from './tokens.ts';

const LIMIT = 64 * 1024;
let w: EmailWorld;
let port: number;

test.before(async () => {
  w = await buildEmailWorld({ maxMessageBytes: LIMIT, maxRecipients: 2 });
  await w.channel.start();
  port = w.channel.smtpPort!;
});
test.after.always(async () => {
  await w?.close();
});

function client(extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra } as any);
}
const stored = async () => Number((await w.db.knex('email_inbound').count({ n: '*' }))[0]!.n);
const tmpFiles = () => {
  const dir = path.join(w.dir, 'attachments', 'tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir).length : 0;
};

test.serial('a message to a support address becomes a ticket, answered 250 only once stored', async (t) => {
  const info = await client().sendMail({
    from: '"Dana Customer" <dana@customer.test>',
    to: 'support@parley.test',
    subject: 'Printer on fire',
    text: 'It is on fire.\n\n-- \nDana',
    html: '<p>It is <b>on fire</b>.</p>',
    attachments: [{ filename: 'fire.txt', content: 'smoke' }],
  });
  t.regex(info.response, /^250 .*Stored as \d+ \(created\)/);
  const row = await w.db.knex('email_inbound').orderBy('id', 'desc').first();
  t.is(row.status, 'created');
  t.is(row.source, 'smtp');
  const ticket = await w.db.knex('tickets').where({ id: row.ticketId }).first();
  t.is(ticket.subject, 'Printer on fire');
  const message = await w.db.knex('messages').where({ id: row.messageId }).first();
  t.is(message.bodyText, 'It is on fire.');
  t.regex(message.bodyHtml, /<b>on fire<\/b>/);
  const [attachment] = await w.db.knex('attachments').where({ messageId: message.id });
  t.is(attachment.filename, 'fire.txt');
  t.is((await w.attachments.read(attachment.sha256)).toString(), 'smoke');
  const customer = await w.db.knex('customers').where({ id: ticket.customerId }).first();
  t.is(customer.email, 'dana@customer.test');
  t.is(customer.name, 'Dana Customer');
});

test.serial('an unknown recipient is refused with 550 at RCPT and nothing is stored', async (t) => {
  const before = await stored();
  const error: any = await t.throwsAsync(client().sendMail({ from: 'dana@customer.test', to: 'nobody@elsewhere.test', subject: 'x', text: 'x' }));
  t.is(error.code, 'EENVELOPE');
  t.is(error.rejectedErrors?.[0]?.responseCode, 550);
  t.is(await stored(), before);

  // With one good recipient among them, the message is taken once, for the good one.
  const info = await client().sendMail({ from: 'dana@customer.test', to: ['nobody@elsewhere.test', 'support+billing@parley.test'], subject: 'mixed', text: 'x' });
  t.deepEqual(info.rejected, ['nobody@elsewhere.test']);
  t.is(await stored(), before + 1);
});

test.serial('an oversize message is cut off with 552 while it streams and nothing is kept', async (t) => {
  const before = await stored();
  const filesBefore = (await w.db.knex('email_inbound').select('rawSha256')).length;
  const error: any = await t.throwsAsync(
    client().sendMail({ from: 'dana@customer.test', to: 'support@parley.test', subject: 'big', text: 'x'.repeat(LIMIT * 2) }),
  );
  t.is(error.responseCode, 552);
  t.is(error.command, 'DATA', 'refused after the data, not from a declared SIZE');
  t.is(await stored(), before);
  t.is((await w.db.knex('email_inbound').select('rawSha256')).length, filesBefore);
  t.is(tmpFiles(), 0, 'the partial raw file was removed');

  // The connection is still usable and the next message goes through.
  const info = await client().sendMail({ from: 'dana@customer.test', to: 'support@parley.test', subject: 'small', text: 'fine' });
  t.regex(info.response, /^250 /);
});

test.serial('too many recipients: 452 past the cap and the message refused whole, nothing stored', async (t) => {
  const before = await stored();
  const error: any = await t.throwsAsync(
    client().sendMail({
      from: 'dana@customer.test',
      to: ['support@parley.test', 'support+a@parley.test', 'support+b@parley.test'],
      subject: 'spray',
      text: 'x',
    }),
  );
  t.is(error.command, 'DATA');
  t.is(error.responseCode, 554);
  t.regex(error.response, /Too many recipients/);
  t.is(await stored(), before);

  // Spelled out: the third RCPT gets 452 4.5.3.
  const raw = await connect(port);
  t.regex(await raw.next(), /^220 /);
  raw.socket.write('HELO client.test\r\n');
  t.regex(await raw.next(), /^250 /);
  raw.socket.write('MAIL FROM:<dana@customer.test>\r\n');
  t.regex(await raw.next(), /^250 /);
  const replies: string[] = [];
  for (const rcpt of ['support@parley.test', 'support+a@parley.test', 'support+b@parley.test']) {
    raw.socket.write(`RCPT TO:<${rcpt}>\r\n`);
    replies.push(await raw.next());
  }
  t.deepEqual(replies.map((r) => r.slice(0, 3)), ['250', '250', '452']);
  t.regex(replies[2]!, /4\.5\.3/);
  raw.socket.destroy();
});

test.serial('reply+ addresses: a verified token is accepted at RCPT, a forged one is not', async (t) => {
  const good = replyAddress(TEST_SECRET, 12345, 'parley.test');
  const info = await client().sendMail({ from: 'dana@customer.test', to: good, subject: 'token', text: 'x' });
  t.deepEqual(info.accepted, [good]);
  const forged = good.replace(/-[0-9a-f]{16}@/, '-0000000000000000@');
  const error: any = await t.throwsAsync(client().sendMail({ from: 'dana@customer.test', to: forged, subject: 'token', text: 'x' }));
  t.is(error.rejectedErrors?.[0]?.responseCode, 550);
});

test.serial('AUTH and STARTTLS from configuration', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], {
    stdio: 'ignore',
  });
  const secured = await buildEmailWorld({
    smtp: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      name: 'parley.test',
      maxClients: 10,
      socketTimeoutMs: 10_000,
      allowInsecureAuth: false,
      tls: { key: fs.readFileSync(`${dir}/key.pem`), cert: fs.readFileSync(`${dir}/cert.pem`) },
      auth: { user: 'relay', password: 'correct horse battery staple' },
    },
  });
  t.teardown(() => secured.close());
  await secured.channel.start();
  const base = { host: '127.0.0.1', port: secured.channel.smtpPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } };
  const mail = { from: 'dana@customer.test', to: 'support@parley.test', subject: 'relayed', text: 'x' };

  const anonymous: any = await t.throwsAsync(nodemailer.createTransport(base as any).sendMail(mail));
  t.is(anonymous.responseCode, 530, 'authentication required');
  const wrong: any = await t.throwsAsync(nodemailer.createTransport({ ...base, auth: { user: 'relay', pass: 'nope' } } as any).sendMail(mail));
  t.is(wrong.responseCode, 535);
  const info = await nodemailer.createTransport({ ...base, auth: { user: 'relay', pass: 'correct horse battery staple' } } as any).sendMail(mail);
  t.regex(info.response, /^250 /);

  // Without TLS the password is never accepted.
  const plain: any = await t.throwsAsync(
    nodemailer.createTransport({ host: '127.0.0.1', port: secured.channel.smtpPort, ignoreTLS: true, auth: { user: 'relay', pass: 'correct horse battery staple' } } as any).sendMail(mail),
  );
  t.truthy(plain);
});

test.serial('a cap on concurrent clients, and idle clients are timed out', async (t) => {
  const small = await buildEmailWorld({
    smtp: { enabled: true, host: '127.0.0.1', port: 0, name: 'parley.test', maxClients: 1, socketTimeoutMs: 1000, allowInsecureAuth: false },
  });
  t.teardown(() => small.close());
  await small.channel.start();
  const first = await connect(small.channel.smtpPort!);
  t.regex(await first.next(), /^220 /);
  const second = await connect(small.channel.smtpPort!);
  t.regex(await second.next(), /^421 /);
  second.socket.destroy();
  // The first one says nothing and is dropped after the socket timeout.
  t.regex(await first.next(), /^421 /);
  first.socket.destroy();
});

/** A bare SMTP client socket that hands back one server line at a time. */
async function connect(targetPort: number) {
  const socket = net.connect(targetPort, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i).trim();
      buffer = buffer.slice(i + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    socket,
    next: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise<string>((resolve) => waiting.push(resolve))),
  };
}

test.serial('a port already in use stops the start with a message naming the setting', async (t) => {
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => busy.close(() => resolve())));
  const taken = (busy.address() as net.AddressInfo).port;
  const clash = await buildEmailWorld({
    smtp: { enabled: true, host: '127.0.0.1', port: taken, name: 'parley.test', maxClients: 10, socketTimeoutMs: 10_000, allowInsecureAuth: false },
  });
  t.teardown(() => clash.close());
  const error = await t.throwsAsync(clash.channel.start());
  t.regex(error!.message, /cannot listen for SMTP on 127\.0\.0\.1:\d+ \(EMAIL_SMTP_HOST\/EMAIL_SMTP_PORT.*EADDRINUSE/);
});

test.serial('mail from the null sender (MAIL FROM:<>) is recorded but never answered', async (t) => {
  const raw = 'From: robot@customer.test\r\nTo: support@parley.test\r\nSubject: Your ticket\r\nMessage-ID: <null-sender@customer.test>\r\n\r\nThis mailbox is not monitored.\r\n';
  const info = await client().sendMail({ envelope: { from: '', to: ['support@parley.test'] }, raw } as any);
  t.regex(info.response, /\(ignored\)/);
  const row = await w.db.knex('email_inbound').orderBy('id', 'desc').first();
  t.regex(row.reason, /null sender/);
  t.is(fromJsonColumn<{ from: string }>(row.envelope).from, '');
});
