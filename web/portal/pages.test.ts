// The portal's pages and actions over real HTTP: dashboard, list and search,
// new tickets with suggestions and deflection, replies with files on any
// channel, live updates, the help centre, and the page-level security and
// error conventions.
import test from 'ava';
import { buildAgent, buildCustomer, buildTicket } from '../../core/testing/factories.ts';
import { startTestParley, type TestParley } from '../testing/test-parley.ts';
import { eventually, openStream, PortalClient } from './testing/portal-client.ts';

let service: TestParley;

test.before(async () => {
  service = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', KB_BOT: 'false' } });
});

test.after.always(async () => {
  await service?.close();
});

let seq = 0;
async function customer(name = 'Ada Lovelace') {
  const email = `c${++seq}-${Date.now()}@example.com`;
  const row = await buildCustomer(service.parley.db.knex, { email, name });
  const client = new PortalClient(service.url);
  await client.signIn(service.parley, email);
  return { client, customer: row };
}

const HTMX = (target: string) => ({ 'hx-request': 'true', 'hx-target': target });

test('pages carry a strict CSP, nosniff, no framing, and htmx from our own origin with eval off', async (t) => {
  const { client } = await customer();
  const { res, html } = await client.get('/');
  const csp = res.headers.get('content-security-policy')!;
  t.regex(csp, /script-src 'self'(;|$)/);
  t.notRegex(csp, /unsafe-inline|unsafe-eval/);
  t.regex(csp, /frame-ancestors 'none'/);
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  t.is(res.headers.get('x-frame-options'), 'DENY');
  t.notRegex(html, /<script>|<script [^>]*>[^<]|\son[a-z]+="|style="/i, 'no inline script, handlers or styles');
  t.regex(html, /&#34;allowEval&#34;:false/);
  const src = /<script src="(\/assets\/htmx\.min\.js\?v=[^"]+)"/.exec(html)![1]!;
  const htmx = await client.request('GET', src);
  t.is(htmx.status, 200);
  t.regex(htmx.headers.get('content-type')!, /text\/javascript/);
  t.regex(htmx.headers.get('cache-control')!, /immutable/);
  t.regex(await htmx.text(), /htmx/);
});

test('the dashboard shows waiting, open and resolved tickets, response time, surveys and articles', async (t) => {
  const { client, customer: c } = await customer('Grace Hopper');
  const knex = service.parley.db.knex;
  const now = Date.now();
  await buildTicket(knex, { customerId: c.id, subject: 'Cannot reset my password', status: 'open', createdAt: now - 7_200_000, firstResponseAt: now - 7_200_000 + 600_000 } as any);
  await buildTicket(knex, { customerId: c.id, subject: 'Need your invoice details', status: 'pending', createdAt: now - 3_600_000, firstResponseAt: now - 3_600_000 + 1_800_000 } as any);
  const done = await buildTicket(knex, { customerId: c.id, subject: 'Refund arrived?', status: 'resolved', resolvedAt: now - 86_400_000 } as any);
  await knex('surveys').insert({ ticketId: done.id, customerId: c.id, channel: 'webchat', sentAt: now });

  const { res, html } = await client.get('/');
  t.is(res.status, 200);
  t.regex(html, /Hello, Grace/);
  t.regex(html, /Waiting for you<\/h2>.*Need your invoice details/s);
  t.regex(html, /Open<\/h2>.*Cannot reset my password/s);
  t.regex(html, /Recently resolved<\/h2>.*Refund arrived\?/s);
  t.regex(html, /20 minutes/, 'median of 10 and 30 minutes');
  t.regex(html, /1 ticket is waiting for your rating/);
  t.regex(html, /Suggested articles<\/h2>.*href="\/kb\/reset-password"/s);
});

