// Auto-resolve: a ticket waiting on the customer (status 'pending') with no
// activity for `afterDays` days is resolved with a closing message on its
// channel. Resolving records a status_changed event, so the core's survey
// follow-up runs on its own (it applies the survey rules: answered tickets
// only, once per ticket, never for auto-replies or bounces).
import type { ConversationCore } from '../conversation-core.ts';
import { parseReply, storeReply } from '../reply.ts';
import { Ticket } from '../tickets/models.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface AutoResolveOptions {
  core: ConversationCore;
  afterDays: number;
  message: string;
  /** Tickets handled per sweep, so one sweep never holds the database long. */
  batchSize?: number;
}

export function autoResolveText(template: string, ticketNumber: number, afterDays: number): string {
  return template.replaceAll('{number}', String(ticketNumber)).replaceAll('{days}', String(afterDays));
}

/** Resolves every stale pending ticket as of `now`; returns the ids resolved. */
export async function autoResolveStale(options: AutoResolveOptions, now: number): Promise<number[]> {
  const cutoff = now - options.afterDays * DAY_MS;
  const candidates = await Ticket.query(options.core.db.knex)
    .where({ status: 'pending' })
    .where('updatedAt', '<=', cutoff)
    .orderBy('updatedAt')
    .limit(options.batchSize ?? 200)
    .select('id');
  const resolved: number[] = [];
  for (const { id } of candidates) {
    const done = await options.core.transaction(async (tx) => {
      // Re-read inside the transaction: the customer may have written since.
      const ticket = await Ticket.query(tx.trx).findById(id);
      if (!ticket || ticket.status !== 'pending' || ticket.updatedAt > cutoff) return false;
      await storeReply(
        tx,
        parseReply({
          ticketId: id,
          authorType: 'system',
          purpose: 'notification',
          text: autoResolveText(options.message, ticket.number, options.afterDays),
          status: 'resolved',
          meta: { automation: 'auto_resolve' },
        }),
      );
      return true;
    });
    if (done) resolved.push(id);
  }
  return resolved;
}
