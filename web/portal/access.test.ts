// Every ticket, message, file and survey route answers only its owner:
// signed out it asks for sign-in, for another customer it is "not found",
// exactly like a ticket that does not exist.
import test from 'ava';
import { buildAgent, buildCustomer, buildTicket } from '../../core/testing/factories.ts';
import { startTestParley, type TestParley } from '../testing/test-parley.ts';
import { openStream, PortalClient } from './testing/portal-client.ts';

let service: TestParley;
let owner: PortalClient;
let other: PortalClient;
let anonymous: PortalClient;

test.before(async () => {
  service = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', KB_BOT: 'false', KB_DEMO: 'false' } });
  const knex = service.parley.db.knex;
  await buildCustomer(knex, { email: 'owner@example.com', name: 'Owner' });
  await buildCustomer(knex, { email: 'other@example.com', name: 'Other' });
  owner = new PortalClient(service.url);
  other = new PortalClient(service.url);
  anonymous = new PortalClient(service.url);
  await owner.signIn(service.parley, 'owner@example.com');
  await other.signIn(service.parley, 'other@example.com');
  await anonymous.ensureCsrf();
});

test.after.always(async () => {
  await service?.close();
});

/** A ticket of the owner with a customer message carrying a file, and a resolved state if asked. */
async function ownersTicket(status: 'open' | 'resolved' = 'open') {
  const { core, db, attachments } = service.parley;
  const customerId = (await db.knex('customers').where({ email: 'owner@example.com' }).first('id')).id;
  const stored = await attachments.put(Buffer.from('%PDF-1.4 invoice'));
  const identity = `owner-${Math.random()}`;
  await db.knex('identities').insert({ customerId, channel: 'email', externalUserId: identity, email: null, emailVerified: false, createdAt: Date.now() });
  const { ticket, message } = await core.receive({
    channel: 'email',
    externalId: `m-${Math.random()}`,
    threadKey: `t-${Math.random()}`,
    sender: { externalUserId: identity },
    subject: 'Invoice question',
    text: 'See the attached invoice',
    attachments: [{ sha256: stored.sha256, filename: 'invoice.pdf', contentType: 'application/pdf', size: stored.size }],
    receivedAt: Date.now(),
    replyRef: { to: 'owner@example.com', references: [] },
  });
  if (status === 'resolved') await core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  const file = await db.knex('attachments').where({ messageId: message.id }).first('id');
  return { ticket, fileId: file.id as number };
}

const signInRedirect = (res: Response) => res.status === 302 && /^\/sign-in\?next=/.test(res.headers.get('location') ?? '');

test('ticket pages, files and streams: owner, other customer, signed out', async (t) => {
  const { ticket, fileId } = await ownersTicket();
  const n = ticket.number;
  const missing = n + 100_000;

  const page = await owner.get(`/tickets/${n}`);
  t.is(page.res.status, 200);
  t.regex(page.html, /Invoice question/);
  const foreign = await other.get(`/tickets/${n}`);
  t.is(foreign.res.status, 404);
  const absent = await other.get(`/tickets/${missing}`);
  t.is(absent.res.status, 404);
  t.is(foreign.html, absent.html, 'someone else\'s ticket looks exactly like a missing one');
  t.true(signInRedirect((await anonymous.get(`/tickets/${n}`)).res));

  const file = await owner.request('GET', `/tickets/${n}/files/${fileId}`);
  t.is(file.status, 200);
  t.is(await file.text(), '%PDF-1.4 invoice');
  t.regex(file.headers.get('content-disposition')!, /^attachment; filename="invoice.pdf"/);
  t.is(file.headers.get('x-content-type-options'), 'nosniff');
  t.regex(file.headers.get('content-security-policy')!, /sandbox/);
  t.is((await other.request('GET', `/tickets/${n}/files/${fileId}`)).status, 404);
  t.is((await owner.request('GET', `/tickets/${missing}/files/${fileId}`)).status, 404, 'a file is reached only through its own ticket');
  t.true(signInRedirect(await anonymous.request('GET', `/tickets/${n}/files/${fileId}`)));

  const stream = await openStream(owner, `/tickets/${n}/stream`);
  t.is(stream.res.status, 200);
  t.regex(stream.res.headers.get('content-type')!, /text\/event-stream/);
  await stream.close();
  const foreignStream = await openStream(other, `/tickets/${n}/stream`);
  t.is(foreignStream.res.status, 404);
  await foreignStream.close();
  const anonymousStream = await openStream(anonymous, `/tickets/${n}/stream`);
  t.is(anonymousStream.res.status, 401);
  await anonymousStream.close();
});

