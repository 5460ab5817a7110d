// The ticket view and what an agent does there: reply on the customer's
// channel (through the outbox) or add an internal note, with files; change
// status, priority and assignee; take over from the bot or hand back; retry
// a failed delivery; draft a reply with the bot or insert an article link.
// Every change goes through the core, so history, analytics and live
// updates (portal, widget, other agents) follow by themselves.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { InvalidInputError, Message, NotFoundError, PRIORITIES, TICKET_STATUSES, type AttachmentStore, type Priority, type TicketStatus } from '../../core/index.ts';
import { conversationBefore } from '../../core/bot/index.ts';
import { sendAttachment } from '../http/attachment-response.ts';
import { readForm, readForms, type MultipartOptions } from '../http/body.ts';
import { seeOther, isHtmx, wantsFragment } from '../http/htmx.ts';
import { badRequest } from '../http/http-error.ts';
import { CHANNEL_LABELS } from '../views/format.ts';
import { render } from '../views/render.ts';
import { deskPage, type DeskDeps } from './context.ts';
import { agentOf } from './guard.ts';
import type { DeskLive } from './live.ts';
import { Composer, DeskTicketPage, TicketLive, TicketSide, type ComposerState, type SideData, type SuggestedArticle } from './pages/ticket.tsx';
import { deskHistory, deskThread, deskTicket, listAgents, otherTickets, type DeskTicket } from './queries.ts';

export interface DeskTicketDeps extends DeskDeps {
  live: DeskLive;
  attachments: AttachmentStore;
  uploads: { maxFileBytes: number; maxFiles: number };
}

const MAX_TEXT = 20_000;

