// The web chat's own table (webchat_conversations) and the ownership rule:
// a visitor sees a ticket when it is a web chat ticket of the customer their
// identity belongs to. Internal notes never leave this module's queries.
import type { Knex } from 'knex';
import { Identity, NotFoundError, Ticket } from '../../core/index.ts';

export interface ConversationRow {
  ticketId: number;
  visitorId: string;
  followUpEmail: string | null;
  lastSeenAt: number | null;
  createdAt: number;
}

/** The customer behind a visitor, once they have written at least once. */
export async function customerIdOf(knex: Knex, visitorId: string): Promise<number | undefined> {
  const identity = await Identity.query(knex).findOne({ channel: 'webchat', externalUserId: visitorId }).select('customerId');
  return identity?.customerId;
}

/** The visitor's ticket, or NotFoundError (never "forbidden": ids of others stay unknown). */
export async function ownedTicket(knex: Knex, ticketId: number, customerId: number | undefined): Promise<Ticket> {
  const ticket = customerId ? await Ticket.query(knex).findById(ticketId) : undefined;
  if (!ticket || ticket.customerId !== customerId || ticket.channel !== 'webchat') throw new NotFoundError(`conversation ${ticketId}`);
  return ticket;
}

export async function recordConversation(knex: Knex, ticketId: number, visitorId: string, now: number): Promise<void> {
  await knex('webchatConversations').insert({ ticketId, visitorId, createdAt: now, lastSeenAt: now }).onConflict('ticketId').ignore();
}

export async function findConversation(knex: Knex, ticketId: number): Promise<ConversationRow | undefined> {
  return knex('webchatConversations').where({ ticketId }).first();
}

export async function setFollowUpEmail(knex: Knex, ticketId: number, visitorId: string, email: string, now: number): Promise<void> {
  await knex('webchatConversations')
    .insert({ ticketId, visitorId, followUpEmail: email, createdAt: now })
    .onConflict('ticketId')
    .merge({ followUpEmail: email });
}

/** Marks conversations as open in a browser now (`now`) or as just closed (null). */
export async function touchConversations(knex: Knex, ticketIds: number[], now: number | null): Promise<void> {
  for (let i = 0; i < ticketIds.length; i += 500) {
    await knex('webchatConversations').whereIn('ticketId', ticketIds.slice(i, i + 500)).update({ lastSeenAt: now });
  }
}
