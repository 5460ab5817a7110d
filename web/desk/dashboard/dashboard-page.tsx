// The agents' dashboard page: a period switcher, tickets per day by channel,
// then one card per figure of the issue (response times, CSAT, the bot,
// deflection, handoff reasons, searches with no good answer, unhelpful
// articles), each with its CSV. Every figure also reads as text, so the
// charts are never the only way to get a number.
import Html from '@kitajs/html';
import { GOOD_ANSWER_SCORE, type CsatFigure, type Spread } from '../../../core/analytics/stats.ts';
import { formatDate, formatDuration } from '../../views/format.ts';
import type { DeskPageContext } from '../context.ts';
import { DeskLayout } from '../pages/desk-layout.tsx';
import type { Figure } from './figure-csv.ts';
import { channelLabel, formatPercent, reasonLabel, type DashboardData } from './figures.ts';
import { periodQuery, PRESET_DAYS, type DashboardPeriod } from './period.ts';
import { BOT_COLOR, channelColor, HorizontalBars, HUMAN_COLOR, NARROW, StackedBarChart, Swatch, WIDE } from './svg-charts.tsx';

const HANDOFF_COLOR = '#4f46e5';
const SEARCH_COLOR = '#475569';
const UNHELPFUL_COLOR = '#b42318';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function DashboardPage(props: { page: DeskPageContext; data: DashboardData }): JSX.Element {
  const { data } = props;
  const q = periodQuery(data.period);
  return (
    <DeskLayout page={props.page} title="Dashboard" section="dashboard">
      <div class="desk-dashboard">
        <div class="page-head">
          <h1>Dashboard</h1>
          <p class="muted period-range" safe>
            {`${formatDate(data.period.from)} – ${formatDate(data.period.to)} (UTC)`}
          </p>
        </div>
        <PeriodSwitcher period={data.period} />
        <VolumeCard data={data} q={q} />
        <div class="dash-grid">
          <ResponseTimesCard data={data} q={q} />
          <CsatCard data={data} q={q} />
          <BotCard data={data} q={q} />
          <DeflectionCard data={data} q={q} />
          <HandoffCard data={data} q={q} />
          <SearchesCard data={data} q={q} />
          <ArticlesCard data={data} q={q} />
        </div>
      </div>
    </DeskLayout>
  );
}

