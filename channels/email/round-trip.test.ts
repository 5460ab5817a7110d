// Outgoing mail as it lands in the outbox folder, and replies to it from mail
// clients that keep different parts of the thread: In-Reply-To only, the
// subject token only, or neither but the reply+ address. All three land on
// the same ticket.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createDeliveryWorker, DeliveryError, type OutboundMessage } from '../../core/index.ts';
import { buildOutbound } from '../../core/outbox/outbound.ts';
import { EmailChannel } from './channel.ts';
import { buildEmailWorld, TEST_SECRET, type EmailWorld } from './testing/email-world.ts';
import { verifyReplyToken } from './tokens.ts';

const outboxOptions = { leaseMs: 30_000, pollMs: 10, batchSize: 10, retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 } };

let w: EmailWorld;
test.before(async () => {
  w = await buildEmailWorld();
  await w.channel.start();
});
test.after.always(async () => {
  await w?.close();
});

function outbox(world: EmailWorld = w) {
  return createDeliveryWorker({ db: world.db, clock: world.clock, bus: world.bus, logger: world.logger, adapters: () => new Map([['email', world.channel]]), options: outboxOptions });
}

async function sentMail(deliveryId: number, world: EmailWorld = w): Promise<ParsedMail> {
  const row = await world.db.knex('deliveries').where({ id: deliveryId }).first();
  const ticket = await world.db.knex('tickets').where({ id: row.ticketId }).first();
  const file = path.join(world.settings.outboxDir, `ticket-${ticket.number}-delivery-${deliveryId}.eml`);
  return simpleParser(fs.readFileSync(file));
}

function smtpClient() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: w.channel.smtpPort, ignoreTLS: true } as any);
}

async function customerWrites(from: string, subject = 'Cannot log in') {
  return w.ingestRaw(
    `From: Pat <${from}>\r\nTo: support@parley.test\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@client.test>\r\n\r\nMy password does not work.\r\n`,
  );
}

