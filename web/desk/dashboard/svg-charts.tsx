// Charts drawn on the server as inline SVG: no chart service, no script, and
// nothing the page's CSP forbids (colours are presentation attributes, never
// style=). Each SVG has a viewBox and width="100%", so it scales to its
// card; text inside an SVG scales with it, which is why the volume chart is
// drawn twice (a narrow one for phones, a wide one for bigger screens, CSS
// shows one) and why horizontal bars keep their words in HTML, with only
// the bar itself in SVG.
import Html from '@kitajs/html';
import { channelLabel, type VolumeSeries } from './figures.ts';

/** One colour per channel, the same in every chart and legend; each at least 4.5:1 on white. */
export const CHANNEL_COLORS: Record<string, string> = {
  webchat: '#1d4ed8',
  email: '#c2410c',
  slack: '#7e22ce',
  teams: '#0f766e',
  discord: '#be185d',
};
export const OTHER_COLOR = '#475569';
export const BOT_COLOR = '#4f46e5';
export const HUMAN_COLOR = '#067647';
const TRACK = '#e8ebf0';
const GRID = '#e1e5eb';
const AXIS = '#6b7280';
const INK = '#3f4754';

export function channelColor(channel: string): string {
  return CHANNEL_COLORS[channel] ?? OTHER_COLOR;
}

/** A round top for the y axis (1, 2 or 5 times a power of ten per step) and its ticks. */
export function yScale(max: number, steps = 4): { max: number; ticks: number[] } {
  if (max <= 0) return { max: 1, ticks: [0, 1] };
  const raw = max / steps;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { max: top, ticks };
}

