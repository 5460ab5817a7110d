// Help centre routes, open to everyone: start page, search (as you type with
// htmx; a plain GET form without JavaScript), categories, articles with
// related articles and "Was this helpful?". Feedback from a signed-in
// customer is theirs; anyone else rates as their browser.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { NotFoundError, recordAnalytics, type Clock, type ConversationCore } from '../../core/index.ts';
import type { KnowledgeBase } from '../../knowledge/index.ts';
import { readForm } from '../http/body.ts';
import { csrfState } from '../http/csrf.ts';
import { isHtmx, seeOther, sendHtml, wantsFragment } from '../http/htmx.ts';
import { badRequest } from '../http/http-error.ts';
import type { Chrome } from '../views/layout.tsx';
import { render } from '../views/render.ts';
import { renderArticle } from './article-html.ts';
import { viewerOf } from './guard.ts';
import { ArticleFeedback, ArticlePage, CategoryPage, KnowledgeHomePage, SearchResults, type FeedbackState } from './pages/knowledge.tsx';
import { pageContext } from './tickets-routes.ts';

export interface KnowledgeRouteDeps {
  core: ConversationCore;
  knex: Knex;
  clock: Clock;
  chrome: Chrome;
  knowledge: KnowledgeBase;
}

const SLUG = /^[a-z0-9-]{1,200}$/;

export function knowledgeRoutes(router: Router, deps: KnowledgeRouteDeps): void {
  const { knex, clock, chrome, knowledge: kb } = deps;
  const page = async (ctx: Context) => pageContext(ctx, chrome, clock, (await viewerOf(ctx, knex)) ?? null);

  async function search(q: string) {
    if (!q) return [];
    const hits = await kb.search(q, { limit: 10, passages: 1 });
    return hits.map((h) => ({ slug: h.article.slug, title: h.article.title, summary: h.article.summary, score: h.score }));
  }

  router.get('/kb', async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 200) : '';
    const [categories, recent, results] = await Promise.all([kb.listCategories(), kb.listArticles({ limit: 10 }), search(q)]);
    await render(ctx, KnowledgeHomePage({ ...(await page(ctx)), q, results, categories, recent }));
  });

  router.get('/kb/search', async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 200) : '';
    const results = await search(q);
    if (wantsFragment(ctx, 'kb-results')) return sendHtml(ctx, await SearchResults({ q, results }));
    if (q) {
      // A submitted search (not every keystroke) counts for "searches with no good answer".
      const viewer = await viewerOf(ctx, knex);
      await recordAnalytics(knex, { type: 'search', at: clock.now(), customerId: viewer?.id ?? null, value: results[0]?.score ?? 0, label: q.toLowerCase() });
    }
    const [categories, recent] = await Promise.all([kb.listCategories(), kb.listArticles({ limit: 10 })]);
    await render(ctx, KnowledgeHomePage({ ...(await page(ctx)), q, results, categories, recent }));
  });

  router.get('/kb/category/:slug', async (ctx) => {
    const slug = String(ctx.params.slug ?? '');
    const category = SLUG.test(slug) ? findCategory(await kb.listCategories(), slug) : undefined;
    if (!category) throw new NotFoundError(`topic ${slug}`);
    const articles = await kb.listArticles({ categoryId: category.id, limit: 200 });
    await render(ctx, CategoryPage({ ...(await page(ctx)), category, articles }));
  });

  router.get('/kb/:slug', async (ctx) => {
    const slug = String(ctx.params.slug ?? '');
    const article = SLUG.test(slug) ? await kb.getArticleBySlug(slug) : undefined;
    if (!article) throw new NotFoundError(`article ${slug}`);
    const [bodyHtml, related] = await Promise.all([renderArticle(article.body), kb.related(article.id, { limit: 4 })]);
    const feedback: FeedbackState = ctx.query.feedback === 'thanks' ? 'thanks' : ctx.query.feedback === 'sorry' ? 'sorry' : 'ask';
    await render(
      ctx,
      ArticlePage({
        ...(await page(ctx)),
        article,
        bodyHtml,
        related: related.map((h) => ({ slug: h.article.slug, title: h.article.title, summary: h.article.summary })),
        feedback,
      }),
    );
    if (!isHtmx(ctx) || ctx.get('hx-boosted') === 'true') {
      await kb.recordView(article.id);
      const viewer = await viewerOf(ctx, knex);
      await recordAnalytics(knex, { type: 'article_viewed', at: clock.now(), articleId: article.id, customerId: viewer?.id ?? null });
    }
  });

  router.post('/kb/:slug/feedback', async (ctx) => {
    const slug = String(ctx.params.slug ?? '');
    const article = SLUG.test(slug) ? await kb.getArticleBySlug(slug) : undefined;
    if (!article) throw new NotFoundError(`article ${slug}`);
    const form = await readForm(ctx);
    const choice = form.get('helpful');
    if (choice !== 'yes' && choice !== 'no') throw badRequest('Please answer Yes or No.');
    const helpful = choice === 'yes';
    const viewer = await viewerOf(ctx, knex);
    // One vote per reader and article: a customer, or this browser (its CSRF seed stands in).
    const raterKey = viewer ? `customer:${viewer.id}` : `browser:${csrfState(ctx).token.slice(0, 32)}`;
    const comment = (form.get('comment') ?? '').trim().slice(0, 2000) || undefined;
    const rating = await deps.core.rate({ kind: 'article', articleId: article.id, helpful, raterKey, customerId: viewer?.id, comment });
    // Counted on the article once per reader; a changed mind only updates the rating.
    if (Number(rating.createdAt) === Number(rating.updatedAt)) await kb.recordFeedback(article.id, helpful);
    const state: FeedbackState = helpful ? 'thanks' : 'sorry';
    if (isHtmx(ctx) && !wantsFragment(ctx, 'article-feedback')) return seeOther(ctx, `/kb/${article.slug}?feedback=${state}`);
    if (isHtmx(ctx)) {
      return sendHtml(ctx, await ArticleFeedback({ slug: article.slug, title: article.title, state, csrfToken: csrfState(ctx).token, signedIn: Boolean(viewer) }));
    }
    seeOther(ctx, `/kb/${article.slug}?feedback=${state}#article-feedback`);
  });
}

function findCategory<T extends { slug: string; children: T[] }>(nodes: T[], slug: string): T | undefined {
  for (const node of nodes) {
    if (node.slug === slug) return node;
    const child = findCategory(node.children, slug);
    if (child) return child;
  }
  return undefined;
}