test.serial('the bot answer on a new ticket is the acknowledgement: headers, parts, citations', async (t) => {
  const first = await customerWrites('pat@customer.test');
  const customerMessageId = (await w.db.knex('email_inbound').where({ id: first.inboundId }).first()).headerMessageId;
  const { deliveryIds } = await w.core.reply({
    ticketId: first.ticket!.id,
    authorType: 'bot',
    purpose: 'answer',
    text: 'Use "Forgot password" on the sign-in page <here>.',
    meta: { citations: [{ articleId: 1, title: 'Reset your password', url: '/kb/reset-password' }], confidence: 0.92 },
  });
  await outbox().drain();
  const delivery = await w.db.knex('deliveries').where({ id: deliveryIds[0] }).first();
  t.is(delivery.status, 'sent');

  const mail = await sentMail(deliveryIds[0]!);
  const ourId = mail.messageId!.slice(1, -1);
  t.is(delivery.externalId, ourId, 'our Message-ID is stored so replies thread back');
  t.regex(ourId, new RegExp(`^parley-delivery-${deliveryIds[0]}\\.[0-9a-f]{12}@parley\\.test$`));
  t.is(mail.inReplyTo, `<${customerMessageId}>`);
  t.deepEqual([mail.references].flat(), [`<${customerMessageId}>`]);
  t.is(mail.subject, `Re: Cannot log in [#${first.ticket!.number}]`);
  const replyTo = mail.replyTo!.value[0]!.address!;
  t.regex(replyTo, /^reply\+\d+-[0-9a-f]{16}@parley\.test$/);
  t.is(verifyReplyToken(TEST_SECRET, replyTo.slice(6, replyTo.indexOf('@'))), first.ticket!.id);
  t.is(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : undefined, 'pat@customer.test');
  t.is(mail.headers.get('auto-submitted'), 'auto-replied');
  t.is(mail.headers.get('x-auto-response-suppress'), 'All');
  t.regex(mail.text!, /We have received your request; its reference is \[#\d+\]\. Here is an answer/);
  t.regex(mail.text!, /Use "Forgot password" on the sign-in page <here>\./);
  t.regex(mail.text!, /\[1\] Reset your password: http:\/\/localhost:3000\/kb\/reset-password/);
  t.truthy(mail.html);
  t.regex(mail.html as string, /&lt;here&gt;/, 'text is escaped in the HTML part');
  t.regex(mail.html as string, /<a href="http:\/\/localhost:3000\/kb\/reset-password">Reset your password<\/a>/);

  // A resend (the worker died after sending) carries the same Message-ID and
  // replaces the same file.
  const outbound = await buildOutbound(w.db.knex, delivery);
  const again = await w.channel.send(outbound, JSON.parse(JSON.stringify((await w.db.knex('tickets').where({ id: first.ticket!.id }).first()).replyRef)));
  t.is(again.externalId, ourId);
  t.is(w.outboxFiles().filter((f) => f.includes(`delivery-${deliveryIds[0]}.`)).length, 1);
});

test.serial('a later agent reply is a plain reply: no acknowledgement, not automatic, with attachments', async (t) => {
  const first = await customerWrites('quinn@customer.test', 'Invoice');
  await w.core.reply({ ticketId: first.ticket!.id, authorType: 'bot', purpose: 'answer', text: 'A person will follow up.', meta: { handoff: { reason: 'low_confidence' } } });
  const agent = await w.db.knex('agents').insert({ email: 'sam@support.test', name: 'Sam', createdAt: Date.now() }).returning('id');
  const agentId = typeof agent[0] === 'object' ? agent[0].id : agent[0];
  const file = await w.attachments.put(Buffer.from('%PDF-1.4 invoice'));
  const { deliveryIds } = await w.core.reply({
    ticketId: first.ticket!.id,
    authorType: 'agent',
    authorId: agentId,
    text: 'Here is the corrected invoice.',
    attachments: [{ ...file, filename: 'invoice.pdf', contentType: 'application/pdf' }],
  });
  await outbox().drain();
  const handoff = await sentMail(deliveryIds[0]! - 1);
  t.regex(handoff.text!, /We have received your request; its reference is \[#\d+\]\.\n/);
  t.notRegex(handoff.text!, /Here is an answer/);
  t.notRegex(handoff.text!, /Sources:/);

  const mail = await sentMail(deliveryIds[0]!);
  t.notRegex(mail.text!, /We have received your request/);
  t.is(mail.headers.get('auto-submitted'), undefined);
  t.is(mail.from!.value[0]!.name, 'Sam (Parley Support)');
  t.deepEqual(mail.attachments.map((a) => [a.filename, a.content.toString()]), [['invoice.pdf', '%PDF-1.4 invoice']]);
  t.is([mail.references].flat().length, 1);
});

test.serial('replies from three kinds of mail client all land on the ticket', async (t) => {
  const first = await customerWrites('robin@customer.test', 'Export fails');
  const ticketId = first.ticket!.id;
  const { deliveryIds } = await w.core.reply({ ticketId, authorType: 'agent', text: 'Which format?' });
  await outbox().drain();
  const ours = await sentMail(deliveryIds[0]!);
  const smtp = smtpClient();

  // 1. Keeps only In-Reply-To (no References, subject rewritten, to the support address).
  await smtp.sendMail({ from: 'robin@customer.test', to: 'support@parley.test', subject: 'CSV please', inReplyTo: ours.messageId, text: 'CSV.' });
  // 2. Keeps only the subject token.
  await smtp.sendMail({ from: 'robin@customer.test', to: 'support@parley.test', subject: `Re: something [#${first.ticket!.number}]`, text: 'Also XLSX.' });
  // 3. Keeps neither, but answers the Reply-To (reply+) address.
  await smtp.sendMail({ from: 'robin@customer.test', to: ours.replyTo!.value[0]!.address, subject: 'new subject entirely', text: 'And PDF.' });

  const rows = await w.db.knex('email_inbound').orderBy('id', 'desc').limit(3);
  t.deepEqual(rows.map((r: any) => r.status), ['appended', 'appended', 'appended']);
  t.deepEqual(rows.map((r: any) => r.ticketId), [ticketId, ticketId, ticketId]);
  const texts = (await w.db.knex('messages').where({ ticketId, authorType: 'customer' }).orderBy('id')).map((m: any) => m.bodyText);
  t.deepEqual(texts, ['My password does not work.', 'CSV.', 'Also XLSX.', 'And PDF.']);

  // The subject token is honoured only from the ticket's own customer.
  await smtp.sendMail({ from: 'mallory@elsewhere.test', to: 'support@parley.test', subject: `Re: [#${first.ticket!.number}]`, text: 'Let me in.' });
  const stranger = await w.db.knex('email_inbound').orderBy('id', 'desc').first();
  t.is(stranger.status, 'created');
  t.not(stranger.ticketId, ticketId);
  const strangerTicket = await w.db.knex('tickets').where({ id: stranger.ticketId }).first();
  t.notRegex(strangerTicket.subject, /\[#/, 'a new ticket does not carry another ticket number');
});

test.serial('automatic mail is not sent to an address that bounced; a person may still write', async (t) => {
  const first = await customerWrites('gone@customer.test', 'Hello');
  await w.db.knex('customers').where({ email: 'gone@customer.test' }).update({ emailStatus: 'failing' });
  const { deliveryIds } = await w.core.reply({ ticketId: first.ticket!.id, authorType: 'bot', purpose: 'answer', text: 'Try this.' });
  await outbox().drain();
  const dead = await w.db.knex('deliveries').where({ id: deliveryIds[0] }).first();
  t.is(dead.status, 'dead');
  t.regex(dead.lastError, /failing/);
  const agent = await w.core.reply({ ticketId: first.ticket!.id, authorType: 'agent', text: 'Are you there?' });
  await outbox().drain();
  t.is((await w.db.knex('deliveries').where({ id: agent.deliveryIds[0] }).first()).status, 'sent');
});

test.serial('with SMTP_URL, mail goes to that server; 5xx is permanent, an unreachable server is retried', async (t) => {
  const received: { from: string; to: string[]; raw: string }[] = [];
  let refuse = false;
  const relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        if (refuse) return callback(Object.assign(new Error('5.7.1 relaying denied'), { responseCode: 554 }));
        received.push({ from: (session.envelope.mailFrom as any).address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => relay.close(() => resolve())));
  const relayPort = (relay.server.address() as any).port;
  const channel = new EmailChannel({
    core: w.core,
    knex: w.db.knex,
    clock: w.clock,
    logger: w.logger,
    attachments: w.attachments,
    settings: { ...w.settings, smtpUrl: `smtp://127.0.0.1:${relayPort}?ignoreTLS=true` },
    secret: TEST_SECRET,
  });
  t.teardown(() => channel.stop());
  t.is(channel.transport.kind, 'smtp');

  const first = await customerWrites('casey@customer.test', 'Relay me');
  const { deliveryIds } = await w.core.reply({ ticketId: first.ticket!.id, authorType: 'agent', text: 'Relayed answer' });
  const delivery = await w.db.knex('deliveries').where({ id: deliveryIds[0] }).first();
  const outbound: OutboundMessage = await buildOutbound(w.db.knex, delivery);
  const replyRef = (await w.db.knex('tickets').where({ id: first.ticket!.id }).first()).replyRef;
  const receipt = await channel.send(outbound, typeof replyRef === 'string' ? JSON.parse(replyRef) : replyRef);
  t.is(received.length, 1);
  t.deepEqual(received[0]!.to, ['casey@customer.test']);
  t.is(received[0]!.from, 'support@parley.test');
  t.true(received[0]!.raw.includes(`Message-ID: <${receipt.externalId}>`));

  refuse = true;
  const permanent = await t.throwsAsync(channel.send(outbound, { to: 'casey@customer.test' }));
  t.true(permanent instanceof DeliveryError && permanent.permanent);

  const unreachable = new EmailChannel({
    core: w.core,
    knex: w.db.knex,
    clock: w.clock,
    logger: w.logger,
    attachments: w.attachments,
    settings: { ...w.settings, smtpUrl: 'smtp://127.0.0.1:1?connectionTimeout=2000' },
    secret: TEST_SECRET,
  });
  t.teardown(() => unreachable.stop());
  const retry = await t.throwsAsync(unreachable.send(outbound, { to: 'casey@customer.test' }));
  t.true(retry instanceof DeliveryError && !retry.permanent);
});
