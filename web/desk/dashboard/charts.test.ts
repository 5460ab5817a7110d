// The SVG and CSV builders with known input: where the bars go, what they
// say, that data is escaped, and how an empty period looks.
import test from 'ava';
import { FIGURE_TABLES } from './figure-csv.ts';
import { reasonLabel, volumeSeries, type DashboardData } from './figures.ts';
import { parsePeriod } from './period.ts';
import { barLength, CHANNEL_COLORS, dayLabel, HorizontalBars, NARROW, StackedBarChart, stackedBarLayout, yScale } from './svg-charts.tsx';

const period = parsePeriod({ from: '2030-01-01', to: '2030-01-03' }, 0);
const series = volumeSeries(
  [
    { day: '2030-01-01', channel: 'webchat', tickets: 2 },
    { day: '2030-01-01', channel: 'email', tickets: 3 },
    { day: '2030-01-03', channel: 'slack', tickets: 1 },
  ],
  period,
);

test('volume series: every day of the period, channels in the usual order', (t) => {
  t.deepEqual(series.channels, ['webchat', 'email', 'slack']);
  t.deepEqual(series.days, [
    { day: '2030-01-01', counts: { webchat: 2, email: 3 }, total: 5 },
    { day: '2030-01-02', counts: {}, total: 0 },
    { day: '2030-01-03', counts: { slack: 1 }, total: 1 },
  ]);
});

test('y scale: a round top and even steps', (t) => {
  t.deepEqual(yScale(0), { max: 1, ticks: [0, 1] });
  t.deepEqual(yScale(5), { max: 6, ticks: [0, 2, 4, 6] });
  t.deepEqual(yScale(3), { max: 3, ticks: [0, 1, 2, 3] });
  t.deepEqual(yScale(37), { max: 40, ticks: [0, 10, 20, 30, 40] });
  t.deepEqual(yScale(1234), { max: 1500, ticks: [0, 500, 1000, 1500] });
});

test('stacked bars: segments stack from the axis up, one colour per channel', (t) => {
  const { plot, scale, bars, labels } = stackedBarLayout(series, NARROW);
  t.is(scale.max, 6);
  t.is(bars.length, 3);
  const bottom = plot.y + plot.height;
  const [first, empty, last] = bars;
  t.deepEqual(
    first!.segments.map((s) => [s.channel, s.color, s.tickets]),
    [
      ['webchat', CHANNEL_COLORS.webchat, 2],
      ['email', CHANNEL_COLORS.email, 3],
    ],
  );
  // Web sits on the axis, email on top of it; 5 of 6 makes 5/6 of the plot's height.
  t.is(Math.round(first!.segments[0]!.y + first!.segments[0]!.height), Math.round(bottom));
  t.is(Math.round(first!.segments[1]!.y + first!.segments[1]!.height), Math.round(first!.segments[0]!.y));
  t.is(Math.round(first!.segments[0]!.height + first!.segments[1]!.height), Math.round((plot.height * 5) / 6));
  t.deepEqual(empty!.segments, []);
  t.is(last!.segments[0]!.color, CHANNEL_COLORS.slack);
  t.true(bars.every((b) => b.x >= plot.x && b.x + b.width <= plot.x + plot.width + 0.01), 'bars stay in the plot');
  t.deepEqual(
    labels.map((l) => l.day),
    ['2030-01-01', '2030-01-02', '2030-01-03'],
  );
});

test('a quarter of bars fits a phone chart with a few date labels, the last day labelled', (t) => {
  const quarter = parsePeriod({ days: '90' }, Date.UTC(2030, 5, 30, 12));
  const { bars, labels, plot } = stackedBarLayout(volumeSeries([{ day: '2030-06-30', channel: 'teams', tickets: 4 }], quarter), NARROW);
  t.is(bars.length, 90);
  t.true(bars.at(-1)!.x + bars.at(-1)!.width <= plot.x + plot.width + 0.01);
  t.true(labels.length >= 3 && labels.length <= 7, `${labels.length} labels`);
  t.is(labels.at(-1)!.day, '2030-06-30');
});

