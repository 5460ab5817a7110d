// The Slack channel end to end: the real composition root with Bolt, talking
// to a fake Slack on loopback. Events are signed as Slack signs them; the bot
// that answers is the real knowledge bot with the demo articles.
//
// Serial: each test boots a whole service; running them one at a time keeps
// the shared machine (and PostgreSQL's connection limit) out of trouble.
import test from 'ava';
import { FakeClock } from '../../core/testing/clock.ts';
import { startTestParley, type TestParley } from '../../web/testing/test-parley.ts';
import { slackOptions } from '../../web/features/slack.ts';
import { waitFor } from '../common/testing/wait.ts';
import { BOT_ID, BOT_USER_ID, FakeSlack, blockActionPayload, eventEnvelope, signSlackRequest } from './testing/fake-slack.ts';

const SECRET = 'fakesigningsecret0123456789abcd';
const QUESTION = 'How do I reset my password?';

interface World {
  slack: FakeSlack;
  service: TestParley;
  close(): Promise<void>;
}

async function world(env: Record<string, string> = {}, clock?: FakeClock): Promise<World> {
  const slack = await new FakeSlack().start();
  slack.users.set('UCUSTOMER', { name: 'Casey Customer', email: 'casey@customer.test' });
  slack.users.set('UOTHER', { name: 'Olive Other' });
  const service = await startTestParley({
    clock,
    env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, ...env },
  });
  return {
    slack,
    service,
    async close() {
      await service.close();
      await slack.stop();
    },
  };
}

let tsSeq = 0;
function nextTs(): string {
  tsSeq += 1;
  return `1700000000.${String(tsSeq).padStart(6, '0')}`;
}

function dm(text: string, extra: Record<string, unknown> = {}) {
  return { type: 'message', channel: 'DCUSTOMER', channel_type: 'im', user: 'UCUSTOMER', text, ts: nextTs(), team: 'TCUSTOMER', ...extra };
}

async function postEvent(w: World, envelope: unknown, options: { timestamp?: number; retryNum?: number; secret?: string } = {}) {
  const signed = signSlackRequest(options.secret ?? SECRET, JSON.stringify(envelope), options);
  return fetch(`${w.service.url}/slack/events`, { method: 'POST', headers: signed.headers, body: signed.body });
}

async function postAction(w: World, payload: unknown) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const signed = signSlackRequest(SECRET, body, { contentType: 'application/x-www-form-urlencoded' });
  return fetch(`${w.service.url}/slack/events`, { method: 'POST', headers: signed.headers, body: signed.body });
}

const knex = (w: World) => w.service.parley.db.knex;
const messagesOf = (w: World, ticketId: number) => knex(w).select('*').from('messages').where({ ticketId }).orderBy('id');

function buttonsOf(call: { params: Record<string, any> }): { action_id: string; value: string; text: { text: string } }[] {
  const actions = (call.params.blocks as any[]).find((b) => b.type === 'actions');
  return actions?.elements ?? [];
}

/** A DM question answered by the bot; returns the ticket and Slack's copy of the answer. */
async function askAndGetAnswer(w: World, text = QUESTION) {
  const event = dm(text);
  const res = await postEvent(w, eventEnvelope(event));
  if (res.status !== 200) throw new Error(`event answered ${res.status}`);
  const ticket = await knex(w)('tickets').where({ channel: 'slack', threadKey: `DCUSTOMER:${event.ts}` }).first();
  const answer = await waitFor(() => w.slack.callsOf('chat.postMessage').find((c) => c.params.thread_ts === event.ts), 'the bot answer in Slack');
  return { event, ticket, answer };
}

