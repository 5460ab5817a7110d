// The Discord channel end to end: the real composition root with discord.js,
// connected to a fake Discord on loopback (REST and the gateway websocket).
// The answering bot is the real knowledge bot with the demo articles.
//
// Serial: each test boots a whole service; running them one at a time keeps
// the shared machine (and PostgreSQL's connection limit) out of trouble.
import test from 'ava';
import { FakeClock } from '../../core/testing/clock.ts';
import { discordOptions } from '../../web/features/discord.ts';
import { startTestParley, type TestParley } from '../../web/testing/test-parley.ts';
import { waitFor } from '../common/testing/wait.ts';
import { BOT_USER, CUSTOMER_USER, FakeDiscord, OTHER_USER, SUPPORT_CHANNEL_ID, nextSnowflake } from './testing/fake-discord.ts';

const QUESTION = 'How do I reset my password?';

interface World {
  discord: FakeDiscord;
  service: TestParley;
  dm: string;
  close(): Promise<void>;
}

async function world(env: Record<string, string> = {}, clock?: FakeClock): Promise<World> {
  const discord = await new FakeDiscord().start();
  const service = await startTestParley({ clock, env: { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, ...env } });
  await waitFor(() => discord.identifies.length > 0, 'the gateway IDENTIFY');
  return {
    discord,
    service,
    dm: nextSnowflake(),
    async close() {
      await service.close();
      await discord.stop();
    },
  };
}

const knex = (w: World) => w.service.parley.db.knex;
const sentTo = (w: World, channelId: string) => w.discord.callsTo('POST', `/channels/${channelId}/messages`).filter((c) => !c.path.endsWith('/threads'));
const buttonsOf = (call: { body: any }) => (call.body.components?.[0]?.components ?? []) as { custom_id: string; label: string }[];

function sendDm(w: World, content: string, extra: Record<string, unknown> = {}) {
  const message = { ...w.discord.message({ channelId: w.dm, content, dm: true }), ...extra };
  w.discord.dispatch('MESSAGE_CREATE', message);
  return message;
}

async function askAndGetAnswer(w: World) {
  const question = sendDm(w, QUESTION);
  const ticket = await waitFor(() => knex(w)('tickets').where({ channel: 'discord', threadKey: `dm:${w.dm}` }).first(), 'the ticket');
  const answer = await waitFor(() => sentTo(w, w.dm).find((c) => buttonsOf(c).length > 0), 'the bot answer');
  return { question, ticket, answer };
}

test.serial('a direct message becomes a ticket; the bot answers in the DM with cited links and rating buttons', async (t) => {
  const w = await world();
  try {
    t.true((w.discord.identifies[0].intents & (1 << 15)) !== 0, 'MESSAGE CONTENT intent requested');
    const { question, ticket, answer } = await askAndGetAnswer(w);
    const [message] = await knex(w)('messages').where({ ticketId: ticket.id });
    t.is(message.externalId, question.id);
    t.is(message.bodyText, QUESTION);
    t.is((await knex(w)('identities').where({ channel: 'discord', externalUserId: CUSTOMER_USER.id }).first()).name, CUSTOMER_USER.global_name);

    t.is(answer.authorization, `Bot ${w.discord.token}`);
    t.regex(answer.body.content, /\[[^\]]+\]\(http:\/\/[^)]+\/kb\/[^)]+\)/, 'citations as masked links');
    t.true(answer.body.content.length <= 2000);
    t.deepEqual(answer.body.allowed_mentions, { parse: [] });
    t.regex(answer.body.nonce, /^pd\d+\.0$/);
    t.true(answer.body.enforce_nonce);
    t.deepEqual(buttonsOf(answer).map((b) => b.label), ['Helpful', 'Not helpful']);
    await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'sent' }).first(), 'the delivery marked sent');
  } finally {
    await w.close();
  }
});

test.serial('a message delivered twice is stored once and answered once; bots and our own messages are ignored', async (t) => {
  const w = await world();
  try {
    const question = w.discord.message({ channelId: w.dm, content: QUESTION, dm: true });
    w.discord.dispatch('MESSAGE_CREATE', question);
    w.discord.dispatch('MESSAGE_CREATE', question);
    w.discord.dispatch('MESSAGE_CREATE', w.discord.message({ channelId: w.dm, content: 'our echo', dm: true, author: BOT_USER as any }));
    w.discord.dispatch('MESSAGE_CREATE', w.discord.message({ channelId: nextSnowflake(), content: 'beep', dm: true, author: { ...OTHER_USER, bot: true } as any }));
    await waitFor(() => sentTo(w, w.dm).length > 0, 'the answer');
    await new Promise((r) => setTimeout(r, 250));
    t.is((await knex(w)('messages').where({ channel: 'discord', authorType: 'customer' })).length, 1);
    t.is((await knex(w)('tickets').where({ channel: 'discord' })).length, 1);
    t.is(sentTo(w, w.dm).length, 1);
  } finally {
    await w.close();
  }
});

