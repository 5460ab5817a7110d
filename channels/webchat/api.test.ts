// The widget API over real HTTP: sessions and host identities, sending,
// limits, CSRF, ownership, ratings, handoff and email follow-up.
import test from 'ava';
import { Customer, Identity, Rating, Ticket, createSurveyHandler } from '../../core/index.ts';
import { FakeClock } from '../../core/testing/clock.ts';
import { buildCustomer } from '../../core/testing/factories.ts';
import { signHostIdentity } from './identity.ts';
import { startWebchat, Visitor } from './test-helpers.ts';

const IDENTITY_SECRET = 'host-shared-secret-123';
let service: Awaited<ReturnType<typeof startWebchat>>;

test.before(async () => {
  service = await startWebchat({
    overrides: { identitySecret: IDENTITY_SECRET, postsPerMinute: 8, maxMessageLength: 200, agentWaitMs: 0 },
  });
});
test.after.always(async () => service?.close());

function signed(identity: { userId: string; email?: string; name?: string }, at = Date.now()) {
  const full = { ...identity, timestamp: Math.floor(at / 1000) };
  return { ...full, signature: signHostIdentity(IDENTITY_SECRET, full) };
}

const customerMessages = (ticketId: number) =>
  service.db.knex('messages').where({ ticketId, authorType: 'customer' }).count({ n: '*' }).first().then((r: any) => Number(r.n));

test('an anonymous visitor writes, gets a conversation, and finds it again in the history', async (t) => {
  const visitor = await Visitor.start(service.url);
  const first = await visitor.send('How do I reset my password?');
  t.is(first.status, 201);
  t.is(first.body.conversation.status, 'open');
  t.is(first.body.conversation.handler, 'bot');
  t.is(first.body.message.author, 'customer');
  t.is(first.body.message.text, 'How do I reset my password?');

  const second = await visitor.send('Still there?', { id: first.body.conversation.id });
  t.is(second.body.conversation.id, first.body.conversation.id);

  // Coming back with the stored token restores the same visitor.
  const again = await visitor.session();
  t.is(again.status, 200);
  const list = await visitor.request('GET', '/chat/api/conversations');
  t.deepEqual(list.body.conversations.map((c: any) => c.id), [first.body.conversation.id]);
  t.is(list.body.conversations[0].preview, 'Still there?');
  const view = await visitor.request('GET', `/chat/api/conversations/${first.body.conversation.id}`);
  t.deepEqual(view.body.messages.map((m: any) => m.text), ['How do I reset my password?', 'Still there?']);
  t.regex(view.body.stream, /^\/chat\/api\/conversations\/\d+\/stream\?exp=\d+&sig=/);

  // Starting a new conversation opens a second ticket.
  const other = await visitor.send('A different question');
  t.not(other.body.conversation.id, first.body.conversation.id);
});

test('posting the same client message id twice stores it once', async (t) => {
  const visitor = await Visitor.start(service.url);
  const body = { clientMessageId: 'retry-after-timeout-1', conversationKey: 'conversation-dup-1', text: 'Is this stored once?' };
  const first = await visitor.request('POST', '/chat/api/messages', body);
  const second = await visitor.request('POST', '/chat/api/messages', body);
  t.is(first.status, 201);
  t.is(second.status, 200);
  t.true(second.body.duplicate);
  t.is(second.body.message.id, first.body.message.id);
  t.is(await customerMessages(first.body.conversation.id), 1);

  // The same id from another visitor is another message (ids are per visitor).
  const stranger = await Visitor.start(service.url);
  const theirs = await stranger.request('POST', '/chat/api/messages', body);
  t.is(theirs.status, 201);
  t.not(theirs.body.conversation.id, first.body.conversation.id);
});