test('internal notes and their files never reach the customer', async (t) => {
  const { ticket } = await ownersTicket();
  const { core, db, attachments } = service.parley;
  const agent = await buildAgent(db.knex);
  const stored = await attachments.put(Buffer.from('internal only'));
  const note = await core.reply({
    ticketId: ticket.id,
    authorType: 'agent',
    authorId: agent.id,
    text: 'Internal: customer owes us money',
    internal: true,
    attachments: [{ sha256: stored.sha256, filename: 'secret.txt', contentType: 'text/plain', size: stored.size }],
  });
  const page = await owner.get(`/tickets/${ticket.number}`);
  t.notRegex(page.html, /owes us money/);
  t.notRegex(page.html, /secret\.txt/);
  const fileId = (await db.knex('attachments').where({ messageId: note.message.id }).first('id')).id;
  t.is((await owner.request('GET', `/tickets/${ticket.number}/files/${fileId}`)).status, 404);
});

test('replies, close, reopen and ratings: owner, other customer, signed out', async (t) => {
  const { ticket } = await ownersTicket();
  const n = ticket.number;
  const knex = service.parley.db.knex;
  const count = async () => Number((await knex('messages').where({ ticketId: ticket.id }).count({ n: '*' }))[0]!.n);
  const before = await count();

  t.is((await other.postMultipart(`/tickets/${n}/reply`, { formId: 'other-form-0001', text: 'not mine' })).res.status, 404);
  t.is((await anonymous.postMultipart(`/tickets/${n}/reply`, { formId: 'anon-form-0001', text: 'who am I' })).res.status, 401);
  t.is(await count(), before);
  t.is((await owner.postMultipart(`/tickets/${n}/reply`, { formId: 'owner-form-0001', text: 'mine' })).res.status, 303);
  t.is(await count(), before + 1);

  for (const action of ['close', 'reopen']) {
    t.is((await other.post(`/tickets/${n}/${action}`)).res.status, 404, action);
    t.is((await anonymous.post(`/tickets/${n}/${action}`)).res.status, 401, action);
  }
  t.is((await owner.post(`/tickets/${n}/close`)).res.status, 303);
  t.is((await knex('tickets').where({ id: ticket.id }).first('status')).status, 'resolved');

  t.is((await other.post(`/tickets/${n}/rating`, { score: '1' })).res.status, 404);
  t.is((await anonymous.post(`/tickets/${n}/rating`, { score: '1' })).res.status, 401);
  t.is(await knex('ratings').where({ ticketId: ticket.id }).first(), undefined);
  t.is((await owner.post(`/tickets/${n}/rating`, { score: '5' })).res.status, 303);
  t.is((await knex('ratings').where({ ticketId: ticket.id, kind: 'csat' }).first('score')).score, 5);

  t.is((await owner.post(`/tickets/${n}/reopen`)).res.status, 303);
  t.is((await knex('tickets').where({ id: ticket.id }).first('status')).status, 'open');
});

test('lists, dashboard and surveys show only the customer\'s own', async (t) => {
  const { ticket } = await ownersTicket('resolved');
  const knex = service.parley.db.knex;
  await knex('surveys').insert({ ticketId: ticket.id, customerId: ticket.customerId, channel: 'email', sentAt: Date.now() });
  const mark = `#${ticket.number} `;

  for (const path of ['/tickets', '/', '/surveys']) {
    t.true((await owner.get(path)).html.includes(`/tickets/${ticket.number}`), `owner sees it on ${path}`);
    t.false((await other.get(path)).html.includes(`/tickets/${ticket.number}"`), `other does not see it on ${path}`);
    t.true(signInRedirect((await anonymous.get(path)).res), `${path} asks for sign-in`);
  }
  t.true((await owner.get('/surveys')).html.includes(mark.trim()));
  t.is((await other.get(`/tickets?q=${encodeURIComponent('Invoice')}`)).html.includes('Invoice question'), false);
  const own = await buildTicket(knex, { customerId: (await knex('customers').where({ email: 'other@example.com' }).first('id')).id, subject: 'Other\'s own' });
  t.regex((await other.get('/tickets')).html, new RegExp(`/tickets/${own.number}`));
});
