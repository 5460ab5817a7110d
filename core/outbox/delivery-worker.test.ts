import test from 'ava';
import { DeliveryError } from '../errors.ts';
import { LeasedQueue, backoffDelay } from '../queue.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';
import type { ChannelAdapter, OutboundMessage } from '../types.ts';
import { createDeliveryQueue, createDeliveryWorker, type OutboxOptions } from './delivery-worker.ts';
import type { DeliveryRow } from './models.ts';

const options: OutboxOptions = {
  leaseMs: 30_000,
  pollMs: 10,
  batchSize: 10,
  retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 },
};

/** A channel adapter that records what it was asked to send. */
class RecordingAdapter implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  sent: { message: OutboundMessage; replyRef: unknown }[] = [];
  failWith?: () => Error;
  onSend?: () => Promise<void>;
  async start() {}
  async stop() {}
  async send(message: OutboundMessage, replyRef: unknown) {
    await this.onSend?.();
    if (this.failWith) throw this.failWith();
    this.sent.push({ message, replyRef });
    return { externalId: `ext-${message.deliveryId}` };
  }
}

let world: World;
test.before(async () => {
  world = await buildWorld();
});
test.after.always(async () => {
  await world?.close();
});

function workerFor(adapter: ChannelAdapter, random = () => 0.5) {
  const adapters = new Map([[adapter.channel, adapter]]);
  return createDeliveryWorker({ db: world.db, clock: world.clock, bus: world.bus, logger: world.logger, adapters: () => adapters, options, random });
}

async function newDelivery(text = 'An answer') {
  const { ticket } = await world.core.receive(inbound({ replyRef: { room: 'r1' } }));
  const { deliveryIds, message } = await world.core.reply({ ticketId: ticket.id, authorType: 'bot', text, meta: { citations: [{ articleId: 1, title: 'Reset', url: 'http://x/kb/1' }] } });
  return { ticket, message, deliveryId: deliveryIds[0]! };
}

const deliveryRow = async (id: number) => (await world.db.knex('deliveries').where({ id }).first()) as DeliveryRow & { status: string };

test.serial('a delivery is sent once with what the channel needs, and marked sent', async (t) => {
  const adapter = new RecordingAdapter();
  const { ticket, message, deliveryId } = await newDelivery();
  const worker = workerFor(adapter);
  await worker.drain();
  const mine = adapter.sent.filter((s) => s.message.deliveryId === deliveryId);
  t.is(mine.length, 1);
  t.deepEqual(mine[0]!.replyRef, { room: 'r1' });
  t.is(mine[0]!.message.ticketNumber, ticket.number);
  t.is(mine[0]!.message.messageId, message.id);
  t.is(mine[0]!.message.citations[0]!.title, 'Reset');
  t.is(mine[0]!.message.idempotencyKey, `parley-delivery-${deliveryId}`);
  const row = await deliveryRow(deliveryId);
  t.is(row.status, 'sent');
  t.is(row.externalId, `ext-${deliveryId}`);
  t.is(row.attempts, 1);
  await worker.drain();
  t.is(adapter.sent.filter((s) => s.message.deliveryId === deliveryId).length, 1);
});

test.serial('a delivery whose worker dies mid-send is sent later by another worker, once', async (t) => {
  const { deliveryId } = await newDelivery();
  // Worker A claims the delivery and dies before finishing (it never reports back).
  const queue = createDeliveryQueue({ db: world.db, clock: world.clock, options });
  const deadOwner = LeasedQueue.newOwner();
  const claimed = await queue.claim(deadOwner, 100);
  t.true(claimed.some((r) => r.id === deliveryId));

  const adapter = new RecordingAdapter();
  const workerB = workerFor(adapter);
  await workerB.drain();
  t.is(adapter.sent.filter((s) => s.message.deliveryId === deliveryId).length, 0, 'the lease protects it meanwhile');

  world.clock.advance(options.leaseMs + 1);
  await workerB.drain();
  t.is(adapter.sent.filter((s) => s.message.deliveryId === deliveryId).length, 1);
  t.is((await deliveryRow(deliveryId)).status, 'sent');

  // The dead worker coming back cannot overwrite the outcome.
  const row = claimed.find((r) => r.id === deliveryId)!;
  t.false(await queue.complete(row, deadOwner));
  t.deepEqual(await queue.fail(row, deadOwner, { message: 'late' }), { outcome: 'lost' });
  t.is((await deliveryRow(deliveryId)).status, 'sent');
});

test.serial('retries back off exponentially and end in dead with the last error', async (t) => {
  const { deliveryId, ticket } = await newDelivery();
  const adapter = new RecordingAdapter();
  let n = 0;
  adapter.failWith = () => new Error(`platform said no (${++n})`);
  const worker = workerFor(adapter, () => 0.5);
  const waits: number[] = [];
  for (let attempt = 1; attempt <= options.retry.maxAttempts; attempt++) {
    await worker.drain();
    const row = await deliveryRow(deliveryId);
    t.is(row.attempts, attempt);
    if (attempt < options.retry.maxAttempts) {
      t.is(row.status, 'pending');
      waits.push(row.nextAttemptAt - world.clock.now());
      // Not due yet: nothing happens until the wait is over.
      await worker.drain();
      t.is((await deliveryRow(deliveryId)).attempts, attempt);
      world.clock.advance(row.nextAttemptAt - world.clock.now());
    }
  }
  t.deepEqual(waits, [1, 2, 3].map((a) => backoffDelay(a, options.retry, () => 0.5)));
  t.true(waits[0]! < waits[1]! && waits[1]! < waits[2]!);
  const row = await deliveryRow(deliveryId);
  t.is(row.status, 'dead');
  t.is(row.lastError, `platform said no (${options.retry.maxAttempts})`);
  const events = await world.db.knex('ticket_events').where({ ticketId: ticket.id, type: 'delivery_failed' });
  t.is(events.length, 1);
});

