import test from 'ava';
import { InvalidInputError } from './errors.ts';
import { fromJsonColumn } from './json.ts';
import { Customer, Identity } from './customers/models.ts';
import { Message } from './messages/models.ts';
import { Ticket, TicketEvent } from './tickets/models.ts';
import { inbound } from './testing/factories.ts';
import { buildWorld, nextEvent, type World } from './testing/world.ts';

let world: World;
test.before(async () => {
  world = await buildWorld({ followUps: { 'message.received': ['bot.answer'] } });
});
test.after.always(async () => {
  await world?.close();
});

const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number((await world.db.knex(table).where(where).count({ n: '*' }).first())!.n);

test.serial('the same inbound message three times stores one message', async (t) => {
  const msg = inbound();
  const first = await world.core.receive(msg);
  const second = await world.core.receive(msg);
  const third = await world.core.receive({ ...msg, text: 'a retry with changed text changes nothing' });
  t.false(first.duplicate);
  t.true(second.duplicate);
  t.true(third.duplicate);
  t.is(second.message.id, first.message.id);
  t.is(third.message.bodyText, msg.text);
  t.is(await count('messages', { ticketId: first.ticket.id }), 1);
  t.is(await count('jobs', { type: 'bot.answer' }) >= 1, true);
  const jobs = await world.db.knex('jobs').select('payload');
  t.is(jobs.filter((j: any) => fromJsonColumn<{ messageId: number }>(j.payload).messageId === first.message.id).length, 1);
});

test.serial('50 concurrent inbound messages on one new thread open exactly one ticket', async (t) => {
  const base = inbound();
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => world.core.receive({ ...base, externalId: `${base.externalId}-${i}`, text: `message ${i}` })),
  );
  const ticketIds = new Set(results.map((r) => r.ticket.id));
  t.is(ticketIds.size, 1);
  t.is(results.filter((r) => r.created).length, 1);
  const [ticketId] = [...ticketIds];
  t.is(await count('messages', { ticketId }), 50);
  t.is(await count('tickets', { threadKey: base.threadKey }), 1);
  t.is(await count('identities', { externalUserId: base.sender.externalUserId }), 1);
});

test.serial('a new thread opens a numbered ticket with a subject and a created event', async (t) => {
  const r = await world.core.receive(inbound({ text: 'My invoice is wrong\nI was charged twice this month.' }));
  t.true(r.created);
  t.is(r.ticket.number, r.ticket.id);
  t.is(r.ticket.subject, 'My invoice is wrong');
  t.is(r.ticket.status, 'open');
  t.is(r.ticket.handler, 'bot');
  const events = await TicketEvent.query(world.db.knex).where({ ticketId: r.ticket.id });
  t.deepEqual(events.map((e) => e.type), ['created']);
});

test.serial('a customer reply reopens a resolved ticket and records it', async (t) => {
  const first = await world.core.receive(inbound());
  await world.core.changeStatus(first.ticket.id, 'resolved', { type: 'agent' });
  world.clock.advance(60_000);
  const reply = await world.core.receive(inbound({ threadKey: first.ticket.threadKey, sender: { externalUserId: 'someone-else' }, text: 'It broke again' }));
  t.is(reply.ticket.id, first.ticket.id);
  const ticket = await Ticket.query(world.db.knex).findById(first.ticket.id);
  t.is(ticket!.status, 'open');
  t.is(ticket!.resolvedAt, null);
  const types = (await TicketEvent.query(world.db.knex).where({ ticketId: first.ticket.id }).orderBy('id')).map((e) => e.type);
  t.deepEqual(types, ['created', 'status_changed', 'reopened']);
});

test.serial('a customer reply moves a pending ticket back to open', async (t) => {
  const first = await world.core.receive(inbound());
  await world.core.reply({ ticketId: first.ticket.id, authorType: 'agent', text: 'Could you send a screenshot?', status: 'pending' });
  const reply = await world.core.receive(inbound({ threadKey: first.ticket.threadKey, sender: first.message.authorId ? { externalUserId: 'x' } : { externalUserId: 'y' } }));
  t.is(reply.ticket.status, 'open');
});

test.serial('a closed ticket stays closed: the thread opens a new ticket', async (t) => {
  const first = await world.core.receive(inbound());
  await world.core.changeStatus(first.ticket.id, 'closed', { type: 'agent' });
  const again = await world.core.receive(inbound({ threadKey: first.ticket.threadKey }));
  t.true(again.created);
  t.not(again.ticket.id, first.ticket.id);
});

