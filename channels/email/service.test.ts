// The email channel as the service wires it (web/features/email.ts): mail in
// over SMTP, the bot's first reply out as the acknowledgement, the survey's
// rating links through the confirmation pages, and configuration errors.
// (This test reaches up into web/ on purpose: it checks the wiring.)
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { ConfigError } from '../../web/config.ts';
import { emailSettingsFromEnv } from '../../web/features/email.ts';
import { startTestParley, type TestParley } from '../../web/testing/test-parley.ts';
import { EmailChannel } from './channel.ts';

let service: TestParley;
let channel: EmailChannel;
test.before(async () => {
  service = await startTestParley({ env: { EMAIL_ADDRESSES: 'help@acme.test', EMAIL_FROM: 'ACME Help <help@acme.test>', KB_DEMO: 'false' } });
  channel = service.parley.adapters.get('email') as EmailChannel;
});
test.after.always(async () => {
  await service?.close();
});

async function waitFor<T>(probe: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function mailFor(deliveryId: number): Promise<ParsedMail> {
  const dir = path.join(service.dataDir, 'outbox');
  const file = await waitFor(async () => fs.existsSync(dir) && fs.readdirSync(dir).find((f) => f.endsWith(`-delivery-${deliveryId}.eml`)));
  return simpleParser(fs.readFileSync(path.join(dir, file)));
}

async function sendToSupport(from: string, subject: string, text: string) {
  const knex = service.parley.db.knex;
  const before = Number((await knex('email_inbound').max({ id: 'id' }).first())?.id ?? 0);
  await nodemailer.createTransport({ host: '127.0.0.1', port: channel.smtpPort, ignoreTLS: true } as any).sendMail({ from, to: 'help@acme.test', subject, text });
  // Stored before the 250 reply, processed after it: wait for this mail's outcome.
  return waitFor(async () => (await knex('email_inbound').where('id', '>', before).whereNot({ status: 'received' }).first()) as any);
}

test.serial('the service listens for SMTP, and the first mail of a new ticket acknowledges it', async (t) => {
  t.true(channel instanceof EmailChannel);
  t.true(channel.smtpPort! > 0, 'PORT=0 gives the listener a free port too');
  const row = await sendToSupport('Kim <kim@customer.test>', 'Where is my order?', 'Order 42 has not arrived.');
  t.is(row.status, 'created');
  // Whoever answers first (the bot here, or an agent), that mail carries the acknowledgement.
  const first = await waitFor(async () => service.parley.db.knex('deliveries').where({ ticketId: row.ticketId, channel: 'email' }).orderBy('id').first());
  const mail = await mailFor(first.id);
  const ticket = await service.parley.db.knex('tickets').where({ id: row.ticketId }).first();
  t.is(mail.subject, `Re: Where is my order? [#${ticket.number}]`);
  t.regex(mail.text!, new RegExp(`We have received your request; its reference is \\[#${ticket.number}\\]`));
  t.is(mail.from!.value[0]!.address, 'help@acme.test');
  t.regex(mail.replyTo!.value[0]!.address!, /^reply\+\d+-[0-9a-f]{16}@acme\.test$/);
  await waitFor(async () => (await service.parley.db.knex('deliveries').where({ id: first.id }).first()).status === 'sent');
});

test.serial('survey links lead to a confirmation page; only the POST stores the rating', async (t) => {
  const row = await sendToSupport('lee@customer.test', 'Refund', 'Please refund order 7.');
  const ticketId = row.ticketId;
  await service.parley.core.reply({ ticketId, authorType: 'agent', text: 'Refunded.' });
  await service.parley.core.changeStatus(ticketId, 'resolved', { type: 'agent' });
  const survey = await waitFor(async () => service.parley.db.knex('surveys').where({ ticketId }).whereNotNull('messageId').first());
  const delivery = await waitFor(async () => service.parley.db.knex('deliveries').where({ messageId: survey.messageId }).first());
  const mail = await mailFor(delivery.id);
  const links = [...mail.text!.matchAll(/https?:\/\/[^/\s]+(\/email\/survey\/[^\s]+\/([1-5]))/g)];
  t.is(links.length, 5);
  const fourPath = links.find((l) => l[2] === '4')![1]!;

  // A mail scanner opening every link stores nothing.
  for (const link of links) t.is((await fetch(`${service.url}${link[1]}`)).status, 200);
  const page = await fetch(`${service.url}${fourPath}`);
  const html = await page.text();
  t.regex(html, /<form method="post" action="\/email\/survey\/[^"/]+">/);
  t.regex(html, /value="4" checked/);
  t.notRegex(html, /<script/i);
  t.regex(page.headers.get('content-security-policy')!, /default-src 'none'/);
  t.is(page.headers.get('referrer-policy'), 'no-referrer');
  t.is((await service.parley.db.knex('ratings').where({ ticketId })).length, 0);

  const action = /action="([^"]+)"/.exec(html)![1]!;
  const post = (body: string) => fetch(`${service.url}${action}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  t.is((await post('score=9')).status, 422);
  const saved = await post(`score=4&comment=${encodeURIComponent('Quick <b>and</b> kind')}`);
  t.is(saved.status, 200);
  t.regex(await saved.text(), /rating of <strong>4 \(Good\)<\/strong>/);
  const [rating] = await service.parley.db.knex('ratings').where({ ticketId });
  t.is(rating.kind, 'csat');
  t.is(rating.score, 4);
  t.is(rating.comment, 'Quick <b>and</b> kind');
  t.is(rating.channel, 'email');
  t.truthy((await service.parley.db.knex('surveys').where({ ticketId }).first()).answeredAt);

  // Changing one's mind updates the same rating.
  await post('score=5');
  t.deepEqual((await service.parley.db.knex('ratings').where({ ticketId })).map((r: any) => r.score), [5]);

  // Forged and unknown tokens.
  t.is((await fetch(`${service.url}${fourPath.replace(/\.[0-9a-f]{32}\//, `.${'0'.repeat(32)}/`)}`)).status, 404);
  t.is((await fetch(`${service.url}/email/survey/nonsense/3`)).status, 404);
});

test('configuration: defaults run with no mail server; bad values name their variable', (t) => {
  const base = { dataDir: '/tmp/parley-data', publicUrl: 'http://localhost:3000' };
  const defaults = emailSettingsFromEnv({}, base);
  t.is(defaults.smtp.port, 2525);
  t.is(defaults.smtp.host, '127.0.0.1');
  t.true(defaults.smtp.enabled);
  t.deepEqual(defaults.addresses, ['support@localhost']);
  t.deepEqual(defaults.from, { name: 'Support', address: 'support@localhost' });
  t.is(defaults.replyDomain, 'localhost');
  t.is(defaults.outboxDir, '/tmp/parley-data/outbox');
  t.is(defaults.smtpUrl, undefined);
  t.is(emailSettingsFromEnv({ PORT: '0' }, base).smtp.port, 0);
  const custom = emailSettingsFromEnv({ EMAIL_FROM: '"ACME Help" <Help@ACME.test>', EMAIL_DOMAINS: '@acme.test, help.acme.test', EMAIL_REPLY_DOMAIN: 'reply.acme.test' }, base);
  t.deepEqual(custom.from, { name: 'ACME Help', address: 'help@acme.test' });
  t.deepEqual(custom.domains, ['acme.test', 'help.acme.test']);
  t.is(custom.replyDomain, 'reply.acme.test');

  const bad: [Record<string, string>, string][] = [
    [{ EMAIL_SMTP_PORT: 'abc' }, 'EMAIL_SMTP_PORT'],
    [{ EMAIL_ADDRESSES: 'support, help@x.test' }, 'EMAIL_ADDRESSES'],
    [{ EMAIL_FROM: 'Support <not an address>' }, 'EMAIL_FROM'],
    [{ EMAIL_MAX_MESSAGE_BYTES: '10' }, 'EMAIL_MAX_MESSAGE_BYTES'],
    [{ EMAIL_SMTP_ENABLED: 'maybe' }, 'EMAIL_SMTP_ENABLED'],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
    [{ EMAIL_SMTP_USER: 'relay' }, 'EMAIL_SMTP_PASSWORD'],
    [{ EMAIL_SMTP_USER: 'relay', EMAIL_SMTP_PASSWORD: 'secret' }, 'EMAIL_SMTP_USER'],
    [{ EMAIL_SMTP_TLS_KEY: '/nonexistent/key.pem' }, 'EMAIL_SMTP_TLS_CERT'],
    [{ EMAIL_SMTP_TLS_KEY: '/nonexistent/key.pem', EMAIL_SMTP_TLS_CERT: '/nonexistent/cert.pem' }, 'EMAIL_SMTP_TLS_KEY'],
  ];
  for (const [env, variable] of bad) {
    const error = t.throws(() => emailSettingsFromEnv(env, base), { instanceOf: ConfigError }, JSON.stringify(env));
    t.is(error?.variable, variable, JSON.stringify(env));
  }
});
