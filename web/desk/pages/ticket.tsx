// One ticket at the desk. The head and thread (#ticket-live) and the side
// panel (#ticket-side) reload themselves when the ticket's stream says it
// changed; the composer is never touched by a reload, so a reply being
// typed survives new messages. The thread shows everything: internal notes,
// the bot's sources and confidence, why it handed over, and for every
// outbound message its delivery (sent, retrying, failed with a retry button).
import Html from '@kitajs/html';
import { PRIORITIES, TICKET_STATUSES, type Ticket } from '../../../core/index.ts';
import { ChannelBadge, CsrfField, PlainText, StatusBadge, Time } from '../../views/components.tsx';
import { CHANNEL_LABELS, formatDateTime, SCORE_LABELS, STATUS_LABELS } from '../../views/format.ts';
import { Citations, FileList } from '../../views/message-parts.tsx';
import type { DeskPageContext } from '../context.ts';
import type { DeskEvent, DeskMessage, DeskTicket, DeliveryState } from '../queries.ts';
import { DeskLayout } from './desk-layout.tsx';
import { handoffLabel, PRIORITY_LABELS } from './labels.ts';

export interface SuggestedArticle {
  id: number;
  title: string;
  url: string;
  score: number;
}

export interface SideData {
  agents: { id: number; name: string | null; email: string }[];
  suggestions: SuggestedArticle[];
  history: DeskEvent[];
  otherTickets: { number: number; subject: string; status: Ticket['status']; channel: Ticket['channel']; updatedAt: number }[];
}

export interface ComposerState {
  text?: string;
  mode?: 'reply' | 'note';
  notice?: string;
  error?: string;
}

const AUTHOR_LABELS = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' } as const;

export function DeskTicketPage(props: { page: DeskPageContext; detail: DeskTicket; thread: DeskMessage[]; side: SideData; composer: ComposerState }): JSX.Element {
  const { ticket } = props.detail;
  const base = `/desk/tickets/${ticket.number}`;
  return (
    <DeskLayout page={props.page} title={`#${ticket.number} ${ticket.subject}`} section="inbox">
      <p class="breadcrumb">
        <a href="/desk">Inbox</a> / #{ticket.number}
      </p>
      <div class="desk-ticket" hx-ext="sse" sse-connect={`${base}/stream`}>
        <div class="desk-main">
          <TicketLive detail={props.detail} thread={props.thread} page={props.page} />
          <Composer number={ticket.number} csrfToken={props.page.csrfToken} state={props.composer} channel={ticket.channel} />
        </div>
        <TicketSide detail={props.detail} side={props.side} page={props.page} />
      </div>
    </DeskLayout>
  );
}

/** Head and thread: reloaded (outerHTML) on every change of the ticket. */
export function TicketLive(props: { detail: DeskTicket; thread: DeskMessage[]; page: DeskPageContext }): JSX.Element {
  const { ticket, customer, assignee } = props.detail;
  const base = `/desk/tickets/${ticket.number}`;
  return (
    <div id="ticket-live" hx-get={base} hx-trigger="sse:ticket, desk-changed from:body" hx-target="this" hx-swap="outerHTML">
      <div class="ticket-head">
        <h1 safe>{ticket.subject}</h1>
        <p class="ticket-meta">
          #{ticket.number} <StatusBadge status={ticket.status} /> <ChannelBadge channel={ticket.channel} />{' '}
          <span class={`badge priority priority-${ticket.priority}`} safe>{`${PRIORITY_LABELS[ticket.priority]} priority`}</span>{' '}
          {ticket.handler === 'human' ? <span class="badge handoff">With a person</span> : <span class="badge bot">Bot answers</span>}
        </p>
        <p class="ticket-meta">
          From <strong safe>{customer.name || customer.email || 'a customer'}</strong>
          {customer.email && customer.name ? <span safe>{` <${customer.email}>`}</span> : ''} · opened <Time at={Number(ticket.createdAt)} now={props.page.now} /> ·{' '}
          {assignee ? (
            <>
              assigned to <span safe>{assignee.name || assignee.email}</span>
            </>
          ) : (
            <strong>unassigned</strong>
          )}
        </p>
        {ticket.handler === 'human' && ticket.handoffReason ? (
          <p class="handoff-reason" safe>
            {`Handed over: ${handoffLabel(ticket.handoffReason)}`}
          </p>
        ) : (
          ''
        )}
      </div>
      <ol class="thread desk-thread" aria-label="Conversation">
        {props.thread.map((m) => (
          <DeskMessageItem message={m} number={ticket.number} csrfToken={props.page.csrfToken} now={props.page.now} />
        ))}
      </ol>
    </div>
  );
}

