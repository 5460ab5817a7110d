// Every write in the core runs through here: one transaction, retried when the
// database reports a race that a second attempt resolves (a unique key taken by
// a concurrent first message on a thread, a serialization failure, a busy
// SQLite file), and bus events published only after the commit.
import type { Knex } from 'knex';
import type { BusEvent, EventBus } from './events/bus.ts';
import type { Clock } from './types.ts';

export interface Tx {
  trx: Knex.Transaction;
  now: number;
  /** Events to publish once the transaction has committed. */
  events: BusEvent[];
  /**
   * Enqueues, in this transaction, one job for every follow-up subscribed to
   * `trigger` ('message.received' or a ticket event type such as
   * 'status_changed'), so the work is durable exactly when the change is.
   */
  enqueue(trigger: string, payload: Record<string, unknown>): Promise<void>;
}

export interface TxDeps {
  knex: Knex;
  clock: Clock;
  bus: EventBus;
  /** trigger -> job types to enqueue when it happens */
  followUps?: ReadonlyMap<string, readonly string[]>;
}

export const MAX_ATTEMPTS = 6;

export function isRetryableRace(error: unknown): boolean {
  // objection wraps driver errors; the driver's code is on nativeError.
  const e = error as { code?: string; nativeError?: { code?: string } } | undefined;
  switch (e?.nativeError?.code ?? e?.code) {
    case '23505': // unique_violation
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
    case 'SQLITE_BUSY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
      return true;
    default:
      return false;
  }
}

export async function inTransaction<T>(deps: TxDeps, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const events: BusEvent[] = [];
    try {
      const result = await deps.knex.transaction((trx) => work(makeTx(deps, trx, events)));
      await deps.bus.publish(events);
      return result;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableRace(error)) throw error;
      await backOff(attempt);
    }
  }
}

/** A short random pause before another attempt, longer each time. */
export function backOff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
}

/** The Tx a piece of work sees: its transaction, its time, its events. */
export function makeTx(deps: TxDeps, trx: Knex.Transaction, events: BusEvent[]): Tx {
  const now = deps.clock.now();
  const enqueue = async (trigger: string, payload: Record<string, unknown>) => {
    const types = deps.followUps?.get(trigger) ?? [];
    if (types.length === 0) return;
    const body = JSON.stringify({ ...payload, trigger });
    await trx('jobs').insert(
      types.map((type) => ({ type, payload: body, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now })),
    );
    events.push({ type: 'job.created', ticketId: payload.ticketId as number | undefined });
  };
  return { trx, now, events, enqueue };
}
