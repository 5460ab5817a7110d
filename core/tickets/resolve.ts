// Which ticket does an inbound message belong to? In order: a message it
// replies to (ours or theirs), a ticket number the customer named (only their
// own), the live ticket of its thread; otherwise a new ticket.
import type { Customer } from '../customers/models.ts';
import type { Tx } from '../transaction.ts';
import type { ValidInboundMessage } from '../types.ts';
import { recordEvent } from './history.ts';
import { Ticket } from './models.ts';

// A literal, not a bound parameter: SQLite uses the partial index
// tickets_live_thread only when the query's condition matches its own.
const LIVE = "status <> 'closed'";

/**
 * `threadTicket` is the thread's live ticket as receive's one lookup found it
 * (null: none); without it the thread is looked up here.
 */
export async function resolveTicket(
  tx: Tx,
  msg: ValidInboundMessage,
  customer: Customer,
  threadTicket?: Ticket | null,
): Promise<{ ticket: Ticket; created: boolean }> {
  const found =
    (await byReply(tx, msg)) ??
    (await byNumber(tx, msg, customer)) ??
    (threadTicket === undefined ? await byThread(tx, msg) : threadTicket ?? undefined);
  if (found) return { ticket: found, created: false };

  const { trx, now } = tx;
  const row = {
    customerId: customer.id,
    subject: subjectFor(msg),
    status: 'open' as const,
    priority: 'normal' as const,
    channel: msg.channel,
    threadKey: msg.threadKey,
    replyRef: JSON.stringify(msg.replyRef ?? null),
    handler: 'bot' as const,
    // Auto-replies and bounces are on record but are not the customer writing.
    lastCustomerMessageAt: msg.noReply ? null : now,
    createdAt: now,
    updatedAt: now,
  };
  const [inserted] = await trx('tickets').insert(row).returning('id');
  // The customer-visible number follows the id; kept as its own column so the
  // numbering can change without touching references.
  await trx('tickets').where({ id: inserted.id }).update({ number: inserted.id });
  const ticket = Ticket.fromJson(
    { ...row, replyRef: msg.replyRef ?? null, id: inserted.id, number: inserted.id, assigneeId: null, handoffReason: null, firstResponseAt: null, resolvedAt: null },
    { skipValidation: true },
  );
  await recordEvent(tx, ticket.id, 'created', { type: 'customer', id: customer.id }, { channel: msg.channel });
  tx.events.push({ type: 'ticket.created', ticketId: ticket.id, customerId: customer.id });
  return { ticket, created: true };
}

async function byReply(tx: Tx, msg: ValidInboundMessage): Promise<Ticket | undefined> {
  const refs = msg.inReplyTo?.filter(Boolean);
  if (!refs?.length) return undefined;
  const { trx } = tx;
  const fromMessages = trx('messages').select('ticketId').where('channel', msg.channel).whereIn('externalId', refs);
  const fromDeliveries = trx('deliveries').select('ticketId').where('channel', msg.channel).whereIn('externalId', refs);
  return Ticket.query(trx)
    .where((q) => q.whereIn('id', fromMessages).orWhereIn('id', fromDeliveries))
    .whereRaw(LIVE)
    .orderBy('id', 'desc')
    .first();
}

async function byNumber(tx: Tx, msg: ValidInboundMessage, customer: Customer): Promise<Ticket | undefined> {
  if (!msg.ticketNumber) return undefined;
  return Ticket.query(tx.trx)
    .findOne({ number: msg.ticketNumber, customerId: customer.id })
    .whereRaw(LIVE);
}

async function byThread(tx: Tx, msg: ValidInboundMessage): Promise<Ticket | undefined> {
  const row = await tx.trx('tickets').where({ channel: msg.channel, threadKey: msg.threadKey }).whereRaw(LIVE).first();
  return row ? Ticket.fromDatabaseJson(row) : undefined;
}

function subjectFor(msg: ValidInboundMessage): string {
  const given = msg.subject?.trim();
  if (given) return given.slice(0, 300);
  const firstLine = msg.text.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (!firstLine) return msg.attachments[0]?.filename ?? 'New conversation';
  return firstLine.length > 80 ? `${firstLine.slice(0, 77).trimEnd()}...` : firstLine;
}
