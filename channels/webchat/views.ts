// What the widget is shown: presenters that turn tickets and messages into
// the JSON the chat page renders (over the API and the stream). They decide
// visibility (no internal notes, no agent email addresses, only http(s)
// article links) in one place.
import type { Knex } from 'knex';
import { Agent, Customer, Message, Rating, Survey, Ticket, tickets, type AuthorType, type TicketStatus } from '../../core/index.ts';
import { findConversation } from './conversations.ts';
import type { LinkSigner } from './signing.ts';

export interface AttachmentView {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  image: boolean;
}

export interface CitationView {
  title: string;
  url: string;
}

export interface MessageView {
  id: number;
  author: AuthorType;
  authorName: string | null;
  text: string;
  createdAt: number;
  purpose: string;
  citations: CitationView[];
  attachments: AttachmentView[];
  /** For bot answers: null until rated, then whether the visitor found it helpful. */
  helpful: boolean | null;
  /** Set when the bot handed the conversation to a person with this message. */
  handoff: string | null;
}

export interface ConversationView {
  id: number;
  number: number;
  subject: string;
  status: TicketStatus;
  handler: 'bot' | 'human';
  handoffReason: string | null;
  createdAt: number;
  /** A satisfaction survey went out (on resolution of an answered conversation): offer the rating. */
  surveyed: boolean;
  /** The satisfaction rating, once given. */
  csat: { score: number; comment: string | null } | null;
  /**
   * Email follow-up after a handoff: `ask` from `askAt` (server clock) while no
   * person has answered, `saved` once an address is on file for it.
   */
  followUp: { state: 'none' | 'ask' | 'saved'; askAt: number | null; email: string | null };
}

export interface ConversationSummary {
  id: number;
  number: number;
  subject: string;
  status: TicketStatus;
  handler: 'bot' | 'human';
  updatedAt: number;
  preview: string;
}

const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const FILE_LINK_TTL_MS = 24 * 3600_000;

export interface ViewDeps {
  knex: Knex;
  fileLinks: LinkSigner;
  agentWaitMs: number;
  now: () => number;
}

export class Views {
  constructor(private readonly deps: ViewDeps) {}

  /** A signed download link for an attachment of `customerId`'s ticket. */
  fileUrl(attachmentId: number, customerId: number): string {
    // Rounded expiry: every subscriber of a ticket gets the same link for an hour.
    const hour = 3600_000;
    const expiresAt = Math.ceil((this.deps.now() + FILE_LINK_TTL_MS) / hour) * hour;
    const { exp, sig } = this.deps.fileLinks.sign(fileSubject(attachmentId, customerId), expiresAt);
    return `/chat/files/${attachmentId}?exp=${exp}&sig=${sig}`;
  }

  async messages(ticket: Ticket, options: { afterId?: number; ids?: number[] } = {}): Promise<MessageView[]> {
    const { knex } = this.deps;
    const query = tickets.listMessages(knex, ticket.id, { afterId: options.afterId });
    if (options.ids) query.whereIn('id', options.ids);
    const messages = await query.limit(500);
    return this.present(ticket, messages);
  }

  async message(ticket: Ticket, messageId: number): Promise<MessageView | undefined> {
    const [view] = await this.messages(ticket, { ids: [messageId] });
    return view;
  }

  async conversation(ticket: Ticket): Promise<ConversationView> {
    const { knex } = this.deps;
    // Rating state matters once the conversation is over; follow-up once a
    // person has it. A live bot conversation (the common case) costs no query.
    const over = ticket.status === 'resolved' || ticket.status === 'closed';
    const [csat, survey, followUp] = await Promise.all([
      over ? Rating.query(knex).findOne({ subjectKey: `csat:${ticket.id}` }) : undefined,
      over ? Survey.query(knex).findOne({ ticketId: ticket.id }).select('id') : undefined,
      this.followUp(ticket),
    ]);
    return {
      id: ticket.id,
      number: ticket.number,
      subject: ticket.subject,
      status: ticket.status,
      handler: ticket.handler,
      handoffReason: ticket.handoffReason,
      createdAt: ticket.createdAt,
      surveyed: Boolean(survey),
      csat: csat ? { score: csat.score, comment: csat.comment } : null,
      followUp,
    };
  }

  async list(customerId: number): Promise<ConversationSummary[]> {
    const { knex } = this.deps;
    const rows = await Ticket.query(knex).where({ customerId, channel: 'webchat' }).orderBy('updatedAt', 'desc').orderBy('id', 'desc').limit(50);
    if (rows.length === 0) return [];
    const lastIds = await knex('messages')
      .whereIn('ticketId', rows.map((t) => t.id))
      .where('internal', false)
      .groupBy('ticketId')
      .select('ticketId', knex.raw('max(id) as last_id'));
    const last = await Message.query(knex).whereIn('id', lastIds.map((r: any) => r.lastId)).select('ticketId', 'bodyText');
    const previews = new Map(last.map((m) => [m.ticketId, m.bodyText]));
    return rows.map((t) => ({
      id: t.id,
      number: t.number,
      subject: t.subject,
      status: t.status,
      handler: t.handler,
      updatedAt: t.updatedAt,
      preview: oneLine(previews.get(t.id) ?? '', 120),
    }));
  }

