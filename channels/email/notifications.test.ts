// Status-change notices for email tickets, and the core's survey rendered
// as one-click rating links.
import test from 'ava';
import { simpleParser } from 'mailparser';
import fs from 'node:fs';
import path from 'node:path';
import { createDeliveryWorker, createSurveyHandler, type FollowUpPayload } from '../../core/index.ts';
import { statusNoticeHandler } from './notifications.ts';
import { buildEmailWorld, TEST_SECRET, type EmailWorld } from './testing/email-world.ts';
import { verifySurveyToken } from './tokens.ts';

let w: EmailWorld;
let jobId = 0;
test.before(async () => {
  w = await buildEmailWorld();
});
test.after.always(async () => {
  await w?.close();
});

const notice = () => statusNoticeHandler({ core: w.core, knex: w.db.knex, logger: w.logger });
const payload = (ticketId: number, from: string, to: string, actor = 'agent'): FollowUpPayload => ({
  trigger: 'status_changed',
  ticketId,
  event: 'status_changed',
  actor: { type: actor },
  data: { from, to },
});
const systemMessages = async (ticketId: number) =>
  (await w.db.knex('messages').where({ ticketId, authorType: 'system' }).orderBy('id')).map((m: any) => m.bodyText as string);

async function emailTicket(from = `c${Math.random().toString(36).slice(2, 8)}@customer.test`) {
  const r = await w.ingestRaw(`From: ${from}\r\nTo: support@parley.test\r\nSubject: Help\r\nMessage-ID: <${Math.random()}@c.test>\r\n\r\nHelp me.\r\n`);
  return r.ticket!;
}

test.serial('closing and reopening notify the customer once, even when the job runs twice', async (t) => {
  const ticket = await emailTicket();
  const closed = payload(ticket.id, 'open', 'closed');
  const job = { id: ++jobId, attempts: 1 };
  await notice()(closed, job);
  await notice()(closed, job);
  t.deepEqual(await systemMessages(ticket.id), [`Your request [#${ticket.number}] has been closed. Write to us any time if you need more help.`]);
  await notice()(payload(ticket.id, 'closed', 'open'), { id: ++jobId, attempts: 1 });
  t.is((await systemMessages(ticket.id)).length, 2);
  t.regex((await systemMessages(ticket.id))[1]!, /has been reopened/);
  const deliveries = await w.db.knex('deliveries').where({ ticketId: ticket.id, channel: 'email' });
  t.is(deliveries.length, 2, 'each notice goes through the outbox');
});

test.serial('resolution: a notice when nobody answered; the survey speaks for answered tickets', async (t) => {
  const unanswered = await emailTicket();
  await notice()(payload(unanswered.id, 'open', 'resolved'), { id: ++jobId, attempts: 1 });
  t.regex((await systemMessages(unanswered.id))[0]!, /marked your request \[#\d+\] as resolved/);

  const answered = await emailTicket();
  await w.core.reply({ ticketId: answered.id, authorType: 'agent', text: 'Done.' });
  await notice()(payload(answered.id, 'open', 'resolved'), { id: ++jobId, attempts: 1 });
  t.deepEqual(await systemMessages(answered.id), []);
});

test.serial('no notice for what the customer did, for pending changes, failing addresses or auto-reply tickets', async (t) => {
  const ticket = await emailTicket();
  await notice()(payload(ticket.id, 'resolved', 'open', 'customer'), { id: ++jobId, attempts: 1 });
  await notice()(payload(ticket.id, 'open', 'pending'), { id: ++jobId, attempts: 1 });
  t.deepEqual(await systemMessages(ticket.id), []);

  const failing = await emailTicket('bounced@customer.test');
  await w.db.knex('customers').where({ email: 'bounced@customer.test' }).update({ emailStatus: 'failing' });
  await notice()(payload(failing.id, 'open', 'closed'), { id: ++jobId, attempts: 1 });
  t.deepEqual(await systemMessages(failing.id), []);

  const auto = await w.ingestRaw('From: ooo@customer.test\r\nTo: support@parley.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n');
  await notice()(payload(auto.ticket!.id, 'open', 'closed'), { id: ++jobId, attempts: 1 });
  t.deepEqual(await systemMessages(auto.ticket!.id), []);

  const chat = await w.core.receive({ channel: 'webchat', externalId: 'w1', threadKey: 'w1', sender: { externalUserId: 'v1' }, text: 'hi', receivedAt: 1, replyRef: {} });
  await notice()(payload(chat.ticket.id, 'open', 'closed'), { id: ++jobId, attempts: 1 });
  t.deepEqual(await systemMessages(chat.ticket.id), [], 'only email tickets are notified by email');
});

test.serial('the core survey goes out as one-click rating links with signed tokens', async (t) => {
  const ticket = await emailTicket();
  await w.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Fixed.' });
  await w.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  await createSurveyHandler(w.core)(payload(ticket.id, 'open', 'resolved'));
  const worker = createDeliveryWorker({
    db: w.db,
    clock: w.clock,
    bus: w.bus,
    logger: w.logger,
    adapters: () => new Map([['email', w.channel]]),
    options: { leaseMs: 30_000, pollMs: 10, batchSize: 10, retry: { maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 } },
  });
  await worker.drain();
  const survey = await w.db.knex('messages').where({ ticketId: ticket.id, authorType: 'system' }).first();
  const delivery = await w.db.knex('deliveries').where({ messageId: survey.id }).first();
  t.is(delivery.status, 'sent');
  const mail = await simpleParser(fs.readFileSync(path.join(w.settings.outboxDir, `ticket-${ticket.number}-delivery-${delivery.id}.eml`)));
  t.is(mail.headers.get('auto-submitted'), 'auto-replied');
  t.regex(mail.text!, /has been resolved/);
  const links = [...mail.text!.matchAll(/http:\/\/localhost:3000\/email\/survey\/([^/\s]+)\/([1-5])/g)];
  t.deepEqual(links.map((l) => Number(l[2])), [1, 2, 3, 4, 5]);
  const check = verifySurveyToken(TEST_SECRET, links[0]![1]!, w.clock.now());
  t.deepEqual(check, { ok: true, ticketId: ticket.id });
  t.is((mail.html as string).match(/\/email\/survey\//g)!.length, 5);
});