test('the ticket list filters by status and searches, as a page or an htmx fragment', async (t) => {
  const { client, customer: c } = await customer();
  const knex = service.parley.db.knex;
  const a = await buildTicket(knex, { customerId: c.id, subject: 'Printer on fire', status: 'open' });
  await buildTicket(knex, { customerId: c.id, subject: 'Lost <b>keys</b>', status: 'resolved' });

  const all = await client.get('/tickets');
  t.regex(all.html, /Printer on fire/);
  t.regex(all.html, /Lost &lt;b>keys&lt;\/b>/, 'subjects are escaped');
  const resolved = await client.get('/tickets?status=resolved');
  t.notRegex(resolved.html, /Printer on fire/);
  t.regex(resolved.html, /aria-current="page">Resolved/);
  const found = await client.get('/tickets?q=PRINTER');
  t.regex(found.html, /1 ticket/);
  t.regex((await client.get(`/tickets?q=%23${a.number}`)).html, /Printer on fire/);
  const fragment = await client.get('/tickets?q=keys', HTMX('ticket-results'));
  t.notRegex(fragment.html, /<html/);
  t.regex(fragment.html, /Lost &lt;b>keys/);
  t.notRegex(fragment.html, /Printer/);
});

test('a new ticket: suggestions while typing, validation, one ticket per form, files', async (t) => {
  const { client, customer: c } = await customer();
  const knex = service.parley.db.knex;
  const form = await client.get('/tickets/new');
  const formId = /name="formId" value="([^"]+)"/.exec(form.html)![1]!;

  const suggestions = await client.get(`/tickets/new/suggestions?subject=${encodeURIComponent('Forgot my password')}&text=${encodeURIComponent('How do I reset it?')}`, HTMX('suggestions'));
  t.regex(suggestions.html, /href="\/kb\/reset-password"/);
  t.regex(suggestions.html, /This solved my problem/);
  t.regex(suggestions.html, /form="solved-form"/);
  t.is((await client.get('/tickets/new/suggestions?subject=hi', HTMX('suggestions'))).html, '');

  const invalid = await client.postMultipart('/tickets/new', { formId, subject: '', text: '' });
  t.is(invalid.res.status, 422);
  t.regex(invalid.html, /Please give your ticket a subject/);
  t.regex(invalid.html, /aria-invalid="true"/);

  const fields = { formId, subject: 'Export to CSV', text: 'How do I export my data?' };
  const files = [{ name: 'files', filename: 'data.csv', type: 'text/csv', content: 'a,b\n1,2\n' }];
  const created = await client.postMultipart('/tickets/new', fields, files);
  t.is(created.res.status, 303);
  const location = created.res.headers.get('location')!;
  t.regex(location, /^\/tickets\/\d+$/);
  const again = await client.postMultipart('/tickets/new', fields, files); // double submit
  t.is(again.res.headers.get('location'), location);
  const tickets = await knex('tickets').where({ customerId: c.id });
  t.is(tickets.length, 1);
  t.is(tickets[0].channel, 'webchat');
  t.is(tickets[0].subject, 'Export to CSV');
  const event = await knex('analyticsEvents').where({ type: 'ticket_created', ticketId: tickets[0].id }).first('label');
  t.is(event.label, 'portal_form');

  const page = await client.get(location);
  t.regex(page.html, /How do I export my data\?/);
  const fileLink = /href="(\/tickets\/\d+\/files\/\d+)"[^>]*>data\.csv/.exec(page.html)![1]!;
  const download = await client.request('GET', fileLink);
  t.is(await download.text(), 'a,b\n1,2\n');
});

test('"This solved my problem" records a deflection and opens no ticket', async (t) => {
  const { client, customer: c } = await customer();
  const knex = service.parley.db.knex;
  const article = await service.parley.knowledge!.getArticleBySlug('reset-password');
  const res = await client.post('/tickets/new/solved', { articleId: String(article!.id), q: 'forgot password' });
  t.is(res.res.status, 200);
  t.regex(res.html, /Glad that helped/);
  const row = await knex('analyticsEvents').where({ type: 'deflection', customerId: c.id }).first();
  t.is(row.articleId, article!.id);
  t.is(row.label, 'forgot password');
  t.is((await knex('tickets').where({ customerId: c.id })).length, 0);
});