function DeskMessageItem(props: { message: DeskMessage; number: number; csrfToken: string; now: number }): JSX.Element {
  const m = props.message;
  const author = m.authorName ?? AUTHOR_LABELS[m.authorType];
  return (
    <li class={`message from-${m.authorType}${m.internal ? ' internal' : ''}`} id={`message-${m.id}`}>
      <div class="message-meta">
        <span class="author" safe>
          {author}
        </span>
        {m.internal ? <span class="badge note">Internal note</span> : <ChannelBadge channel={m.channel} />}
        {m.purpose && m.purpose !== 'reply' && m.purpose !== 'answer' ? <span class="badge purpose" safe>{m.purpose}</span> : ''}
        <Time at={m.createdAt} now={props.now} />
      </div>
      <PlainText text={m.text} />
      {m.authorType === 'bot' && (m.confidence !== null || m.handoffReason) ? (
        <p class="bot-facts" safe>
          {[
            // A customer asking for a person is no search: its confidence says nothing.
            m.confidence !== null && m.handoffReason !== 'customer_request' ? `Confidence ${Math.round(m.confidence * 100)}%` : '',
            m.handoffReason ? `Handed over: ${handoffLabel(m.handoffReason)}` : '',
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      ) : (
        ''
      )}
      <Citations citations={m.citations} title="Cited" newTab />
      <FileList files={m.attachments} base={`/desk/tickets/${props.number}/files`} />
      {m.deliveries.length ? (
        <ul class="deliveries" aria-label="Delivery">
          {m.deliveries.map((d) => (
            <DeliveryLine delivery={d} number={props.number} csrfToken={props.csrfToken} now={props.now} />
          ))}
        </ul>
      ) : (
        ''
      )}
    </li>
  );
}

function DeliveryLine(props: { delivery: DeliveryState; number: number; csrfToken: string; now: number }): JSX.Element {
  const d = props.delivery;
  const channel = CHANNEL_LABELS[d.channel as keyof typeof CHANNEL_LABELS] ?? d.channel;
  if (d.state === 'sent') {
    return (
      <li class="delivery delivery-sent" title={d.sentAt ? formatDateTime(d.sentAt) : undefined} safe>
        {`✓ Sent by ${channel}`}
      </li>
    );
  }
  if (d.state === 'sending') return <li class="delivery delivery-sending" safe>{`Sending by ${channel}…`}</li>;
  if (d.state === 'retrying') {
    return (
      <li class="delivery delivery-retrying">
        <span safe>{`Retrying by ${channel} (attempt ${d.attempts} failed: ${d.error ?? 'unknown error'})`}</span> · next try{' '}
        <Time at={d.nextAttemptAt} now={props.now} />
      </li>
    );
  }
  return (
    <li class="delivery delivery-failed">
      <span safe>{`✗ Not delivered by ${channel} after ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}: ${d.error ?? 'unknown error'}`}</span>
      <form method="post" action={`/desk/tickets/${props.number}/deliveries/${d.id}/retry`} class="inline-form">
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="small">
          Retry
        </button>
      </form>
    </li>
  );
}

/** The reply box: a reply to the customer (on their channel) or an internal note. */
export function Composer(props: { number: number; csrfToken: string; state: ComposerState; channel: Ticket['channel'] }): JSX.Element {
  const { state } = props;
  const base = `/desk/tickets/${props.number}`;
  const mode = state.mode ?? 'reply';
  return (
    <form
      id="composer"
      class="composer stack"
      method="post"
      action={`${base}/reply`}
      enctype="multipart/form-data"
      hx-post={`${base}/reply`}
      hx-target="this"
      hx-swap="outerHTML"
      hx-encoding="multipart/form-data"
    >
      <CsrfField token={props.csrfToken} />
      {state.notice ? (
        <p class="alert alert-success" role="status" safe>
          {state.notice}
        </p>
      ) : (
        ''
      )}
      <fieldset class="mode">
        <legend class="visually-hidden">Kind of message</legend>
        <label>
          <input type="radio" name="mode" value="reply" checked={mode === 'reply'} /> <span safe>{`Reply by ${CHANNEL_LABELS[props.channel]}`}</span>
        </label>
        <label>
          <input type="radio" name="mode" value="note" checked={mode === 'note'} /> Internal note
        </label>
      </fieldset>
      <label for="reply-text" class="visually-hidden">
        Message
      </label>
      <textarea
        id="reply-text"
        name="text"
        rows="6"
        maxlength="20000"
        required
        aria-invalid={state.error ? 'true' : undefined}
        aria-describedby={state.error ? 'reply-error' : undefined}
        safe
      >
        {state.text ?? ''}
      </textarea>
      {state.error ? (
        <p id="reply-error" class="field-error" safe>
          {state.error}
        </p>
      ) : (
        ''
      )}
      <label class="files-field">
        Attach files <input type="file" name="files" multiple />
      </label>
      <div class="button-row">
        <label class="after-send">
          Then set status{' '}
          <select name="status">
            <option value="pending" selected>
              Waiting on customer
            </option>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="">Unchanged</option>
          </select>
        </label>
        <button type="submit">Send</button>
        <button type="button" class="secondary" hx-get={`${base}/draft`} hx-target="#composer" hx-swap="outerHTML" hx-include="#reply-text">
          Draft with the bot
        </button>
      </div>
    </form>
  );
}

function Select(props: { name: string; label: string; value: string; options: { value: string; label: string }[] }): JSX.Element {
  return (
    <label class="field-inline">
      <span safe>{props.label}</span>
      <select name={props.name}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Properties, customer, suggested articles and history: reloaded on change. */
export function TicketSide(props: { detail: DeskTicket; side: SideData; page: DeskPageContext }): JSX.Element {
  const { ticket, customer } = props.detail;
  const { side, page } = props;
  const base = `/desk/tickets/${ticket.number}`;
  return (
    <aside id="ticket-side" class="desk-side" hx-get={`${base}/side`} hx-trigger="sse:ticket, desk-changed from:body" hx-target="this" hx-swap="outerHTML">
      <section class="card">
        <h2>Ticket</h2>
        <form method="post" action={`${base}/properties`} class="stack properties">
          <CsrfField token={page.csrfToken} />
          <Select name="status" label="Status" value={ticket.status} options={TICKET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} />
          <Select name="priority" label="Priority" value={ticket.priority} options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))} />
          <Select
            name="assignee"
            label="Assignee"
            value={ticket.assigneeId ? String(ticket.assigneeId) : ''}
            options={[{ value: '', label: 'Unassigned' }, ...side.agents.map((a) => ({ value: String(a.id), label: a.id === page.agent.id ? `${a.name || a.email} (me)` : a.name || a.email }))]}
          />
          <button type="submit">Save</button>
        </form>
        <div class="button-row">
          {ticket.assigneeId !== page.agent.id ? (
            <form method="post" action={`${base}/take`} class="inline-form">
              <CsrfField token={page.csrfToken} />
              <button type="submit" class="secondary">
                {ticket.handler === 'bot' ? 'Take over from the bot' : 'Assign to me'}
              </button>
            </form>
          ) : (
            ''
          )}
          {ticket.handler === 'human' ? (
            <form method="post" action={`${base}/hand-back`} class="inline-form">
              <CsrfField token={page.csrfToken} />
              <button type="submit" class="secondary">
                Hand back to the bot
              </button>
            </form>
          ) : (
            ''
          )}
        </div>
      </section>
      <section class="card">
        <h2>Customer</h2>
        <p>
          <strong safe>{customer.name || 'No name given'}</strong>
          <br />
          {customer.email ? <span safe>{`${customer.email}${customer.emailVerified ? ' (verified)' : ''}`}</span> : <span class="muted">No email address</span>}
        </p>
        {side.otherTickets.length ? (
          <ul class="plain-list">
            {side.otherTickets.map((t) => (
              <li>
                <a href={`/desk/tickets/${t.number}`} safe>
                  {`#${t.number} ${t.subject}`}
                </a>{' '}
                <StatusBadge status={t.status} />
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No other tickets.</p>
        )}
      </section>
      <section class="card">
        <h2>Suggested articles</h2>
        {side.suggestions.length ? (
          <ul class="plain-list suggestions-list">
            {side.suggestions.map((s) => (
              <li>
                <a href={s.url} target="_blank" rel="noopener" safe>
                  {s.title}
                </a>{' '}
                <button
                  type="button"
                  class="link-button"
                  hx-get={`${base}/draft?article=${s.id}`}
                  hx-target="#composer"
                  hx-swap="outerHTML"
                  hx-include="#reply-text"
                  aria-label={`Insert a link to ${s.title} in the reply`}
                >
                  Insert link
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No article matches this conversation.</p>
        )}
      </section>
      <section class="card">
        <h2>History</h2>
        <ol class="history-list">
          {side.history.map((e) => (
            <li>
              <span safe>{describeEvent(e)}</span> <Time at={e.createdAt} now={page.now} />
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}

function describeEvent(e: DeskEvent): string {
  const who = e.actorName ?? (e.actorType === 'customer' ? 'Customer' : e.actorType === 'bot' ? 'Bot' : e.actorType === 'agent' ? 'An agent' : 'System');
  const d = e.data;
  switch (e.type) {
    case 'created':
      return 'Ticket opened';
    case 'reopened':
      return `${who} reopened the ticket`;
    case 'status_changed':
      return `${who} set status ${STATUS_LABELS[d.to as keyof typeof STATUS_LABELS] ?? String(d.to)}`;
    case 'priority_changed':
      return `${who} set priority ${PRIORITY_LABELS[d.to as keyof typeof PRIORITY_LABELS] ?? String(d.to)}`;
    case 'assigned':
      return d.to ? `${who} assigned the ticket` : `${who} unassigned the ticket`;
    case 'handed_off':
      return `Handed to a person: ${handoffLabel(typeof d.reason === 'string' ? d.reason : null)}`;
    case 'handed_back':
      return `${who} handed the ticket back to the bot`;
    case 'rated':
      if (d.kind === 'answer') return d.score ? 'Customer found an answer helpful' : 'Customer found an answer unhelpful';
      return `Customer rated the conversation ${String(d.score ?? '')}/5${SCORE_LABELS[Number(d.score)] ? ` (${SCORE_LABELS[Number(d.score)]})` : ''}`;
    case 'delivery_failed':
      return `A message could not be delivered: ${String(d.error ?? '')}`;
    case 'delivery_retried':
      return `${who} retried a failed delivery`;
    case 'email_bounced':
      return 'An email to the customer bounced';
    default:
      return e.type.replace(/_/g, ' ');
  }
}
