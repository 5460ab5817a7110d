// What a signed-in customer can change. Writes go through the core:
//
// - A reply from the portal is an inbound customer message on the ticket's own
//   channel (core.receive), sent as the customer's identity on that channel and
//   pinned to the ticket by its number, so the core's usual rules apply
//   (a resolved ticket reopens, a waiting one opens, the bot may answer) and
//   answers keep going where the customer started (their email thread, Slack
//   DM...). The form carries a random id: `portal:<id>` is the message's
//   external id, so a double submit is stored once.
// - A new ticket is a new web chat thread (`portal:<id>`), marked
//   source=portal_form for the deflection figures. If the customer's address is
//   verified, answers also follow them by email while the portal is not open
//   (the web chat channel's offline follow-up).
import type { Knex } from 'knex';
import {
  ConflictError,
  recordAnalytics,
  type ChannelKind,
  type Clock,
  type ConversationCore,
  type Customer,
  type InboundAttachment,
  type Ticket,
} from '../../core/index.ts';
import { setFollowUpEmail } from '../../channels/webchat/conversations.ts';
import type { UploadedFile } from '../http/body.ts';

export interface PortalDeps {
  core: ConversationCore;
  knex: Knex;
  clock: Clock;
}

/** The customer's identity on a channel; one is made (`portal:<customer id>`) if they have none there. */
export async function identityOn(knex: Knex, customer: Customer, channel: ChannelKind, now: number): Promise<string> {
  const existing = await knex('identities').where({ customerId: customer.id, channel }).orderBy('id').first('externalUserId');
  if (existing) return existing.externalUserId;
  const externalUserId = `portal:${customer.id}`;
  await knex('identities')
    .insert({ customerId: customer.id, channel, externalUserId, email: customer.email, emailVerified: false, name: customer.name, createdAt: now })
    .onConflict(['channel', 'externalUserId'])
    .ignore();
  return externalUserId;
}

const toAttachments = (files: UploadedFile[]): InboundAttachment[] =>
  files.map((f) => ({ sha256: f.sha256, filename: f.filename, contentType: f.contentType, size: f.size }));

export async function replyFromPortal(
  deps: PortalDeps,
  input: { ticket: Ticket; customer: Customer; formId: string; text: string; files: UploadedFile[] },
): Promise<{ duplicate: boolean }> {
  const { ticket, customer } = input;
  if (ticket.status === 'closed') throw new ConflictError(`Ticket #${ticket.number} is closed. Please open a new ticket.`);
  const now = deps.clock.now();
  const externalUserId = await identityOn(deps.knex, customer, ticket.channel, now);
  const result = await deps.core.receive({
    channel: ticket.channel,
    externalId: `portal:${input.formId}`,
    threadKey: ticket.threadKey,
    ticketNumber: ticket.number,
    sender: { externalUserId, name: customer.name ?? undefined },
    text: input.text,
    attachments: toAttachments(input.files),
    receivedAt: now,
    replyRef: undefined,
    meta: { source: 'portal' },
  });
  return { duplicate: result.duplicate };
}

export async function createFromPortal(
  deps: PortalDeps,
  input: { customer: Customer; formId: string; subject: string; text: string; files: UploadedFile[]; aboutArticle?: string },
): Promise<Ticket> {
  const { customer } = input;
  const now = deps.clock.now();
  const externalUserId = await identityOn(deps.knex, customer, 'webchat', now);
  const result = await deps.core.receive({
    channel: 'webchat',
    externalId: `portal:${input.formId}`,
    threadKey: `portal:${input.formId}`,
    subject: input.subject,
    sender: { externalUserId, name: customer.name ?? undefined },
    text: input.text,
    attachments: toAttachments(input.files),
    receivedAt: now,
    replyRef: { visitor: externalUserId },
    meta: { source: 'portal_form', ...(input.aboutArticle ? { article: input.aboutArticle } : {}) },
  });
  if (result.created && customer.email && customer.emailVerified) {
    await setFollowUpEmail(deps.knex, result.ticket.id, externalUserId, customer.email, now);
  }
  return result.ticket;
}

/** "Close" resolves the ticket (it can be reopened); "reopen" opens a resolved one. */
export async function setTicketOpen(deps: PortalDeps, ticket: Ticket, customerId: number, open: boolean): Promise<void> {
  if (open) {
    if (ticket.status !== 'resolved') throw new ConflictError(`Ticket #${ticket.number} is not resolved.`);
    await deps.core.changeStatus(ticket.id, 'open', { type: 'customer', id: customerId });
  } else {
    if (ticket.status === 'closed' || ticket.status === 'resolved') return;
    await deps.core.changeStatus(ticket.id, 'resolved', { type: 'customer', id: customerId });
  }
}

export async function rateTicket(deps: PortalDeps, ticket: Ticket, score: number, comment: string | undefined): Promise<void> {
  if (ticket.status !== 'resolved' && ticket.status !== 'closed') throw new ConflictError('You can rate a ticket once it is resolved.');
  await deps.core.rate({ kind: 'csat', ticketId: ticket.id, score, comment, channel: ticket.channel });
}

/** "This solved my problem": counted as a deflection, no ticket is made. */
export async function recordDeflection(deps: PortalDeps, input: { customerId: number; articleId: number; query: string }): Promise<void> {
  await recordAnalytics(deps.knex, {
    type: 'deflection',
    at: deps.clock.now(),
    customerId: input.customerId,
    articleId: input.articleId,
    label: input.query.slice(0, 200) || null,
  });
}
