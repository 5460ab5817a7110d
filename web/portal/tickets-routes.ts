// Ticket routes: list, detail, live stream, files, reply, close / reopen,
// rating, and the new-ticket form with its suggestions and deflection. Every
// route works on the signed-in customer's own tickets only (queries.ts).
import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import type { AttachmentStore, Clock, ConversationCore, Customer } from '../../core/index.ts';
import type { KnowledgeBase } from '../../knowledge/index.ts';
import { formatBytes, readForm, readForms, type MultipartOptions } from '../http/body.ts';
import { csrfState } from '../http/csrf.ts';
import { sendAttachment } from '../http/attachment-response.ts';
import { seeOther, sendHtml, wantsFragment } from '../http/htmx.ts';
import { badRequest } from '../http/http-error.ts';
import type { Chrome } from '../views/layout.tsx';
import { render } from '../views/render.ts';
import { createFromPortal, rateTicket, recordDeflection, replyFromPortal, setTicketOpen } from './actions.ts';
import { customerOf, requireCustomer } from './guard.ts';
import type { LiveTickets } from './live.ts';
import type { TicketListCache } from './list-cache.ts';
import { DashboardPage } from './pages/dashboard.tsx';
import type { PageContext } from './pages/context.ts';
import { DeflectedPage, NewTicketPage, Suggestions, type NewTicketState, type Suggestion } from './pages/new-ticket.tsx';
import { SurveysPage } from './pages/surveys.tsx';
import { TicketPage, type ReplyFormState } from './pages/ticket-detail.tsx';
import { TicketListPage, TicketResults } from './pages/ticket-list.tsx';
import { csatOf, dashboard, history, listTickets, ownAttachment, ownTicket, pendingSurveys, STATUS_FILTERS, thread, type StatusFilter } from './queries.ts';

export interface PortalSettings {
  maxFiles: number;
  maxFileBytes: number;
}

export interface TicketRouteDeps {
  core: ConversationCore;
  knex: Knex;
  clock: Clock;
  chrome: Chrome;
  attachments: AttachmentStore;
  live: LiveTickets;
  listCache: TicketListCache;
  knowledge?: KnowledgeBase;
  settings: PortalSettings;
}

const FORM_ID = /^[A-Za-z0-9-]{8,64}$/;
const MAX_TEXT = 20_000;

export function pageContext(ctx: Context, chrome: Chrome, clock: Clock, viewer: Customer | null): PageContext {
  return { chrome, csrfToken: csrfState(ctx).token, viewer: viewer ? { name: viewer.name, email: viewer.email } : null, now: clock.now() };
}