test.serial('a direct message becomes a ticket; the bot answers in its thread with cited links and rating buttons', async (t) => {
  const w = await world();
  try {
    const { event, ticket, answer } = await askAndGetAnswer(w);
    t.truthy(ticket, 'stored before Slack got its 200');
    t.is(ticket.subject, QUESTION);
    const [customerMessage] = await messagesOf(w, ticket.id);
    t.is(customerMessage.externalId, `DCUSTOMER:${event.ts}`);
    const identity = await knex(w)('identities').where({ channel: 'slack', externalUserId: 'UCUSTOMER' }).first();
    t.is(identity.name, 'Casey Customer');
    t.falsy(identity.emailVerified, 'a Slack profile address is never taken as verified');

    t.is(answer.params.channel, 'DCUSTOMER');
    t.is(answer.token, w.slack.botToken);
    const sections = (answer.params.blocks as any[]).filter((b) => b.type === 'section').map((b) => b.text.text).join('\n');
    t.regex(sections, /<http:\/\/[^|>]+\/kb\/[^|>]+\|[^>]+>/, 'citations rendered as Slack links');
    t.regex(sections, /\*Sources\*/);
    const buttons = buttonsOf(answer);
    t.deepEqual(buttons.map((b) => b.text.text), ['Helpful', 'Not helpful']);

    const delivery = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'sent' }).first(), 'the delivery marked sent');
    t.regex(delivery.externalId, /^DCUSTOMER:1800000000\./);
  } finally {
    await w.close();
  }
});

