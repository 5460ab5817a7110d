// What a signed-in customer may read, and nothing more: every query here is
// scoped to one customer, and a ticket, file or survey of anyone else is
// "not found", exactly like one that does not exist. Internal notes never
// leave this module.
import type { Knex } from 'knex';
import { Agent, Attachment, fromJsonColumn, Message, NotFoundError, Ticket, TicketEvent, type AuthorType, type ChannelKind, type TicketStatus } from '../../core/index.ts';

export const STATUS_FILTERS = ['all', 'open', 'waiting', 'resolved', 'closed'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

const FILTER_STATUSES: Record<StatusFilter, TicketStatus[] | null> = {
  all: null,
  open: ['open'],
  waiting: ['pending'],
  resolved: ['resolved'],
  closed: ['closed'],
};

export interface TicketSummary {
  id: number;
  number: number;
  subject: string;
  status: TicketStatus;
  channel: ChannelKind;
  createdAt: number;
  updatedAt: number;
}

const SUMMARY_COLUMNS = ['id', 'number', 'subject', 'status', 'channel', 'createdAt', 'updatedAt'];

function toSummary(row: any): TicketSummary {
  return {
    id: Number(row.id),
    number: Number(row.number),
    subject: row.subject,
    status: row.status,
    channel: row.channel,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

/** The customer's tickets, newest activity first, by status and words in the subject or messages. */
export async function listTickets(
  knex: Knex,
  customerId: number,
  options: { status?: StatusFilter; q?: string; limit?: number } = {},
): Promise<TicketSummary[]> {
  const query = knex('tickets').where({ customerId }).select(SUMMARY_COLUMNS).orderBy('updatedAt', 'desc').orderBy('id', 'desc').limit(options.limit ?? 200);
  const statuses = FILTER_STATUSES[options.status ?? 'all'];
  if (statuses) query.whereIn('status', statuses);
  const q = options.q?.trim();
  if (q) {
    const number = /^#?(\d{1,9})$/.exec(q)?.[1];
    const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((w) => {
      w.whereRaw("lower(subject) like ? escape '\\'", [like]).orWhereExists(
        knex('messages')
          .whereRaw('messages.ticket_id = tickets.id')
          .where('internal', false)
          .whereRaw("lower(body_text) like ? escape '\\'", [like]),
      );
      if (number) w.orWhere('number', Number(number));
    });
  }
  return (await query).map(toSummary);
}

/** The customer's ticket by its number, or NotFoundError (also for someone else's). */
export async function ownTicket(knex: Knex, customerId: number, number: number): Promise<Ticket> {
  const ticket = Number.isSafeInteger(number) && number > 0 ? await Ticket.query(knex).findOne({ number }) : undefined;
  if (!ticket || ticket.customerId !== customerId) throw new NotFoundError(`ticket #${number}`);
  return ticket;
}

export interface AttachmentItem {
  id: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface CitationItem {
  title: string;
  url: string;
}

export interface ThreadItem {
  id: number;
  authorType: AuthorType;
  authorName: string | null;
  channel: ChannelKind;
  text: string;
  purpose: string | null;
  createdAt: number;
  citations: CitationItem[];
  attachments: AttachmentItem[];
}

/** Messages the customer may see (no internal notes), oldest first, with files and citations. */
export async function thread(knex: Knex, ticketId: number, options: { afterId?: number; onlyId?: number } = {}): Promise<ThreadItem[]> {
  const query = Message.query(knex).where({ ticketId, internal: false }).orderBy('id');
  if (options.afterId) query.where('id', '>', options.afterId);
  if (options.onlyId) query.where('id', options.onlyId);
  const messages = await query;
  if (messages.length === 0) return [];
  const ids = messages.map((m) => m.id);
  const agentIds = [...new Set(messages.filter((m) => m.authorType === 'agent' && m.authorId).map((m) => m.authorId!))];
  const [files, agents] = await Promise.all([
    Attachment.query(knex).whereIn('messageId', ids).where('inline', false).orderBy('id'),
    agentIds.length ? Agent.query(knex).whereIn('id', agentIds).select('id', 'name') : Promise.resolve([] as Agent[]),
  ]);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return messages.map((m) => {
    const meta = (fromJsonColumn<Record<string, unknown> | null>(m.meta) ?? {}) as Record<string, unknown>;
    return {
      id: m.id,
      authorType: m.authorType,
      authorName: m.authorType === 'agent' && m.authorId ? (names.get(m.authorId) ?? null) : null,
      channel: m.channel,
      text: m.bodyText,
      purpose: typeof meta.purpose === 'string' ? meta.purpose : null,
      createdAt: Number(m.createdAt),
      citations: citationsOf(meta.citations),
      attachments: files
        .filter((f) => f.messageId === m.id)
        .map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType, size: Number(f.size) })),
    };
  });
}

/** Only well-formed citations with http(s) links are shown. */
export function citationsOf(value: unknown): CitationItem[] {
  if (!Array.isArray(value)) return [];
  const out: CitationItem[] = [];
  for (const c of value) {
    if (!c || typeof c.title !== 'string' || typeof c.url !== 'string') continue;
    try {
      const url = new URL(c.url);
      if (url.protocol === 'https:' || url.protocol === 'http:') out.push({ title: c.title.slice(0, 300), url: url.href });
    } catch {
      // not a link we can show
    }
  }
  return out;
}

export interface HistoryItem {
  type: string;
  actorType: AuthorType;
  data: Record<string, unknown>;
  createdAt: number;
}

/** The ticket's history as the customer may see it (no assignment details). */
export async function history(knex: Knex, ticketId: number): Promise<HistoryItem[]> {
  const events = await TicketEvent.query(knex).where({ ticketId }).whereNot('type', 'message').orderBy('id');
  return events.map((e) => ({
    type: e.type,
    actorType: e.actorType,
    data: (fromJsonColumn<Record<string, unknown> | null>(e.data) ?? {}) as Record<string, unknown>,
    createdAt: Number(e.createdAt),
  }));
}

/** A file on one of the customer's tickets (not an internal note's), or NotFoundError. */
export async function ownAttachment(knex: Knex, customerId: number, number: number, attachmentId: number): Promise<Attachment> {
  const ticket = await ownTicket(knex, customerId, number);
  const row = Number.isSafeInteger(attachmentId)
    ? await knex('attachments as a')
        .join('messages as m', 'm.id', 'a.messageId')
        .where({ 'a.id': attachmentId, 'm.ticketId': ticket.id, 'm.internal': false })
        .first('a.*')
    : undefined;
  if (!row) throw new NotFoundError(`file ${attachmentId}`);
  return Attachment.fromDatabaseJson(row);
}

export interface CsatView {
  score: number;
  comment: string | null;
}

export async function csatOf(knex: Knex, ticketId: number): Promise<CsatView | null> {
  const row = await knex('ratings').where({ ticketId, kind: 'csat' }).first('score', 'comment');
  return row ? { score: Number(row.score), comment: row.comment } : null;
}

export interface PendingSurvey {
  ticketId: number;
  number: number;
  subject: string;
  sentAt: number;
}

export async function pendingSurveys(knex: Knex, customerId: number): Promise<PendingSurvey[]> {
  const rows = await knex('surveys as s')
    .join('tickets as t', 't.id', 's.ticketId')
    .where({ 's.customerId': customerId, 't.customerId': customerId })
    .whereNull('s.answeredAt')
    .orderBy('s.sentAt', 'desc')
    .limit(50)
    .select('t.id as ticketId', 't.number', 't.subject', 's.sentAt');
  return rows.map((r: any) => ({ ticketId: Number(r.ticketId), number: Number(r.number), subject: r.subject, sentAt: Number(r.sentAt) }));
}

/** Median time to the first answer on the customer's tickets (null before any). */
export async function medianFirstResponseMs(knex: Knex, customerId: number): Promise<number | null> {
  const rows = await knex('tickets').where({ customerId }).whereNotNull('firstResponseAt').select('createdAt', 'firstResponseAt').orderBy('id', 'desc').limit(500);
  const spans = rows.map((r: any) => Number(r.firstResponseAt) - Number(r.createdAt)).filter((ms) => ms >= 0).sort((a, b) => a - b);
  if (spans.length === 0) return null;
  const mid = spans.length >> 1;
  return spans.length % 2 ? spans[mid]! : (spans[mid - 1]! + spans[mid]!) / 2;
}

export interface DashboardData {
  open: TicketSummary[];
  waiting: TicketSummary[];
  resolved: TicketSummary[];
  medianFirstResponseMs: number | null;
  surveys: PendingSurvey[];
}

export async function dashboard(knex: Knex, customerId: number, now: number): Promise<DashboardData> {
  const since = now - 30 * 86_400_000;
  const [open, waiting, resolvedRows, median, surveys] = await Promise.all([
    listTickets(knex, customerId, { status: 'open', limit: 5 }),
    listTickets(knex, customerId, { status: 'waiting', limit: 5 }),
    knex('tickets')
      .where({ customerId })
      .whereIn('status', ['resolved', 'closed'])
      .where('resolvedAt', '>=', since)
      .orderBy('resolvedAt', 'desc')
      .limit(5)
      .select(SUMMARY_COLUMNS),
    medianFirstResponseMs(knex, customerId),
    pendingSurveys(knex, customerId),
  ]);
  return { open, waiting, resolved: resolvedRows.map(toSummary), medianFirstResponseMs: median, surveys };
}