test.serial('a mention in a server channel opens a thread that is the ticket; follow-ups in it need no mention', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    w.discord.dispatch('GUILD_CREATE', w.discord.guildCreate());
    w.discord.dispatch('MESSAGE_CREATE', w.discord.message({ channelId: SUPPORT_CHANNEL_ID, content: 'anyone around?', guild: true }));
    const mention = w.discord.message({ channelId: SUPPORT_CHANNEL_ID, content: `<@${BOT_USER.id}> ${QUESTION}`, guild: true, mentionsBot: true });
    w.discord.dispatch('MESSAGE_CREATE', mention);
    const ticket = await waitFor(() => knex(w)('tickets').where({ channel: 'discord', threadKey: `thread:${mention.id}` }).first(), 'the thread ticket');
    const threadCall = w.discord.callsTo('POST', `/channels/${SUPPORT_CHANNEL_ID}/messages/${mention.id}/threads`)[0]!;
    t.is(threadCall.body.name, QUESTION);
    w.discord.dispatch('MESSAGE_CREATE', w.discord.message({ channelId: mention.id, content: 'Still stuck', guild: true }));
    await waitFor(async () => (await knex(w)('messages').where({ ticketId: ticket.id })).length === 2, 'the follow-up');
    const texts = (await knex(w)('messages').where({ ticketId: ticket.id }).orderBy('id')).map((m: any) => m.bodyText);
    t.deepEqual(texts, [QUESTION, 'Still stuck']);
    t.is((await knex(w)('tickets').where({ channel: 'discord' })).length, 1, 'unmentioned channel chatter is ignored');
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'On it.' });
    const reply = await waitFor(() => sentTo(w, mention.id)[0], 'the reply in the thread');
    t.is(reply.body.content, 'On it.');
  } finally {
    await w.close();
  }
});

test.serial('attachments become attachments, fetched only from Discord\'s file hosts', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const content = Buffer.from('log file contents');
    const url = w.discord.addFile('app.log', content);
    const message = sendDm(w, '', {
      attachments: [
        { id: nextSnowflake(), filename: 'app.log', size: content.length, url, proxy_url: url, content_type: 'text/plain' },
        { id: nextSnowflake(), filename: 'x.txt', size: 3, url: 'https://evil.example/x.txt', proxy_url: 'https://evil.example/x.txt' },
      ],
    });
    const stored = await waitFor(() => knex(w)('messages').where({ channel: 'discord', externalId: message.id }).first(), 'the message');
    const attachments = await knex(w)('attachments').where({ messageId: stored.id });
    t.is(attachments.length, 1);
    t.is(attachments[0].filename, 'app.log');
    t.deepEqual(await w.service.parley.attachments.read(attachments[0].sha256), content);
  } finally {
    await w.close();
  }
});

test.serial('an agent\'s files go with the reply; one that cannot be sent is named', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    sendDm(w, QUESTION);
    const ticket = await waitFor(() => knex(w)('tickets').where({ channel: 'discord' }).first(), 'the ticket');
    const bytes = Buffer.from('guide contents');
    const stored = await w.service.parley.attachments.put(bytes);
    const missing = { sha256: 'f'.repeat(64), size: 10, filename: 'lost.pdf', contentType: 'application/pdf' };
    // One attachment per reply: the core's multi-attachment insert is PostgreSQL-only today.
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Here you go.', attachments: [{ ...stored, filename: 'guide.txt', contentType: 'text/plain' }] });
    const sent = await waitFor(() => sentTo(w, w.dm)[0], 'the reply');
    t.deepEqual(sent.files.map((f) => [f.name, f.data.toString()]), [['guide.txt', 'guide contents']]);
    t.is(sent.body.content, 'Here you go.');
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'And the invoice.', attachments: [missing] });
    const noted = await waitFor(() => sentTo(w, w.dm)[1], 'the second reply');
    t.deepEqual(noted.files, []);
    t.regex(noted.body.content, /^And the invoice\.\n\n\*An attachment \("lost\.pdf"\) could not be sent here/);
  } finally {
    await w.close();
  }
});