test('a portal reply joins the thread on the ticket\'s own channel and reopens a resolved ticket', async (t) => {
  const { client, customer: c } = await customer();
  const { core, db } = service.parley;
  await db.knex('identities').insert({ customerId: c.id, channel: 'email', externalUserId: c.email, email: c.email, emailVerified: true, createdAt: Date.now() });
  const { ticket } = await core.receive({
    channel: 'email',
    externalId: `<${Math.random()}@mail.example>`,
    threadKey: `thread-${Math.random()}`,
    sender: { externalUserId: c.email! },
    subject: 'Billing question',
    text: 'Why was I charged twice?',
    receivedAt: Date.now(),
    replyRef: { to: c.email, references: [] },
  });
  const agent = await buildAgent(db.knex, { name: 'Sam Agent' });
  await core.reply({ ticketId: ticket.id, authorType: 'agent', authorId: agent.id, text: 'Refunded the second charge.' });
  await core.changeStatus(ticket.id, 'resolved', { type: 'agent', id: agent.id });

  const page = await client.get(`/tickets/${ticket.number}`);
  t.regex(page.html, /Sam Agent/);
  t.regex(page.html, /badge channel channel-email">Email/);
  t.regex(page.html, /Send and reopen/);
  const formId = /name="formId" value="([^"]+)"/.exec(page.html)![1]!;
  const sent = await client.postMultipart(`/tickets/${ticket.number}/reply`, { formId, text: 'Thanks, one more thing.' });
  t.is(sent.res.status, 303);
  const reply = await db.knex('messages').where({ ticketId: ticket.id, authorType: 'customer' }).orderBy('id', 'desc').first();
  t.is(reply.channel, 'email');
  t.is(reply.bodyText, 'Thanks, one more thing.');
  t.regex(String(reply.externalId), /^portal:/);
  t.is((await db.knex('tickets').where({ id: ticket.id }).first('status')).status, 'open');

  const empty = await client.postMultipart(`/tickets/${ticket.number}/reply`, { formId: 'another-form-1', text: '  ' });
  t.is(empty.res.status, 422);
  t.regex(empty.html, /Please write a message/);
});

test('uploads over the limit are refused with 413 and a page', async (t) => {
  const small = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', KB_BOT: 'false', KB_DEMO: 'false', PORTAL_UPLOAD_MAX_BYTES: '1000' } });
  t.teardown(small.close);
  const c = await buildCustomer(small.parley.db.knex, { email: 'big@example.com' });
  const ticket = await buildTicket(small.parley.db.knex, { customerId: c.id });
  const client = new PortalClient(small.url);
  await client.signIn(small.parley, 'big@example.com');
  const res = await client.postMultipart(`/tickets/${ticket.number}/reply`, { formId: 'big-form-0001', text: 'here' }, [
    { name: 'files', filename: 'big.bin', type: 'application/octet-stream', content: Buffer.alloc(5000) },
  ]);
  t.is(res.res.status, 413);
  t.regex(res.html, /Files may be at most/);
});

test('the ticket page updates live: new replies, never internal notes, and status', async (t) => {
  const { client, customer: c } = await customer();
  const { core, db } = service.parley;
  const ticket = await buildTicket(db.knex, { customerId: c.id, subject: 'Live one' });
  const page = await client.get(`/tickets/${ticket.number}`);
  t.regex(page.html, /hx-ext="sse"/);
  const streamUrl = /sse-connect="([^"]+)"/.exec(page.html)![1]!.replace(/&amp;/g, '&');
  const stream = await openStream(client, streamUrl);
  t.teardown(stream.close);

  await core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Secret note', internal: true });
  const { message } = await core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'We are on it <b>now</b>' });
  const frame = await eventually(() => stream.frames.find((f) => f.event === 'message'));
  t.is(frame.id, String(message.id));
  t.regex(frame.data, /We are on it &lt;b>now&lt;\/b>/);
  t.regex(frame.data, new RegExp(`id="message-${message.id}"`));
  await core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  const head = await eventually(() => stream.frames.find((f) => f.event === 'ticket-head' && /Resolved/.test(f.data)));
  t.regex(head.data, /Reopen ticket/);
  t.truthy(await eventually(() => stream.frames.find((f) => f.event === 'ticket-rating' && /How did we do/.test(f.data))));
  t.false(stream.frames.some((f) => /Secret note/.test(f.data)));

  // A browser that reconnects gets what it missed, after its last seen id.
  const resumed = await openStream(client, `/tickets/${ticket.number}/stream`, { 'last-event-id': String(message.id - 1) });
  t.teardown(resumed.close);
  const missed = await eventually(() => resumed.frames.find((f) => f.event === 'message'));
  t.is(missed.id, String(message.id));
});

