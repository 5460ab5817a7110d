// The ticket list: status tabs, a search box that filters as you type (htmx
// swaps #ticket-results; without JavaScript the form submits as a GET), and
// the list itself.
import Html, { escapeHtml } from '@kitajs/html';
import { ChannelBadge, StatusBadge } from '../../views/components.tsx';
import { formatAgo } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import type { StatusFilter, TicketSummary } from '../queries.ts';
import type { PageContext } from './context.ts';

const FILTER_LABELS = {
  all: 'All',
  open: 'Open',
  waiting: 'Waiting for you',
  resolved: 'Resolved',
  closed: 'Closed',
} as const satisfies Record<StatusFilter, string>;

export function TicketRows(props: { tickets: TicketSummary[]; now: number; empty?: string }): JSX.Element {
  if (props.tickets.length === 0) return <p class="empty" safe>{props.empty ?? 'No tickets here.'}</p>;
  // Rows stay lean (one link, a few spans, relative time as text): this list
  // is the portal's busiest page.
  return (
    <ul class="ticket-list">
      {props.tickets.map((t) => (
        <li class="ticket-row">
          <a href={`/tickets/${t.number}`} class="ticket-link">
            <span class="ticket-subject" safe>
              {t.subject}
            </span>
            <span class="ticket-meta">
              #{t.number} <StatusBadge status={t.status} /> <ChannelBadge channel={t.channel} /> Updated {escapeHtml(formatAgo(t.updatedAt, props.now))}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function TicketResults(props: { tickets: TicketSummary[]; now: number; q: string; status: StatusFilter }): JSX.Element {
  const count = props.tickets.length;
  return (
    <>
      <p class="result-count muted" role="status">
        {count} {count === 1 ? 'ticket' : 'tickets'}
        {props.q ? (
          <>
            {' '}
            matching “<span safe>{props.q}</span>”
          </>
        ) : (
          ''
        )}
      </p>
      <TicketRows tickets={props.tickets} now={props.now} empty={props.q ? 'No tickets match your search.' : 'No tickets here yet.'} />
    </>
  );
}

/** `results` is TicketResults already rendered (the list cache keeps it). */
export function TicketListPage(props: PageContext & { results: string; q: string; status: StatusFilter }): JSX.Element {
  const query = (status: StatusFilter) => {
    const params = new URLSearchParams();
    if (status !== 'all') params.set('status', status);
    if (props.q) params.set('q', props.q);
    const s = params.toString();
    return s ? `/tickets?${s}` : '/tickets';
  };
  return (
    <Layout chrome={props.chrome} title="Your tickets" csrfToken={props.csrfToken} viewer={props.viewer} section="tickets">
      <div class="page-head">
        <h1>Your tickets</h1>
        <a class="button" href="/tickets/new">
          New ticket
        </a>
      </div>
      <nav class="tabs" aria-label="Filter by status">
        <ul>
          {(Object.keys(FILTER_LABELS) as StatusFilter[]).map((s) => (
            <li>
              <a href={query(s)} aria-current={s === props.status ? 'page' : undefined}>
                {FILTER_LABELS[s]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/tickets" class="search-form" role="search">
        {props.status !== 'all' ? <input type="hidden" name="status" value={props.status} /> : ''}
        <label for="ticket-search">Search your tickets</label>
        <div class="search-row">
          <input
            id="ticket-search"
            type="search"
            name="q"
            value={props.q}
            maxlength="200"
            autocomplete="off"
            hx-get="/tickets"
            hx-trigger="input changed delay:300ms, search"
            hx-target="#ticket-results"
            hx-include="closest form"
            hx-push-url="true"
          />
          <button type="submit" class="secondary">
            Search
          </button>
        </div>
      </form>
      <div id="ticket-results" aria-live="polite">
        {props.results as 'safe'}
      </div>
    </Layout>
  );
}
