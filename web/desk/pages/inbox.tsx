// The inbox: three views (needing a human, mine, all) with counts, filters
// by status, channel and priority and a search box, and the list itself. The
// results block reloads itself when the desk stream says something changed.
import Html from '@kitajs/html';
import { CHANNELS, PRIORITIES, TICKET_STATUSES } from '../../../core/index.ts';
import { ChannelBadge, StatusBadge, Time } from '../../views/components.tsx';
import { CHANNEL_LABELS, STATUS_LABELS } from '../../views/format.ts';
import type { DeskPageContext } from '../context.ts';
import { INBOX_PAGE, inboxQueryString, type InboxFilter, type InboxRow, type InboxView } from '../queries.ts';
import { DeskLayout } from './desk-layout.tsx';
import { handoffLabel, PRIORITY_LABELS } from './labels.ts';

const VIEW_LABELS: Record<InboxView, string> = { human: 'Needs a human', mine: 'Mine', all: 'All tickets' };

const EMPTY: Record<InboxView, string> = {
  human: 'Nobody is waiting for a person. The bot has it covered.',
  mine: 'No open tickets are assigned to you.',
  all: 'No tickets match.',
};

export interface InboxData {
  filter: InboxFilter;
  rows: InboxRow[];
  counts: Record<InboxView, number>;
}

export function InboxPage(props: { page: DeskPageContext; data: InboxData }): JSX.Element {
  const { filter } = props.data;
  return (
    <DeskLayout page={props.page} title="Inbox" section="inbox">
      <div class="page-head">
        <h1>Inbox</h1>
      </div>
      <InboxFilters filter={filter} />
      <div hx-ext="sse" sse-connect="/desk/stream">
        <InboxResults data={props.data} now={props.page.now} />
      </div>
    </DeskLayout>
  );
}

function Select(props: { name: string; label: string; value?: string; options: readonly string[]; labels: Record<string, string>; any: string }): JSX.Element {
  return (
    <label class="filter">
      <span safe>{props.label}</span>
      <select name={props.name}>
        <option value="" safe>
          {props.any}
        </option>
        {props.options.map((o) => (
          <option value={o} selected={props.value === o} safe>
            {props.labels[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );
}

function InboxFilters(props: { filter: InboxFilter }): JSX.Element {
  const { filter } = props;
  return (
    <form
      class="inbox-filters"
      method="get"
      action="/desk"
      role="search"
      hx-get="/desk"
      hx-target="#inbox-results"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="change, input changed delay:300ms from:find input[name=q], submit"
    >
      <input type="hidden" name="view" value={filter.view} />
      <Select name="status" label="Status" value={filter.status} options={TICKET_STATUSES} labels={STATUS_LABELS} any="Any status" />
      <Select name="channel" label="Channel" value={filter.channel} options={CHANNELS} labels={CHANNEL_LABELS} any="Any channel" />
      <Select name="priority" label="Priority" value={filter.priority} options={PRIORITIES} labels={PRIORITY_LABELS} any="Any priority" />
      <label class="filter filter-search">
        <span>Search</span>
        <input type="search" name="q" value={filter.q ?? ''} placeholder="Subject, customer or #number" maxlength="200" />
      </label>
      <noscript>
        <button type="submit">Filter</button>
      </noscript>
    </form>
  );
}

/** Tabs and list; swapped whole (outerHTML) so its reload URL follows the filters. */
export function InboxResults(props: { data: InboxData; now: number }): JSX.Element {
  const { filter, rows, counts } = props.data;
  const self = `/desk?${inboxQueryString(filter)}`;
  return (
    <div id="inbox-results" hx-get={self} hx-trigger="sse:inbox" hx-target="this" hx-swap="outerHTML">
      <nav class="tabs" aria-label="Inbox views">
        <ul>
          {(Object.keys(VIEW_LABELS) as InboxView[]).map((view) => (
            <li>
              <a href={`/desk?${inboxQueryString(filter, { view })}`} aria-current={filter.view === view ? 'page' : undefined}>
                <span safe>{VIEW_LABELS[view]}</span> <span class="count">{counts[view]}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? (
        <p class="empty" safe>
          {filter.q || filter.status || filter.channel || filter.priority ? 'No tickets match these filters.' : EMPTY[filter.view]}
        </p>
      ) : (
        <>
          <ul class="ticket-list inbox-list">
            {rows.map((row) => (
              <InboxItem row={row} now={props.now} />
            ))}
          </ul>
          {rows.length >= INBOX_PAGE ? <p class="muted">Showing the first {INBOX_PAGE}. Narrow the list with the filters or a search.</p> : ''}
        </>
      )}
    </div>
  );
}

function InboxItem(props: { row: InboxRow; now: number }): JSX.Element {
  const { row } = props;
  const who = row.customerName || row.customerEmail || 'Customer';
  return (
    <li class={`ticket-row inbox-row priority-${row.priority}`}>
      <a href={`/desk/tickets/${row.number}`} class="ticket-link">
        <span class="ticket-subject" safe>
          {row.subject}
        </span>
        <span class="ticket-meta">
          #{row.number} <StatusBadge status={row.status} /> <ChannelBadge channel={row.channel} />{' '}
          {row.priority !== 'normal' ? <span class={`badge priority priority-${row.priority}`} safe>{PRIORITY_LABELS[row.priority]}</span> : ''}{' '}
          {row.handler === 'human' ? (
            <span class="badge handoff" safe>
              {handoffLabel(row.handoffReason) || 'With a person'}
            </span>
          ) : (
            <span class="badge bot">Bot</span>
          )}
        </span>
        <span class="ticket-meta">
          <span safe>{who}</span> · {row.assigneeName ? <span safe>{row.assigneeName}</span> : row.assigneeId ? 'Assigned' : <strong>Unassigned</strong>} · waiting since{' '}
          <Time at={row.waitingSince} now={props.now} />
        </span>
      </a>
    </li>
  );
}