test('the help centre: topics, search as you type, sanitised articles, related, feedback', async (t) => {
  const kb = service.parley.knowledge!;
  await kb.saveArticle({ slug: 'unsafe-demo', title: 'Unsafe <demo>', category: 'Accounts', body: 'Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n# Heading\n\nText' });
  const visitor = new PortalClient(service.url);

  const home = await visitor.get('/kb');
  t.is(home.res.status, 200);
  t.regex(home.html, /href="\/kb\/category\/accounts"/);
  const fragment = await visitor.get('/kb/search?q=refund', HTMX('kb-results'));
  t.notRegex(fragment.html, /<html/);
  t.regex(fragment.html, /href="\/kb\/refunds"/);
  const full = await visitor.get('/kb/search?q=refund');
  t.regex(full.html, /<html/);
  t.truthy(await service.parley.db.knex('analyticsEvents').where({ type: 'search', label: 'refund' }).first());

  const category = await visitor.get('/kb/category/accounts');
  t.regex(category.html, /href="\/kb\/reset-password"/);

  const unsafe = await visitor.get('/kb/unsafe-demo');
  t.is(unsafe.res.status, 200);
  t.regex(unsafe.html, /<h1>Unsafe &lt;demo><\/h1>/);
  t.notRegex(unsafe.html, /<script>alert|javascript:|onerror/);
  t.regex(unsafe.html, /<h2>Heading<\/h2>/);

  const article = await visitor.get('/kb/reset-password');
  t.regex(article.html, /Reset a forgotten password/);
  t.regex(article.html, /Related articles/);
  t.regex(article.html, /Was this helpful\?/);
  const no = await visitor.post('/kb/reset-password/feedback', { helpful: 'no', comment: 'Steps are outdated' }, { headers: HTMX('article-feedback') });
  t.is(no.res.status, 200);
  t.regex(no.html, /Open a ticket about this article/);
  t.regex(no.html, /\/sign-in\?next=%2Ftickets%2Fnew%3Farticle%3Dreset-password/);
  const rating = await service.parley.db.knex('ratings').where({ kind: 'article' }).orderBy('id', 'desc').first();
  t.is(rating.score, 0);
  t.is(rating.comment, 'Steps are outdated');
  const yes = await visitor.post('/kb/reset-password/feedback', { helpful: 'yes' });
  t.is(yes.res.status, 303);
  t.regex(yes.res.headers.get('location')!, /feedback=thanks/);

  const { client } = await customer();
  const prefilled = await client.get('/tickets/new?article=reset-password');
  t.regex(prefilled.html, /value="About “Reset a forgotten password”"/);
  t.regex(prefilled.html, /name="article" value="reset-password"/);

  t.is((await visitor.get('/kb/no-such-article')).res.status, 404);
});

test('errors: a friendly page for browsers, an alert for htmx, JSON for API clients', async (t) => {
  const { client } = await customer();
  const page = await client.get('/tickets/999999');
  t.is(page.res.status, 404);
  t.regex(page.html, /Page not found/);
  t.regex(page.res.headers.get('content-security-policy')!, /default-src 'none'/);
  const htmx = await client.get('/tickets/999999', { 'hx-request': 'true', 'hx-target': 'main' });
  t.is(htmx.res.headers.get('hx-retarget'), '#flash');
  t.regex(htmx.html, /class="alert alert-error"/);
  t.notRegex(htmx.html, /<html/);
  const api = await fetch(`${service.url}/no-such-route`);
  t.is(api.status, 404);
  const conflict = await client.post('/tickets/999999/close');
  t.is(conflict.res.status, 404);
});
