// The dashboard's data: the support figures of a period (computeStats), the
// titles of the articles rated unhelpful, and the tickets per day laid out
// day by day (days without tickets included) so charts and CSV need no more
// arithmetic. Also the labels figures are shown with.
import type { Knex } from 'knex';
import { DAY_MS } from '../../../core/analytics/record.ts';
import { computeStats, type Stats } from '../../../core/analytics/stats.ts';
import { CHANNEL_LABELS } from '../../views/format.ts';
import { isoDate, type DashboardPeriod } from './period.ts';

export interface VolumeDay {
  day: string;
  counts: Record<string, number>;
  total: number;
}

export interface VolumeSeries {
  /** Channels with tickets in the period, in the usual channel order. */
  channels: string[];
  days: VolumeDay[];
}

export interface UnhelpfulArticle {
  articleId: number;
  /** Null when the article has been deleted since it was rated. */
  title: string | null;
  slug: string | null;
  unhelpful: number;
  helpful: number;
}

export interface DashboardData {
  period: DashboardPeriod;
  stats: Stats;
  volume: VolumeSeries;
  unhelpfulArticles: UnhelpfulArticle[];
}

/** Every channel Parley knows, in the order charts, legends and CSV columns use. */
export const CHANNEL_ORDER = Object.keys(CHANNEL_LABELS);

/** Known channels first in their usual order, anything else after, by name. */
export function sortChannels(channels: Iterable<string>): string[] {
  const rank = (c: string) => (CHANNEL_ORDER.includes(c) ? CHANNEL_ORDER.indexOf(c) : CHANNEL_ORDER.length);
  return [...new Set(channels)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function channelLabel(channel: string): string {
  return (CHANNEL_LABELS as Record<string, string>)[channel] ?? channel;
}

const REASON_LABELS: Record<string, string> = {
  customer_request: 'Customer asked for a person',
  low_confidence: 'Bot was not confident',
  repeated_question: 'Customer repeated the question',
  answer_not_helpful: 'Answer rated not helpful',
  model_error: 'Language model failed',
};

/** A handoff reason in words; reasons we do not know yet read "some_reason" as "Some reason". */
export function reasonLabel(reason: string): string {
  const known = REASON_LABELS[reason];
  if (known) return known;
  const words = reason.replace(/_/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown';
}

/** "66.7%": one decimal only where it says something. */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? '–' : `${percentNumber(ratio)}%`;
}

/** The percentage as a number with at most one decimal (66.7), for CSV. */
export function percentNumber(ratio: number): number {
  return Math.round(ratio * 1000) / 10;
}

export function volumeSeries(byDay: Stats['volume']['byDay'], period: Pick<DashboardPeriod, 'firstDay' | 'lastDay'>): VolumeSeries {
  const counted = new Map<string, Record<string, number>>();
  for (const row of byDay) {
    const counts = counted.get(row.day) ?? {};
    counts[row.channel] = (counts[row.channel] ?? 0) + row.tickets;
    counted.set(row.day, counts);
  }
  const days: VolumeDay[] = [];
  for (let d = period.firstDay; d <= period.lastDay; d++) {
    const day = isoDate(d * DAY_MS);
    const counts = counted.get(day) ?? {};
    days.push({ day, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) });
  }
  return { channels: sortChannels(byDay.filter((r) => r.tickets > 0).map((r) => r.channel)), days };
}

export async function loadDashboard(knex: Knex, period: DashboardPeriod): Promise<DashboardData> {
  const stats = await computeStats(knex, { from: period.from, to: period.to });
  const ids = stats.unhelpfulArticles.map((a) => a.articleId);
  const articles = ids.length ? await knex('articles').whereIn('id', ids).select('id', 'title', 'slug') : [];
  const byId = new Map(articles.map((a: { id: number; title: string; slug: string }) => [Number(a.id), a]));
  return {
    period,
    stats,
    volume: volumeSeries(stats.volume.byDay, period),
    unhelpfulArticles: stats.unhelpfulArticles.map((a) => ({ ...a, title: byId.get(a.articleId)?.title ?? null, slug: byId.get(a.articleId)?.slug ?? null })),
  };
}
