// The Teams channel end to end: the real composition root with botbuilder's
// CloudAdapter, activities POSTed to /api/messages as the Bot Framework
// would, and a fake Bot Connector (the activities' serviceUrl) recording what
// the bot sends. The answering bot is the real knowledge bot.
//
// Serial: each test boots a whole service; running them one at a time keeps
// the shared machine (and PostgreSQL's connection limit) out of trouble.
import test from 'ava';
import { FakeClock } from '../../core/testing/clock.ts';
import { teamsOptions } from '../../web/features/teams.ts';
import { startTestParley, type TestParley } from '../../web/testing/test-parley.ts';
import { waitFor } from '../common/testing/wait.ts';
import { CUSTOMER, FakeConnector, OTHER, cardExecute, cardSubmit, channelMention, personalMessage } from './testing/fake-connector.ts';

const QUESTION = 'How do I reset my password?';
const PERSONAL = 'a:personal-casey';

interface World {
  connector: FakeConnector;
  service: TestParley;
  close(): Promise<void>;
}

async function world(env: Record<string, string> = {}, clock?: FakeClock): Promise<World> {
  const connector = await new FakeConnector().start();
  const service = await startTestParley({ clock, env: { TEAMS_ENABLED: 'true', ...env } });
  return {
    connector,
    service,
    async close() {
      await service.close();
      await connector.stop();
    },
  };
}

