// One ticket: its head (status, close / reopen), the whole thread across
// channels with files and the bot's sources, the rating once resolved, the
// reply form and the history. The page listens on an SSE stream: new
// messages are appended to #thread, and the head and rating are refreshed
// when the ticket changes, without touching a reply being typed.
import Html from '@kitajs/html';
import type { Ticket } from '../../../core/index.ts';
import { ChannelBadge, CsrfField, describedBy, Field, PlainText, StatusBadge, Time } from '../../views/components.tsx';
import { formatDateTime, isoTime, SCORE_LABELS, STATUS_LABELS } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { Citations, FileList } from '../../views/message-parts.tsx';
import type { CsatView, HistoryItem, ThreadItem } from '../queries.ts';
import type { PageContext } from './context.ts';

export interface TicketView {
  ticket: Ticket;
  thread: ThreadItem[];
  history: HistoryItem[];
  csat: CsatView | null;
}

export interface ReplyFormState {
  formId: string;
  text?: string;
  error?: string;
}

const AUTHOR_LABELS = { customer: 'You', bot: 'Support assistant', agent: 'Support team', system: 'Support' } as const;

export function MessageItem(props: { item: ThreadItem; ticketNumber: number; now: number }): JSX.Element {
  const m = props.item;
  const author = m.authorType === 'agent' && m.authorName ? m.authorName : AUTHOR_LABELS[m.authorType];
  return (
    <li class={`message from-${m.authorType}`} id={`message-${m.id}`}>
      <div class="message-meta">
        <span class="author" safe>
          {author}
        </span>
        <ChannelBadge channel={m.channel} />
        <Time at={m.createdAt} now={props.now} />
      </div>
      <PlainText text={m.text} />
      <Citations citations={m.citations} title="Sources" />
      <FileList files={m.attachments} base={`/tickets/${props.ticketNumber}/files`} />
    </li>
  );
}

export function TicketHead(props: { ticket: Ticket; csrfToken: string; now: number }): JSX.Element {
  const t = props.ticket;
  return (
    <>
      <p class="breadcrumb">
        <a href="/tickets">Your tickets</a> / #{t.number}
      </p>
      <h1 safe>{t.subject}</h1>
      <p class="ticket-meta">
        <StatusBadge status={t.status} />
        <ChannelBadge channel={t.channel} />
        <span class="muted">
          Opened <Time at={t.createdAt} now={props.now} />
        </span>
        {t.handler === 'human' && t.status !== 'resolved' && t.status !== 'closed' ? <span class="muted">A person from our team is on it.</span> : ''}
      </p>
      {t.status === 'resolved' ? (
        <form method="post" action={`/tickets/${t.number}/reopen`} class="inline-form">
          <CsrfField token={props.csrfToken} />
          <button type="submit" class="secondary">
            Reopen ticket
          </button>
        </form>
      ) : t.status === 'closed' ? (
        <p class="muted">
          This ticket is closed. <a href="/tickets/new">Open a new ticket</a> if you need more help.
        </p>
      ) : (
        <form method="post" action={`/tickets/${t.number}/close`} class="inline-form">
          <CsrfField token={props.csrfToken} />
          <button type="submit" class="secondary">
            Close ticket
          </button>
          <span class="hint">Solved? Closing marks it resolved; you can reopen it.</span>
        </form>
      )}
    </>
  );
}

export function RatingBlock(props: { ticket: Ticket; csat: CsatView | null; csrfToken: string; error?: string }): JSX.Element {
  const t = props.ticket;
  if (t.status !== 'resolved' && t.status !== 'closed') return '';
  const chosen = props.csat?.score ?? 0;
  return (
    <section class="card rating" aria-labelledby="rating-title">
      <h2 id="rating-title">{props.csat ? 'Your rating' : 'How did we do?'}</h2>
      {props.csat ? (
        <p>
          You rated our help <strong safe>{`${props.csat.score} of 5 (${SCORE_LABELS[props.csat.score] ?? ''})`}</strong>. Thank you! You can change it below.
        </p>
      ) : (
        <p>Please rate the help you got with this ticket.</p>
      )}
      <form method="post" action={`/tickets/${t.number}/rating`} class="stack">
        <CsrfField token={props.csrfToken} />
        <fieldset class="score-options" aria-describedby={props.error ? 'score-error' : undefined}>
          <legend>Score</legend>
          {props.error ? (
            <p class="field-error" id="score-error" safe>
              {props.error}
            </p>
          ) : (
            ''
          )}
          {[1, 2, 3, 4, 5].map((s) => (
            <label class="score-option">
              <input type="radio" name="score" value={String(s)} required checked={s === chosen} />
              <span safe>{`${s} · ${SCORE_LABELS[s]}`}</span>
            </label>
          ))}
        </fieldset>
        <Field id="rating-comment" label="Anything you would like to add? (optional)">
          <textarea id="rating-comment" name="comment" rows="3" maxlength="2000" safe>
            {props.csat?.comment ?? ''}
          </textarea>
        </Field>
        <button type="submit">{props.csat ? 'Update rating' : 'Send rating'}</button>
      </form>
    </section>
  );
}

