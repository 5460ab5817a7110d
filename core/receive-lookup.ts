// What receive needs to know before it writes, in one query instead of three:
// is this (channel, external_id) already stored, who is the sender (identity
// joined to its customer), and which ticket is live on the thread. Each part
// is an indexed lookup of at most one row, LEFT JOINed to a single-row anchor
// so a miss on one part never hides the others.
import { Ticket } from './tickets/models.ts';
import type { Tx } from './transaction.ts';
import type { ValidInboundMessage } from './types.ts';

/** The sender's identity and the customer it points at, as stored. */
export interface KnownSender {
  identityId: number;
  identityEmail: string | null;
  identityEmailVerified: boolean;
  customer: { id: number; name: string | null; email: string | null; emailVerified: boolean; emailStatus: 'ok' | 'failing'; createdAt: number; updatedAt: number };
}

export interface InboundLookup {
  seenMessageId: number | null;
  /** null: no identity for this sender on this channel yet. */
  sender: KnownSender | null;
  /** The live (not closed) ticket of the message's thread, if any. */
  threadTicket: Ticket | null;
}

// Aliases are prefixed so they never collide with the ticket's own columns.
const EXTRA = {
  seen_message_id: 'm.id',
  sender_identity_id: 'i.id',
  sender_identity_email: 'i.email',
  sender_identity_email_verified: 'i.email_verified',
  sender_customer_id: 'c.id',
  sender_customer_name: 'c.name',
  sender_customer_email: 'c.email',
  sender_customer_email_verified: 'c.email_verified',
  sender_customer_email_status: 'c.email_status',
  sender_customer_created_at: 'c.created_at',
  sender_customer_updated_at: 'c.updated_at',
};

export async function lookUpInbound(tx: Tx, msg: ValidInboundMessage): Promise<InboundLookup> {
  const { trx } = tx;
  const row = await trx
    .from(trx.raw('(select 1 as anchor) as one'))
    .leftJoin('messages as m', (j) => j.onVal('m.channel', msg.channel).andOnVal('m.externalId', msg.externalId))
    .leftJoin('identities as i', (j) => j.onVal('i.channel', msg.channel).andOnVal('i.externalUserId', msg.sender.externalUserId))
    .leftJoin('customers as c', 'c.id', 'i.customerId')
    // A literal, not a bound parameter: SQLite uses the partial index
    // tickets_live_thread only when the condition matches its own.
    .leftJoin('tickets as t', (j) => j.onVal('t.channel', msg.channel).andOnVal('t.threadKey', msg.threadKey).andOn(trx.raw("t.status <> 'closed'")))
    .first(trx.raw('t.*'), ...Object.entries(EXTRA).map(([alias, column]) => `${column} as ${alias}`));

  const {
    seenMessageId,
    senderIdentityId,
    senderIdentityEmail,
    senderIdentityEmailVerified,
    senderCustomerId,
    senderCustomerName,
    senderCustomerEmail,
    senderCustomerEmailVerified,
    senderCustomerEmailStatus,
    senderCustomerCreatedAt,
    senderCustomerUpdatedAt,
    ...ticketRow
  } = row;
  return {
    seenMessageId: seenMessageId ?? null,
    sender:
      senderIdentityId == null
        ? null
        : {
            identityId: senderIdentityId,
            identityEmail: senderIdentityEmail,
            identityEmailVerified: Boolean(senderIdentityEmailVerified),
            customer: {
              id: senderCustomerId,
              name: senderCustomerName,
              email: senderCustomerEmail,
              emailVerified: Boolean(senderCustomerEmailVerified),
              emailStatus: senderCustomerEmailStatus,
              createdAt: senderCustomerCreatedAt,
              updatedAt: senderCustomerUpdatedAt,
            },
          },
    threadTicket: ticketRow.id == null ? null : Ticket.fromDatabaseJson(ticketRow),
  };
}
