// The outbox worker: claims due deliveries, hands each to its channel
// adapter, and records the outcome. Retries back off exponentially (or wait as
// long as the platform asked); after the last attempt, or on a permanent
// error, the delivery is dead and the ticket's history says so.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Database } from '../../knexfile.ts';
import { DeliveryError } from '../errors.ts';
import type { EventBus } from '../events/bus.ts';
import { fromJsonColumn } from '../json.ts';
import { LeasedQueue, QueueWorker, type RetryPolicy } from '../queue.ts';
import { TicketEvent } from '../tickets/models.ts';
import type { ChannelAdapter, ChannelKind, Clock } from '../types.ts';
import type { DeliveryRow } from './models.ts';
import { buildOutbound } from './outbound.ts';

export interface OutboxOptions {
  leaseMs: number;
  pollMs: number;
  batchSize: number;
  retry: RetryPolicy;
}

export interface DeliveryWorkerDeps {
  db: Database;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  adapters: () => ReadonlyMap<ChannelKind, ChannelAdapter>;
  options: OutboxOptions;
  random?: () => number;
}

export function createDeliveryQueue(deps: Pick<DeliveryWorkerDeps, 'db' | 'clock' | 'options' | 'random'>) {
  return new LeasedQueue<DeliveryRow>({
    knex: deps.db.knex,
    dialect: deps.db.dialect,
    table: 'deliveries',
    clock: deps.clock,
    leaseMs: deps.options.leaseMs,
    retry: deps.options.retry,
    doneStatus: 'sent',
    random: deps.random,
  });
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): QueueWorker<DeliveryRow> {
  const queue = createDeliveryQueue(deps);
  const { db, clock, bus, logger } = deps;

  async function deliver(row: DeliveryRow, owner: string): Promise<void> {
    const delivery = { ...row, replyRef: fromJsonColumn(row.replyRef) };
    const log = logger.child({ deliveryId: row.id, ticketId: row.ticketId, channel: row.channel, attempt: row.attempts });
    const adapter = deps.adapters().get(row.channel);
    try {
      if (!adapter) throw new DeliveryError(`no ${row.channel} channel is configured on this instance`);
      const outbound = await buildOutbound(db.knex, delivery);
      const receipt = await adapter.send(outbound, delivery.replyRef);
      const ok = await queue.complete(row, owner, { externalId: receipt.externalId ?? null, sentAt: clock.now() });
      if (!ok) log.warn('delivery sent after its lease was lost; another worker may resend it');
      else log.info('delivery sent');
    } catch (error) {
      const e = error instanceof DeliveryError ? error : new DeliveryError(errorMessage(error), { cause: error });
      const result = await queue.fail(row, owner, e);
      if (result.outcome === 'dead') {
        log.error({ err: error }, 'delivery dead');
        await recordDead(db.knex, row, e.message, clock.now());
      } else if (result.outcome === 'retry') {
        log.warn({ err: error, nextAttemptAt: result.nextAttemptAt }, 'delivery failed; will retry');
      }
    }
    await bus.publish([{ type: 'delivery.updated', ticketId: row.ticketId, deliveryId: row.id, messageId: row.messageId }]);
  }

  return new QueueWorker<DeliveryRow>({
    name: 'outbox',
    queue,
    process: deliver,
    logger,
    pollMs: deps.options.pollMs,
    batchSize: deps.options.batchSize,
  });
}

async function recordDead(knex: Knex, row: DeliveryRow, error: string, now: number): Promise<void> {
  await TicketEvent.query(knex).insert({
    ticketId: row.ticketId,
    type: 'delivery_failed',
    actorType: 'system',
    actorId: null,
    data: { deliveryId: row.id, messageId: row.messageId, channel: row.channel, error },
    createdAt: now,
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
