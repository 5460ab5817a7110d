// Follow-up work (bot answer, notifications) runs here, one job per handler,
// with the same lease and backoff rules as the outbox. Handlers must be
// idempotent: a job whose worker died is run again.
import type { Logger } from 'pino';
import type { Database } from '../../knexfile.ts';
import { fromJsonColumn } from '../json.ts';
import { LeasedQueue, QueueWorker, type QueueRow, type RetryPolicy } from '../queue.ts';
import type { Clock } from '../types.ts';

export interface JobRow extends QueueRow {
  type: string;
  payload: unknown;
}

/**
 * What a follow-up job receives. For 'message.received': messageId and
 * created (the message opened the ticket). For a ticket event: event, actor
 * and data (status_changed carries { from, to }).
 */
export interface FollowUpPayload {
  trigger: string;
  ticketId: number;
  messageId?: number;
  created?: boolean;
  event?: string;
  actor?: { type: string; id?: number | null };
  data?: Record<string, unknown>;
}

export type JobHandler = (payload: FollowUpPayload, job: { id: number; attempts: number }) => Promise<void>;

export interface JobRunnerDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  handlers: ReadonlyMap<string, JobHandler>;
  options: { leaseMs: number; pollMs: number; batchSize: number; retry: RetryPolicy };
}

export function createJobRunner(deps: JobRunnerDeps): QueueWorker<JobRow> {
  const queue = new LeasedQueue<JobRow>({
    knex: deps.db.knex,
    dialect: deps.db.dialect,
    table: 'jobs',
    clock: deps.clock,
    leaseMs: deps.options.leaseMs,
    retry: deps.options.retry,
    doneStatus: 'done',
  });
  return new QueueWorker<JobRow>({
    name: 'jobs',
    queue,
    logger: deps.logger,
    pollMs: deps.options.pollMs,
    batchSize: deps.options.batchSize,
    async process(row, owner) {
      const handler = deps.handlers.get(row.type);
      const log = deps.logger.child({ jobId: row.id, job: row.type, attempt: row.attempts });
      try {
        if (!handler) throw new Error(`no handler for job type ${row.type}`);
        await handler(fromJsonColumn<FollowUpPayload>(row.payload), { id: row.id, attempts: row.attempts });
        await queue.complete(row, owner);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const result = await queue.fail(row, owner, { message });
        log[result.outcome === 'dead' ? 'error' : 'warn']({ err: error, outcome: result.outcome }, 'job failed');
      }
    },
  });
}
