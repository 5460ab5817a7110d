// The support figures: computed from analytics_events (and the ratings table
// for article votes, where a changed mind must replace the first vote), over
// a period. Counting happens in SQL; percentiles are taken in JS from the
// values of one type. Every query is a range scan of the covering index
// analytics_events_covering (type, occurred_at, ...).
import type { Knex } from 'knex';
import { DAY_MS } from './record.ts';

export interface Period {
  from: number;
  to: number;
}

export interface Spread {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface CsatFigure {
  responses: number;
  /** Share of 4 and 5 scores, 0..1 (the usual CSAT). */
  score: number | null;
  average: number | null;
}

export interface Stats {
  period: { from: string; to: string };
  volume: { total: number; byChannel: Record<string, number>; byDay: { day: string; channel: string; tickets: number }[] };
  firstResponse: Spread;
  resolution: Spread;
  csat: {
    overall: CsatFigure;
    bot: CsatFigure;
    human: CsatFigure;
    surveysSent: number;
    surveysAnswered: number;
    responseRate: number | null;
  };
  bot: {
    answered: number;
    resolved: number;
    resolvedWithoutHuman: number;
    resolutionRate: number | null;
    handoffs: number;
    handoffReasons: { reason: string; count: number }[];
  };
  deflection: { deflected: number; ticketsFromForm: number; rate: number | null };
  unansweredSearches: { term: string; count: number }[];
  unhelpfulArticles: { articleId: number; unhelpful: number; helpful: number }[];
}

/** Searches whose best result scored below this had no good answer. */
export const GOOD_ANSWER_SCORE = 0.35;

export async function computeStats(knex: Knex, period: Period): Promise<Stats> {
  const inPeriod = (type: string) => knex('analyticsEvents').where({ type }).whereBetween('occurredAt', [period.from, period.to]);
  const n = (rows: { n: unknown }[]) => Number(rows[0]?.n ?? 0);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

  const [volumeRows, firstResponse, resolution, csatRows, surveysSent, surveysAnswered, resolvedRows, answered, handoffRows, deflected, fromForm, searchRows, articleRows] =
    await Promise.all([
      inPeriod('ticket_created').select('day', 'channel').count({ n: '*' }).groupBy('day', 'channel').orderBy('day'),
      spread(inPeriod('first_response')),
      spread(inPeriod('resolved')),
      inPeriod('rating').where({ label: 'csat' }).select('actor', 'value').count({ n: '*' }).groupBy('actor', 'value'),
      inPeriod('survey_sent').count({ n: '*' }),
      inPeriod('survey_answered').count({ n: '*' }),
      inPeriod('resolved').select('actor').count({ n: '*' }).groupBy('actor'),
      inPeriod('bot_answered').count({ n: '*' }),
      inPeriod('handoff').select('label').count({ n: '*' }).groupBy('label').orderBy('n', 'desc'),
      inPeriod('deflection').count({ n: '*' }),
      inPeriod('ticket_created').where({ label: 'portal_form' }).count({ n: '*' }),
      inPeriod('search').where('value', '<', GOOD_ANSWER_SCORE).select('label').count({ n: '*' }).groupBy('label').orderBy('n', 'desc').limit(20),
      knex('ratings')
        .where({ kind: 'article' })
        .whereBetween('updatedAt', [period.from, period.to])
        .select('articleId')
        .sum({ helpful: 'score' })
        .count({ n: '*' })
        .groupBy('articleId'),
    ]);

  const byChannel: Record<string, number> = {};
  const byDay = volumeRows.map((r: any) => {
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + Number(r.n);
    return { day: new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10), channel: r.channel as string, tickets: Number(r.n) };
  });

  const csatFor = (actor?: string): CsatFigure => {
    const rows = csatRows.filter((r: any) => actor === undefined || r.actor === actor);
    const responses = rows.reduce((s: number, r: any) => s + Number(r.n), 0);
    const happy = rows.filter((r: any) => Number(r.value) >= 4).reduce((s: number, r: any) => s + Number(r.n), 0);
    const total = rows.reduce((s: number, r: any) => s + Number(r.value) * Number(r.n), 0);
    return { responses, score: ratio(happy, responses), average: responses ? total / responses : null };
  };

  const resolved = resolvedRows.reduce((s: number, r: any) => s + Number(r.n), 0);
  const resolvedWithoutHuman = Number(resolvedRows.find((r: any) => r.actor === 'bot')?.n ?? 0);
  const sent = n(surveysSent as any);
  const answeredSurveys = n(surveysAnswered as any);
  const deflections = n(deflected as any);
  const formTickets = n(fromForm as any);

  return {
    period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
    volume: { total: Object.values(byChannel).reduce((a, b) => a + b, 0), byChannel, byDay },
    firstResponse,
    resolution,
    csat: {
      overall: csatFor(),
      bot: csatFor('bot'),
      human: csatFor('human'),
      surveysSent: sent,
      surveysAnswered: answeredSurveys,
      responseRate: ratio(answeredSurveys, sent),
    },
    bot: {
      answered: n(answered as any),
      resolved,
      resolvedWithoutHuman,
      resolutionRate: ratio(resolvedWithoutHuman, resolved),
      handoffs: handoffRows.reduce((s: number, r: any) => s + Number(r.n), 0),
      handoffReasons: handoffRows.map((r: any) => ({ reason: r.label ?? 'unknown', count: Number(r.n) })),
    },
    deflection: { deflected: deflections, ticketsFromForm: formTickets, rate: ratio(deflections, deflections + formTickets) },
    unansweredSearches: searchRows.map((r: any) => ({ term: r.label as string, count: Number(r.n) })),
    unhelpfulArticles: articleRows
      .map((r: any) => ({ articleId: Number(r.articleId), helpful: Number(r.helpful ?? 0), unhelpful: Number(r.n) - Number(r.helpful ?? 0) }))
      .filter((a: { unhelpful: number }) => a.unhelpful > 0)
      .sort((a: { unhelpful: number }, b: { unhelpful: number }) => b.unhelpful - a.unhelpful)
      .slice(0, 20),
  };
}

async function spread(query: Knex.QueryBuilder): Promise<Spread> {
  // Sorting ~10^5 numbers in JS beats asking the database to sort them.
  const values = (await query.pluck('value')).map(Number).sort((a, b) => a - b);
  return { count: values.length, medianMs: percentile(values, 0.5), p90Ms: percentile(values, 0.9) };
}

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
