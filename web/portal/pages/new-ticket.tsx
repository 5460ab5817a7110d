// The new-ticket form. While the customer types, htmx asks for articles that
// might answer them (debounced) and shows them in #suggestions, each with
// "This solved my problem", which records a deflection instead of a ticket.
// Those buttons belong to a separate form (#solved-form, via the form
// attribute), since forms cannot nest.
import Html from '@kitajs/html';
import { Alert, CsrfField, describedBy, Field } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { PageContext } from './context.ts';

export interface Suggestion {
  articleId: number;
  slug: string;
  title: string;
  summary: string;
}

export interface NewTicketState {
  formId: string;
  subject?: string;
  text?: string;
  aboutArticle?: string;
  errors?: { subject?: string; text?: string };
}

export function Suggestions(props: { suggestions: Suggestion[]; query: string }): JSX.Element {
  if (props.suggestions.length === 0) return '';
  return (
    <div class="suggestions card">
      <h2 id="suggestions-title">These articles might answer your question</h2>
      <input type="hidden" name="q" value={props.query.slice(0, 500)} form="solved-form" />
      <ul>
        {props.suggestions.map((s) => (
          <li>
            <a href={`/kb/${encodeURIComponent(s.slug)}`} target="_blank" rel="noopener" safe>
              {s.title}
            </a>
            <p class="muted" safe>
              {s.summary}
            </p>
            <button type="submit" class="secondary small" form="solved-form" name="articleId" value={String(s.articleId)}>
              This solved my problem
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function NewTicketPage(
  props: PageContext & { state: NewTicketState; suggestions: Suggestion[]; maxFiles: number; maxFileSize: string },
): JSX.Element {
  const { state } = props;
  const errors = state.errors ?? {};
  const filesHint = `Up to ${props.maxFiles} files, ${props.maxFileSize} each.`;
  const suggest = {
    'hx-get': '/tickets/new/suggestions',
    'hx-trigger': 'input changed delay:500ms',
    'hx-target': '#suggestions',
    'hx-include': '#subject, #message',
    'hx-sync': 'closest form:replace',
  };
  return (
    <Layout chrome={props.chrome} title="New ticket" csrfToken={props.csrfToken} viewer={props.viewer} section="new">
      <h1>New ticket</h1>
      <p>Tell us what you need. We will answer here and by email.</p>
      {errors.subject || errors.text ? <Alert kind="error">Please check the fields marked below.</Alert> : ''}
      <form method="post" action="/tickets/new" enctype="multipart/form-data" hx-encoding="multipart/form-data" class="stack" id="new-ticket-form">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="formId" value={state.formId} />
        {state.aboutArticle ? <input type="hidden" name="article" value={state.aboutArticle} /> : ''}
        <Field id="subject" label="Subject" error={errors.subject}>
          <input
            id="subject"
            name="subject"
            type="text"
            required
            maxlength="300"
            autocomplete="off"
            value={state.subject ?? ''}
            aria-describedby={describedBy('subject', { error: errors.subject })}
            aria-invalid={errors.subject ? 'true' : undefined}
            {...suggest}
          />
        </Field>
        <Field id="message" label="How can we help?" error={errors.text}>
          <textarea
            id="message"
            name="text"
            rows="7"
            required
            maxlength="20000"
            aria-describedby={describedBy('message', { error: errors.text })}
            aria-invalid={errors.text ? 'true' : undefined}
            {...suggest}
            safe
          >
            {state.text ?? ''}
          </textarea>
        </Field>
        <div id="suggestions" aria-live="polite">
          <Suggestions suggestions={props.suggestions} query={`${state.subject ?? ''}\n${state.text ?? ''}`.trim()} />
        </div>
        <Field id="files" label="Attach files (optional)" hint={filesHint}>
          <input id="files" name="files" type="file" multiple aria-describedby="files-hint" />
        </Field>
        <button type="submit">Send ticket</button>
      </form>
      <form method="post" action="/tickets/new/solved" id="solved-form" class="visually-hidden-form">
        <CsrfField token={props.csrfToken} />
      </form>
    </Layout>
  );
}

export function DeflectedPage(props: PageContext & { title: string | null; slug: string | null }): JSX.Element {
  return (
    <Layout chrome={props.chrome} title="Glad that helped" csrfToken={props.csrfToken} viewer={props.viewer} section="new">
      <div class="narrow">
        <h1>Glad that helped</h1>
        <p>
          No ticket was opened.{' '}
          {props.slug && props.title ? (
            <>
              You can find <a href={`/kb/${encodeURIComponent(props.slug)}`} safe>{props.title}</a> in the help centre any time.
            </>
          ) : (
            ''
          )}
        </p>
        <p class="actions">
          <a class="button" href="/">
            Back to your overview
          </a>
          <a class="button secondary" href="/tickets/new">
            I still need help
          </a>
        </p>
      </div>
    </Layout>
  );
}
