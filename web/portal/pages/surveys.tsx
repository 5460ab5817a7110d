// Pending satisfaction surveys: every resolved ticket we asked about and the
// customer has not rated yet, each with the rating form inline.
import Html from '@kitajs/html';
import { CsrfField } from '../../views/components.tsx';
import { SCORE_LABELS } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import type { PendingSurvey } from '../queries.ts';
import type { PageContext } from './context.ts';

export function SurveysPage(props: PageContext & { surveys: PendingSurvey[] }): JSX.Element {
  return (
    <Layout chrome={props.chrome} title="Surveys" csrfToken={props.csrfToken} viewer={props.viewer} section="surveys">
      <h1>Surveys</h1>
      {props.surveys.length === 0 ? (
        <p class="empty">No surveys are waiting for you. Thank you for your ratings!</p>
      ) : (
        <>
          <p>How did we do? One click is enough; you can add a comment on the ticket page.</p>
          <ul class="survey-list">
            {props.surveys.map((s) => (
              <li class="card">
                <h2>
                  <a href={`/tickets/${s.number}`}>
                    #{s.number} <span safe>{s.subject}</span>
                  </a>
                </h2>
                <form method="post" action={`/tickets/${s.number}/rating`} class="quick-rating">
                  <CsrfField token={props.csrfToken} />
                  <input type="hidden" name="back" value="/surveys" />
                  <fieldset>
                    <legend>
                      Rate ticket #{s.number}
                    </legend>
                    <div class="score-buttons">
                      {[1, 2, 3, 4, 5].map((score) => (
                        <button type="submit" name="score" value={String(score)} class="secondary score-button" aria-label={`${score} of 5, ${SCORE_LABELS[score]}`}>
                          {score}
                        </button>
                      ))}
                    </div>
                    <p class="hint">1 = Very poor, 5 = Great</p>
                  </fieldset>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}
