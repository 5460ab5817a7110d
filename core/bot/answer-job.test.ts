// The bot as a follow-up job, on a real core and an offline knowledge base
// over the same database: answers, handoffs for each reason that starts here,
// silence on tickets a person handles, idempotence, and resuming after resolve.
import test from 'ava';
import { DEMO_DIR, openTestKb, type TestKb } from '../../knowledge/testing/kb.ts';
import { Message } from '../messages/models.ts';
import { Ticket, TicketEvent } from '../tickets/models.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';
import { createBotAnswerJob } from './answer-job.ts';
import { createBotResumeJob } from './resume-job.ts';
import type { JobHandler } from '../jobs/job-runner.ts';

let world: World;
let kb: TestKb;
let answerJob: JobHandler;
let resumeJob: JobHandler;
const typing: { ticketId: number; active: boolean }[] = [];

test.before(async () => {
  world = await buildWorld();
  kb = await openTestKb({ db: world.db });
  await kb.kb.import(DEMO_DIR);
  answerJob = createBotAnswerJob({ core: world.core, answerer: kb.kb, logger: world.logger });
  resumeJob = createBotResumeJob({ core: world.core });
  world.bus.subscribe((e) => {
    if (e.type === 'ticket.typing') typing.push({ ticketId: e.ticketId!, active: e.active as boolean });
  });
});
test.after.always(async () => {
  await kb?.close();
  await world?.close();
});

/** A customer writes; the job runs as the runner would run it. */
async function ask(text: string, thread: string) {
  const received = await world.core.receive(inbound({ text, threadKey: thread, replyRef: { thread } }));
  await answerJob({ trigger: 'message.received', ticketId: received.ticket.id, messageId: received.message.id, created: received.created }, { id: 1, attempts: 1 });
  return received;
}

const botMessages = (ticketId: number) => Message.query(world.db.knex).where({ ticketId, authorType: 'bot' }).orderBy('id');

async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

test.serial('a question on a bot ticket gets an answer with citations, delivered on its channel', async (t) => {
  const { ticket, message } = await ask('How do I reset my password?', 'bot-1');
  const [reply] = await botMessages(ticket.id);
  t.truthy(reply);
  t.regex(reply.bodyText, /Reset a forgotten password/);
  t.is(reply.meta!.purpose, 'answer');
  t.is(reply.meta!.inReplyTo, message.id);
  t.is(reply.meta!.question, 'How do I reset my password?');
  t.true((reply.meta!.confidence as number) >= 0.35);
  t.deepEqual((reply.meta!.citations as any[]).map((c) => c.url), ['http://parley.test/kb/reset-password']);
  t.is(reply.meta!.handoff, undefined);
  const deliveries = await world.db.knex('deliveries').where({ messageId: reply.id });
  t.is(deliveries.length, 1);
  t.is(deliveries[0].channel, 'webchat');
  t.deepEqual(typeof deliveries[0].replyRef === 'string' ? JSON.parse(deliveries[0].replyRef) : deliveries[0].replyRef, { thread: 'bot-1' });
  await until(() => typing.filter((e) => e.ticketId === ticket.id).length >= 2);
  t.deepEqual(typing.filter((e) => e.ticketId === ticket.id).map((e) => e.active), [true, false]);
  t.is((await Ticket.query(world.db.knex).findById(ticket.id))!.handler, 'bot');
});

test.serial('running the job twice answers once', async (t) => {
  const { ticket, message } = await ask('how to connect slack', 'bot-2');
  await answerJob({ trigger: 'message.received', ticketId: ticket.id, messageId: message.id }, { id: 2, attempts: 2 });
  t.is((await botMessages(ticket.id)).length, 1);
});

