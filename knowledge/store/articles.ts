// Articles and their chunks in the database: the source of truth every index
// is derived from. Plain knex (the instance maps camelCase to snake_case).
import type { Knex } from 'knex';
import type { Article, ArticleStatus, ArticleSummary } from '../types.ts';
import { readJson } from './json.ts';

export interface ArticleRow {
  id: number;
  slug: string;
  title: string;
  body: string;
  summary: string;
  categoryId: number | null;
  tags: unknown;
  status: ArticleStatus;
  contentHash: string;
  viewCount: number;
  helpfulCount: number;
  notHelpfulCount: number;
  createdAt: number;
  updatedAt: number;
}

export type UrlFor = (slug: string) => string;

const summaryColumns = ['id', 'slug', 'title', 'summary', 'categoryId', 'tags', 'status', 'updatedAt'] as const;

export function toSummary(row: Pick<ArticleRow, (typeof summaryColumns)[number]>, urlFor: UrlFor): ArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    categoryId: row.categoryId ?? null,
    tags: readJson<string[]>(row.tags, []),
    status: row.status,
    updatedAt: Number(row.updatedAt),
    url: urlFor(row.slug),
  };
}

export function toArticle(row: ArticleRow, urlFor: UrlFor): Article {
  return {
    ...toSummary(row, urlFor),
    body: row.body,
    createdAt: Number(row.createdAt),
    viewCount: row.viewCount,
    helpfulCount: row.helpfulCount,
    notHelpfulCount: row.notHelpfulCount,
  };
}

export async function findArticleRow(knex: Knex, where: { id: number } | { slug: string }): Promise<ArticleRow | undefined> {
  return knex('articles').where(where).first();
}

export async function listArticleSummaries(
  knex: Knex,
  filter: { categoryId?: number | null; status?: ArticleStatus; limit?: number; offset?: number } = {},
): Promise<Pick<ArticleRow, (typeof summaryColumns)[number]>[]> {
  const q = knex('articles').select(summaryColumns).orderBy([{ column: 'title' }, { column: 'id' }]);
  if (filter.categoryId !== undefined) {
    if (filter.categoryId === null) q.whereNull('categoryId');
    else q.where({ categoryId: filter.categoryId });
  }
  if (filter.status) q.where({ status: filter.status });
  if (filter.limit) q.limit(filter.limit);
  if (filter.offset) q.offset(filter.offset);
  return q;
}

export async function countPublishedByCategory(knex: Knex): Promise<Map<number, number>> {
  const rows = await knex('articles').where({ status: 'published' }).whereNotNull('categoryId').groupBy('categoryId').select('categoryId').count({ n: '*' });
  return new Map(rows.map((r: any) => [Number(r.categoryId), Number(r.n)]));
}

export async function countArticles(knex: Knex): Promise<number> {
  const row = await knex('articles').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function incrementCounter(knex: Knex, articleId: number, column: 'viewCount' | 'helpfulCount' | 'notHelpfulCount'): Promise<boolean> {
  const changed = await knex('articles').where({ id: articleId }).increment(column, 1);
  return Number(changed) > 0;
}

export async function deleteArticleRow(knex: Knex, articleId: number): Promise<boolean> {
  // Chunks go with it (ON DELETE CASCADE); delete them first anyway so SQLite
  // connections opened without foreign keys behave the same.
  await knex('article_chunks').where({ articleId }).delete();
  return Number(await knex('articles').where({ id: articleId }).delete()) > 0;
}

/** What changes to the knowledge base look like from outside: any write moves it. */
export async function fingerprint(knex: Knex): Promise<string> {
  const [chunks, articles] = await Promise.all([
    knex('article_chunks').count({ n: '*' }).max({ maxId: 'id' }).sum({ sumId: 'id' }).first(),
    knex('articles').count({ n: '*' }).max({ maxUpdated: 'updatedAt' }).sum({ sumId: 'id' }).first(),
  ]);
  return [chunks?.n, chunks?.maxId, chunks?.sumId, articles?.n, articles?.maxUpdated, articles?.sumId].map((v) => Number(v ?? 0)).join(':');
}
