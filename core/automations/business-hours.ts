// Business hours in one time zone: which weekdays and which local hours a
// human is expected to answer. Used to tell customers who write out of hours
// when to expect a person.
export interface BusinessHours {
  timeZone: string;
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local minutes since midnight, start inclusive, end exclusive. */
  startMinute: number;
  endMinute: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function localParts(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS[get('weekday')] ?? 0, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isOpen(hours: BusinessHours, at: number): boolean {
  const { day, minute } = localParts(at, hours.timeZone);
  return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
}

/** Parses "09:00-17:30" into minutes; throws on anything else. */
export function parseHourRange(text: string): { startMinute: number; endMinute: number } {
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) throw new Error('expected HH:MM-HH:MM');
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || endMinute <= startMinute || endMinute > 1440) throw new Error('expected HH:MM-HH:MM with start before end');
  return { startMinute, endMinute };
}
