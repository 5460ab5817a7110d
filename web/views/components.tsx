// Small pieces pages share: badges, alerts, form fields, article lists.
import Html from '@kitajs/html';
import type { ChannelKind, TicketStatus } from '../../core/index.ts';
import { CHANNEL_LABELS, formatAgo, formatDateTime, isoTime, STATUS_LABELS } from './format.ts';

// Badges are rendered for every row of every list: built once per value.
const STATUS_BADGES = new Map(Object.entries(STATUS_LABELS).map(([status, label]) => [status, `<span class="badge status-${status}">${label}</span>`]));
const CHANNEL_BADGES = new Map(Object.entries(CHANNEL_LABELS).map(([channel, label]) => [channel, `<span class="badge channel channel-${channel}">${label}</span>`]));

export function StatusBadge(props: { status: TicketStatus }): JSX.Element {
  return STATUS_BADGES.get(props.status) ?? '';
}

export function ChannelBadge(props: { channel: ChannelKind }): JSX.Element {
  return CHANNEL_BADGES.get(props.channel) ?? '';
}

/** A timestamp: relative text, the exact time on hover and for machines. */
export function Time(props: { at: number; now: number }): JSX.Element {
  return (
    <time datetime={isoTime(props.at)} title={formatDateTime(props.at)} safe>
      {formatAgo(props.at, props.now)}
    </time>
  );
}

export function Alert(props: { kind?: 'error' | 'success' | 'info'; children?: Html.Children }): JSX.Element {
  return <div class={`alert alert-${props.kind ?? 'info'}`}>{props.children}</div>;
}

export function CsrfField(props: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** The aria-describedby value for a field's control (its hint and error). */
export function describedBy(id: string, parts: { hint?: string; error?: string }): string | undefined {
  return [parts.hint ? `${id}-hint` : '', parts.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** A labelled field with an optional hint and error, wired for screen readers. */
export function Field(props: { id: string; label: string; hint?: string; error?: string; children?: Html.Children }): JSX.Element {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.id} safe>
        {props.label}
      </label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`} safe>
          {props.hint}
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`} safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      {props.children}
    </div>
  );
}

export interface ArticleLink {
  slug: string;
  title: string;
  summary?: string;
}

export function ArticleList(props: { articles: ArticleLink[]; empty?: string }): JSX.Element {
  if (props.articles.length === 0) return <p class="muted" safe>{props.empty ?? 'No articles yet.'}</p>;
  return (
    <ul class="article-list">
      {props.articles.map((a) => (
        <li>
          <a href={`/kb/${encodeURIComponent(a.slug)}`} safe>
            {a.title}
          </a>
          {a.summary ? <p class="muted" safe>{a.summary}</p> : ''}
        </li>
      ))}
    </ul>
  );
}

/** Turns a plain-text message into paragraphs, keeping line breaks (CSS pre-wrap). */
export function PlainText(props: { text: string }): JSX.Element {
  return (
    <div class="message-text" safe>
      {props.text}
    </div>
  );
}