test.serial('identities are linked by verified email, never by an unverified one', async (t) => {
  const email = `linked-${Date.now()}@example.test`;
  const viaEmail = await world.core.receive(
    inbound({ channel: 'email', sender: { externalUserId: email, email, emailVerified: true, name: 'Ada' } }),
  );
  const viaSlackVerified = await world.core.receive(
    inbound({ channel: 'slack', sender: { externalUserId: 'U123', email: email.toUpperCase(), emailVerified: true } }),
  );
  const viaChatUnverified = await world.core.receive(
    inbound({ channel: 'webchat', sender: { externalUserId: 'anon-1', email, emailVerified: false } }),
  );
  const customerOf = async (r: { ticket: Ticket }) => r.ticket.customerId;
  t.is(await customerOf(viaSlackVerified), await customerOf(viaEmail));
  t.not(await customerOf(viaChatUnverified), await customerOf(viaEmail));
  const unverified = await Customer.query(world.db.knex).findById(viaChatUnverified.ticket.customerId);
  t.is(unverified!.email, email);
  t.false(unverified!.emailVerified);

  // The anonymous visitor later proves the address: merged into the verified customer.
  await world.core.receive(
    inbound({ channel: 'webchat', threadKey: viaChatUnverified.ticket.threadKey, sender: { externalUserId: 'anon-1', email, emailVerified: true } }),
  );
  const identity = await Identity.query(world.db.knex).findOne({ channel: 'webchat', externalUserId: 'anon-1' });
  t.is(identity!.customerId, viaEmail.ticket.customerId);
  const moved = await Ticket.query(world.db.knex).findById(viaChatUnverified.ticket.id);
  t.is(moved!.customerId, viaEmail.ticket.customerId);
});

test.serial('a reply to one of our messages threads by inReplyTo, and a ticket number only for its owner', async (t) => {
  const first = await world.core.receive(inbound({ channel: 'email', sender: { externalUserId: 'owner@example.test', email: 'owner@example.test', emailVerified: true } }));
  const { deliveryIds } = await world.core.reply({ ticketId: first.ticket.id, authorType: 'agent', text: 'Answer' });
  await world.db.knex('deliveries').where({ id: deliveryIds[0] }).update({ externalId: '<sent-1@parley>' });

  const threaded = await world.core.receive(
    inbound({ channel: 'email', threadKey: 'unrelated', inReplyTo: ['<sent-1@parley>'], sender: { externalUserId: 'owner@example.test', email: 'owner@example.test', emailVerified: true } }),
  );
  t.is(threaded.ticket.id, first.ticket.id);

  const byOwner = await world.core.receive(
    inbound({ channel: 'email', threadKey: 'other-1', ticketNumber: first.ticket.number, sender: { externalUserId: 'owner@example.test', email: 'owner@example.test', emailVerified: true } }),
  );
  t.is(byOwner.ticket.id, first.ticket.id);

  const byStranger = await world.core.receive(
    inbound({ channel: 'email', threadKey: 'other-2', ticketNumber: first.ticket.number, sender: { externalUserId: 'mallory@example.test', email: 'mallory@example.test', emailVerified: true } }),
  );
  t.not(byStranger.ticket.id, first.ticket.id);
});

test.serial('an invalid InboundMessage is rejected with a clear error and nothing is written', async (t) => {
  const before = await Promise.all(['customers', 'identities', 'tickets', 'messages', 'jobs'].map((x) => count(x)));
  const bad = { ...inbound(), channel: 'fax', externalId: '', sender: { email: 'not-an-email' }, text: '' } as any;
  const error = await t.throwsAsync(() => world.core.receive(bad), { instanceOf: InvalidInputError });
  t.regex(error!.message, /^invalid inbound message: /);
  const paths = error!.issues.map((i: { path: string }) => i.path);
  t.true(paths.includes('channel'));
  t.true(paths.includes('externalId'));
  t.true(paths.includes('sender.externalUserId'));
  t.true(paths.includes('sender.email'));
  const after = await Promise.all(['customers', 'identities', 'tickets', 'messages', 'jobs'].map((x) => count(x)));
  t.deepEqual(after, before);
});

test.serial('auto-replies are recorded but enqueue no follow-up work', async (t) => {
  const jobsBefore = await count('jobs');
  const r = await world.core.receive(inbound({ noReply: true, meta: { autoReply: 'auto-submitted' } }));
  t.is(await count('jobs'), jobsBefore);
  const stored = await Message.query(world.db.knex).findById(r.message.id);
  t.deepEqual(stored!.meta, { autoReply: 'auto-submitted', noReply: true });
});

test.serial('events are published after commit, with ids only', async (t) => {
  const seen = nextEvent(world.bus, (e) => e.type === 'message.created' && e.authorType === 'customer' && e.ticketId !== undefined);
  const r = await world.core.receive(inbound());
  const event = await seen;
  // The listener can already read what the event announces.
  const message = await Message.query(world.db.knex).findById(event.messageId);
  t.truthy(message);
  t.true(event.ticketId >= 1);
  t.is(typeof event.messageId, 'number');
  t.true(r.message.id >= event.messageId || r.message.id <= event.messageId);
});

test.serial('html is sanitised once on the way in', async (t) => {
  const r = await world.core.receive(inbound({ text: 'hi', html: '<p onclick="x()">hi<script>alert(1)</script><a href="javascript:evil()">l</a></p>' }));
  const stored = await Message.query(world.db.knex).findById(r.message.id);
  t.false(/script|onclick|javascript:/.test(stored!.bodyHtml!));
  t.true(stored!.bodyHtml!.includes('<p>hi'));
});
