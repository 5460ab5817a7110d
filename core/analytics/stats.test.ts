import test from 'ava';
import { inbound } from '../testing/factories.ts';
import { buildWorld, type World } from '../testing/world.ts';
import { createSurveyHandler } from '../surveys/send-survey.ts';
import { DAY_MS, recordAnalytics, type AnalyticsEvent } from './record.ts';
import { computeStats, percentile } from './stats.ts';

let world: World;
test.before(async () => {
  world = await buildWorld();
});
test.after.always(async () => {
  await world?.close();
});

const MIN = 60_000;

test('percentile is nearest-rank', (t) => {
  t.is(percentile([], 0.5), null);
  t.is(percentile([5], 0.9), 5);
  t.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), 5);
  t.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
});

test.serial('figures from a fixture of events with known answers', async (t) => {
  // A period of its own, far from anything else the tests record.
  const day0 = Date.UTC(2030, 0, 1);
  const at = (d: number, h = 12) => day0 + d * DAY_MS + h * 3_600_000;
  const events: AnalyticsEvent[] = [];
  const push = (e: Partial<AnalyticsEvent> & Pick<AnalyticsEvent, 'type'>, times = 1) => {
    for (let i = 0; i < times; i++) events.push({ at: at(0), ...e });
  };
  push({ type: 'ticket_created', channel: 'email', at: at(0) }, 3);
  push({ type: 'ticket_created', channel: 'webchat', at: at(0) }, 2);
  push({ type: 'ticket_created', channel: 'webchat', at: at(1), label: 'portal_form' }, 4);
  push({ type: 'deflection', at: at(1) }, 6);
  // First responses: 1..10 minutes.
  for (let m = 1; m <= 10; m++) push({ type: 'first_response', value: m * MIN, actor: m <= 6 ? 'bot' : 'human' });
  // Resolutions: 7 by the bot alone, 3 with a person.
  for (let h = 1; h <= 10; h++) push({ type: 'resolved', value: h * 60 * MIN, actor: h <= 7 ? 'bot' : 'human' });
  push({ type: 'bot_answered' }, 12);
  push({ type: 'handoff', label: 'low_confidence' }, 3);
  push({ type: 'handoff', label: 'customer_request' }, 5);
  // CSAT: bot got 5,5,4,2 ; human got 5,3.
  for (const v of [5, 5, 4, 2]) push({ type: 'rating', label: 'csat', actor: 'bot', value: v });
  for (const v of [5, 3]) push({ type: 'rating', label: 'csat', actor: 'human', value: v });
  push({ type: 'rating', label: 'answer', actor: 'bot', value: 1 }, 3);
  push({ type: 'survey_sent' }, 10);
  push({ type: 'survey_answered' }, 6);
  push({ type: 'search', label: 'refund policy', value: 0.1 }, 4);
  push({ type: 'search', label: 'sso', value: 0.2 }, 2);
  push({ type: 'search', label: 'reset password', value: 0.9 }, 9);
  // Outside the period: must not count.
  push({ type: 'ticket_created', channel: 'email', at: at(10) }, 5);
  await recordAnalytics(world.db.knex, ...events);

  const stats = await computeStats(world.db.knex, { from: at(0, 0), to: at(2, 0) });
  t.is(stats.volume.total, 9);
  t.deepEqual(stats.volume.byChannel, { email: 3, webchat: 6 });
  t.deepEqual(stats.volume.byDay, [
    { day: '2030-01-01', channel: 'email', tickets: 3 },
    { day: '2030-01-01', channel: 'webchat', tickets: 2 },
    { day: '2030-01-02', channel: 'webchat', tickets: 4 },
  ]);
  t.deepEqual(stats.firstResponse, { count: 10, medianMs: 5 * MIN, p90Ms: 9 * MIN });
  t.deepEqual(stats.resolution, { count: 10, medianMs: 5 * 60 * MIN, p90Ms: 9 * 60 * MIN });
  t.deepEqual(stats.csat.overall, { responses: 6, score: 4 / 6, average: 24 / 6 });
  t.deepEqual(stats.csat.bot, { responses: 4, score: 3 / 4, average: 16 / 4 });
  t.deepEqual(stats.csat.human, { responses: 2, score: 1 / 2, average: 4 });
  t.is(stats.csat.responseRate, 0.6);
  t.is(stats.bot.answered, 12);
  t.is(stats.bot.resolutionRate, 0.7);
  t.is(stats.bot.handoffs, 8);
  t.deepEqual(stats.bot.handoffReasons, [
    { reason: 'customer_request', count: 5 },
    { reason: 'low_confidence', count: 3 },
  ]);
  t.deepEqual(stats.deflection, { deflected: 6, ticketsFromForm: 4, rate: 0.6 });
  t.deepEqual(stats.unansweredSearches, [
    { term: 'refund policy', count: 4 },
    { term: 'sso', count: 2 },
  ]);
});

test.serial('core commands record their events', async (t) => {
  const start = world.clock.now();
  const { ticket } = await world.core.receive(inbound({ channel: 'email', meta: { source: 'portal_form' } }));
  world.clock.advance(5 * MIN);
  await world.core.reply({ ticketId: ticket.id, authorType: 'bot', purpose: 'answer', text: 'Try this', meta: { confidence: 0.8 } });
  await world.core.handOff(ticket.id, 'answer_not_helpful', { type: 'customer' });
  world.clock.advance(10 * MIN);
  await world.core.reply({ ticketId: ticket.id, authorType: 'agent', text: 'Done.' });
  await world.core.changeStatus(ticket.id, 'resolved', { type: 'agent' });
  await createSurveyHandler(world.core)({ trigger: 'status_changed', ticketId: ticket.id, data: { from: 'open', to: 'resolved' } });
  await world.core.rate({ kind: 'csat', ticketId: ticket.id, score: 5 });
  await world.core.rate({ kind: 'csat', ticketId: ticket.id, score: 4 }); // changed mind: not a second response

  const rows = await world.db.knex('analyticsEvents').where({ ticketId: ticket.id }).orderBy('id');
  t.deepEqual(
    rows.map((r: any) => r.type),
    ['ticket_created', 'first_response', 'bot_answered', 'handoff', 'resolved', 'survey_sent', 'rating', 'survey_answered'],
  );
  const byType = Object.fromEntries(rows.map((r: any) => [r.type, r]));
  t.is(byType.ticket_created.label, 'portal_form');
  t.is(Number(byType.first_response.value), 5 * MIN);
  t.is(byType.first_response.actor, 'bot');
  t.is(byType.handoff.label, 'answer_not_helpful');
  t.is(byType.resolved.actor, 'human');
  t.is(Number(byType.resolved.value), 15 * MIN);
  t.is(byType.rating.actor, 'human');

  const stats = await computeStats(world.db.knex, { from: start - 1, to: world.clock.now() + 1 });
  t.deepEqual(stats.csat.human, { responses: 1, score: 1, average: 4 });
  t.is(stats.csat.surveysAnswered, 1);
});