function PeriodSwitcher(props: { period: DashboardPeriod }): JSX.Element {
  const { period } = props;
  return (
    <div class="period-switcher">
      <nav class="tabs" aria-label="Period">
        <ul>
          {PRESET_DAYS.map((days) => (
            <li>
              <a href={`/desk/dashboard?days=${days}`} aria-current={period.days === days ? 'page' : undefined} safe>
                {`Last ${days} days`}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <details class="range-picker" open={period.days === null}>
        <summary>Choose dates</summary>
        <form method="get" action="/desk/dashboard" class="range-form">
          {/* Labels wrap their inputs, with no id: htmx copies the attributes of
              elements with an id across a boosted swap, and Chromium can leave an
              empty style="" on a date input once the page is used: the CSP refuses it. */}
          <label class="field">
            <span>From</span>
            <input type="date" name="from" value={period.fromDate} required />
          </label>
          <label class="field">
            <span>To</span>
            <input type="date" name="to" value={period.toDate} required />
          </label>
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
      </details>
    </div>
  );
}

/** "Download CSV", named for screen readers by the figure; never boosted, so htmx leaves the download to the browser. */
function CsvLink(props: { figure: Figure; q: string; what: string; text?: string }): JSX.Element {
  return (
    <a class="csv-link" href={`/desk/dashboard/${props.figure}.csv${props.q}`} download="" hx-boost="false">
      <span safe>{props.text ?? 'Download CSV'}</span>
      <span class="visually-hidden" safe>{` of ${props.what}`}</span>
    </a>
  );
}

function Card(props: { id: string; title: string; children?: Html.Children; links?: Html.Children }): JSX.Element {
  return (
    <section class="card dash-card" id={props.id} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`} safe>
        {props.title}
      </h2>
      <div class="dash-body">{props.children}</div>
      <p class="csv-links">{props.links}</p>
    </section>
  );
}

function Tile(props: { label: string; value: string; note?: string }): JSX.Element {
  return (
    <div class="tile">
      <dt safe>{props.label}</dt>
      <dd class="tile-value" safe>
        {props.value}
      </dd>
      {props.note ? (
        <dd class="tile-note" safe>
          {props.note}
        </dd>
      ) : (
        ''
      )}
    </div>
  );
}

function Empty(props: { text: string }): JSX.Element {
  return (
    <p class="empty" safe>
      {props.text}
    </p>
  );
}

function VolumeCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { volume, stats } = props.data;
  const total = stats.volume.total;
  const links = <CsvLink figure="volume" q={props.q} what="tickets per day by channel" />;
  if (total === 0) {
    return (
      <Card id="volume" title="Tickets by channel" links={links}>
        <Empty text="No tickets in this period." />
      </Card>
    );
  }
  const busiest = volume.days.reduce((a, b) => (b.total > a.total ? b : a));
  const byChannel = volume.channels.map((c) => `${channelLabel(c)} ${stats.volume.byChannel[c] ?? 0}`).join(', ');
  const summary = `${plural(total, 'ticket')} over ${plural(volume.days.length, 'day')}: ${byChannel}. Busiest day ${formatDate(Date.parse(busiest.day))} with ${busiest.total}.`;
  const chart = { series: volume, title: 'Tickets per day by channel', summary };
  return (
    <Card id="volume" title="Tickets by channel" links={links}>
      <p class="lead">
        <span class="big-number" safe>
          {String(total)}
        </span>{' '}
        <span safe>{`ticket${total === 1 ? '' : 's'} in this period`}</span>
      </p>
      <ul class="legend" aria-label="Tickets by channel">
        {volume.channels.map((c) => (
          <li>
            <Swatch color={channelColor(c)} />
            <span safe>{channelLabel(c)}</span> <strong safe>{String(stats.volume.byChannel[c] ?? 0)}</strong>
          </li>
        ))}
      </ul>
      <div class="chart-box">
        <StackedBarChart {...chart} size={NARROW} id="volume-narrow" class="chart-narrow" />
        <StackedBarChart {...chart} size={WIDE} id="volume-wide" class="chart-wide" />
      </div>
      <details class="chart-table">
        <summary>Tickets per day as a table</summary>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {volume.channels.map((c) => (
                  <th scope="col" safe>
                    {channelLabel(c)}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {volume.days.map((d) => (
                <tr>
                  <th scope="row" safe>
                    {formatDate(Date.parse(d.day))}
                  </th>
                  {volume.channels.map((c) => (
                    <td safe>{String(d.counts[c] ?? 0)}</td>
                  ))}
                  <td safe>{String(d.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}

function SpreadTiles(props: { title: string; spread: Spread; none: string; counted: string }): JSX.Element {
  const { spread } = props;
  return (
    <>
      <h3 safe>{props.title}</h3>
      {spread.count === 0 || spread.medianMs === null || spread.p90Ms === null ? (
        <Empty text={props.none} />
      ) : (
        <dl class="tiles">
          <Tile label="Median" value={formatDuration(spread.medianMs)} />
          <Tile label="90th percentile" value={formatDuration(spread.p90Ms)} note={plural(spread.count, props.counted)} />
        </dl>
      )}
    </>
  );
}

function ResponseTimesCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { stats } = props.data;
  return (
    <Card id="response-times" title="Response times" links={<CsvLink figure="response-times" q={props.q} what="response times" />}>
      <SpreadTiles title="First response" spread={stats.firstResponse} none="No first responses in this period." counted="ticket" />
      <SpreadTiles title="Resolution" spread={stats.resolution} none="No tickets resolved in this period." counted="ticket" />
    </Card>
  );
}

function csatRow(label: string, figure: CsatFigure, color: string) {
  return {
    label,
    value: figure.score === null ? 0 : figure.score * 100,
    valueText: figure.score === null ? 'no responses' : `${formatPercent(figure.score)} (${plural(figure.responses, 'response')})`,
    color,
  };
}

function CsatCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { csat } = props.data.stats;
  return (
    <Card
      id="csat"
      title="Customer satisfaction"
      links={
        <>
          <CsvLink figure="csat" q={props.q} what="customer satisfaction" text="CSAT as CSV" />
          <CsvLink figure="surveys" q={props.q} what="survey responses" text="Surveys as CSV" />
        </>
      }
    >
      <dl class="tiles">
        <Tile
          label="CSAT (4 or 5 out of 5)"
          value={formatPercent(csat.overall.score)}
          note={csat.overall.responses ? `${plural(csat.overall.responses, 'response')}, average ${csat.overall.average!.toFixed(1)}` : 'No responses in this period'}
        />
        <Tile
          label="Survey response rate"
          value={formatPercent(csat.responseRate)}
          note={csat.surveysSent ? `${csat.surveysAnswered} of ${plural(csat.surveysSent, 'survey')} answered` : 'No surveys sent in this period'}
        />
      </dl>
      <h3>By who answered</h3>
      <HorizontalBars label="CSAT by who answered" max={100} rows={[csatRow('Bot', csat.bot, BOT_COLOR), csatRow('Human', csat.human, HUMAN_COLOR)]} />
    </Card>
  );
}

function BotCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { bot } = props.data.stats;
  return (
    <Card id="bot" title="The bot" links={<CsvLink figure="bot" q={props.q} what="bot figures" />}>
      <dl class="tiles">
        <Tile
          label="Resolved with no human"
          value={formatPercent(bot.resolutionRate)}
          note={bot.resolved ? `${bot.resolvedWithoutHuman} of ${plural(bot.resolved, 'resolved ticket')}` : 'No tickets resolved in this period'}
        />
        <Tile label="Bot answers" value={String(bot.answered)} />
        <Tile label="Handoffs to a person" value={String(bot.handoffs)} />
      </dl>
    </Card>
  );
}

function DeflectionCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { deflection } = props.data.stats;
  const asked = deflection.deflected + deflection.ticketsFromForm;
  return (
    <Card id="deflection" title="Deflection" links={<CsvLink figure="deflection" q={props.q} what="deflection" />}>
      <dl class="tiles">
        <Tile
          label="Solved by a suggested article"
          value={formatPercent(deflection.rate)}
          note={
            asked
              ? `${deflection.deflected} solved by a suggestion, ${plural(deflection.ticketsFromForm, 'ticket')} sent from the form`
              : 'Nobody used the new-ticket form in this period'
          }
        />
      </dl>
    </Card>
  );
}

function HandoffCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { handoffReasons } = props.data.stats.bot;
  return (
    <Card id="handoff-reasons" title="Handoff reasons" links={<CsvLink figure="handoff-reasons" q={props.q} what="handoff reasons" />}>
      {handoffReasons.length === 0 ? (
        <Empty text="No handoffs in this period." />
      ) : (
        <HorizontalBars label="Handoffs by reason" rows={handoffReasons.map((r) => ({ label: reasonLabel(r.reason), value: r.count, color: HANDOFF_COLOR }))} />
      )}
    </Card>
  );
}

function SearchesCard(props: { data: DashboardData; q: string }): JSX.Element {
  const { unansweredSearches } = props.data.stats;
  return (
    <Card id="unanswered-searches" title="Searches with no good answer" links={<CsvLink figure="unanswered-searches" q={props.q} what="searches with no good answer" />}>
      <p class="muted small">
        {`Help-centre searches whose best article scored below ${GOOD_ANSWER_SCORE}, most frequent first.`}
      </p>
      {unansweredSearches.length === 0 ? (
        <Empty text="Every search found a good answer." />
      ) : (
        <HorizontalBars
          label="Searches with no good answer"
          rows={unansweredSearches.map((s) => ({ label: `“${s.term}”`, value: s.count, valueText: plural(s.count, 'search', 'searches'), color: SEARCH_COLOR }))}
        />
      )}
    </Card>
  );
}

function ArticlesCard(props: { data: DashboardData; q: string }): JSX.Element {
  const articles = props.data.unhelpfulArticles;
  return (
    <Card id="unhelpful-articles" title="Articles rated unhelpful" links={<CsvLink figure="unhelpful-articles" q={props.q} what="articles rated unhelpful" />}>
      <p class="muted small">Unhelpful votes out of all votes on the article in this period, most unhelpful first.</p>
      {articles.length === 0 ? (
        <Empty text="No article was rated unhelpful." />
      ) : (
        <HorizontalBars
          label="Articles by unhelpful ratings"
          rows={articles.map((a) => ({
            label: a.title ?? `Article #${a.articleId} (deleted)`,
            href: a.slug ? `/kb/${encodeURIComponent(a.slug)}` : undefined,
            value: a.unhelpful,
            valueText: `${a.unhelpful} of ${a.unhelpful + a.helpful}`,
            color: UNHELPFUL_COLOR,
          }))}
        />
      )}
    </Card>
  );
}