const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
/** "3 Jan" from "2030-01-03". */
export function dayLabel(day: string): string {
  return shortDay.format(new Date(`${day}T00:00:00Z`));
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface ChartSize {
  width: number;
  height: number;
  /** Text size in viewBox units. */
  font: number;
}

/** For a card on a phone (about 320 CSS px wide) and for a wide card (about 600–900). */
export const NARROW: ChartSize = { width: 360, height: 230, font: 13 };
export const WIDE: ChartSize = { width: 720, height: 260, font: 12 };

export interface StackedBar {
  x: number;
  width: number;
  day: string;
  total: number;
  segments: { channel: string; y: number; height: number; color: string; tickets: number }[];
}

/** Where every bar and segment goes: the geometry, apart from the markup, so tests can check it. */
export function stackedBarLayout(series: VolumeSeries, size: ChartSize) {
  const margin = { left: size.font * 3, right: size.font * 1.5, top: size.font, bottom: size.font * 2.2 };
  const plot = { x: margin.left, y: margin.top, width: size.width - margin.left - margin.right, height: size.height - margin.top - margin.bottom };
  const scale = yScale(Math.max(0, ...series.days.map((d) => d.total)));
  const slot = plot.width / Math.max(1, series.days.length);
  // Few bars look odd when fat: a week's bars take 55% of their slot, a quarter's 75%.
  const barWidth = Math.max(1, slot * (series.days.length <= 14 ? 0.55 : 0.75));
  const y = (v: number) => plot.y + plot.height - (v / scale.max) * plot.height;
  const bars: StackedBar[] = series.days.map((d, i) => {
    let base = 0;
    const segments = series.channels
      .filter((c) => (d.counts[c] ?? 0) > 0)
      .map((channel) => {
        const tickets = d.counts[channel]!;
        const top = y(base + tickets);
        const segment = { channel, y: round(top), height: round(y(base) - top), color: channelColor(channel), tickets };
        base += tickets;
        return segment;
      });
    return { x: round(plot.x + i * slot + (slot - barWidth) / 2), width: round(barWidth), day: d.day, total: d.total, segments };
  });
  // As many date labels as fit (about 4.5 characters each); the last day always has one.
  const every = Math.max(1, Math.ceil(series.days.length / Math.max(1, Math.floor(plot.width / (size.font * 4.5)))));
  const labels = bars.map((b, i) => ({ x: round(b.x + b.width / 2), day: b.day, show: (bars.length - 1 - i) % every === 0 })).filter((l) => l.show);
  return { plot, scale, bars, labels, y };
}

function barTitle(bar: StackedBar): string {
  const parts = bar.segments.map((s) => `${channelLabel(s.channel)} ${s.tickets}`).join(', ');
  return `${dayLabel(bar.day)}: ${bar.total} ticket${bar.total === 1 ? '' : 's'}${parts ? ` (${parts})` : ''}`;
}

/**
 * Tickets per day, stacked by channel. `summary` is what a screen reader
 * hears for the whole chart; the numbers themselves are in the table that
 * goes with it.
 */
export function StackedBarChart(props: { series: VolumeSeries; size: ChartSize; id: string; title: string; summary: string; class?: string }): JSX.Element {
  const { size } = props;
  const { plot, scale, bars, labels, y } = stackedBarLayout(props.series, size);
  const bottom = plot.y + plot.height;
  return (
    <svg
      class={props.class ? `chart ${props.class}` : 'chart'}
      viewBox={`0 0 ${size.width} ${size.height}`}
      width="100%"
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
      font-size={String(size.font)}
      font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
    >
      <title id={`${props.id}-title`} safe>
        {props.title}
      </title>
      <desc id={`${props.id}-desc`} safe>
        {props.summary}
      </desc>
      <g aria-hidden="true">
        {scale.ticks.map((t) => (
          <>
            <line x1={plot.x} x2={plot.x + plot.width} y1={round(y(t))} y2={round(y(t))} stroke={t === 0 ? AXIS : GRID} stroke-width="1" />
            <text x={plot.x - size.font * 0.5} y={round(y(t) + size.font * 0.35)} text-anchor="end" fill={INK} safe>
              {String(t)}
            </text>
          </>
        ))}
        {labels.map((l) => (
          <text x={l.x} y={round(bottom + size.font * 1.5)} text-anchor="middle" fill={INK} safe>
            {dayLabel(l.day)}
          </text>
        ))}
      </g>
      {bars
        .filter((b) => b.total > 0)
        .map((b) => (
          <g class="bar">
            <title safe>{barTitle(b)}</title>
            {b.segments.map((s) => (
              <rect x={b.x} y={s.y} width={b.width} height={s.height} fill={s.color} />
            ))}
          </g>
        ))}
    </svg>
  );
}

/** A small colour square for legends, drawn like the chart so the colours match exactly. */
export function Swatch(props: { color: string }): JSX.Element {
  return (
    <svg class="swatch" viewBox="0 0 10 10" width="12" height="12" aria-hidden="true" focusable="false">
      <rect width="10" height="10" rx="2" fill={props.color} />
    </svg>
  );
}

export interface HBarRow {
  label: string;
  /** Makes the label a link (an article). */
  href?: string;
  value: number;
  /** The number as shown ("12", "75%"); the value by default. */
  valueText?: string;
  color: string;
}

/**
 * Horizontal bars as a list: label and number are HTML text (they wrap and
 * stay readable at any width, and a screen reader reads them as a list);
 * the bar is a decorative SVG stretched to the row.
 */
export function HorizontalBars(props: { rows: HBarRow[]; max?: number; label: string }): JSX.Element {
  const max = props.max ?? Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <ol class="hbars" aria-label={props.label}>
      {props.rows.map((row) => (
        <li>
          <div class="hbar-head">
            {row.href ? (
              <a class="hbar-label" href={row.href} safe>
                {row.label}
              </a>
            ) : (
              <span class="hbar-label" safe>
                {row.label}
              </span>
            )}
            <span class="hbar-value" safe>
              {row.valueText ?? String(row.value)}
            </span>
          </div>
          <svg class="hbar" viewBox="0 0 100 8" preserveAspectRatio="none" width="100%" height="8" aria-hidden="true" focusable="false">
            <rect width="100" height="8" fill={TRACK} />
            <rect width={String(barLength(row.value, max))} height="8" fill={row.color} />
          </svg>
        </li>
      ))}
    </ol>
  );
}

/** The bar's length out of 100; anything above zero gets at least a sliver so it shows. */
export function barLength(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return round(Math.max(1, Math.min(100, (value / max) * 100)));
}