export function ReplyForm(props: { ticket: Ticket; csrfToken: string; state: ReplyFormState; maxFiles: number; maxFileSize: string }): JSX.Element {
  const t = props.ticket;
  if (t.status === 'closed') return '';
  const hint = `Up to ${props.maxFiles} files, ${props.maxFileSize} each.`;
  return (
    <form method="post" action={`/tickets/${t.number}/reply`} enctype="multipart/form-data" class="stack reply-form" id="reply-form" hx-encoding="multipart/form-data">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="formId" value={props.state.formId} />
      <h2>Reply</h2>
      <Field id="reply-text" label="Your message" error={props.state.error}>
        <textarea
          id="reply-text"
          name="text"
          rows="5"
          maxlength="20000"
          required
          aria-describedby={describedBy('reply-text', { error: props.state.error })}
          aria-invalid={props.state.error ? 'true' : undefined}
          safe
        >
          {props.state.text ?? ''}
        </textarea>
      </Field>
      <Field id="reply-files" label="Attach files (optional)" hint={hint}>
        <input id="reply-files" name="files" type="file" multiple aria-describedby="reply-files-hint" />
      </Field>
      <button type="submit">{t.status === 'resolved' ? 'Send and reopen' : 'Send reply'}</button>
    </form>
  );
}

function historyText(item: HistoryItem): string {
  const who = item.actorType === 'customer' ? 'You' : item.actorType === 'bot' ? 'The assistant' : 'Support';
  const d = item.data;
  const label = (s: unknown) => (typeof s === 'string' && s in STATUS_LABELS ? STATUS_LABELS[s as keyof typeof STATUS_LABELS] : String(s ?? ''));
  switch (item.type) {
    case 'created':
      return 'Ticket opened';
    case 'status_changed':
      return `${who} changed the status from ${label(d.from)} to ${label(d.to)}`;
    case 'reopened':
      return `${who} reopened the ticket`;
    case 'assigned':
      return d.to ? 'A person from our team took the ticket' : 'The ticket went back to the team queue';
    case 'handed_off':
      return 'Passed from the assistant to a person';
    case 'handed_back':
      return 'Passed back to the assistant';
    case 'priority_changed':
      return `Priority set to ${String(d.to ?? '')}`;
    case 'rated':
      return d.kind === 'csat' ? `Rated ${String(d.score)} of 5` : d.kind === 'answer' ? `An answer was rated ${d.score ? 'helpful' : 'not helpful'}` : 'Rated';
    case 'delivery_failed':
      return 'A message could not be delivered';
    default:
      return item.type.replace(/_/g, ' ');
  }
}

export function HistoryList(props: { items: HistoryItem[] }): JSX.Element {
  return (
    <ol class="history-list">
      {props.items.map((item) => (
        <li>
          <time datetime={isoTime(item.createdAt)} safe>
            {formatDateTime(item.createdAt)}
          </time>
          <span safe>{historyText(item)}</span>
        </li>
      ))}
    </ol>
  );
}

export function TicketPage(
  props: PageContext & { view: TicketView; reply: ReplyFormState; streamUrl: string; maxFiles: number; maxFileSize: string; ratingError?: string },
): JSX.Element {
  const { ticket, thread, history, csat } = props.view;
  return (
    <Layout chrome={props.chrome} title={`#${ticket.number} ${ticket.subject}`} csrfToken={props.csrfToken} viewer={props.viewer} section="tickets">
      <div class="ticket-page" hx-ext="sse" sse-connect={props.streamUrl}>
        <div id="ticket-head" class="ticket-head" sse-swap="ticket-head">
          <TicketHead ticket={ticket} csrfToken={props.csrfToken} now={props.now} />
        </div>
        <section aria-labelledby="thread-title">
          <h2 id="thread-title" class="visually-hidden">
            Conversation
          </h2>
          <ol id="thread" class="thread" sse-swap="message" hx-swap="beforeend" aria-live="polite" aria-relevant="additions">
            {thread.map((item) => (
              <MessageItem item={item} ticketNumber={ticket.number} now={props.now} />
            ))}
          </ol>
        </section>
        <div id="ticket-rating" sse-swap="ticket-rating">
          <RatingBlock ticket={ticket} csat={csat} csrfToken={props.csrfToken} error={props.ratingError} />
        </div>
        <ReplyForm ticket={ticket} csrfToken={props.csrfToken} state={props.reply} maxFiles={props.maxFiles} maxFileSize={props.maxFileSize} />
        <details class="history">
          <summary>History</summary>
          <HistoryList items={history} />
        </details>
      </div>
    </Layout>
  );
}
