// One leased work queue, used by the outbox (deliveries) and follow-up jobs.
// A claim takes due rows with a lease in one statement (FOR UPDATE SKIP LOCKED
// on PostgreSQL, so concurrent workers never take the same row; SQLite has a
// single writer). A worker that dies simply lets its lease run out and the row
// becomes claimable again. Completion and failure are conditional on still
// holding the lease, so a worker that lost its lease cannot overwrite anything.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Dialect } from '../knexfile.ts';
import type { Clock } from './types.ts';

export interface QueueRow {
  id: number;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface LeasedQueueOptions {
  knex: Knex;
  dialect: Dialect;
  table: string;
  clock: Clock;
  leaseMs: number;
  retry: RetryPolicy;
  /** Status written on success ('sent', 'done'). */
  doneStatus: string;
  random?: () => number;
}

export type FailureOutcome = { outcome: 'retry'; nextAttemptAt: number } | { outcome: 'dead' } | { outcome: 'lost' };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half is
 * random, so retries spread out yet still grow with every attempt.
 */
export function backoffDelay(attempt: number, retry: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export class LeasedQueue<Row extends QueueRow> {
  constructor(private readonly options: LeasedQueueOptions) {}

  static newOwner(): string {
    return randomBytes(12).toString('hex');
  }

  async claim(owner: string, limit: number): Promise<Row[]> {
    const { knex, table, clock, leaseMs, dialect } = this.options;
    const now = clock.now();
    const due = knex(table)
      .select('id')
      .whereIn('status', ['pending', 'working'])
      .where('nextAttemptAt', '<=', now)
      .where((q) => q.whereNull('leaseUntil').orWhere('leaseUntil', '<', now))
      .orderBy('nextAttemptAt')
      .orderBy('id')
      .limit(limit);
    if (dialect === 'postgres') due.forUpdate().skipLocked();
    const rows = await knex(table)
      .whereIn('id', due)
      .update({
        status: 'working',
        leaseOwner: owner,
        leaseUntil: now + leaseMs,
        attempts: knex.raw('?? + 1', ['attempts']),
        updatedAt: now,
      })
      .returning('*');
    return (rows as Row[]).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  }

  /** Marks the row done; false when the lease was lost to another worker. */
  async complete(row: Row, owner: string, patch: Record<string, unknown> = {}): Promise<boolean> {
    const { knex, table, clock, doneStatus } = this.options;
    const now = clock.now();
    const count = await knex(table)
      .where({ id: row.id, leaseOwner: owner, status: 'working' })
      .update({ ...patch, status: doneStatus, leaseOwner: null, leaseUntil: null, lastError: null, updatedAt: now });
    return count === 1;
  }

  async fail(
    row: Row,
    owner: string,
    error: { message: string; permanent?: boolean; retryAfterMs?: number },
  ): Promise<FailureOutcome> {
    const { knex, table, clock, retry, random } = this.options;
    const now = clock.now();
    const dead = error.permanent || row.attempts >= retry.maxAttempts;
    const delay =
      error.retryAfterMs !== undefined ? Math.max(0, error.retryAfterMs) : backoffDelay(row.attempts, retry, random);
    const nextAttemptAt = now + delay;
    const count = await knex(table)
      .where({ id: row.id, leaseOwner: owner, status: 'working' })
      .update({
        status: dead ? 'dead' : 'pending',
        nextAttemptAt: dead ? row.nextAttemptAt : nextAttemptAt,
        leaseOwner: null,
        leaseUntil: null,
        lastError: error.message.slice(0, 4000),
        updatedAt: now,
      });
    if (count !== 1) return { outcome: 'lost' };
    return dead ? { outcome: 'dead' } : { outcome: 'retry', nextAttemptAt };
  }
}

export interface QueueWorkerOptions<Row extends QueueRow> {
  name: string;
  queue: LeasedQueue<Row>;
  process: (row: Row, owner: string) => Promise<void>;
  logger: Logger;
  pollMs: number;
  batchSize: number;
}

/**
 * Polls a LeasedQueue and processes claimed rows one after another. `wake()`
 * skips the wait when new work was just committed in this process.
 */
export class QueueWorker<Row extends QueueRow> {
  readonly owner = LeasedQueue.newOwner();
  private running = false;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wakeUp?: () => void;
  private pendingWake = false;

  constructor(private readonly options: QueueWorkerOptions<Row>) {}

  /** Claims one batch and processes it; returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const rows = await this.options.queue.claim(this.owner, this.options.batchSize);
    for (const row of rows) {
      try {
        await this.options.process(row, this.owner);
      } catch (error) {
        this.options.logger.error({ err: error, worker: this.options.name, id: row.id }, 'queue row processing crashed');
      }
    }
    return rows.length;
  }

  /** Runs until nothing is due (tests and the CLI use this). */
  async drain(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runOnce();
      total += n;
      if (n === 0) break;
    }
    return total;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let handled = 0;
        try {
          handled = await this.runOnce();
        } catch (error) {
          this.options.logger.error({ err: error, worker: this.options.name }, 'queue claim failed');
        }
        if (handled === 0 && this.running && !this.pendingWake) await this.sleep(this.options.pollMs);
        this.pendingWake = false;
      }
    })();
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Stops claiming and waits for the row in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = () => {
        clearTimeout(this.timer);
        this.wakeUp = undefined;
        resolve();
      };
      this.timer = setTimeout(() => this.wakeUp?.(), ms);
      this.timer.unref?.();
    });
  }
}
