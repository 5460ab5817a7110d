import test from 'ava';
import { DAY_MS } from '../../../core/analytics/record.ts';
import { parsePeriod, periodQuery } from './period.ts';

const NOW = Date.UTC(2030, 5, 30, 15, 0);

test('presets are whole UTC days ending today, 30 by default', (t) => {
  const month = parsePeriod({}, NOW);
  t.is(month.days, 30);
  t.is(month.fromDate, '2030-06-01');
  t.is(month.toDate, '2030-06-30');
  t.is(month.from, Date.UTC(2030, 5, 1));
  t.is(month.to, NOW);
  t.is(month.lastDay - month.firstDay + 1, 30);
  const week = parsePeriod({ days: '7' }, NOW);
  t.is(week.fromDate, '2030-06-24');
  t.is(periodQuery(week), '?days=7');
  t.is(parsePeriod({ days: '90' }, NOW).fromDate, '2030-04-02');
});

test('a from/to range covers both days whole', (t) => {
  const p = parsePeriod({ from: '2030-05-01', to: '2030-05-02' }, NOW);
  t.is(p.days, null);
  t.is(p.from, Date.UTC(2030, 4, 1));
  t.is(p.to, Date.UTC(2030, 4, 3) - 1);
  t.is(p.lastDay - p.firstDay, 1);
  t.is(periodQuery(p), '?from=2030-05-01&to=2030-05-02');
  t.is(parsePeriod({ from: '2030-05-01', to: '2030-05-01' }, NOW).to, Date.UTC(2030, 4, 1) + DAY_MS - 1);
});

test('anything else is a 400', (t) => {
  for (const query of [
    { days: '8' },
    { days: 'abc' },
    { from: '2030-05-01' },
    { from: '2030-02-31', to: '2030-03-01' },
    { from: '01/05/2030', to: '2030-05-02' },
    { from: '2030-05-02', to: '2030-05-01' },
    { from: '2029-01-01', to: '2030-06-30' },
  ]) {
    const error = t.throws(() => parsePeriod(query, NOW), undefined, JSON.stringify(query));
    t.is((error as any).status, 400);
  }
});
