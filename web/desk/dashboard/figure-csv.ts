// Each dashboard figure as a table for its CSV download. Rates are
// percentages with one decimal, durations whole seconds, an empty cell where
// there is nothing to measure; codes (channels, handoff reasons) stay codes
// so files from different periods line up.
import type { CsvCell } from './csv.ts';
import { CHANNEL_ORDER, percentNumber, sortChannels, type DashboardData } from './figures.ts';

type Table = CsvCell[][];

const pct = (ratio: number | null): CsvCell => (ratio === null ? null : percentNumber(ratio));
const seconds = (ms: number | null): CsvCell => (ms === null ? null : Math.round(ms / 1000));

export const FIGURE_TABLES = {
  volume(data: DashboardData): Table {
    // Every known channel always has its column, so files from different periods line up.
    const channels = sortChannels([...CHANNEL_ORDER, ...data.volume.channels]);
    return [['day', ...channels, 'total'], ...data.volume.days.map((d) => [d.day, ...channels.map((c) => d.counts[c] ?? 0), d.total])];
  },
  'response-times'({ stats }: DashboardData): Table {
    return [
      ['measure', 'count', 'median_seconds', 'p90_seconds'],
      ['first_response', stats.firstResponse.count, seconds(stats.firstResponse.medianMs), seconds(stats.firstResponse.p90Ms)],
      ['resolution', stats.resolution.count, seconds(stats.resolution.medianMs), seconds(stats.resolution.p90Ms)],
    ];
  },
  csat({ stats }: DashboardData): Table {
    const { csat } = stats;
    const row = (group: string, f: typeof csat.overall): CsvCell[] => [group, f.responses, pct(f.score), f.average === null ? null : Math.round(f.average * 100) / 100];
    return [['answered_by', 'responses', 'csat_percent', 'average_score'], row('all', csat.overall), row('bot', csat.bot), row('human', csat.human)];
  },
  surveys({ stats }: DashboardData): Table {
    return [
      ['surveys_sent', 'surveys_answered', 'response_rate_percent'],
      [stats.csat.surveysSent, stats.csat.surveysAnswered, pct(stats.csat.responseRate)],
    ];
  },
  bot({ stats }: DashboardData): Table {
    const { bot } = stats;
    return [
      ['bot_answers', 'resolved', 'resolved_without_human', 'bot_resolution_rate_percent', 'handoffs'],
      [bot.answered, bot.resolved, bot.resolvedWithoutHuman, pct(bot.resolutionRate), bot.handoffs],
    ];
  },
  'handoff-reasons'({ stats }: DashboardData): Table {
    return [['reason', 'handoffs'], ...stats.bot.handoffReasons.map((r) => [r.reason, r.count])];
  },
  deflection({ stats }: DashboardData): Table {
    const { deflection } = stats;
    return [
      ['deflected', 'tickets_from_form', 'deflection_rate_percent'],
      [deflection.deflected, deflection.ticketsFromForm, pct(deflection.rate)],
    ];
  },
  'unanswered-searches'({ stats }: DashboardData): Table {
    return [['term', 'searches'], ...stats.unansweredSearches.map((s) => [s.term, s.count])];
  },
  'unhelpful-articles'(data: DashboardData): Table {
    return [['article_id', 'title', 'slug', 'unhelpful', 'helpful'], ...data.unhelpfulArticles.map((a) => [a.articleId, a.title, a.slug, a.unhelpful, a.helpful])];
  },
} satisfies Record<string, (data: DashboardData) => Table>;

export type Figure = keyof typeof FIGURE_TABLES;

export function isFigure(name: string): name is Figure {
  return Object.hasOwn(FIGURE_TABLES, name);
}

export function csvFileName(figure: Figure, data: Pick<DashboardData, 'period'>): string {
  return `parley-${figure}-${data.period.fromDate}-${data.period.toDate}.csv`;
}
