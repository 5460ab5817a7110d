import test from 'ava';
import { Survey } from './models.ts';
import { createSurveyHandler, sendSurveyIfDue } from './send-survey.ts';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';

let world: World;
test.before(async () => {
  world = await buildWorld({ followUps: { status_changed: ['survey.send'] } });
});
test.after.always(async () => {
  await world?.close();
});

const surveysOf = (ticketId: number) => Survey.query(world.db.knex).where({ ticketId });
const surveyMessages = (ticketId: number) =>
  world.db.knex('messages').where({ ticketId, authorType: 'system' }).select('id', 'meta', 'bodyText');

test.serial('an answered ticket gets exactly one survey on resolution, on its channel', async (t) => {
  const { ticket } = await world.core.receive(inbound({ channel: 'slack', replyRef: { channel: 'C1', ts: '1.0' } }));
  await world.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Fixed it for you.' });
  await world.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  const handler = createSurveyHandler(world.core);
  const payload = { trigger: 'status_changed', ticketId: ticket.id, event: 'status_changed', data: { from: 'open', to: 'resolved' } };
  await handler(payload);
  await handler(payload); // the job may run twice
  const surveys = await surveysOf(ticket.id);
  t.is(surveys.length, 1);
  t.is(surveys[0]!.channel, 'slack');
  const messages = await surveyMessages(ticket.id);
  t.is(messages.length, 1);
  t.regex(messages[0].bodyText, new RegExp(`#${ticket.number} has been resolved`));
  const deliveries = await world.db.knex('deliveries').where({ messageId: messages[0].id });
  t.is(deliveries.length, 1);
  t.is(deliveries[0].channel, 'slack');

  // The job was enqueued by the status change itself.
  const jobs = await world.db.knex('jobs').where({ type: 'survey.send' });
  t.true(jobs.length >= 1);

  // Answering it marks the survey answered.
  await world.core.rate({ kind: 'csat', ticketId: ticket.id, score: 4, channel: 'slack' });
  const [answered] = await surveysOf(ticket.id);
  t.truthy(answered!.answeredAt);
  t.truthy(answered!.ratingId);

  // Reopened and resolved again: still one survey.
  await world.core.receive(inbound({ channel: 'slack', threadKey: ticket.threadKey }));
  await world.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  await handler(payload);
  t.is((await surveysOf(ticket.id)).length, 1);
});

test.serial('no survey when nobody answered, when the bot only handed off, or for auto-replies only', async (t) => {
  const unanswered = await world.core.receive(inbound());
  await world.core.changeStatus(unanswered.ticket.id, 'resolved', { type: 'agent' });
  await world.core.transaction((tx) => sendSurveyIfDue(tx, unanswered.ticket.id));
  t.is((await surveysOf(unanswered.ticket.id)).length, 0);

  const handedOff = await world.core.receive(inbound());
  await world.core.reply({ ticketId: handedOff.ticket.id, authorType: 'bot', purpose: 'answer', text: 'A person will follow up.', meta: { handoff: { reason: 'low_confidence' } } });
  await world.core.changeStatus(handedOff.ticket.id, 'resolved', { type: 'agent' });
  await world.core.transaction((tx) => sendSurveyIfDue(tx, handedOff.ticket.id));
  t.is((await surveysOf(handedOff.ticket.id)).length, 0);

  const autoReply = await world.core.receive(inbound({ channel: 'email', noReply: true }));
  await world.core.reply({ ticketId: autoReply.ticket.id, authorType: 'agent', text: 'Noted.' });
  await world.core.changeStatus(autoReply.ticket.id, 'resolved', { type: 'agent' });
  await world.core.transaction((tx) => sendSurveyIfDue(tx, autoReply.ticket.id));
  t.is((await surveysOf(autoReply.ticket.id)).length, 0);
});

test.serial('a ticket reopened before the job runs gets no survey', async (t) => {
  const { ticket } = await world.core.receive(inbound());
  await world.core.reply({ ticketId: ticket.id, authorType: 'bot', purpose: 'answer', text: 'Try this.' });
  await world.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  await world.core.receive(inbound({ threadKey: ticket.threadKey }));
  await world.core.transaction((tx) => sendSurveyIfDue(tx, ticket.id));
  t.is((await surveysOf(ticket.id)).length, 0);
});
