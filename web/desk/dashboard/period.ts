// Which days the dashboard covers. A period is made of whole UTC days (the
// analytics `day` column is a UTC day), so the volume chart has exactly one
// bar per day: "7 days" is today and the six days before it. `from`/`to`
// dates pick any range of whole days up to a year (the volume chart would
// not stay readable beyond that).
import { DAY_MS } from '../../../core/analytics/record.ts';
import { badRequest } from '../../http/http-error.ts';

export const PRESET_DAYS = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;

export interface DashboardPeriod {
  /** First millisecond counted. */
  from: number;
  /** Last millisecond counted (inclusive, like computeStats' whereBetween). */
  to: number;
  /** The preset this period came from, or null for a from/to range. */
  days: number | null;
  /** "2030-01-01": the first and last day, for labels and file names. */
  fromDate: string;
  toDate: string;
  /** The UTC day numbers (ms / DAY_MS) of the first and last day. */
  firstDay: number;
  lastDay: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseDate(value: string, name: string): number {
  const ms = ISO_DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  // Date.parse rolls 2030-02-31 over to March: insist the date reads back the same.
  if (Number.isNaN(ms) || isoDate(ms) !== value) throw badRequest(`${name} must be a date like 2030-01-31`, 'bad_period');
  return ms;
}

function one(value: unknown): string | undefined {
  return Array.isArray(value) ? value[0] : typeof value === 'string' && value !== '' ? value : undefined;
}

function span(firstDay: number, lastDay: number, to: number, days: number | null): DashboardPeriod {
  return { from: firstDay * DAY_MS, to, days, fromDate: isoDate(firstDay * DAY_MS), toDate: isoDate(lastDay * DAY_MS), firstDay, lastDay };
}

/** The period a request asks for (`days`, or `from` and `to`); 400 for anything else. */
export function parsePeriod(query: Record<string, unknown>, now: number): DashboardPeriod {
  const from = one(query.from);
  const to = one(query.to);
  if (from !== undefined || to !== undefined) {
    if (from === undefined || to === undefined) throw badRequest('give both from and to, or neither', 'bad_period');
    const firstDay = parseDate(from, 'from') / DAY_MS;
    const lastDay = parseDate(to, 'to') / DAY_MS;
    if (lastDay < firstDay) throw badRequest('from must not be after to', 'bad_period');
    if (lastDay - firstDay + 1 > MAX_DAYS) throw badRequest(`a period can be at most ${MAX_DAYS} days`, 'bad_period');
    return span(firstDay, lastDay, (lastDay + 1) * DAY_MS - 1, null);
  }
  const raw = one(query.days);
  const days = raw === undefined ? DEFAULT_DAYS : Number(raw);
  if (!(PRESET_DAYS as readonly number[]).includes(days)) throw badRequest(`days must be one of ${PRESET_DAYS.join(', ')}`, 'bad_period');
  const today = Math.floor(now / DAY_MS);
  return span(today - days + 1, today, now, days);
}

/** The query string that asks for this period again ("?days=7"), for links. */
export function periodQuery(period: DashboardPeriod): string {
  return period.days !== null ? `?days=${period.days}` : `?from=${period.fromDate}&to=${period.toDate}`;
}
