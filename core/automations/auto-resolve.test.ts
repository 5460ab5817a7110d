import test from 'ava';
import { autoResolveStale, DAY_MS } from './auto-resolve.ts';
import { createSurveyHandler } from '../surveys/send-survey.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';

let world: World;
test.before(async () => {
  world = await buildWorld({ followUps: { status_changed: ['survey.send'] } });
});
test.after.always(async () => {
  await world?.close();
});

const options = () => ({ core: world.core, afterDays: 3, message: 'Closing #{number} after {days} days without news.' });

test.serial('a pending ticket is resolved after N days with a message, then surveyed once', async (t) => {
  const { ticket } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'C1', ts: '2.0' } }));
  await world.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Does this help?', status: 'pending' });

  world.clock.advance(3 * DAY_MS - 1000);
  t.deepEqual(await autoResolveStale(options(), world.clock.now()), [], 'not yet stale');

  world.clock.advance(2000);
  t.deepEqual(await autoResolveStale(options(), world.clock.now()), [ticket.id]);
  t.deepEqual(await autoResolveStale(options(), world.clock.now()), [], 'a second sweep does nothing');

  const after = await world.db.knex('tickets').where({ id: ticket.id }).first();
  t.is(after.status, 'resolved');
  const closing = await world.db.knex('messages').where({ ticketId: ticket.id, authorType: 'system' }).select('id', 'bodyText');
  t.is(closing.length, 1);
  t.is(closing[0].bodyText, `Closing #${ticket.number} after 3 days without news.`);
  t.is((await world.db.knex('deliveries').where({ messageId: closing[0].id })).length, 1);

  // The resolution enqueued the survey follow-up; running it sends exactly one survey.
  t.true((await world.db.knex('jobs').where({ type: 'survey.send' })).length >= 1);
  const payload = { trigger: 'status_changed', ticketId: ticket.id, event: 'status_changed', data: { from: 'pending', to: 'resolved' } };
  await createSurveyHandler(world.core)(payload);
  await createSurveyHandler(world.core)(payload);
  t.is((await world.db.knex('surveys').where({ ticketId: ticket.id })).length, 1);
});

test.serial('open tickets and tickets the customer just answered are left alone', async (t) => {
  const { ticket: open } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'C2', ts: '3.0' } }));
  const { ticket: pending } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'C3', ts: '4.0' } }));
  await world.core.reply({ ticketId: pending.id, authorType: 'agent', text: 'Any news?', status: 'pending' });
  world.clock.advance(2 * DAY_MS);
  await world.db.knex('tickets').where({ id: pending.id }).update({ updatedAt: world.clock.now() });
  world.clock.advance(2 * DAY_MS);
  const resolved = await autoResolveStale(options(), world.clock.now());
  t.false(resolved.includes(open.id));
  t.false(resolved.includes(pending.id));
});
