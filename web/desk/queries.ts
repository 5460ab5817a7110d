// What the desk reads: the inbox (tickets needing a human first), and a
// ticket with everything an agent may see: internal notes, the bot's
// citations and confidence, the handoff reason and each message's delivery.
import type { Knex } from 'knex';
import {
  Agent,
  Attachment,
  fromJsonColumn,
  Message,
  NotFoundError,
  Ticket,
  TicketEvent,
  tickets as ticketQueries,
  CHANNELS,
  PRIORITIES,
  TICKET_STATUSES,
  type AuthorType,
  type ChannelKind,
  type Priority,
  type TicketStatus,
} from '../../core/index.ts';
import { citationsOf, type AttachmentItem, type CitationItem } from '../portal/queries.ts';

export const INBOX_VIEWS = ['human', 'mine', 'all'] as const;
/** Rows one inbox page shows; past that, filters and search narrow it down. */
export const INBOX_PAGE = 100;
export type InboxView = (typeof INBOX_VIEWS)[number];

export interface InboxFilter {
  view: InboxView;
  status?: TicketStatus;
  channel?: ChannelKind;
  priority?: Priority;
  q?: string;
}

/** Reads a filter from a query string; unknown values are ignored, not errors. */
export function parseInboxFilter(query: Record<string, unknown>): InboxFilter {
  const pick = <T extends string>(list: readonly T[], value: unknown): T | undefined => (list.includes(value as T) ? (value as T) : undefined);
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
  return {
    view: pick(INBOX_VIEWS, query.view) ?? 'human',
    status: pick(TICKET_STATUSES, query.status),
    channel: pick(CHANNELS, query.channel),
    priority: pick(PRIORITIES, query.priority),
    q: q || undefined,
  };
}