  /** Presents messages already loaded (internal notes must have been left out by the caller). */
  async present(ticket: Ticket, messages: Message[]): Promise<MessageView[]> {
    if (messages.length === 0) return [];
    const { knex } = this.deps;
    const ids = messages.map((m) => m.id);
    const botIds = messages.filter((m) => m.authorType === 'bot').map((m) => m.id);
    const agentIds = [...new Set(messages.filter((m) => m.authorType === 'agent' && m.authorId).map((m) => m.authorId!))];
    const [attachments, ratings, agents] = await Promise.all([
      tickets.listAttachments(knex, ids),
      botIds.length ? Rating.query(knex).where('kind', 'answer').whereIn('messageId', botIds).select('messageId', 'score') : Promise.resolve([] as Rating[]),
      agentIds.length ? Agent.query(knex).whereIn('id', agentIds).select('id', 'name') : Promise.resolve([] as Agent[]),
    ]);
    const helpful = new Map(ratings.map((r) => [r.messageId, r.score > 0]));
    const agentName = new Map(agents.map((a) => [a.id, a.name]));
    return messages.map((m) => {
      const meta = m.meta ?? {};
      return {
        id: m.id,
        author: m.authorType,
        authorName: m.authorType === 'agent' ? (agentName.get(m.authorId!) ?? 'Support team') : null,
        text: m.bodyText,
        createdAt: m.createdAt,
        purpose: typeof meta.purpose === 'string' ? meta.purpose : 'reply',
        citations: this.citations(meta.citations),
        attachments: attachments
          .filter((a) => a.messageId === m.id)
          .map((a) => ({
            id: a.id,
            filename: a.filename,
            contentType: a.contentType,
            size: a.size,
            url: this.fileUrl(a.id, ticket.customerId),
            image: INLINE_IMAGES.has(a.contentType),
          })),
        helpful: helpful.get(m.id) ?? null,
        handoff: handoffReason(meta.handoff),
      };
    });
  }

  /**
   * Article links from the bot: absolute http(s) URLs, or paths on this
   * service (kept relative, so the chat page resolves them against the
   * origin it was loaded from). Anything else (javascript:, data:...) is dropped.
   */
  private citations(raw: unknown): CitationView[] {
    if (!Array.isArray(raw)) return [];
    const seen = new Set<string>();
    const out: CitationView[] = [];
    for (const c of raw) {
      if (!c || typeof c !== 'object') continue;
      const { title, url } = c as { title?: unknown; url?: unknown };
      if (typeof title !== 'string' || typeof url !== 'string' || !title.trim()) continue;
      const link = linkTarget(url);
      if (!link || seen.has(link)) continue;
      seen.add(link);
      out.push({ title: oneLine(title, 200), url: link });
    }
    return out;
  }

  private async followUp(ticket: Ticket): Promise<ConversationView['followUp']> {
    const { knex } = this.deps;
    const live = ticket.status === 'open' || ticket.status === 'pending';
    if (ticket.handler !== 'human' || !live) return { state: 'none', askAt: null, email: null };
    const row = await findConversation(knex, ticket.id);
    if (row?.followUpEmail) return { state: 'saved', askAt: null, email: row.followUpEmail };
    const handedOff = await knex('ticketEvents').where({ ticketId: ticket.id, type: 'handed_off' }).max('createdAt as at').first();
    const since = Number(handedOff?.at ?? ticket.updatedAt);
    const answered = await knex('messages')
      .where({ ticketId: ticket.id, authorType: 'agent', internal: false })
      .where('createdAt', '>=', since)
      .first('id');
    if (answered) return { state: 'none', askAt: null, email: null };
    const customer = await Customer.query(knex).findById(ticket.customerId).select('email');
    return { state: 'ask', askAt: since + this.deps.agentWaitMs, email: customer?.email ?? null };
  }
}

export function fileSubject(attachmentId: number, customerId: number): string {
  return `file:${attachmentId}:${customerId}`;
}

function handoffReason(raw: unknown): string | null {
  const reason = raw && typeof raw === 'object' ? (raw as { reason?: unknown }).reason : undefined;
  return typeof reason === 'string' ? reason : null;
}

function linkTarget(url: string): string | undefined {
  if (/^\/(?![/\\])/.test(url)) {
    const local = new URL(url, 'http://parley.invalid');
    return local.origin === 'http://parley.invalid' ? `${local.pathname}${local.search}${local.hash}` : undefined;
  }
  try {
    const absolute = new URL(url);
    return absolute.protocol === 'https:' || absolute.protocol === 'http:' ? absolute.href : undefined;
  } catch {
    return undefined;
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