test('a signed host identity makes a verified visitor linked to the customer with that address', async (t) => {
  const existing = await buildCustomer(service.db.knex, { email: 'grace@example.com', emailVerified: true, name: 'Grace' });
  const visitor = await Visitor.start(service.url, { identity: signed({ userId: 'u-100', email: 'grace@example.com', name: 'Grace H.' }) });
  const session = await visitor.session({ identity: signed({ userId: 'u-100', email: 'grace@example.com', name: 'Grace H.' }) });
  t.deepEqual(session.body.visitor, { verified: true, name: 'Grace H.', email: 'grace@example.com' });

  const sent = await visitor.send('I was charged twice');
  const ticket = await Ticket.query(service.db.knex).findById(sent.body.conversation.id);
  t.is(ticket!.customerId, existing.id);
  const identity = await Identity.query(service.db.knex).findOne({ channel: 'webchat', externalUserId: 'user:u-100' });
  t.true(identity!.emailVerified);
});

test('the demo page for a signed-in visitor carries a host signature the session accepts', async (t) => {
  const html = await (await fetch(`${service.url}/demo?signed-in=1`)).text();
  const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];
  const identity = {
    userId: attr('data-user-id'),
    email: attr('data-user-email'),
    name: attr('data-user-name'),
    timestamp: attr('data-user-timestamp'),
    signature: attr('data-user-signature'),
  };
  const visitor = await Visitor.start(service.url, { identity });
  const session = await visitor.session({ identity });
  t.deepEqual(session.body.visitor, { verified: true, name: 'Ada Lovelace', email: 'ada@example.com' });
});

test('forged and expired host identities are refused without a session', async (t) => {
  const visitor = new Visitor(service.url);
  const good = signed({ userId: 'u-200', email: 'eve@example.com' });
  const forged = await visitor.session({ identity: { ...good, email: 'grace@example.com' } });
  t.is(forged.status, 401);
  t.is(forged.body.code, 'identity_forged');
  t.is(forged.body.token, undefined);

  const expired = await visitor.session({ identity: signed({ userId: 'u-200', email: 'eve@example.com' }, Date.now() - 2 * 86_400_000) });
  t.is(expired.status, 401);
  t.is(expired.body.code, 'identity_expired');
  t.is(visitor.token, '');
});

test('an unverified email from the host page is stored but never merged into the customer who owns it', async (t) => {
  const owner = await buildCustomer(service.db.knex, { email: 'bob@example.com', emailVerified: true });
  const visitor = await Visitor.start(service.url, { identity: { email: 'Bob@Example.com', name: 'Bob?' } });
  const sent = await visitor.send('Let me into Bob’s account');
  const ticket = await Ticket.query(service.db.knex).findById(sent.body.conversation.id);
  t.not(ticket!.customerId, owner.id);
  const customer = await Customer.query(service.db.knex).findById(ticket!.customerId);
  t.is(customer!.email, 'bob@example.com');
  t.false(customer!.emailVerified);
  // Bob's own conversations stay invisible to this visitor.
  const list = await visitor.request('GET', '/chat/api/conversations');
  t.deepEqual(list.body.conversations.map((c: any) => c.id), [ticket!.id]);
});

test('a verified session is not renewed unless the host vouches again', async (t) => {
  const visitor = await Visitor.start(service.url, { identity: signed({ userId: 'u-300', email: 'kim@example.com' }) });
  await visitor.send('Hello from Kim');
  // The host user signed out: the page passes no identity any more.
  const next = await visitor.session();
  t.false(next.body.visitor.verified);
  const list = await visitor.request('GET', '/chat/api/conversations');
  t.deepEqual(list.body.conversations, []);
});

test('the per-visitor rate limit answers 429 with Retry-After and stores nothing', async (t) => {
  const visitor = await Visitor.start(service.url);
  const first = await visitor.send('one', { key: 'rate-limited-conversation' });
  for (let i = 2; i <= 8; i++) t.is((await visitor.send(`message ${i}`, { id: first.body.conversation.id })).status, 201);
  const limited = await visitor.send('nine is too many', { id: first.body.conversation.id });
  t.is(limited.status, 429);
  t.is(limited.body.code, 'rate_limited');
  t.true(Number(limited.headers.get('retry-after')) >= 1);
  t.is(await customerMessages(first.body.conversation.id), 8);
  // Another visitor is not affected.
  t.is((await (await Visitor.start(service.url)).send('hello')).status, 201);
});