test.serial('a permanent error is dead at once; a retry-after is honoured', async (t) => {
  const permanent = await newDelivery();
  const adapter = new RecordingAdapter();
  adapter.failWith = () => new DeliveryError('channel_not_found', { permanent: true });
  await workerFor(adapter).drain();
  t.is((await deliveryRow(permanent.deliveryId)).status, 'dead');
  t.is((await deliveryRow(permanent.deliveryId)).attempts, 1);

  const limited = await newDelivery();
  adapter.failWith = () => new DeliveryError('rate limited', { retryAfterMs: 42_000 });
  await workerFor(adapter).drain();
  const row = await deliveryRow(limited.deliveryId);
  t.is(row.status, 'pending');
  t.is(row.nextAttemptAt, world.clock.now() + 42_000);
});

test.serial('an agent retries a dead delivery: sent once, recorded in history; only dead ones can be retried', async (t) => {
  const { ticket, deliveryId } = await newDelivery();
  const adapter = new RecordingAdapter();
  adapter.failWith = () => new DeliveryError('mailbox unavailable', { permanent: true });
  await workerFor(adapter).drain();
  t.is((await deliveryRow(deliveryId)).status, 'dead');

  const retried: unknown[] = [];
  const off = world.bus.subscribe((e) => e.type === 'delivery.updated' && e.retried && retried.push(e.deliveryId));
  await world.core.retryDelivery(ticket.id, deliveryId, { type: 'agent', id: null });
  // The bus announces after the call returns (on PostgreSQL by NOTIFY).
  for (let waited = 0; retried.length === 0 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  off();
  t.deepEqual(retried, [deliveryId]);
  const row = await deliveryRow(deliveryId);
  t.is(row.status, 'pending');
  t.is(row.attempts, 0);
  adapter.failWith = undefined;
  await workerFor(adapter).drain();
  t.is((await deliveryRow(deliveryId)).status, 'sent');
  t.is(adapter.sent.filter((s) => s.message.deliveryId === deliveryId).length, 1);
  const events = await world.db.knex('ticketEvents').where({ ticketId: ticket.id }).orderBy('id').pluck('type');
  t.deepEqual(events.slice(-2), ['delivery_failed', 'delivery_retried']);

  // A sent delivery cannot be retried (it would go out twice); another ticket's id is unknown.
  await t.throwsAsync(world.core.retryDelivery(ticket.id, deliveryId, { type: 'agent' }), { name: 'ConflictError' });
  const other = await newDelivery();
  await t.throwsAsync(world.core.retryDelivery(other.ticket.id, deliveryId, { type: 'agent' }), { name: 'NotFoundError' });
});

test.serial('two workers never send the same delivery', async (t) => {
  const ids: number[] = [];
  for (let i = 0; i < 30; i++) ids.push((await newDelivery(`answer ${i}`)).deliveryId);
  const adapter = new RecordingAdapter();
  // Sends take a little while so the two workers really overlap.
  adapter.onSend = () => new Promise((r) => setTimeout(r, 2));
  const a = workerFor(adapter);
  const b = workerFor(adapter);
  await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
  const counts = new Map<number, number>();
  for (const s of adapter.sent) counts.set(s.message.deliveryId, (counts.get(s.message.deliveryId) ?? 0) + 1);
  for (const id of ids) t.is(counts.get(id), 1, `delivery ${id} sent exactly once`);
  const statuses = await world.db.knex('deliveries').whereIn('id', ids).pluck('status');
  t.true(statuses.every((s: string) => s === 'sent'));
});

test.serial('no adapter for the channel: retried, then dead with a clear error', async (t) => {
  const { deliveryId } = await newDelivery();
  const worker = createDeliveryWorker({
    db: world.db,
    clock: world.clock,
    bus: world.bus,
    logger: world.logger,
    adapters: () => new Map(),
    options: { ...options, retry: { ...options.retry, maxAttempts: 1 } },
  });
  await worker.drain();
  const row = await deliveryRow(deliveryId);
  t.is(row.status, 'dead');
  t.regex(row.lastError!, /no webchat channel is configured/);
});

test.serial('the worker loop wakes on new deliveries and stops cleanly', async (t) => {
  const adapter = new RecordingAdapter();
  const worker = workerFor(adapter);
  const off = world.bus.subscribe((e) => e.type === 'delivery.created' && worker.wake());
  worker.start();
  const { deliveryId } = await newDelivery();
  for (let i = 0; i < 200 && (await deliveryRow(deliveryId)).status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 10));
  t.is((await deliveryRow(deliveryId)).status, 'sent');
  await worker.stop();
  off();
});
