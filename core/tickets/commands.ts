// Ticket state changes. Each writes the change and its history event in the
// caller's transaction and announces ticket.updated after commit.
import { recordAnalytics } from '../analytics/record.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { Agent } from '../customers/models.ts';
import type { Tx } from '../transaction.ts';
import type { Priority, TicketStatus } from '../types.ts';
import { recordEvent, type Actor } from './history.ts';
import { Ticket } from './models.ts';

async function load(tx: Tx, ticketId: number): Promise<Ticket> {
  const ticket = await Ticket.query(tx.trx).findById(ticketId);
  if (!ticket) throw new NotFoundError(`ticket ${ticketId}`);
  return ticket;
}

async function save(tx: Tx, ticket: Ticket, patch: Partial<Ticket>): Promise<Ticket> {
  const full = { ...patch, updatedAt: tx.now };
  await Ticket.query(tx.trx).patch(full).where({ id: ticket.id });
  Object.assign(ticket, full);
  tx.events.push({ type: 'ticket.updated', ticketId: ticket.id, customerId: ticket.customerId });
  return ticket;
}

export async function changeStatus(tx: Tx, ticketId: number, status: TicketStatus, actor: Actor): Promise<Ticket> {
  const ticket = await load(tx, ticketId);
  if (ticket.status === status) return ticket;
  if (ticket.status === 'closed') throw new ConflictError(`ticket ${ticket.number} is closed`);
  const patch: Partial<Ticket> = { status };
  if (status === 'resolved' || status === 'closed') patch.resolvedAt = ticket.resolvedAt ?? tx.now;
  else patch.resolvedAt = null;
  if (status === 'resolved') {
    await recordAnalytics(tx.trx, {
      type: 'resolved',
      at: tx.now,
      channel: ticket.channel,
      ticketId: ticket.id,
      customerId: ticket.customerId,
      actor: (await humanAnswered(tx, ticket.id)) ? 'human' : 'bot',
      value: tx.now - ticket.createdAt,
    });
  }
  await recordEvent(tx, ticket.id, 'status_changed', actor, { from: ticket.status, to: status });
  return save(tx, ticket, patch);
}

export async function changePriority(tx: Tx, ticketId: number, priority: Priority, actor: Actor): Promise<Ticket> {
  const ticket = await load(tx, ticketId);
  if (ticket.priority === priority) return ticket;
  await recordEvent(tx, ticket.id, 'priority_changed', actor, { from: ticket.priority, to: priority });
  return save(tx, ticket, { priority });
}

export async function assign(tx: Tx, ticketId: number, agentId: number | null, actor: Actor): Promise<Ticket> {
  const ticket = await load(tx, ticketId);
  if (ticket.assigneeId === agentId) return ticket;
  if (agentId !== null && !(await Agent.query(tx.trx).findById(agentId))) throw new NotFoundError(`agent ${agentId}`);
  await recordEvent(tx, ticket.id, 'assigned', actor, { from: ticket.assigneeId, to: agentId });
  return save(tx, ticket, { assigneeId: agentId });
}

/** The bot stops answering this ticket; a human takes it, for the reason given. */
export async function handOff(tx: Tx, ticketId: number, reason: string, actor: Actor): Promise<Ticket> {
  const ticket = await load(tx, ticketId);
  if (ticket.handler === 'human') return ticket;
  await recordEvent(tx, ticket.id, 'handed_off', actor, { reason });
  await recordAnalytics(tx.trx, { type: 'handoff', at: tx.now, channel: ticket.channel, ticketId: ticket.id, customerId: ticket.customerId, label: reason });
  const patch: Partial<Ticket> = { handler: 'human', handoffReason: reason };
  if (ticket.status !== 'open') patch.status = 'open';
  return save(tx, ticket, patch);
}

export async function handBack(tx: Tx, ticketId: number, actor: Actor): Promise<Ticket> {
  const ticket = await load(tx, ticketId);
  if (ticket.handler === 'bot') return ticket;
  await recordEvent(tx, ticket.id, 'handed_back', actor, {});
  return save(tx, ticket, { handler: 'bot', handoffReason: null });
}

/**
 * Puts a dead delivery of this ticket back in the outbox: attempts start
 * again from zero, due now. Only a dead one: a pending or sent delivery is
 * left as it is (retrying a sent message would send it twice).
 */
export async function retryDelivery(tx: Tx, ticketId: number, deliveryId: number, actor: Actor): Promise<void> {
  const row = await tx.trx('deliveries').where({ id: deliveryId, ticketId }).first('id', 'status', 'messageId', 'channel');
  if (!row) throw new NotFoundError(`delivery ${deliveryId}`);
  if (row.status !== 'dead') throw new ConflictError(`delivery ${deliveryId} is ${row.status}, not failed`);
  await tx.trx('deliveries')
    .where({ id: deliveryId, status: 'dead' })
    .update({ status: 'pending', attempts: 0, nextAttemptAt: tx.now, updatedAt: tx.now });
  await recordEvent(tx, ticketId, 'delivery_retried', actor, { deliveryId, messageId: row.messageId, channel: row.channel });
  tx.events.push({ type: 'delivery.updated', ticketId, deliveryId, messageId: row.messageId, retried: true });
}

/** Did a person (not only the bot) answer the customer on this ticket? */
export async function humanAnswered(tx: Tx, ticketId: number): Promise<boolean> {
  return Boolean(await tx.trx('messages').where({ ticketId, authorType: 'agent', internal: false }).first('id'));
}