test.serial('rating buttons: the asker\'s press is recorded and the buttons replaced; someone else is told no; surveys take 1-5', async (t) => {
  const w = await world();
  try {
    const { ticket, answer } = await askAndGetAnswer(w);
    const posted = { id: nextSnowflake(), channel_id: w.dm, author: BOT_USER, content: answer.body.content, components: answer.body.components, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0, flags: 0 };
    const [helpful, notHelpful] = buttonsOf(answer);

    w.discord.dispatch('INTERACTION_CREATE', w.discord.buttonPress({ message: posted, customId: helpful!.custom_id, user: OTHER_USER }));
    const refusal = await waitFor(() => w.discord.callsTo('POST', '/interactions/')[0], 'the refusal');
    t.is(refusal.body.type, 4);
    t.is(refusal.body.data.flags, 64, 'only the presser sees it');
    t.falsy(await knex(w)('ratings').where({ ticketId: ticket.id }).first());

    w.discord.dispatch('INTERACTION_CREATE', w.discord.buttonPress({ message: posted, customId: notHelpful!.custom_id }));
    const rating = await waitFor(() => knex(w)('ratings').where({ ticketId: ticket.id, kind: 'answer' }).first(), 'the rating');
    t.is(rating.score, 0);
    t.is(rating.channel, 'discord');
    const update = await waitFor(() => w.discord.callsTo('POST', '/interactions/')[1], 'the update');
    t.is(update.body.type, 7);
    t.true(update.body.data.components[0].components[0].disabled);
    await waitFor(async () => (await knex(w)('tickets').where({ id: ticket.id }).first()).handler === 'human', '"Not helpful" hands off');

    await w.service.parley.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
    const survey = await waitFor(() => sentTo(w, w.dm).find((c) => buttonsOf(c).length === 5), 'the survey');
    w.discord.dispatch('INTERACTION_CREATE', w.discord.buttonPress({ message: { ...posted, id: nextSnowflake() }, customId: buttonsOf(survey)[2]!.custom_id }));
    const csat = await waitFor(() => knex(w)('ratings').where({ ticketId: ticket.id, kind: 'csat' }).first(), 'the satisfaction rating');
    t.is(csat.score, 3);
  } finally {
    await w.close();
  }
});

test.serial('a 429 is retried after Discord\'s retry-after; a user who cannot be messaged ends the delivery as dead', async (t) => {
  const clock = new FakeClock(Date.now());
  const w = await world({ KB_BOT: 'false' }, clock);
  try {
    sendDm(w, QUESTION);
    const ticket = await waitFor(() => knex(w)('tickets').where({ channel: 'discord' }).first(), 'the ticket');
    w.discord.script(`POST /channels/${w.dm}/messages`, { status: 429, headers: { 'retry-after': '5' }, body: { message: 'You are being rate limited.', retry_after: 5, global: false } });
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'One moment.' });
    const failed = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'pending', attempts: 1 }).first(), 'the rate-limited attempt');
    const wait = Number(failed.nextAttemptAt) - clock.now();
    t.true(wait >= 5000 && wait <= 5100, `waits Discord's retry-after (${wait}ms)`);
    clock.advance(wait);
    w.service.parley.outbox.wake();
    await waitFor(() => knex(w)('deliveries').where({ id: failed.id, status: 'sent' }).first(), 'the retried delivery');
    t.is(sentTo(w, w.dm).length, 2);

    w.discord.script(`POST /channels/${w.dm}/messages`, { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Are you there?' });
    const dead = await waitFor(() => knex(w)('deliveries').where({ ticketId: ticket.id, status: 'dead' }).first(), 'the dead delivery');
    t.regex(dead.lastError, /50007 Cannot send messages to this user/);
    t.is(dead.attempts, 1);
  } finally {
    await w.close();
  }
});

test.serial('after a dropped connection the client reconnects by itself and fetches what it missed', async (t) => {
  const w = await world({ KB_BOT: 'false' });
  try {
    const first = sendDm(w, QUESTION);
    const ticket = await waitFor(() => knex(w)('tickets').where({ channel: 'discord' }).first(), 'the ticket');
    await w.service.parley.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Which browser?' });
    await waitFor(() => sentTo(w, w.dm).length === 1, 'our reply');

    w.discord.drop(1000);
    // Written while we were away: never dispatched, only in the channel's history.
    const missed = w.discord.message({ channelId: w.dm, content: 'Firefox, sorry for the delay', dm: true });
    await waitFor(() => w.discord.identifies.length === 2, 'a new session', 20_000);
    const stored = await waitFor(() => knex(w)('messages').where({ channel: 'discord', externalId: missed.id }).first(), 'the missed message');
    t.is(stored.ticketId, ticket.id);
    const history = w.discord.callsTo('GET', `/channels/${w.dm}/messages`).at(-1)!;
    t.is(history.query.get('after'), first.id, 'asks for what came after the newest stored message');
    t.is((await knex(w)('messages').where({ ticketId: ticket.id, authorType: 'customer' })).length, 2, 'our own reply in the history is not a customer message');
  } finally {
    await w.close();
  }
});

test.serial('settings: no token leaves Discord off; a malformed one stops boot naming the variable', async (t) => {
  t.is(discordOptions({}), undefined);
  t.throws(() => discordOptions({ DISCORD_BOT_TOKEN: 'nope' }), { message: /^DISCORD_BOT_TOKEN: .*value hidden/ });
  t.throws(() => discordOptions({ DISCORD_BOT_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAKE1.fake-token-signature', DISCORD_MESSAGE_CONTENT: 'maybe' }), { message: /^DISCORD_MESSAGE_CONTENT: / });
  t.false(discordOptions({ DISCORD_BOT_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAKE1.fake-token-signature', DISCORD_MESSAGE_CONTENT: 'false' })!.messageContent);
  const service = await startTestParley({ env: { KB_DEMO: 'false' } });
  try {
    t.false(service.parley.adapters.has('discord'));
  } finally {
    await service.close();
  }
});
