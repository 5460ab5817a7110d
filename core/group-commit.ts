// Group commit: concurrent pieces of work share one transaction, so the cost
// of BEGIN and COMMIT (on SQLite, writing the WAL) is paid once per batch
// instead of once per piece. The promises are the same as inTransaction's:
// - each piece runs in its own SAVEPOINT: a failing piece is rolled back alone
//   and the others still commit;
// - nothing is acknowledged before it is stored: callers are resolved, and
//   events published, only after the shared COMMIT;
// - a race the database reports (a unique key taken, a busy file) is retried
//   with backoff in a later batch, as inTransaction would.
// Pieces of one batch run one after another and see each other's writes, so
// a duplicate within a batch is found by the lookup that follows it.
import type { BusEvent } from './events/bus.ts';
import { backOff, isRetryableRace, makeTx, MAX_ATTEMPTS, type Tx, type TxDeps } from './transaction.ts';

interface Pending {
  work: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  attempt: number;
}

type Outcome = { piece: Pending; value: unknown; events: BusEvent[] } | { piece: Pending; error: unknown };

export interface GroupCommitOptions {
  /** Most pieces in one transaction: bounds how long one COMMIT waits. */
  maxBatch?: number;
}

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private readonly maxBatch: number;
  private running = false;
  private scheduled = false;

  constructor(
    private readonly deps: TxDeps,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject, attempt: 1 });
      this.schedule();
    });
  }

  /**
   * One batch at a time: while it runs, new work queues up for the next. The
   * start waits for the macrotask queue so that callers woken by the previous
   * commit (promise continuations) have queued their next piece first.
   */
  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = true;
      this.commit(this.queue.splice(0, this.maxBatch)).finally(() => {
        this.running = false;
        this.schedule();
      });
    });
  }

  private async commit(batch: Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.deps.knex.transaction(async (trx) => {
        for (const piece of batch) {
          const events: BusEvent[] = [];
          await trx.raw('SAVEPOINT piece');
          try {
            const value = await piece.work(makeTx(this.deps, trx, events));
            await trx.raw('RELEASE SAVEPOINT piece');
            outcomes.push({ piece, value, events });
          } catch (error) {
            // Undo this piece only; if even that fails, the whole batch fails.
            await trx.raw('ROLLBACK TO SAVEPOINT piece');
            await trx.raw('RELEASE SAVEPOINT piece');
            outcomes.push({ piece, error });
          }
        }
      });
    } catch (error) {
      // BEGIN, COMMIT or a savepoint failed: nothing of the batch is stored.
      for (const piece of batch) this.fail(piece, error);
      return;
    }
    let announced: { error: unknown } | undefined;
    await this.deps.bus.publish(outcomes.flatMap((o) => ('events' in o ? o.events : []))).catch((error) => (announced = { error }));
    for (const outcome of outcomes) {
      if (!('events' in outcome)) this.fail(outcome.piece, outcome.error);
      // Stored, but the caller hears of a failed announcement as inTransaction's would.
      else if (announced) outcome.piece.reject(announced.error);
      else outcome.piece.resolve(outcome.value);
    }
  }

  private fail(piece: Pending, error: unknown): void {
    if (piece.attempt >= MAX_ATTEMPTS || !isRetryableRace(error)) {
      piece.reject(error);
      return;
    }
    piece.attempt++;
    void backOff(piece.attempt - 1).then(() => {
      this.queue.push(piece);
      this.schedule();
    });
  }
}
