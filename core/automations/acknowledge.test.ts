import test from 'ava';
import { createAcknowledgeHandler } from './acknowledge.ts';
import { isOpen, parseHourRange, type BusinessHours } from './business-hours.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';

let world: World;
test.before(async () => {
  world = await buildWorld();
});
test.after.always(async () => {
  await world?.close();
});

const hours: BusinessHours = { timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], ...parseHourRange('09:00-17:00') };
const acknowledge = () =>
  createAcknowledgeHandler({
    core: world.core,
    text: 'Thanks, we received request #{number}.',
    hours,
    outOfHoursText: 'Our team is away right now; expect an answer within {expected}.',
    expectedResponse: '1 business day',
  });
const acks = (ticketId: number) =>
  world.db.knex('messages').where({ ticketId, authorType: 'system' }).select('id', 'bodyText');

test('business hours follow the configured time zone', (t) => {
  t.true(isOpen(hours, Date.UTC(2026, 10, 24, 8, 30))); // Tue 09:30 in Paris
  t.false(isOpen(hours, Date.UTC(2026, 10, 24, 7, 30))); // Tue 08:30 in Paris
  t.false(isOpen(hours, Date.UTC(2026, 10, 28, 12, 0))); // Saturday
  t.throws(() => parseHourRange('17:00-09:00'));
});

test.serial('a new chat ticket is acknowledged once on its channel, in hours without the away note', async (t) => {
  world.clock.set(Date.UTC(2026, 10, 24, 10, 0));
  const { ticket, message } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'A1', ts: '1.0' } }));
  const payload = { trigger: 'message.received', ticketId: ticket.id, messageId: message.id, created: true };
  await acknowledge()(payload);
  await acknowledge()(payload);
  const sent = await acks(ticket.id);
  t.is(sent.length, 1);
  t.is(sent[0].bodyText, `Thanks, we received request #${ticket.number}.`);
  const deliveries = await world.db.knex('deliveries').where({ messageId: sent[0].id });
  t.is(deliveries.length, 1);
  t.is(deliveries[0].channel, 'slack');
  // Not a first response: the clock for agents keeps running.
  t.is((await world.db.knex('tickets').where({ id: ticket.id }).first()).firstResponseAt, null);
});

test.serial('out of hours the acknowledgement says when to expect a person; follow-up messages and email get none', async (t) => {
  world.clock.set(Date.UTC(2026, 10, 28, 12, 0)); // Saturday noon
  const { ticket, message } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'A2', ts: '2.0' } }));
  await acknowledge()({ trigger: 'message.received', ticketId: ticket.id, messageId: message.id, created: true });
  const sent = await acks(ticket.id);
  t.is(sent.length, 1);
  t.regex(sent[0].bodyText, /away right now; expect an answer within 1 business day\./);

  await acknowledge()({ trigger: 'message.received', ticketId: ticket.id, messageId: message.id, created: false });
  t.is((await acks(ticket.id)).length, 1);

  const mail = await world.core.receive(inbound({ channel: 'email', replyRef: { to: 'ann@example.com' } }));
  await acknowledge()({ trigger: 'message.received', ticketId: mail.ticket.id, messageId: mail.message.id, created: true });
  t.is((await acks(mail.ticket.id)).length, 0);
});
