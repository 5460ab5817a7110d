// The live stream: replies, typing and status arrive as Server-Sent Events;
// a reconnect catches up from Last-Event-ID; internal notes never leave.
import test from 'ava';
import { startTestParley } from '../../web/testing/test-parley.ts';
import { openStream, startWebchat, Visitor } from './test-helpers.ts';

let service: Awaited<ReturnType<typeof startWebchat>>;

test.before(async () => {
  service = await startWebchat();
});
test.after.always(async () => service?.close());

async function conversation(visitor: Visitor, text = 'How do I change my plan?') {
  const sent = await visitor.send(text);
  const view = await visitor.request('GET', `/chat/api/conversations/${sent.body.conversation.id}`);
  return { id: sent.body.conversation.id as number, stream: `${service.url}${view.body.stream}`, firstMessageId: sent.body.message.id as number };
}

test('replies, typing and status changes arrive live; internal notes never do', async (t) => {
  const visitor = await Visitor.start(service.url);
  const { id, stream } = await conversation(visitor);
  const events = openStream(stream);
  t.teardown(events.close);
  await events.next((f) => f.event === 'message' && f.data.author === 'customer');

  await service.bus.publish([{ type: 'ticket.typing', ticketId: id, who: 'bot', active: true }]);
  t.deepEqual((await events.next((f) => f.event === 'typing')).data, { who: 'bot', active: true });

  await service.core.reply({ ticketId: id, authorType: 'agent', text: 'Internal: customer is on the old plan', internal: true });
  const answer = await service.core.reply({
    ticketId: id,
    authorType: 'bot',
    purpose: 'answer',
    text: 'Go to Billing > Plan.',
    meta: { citations: [{ articleId: 3, title: 'Changing plans', url: '/kb/plans' }], confidence: 0.7 },
  });
  const frame = await events.next((f) => f.event === 'message' && f.data.author === 'bot');
  t.is(frame.id, String(answer.message.id));
  t.deepEqual(frame.data.citations, [{ title: 'Changing plans', url: '/kb/plans' }]);

  await service.core.handOff(id, 'customer_request', { type: 'customer' });
  const status = await events.next((f) => f.event === 'ticket' && f.data.handler === 'human');
  t.is(status.data.handoffReason, 'customer_request');

  t.false(events.frames.some((f) => JSON.stringify(f.data).includes('Internal:')));
});

test('a reconnect with Last-Event-ID receives exactly the messages it missed', async (t) => {
  const visitor = await Visitor.start(service.url);
  const { id, stream, firstMessageId } = await conversation(visitor);
  const first = openStream(stream);
  const reply1 = await service.core.reply({ ticketId: id, authorType: 'bot', text: 'First answer' });
  await first.next((f) => f.id === String(reply1.message.id));
  first.close();

  // While the visitor is away (a network drop), two more replies and a note.
  const reply2 = await service.core.reply({ ticketId: id, authorType: 'agent', text: 'Second answer' });
  await service.core.reply({ ticketId: id, authorType: 'agent', text: 'a private note', internal: true });
  const reply3 = await service.core.reply({ ticketId: id, authorType: 'system', text: 'Third' });

  const resumed = openStream(stream, { 'last-event-id': String(reply1.message.id) });
  t.teardown(resumed.close);
  await resumed.next((f) => f.id === String(reply3.message.id));
  const ids = resumed.frames.filter((f) => f.event === 'message').map((f) => Number(f.id));
  t.deepEqual(ids, [reply2.message.id, reply3.message.id]);

  // A fresh stream (no Last-Event-ID) with ?after= catches up the same way, and
  // one with neither gets the whole visible history.
  const fromQuery = openStream(`${stream}&after=${reply2.message.id}`);
  t.teardown(fromQuery.close);
  await fromQuery.next((f) => f.id === String(reply3.message.id));
  t.deepEqual(fromQuery.frames.filter((f) => f.event === 'message').map((f) => Number(f.id)), [reply3.message.id]);
  const whole = openStream(stream);
  t.teardown(whole.close);
  await whole.next((f) => f.id === String(reply3.message.id));
  t.deepEqual(
    whole.frames.filter((f) => f.event === 'message').map((f) => Number(f.id)),
    [firstMessageId, reply1.message.id, reply2.message.id, reply3.message.id],
  );
});

test('a message committed while a new stream catches up is sent once', async (t) => {
  const visitor = await Visitor.start(service.url);
  const { id, stream } = await conversation(visitor);
  const replies = Array.from({ length: 5 }, (_, i) => service.core.reply({ ticketId: id, authorType: 'bot', text: `burst ${i}` }));
  const events = openStream(stream);
  t.teardown(events.close);
  const sent = await Promise.all(replies);
  const lastId = Math.max(...sent.map((r) => r.message.id));
  await events.next((f) => f.id === String(lastId));
  await new Promise((r) => setTimeout(r, 200));
  const ids = events.frames.filter((f) => f.event === 'message').map((f) => Number(f.id));
  t.is(new Set(ids).size, ids.length);
  t.is(ids.length, 6);
});

test('a stream link only opens its own conversation and stops working when it expires', async (t) => {
  const visitor = await Visitor.start(service.url);
  const mine = await conversation(visitor);
  const other = await conversation(await Visitor.start(service.url));
  const tampered = mine.stream.replace(`/conversations/${mine.id}/`, `/conversations/${other.id}/`);
  const res = await fetch(tampered);
  t.is(res.status, 401);
  const expired = mine.stream.replace(/exp=\d+/, 'exp=1000');
  t.is((await fetch(expired)).status, 401);
});

test('stopping the service ends open streams instead of waiting for them', async (t) => {
  const parley = await startTestParley({ env: { SHUTDOWN_TIMEOUT_MS: '20000' } });
  const visitor = await Visitor.start(parley.url);
  const sent = await visitor.send('Anyone there?');
  const view = await visitor.request('GET', `/chat/api/conversations/${sent.body.conversation.id}`);
  const events = openStream(`${parley.url}${view.body.stream}`);
  await events.next((f) => f.event === 'ticket');
  const started = Date.now();
  await parley.close();
  await events.ready;
  t.true(Date.now() - started < 5000, `stop took ${Date.now() - started} ms`);
});
