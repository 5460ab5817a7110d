// Factories: each builds one row and any parent it is missing, with plain
// defaults a test overrides only where it matters.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { Agent, Customer, Identity } from '../customers/models.ts';
import { Message } from '../messages/models.ts';
import { Ticket } from '../tickets/models.ts';
import type { ChannelKind, InboundMessage } from '../types.ts';

let seq = 0;
const next = () => ++seq;

export async function buildCustomer(knex: Knex, props: Partial<Customer> = {}): Promise<Customer> {
  const n = next();
  return Customer.query(knex).insertAndFetch({
    name: `Customer ${n}`,
    email: `customer${n}@example.test`,
    emailVerified: true,
    emailStatus: 'ok',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    ...props,
  });
}

export async function buildIdentity(knex: Knex, props: Partial<Identity> = {}): Promise<Identity> {
  const customerId = props.customerId ?? (await buildCustomer(knex)).id;
  return Identity.query(knex).insertAndFetch({
    channel: 'webchat',
    externalUserId: `user-${next()}`,
    emailVerified: false,
    createdAt: Date.now(),
    ...props,
    customerId,
  });
}

export async function buildAgent(knex: Knex, props: Partial<Agent> = {}): Promise<Agent> {
  const n = next();
  return Agent.query(knex).insertAndFetch({ email: `agent${n}@support.test`, name: `Agent ${n}`, createdAt: Date.now(), ...props });
}

export async function buildTicket(knex: Knex, props: Partial<Ticket> = {}): Promise<Ticket> {
  const customerId = props.customerId ?? (await buildCustomer(knex)).id;
  const now = props.createdAt ?? Date.now();
  const ticket = await Ticket.query(knex).insertAndFetch({
    subject: `Question ${next()}`,
    status: 'open',
    priority: 'normal',
    channel: 'webchat',
    threadKey: `thread-${randomUUID()}`,
    replyRef: { to: 'somewhere' } as any,
    handler: 'bot',
    createdAt: now,
    updatedAt: now,
    ...props,
    customerId,
  });
  if (!ticket.number) {
    await Ticket.query(knex).patch({ number: ticket.id }).where({ id: ticket.id });
    ticket.number = ticket.id;
  }
  return ticket;
}

export async function buildMessage(knex: Knex, props: Partial<Message> = {}): Promise<Message> {
  const ticket = props.ticketId ? await Ticket.query(knex).findById(props.ticketId).throwIfNotFound() : await buildTicket(knex);
  return Message.query(knex).insertAndFetch({
    authorType: 'customer',
    authorId: ticket.customerId,
    bodyText: 'Hello, I need help.',
    internal: false,
    channel: ticket.channel,
    externalId: `ext-${randomUUID()}`,
    createdAt: Date.now(),
    ...props,
    ticketId: ticket.id,
  });
}

/** A valid InboundMessage; override any field. */
export function inbound(props: Partial<InboundMessage> & { channel?: ChannelKind } = {}): InboundMessage {
  const n = next();
  return {
    channel: 'webchat',
    externalId: `msg-${randomUUID()}`,
    threadKey: `thread-${n}`,
    sender: { externalUserId: `visitor-${n}`, name: `Visitor ${n}` },
    text: 'How do I reset my password?',
    attachments: [],
    receivedAt: Date.now(),
    replyRef: { thread: `thread-${n}` },
    ...props,
  };
}
