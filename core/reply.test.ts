import test from 'ava';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { Rating } from './ratings/models.ts';
import { Ticket, TicketEvent } from './tickets/models.ts';
import { buildAgent, inbound } from './testing/factories.ts';
import { buildWorld, type World } from './testing/world.ts';

let world: World;
test.before(async () => {
  world = await buildWorld();
});
test.after.always(async () => {
  await world?.close();
});

test.serial('a reply is stored with one delivery per target; an internal note with none', async (t) => {
  const { ticket } = await world.core.receive(inbound({ replyRef: { thread: 'T1' } }));
  world.clock.advance(30_000);
  const reply = await world.core.reply({ ticketId: ticket.id, authorType: 'bot', text: 'Here is how.', meta: { confidence: 0.9 } });
  t.is(reply.deliveryIds.length, 1);
  const [delivery] = await world.db.knex('deliveries').where({ id: reply.deliveryIds[0] });
  t.is(delivery.channel, 'webchat');
  t.is(delivery.status, 'pending');
  t.deepEqual(typeof delivery.replyRef === 'string' ? JSON.parse(delivery.replyRef) : delivery.replyRef, { thread: 'T1' });
  const after = await Ticket.query(world.db.knex).findById(ticket.id);
  t.is(after!.firstResponseAt, ticket.createdAt + 30_000);

  const note = await world.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'internal: check billing', internal: true });
  t.deepEqual(note.deliveryIds, []);

  const both = await world.core.reply({
    ticketId: ticket.id,
    authorType: 'agent',
    text: 'Also by email',
    targets: [
      { channel: 'webchat', replyRef: { thread: 'T1' } },
      { channel: 'email', replyRef: { to: 'a@example.test' } },
    ],
  });
  t.is(both.deliveryIds.length, 2);
});

test.serial('a reply carries several attachments', async (t) => {
  const { ticket } = await world.core.receive(inbound());
  const file = (n: number) => ({ sha256: String(n).repeat(64).slice(0, 64), filename: `f${n}.txt`, contentType: 'text/plain', size: n });
  const { message } = await world.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Files attached', attachments: [file(1), file(2), file(3)] });
  const rows = await world.db.knex('attachments').where({ messageId: message.id }).orderBy('id');
  t.deepEqual(rows.map((r: any) => r.filename), ['f1.txt', 'f2.txt', 'f3.txt']);
});

test.serial('reply to an unknown ticket is a NotFoundError; bad input an InvalidInputError', async (t) => {
  await t.throwsAsync(() => world.core.reply({ ticketId: 999_999, authorType: 'agent', text: 'x' }), { instanceOf: NotFoundError });
  await t.throwsAsync(() => world.core.reply({ ticketId: 1, authorType: 'customer' as any, text: '' }), { instanceOf: InvalidInputError });
});

test.serial('status, priority, assignment and handoff are each recorded in the history', async (t) => {
  const { ticket } = await world.core.receive(inbound());
  const agent = await buildAgent(world.db.knex);
  await world.core.changePriority(ticket.id, 'high', { type: 'agent', id: agent.id });
  await world.core.assign(ticket.id, agent.id, { type: 'agent', id: agent.id });
  await world.core.handOff(ticket.id, 'low_confidence', { type: 'bot' });
  await world.core.changeStatus(ticket.id, 'resolved', { type: 'agent', id: agent.id });
  await world.core.handBack(ticket.id, { type: 'agent', id: agent.id });
  const events = await TicketEvent.query(world.db.knex).where({ ticketId: ticket.id }).orderBy('id');
  t.deepEqual(events.map((e) => e.type), ['created', 'priority_changed', 'assigned', 'handed_off', 'status_changed', 'handed_back']);
  t.deepEqual(events[3]!.data, { reason: 'low_confidence' });
  const after = await Ticket.query(world.db.knex).findById(ticket.id);
  t.is(after!.priority, 'high');
  t.is(after!.assigneeId, agent.id);
  t.is(after!.status, 'resolved');
  t.is(after!.handler, 'bot');
  t.truthy(after!.resolvedAt);
  await t.throwsAsync(() => world.core.assign(ticket.id, 424242, { type: 'agent' }), { instanceOf: NotFoundError });
});

test.serial('ratings land in one table; rating the same thing again updates it', async (t) => {
  const { ticket } = await world.core.receive(inbound());
  const { message } = await world.core.reply({ ticketId: ticket.id, authorType: 'bot', text: 'Try this.' });
  await world.core.rate({ kind: 'answer', messageId: message.id, helpful: false, channel: 'webchat' });
  await world.core.rate({ kind: 'answer', messageId: message.id, helpful: true, channel: 'webchat' });
  await world.core.rate({ kind: 'csat', ticketId: ticket.id, score: 5, comment: 'Great' });
  const ratings = await Rating.query(world.db.knex).where({ ticketId: ticket.id }).orderBy('id');
  t.is(ratings.length, 2);
  t.is(ratings[0]!.score, 1);
  t.is(ratings[1]!.score, 5);
  t.is(ratings[1]!.comment, 'Great');
  const rated = await TicketEvent.query(world.db.knex).where({ ticketId: ticket.id, type: 'rated' });
  t.is(rated.length, 3);
  await t.throwsAsync(() => world.core.rate({ kind: 'csat', ticketId: ticket.id, score: 6 }), { instanceOf: InvalidInputError });
  const { message: customerMessage } = await world.core.receive(inbound());
  await t.throwsAsync(() => world.core.rate({ kind: 'answer', messageId: customerMessage.id, helpful: true }), { instanceOf: NotFoundError });
});
