// Which ticket does a mail continue? The core already matches In-Reply-To and
// References against every Message-ID we received or sent, and a [#N]
// subject token against the sender's own tickets. This file adds the layer
// only email has, and that comes first: our own `reply+<token>@` address,
// which survives mail clients that drop both headers and the subject token.
import type { Knex } from 'knex';
import { boundedId } from './message-ids.ts';
import { ticketFromReplyAddress } from './tokens.ts';

export interface ThreadingInput {
  ownId: string;
  inReplyTo: string[];
  references: string[];
  subject: string;
}

export interface Threading {
  /** Ids to match against stored Message-IDs, most specific first. */
  inReplyTo: string[];
  /** The root of the conversation: first of References, else the parent, else the mail itself. */
  threadKey: string;
  /** The `[#N]` token in the subject, if any. */
  ticketNumber?: number;
  /** Ticket named by a verified reply+ address, when that decided the thread. */
  replyTicketId?: number;
}

const TICKET_TOKEN = /\[#(\d{1,9})\]/;

export function ticketNumberIn(subject: string): number | undefined {
  const match = TICKET_TOKEN.exec(subject);
  return match ? Number(match[1]) : undefined;
}

/** The subject without our ticket token (a new ticket must not carry another's number). */
export function subjectWithoutToken(subject: string): string {
  return subject.replace(/\s*\[#\d{1,9}\]\s*/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Header-based threading: In-Reply-To first, then References newest first. */
export function headerThreading(input: ThreadingInput): Threading {
  const ids: string[] = [];
  for (const id of [...input.inReplyTo, ...[...input.references].reverse()]) {
    const key = boundedId(id);
    if (key !== input.ownId && !ids.includes(key)) ids.push(key);
  }
  return {
    inReplyTo: ids.slice(0, 100),
    threadKey: boundedId(input.references[0] ?? input.inReplyTo[0] ?? input.ownId),
    ticketNumber: ticketNumberIn(input.subject),
  };
}

/**
 * The live ticket a verified `reply+<token>@` recipient names, and one of its
 * stored Message-IDs to thread on; undefined when no recipient is ours, the
 * ticket is closed, or it has no email Message-ID to point at.
 */
export async function threadFromReplyAddress(
  knex: Knex,
  secret: string,
  replyDomain: string,
  recipients: string[],
): Promise<{ ticketId: number; messageId: string } | undefined> {
  for (const address of recipients) {
    const ticketId = ticketFromReplyAddress(secret, address, replyDomain);
    if (!ticketId) continue;
    const ticket = await knex('tickets').select('id', 'status').where({ id: ticketId }).first();
    if (!ticket || ticket.status === 'closed') continue;
    const received = await knex('messages')
      .select('externalId')
      .where({ ticketId, channel: 'email' })
      .whereNotNull('externalId')
      .orderBy('id', 'desc')
      .first();
    const sent =
      received ??
      (await knex('deliveries')
        .select('externalId')
        .where({ ticketId, channel: 'email' })
        .whereNotNull('externalId')
        .orderBy('id', 'desc')
        .first());
    if (sent?.externalId) return { ticketId, messageId: sent.externalId };
  }
  return undefined;
}

/** Live tickets that sent or received any of these Message-IDs (bounces find their ticket this way). */
export async function ticketsKnowing(knex: Knex, ids: string[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const keys = ids.map(boundedId).slice(0, 200);
  const rows = await knex('tickets')
    .select('id')
    .whereNot('status', 'closed')
    .where((q) =>
      q
        .whereIn('id', knex('deliveries').select('ticketId').where('channel', 'email').whereIn('externalId', keys))
        .orWhereIn('id', knex('messages').select('ticketId').where('channel', 'email').whereIn('externalId', keys)),
    );
  return rows.map((r: { id: number }) => r.id);
}