test.serial('"talk to a person" hands the ticket off; the bot then stays silent', async (t) => {
  const { ticket } = await ask('my card was declined', 'bot-3');
  await ask('I want to talk to a person', 'bot-3');
  const replies = await botMessages(ticket.id);
  t.is(replies.length, 2);
  t.deepEqual(replies[1].meta!.handoff, { reason: 'customer_request' });
  t.is(replies[1].meta!.purpose, 'answer');
  t.true((replies[1].meta!.citations as any[]).some((c) => c.url.endsWith('/kb/failed-payment')), 'suggests articles for the earlier question');
  const after = (await Ticket.query(world.db.knex).findById(ticket.id))!;
  t.is(after.handler, 'human');
  t.is(after.handoffReason, 'customer_request');
  const events = await TicketEvent.query(world.db.knex).where({ ticketId: ticket.id, type: 'handed_off' });
  t.is(events.length, 1);
  t.is(events[0].actorType, 'bot');
  t.deepEqual(events[0].data, { reason: 'customer_request' });

  const typingOn = () => typing.filter((e) => e.ticketId === ticket.id).length;
  await until(() => typingOn() >= 4); // two answers so far, each typing on then off
  await ask('hello? anyone there about the declined card?', 'bot-3');
  t.is((await botMessages(ticket.id)).length, 2, 'no bot reply on a ticket a person handles');
  await new Promise((r) => setTimeout(r, 100));
  t.is(typingOn(), 4, 'and no typing indicator');
});

test.serial('a question the knowledge base cannot answer is handed off with low_confidence', async (t) => {
  const { ticket } = await ask('what is the weather in Paris tomorrow', 'bot-4');
  const [reply] = await botMessages(ticket.id);
  t.deepEqual(reply.meta!.handoff, { reason: 'low_confidence' });
  t.is((await Ticket.query(world.db.knex).findById(ticket.id))!.handoffReason, 'low_confidence');
});

test.serial('the same question coming back is handed off with repeated_question', async (t) => {
  const { ticket } = await ask('How do I change my email address?', 'bot-5');
  await ask('how can I change the email address of my account', 'bot-5');
  const replies = await botMessages(ticket.id);
  t.is(replies.length, 2);
  t.is(replies[0].meta!.handoff, undefined);
  t.deepEqual(replies[1].meta!.handoff, { reason: 'repeated_question' });
  t.is((await Ticket.query(world.db.knex).findById(ticket.id))!.handler, 'human');
});

test.serial('once a handed-off ticket is resolved, the bot answers the next message again', async (t) => {
  const { ticket } = await ask('I want to talk to a person', 'bot-6');
  t.is((await Ticket.query(world.db.knex).findById(ticket.id))!.handler, 'human');
  await world.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  await resumeJob({ trigger: 'status_changed', ticketId: ticket.id, event: 'status_changed', data: { from: 'open', to: 'resolved' } }, { id: 3, attempts: 1 });
  const resumed = (await Ticket.query(world.db.knex).findById(ticket.id))!;
  t.is(resumed.handler, 'bot');
  t.is(resumed.handoffReason, null);
  await ask('how do I cancel my subscription', 'bot-6');
  const replies = await botMessages(ticket.id);
  t.regex(replies.at(-1)!.bodyText, /Cancel your subscription/);
});

test.serial('greetings get a friendly reply that is not an answer; auto-replies get nothing', async (t) => {
  const { ticket } = await ask('Hello!', 'bot-7');
  const [reply] = await botMessages(ticket.id);
  t.is(reply.meta!.purpose, 'reply');
  t.true(reply.meta!.smallTalk as boolean);
  t.is((await Ticket.query(world.db.knex).findById(ticket.id))!.handler, 'bot');

  const auto = await world.core.receive(inbound({ text: 'I am out of office', threadKey: 'bot-8', noReply: true }));
  const message = await Message.query(world.db.knex).findById(auto.message.id);
  await answerJob({ trigger: 'message.received', ticketId: auto.ticket.id, messageId: message!.id }, { id: 4, attempts: 1 });
  t.is((await botMessages(auto.ticket.id)).length, 0);
});