export function inboxQueryString(filter: InboxFilter, overrides: Partial<InboxFilter> = {}): string {
  const merged = { ...filter, ...overrides };
  const params = new URLSearchParams();
  for (const key of ['view', 'status', 'channel', 'priority', 'q'] as const) {
    const value = merged[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

export interface InboxRow {
  id: number;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: Priority;
  channel: ChannelKind;
  handler: 'bot' | 'human';
  handoffReason: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  customerName: string | null;
  customerEmail: string | null;
  createdAt: number;
  updatedAt: number;
  waitingSince: number;
}

const OPEN_WORK: TicketStatus[] = ['open', 'pending'];

function scoped(knex: Knex, filter: InboxFilter, agentId: number): Knex.QueryBuilder {
  const q = knex('tickets as t');
  if (filter.view === 'human') {
    q.where('t.handler', 'human');
    if (!filter.status) q.where('t.status', 'open');
  } else if (filter.view === 'mine') {
    q.where('t.assigneeId', agentId);
    if (!filter.status) q.whereIn('t.status', OPEN_WORK);
  }
  if (filter.status) q.where('t.status', filter.status);
  if (filter.channel) q.where('t.channel', filter.channel);
  if (filter.priority) q.where('t.priority', filter.priority);
  if (filter.q) {
    const number = /^#?(\d{1,9})$/.exec(filter.q)?.[1];
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => {
      w.whereRaw("lower(t.subject) like ? escape '\\'", [like])
        .orWhereExists(knex('customers as c2').whereRaw('c2.id = t.customer_id').where((c) => c.whereRaw("lower(c2.email) like ? escape '\\'", [like]).orWhereRaw("lower(c2.name) like ? escape '\\'", [like])));
      if (number) w.orWhere('t.number', Number(number));
    });
  }
  return q;
}

/** One page of the inbox. Needing a human: unassigned first, then whoever waited longest. */
export async function inbox(knex: Knex, filter: InboxFilter, agentId: number, limit = INBOX_PAGE): Promise<InboxRow[]> {
  const q = scoped(knex, filter, agentId)
    .leftJoin('customers as c', 'c.id', 't.customerId')
    .leftJoin('agents as a', 'a.id', 't.assigneeId')
    .select(
      't.id', 't.number', 't.subject', 't.status', 't.priority', 't.channel', 't.handler', 't.handoffReason', 't.assigneeId',
      't.createdAt', 't.updatedAt', 't.lastCustomerMessageAt', 'a.name as assigneeName', 'c.name as customerName', 'c.email as customerEmail',
    )
    .limit(limit);
  if (filter.view === 'human') {
    q.orderByRaw('CASE WHEN t.assignee_id IS NULL THEN 0 ELSE 1 END').orderByRaw('COALESCE(t.last_customer_message_at, t.created_at)').orderBy('t.id');
  } else {
    q.orderBy('t.updatedAt', 'desc').orderBy('t.id', 'desc');
  }
  const rows = await q;
  return rows.map((r: any) => ({
    id: Number(r.id),
    number: Number(r.number),
    subject: r.subject,
    status: r.status,
    priority: r.priority,
    channel: r.channel,
    handler: r.handler,
    handoffReason: r.handoffReason ?? null,
    assigneeId: r.assigneeId === null ? null : Number(r.assigneeId),
    assigneeName: r.assigneeName ?? null,
    customerName: r.customerName ?? null,
    customerEmail: r.customerEmail ?? null,
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
    waitingSince: Number(r.lastCustomerMessageAt ?? r.createdAt),
  }));
}

/** How many tickets each tab holds (with the channel and priority filters, not the status one). */
export async function inboxCounts(knex: Knex, filter: InboxFilter, agentId: number): Promise<Record<InboxView, number>> {
  const counts = await Promise.all(
    INBOX_VIEWS.map(async (view) => {
      const [row] = await scoped(knex, { ...filter, view, status: undefined }, agentId).count({ n: '*' });
      return [view, Number(row?.n ?? 0)] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<InboxView, number>;
}

export interface DeliveryState {
  id: number;
  channel: string;
  /** sent | pending (first try) | retrying | failed */
  state: 'sent' | 'sending' | 'retrying' | 'failed';
  attempts: number;
  error: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
}

export interface DeskMessage {
  id: number;
  authorType: AuthorType;
  authorName: string | null;
  channel: ChannelKind;
  text: string;
  internal: boolean;
  purpose: string | null;
  createdAt: number;
  citations: CitationItem[];
  confidence: number | null;
  handoffReason: string | null;
  attachments: AttachmentItem[];
  deliveries: DeliveryState[];
}

export interface DeskTicket {
  ticket: Ticket;
  customer: { id: number; name: string | null; email: string | null; emailVerified: boolean };
  assignee: { id: number; name: string | null; email: string } | null;
}

/** The ticket with this customer-visible number, or NotFoundError. */
export async function deskTicket(knex: Knex, number: number): Promise<DeskTicket> {
  const ticket = Number.isSafeInteger(number) && number > 0 ? await ticketQueries.findTicketByNumber(knex, number) : undefined;
  if (!ticket) throw new NotFoundError(`ticket #${number}`);
  const [customer, assignee] = await Promise.all([
    knex('customers').where({ id: ticket.customerId }).first('id', 'name', 'email', 'emailVerified'),
    ticket.assigneeId ? knex('agents').where({ id: ticket.assigneeId }).first('id', 'name', 'email') : undefined,
  ]);
  return {
    ticket,
    customer: { id: Number(customer.id), name: customer.name ?? null, email: customer.email ?? null, emailVerified: Boolean(customer.emailVerified) },
    assignee: assignee ? { id: Number(assignee.id), name: assignee.name ?? null, email: assignee.email } : null,
  };
}

function deliveryState(row: { status: string; attempts: number }): DeliveryState['state'] {
  if (row.status === 'sent') return 'sent';
  if (row.status === 'dead') return 'failed';
  return row.attempts > 0 && row.status === 'pending' ? 'retrying' : 'sending';
}

/** Every message of the ticket, internal notes included, with files, citations and deliveries. */
export async function deskThread(knex: Knex, ticketId: number): Promise<DeskMessage[]> {
  const messages = await Message.query(knex).where({ ticketId }).orderBy('id');
  if (messages.length === 0) return [];
  const ids = messages.map((m) => m.id);
  const agentIds = [...new Set(messages.filter((m) => m.authorType === 'agent' && m.authorId).map((m) => m.authorId!))];
  const [files, agents, deliveries] = await Promise.all([
    Attachment.query(knex).whereIn('messageId', ids).where('inline', false).orderBy('id'),
    agentIds.length ? Agent.query(knex).whereIn('id', agentIds).select('id', 'name', 'email') : Promise.resolve([] as Agent[]),
    ticketQueries.listDeliveries(knex, ticketId),
  ]);
  const names = new Map(agents.map((a) => [a.id, a.name || a.email]));
  return messages.map((m) => {
    const meta = (fromJsonColumn<Record<string, unknown> | null>(m.meta) ?? {}) as Record<string, unknown>;
    const handoff = meta.handoff as { reason?: unknown } | undefined;
    return {
      id: m.id,
      authorType: m.authorType,
      authorName: m.authorType === 'agent' && m.authorId ? (names.get(m.authorId) ?? null) : null,
      channel: m.channel,
      text: m.bodyText,
      internal: Boolean(m.internal),
      purpose: typeof meta.purpose === 'string' ? meta.purpose : null,
      createdAt: Number(m.createdAt),
      citations: citationsOf(meta.citations),
      confidence: typeof meta.confidence === 'number' ? meta.confidence : null,
      handoffReason: handoff && typeof handoff.reason === 'string' ? handoff.reason : null,
      attachments: files
        .filter((f) => f.messageId === m.id)
        .map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType, size: Number(f.size) })),
      deliveries: deliveries
        .filter((d) => d.messageId === m.id)
        .map((d) => ({
          id: d.id,
          channel: d.channel,
          state: deliveryState(d),
          attempts: Number(d.attempts),
          error: d.lastError,
          nextAttemptAt: Number(d.nextAttemptAt),
          sentAt: d.sentAt === null ? null : Number(d.sentAt),
        })),
    };
  });
}

export interface DeskEvent {
  type: string;
  actorType: AuthorType;
  actorName: string | null;
  data: Record<string, unknown>;
  createdAt: number;
}

/** The ticket's history (everything but messages), with agents' names. */
export async function deskHistory(knex: Knex, ticketId: number): Promise<DeskEvent[]> {
  const events = await TicketEvent.query(knex).where({ ticketId }).whereNot('type', 'message').orderBy('id');
  const agentIds = [...new Set(events.filter((e) => e.actorType === 'agent' && e.actorId).map((e) => e.actorId!))];
  const agents = agentIds.length ? await Agent.query(knex).whereIn('id', agentIds).select('id', 'name', 'email') : [];
  const names = new Map(agents.map((a) => [a.id, a.name || a.email]));
  return events.map((e) => ({
    type: e.type,
    actorType: e.actorType,
    actorName: e.actorType === 'agent' && e.actorId ? (names.get(e.actorId) ?? null) : null,
    data: (fromJsonColumn<Record<string, unknown> | null>(e.data) ?? {}) as Record<string, unknown>,
    createdAt: Number(e.createdAt),
  }));
}

export async function listAgents(knex: Knex): Promise<{ id: number; name: string | null; email: string }[]> {
  const rows = await knex('agents').orderByRaw('lower(coalesce(name, email))').select('id', 'name', 'email');
  return rows.map((r: any) => ({ id: Number(r.id), name: r.name ?? null, email: r.email }));
}

/** The customer's other tickets, newest first (context for the agent). */
export async function otherTickets(knex: Knex, customerId: number, exceptId: number) {
  const rows = await knex('tickets').where({ customerId }).whereNot('id', exceptId).orderBy('updatedAt', 'desc').limit(5).select('number', 'subject', 'status', 'channel', 'updatedAt');
  return rows.map((r: any) => ({ number: Number(r.number), subject: r.subject as string, status: r.status as TicketStatus, channel: r.channel as ChannelKind, updatedAt: Number(r.updatedAt) }));
}