test('an oversize message is refused with 413 and nothing is stored', async (t) => {
  const visitor = await Visitor.start(service.url);
  const tooLong = await visitor.send('x'.repeat(201));
  t.is(tooLong.status, 413);
  t.is(tooLong.body.code, 'too_large');
  // A body far past the limit is refused before it is read to the end.
  const huge = await visitor.request('POST', '/chat/api/messages', { clientMessageId: 'huge-body-123', conversationKey: 'huge-body-conv', text: 'y'.repeat(50_000) });
  t.is(huge.status, 413);
  const stored = await service.db.knex('messages').where('externalId', 'like', `${visitor.visitorId}/%`).count({ n: '*' }).first();
  t.is(Number(stored!.n), 0);
  t.deepEqual((await visitor.request('GET', '/chat/api/conversations')).body.conversations, []);
  t.is((await visitor.send('x'.repeat(200))).status, 201);
});

test('posts need the session token and must come from our own origin (CSRF)', async (t) => {
  const visitor = await Visitor.start(service.url);
  const body = { clientMessageId: 'csrf-check-0001', conversationKey: 'csrf-conversation', text: 'hi' };
  t.is((await visitor.request('POST', '/chat/api/messages', body, false)).status, 401);
  const crossOrigin = await visitor.request('POST', '/chat/api/messages', body, true, { origin: 'https://evil.example' });
  t.is(crossOrigin.status, 403);
  const crossSite = await visitor.request('POST', '/chat/api/messages', body, true, { 'sec-fetch-site': 'cross-site' });
  t.is(crossSite.status, 403);
  const forgedToken = await visitor.request('POST', '/chat/api/messages', body, false, { authorization: `Bearer ${visitor.token.slice(0, -2)}xx` });
  t.is(forgedToken.status, 401);
  t.is(forgedToken.body.code, 'session_forged');
  // A form post (the classic CSRF vehicle) is not JSON and is refused.
  const form = await fetch(`${service.url}/chat/api/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'text=hi',
  });
  t.is(form.status, 415);
  t.deepEqual((await visitor.request('GET', '/chat/api/conversations')).body.conversations, []);
  const sameOrigin = await visitor.request('POST', '/chat/api/messages', body, true, { origin: service.url, 'sec-fetch-site': 'same-origin' });
  t.is(sameOrigin.status, 201);
});

test('a visitor cannot see or write into another visitor’s conversation', async (t) => {
  const alice = await Visitor.start(service.url);
  const mallory = await Visitor.start(service.url);
  const sent = await alice.send('private question');
  const id = sent.body.conversation.id;
  t.is((await mallory.request('GET', `/chat/api/conversations/${id}`)).status, 404);
  t.is((await mallory.send('let me in', { id })).status, 404);
  t.is((await mallory.request('POST', `/chat/api/conversations/${id}/handoff`, {})).status, 404);
  t.is((await mallory.request('GET', `/chat/api/conversations/999999`)).status, 404);
  t.is(await customerMessages(id), 1);
});

test('answer feedback, asking for a person, and leaving an email for the answer', async (t) => {
  const visitor = await Visitor.start(service.url);
  const sent = await visitor.send('How do I export my data?');
  const ticketId = sent.body.conversation.id;
  const answer = await service.core.reply({
    ticketId,
    authorType: 'bot',
    purpose: 'answer',
    text: 'Use Settings > Export.',
    meta: { citations: [{ articleId: 7, title: 'Exporting data', url: '/kb/export' }, { articleId: 8, title: 'Bad', url: 'javascript:alert(1)' }], confidence: 0.8 },
  });
  const view = await visitor.request('GET', `/chat/api/conversations/${ticketId}`);
  const bot = view.body.messages.find((m: any) => m.author === 'bot');
  t.deepEqual(bot.citations, [{ title: 'Exporting data', url: '/kb/export' }]);
  t.is(bot.helpful, null);

  const yes = await visitor.request('POST', `/chat/api/messages/${answer.message.id}/feedback`, { helpful: true });
  t.is(yes.status, 200);
  t.is(yes.body.messages.find((m: any) => m.id === answer.message.id).helpful, true);
  t.is(yes.body.conversation.handler, 'bot');
  // A customer message cannot be rated as an answer.
  t.is((await visitor.request('POST', `/chat/api/messages/${sent.body.message.id}/feedback`, { helpful: true })).status, 404);

  const no = await visitor.request('POST', `/chat/api/messages/${answer.message.id}/feedback`, { helpful: false });
  t.is(no.body.conversation.handler, 'human');
  t.is(no.body.conversation.handoffReason, 'answer_not_helpful');
  const rating = await Rating.query(service.db.knex).findOne({ subjectKey: `answer:${answer.message.id}` });
  t.is(rating!.score, 0);
  t.is(rating!.channel, 'webchat');

  // With no person answering (wait 0 here), the widget offers email follow-up.
  t.is(no.body.conversation.followUp.state, 'ask');
  const bad = await visitor.request('POST', `/chat/api/conversations/${ticketId}/follow-up`, { email: 'not an email' });
  t.is(bad.status, 422);
  const saved = await visitor.request('POST', `/chat/api/conversations/${ticketId}/follow-up`, { email: 'Visitor@Example.com' });
  t.deepEqual(saved.body.conversation.followUp, { state: 'saved', askAt: null, email: 'visitor@example.com' });
  const ticket = await Ticket.query(service.db.knex).findById(ticketId);
  const customer = await Customer.query(service.db.knex).findById(ticket!.customerId);
  t.is(customer!.email, 'visitor@example.com');
  t.false(customer!.emailVerified);

  // "Talk to a person" on a fresh conversation records the customer's own request.
  const other = await visitor.send('Just connect me please');
  const handedOff = await visitor.request('POST', `/chat/api/conversations/${other.body.conversation.id}/handoff`, {});
  t.is(handedOff.body.conversation.handoffReason, 'customer_request');
});

test('a resolved conversation takes one satisfaction rating with a comment', async (t) => {
  const visitor = await Visitor.start(service.url);
  const sent = await visitor.send('Where is my invoice?');
  const ticketId = sent.body.conversation.id;
  t.is((await visitor.request('POST', `/chat/api/conversations/${ticketId}/csat`, { score: 5 })).status, 409);

  await service.core.reply({ ticketId, authorType: 'bot', purpose: 'answer', text: 'Under Billing > Invoices.' });
  await service.core.changeStatus(ticketId, 'resolved', { type: 'agent' });
  await createSurveyHandler(service.core)({ trigger: 'status_changed', ticketId, data: { from: 'open', to: 'resolved' } });
  const view = await visitor.request('GET', `/chat/api/conversations/${ticketId}`);
  t.true(view.body.conversation.surveyed);
  t.truthy(view.body.messages.find((m: any) => m.author === 'system' && m.purpose === 'survey'));

  t.is((await visitor.request('POST', `/chat/api/conversations/${ticketId}/csat`, { score: 6 })).status, 422);
  const rated = await visitor.request('POST', `/chat/api/conversations/${ticketId}/csat`, { score: 4, comment: '  Quick, thanks  ' });
  t.is(rated.status, 200);
  t.deepEqual(rated.body.conversation.csat, { score: 4, comment: 'Quick, thanks' });
  const rating = await Rating.query(service.db.knex).findOne({ subjectKey: `csat:${ticketId}` });
  t.is(rating!.channel, 'webchat');
  t.is(rating!.score, 4);
});

test('an expired session token is refused and a fresh session starts anonymous', async (t) => {
  const clock = new FakeClock(Date.now());
  const own = await startWebchat({ clock, overrides: { sessionTtlMs: 3600_000 } });
  t.teardown(own.close);
  const visitor = await Visitor.start(own.url);
  t.is((await visitor.send('before expiry')).status, 201);
  clock.advance(3600_000);
  const late = await visitor.send('after expiry');
  t.is(late.status, 401);
  t.is(late.body.code, 'session_expired');
  const renewed = await visitor.session();
  t.is(renewed.status, 200);
  t.deepEqual((await visitor.request('GET', '/chat/api/conversations')).body.conversations, []);
});
