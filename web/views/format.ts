// Plain-text formatting shared by pages: dates, durations, sizes, labels.
// Everything returns text; templates still escape it like any other string.
import type { ChannelKind, TicketStatus } from '../../core/index.ts';

const dateTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "3 Mar 2026, 14:05 UTC": pages are server-rendered, so one explicit zone. */
export function formatDateTime(ms: number): string {
  return `${dateTime.format(new Date(ms))} UTC`;
}

export function formatDate(ms: number): string {
  return dateOnly.format(new Date(ms));
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "just now", "5 minutes ago", "3 days ago", then the date. */
export function formatAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} hour${h === 1 ? '' : 's'} ago`;
  const d = Math.round(h / 24);
  if (d < 14) return `${d} day${d === 1 ? '' : 's'} ago`;
  return formatDate(ms);
}

/** "under a minute", "12 minutes", "3 hours 10 minutes", "2 days". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 24) return rest ? `${hours} h ${rest} min` : `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / (1024 * 102.4)) / 10} MB`;
}

export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Open',
  pending: 'Waiting for you',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const CHANNEL_LABELS: Record<ChannelKind, string> = {
  webchat: 'Web',
  email: 'Email',
  slack: 'Slack',
  teams: 'Teams',
  discord: 'Discord',
};

export const SCORE_LABELS: Record<number, string> = { 1: 'Very poor', 2: 'Poor', 3: 'Okay', 4: 'Good', 5: 'Great' };