function ticketNumber(ctx: Context): number {
  const raw = String(ctx.params.number ?? '');
  return /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

export function deskTicketRoutes(router: Router, deps: DeskTicketDeps): void {
  const { knex, core } = deps;
  const uploadLimits: MultipartOptions = { store: deps.attachments, maxFileBytes: deps.uploads.maxFileBytes, maxFiles: deps.uploads.maxFiles, maxFieldBytes: 128 * 1024 };
  const actor = (ctx: Context) => ({ type: 'agent' as const, id: agentOf(ctx).id });

  async function sideData(detail: DeskTicket, thread?: Awaited<ReturnType<typeof deskThread>>): Promise<SideData> {
    const { ticket } = detail;
    const [agents, history, others, suggestions] = await Promise.all([
      listAgents(knex),
      deskHistory(knex, ticket.id),
      otherTickets(knex, ticket.customerId, ticket.id),
      suggestArticles(thread ?? (await deskThread(knex, ticket.id)), ticket.subject),
    ]);
    return { agents, history, otherTickets: others, suggestions };
  }

  async function suggestArticles(thread: Awaited<ReturnType<typeof deskThread>>, subject: string): Promise<SuggestedArticle[]> {
    if (!deps.knowledge) return [];
    const lastCustomer = [...thread].reverse().find((m) => m.authorType === 'customer');
    const query = `${subject}\n${lastCustomer?.text ?? ''}`.slice(0, 2000).trim();
    if (query.length < 4) return [];
    const hits = await deps.knowledge.search(query, { limit: 5, passages: 1 });
    return hits.filter((h) => h.score >= 0.1).map((h) => ({ id: h.article.id, title: h.article.title, url: deps.knowledge!.articleUrl(h.article.slug), score: h.score }));
  }

  async function showTicket(ctx: Context, composer: ComposerState = {}, status = 200): Promise<void> {
    const detail = await deskTicket(knex, ticketNumber(ctx));
    const page = deskPage(ctx, deps);
    const thread = await deskThread(knex, detail.ticket.id);
    if (wantsFragment(ctx, 'ticket-live')) return render(ctx, TicketLive({ detail, thread, page }));
    await render(ctx, DeskTicketPage({ page, detail, thread, side: await sideData(detail, thread), composer }), status);
  }

  /** After a change: htmx gets the fresh fragments by event, a plain form goes back to the page. */
  function changed(ctx: Context, number: number): void {
    if (isHtmx(ctx)) ctx.set('HX-Trigger', 'desk-changed');
    seeOther(ctx, `/desk/tickets/${number}`);
  }

  router.get('/desk/tickets/:number', (ctx) => showTicket(ctx));

  router.get('/desk/tickets/:number/side', async (ctx) => {
    const detail = await deskTicket(knex, ticketNumber(ctx));
    await render(ctx, TicketSide({ detail, side: await sideData(detail), page: deskPage(ctx, deps) }));
  });

  router.get('/desk/tickets/:number/stream', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    deps.live.attach(ctx, ticket.id);
  });

  router.get('/desk/tickets/:number/files/:id', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    const raw = String(ctx.params.id ?? '');
    const row = /^\d{1,12}$/.test(raw)
      ? await knex('attachments as a').join('messages as m', 'm.id', 'a.messageId').where({ 'a.id': Number(raw), 'm.ticketId': ticket.id }).first('a.*')
      : undefined;
    if (!row) throw new NotFoundError(`file ${raw}`);
    sendAttachment(ctx, deps.attachments, row);
  });

  router.post('/desk/tickets/:number/reply', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    const agent = agentOf(ctx);
    const { fields, files } = await readForms(ctx, uploadLimits);
    const text = (fields.get('text') ?? '').trim();
    const mode = fields.get('mode') === 'note' ? 'note' : 'reply';
    const status = fields.get('status') ?? '';
    let error: string | undefined;
    if (!text && files.length === 0) error = mode === 'note' ? 'Write the note first.' : 'Write a reply first.';
    else if (text.length > MAX_TEXT) error = `Please keep it under ${MAX_TEXT} characters.`;
    else if (status && !(TICKET_STATUSES as readonly string[]).includes(status)) error = 'Choose a status from the list.';
    else if (ticket.status === 'closed' && mode === 'reply') error = 'This ticket is closed: the customer can no longer be answered here.';
    if (error) return composerOr(ctx, { text: text.slice(0, MAX_TEXT), mode, error }, 422);

    const internal = mode === 'note';
    const by = { type: 'agent' as const, id: agent.id };
    if (!internal) {
      // Answering takes the ticket, as in any help desk: the bot stops
      // answering it and, if nobody holds it, it becomes this agent's.
      if (ticket.handler === 'bot') await core.handOff(ticket.id, 'agent', by);
      if (!ticket.assigneeId) await core.assign(ticket.id, agent.id, by);
    }
    const result = await core.reply({
      ticketId: ticket.id,
      authorType: 'agent',
      authorId: agent.id,
      text: text || '(files attached)',
      internal,
      attachments: files.map((f) => ({ sha256: f.sha256, filename: f.filename, contentType: f.contentType, size: f.size })),
    });
    // A note changes nothing for the customer; a reply may set the status
    // (through changeStatus, so a resolution is counted and surveyed).
    if (!internal && status) await core.changeStatus(ticket.id, status as TicketStatus, by);
    const notice = internal ? 'Note added. The customer does not see it.' : `Reply sent to the outbox for delivery by ${CHANNEL_LABELS[result.ticket.channel]}.`;
    if (isHtmx(ctx)) {
      ctx.set('HX-Trigger', 'desk-changed');
      return render(ctx, Composer({ number: ticket.number, csrfToken: deskPage(ctx, deps).csrfToken, state: { notice, mode }, channel: ticket.channel }));
    }
    seeOther(ctx, `/desk/tickets/${ticket.number}`);
  });

  async function composerOr(ctx: Context, state: ComposerState, status: number): Promise<void> {
    if (isHtmx(ctx)) {
      const detail = await deskTicket(knex, ticketNumber(ctx));
      return render(ctx, Composer({ number: detail.ticket.number, csrfToken: deskPage(ctx, deps).csrfToken, state, channel: detail.ticket.channel }), status);
    }
    await showTicket(ctx, state, status);
  }

  router.get('/desk/tickets/:number/draft', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    const typed = typeof ctx.query.text === 'string' ? ctx.query.text.slice(0, MAX_TEXT) : '';
    const articleId = Number(ctx.query.article);
    let state: ComposerState;
    if (Number.isSafeInteger(articleId) && articleId > 0) {
      const article = await deps.knowledge?.getArticle(articleId);
      if (!article) throw new NotFoundError(`article ${articleId}`);
      const link = `${article.title}: ${deps.knowledge!.articleUrl(article.slug)}`;
      state = { text: typed.trim() ? `${typed.trimEnd()}\n\n${link}` : link };
    } else {
      state = await botDraft(ticket.id, typed);
    }
    await render(ctx, Composer({ number: ticket.number, csrfToken: deskPage(ctx, deps).csrfToken, state, channel: ticket.channel }));
  });

  async function botDraft(ticketId: number, typed: string): Promise<ComposerState> {
    if (!deps.knowledge) return { text: typed, error: 'The knowledge base is switched off, so the bot cannot draft.' };
    const last = await Message.query(knex).where({ ticketId, authorType: 'customer', internal: false }).orderBy('id', 'desc').first();
    if (!last) return { text: typed, error: 'The customer has not written anything to answer yet.' };
    const history = await conversationBefore(knex, ticketId, last.id, 6);
    const answer = await deps.knowledge.answer(last.bodyText, history);
    const sources = answer.citations.map((c) => `${c.title}: ${c.url}`);
    const text = answer.handoff ? typed : [answer.text, ...(sources.length && !answer.text.includes(sources[0]!.split(': ')[1]!) ? ['', ...sources] : [])].join('\n');
    const confidence = `${Math.round(answer.confidence * 100)}%`;
    return answer.handoff
      ? { text, error: `The bot has no confident answer (${confidence}). Try the suggested articles.` }
      : { text, notice: `Draft from the bot (confidence ${confidence}). Check and edit it before sending.` };
  }

  router.post('/desk/tickets/:number/properties', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    const form = await readForm(ctx);
    const status = form.get('status');
    const priority = form.get('priority');
    const assignee = form.get('assignee');
    if (status !== null && !(TICKET_STATUSES as readonly string[]).includes(status)) throw new InvalidInputError(`unknown status ${JSON.stringify(status)}`);
    if (priority !== null && !(PRIORITIES as readonly string[]).includes(priority)) throw new InvalidInputError(`unknown priority ${JSON.stringify(priority)}`);
    if (assignee !== null && assignee !== '' && !/^\d{1,9}$/.test(assignee)) throw badRequest('Choose an assignee from the list.');
    const by = actor(ctx);
    if (assignee !== null) await core.assign(ticket.id, assignee === '' ? null : Number(assignee), by);
    if (priority !== null) await core.changePriority(ticket.id, priority as Priority, by);
    if (status !== null) await core.changeStatus(ticket.id, status as TicketStatus, by);
    changed(ctx, ticket.number);
  });

  router.post('/desk/tickets/:number/take', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    await readForm(ctx);
    const by = actor(ctx);
    await core.handOff(ticket.id, 'agent', by);
    await core.assign(ticket.id, by.id, by);
    changed(ctx, ticket.number);
  });

  router.post('/desk/tickets/:number/hand-back', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    await readForm(ctx);
    await core.handBack(ticket.id, actor(ctx));
    changed(ctx, ticket.number);
  });

  router.post('/desk/tickets/:number/deliveries/:id/retry', async (ctx) => {
    const { ticket } = await deskTicket(knex, ticketNumber(ctx));
    await readForm(ctx);
    const raw = String(ctx.params.id ?? '');
    if (!/^\d{1,12}$/.test(raw)) throw new NotFoundError(`delivery ${raw}`);
    await core.retryDelivery(ticket.id, Number(raw), actor(ctx));
    changed(ctx, ticket.number);
  });
}