function ticketNumber(ctx: Context): number {
  const raw = String(ctx.params.number ?? '');
  return /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

export function ticketRoutes(router: Router, deps: TicketRouteDeps): void {
  const { knex, clock, chrome, settings } = deps;
  const signedIn = requireCustomer(knex);
  const page = (ctx: Context) => pageContext(ctx, chrome, clock, customerOf(ctx));
  const uploadLimits: MultipartOptions = { store: deps.attachments, maxFileBytes: settings.maxFileBytes, maxFiles: settings.maxFiles, maxFieldBytes: 128 * 1024 };
  const fileSize = formatBytes(settings.maxFileBytes);

  router.get('/', signedIn, async (ctx) => {
    const customer = customerOf(ctx);
    const data = await dashboard(knex, customer.id, clock.now());
    await render(ctx, DashboardPage({ ...page(ctx), data, articles: await suggestedArticles(deps.knowledge, [...data.waiting, ...data.open].map((t) => t.subject)) }));
  });

  router.get('/tickets', signedIn, async (ctx) => {
    const status = (STATUS_FILTERS as readonly string[]).includes(String(ctx.query.status)) ? (ctx.query.status as StatusFilter) : 'all';
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 200) : '';
    const customerId = customerOf(ctx).id;
    const renderResults = async () => TicketResults({ tickets: await listTickets(knex, customerId, { status, q }), now: clock.now(), q, status });
    // The plain lists (no search) are the busiest page: reused while unchanged.
    const results = q ? await renderResults() : await deps.listCache.rows(customerId, status, renderResults);
    if (wantsFragment(ctx, 'ticket-results')) return sendHtml(ctx, results);
    await render(ctx, TicketListPage({ ...page(ctx), results, q, status }));
  });

  // ---- new ticket ---------------------------------------------------------

  router.get('/tickets/new', signedIn, async (ctx) => {
    const state: NewTicketState = { formId: randomUUID() };
    const slug = typeof ctx.query.article === 'string' ? ctx.query.article : '';
    const article = slug && deps.knowledge ? await deps.knowledge.getArticleBySlug(slug.slice(0, 200)) : undefined;
    if (article) {
      state.aboutArticle = article.slug;
      state.subject = `About “${article.title}”`.slice(0, 300);
    }
    await render(ctx, NewTicketPage({ ...page(ctx), state, suggestions: [], maxFiles: settings.maxFiles, maxFileSize: fileSize }));
  });

  router.get('/tickets/new/suggestions', signedIn, async (ctx) => {
    const subject = typeof ctx.query.subject === 'string' ? ctx.query.subject : '';
    const text = typeof ctx.query.text === 'string' ? ctx.query.text : '';
    const query = `${subject}\n${text}`.trim().slice(0, 2000);
    sendHtml(ctx, await Suggestions({ suggestions: await suggestionsFor(deps.knowledge, query), query }));
  });

  router.post('/tickets/new', signedIn, async (ctx) => {
    const customer = customerOf(ctx);
    const { fields, files } = await readForms(ctx, uploadLimits);
    const formId = fields.get('formId') ?? '';
    if (!FORM_ID.test(formId)) throw badRequest('This form is incomplete. Please reload the page and try again.');
    const subject = (fields.get('subject') ?? '').trim();
    const text = (fields.get('text') ?? '').trim();
    const aboutArticle = (fields.get('article') ?? '').slice(0, 200) || undefined;
    const errors: NewTicketState['errors'] = {};
    if (!subject) errors.subject = 'Please give your ticket a subject.';
    else if (subject.length > 300) errors.subject = 'Please keep the subject under 300 characters.';
    if (!text && files.length === 0) errors.text = 'Please describe what you need.';
    else if (text.length > MAX_TEXT) errors.text = `Please keep your message under ${MAX_TEXT} characters.`;
    if (errors.subject || errors.text) {
      const suggestions = await suggestionsFor(deps.knowledge, `${subject}\n${text}`.trim());
      const state = { formId, subject: subject.slice(0, 300), text: text.slice(0, MAX_TEXT), aboutArticle, errors };
      return render(ctx, NewTicketPage({ ...page(ctx), state, suggestions, maxFiles: settings.maxFiles, maxFileSize: fileSize }), 422);
    }
    const ticket = await createFromPortal(deps, { customer, formId, subject, text: text || '(files attached)', files, aboutArticle });
    seeOther(ctx, `/tickets/${ticket.number}`);
  });

  router.post('/tickets/new/solved', signedIn, async (ctx) => {
    const form = await readForm(ctx);
    const articleId = Number(form.get('articleId'));
    const article = Number.isSafeInteger(articleId) && articleId > 0 && deps.knowledge ? await deps.knowledge.getArticle(articleId) : undefined;
    if (!article) throw badRequest('We could not find that article.');
    await recordDeflection(deps, { customerId: customerOf(ctx).id, articleId: article.id, query: form.get('q') ?? '' });
    await render(ctx, DeflectedPage({ ...page(ctx), title: article.title, slug: article.slug }));
  });

  // ---- one ticket ---------------------------------------------------------

  async function showTicket(ctx: Context, status = 200, extra: { reply?: ReplyFormState; ratingError?: string } = {}) {
    const customer = customerOf(ctx);
    const ticket = await ownTicket(knex, customer.id, ticketNumber(ctx));
    const [items, events, csat] = await Promise.all([thread(knex, ticket.id), history(knex, ticket.id), csatOf(knex, ticket.id)]);
    const lastId = items.at(-1)?.id ?? 0;
    await render(
      ctx,
      TicketPage({
        ...page(ctx),
        view: { ticket, thread: items, history: events, csat },
        reply: extra.reply ?? { formId: randomUUID() },
        streamUrl: `/tickets/${ticket.number}/stream?after=${lastId}`,
        maxFiles: settings.maxFiles,
        maxFileSize: fileSize,
        ratingError: extra.ratingError,
      }),
      status,
    );
  }

  router.get('/tickets/:number', signedIn, (ctx) => showTicket(ctx));

  router.get('/tickets/:number/stream', signedIn, async (ctx) => {
    const lastEventId = Number(ctx.get('last-event-id') || ctx.query.after || 0);
    await deps.live.attach(ctx, {
      customerId: customerOf(ctx).id,
      number: ticketNumber(ctx),
      csrfToken: csrfState(ctx).token,
      afterId: Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0,
    });
  });

  router.get('/tickets/:number/files/:id', signedIn, async (ctx) => {
    const raw = String(ctx.params.id ?? '');
    const file = await ownAttachment(knex, customerOf(ctx).id, ticketNumber(ctx), /^\d{1,12}$/.test(raw) ? Number(raw) : 0);
    sendAttachment(ctx, deps.attachments, file);
  });

  router.post('/tickets/:number/reply', signedIn, async (ctx) => {
    const customer = customerOf(ctx);
    const ticket = await ownTicket(knex, customer.id, ticketNumber(ctx));
    const { fields, files } = await readForms(ctx, uploadLimits);
    const formId = fields.get('formId') ?? '';
    if (!FORM_ID.test(formId)) throw badRequest('This form is incomplete. Please reload the page and try again.');
    const text = (fields.get('text') ?? '').trim();
    let error: string | undefined;
    if (!text && files.length === 0) error = 'Please write a message or attach a file.';
    else if (text.length > MAX_TEXT) error = `Please keep your message under ${MAX_TEXT} characters.`;
    if (error) return showTicket(ctx, 422, { reply: { formId, text: text.slice(0, MAX_TEXT), error } });
    await replyFromPortal(deps, { ticket, customer, formId, text: text || '(files attached)', files });
    seeOther(ctx, `/tickets/${ticket.number}`);
  });

  router.post('/tickets/:number/close', signedIn, async (ctx) => {
    const customer = customerOf(ctx);
    const ticket = await ownTicket(knex, customer.id, ticketNumber(ctx));
    await setTicketOpen(deps, ticket, customer.id, false);
    seeOther(ctx, `/tickets/${ticket.number}`);
  });

  router.post('/tickets/:number/reopen', signedIn, async (ctx) => {
    const customer = customerOf(ctx);
    const ticket = await ownTicket(knex, customer.id, ticketNumber(ctx));
    await setTicketOpen(deps, ticket, customer.id, true);
    seeOther(ctx, `/tickets/${ticket.number}`);
  });

  router.post('/tickets/:number/rating', signedIn, async (ctx) => {
    const customer = customerOf(ctx);
    const ticket = await ownTicket(knex, customer.id, ticketNumber(ctx));
    const form = await readForm(ctx);
    const score = Number(form.get('score'));
    if (!Number.isInteger(score) || score < 1 || score > 5) return showTicket(ctx, 422, { ratingError: 'Please choose a rating from 1 to 5.' });
    const comment = (form.get('comment') ?? '').trim().slice(0, 2000) || undefined;
    await rateTicket(deps, ticket, score, comment);
    const back = form.get('back');
    seeOther(ctx, back === '/surveys' ? '/surveys' : `/tickets/${ticket.number}#ticket-rating`);
  });

  router.get('/surveys', signedIn, async (ctx) => {
    await render(ctx, SurveysPage({ ...page(ctx), surveys: await pendingSurveys(knex, customerOf(ctx).id) }));
  });
}

async function suggestionsFor(kb: KnowledgeBase | undefined, query: string): Promise<Suggestion[]> {
  // Too little to go on: a few letters match everything.
  if (!kb || query.replace(/\s+/g, ' ').trim().length < 4) return [];
  const hits = await kb.search(query, { limit: 3, passages: 1 });
  return hits.filter((h) => h.score >= 0.1).map((h) => ({ articleId: h.article.id, slug: h.article.slug, title: h.article.title, summary: h.article.summary }));
}

async function suggestedArticles(kb: KnowledgeBase | undefined, subjects: string[]) {
  if (!kb) return [];
  const query = subjects.slice(0, 3).join('\n');
  const hits = query ? (await kb.search(query, { limit: 4, passages: 1 })).filter((h) => h.score >= 0.1) : [];
  const articles = hits.length ? hits.map((h) => h.article) : await kb.listArticles({ limit: 4 });
  return articles.map((a) => ({ slug: a.slug, title: a.title, summary: a.summary }));
}

