// A month of support with known answers, for the dashboard's HTTP and
// browser tests: analytics events and article ratings around a fixed "now"
// (30 June 2030, 15:00 UTC), far from anything else a test records. The
// expected figures are worked out in the comments.
import type { Knex } from 'knex';
import { DAY_MS, recordAnalytics, type AnalyticsEvent } from '../../../core/analytics/record.ts';

export const NOW = Date.UTC(2030, 5, 30, 15, 0);
export const fixedClock = { now: () => NOW };

const MIN = 60_000;
/** `days` before today (30 June), at `hour` UTC. */
const at = (days: number, hour = 12) => Date.UTC(2030, 5, 30 - days, hour);

/** A search term a spreadsheet would run as a formula, with quotes and a comma. */
export const FORMULA_TERM = '=HYPERLINK("http://evil.example","click, here")';

export async function loadDashboardFixture(knex: Knex): Promise<void> {
  const events: AnalyticsEvent[] = [];
  const push = (e: Partial<AnalyticsEvent> & Pick<AnalyticsEvent, 'type'>, times = 1) => {
    for (let i = 0; i < times; i++) events.push({ at: at(1), ...e });
  };
  // Volume in the last 30 days: 28 June email 3 + web 2, 29 June web 4 (from
  // the portal form), today Slack 1 => 10 tickets. 1 May (only in the 90
  // days): email 5.
  push({ type: 'ticket_created', channel: 'email', at: at(2) }, 3);
  push({ type: 'ticket_created', channel: 'webchat', at: at(2) }, 2);
  push({ type: 'ticket_created', channel: 'webchat', at: at(1), label: 'portal_form' }, 4);
  push({ type: 'ticket_created', channel: 'slack', at: at(0, 9) });
  push({ type: 'ticket_created', channel: 'email', at: Date.UTC(2030, 4, 1, 12) }, 5);
  // Deflection: 6 solved by a suggestion, 4 tickets from the form => 60%.
  push({ type: 'deflection' }, 6);
  // First responses 1..10 minutes => median 5 minutes, p90 9 minutes.
  for (let m = 1; m <= 10; m++) push({ type: 'first_response', value: m * MIN, actor: m <= 6 ? 'bot' : 'human' });
  // Resolutions 1..10 hours, 7 by the bot alone => median 5 hours, p90 9 hours, bot resolution 70%.
  for (let h = 1; h <= 10; h++) push({ type: 'resolved', value: h * 60 * MIN, actor: h <= 7 ? 'bot' : 'human' });
  push({ type: 'bot_answered' }, 12);
  push({ type: 'handoff', label: 'low_confidence' }, 3);
  push({ type: 'handoff', label: 'customer_request' }, 5);
  // CSAT: bot 5,5,4,2 => 75% of 4; human 5,3 => 50% of 2; all 66.7% of 6.
  for (const v of [5, 5, 4, 2]) push({ type: 'rating', label: 'csat', actor: 'bot', value: v });
  for (const v of [5, 3]) push({ type: 'rating', label: 'csat', actor: 'human', value: v });
  // Surveys: 6 of 10 answered => 60%.
  push({ type: 'survey_sent' }, 10);
  push({ type: 'survey_answered' }, 6);
  // Searches with no good answer: "refund policy" 4, the formula 2; a good one that must not show.
  push({ type: 'search', label: 'refund policy', value: 0.1 }, 4);
  push({ type: 'search', label: FORMULA_TERM, value: 0.2 }, 2);
  push({ type: 'search', label: 'reset password', value: 0.9 }, 9);
  await recordAnalytics(knex, ...events);

  // Articles: "Refunds, returns & <exchanges>" 3 unhelpful and 1 helpful; "Reset your password" 1 unhelpful.
  const article = async (slug: string, title: string) => {
    const [row] = await knex('articles').insert({ slug, title, body: `# ${title}`, summary: '', contentHash: slug.padEnd(64, '0'), createdAt: at(40), updatedAt: at(40) }).returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  };
  const refunds = await article('refunds', 'Refunds, returns & <exchanges>');
  const reset = await article('reset-password', 'Reset your password');
  const votes: [number, number][] = [
    [refunds, 0],
    [refunds, 0],
    [refunds, 0],
    [refunds, 1],
    [reset, 0],
  ];
  await knex('ratings').insert(votes.map(([articleId, score], i) => ({ kind: 'article', articleId, score, subjectKey: `article:${articleId}:fixture-${i}`, createdAt: at(3), updatedAt: at(3) })));
}
