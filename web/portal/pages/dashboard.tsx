// The customer's overview: what waits for them, what is open, what was
// resolved lately, how fast we usually answer them, surveys to answer and
// articles that may help.
import Html, { escapeHtml } from '@kitajs/html';
import { ArticleList, type ArticleLink } from '../../views/components.tsx';
import { formatDuration } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import type { DashboardData } from '../queries.ts';
import type { PageContext } from './context.ts';
import { TicketRows } from './ticket-list.tsx';

export function DashboardPage(props: PageContext & { data: DashboardData; articles: ArticleLink[] }): JSX.Element {
  const { data } = props;
  const name = props.viewer?.name?.split(/\s+/)[0];
  return (
    <Layout chrome={props.chrome} title="Overview" csrfToken={props.csrfToken} viewer={props.viewer} section="home">
      <div class="page-head">
        <h1>{escapeHtml(name ? `Hello, ${name}` : 'Hello')}</h1>
        <a class="button" href="/tickets/new">
          New ticket
        </a>
      </div>
      <div class="dashboard">
        <section class="card" aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting for you</h2>
          <TicketRows tickets={data.waiting} now={props.now} empty="Nothing is waiting for you." />
        </section>
        <section class="card" aria-labelledby="open-title">
          <h2 id="open-title">Open</h2>
          <TicketRows tickets={data.open} now={props.now} empty="No open tickets." />
          <p>
            <a href="/tickets">All your tickets</a>
          </p>
        </section>
        <section class="card" aria-labelledby="resolved-title">
          <h2 id="resolved-title">Recently resolved</h2>
          <TicketRows tickets={data.resolved} now={props.now} empty="Nothing resolved in the last 30 days." />
        </section>
        <section class="card" aria-labelledby="response-title">
          <h2 id="response-title">Our response time</h2>
          {data.medianFirstResponseMs === null ? (
            <p class="muted">Once we have answered you, you will see how quickly we usually reply.</p>
          ) : (
            <p>
              <span class="figure" safe>{formatDuration(data.medianFirstResponseMs)}</span>
              <span class="muted"> median time to our first answer on your tickets</span>
            </p>
          )}
        </section>
        <section class="card" aria-labelledby="surveys-title">
          <h2 id="surveys-title">Surveys</h2>
          {data.surveys.length === 0 ? (
            <p class="muted">No surveys waiting. Thank you!</p>
          ) : (
            <>
              <p>
                {data.surveys.length} {data.surveys.length === 1 ? 'ticket is' : 'tickets are'} waiting for your rating.
              </p>
              <ul class="plain-list">
                {data.surveys.slice(0, 5).map((s) => (
                  <li>
                    <a href={`/tickets/${s.number}#ticket-rating`}>
                      #{s.number} <span safe>{s.subject}</span>
                    </a>
                  </li>
                ))}
              </ul>
              <p>
                <a href="/surveys">All surveys</a>
              </p>
            </>
          )}
        </section>
        <section class="card" aria-labelledby="articles-title">
          <h2 id="articles-title">Suggested articles</h2>
          <ArticleList articles={props.articles} empty="Browse the help centre for answers." />
          <p>
            <a href="/kb">Help centre</a>
          </p>
        </section>
      </div>
    </Layout>
  );
}
