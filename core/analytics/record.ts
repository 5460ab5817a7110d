// One small function to record an analytics event from anywhere: inside a
// core transaction (so the figure exists exactly when the change does) or
// straight on the database from the web layer (article views, deflections).
import type { Knex } from 'knex';
import type { ChannelKind } from '../types.ts';

export const ANALYTICS_TYPES = [
  'ticket_created',
  'bot_answered',
  'handoff',
  'deflection',
  'article_viewed',
  'article_rated',
  'rating',
  'survey_sent',
  'survey_answered',
  'first_response',
  'resolved',
  'search',
] as const;
export type AnalyticsType = (typeof ANALYTICS_TYPES)[number];

export interface AnalyticsEvent {
  type: AnalyticsType;
  at: number;
  channel?: ChannelKind | null;
  ticketId?: number | null;
  customerId?: number | null;
  articleId?: number | null;
  actor?: 'bot' | 'human' | null;
  value?: number | null;
  label?: string | null;
  data?: Record<string, unknown> | null;
}

export const DAY_MS = 86_400_000;

export function analyticsRow(event: AnalyticsEvent) {
  return {
    type: event.type,
    occurredAt: event.at,
    day: Math.floor(event.at / DAY_MS),
    channel: event.channel ?? null,
    ticketId: event.ticketId ?? null,
    customerId: event.customerId ?? null,
    articleId: event.articleId ?? null,
    actor: event.actor ?? null,
    value: event.value ?? null,
    label: event.label?.slice(0, 200) ?? null,
    data: event.data ? JSON.stringify(event.data) : null,
  };
}

export async function recordAnalytics(db: Knex | Knex.Transaction, ...events: AnalyticsEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db('analyticsEvents').insert(events.map(analyticsRow));
}
