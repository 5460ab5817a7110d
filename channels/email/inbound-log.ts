// The `email_inbound` table: every message that reached us, written before
// it is parsed, and what became of it. Kept behind these few functions.
import type { Knex } from 'knex';
import { fromJsonColumn, type Clock } from '../../core/index.ts';
import { storable, storableText } from './storable.ts';

export const SETTLED_STATUSES = ['created', 'appended', 'duplicate', 'ignored', 'quarantined'] as const;
export type SettledStatus = (typeof SETTLED_STATUSES)[number];
export type InboundStatus = 'received' | SettledStatus;

export interface Envelope {
  source: 'smtp' | 'pipe';
  /** MAIL FROM ('' is the null sender of bounces); undefined when unknown (pipe). */
  from?: string;
  to: string[];
  remoteAddress?: string;
}

export interface InboundRow {
  id: number;
  rawSha256: string;
  rawSize: number;
  source: 'smtp' | 'pipe';
  envelope: Envelope;
  status: InboundStatus;
  reason: string | null;
  headerMessageId: string | null;
  ticketId: number | null;
  messageId: number | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export interface Settlement {
  status: SettledStatus;
  reason?: string | null;
  headerMessageId?: string | null;
  ticketId?: number | null;
  messageId?: number | null;
}

export class InboundLog {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
  ) {}

  /** Logs a newly stored message, counting the attempt about to be made on it. */
  async record(input: { rawSha256: string; rawSize: number; envelope: Envelope }): Promise<InboundRow> {
    const now = this.clock.now();
    const envelope = storable(input.envelope);
    const row = {
      rawSha256: input.rawSha256,
      rawSize: input.rawSize,
      source: envelope.source,
      status: 'received' as const,
      reason: null,
      headerMessageId: null,
      ticketId: null,
      messageId: null,
      attempts: 1,
      createdAt: now,
      updatedAt: now,
    };
    const [inserted] = await this.knex('email_inbound')
      .insert({ ...row, envelope: JSON.stringify(envelope) })
      .returning('id');
    return { ...row, id: typeof inserted === 'object' ? inserted.id : inserted, envelope };
  }

  async get(id: number): Promise<InboundRow | undefined> {
    const row = await this.knex('email_inbound').where({ id }).first();
    return row ? { ...row, envelope: fromJsonColumn<Envelope>(row.envelope) } : undefined;
  }

  /** Counts an attempt to process the row (before it is processed). */
  async attempt(id: number): Promise<void> {
    await this.knex('email_inbound')
      .where({ id })
      .update({ attempts: this.knex.raw('?? + 1', ['attempts']), updatedAt: this.clock.now() });
  }

  async settle(id: number, outcome: Settlement): Promise<void> {
    await this.knex('email_inbound')
      .where({ id })
      .update({
        status: outcome.status,
        reason: outcome.reason ? storableText(outcome.reason).slice(0, 4000) : null,
        headerMessageId: outcome.headerMessageId ? storableText(outcome.headerMessageId) : null,
        ticketId: outcome.ticketId ?? null,
        messageId: outcome.messageId ?? null,
        updatedAt: this.clock.now(),
      });
  }

  /**
   * Rows to run again: quarantined ones, and ones stuck in `received` (the
   * process died while handling them) for longer than `stuckAfterMs`.
   */
  async toReprocess(options: { ids?: number[]; stuckAfterMs: number; limit: number }): Promise<number[]> {
    const q = this.knex('email_inbound').select('id').orderBy('id').limit(options.limit);
    // Settled mail is never re-run: its outcome is on record.
    if (options.ids?.length) q.whereIn('id', options.ids).whereIn('status', ['quarantined', 'received']);
    else
      q.where('status', 'quarantined').orWhere((w) =>
        w.where('status', 'received').where('updatedAt', '<', this.clock.now() - options.stuckAfterMs),
      );
    return (await q).map((r: { id: number }) => r.id);
  }
}
