// Appending to a ticket's history and announcing the change after commit.
import type { Tx } from '../transaction.ts';
import type { AuthorType } from '../types.ts';
import type { TicketEventType } from './models.ts';

export interface Actor {
  type: AuthorType;
  id?: number | null;
}

export const systemActor: Actor = { type: 'system' };

export async function recordEvent(
  tx: Tx,
  ticketId: number,
  type: TicketEventType,
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.trx('ticketEvents').insert({
    ticketId,
    type,
    actorType: actor.type,
    actorId: actor.id ?? null,
    data: JSON.stringify(data),
    createdAt: tx.now,
  });
  await tx.enqueue(type, { ticketId, event: type, actor, data });
}
