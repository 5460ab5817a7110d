// Help centre pages: the start page (search and categories), a category,
// search results (a fragment for search-as-you-type), and an article with
// related articles and "Was this helpful?".
import Html from '@kitajs/html';
import type { CategoryNode } from '../../../knowledge/index.ts';
import { ArticleList, CsrfField, Field, type ArticleLink } from '../../views/components.tsx';
import { formatDate } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import type { PageContext } from './context.ts';

function SearchBox(props: { q: string }): JSX.Element {
  return (
    <form method="get" action="/kb/search" class="search-form" role="search">
      <label for="kb-search">Search the help centre</label>
      <div class="search-row">
        <input
          id="kb-search"
          type="search"
          name="q"
          value={props.q}
          maxlength="200"
          autocomplete="off"
          placeholder="e.g. reset my password"
          hx-get="/kb/search"
          hx-trigger="input changed delay:300ms, search"
          hx-target="#kb-results"
          hx-push-url="true"
        />
        <button type="submit" class="secondary">
          Search
        </button>
      </div>
    </form>
  );
}

export function SearchResults(props: { q: string; results: ArticleLink[] }): JSX.Element {
  if (!props.q) return '';
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">
        Results for “<span safe>{props.q}</span>”
      </h2>
      <ArticleList articles={props.results} empty="No articles match. Try other words, or open a ticket." />
    </section>
  );
}

const articleCount = (n: number) => (n === 1 ? '1 article' : `${n} articles`);

function Categories(props: { categories: CategoryNode[] }): JSX.Element {
  if (props.categories.length === 0) return '';
  return (
    <section aria-labelledby="categories-title">
      <h2 id="categories-title">Topics</h2>
      <ul class="category-grid">
        {props.categories.map((c) => (
          <li class="card">
            <a href={`/kb/category/${encodeURIComponent(c.slug)}`} safe>
              {c.name}
            </a>
            {c.description ? (
              <p class="muted" safe>
                {c.description}
              </p>
            ) : (
              ''
            )}
            <p class="muted" safe>{articleCount(c.articleCount + c.children.reduce((n, x) => n + x.articleCount, 0))}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function KnowledgeHomePage(props: PageContext & { q: string; results: ArticleLink[]; categories: CategoryNode[]; recent: ArticleLink[] }): JSX.Element {
  return (
    <Layout chrome={props.chrome} title="Help centre" csrfToken={props.csrfToken} viewer={props.viewer} section="kb">
      <h1>Help centre</h1>
      <SearchBox q={props.q} />
      <div id="kb-results" aria-live="polite">
        <SearchResults q={props.q} results={props.results} />
      </div>
      <Categories categories={props.categories} />
      {props.recent.length ? (
        <section aria-labelledby="recent-title">
          <h2 id="recent-title">Articles</h2>
          <ArticleList articles={props.recent} />
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}

export function CategoryPage(props: PageContext & { category: CategoryNode; articles: ArticleLink[] }): JSX.Element {
  return (
    <Layout chrome={props.chrome} title={props.category.name} csrfToken={props.csrfToken} viewer={props.viewer} section="kb">
      <p class="breadcrumb">
        <a href="/kb">Help centre</a>
      </p>
      <h1 safe>{props.category.name}</h1>
      {props.category.description ? <p safe>{props.category.description}</p> : ''}
      {props.category.children.length ? (
        <ul class="plain-list">
          {props.category.children.map((c) => (
            <li>
              <a href={`/kb/category/${encodeURIComponent(c.slug)}`} safe>
                {c.name}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
      <ArticleList articles={props.articles} empty="No articles in this topic yet." />
    </Layout>
  );
}

export type FeedbackState = 'ask' | 'thanks' | 'sorry';

export function ArticleFeedback(props: { slug: string; title: string; state: FeedbackState; csrfToken: string; signedIn: boolean }): JSX.Element {
  if (props.state === 'thanks') {
    return (
      <div class="card feedback">
        <p>Thank you for your feedback!</p>
      </div>
    );
  }
  if (props.state === 'sorry') {
    const newTicket = `/tickets/new?article=${encodeURIComponent(props.slug)}`;
    return (
      <div class="card feedback">
        <p>Sorry this did not help. Thank you for telling us.</p>
        <p>
          <a class="button" href={props.signedIn ? newTicket : `/sign-in?next=${encodeURIComponent(newTicket)}`}>
            Open a ticket about this article
          </a>
        </p>
      </div>
    );
  }
  return (
    <form method="post" action={`/kb/${encodeURIComponent(props.slug)}/feedback`} class="card feedback stack" hx-target="#article-feedback" hx-swap="innerHTML">
      <CsrfField token={props.csrfToken} />
      <h2 id="feedback-title">Was this helpful?</h2>
      <Field id="feedback-comment" label="Comment (optional)">
        <textarea id="feedback-comment" name="comment" rows="2" maxlength="2000"></textarea>
      </Field>
      <div class="button-row" role="group" aria-labelledby="feedback-title">
        <button type="submit" name="helpful" value="yes">
          Yes
        </button>
        <button type="submit" name="helpful" value="no" class="secondary">
          No
        </button>
      </div>
    </form>
  );
}

export function ArticlePage(
  props: PageContext & {
    article: { slug: string; title: string; updatedAt: number };
    /** Markdown rendered and sanitised. */
    bodyHtml: string;
    related: ArticleLink[];
    feedback: FeedbackState;
  },
): JSX.Element {
  const { article } = props;
  return (
    <Layout chrome={props.chrome} title={article.title} csrfToken={props.csrfToken} viewer={props.viewer} section="kb">
      <p class="breadcrumb">
        <a href="/kb">Help centre</a>
      </p>
      <article class="article">
        <h1 safe>{article.title}</h1>
        <p class="muted" safe>{`Updated ${formatDate(article.updatedAt)}`}</p>
        {/* Sanitised by renderArticle (sanitize-html with an allow-list). */}
        <div class="article-body">{props.bodyHtml as 'safe'}</div>
      </article>
      <div id="article-feedback">
        <ArticleFeedback slug={article.slug} title={article.title} state={props.feedback} csrfToken={props.csrfToken} signedIn={Boolean(props.viewer)} />
      </div>
      {props.related.length ? (
        <section aria-labelledby="related-title">
          <h2 id="related-title">Related articles</h2>
          <ArticleList articles={props.related} />
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}