test.serial('requests with a bad signature, a stale or a future timestamp are refused and store nothing', async (t) => {
  const w = await world();
  try {
    const now = Math.floor(Date.now() / 1000);
    t.is((await postEvent(w, eventEnvelope(dm('forged')), { secret: 'wrongsecret0123456789abcdefabcd' })).status, 401);
    t.is((await postEvent(w, eventEnvelope(dm('stale')), { timestamp: now - 6 * 60 })).status, 401);
    t.is((await postEvent(w, eventEnvelope(dm('future')), { timestamp: now + 6 * 60 })).status, 401);
    const unsigned = await fetch(`${w.service.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(eventEnvelope(dm('bare'))) });
    t.is(unsigned.status, 401);
    t.is((await knex(w)('messages').count({ n: '*' }).first())!.n as number, 0);
    // Slack's URL check is answered once the request is genuine.
    const challenge = await postEvent(w, { type: 'url_verification', challenge: 'abc123', token: 'x' });
    t.is(challenge.status, 200);
    t.deepEqual(await challenge.json(), { challenge: 'abc123' });
  } finally {
    await w.close();
  }
});

test.serial('Slack retries and the app_mention + message pair of one mention store one message and get one answer', async (t) => {
  const w = await world();
  try {
    const ts = nextTs();
    const mention = { type: 'app_mention', channel: 'CSUPPORT', user: 'UCUSTOMER', text: `<@${BOT_USER_ID}> ${QUESTION}`, ts, team: 'TCUSTOMER' };
    const envelope = eventEnvelope(mention, 'EvMENTION1');
    t.is((await postEvent(w, envelope)).status, 200);
    t.is((await postEvent(w, envelope, { retryNum: 1 })).status, 200);
    const copy = { ...mention, type: 'message', channel_type: 'channel' };
    t.is((await postEvent(w, eventEnvelope(copy, 'EvMESSAGE1'))).status, 200);
    const ticket = await knex(w)('tickets').where({ channel: 'slack', threadKey: `CSUPPORT:${ts}` }).first();
    const stored = await messagesOf(w, ticket.id);
    t.is(stored.filter((m: any) => m.authorType === 'customer').length, 1);
    t.is(stored[0].bodyText, QUESTION, 'the mention of the bot is stripped');
    await waitFor(() => w.slack.callsOf('chat.postMessage').length > 0, 'the answer');
    await new Promise((r) => setTimeout(r, 200));
    t.is(w.slack.callsOf('chat.postMessage').length, 1);
    t.is(w.slack.callsOf('chat.postMessage')[0]!.params.thread_ts, ts, 'answered in a thread under the mention');
  } finally {
    await w.close();
  }
});

test.serial('thread replies continue the ticket; bots, our own messages, edits and unmentioned channel chatter are ignored', async (t) => {
  const w = await world();
  try {
    const ts = nextTs();
    await postEvent(w, eventEnvelope({ type: 'app_mention', channel: 'CSUPPORT', user: 'UCUSTOMER', text: `<@${BOT_USER_ID}> ${QUESTION}`, ts }));
    const reply = { type: 'message', channel: 'CSUPPORT', channel_type: 'channel', user: 'UCUSTOMER', text: 'It still fails', ts: nextTs(), thread_ts: ts };
    await postEvent(w, eventEnvelope(reply));
    const ignored = [
      { type: 'message', channel: 'CSUPPORT', channel_type: 'channel', user: 'UCUSTOMER', text: 'lunch?', ts: nextTs() },
      { type: 'message', channel: 'CSUPPORT', channel_type: 'channel', user: 'UCUSTOMER', text: 'unrelated thread', ts: nextTs(), thread_ts: '1600000000.000001' },
      { type: 'message', channel: 'DCUSTOMER', channel_type: 'im', user: BOT_USER_ID, bot_id: BOT_ID, text: 'our own answer', ts: nextTs() },
      { type: 'message', subtype: 'bot_message', channel: 'DCUSTOMER', channel_type: 'im', bot_id: 'BOTHER', text: 'another bot', ts: nextTs() },
      { type: 'message', subtype: 'message_changed', channel: 'DCUSTOMER', channel_type: 'im', ts: nextTs(), message: { text: 'edited' } },
    ];
    for (const event of ignored) t.is((await postEvent(w, eventEnvelope(event))).status, 200);
    const tickets = await knex(w)('tickets').where({ channel: 'slack' });
    t.is(tickets.length, 1);
    const customer = (await messagesOf(w, tickets[0].id)).filter((m: any) => m.authorType === 'customer');
    t.deepEqual(customer.map((m: any) => m.bodyText), [QUESTION, 'It still fails']);
  } finally {
    await w.close();
  }
});

test.serial('files shared by the customer become attachments, downloaded with the bot token', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const content = Buffer.from('%PDF-1.4 fake invoice');
    const url = w.slack.addFile('invoice.pdf', content);
    const event = dm('Here is the invoice', {
      subtype: 'file_share',
      files: [
        { id: 'F1', name: 'invoice.pdf', mimetype: 'application/pdf', size: content.length, url_private_download: url },
        { id: 'F2', name: 'elsewhere.txt', mimetype: 'text/plain', size: 5, url_private_download: 'https://evil.example/steal' },
      ],
    });
    t.is((await postEvent(w, eventEnvelope(event))).status, 200);
    const message = await knex(w)('messages').where({ channel: 'slack', externalId: `DCUSTOMER:${event.ts}` }).first();
    const attachments = await knex(w)('attachments').where({ messageId: message.id });
    t.is(attachments.length, 1, 'only the file on the platform host is fetched');
    t.is(attachments[0].filename, 'invoice.pdf');
    t.is(attachments[0].contentType, 'application/pdf');
    t.deepEqual(await w.service.parley.attachments.read(attachments[0].sha256), content);
  } finally {
    await w.close();
  }
});

test.serial('an agent\'s file follows the reply into the thread', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const { core, attachments } = w.service.parley;
    const { ticket } = await core.receive({
      channel: 'slack',
      externalId: 'DCUSTOMER:1700000997.000001',
      threadKey: 'DCUSTOMER:1700000997.000001',
      sender: { externalUserId: 'UCUSTOMER' },
      text: QUESTION,
      receivedAt: Date.now(),
      replyRef: { channel: 'DCUSTOMER', threadTs: '1700000997.000001' },
    });
    const bytes = Buffer.from('step-by-step guide');
    const stored = await attachments.put(bytes);
    await core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Here is a guide.', attachments: [{ ...stored, filename: 'guide.txt', contentType: 'text/plain' }] });
    const complete = await waitFor(() => w.slack.callsOf('files.completeUploadExternal')[0], 'the completed upload');
    t.is(complete.params.channel_id, 'DCUSTOMER');
    t.is(complete.params.thread_ts, '1700000997.000001');
    t.deepEqual([...w.slack.uploads.values()], [bytes]);
    t.is(w.slack.callsOf('files.getUploadURLExternal')[0]!.params.filename, 'guide.txt');
  } finally {
    await w.close();
  }
});

test.serial('a 429 from chat.postMessage is retried after the time Slack asked for', async (t) => {
  const clock = new FakeClock(Date.now());
  const w = await world({ KB_BOT: 'false' }, clock);
  try {
    const { core } = w.service.parley;
    const { ticket } = await core.receive({
      channel: 'slack',
      externalId: 'DCUSTOMER:1700000999.000001',
      threadKey: 'DCUSTOMER:1700000999.000001',
      sender: { externalUserId: 'UCUSTOMER' },
      text: QUESTION,
      receivedAt: clock.now(),
      replyRef: { channel: 'DCUSTOMER', threadTs: '1700000999.000001' },
    });
    w.slack.script('chat.postMessage', { status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } });
    await core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Let me check that for you.' });
    const failed = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'pending', attempts: 1 }).first(), 'the failed first attempt');
    t.is(Number(failed.nextAttemptAt), clock.now() + 7000);
    t.regex(failed.lastError, /rate limited/);
    clock.advance(7000);
    w.service.parley.outbox.wake();
    const sent = await waitFor(() => knex(w)('deliveries').where({ id: failed.id, status: 'sent' }).first(), 'the retried delivery');
    t.is(sent.attempts, 2);
    t.is(w.slack.callsOf('chat.postMessage').length, 2);
  } finally {
    await w.close();
  }
});

test.serial('a channel Slack no longer lets us post to ends the delivery as dead with Slack\'s error', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const { core } = w.service.parley;
    const { ticket } = await core.receive({
      channel: 'slack',
      externalId: 'CGONE:1700000998.000001',
      threadKey: 'CGONE:1700000998.000001',
      sender: { externalUserId: 'UCUSTOMER' },
      text: QUESTION,
      receivedAt: Date.now(),
      replyRef: { channel: 'CGONE', threadTs: '1700000998.000001' },
    });
    w.slack.script('chat.postMessage', { body: { ok: false, error: 'channel_not_found' } });
    await core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Hello?' });
    const dead = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'dead' }).first(), 'the dead delivery');
    t.is(dead.attempts, 1);
    t.regex(dead.lastError, /channel_not_found/);
    t.truthy(await knex(w)('ticketEvents').where({ ticketId: ticket.id, type: 'delivery_failed' }).first());
  } finally {
    await w.close();
  }
});

test.serial('rating buttons: the asker\'s click is recorded, someone else\'s is refused, "Not helpful" hands off', async (t) => {
  const w = await world();
  try {
    const { ticket, answer } = await askAndGetAnswer(w);
    const [helpful, notHelpful] = buttonsOf(answer);
    const message = { ts: '1800000000.000001', text: answer.params.text, blocks: answer.params.blocks, thread_ts: answer.params.thread_ts };
    const click = (userId: string, button: typeof helpful) =>
      postAction(w, blockActionPayload({ userId, channel: 'DCUSTOMER', message, actionId: button!.action_id, value: button!.value }));

    t.is((await click('UOTHER', helpful)).status, 200);
    t.falsy(await knex(w)('ratings').where({ ticketId: ticket.id }).first());
    t.is(w.slack.callsOf('chat.postEphemeral')[0]?.params.user, 'UOTHER');

    t.is((await click('UCUSTOMER', helpful)).status, 200);
    const rating = await knex(w)('ratings').where({ ticketId: ticket.id, kind: 'answer' }).first();
    t.is(rating.score, 1);
    t.is(rating.channel, 'slack');
    const update = w.slack.callsOf('chat.update')[0]!;
    t.is(update.params.ts, message.ts);
    t.false((update.params.blocks as any[]).some((b) => b.type === 'actions'), 'the buttons are replaced by a thank-you');

    t.is((await click('UCUSTOMER', notHelpful)).status, 200);
    const changed = await knex(w)('ratings').where({ ticketId: ticket.id, kind: 'answer' });
    t.is(changed.length, 1);
    t.is(changed[0].score, 0);
    const handedOff = await knex(w)('tickets').where({ id: ticket.id }).first();
    t.is(handedOff.handler, 'human');
    t.is(handedOff.handoffReason, 'answer_not_helpful');

    const forged = { ...helpful!, value: helpful!.value.replace(/:1:/, ':0:') };
    t.is((await click('UCUSTOMER', forged)).status, 200);
    t.is((await knex(w)('ratings').where({ ticketId: ticket.id }).first()).score, 0, 'a tampered token changes nothing');
  } finally {
    await w.close();
  }
});

test.serial('resolving an answered ticket sends 1-5 survey buttons; a click records the satisfaction score', async (t) => {
  const w = await world();
  try {
    const { ticket } = await askAndGetAnswer(w);
    await w.service.parley.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
    const survey = await waitFor(() => w.slack.callsOf('chat.postMessage').find((c) => buttonsOf(c).length === 5), 'the survey message');
    const buttons = buttonsOf(survey);
    t.deepEqual(buttons.map((b) => b.text.text), ['1 Poor', '2', '3', '4', '5 Excellent']);
    const message = { ts: '1800000000.000002', text: survey.params.text, blocks: survey.params.blocks };
    const res = await postAction(w, blockActionPayload({ userId: 'UCUSTOMER', channel: 'DCUSTOMER', message, actionId: buttons[3]!.action_id, value: buttons[3]!.value }));
    t.is(res.status, 200);
    const csat = await knex(w)('ratings').where({ ticketId: ticket.id, kind: 'csat' }).first();
    t.is(csat.score, 4);
    t.is(csat.channel, 'slack');
    t.truthy((await knex(w)('surveys').where({ ticketId: ticket.id }).first()).answeredAt);
  } finally {
    await w.close();
  }
});

test.serial('Socket Mode: events come over the websocket and are acknowledged only once stored', async (t) => {
  const slack = await new FakeSlack().start();
  const service = await startTestParley({
    env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: slack.apiUrl, KB_BOT: 'false' },
  });
  try {
    await waitFor(() => slack.sockets.size > 0, 'the socket mode connection');
    t.is(slack.callsOf('apps.connections.open')[0]?.token, 'xapp-1-test');
    const event = dm('Over the socket');
    const envelopeId = slack.pushSocketEvent(eventEnvelope(event));
    await waitFor(() => slack.acks.includes(envelopeId), 'the ack');
    const stored = await service.parley.db.knex('messages').where({ channel: 'slack', externalId: `DCUSTOMER:${event.ts}` }).first();
    t.truthy(stored);
    t.is((await fetch(`${service.url}/slack/events`, { method: 'POST' })).status, 404, 'no HTTP endpoint in Socket Mode');
  } finally {
    await service.close();
    await slack.stop();
  }
});

test.serial('settings: no token leaves Slack off, half a configuration stops boot naming the variable', (t) => {
  t.is(slackOptions({}), undefined);
  t.throws(() => slackOptions({ SLACK_BOT_TOKEN: 'xoxb-1-2' }), { message: /^SLACK_SIGNING_SECRET: / });
  t.throws(() => slackOptions({ SLACK_SIGNING_SECRET: SECRET }), { message: /^SLACK_BOT_TOKEN: / });
  t.throws(() => slackOptions({ SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: SECRET }), { message: /^SLACK_BOT_TOKEN: .*value hidden/ });
  t.throws(() => slackOptions({ SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'ftp://x' }), { message: /^SLACK_API_URL: / });
  t.is(slackOptions({ SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_APP_TOKEN: 'xapp-1-2' })?.appToken, 'xapp-1-2');
});

test.serial('without Slack settings the service starts as before', async (t) => {
  const service = await startTestParley({ env: { KB_DEMO: 'false' } });
  try {
    t.false(service.parley.adapters.has('slack'));
    t.is((await fetch(`${service.url}/slack/events`, { method: 'POST' })).status, 404);
  } finally {
    await service.close();
  }
});