test('the chart SVG scales, is labelled for screen readers and uses no style attribute', async (t) => {
  const svg = await StackedBarChart({ series, size: NARROW, id: 'v', title: 'Tickets <per> day', summary: '6 tickets & more' });
  t.regex(svg, /^<svg class="chart" viewBox="0 0 360 230" width="100%" role="img" aria-labelledby="v-title v-desc"/);
  t.regex(svg, /<title id="v-title">Tickets &lt;per> day<\/title><desc id="v-desc">6 tickets &amp; more<\/desc>/);
  t.regex(svg, /<title>1 Jan: 5 tickets \(Web 2, Email 3\)<\/title>/);
  t.regex(svg, /<title>3 Jan: 1 ticket \(Slack 1\)<\/title>/);
  t.notRegex(svg, /2 Jan: /, 'no bar for an empty day');
  t.is((svg.match(/<rect /g) ?? []).length, 3);
  t.notRegex(svg, /style=/);
  t.regex(svg, /fill="#1d4ed8"/);
});

test('an empty period draws an empty axis rather than broken bars', async (t) => {
  const empty = volumeSeries([], period);
  t.deepEqual(empty.channels, []);
  const svg = await StackedBarChart({ series: empty, size: NARROW, id: 'e', title: 't', summary: 's' });
  t.notRegex(svg, /<rect /);
  t.notRegex(svg, /NaN|Infinity/);
});

test('horizontal bars: words in HTML, escaped; bar lengths relative to the largest', async (t) => {
  const html = await HorizontalBars({
    label: 'Searches',
    rows: [
      { label: '<script>alert(1)</script>', value: 4, color: '#475569' },
      { label: 'Refunds & returns', href: '/kb/refunds', value: 1, valueText: '1 of 2', color: '#b42318' },
    ],
  });
  t.regex(html, /<span class="hbar-label">&lt;script>alert\(1\)&lt;\/script><\/span><span class="hbar-value">4<\/span>/);
  t.regex(html, /<a class="hbar-label" href="\/kb\/refunds">Refunds &amp; returns<\/a><span class="hbar-value">1 of 2<\/span>/);
  t.regex(html, /<rect width="100" height="8" fill="#475569">/);
  t.regex(html, /<rect width="25" height="8" fill="#b42318">/);
  t.notRegex(html, /<script>/);
  t.is(barLength(0, 10), 0);
  t.is(barLength(1, 1000), 1, 'a tiny value still shows a sliver');
  t.is(barLength(5, 0), 0);
});

test('labels: days and handoff reasons in words', (t) => {
  t.is(dayLabel('2030-01-03'), '3 Jan');
  t.is(reasonLabel('customer_request'), 'Customer asked for a person');
  t.is(reasonLabel('out_of_hours'), 'Out of hours');
  t.is(reasonLabel(''), 'Unknown');
});

test('figure tables for CSV: an empty period has headers and zeros', (t) => {
  const stats = {
    period: { from: '', to: '' },
    volume: { total: 0, byChannel: {}, byDay: [] },
    firstResponse: { count: 0, medianMs: null, p90Ms: null },
    resolution: { count: 0, medianMs: null, p90Ms: null },
    csat: {
      overall: { responses: 0, score: null, average: null },
      bot: { responses: 0, score: null, average: null },
      human: { responses: 0, score: null, average: null },
      surveysSent: 0,
      surveysAnswered: 0,
      responseRate: null,
    },
    bot: { answered: 0, resolved: 0, resolvedWithoutHuman: 0, resolutionRate: null, handoffs: 0, handoffReasons: [] },
    deflection: { deflected: 0, ticketsFromForm: 0, rate: null },
    unansweredSearches: [],
    unhelpfulArticles: [],
  };
  const data: DashboardData = { period, stats, volume: volumeSeries([], period), unhelpfulArticles: [] };
  t.deepEqual(FIGURE_TABLES.volume(data), [
    ['day', 'webchat', 'email', 'slack', 'teams', 'discord', 'total'],
    ['2030-01-01', 0, 0, 0, 0, 0, 0],
    ['2030-01-02', 0, 0, 0, 0, 0, 0],
    ['2030-01-03', 0, 0, 0, 0, 0, 0],
  ]);
  t.deepEqual(FIGURE_TABLES['response-times'](data)[1], ['first_response', 0, null, null]);
  t.deepEqual(FIGURE_TABLES.csat(data)[2], ['bot', 0, null, null]);
  t.deepEqual(FIGURE_TABLES['handoff-reasons'](data), [['reason', 'handoffs']]);
  t.deepEqual(FIGURE_TABLES.deflection(data), [
    ['deflected', 'tickets_from_form', 'deflection_rate_percent'],
    [0, 0, null],
  ]);
});