function post(w: World, activity: unknown, headers: Record<string, string> = {}) {
  return fetch(`${w.service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
}

const knex = (w: World) => w.service.parley.db.knex;

function cardOf(sent: { activity: Record<string, any> }) {
  return sent.activity.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** A personal-chat question answered by the bot: the ticket, the answer text and the rating card as sent. */
async function askAndGetAnswer(w: World) {
  const activity = personalMessage(w.connector, QUESTION);
  const res = await post(w, activity);
  if (res.status !== 200) throw new Error(`activity answered ${res.status}`);
  const ticket = await knex(w)('tickets').where({ channel: 'teams', threadKey: PERSONAL }).first();
  const card = await waitFor(() => w.connector.postedTo(PERSONAL).find((s) => cardOf(s)), 'the rating card');
  const text = w.connector.postedTo(PERSONAL).find((s) => typeof s.activity.text === 'string')!;
  return { activity, ticket, text, card };
}

test.serial('a personal chat message becomes a ticket; the bot answers proactively with cited links and a rating card', async (t) => {
  const w = await world();
  try {
    const { activity, ticket, text, card } = await askAndGetAnswer(w);
    t.truthy(ticket, 'stored before Teams got its 200');
    const [message] = await knex(w)('messages').where({ ticketId: ticket.id });
    t.is(message.externalId, `${PERSONAL}:${activity.id}`);
    t.is(message.bodyText, QUESTION);
    const identity = await knex(w)('identities').where({ channel: 'teams', externalUserId: CUSTOMER.id }).first();
    t.is(identity.name, CUSTOMER.name);

    t.is(text.activity.textFormat, 'markdown');
    t.regex(text.activity.text, /\[[^\]]+\]\(http:\/\/[^)]+\/kb\/[^)]+\)/, 'citations rendered as markdown links');
    t.is(text.activity.recipient.id, CUSTOMER.id);
    const actions = cardOf(card).actions;
    t.deepEqual(actions.map((a: any) => a.title), ['Helpful', 'Not helpful']);
    t.true(actions.every((a: any) => a.type === 'Action.Submit' && /^pr1:/.test(a.data.parleyRating)));
    await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'sent' }).first(), 'the delivery marked sent');
  } finally {
    await w.close();
  }
});

test.serial('a redelivered activity stores one message and gets one answer', async (t) => {
  const w = await world();
  try {
    const activity = personalMessage(w.connector, QUESTION);
    t.is((await post(w, activity)).status, 200);
    t.is((await post(w, activity)).status, 200);
    const ticket = await knex(w)('tickets').where({ channel: 'teams', threadKey: PERSONAL }).first();
    t.is((await knex(w)('messages').where({ ticketId: ticket.id, authorType: 'customer' })).length, 1);
    await waitFor(() => w.connector.postedTo(PERSONAL).some((s) => cardOf(s)), 'the answer');
    await new Promise((r) => setTimeout(r, 200));
    t.is(w.connector.postedTo(PERSONAL).filter((s) => cardOf(s)).length, 1);
  } finally {
    await w.close();
  }
});

test.serial('a channel mention is its own ticket keyed by the reply chain, answered in that chain', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const activity = channelMention(w.connector, QUESTION);
    t.is((await post(w, activity)).status, 200);
    const ticket = await knex(w)('tickets').where({ channel: 'teams', threadKey: activity.conversation.id }).first();
    t.truthy(ticket);
    t.true(ticket.threadKey.endsWith(`;messageid=${activity.id}`));
    t.is((await knex(w)('messages').where({ ticketId: ticket.id }).first()).bodyText, QUESTION, 'the mention is removed');
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Looking into it.' });
    const sent = await waitFor(() => w.connector.postedTo(activity.conversation.id)[0], 'the reply in the thread');
    t.is(sent.activity.text, 'Looking into it.');
    // Teams takes no file uploads from bots without a consent card: files are named instead.
    const stored = await w.service.parley.attachments.put(Buffer.from('guide'));
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'See the guide.', attachments: [{ ...stored, filename: 'guide.pdf', contentType: 'application/pdf' }] });
    const withFile = await waitFor(() => w.connector.postedTo(activity.conversation.id)[1], 'the reply with a file');
    t.regex(withFile.activity.text, /^See the guide\.\n\n\*An attachment \("guide\.pdf"\) could not be sent here/);
  } finally {
    await w.close();
  }
});

test.serial('our own activities, other bots and non-message activities are not customer input', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const base = personalMessage(w.connector, 'hello');
    for (const activity of [
      { ...base, id: 'x1', from: { id: '28:parley-bot', name: 'Parley' } },
      { ...base, id: 'x2', from: { id: '28:other-bot', name: 'Other', role: 'bot' } },
      { ...base, id: 'x3', type: 'conversationUpdate', membersAdded: [{ id: CUSTOMER.id }], text: undefined },
      { ...base, id: 'x4', type: 'typing', text: undefined },
    ]) {
      t.is((await post(w, activity)).status, 200);
    }
    t.is((await knex(w)('messages').count({ n: '*' }).first())!.n as number, 0);
  } finally {
    await w.close();
  }
});

test.serial('a file shared in the chat becomes an attachment', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const content = Buffer.from('screenshot bytes');
    const downloadUrl = w.connector.addFile('error.png', content);
    const activity = personalMessage(w.connector, '', {
      text: '',
      attachments: [
        { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'error.png', content: { downloadUrl, uniqueId: 'u1', fileType: 'png' } },
        { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'steal.txt', content: { downloadUrl: 'https://evil.example/steal', fileType: 'txt' } },
      ],
    });
    t.is((await post(w, activity)).status, 200);
    const message = await knex(w)('messages').where({ channel: 'teams', externalId: `${PERSONAL}:${activity.id}` }).first();
    const attachments = await knex(w)('attachments').where({ messageId: message.id });
    t.is(attachments.length, 1);
    t.is(attachments[0].filename, 'error.png');
    t.deepEqual(await w.service.parley.attachments.read(attachments[0].sha256), content);
  } finally {
    await w.close();
  }
});

test.serial('card buttons: the asker\'s submit is rated and the card replaced; someone else is refused; Action.Execute works too', async (t) => {
  const w = await world();
  try {
    const { ticket, card } = await askAndGetAnswer(w);
    const [helpful, notHelpful] = cardOf(card).actions;

    t.is((await post(w, cardSubmit(w.connector, card.id, helpful.data, OTHER))).status, 200);
    t.falsy(await knex(w)('ratings').where({ ticketId: ticket.id }).first());
    const refusal = await waitFor(() => w.connector.sent.find((s) => s.method === 'POST' && /Only the person/.test(s.activity.text ?? '')), 'the refusal');
    t.truthy(refusal);

    t.is((await post(w, cardSubmit(w.connector, card.id, helpful.data))).status, 200);
    const rating = await knex(w)('ratings').where({ ticketId: ticket.id, kind: 'answer' }).first();
    t.is(rating.score, 1);
    t.is(rating.channel, 'teams');
    const update = w.connector.sent.find((s) => s.method === 'PUT')!;
    t.is(update.activityId, card.id, 'the clicked card is replaced');
    t.regex(JSON.stringify(cardOf(update)), /Thanks for your feedback/);

    const res = await post(w, cardExecute(w.connector, card.id, notHelpful.data));
    t.is(res.status, 200);
    const invokeBody = (await res.json()) as any;
    t.is(invokeBody.type, 'application/vnd.microsoft.card.adaptive');
    t.is((await knex(w)('ratings').where({ ticketId: ticket.id }).first()).score, 0);
    t.is((await knex(w)('tickets').where({ id: ticket.id }).first()).handler, 'human', '"Not helpful" hands off');

    const forged = { parleyRating: helpful.data.parleyRating.replace(/^pr1:a:\d+/, 'pr1:a:1') };
    await post(w, cardSubmit(w.connector, card.id, forged));
    t.is((await knex(w)('ratings').where({ ticketId: ticket.id }).first()).score, 0, 'a forged token changes nothing');
  } finally {
    await w.close();
  }
});

test.serial('resolving the ticket sends a 1-5 survey card; a submit records the satisfaction score', async (t) => {
  const w = await world();
  try {
    const { ticket } = await askAndGetAnswer(w);
    await w.service.parley.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
    const survey = await waitFor(() => w.connector.postedTo(PERSONAL).find((s) => cardOf(s)?.actions?.length === 5), 'the survey card');
    const five = cardOf(survey).actions[4];
    t.is(five.title, '5 Excellent');
    t.is((await post(w, cardSubmit(w.connector, survey.id, five.data))).status, 200);
    const csat = await knex(w)('ratings').where({ ticketId: ticket.id, kind: 'csat' }).first();
    t.is(csat.score, 5);
    t.is(csat.channel, 'teams');
  } finally {
    await w.close();
  }
});

test.serial('a 429 from the Bot Connector is retried after its Retry-After, with no retries hidden inside the send', async (t) => {
  const clock = new FakeClock(Date.now());
  const w = await world({ KB_BOT: 'false' }, clock);
  try {
    t.is((await post(w, personalMessage(w.connector, QUESTION))).status, 200);
    const ticket = await knex(w)('tickets').where({ channel: 'teams' }).first();
    w.connector.script({ status: 429, headers: { 'retry-after': '12' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } });
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'One moment.' });
    const failed = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'pending', attempts: 1 }).first(), 'the failed attempt');
    t.is(Number(failed.nextAttemptAt), clock.now() + 12_000);
    t.regex(failed.lastError, /429/);
    t.is(w.connector.sent.length, 1, 'one request per attempt');
    clock.advance(12_000);
    w.service.parley.outbox.wake();
    await waitFor(() => knex(w)('deliveries').where({ id: failed.id, status: 'sent' }).first(), 'the retried delivery');
    t.is(w.connector.sent.length, 2);
  } finally {
    await w.close();
  }
});

test.serial('a bot removed from the conversation (403) ends the delivery as dead with the connector\'s error', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    t.is((await post(w, personalMessage(w.connector, QUESTION))).status, 200);
    const ticket = await knex(w)('tickets').where({ channel: 'teams' }).first();
    w.connector.script({ status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } });
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Hello?' });
    const dead = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'dead' }).first(), 'the dead delivery');
    t.regex(dead.lastError, /403.*BotNotInConversationRoster/);
  } finally {
    await w.close();
  }
});

test.serial('with an app id configured a token is required; without one only loopback service URLs are accepted', async (t) => {
  const secured = await world({ MICROSOFT_APP_ID: '6a5e5c1e-0000-4000-8000-000000000001', MICROSOFT_APP_PASSWORD: 'secret', KB_BOT: 'false' });
  try {
    const activity = personalMessage(secured.connector, QUESTION);
    t.is((await post(secured, activity)).status, 401);
    t.is((await post(secured, activity, { authorization: 'Bearer not-a-jwt' })).status, 401);
    t.is((await knex(secured)('messages').count({ n: '*' }).first())!.n as number, 0);
  } finally {
    await secured.close();
  }
  const open = await world({ KB_BOT: 'false' });
  try {
    const activity = { ...personalMessage(open.connector, QUESTION), serviceUrl: 'https://smba.trafficmanager.net/emea/' };
    t.is((await post(open, activity)).status, 401);
    t.is((await knex(open)('messages').count({ n: '*' }).first())!.n as number, 0);
  } finally {
    await open.close();
  }
});

test.serial('settings: Teams is off without credentials; incomplete credentials stop boot naming the variable', (t) => {
  t.is(teamsOptions({}), undefined);
  t.is(teamsOptions({ TEAMS_ENABLED: 'true' })?.appId, undefined);
  const appId = '6a5e5c1e-0000-4000-8000-000000000001';
  t.throws(() => teamsOptions({ MICROSOFT_APP_ID: appId }), { message: /^MICROSOFT_APP_PASSWORD: / });
  t.throws(() => teamsOptions({ MICROSOFT_APP_ID: 'bot' }), { message: /^MICROSOFT_APP_ID: / });
  t.throws(() => teamsOptions({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TYPE: 'SingleTenant' }), { message: /^MICROSOFT_APP_TENANT_ID: / });
  t.throws(() => teamsOptions({ TEAMS_ENABLED: 'true', MICROSOFT_APP_PASSWORD: 'x' }), { message: /^MICROSOFT_APP_ID: / });
  const single = teamsOptions({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'x', MICROSOFT_APP_TENANT_ID: '11111111-2222-3333-4444-555555555555' });
  t.is(single?.appType, 'SingleTenant');
});
