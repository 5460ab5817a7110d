// The knowledge base: articles and categories in the database, hybrid search
// over their chunks, related articles, imports, and answers. One object per
// process, built by the composition root with everything it needs passed in.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Answerer, type AnswerOptions } from './answer/answerer.ts';
import { EmbeddingDimensionError, type EmbeddingSpace } from './embeddings/space.ts';
import { Chunker } from './ingest/chunking.ts';
import { importArticles, type ImportProgress, type ImportResult } from './ingest/importer.ts';
import { readArticles } from './ingest/sources.ts';
import { KnowledgeIndex, type IndexStatus } from './index/knowledge-index.ts';
import { scoreRanked } from './retrieval/confidence.ts';
import { completeCosines, completeCoverage, fuse, type RetrievalFilter } from './retrieval/hybrid.ts';
import { articleHeading } from './ingest/embed-chunks.ts';
import type { KnowledgeSettings } from './settings.ts';
import { categoryTree, findCategoryBySlug, listCategories } from './store/categories.ts';
import {
  countArticles,
  countPublishedByCategory,
  deleteArticleRow,
  findArticleRow,
  incrementCounter,
  listArticleSummaries,
  toArticle,
  toSummary,
} from './store/articles.ts';
import { chunkTexts } from './store/chunks.ts';
import type { Answer, Article, ArticleInput, ArticleStatus, ArticleSummary, CategoryNode, HistoryTurn, SearchHit } from './types.ts';

export interface KnowledgeBaseDeps {
  knex: Knex;
  logger: Logger;
  /** Epoch milliseconds (the service clock). */
  now: () => number;
  space: EmbeddingSpace;
  /** A chat model answers in its own words; without one, answers are extractive. */
  chatModel?: BaseChatModel;
  settings: KnowledgeSettings;
}

export interface SearchOptions extends RetrievalFilter {
  limit?: number;
  /** Passages per article (default 2). */
  passages?: number;
}

export interface Retrieval {
  hits: SearchHit[];
  /** Set when the embedding model failed and the search fell back to words only. */
  embeddingError?: Error;
}

export class KnowledgeBase {
  readonly index: KnowledgeIndex;
  private readonly chunker: Chunker;
  private readonly answerer: Answerer;
  private lastRefreshCheck = 0;
  private refreshing = false;
  private saveTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly deps: KnowledgeBaseDeps) {
    const s = deps.settings;
    this.chunker = new Chunker(s.chunking);
    this.index = new KnowledgeIndex({
      knex: deps.knex,
      logger: deps.logger,
      space: deps.space,
      dir: s.indexDir,
      urlFor: (slug) => this.articleUrl(slug),
      hnsw: s.hnsw,
      lexical: s.lexical,
      titleWeight: s.titleWeight,
      now: deps.now,
    });
    this.answerer = new Answerer({
      retrieve: (query, options) => this.retrieve(query, options),
      space: deps.space,
      chatModel: deps.chatModel,
      settings: s,
      logger: deps.logger,
    });
  }

  /** Opens the knowledge base: loads the saved indexes, or builds them from the tables. */
  static async open(deps: KnowledgeBaseDeps): Promise<KnowledgeBase> {
    const kb = new KnowledgeBase(deps);
    const status = await kb.index.open();
    deps.logger.debug({ ...status }, 'knowledge base ready');
    return kb;
  }

  get settings(): KnowledgeSettings {
    return this.deps.settings;
  }

  get embeddingModel(): string {
    return this.deps.space.id;
  }

  get chatModelConfigured(): boolean {
    return Boolean(this.deps.chatModel);
  }

  status(): IndexStatus {
    return { ...this.index.status };
  }

  /**
   * Resolves once the lexical index is loaded too (open() returns as soon as
   * the vectors are; on a large knowledge base the lexical index follows
   * seconds later). Batch jobs and tests wait for it; the service does not.
   */
  ready(): Promise<void> {
    return this.index.lexicalLoaded;
  }

  articleUrl(slug: string): string {
    return `${this.deps.settings.publicUrl}/kb/${encodeURIComponent(slug)}`;
  }

  // ---- reading -------------------------------------------------------------

  async getArticleBySlug(slug: string, options: { includeDrafts?: boolean } = {}): Promise<Article | undefined> {
    const row = await findArticleRow(this.deps.knex, { slug });
    if (!row || (row.status !== 'published' && !options.includeDrafts)) return undefined;
    return toArticle(row, (s) => this.articleUrl(s));
  }

  async getArticle(id: number, options: { includeDrafts?: boolean } = {}): Promise<Article | undefined> {
    const row = await findArticleRow(this.deps.knex, { id });
    if (!row || (row.status !== 'published' && !options.includeDrafts)) return undefined;
    return toArticle(row, (s) => this.articleUrl(s));
  }

  /** Categories as a tree (top level, then one level of children), with published article counts. */
  async listCategories(): Promise<CategoryNode[]> {
    const [categories, counts] = await Promise.all([listCategories(this.deps.knex), countPublishedByCategory(this.deps.knex)]);
    return categoryTree(categories, counts);
  }

  /** Articles by title; published only unless a status is given. */
  async listArticles(
    filter: { categoryId?: number | null; categorySlug?: string; status?: ArticleStatus | 'any'; limit?: number; offset?: number } = {},
  ): Promise<ArticleSummary[]> {
    let categoryId = filter.categoryId;
    if (filter.categorySlug !== undefined) {
      const category = await findCategoryBySlug(this.deps.knex, filter.categorySlug);
      if (!category) return [];
      categoryId = category.id;
    }
    const status = filter.status === 'any' ? undefined : (filter.status ?? 'published');
    const rows = await listArticleSummaries(this.deps.knex, { categoryId, status, limit: filter.limit, offset: filter.offset });
    return rows.map((r) => toSummary(r, (s) => this.articleUrl(s)));
  }

  async countArticles(): Promise<number> {
    return countArticles(this.deps.knex);
  }

  // ---- search --------------------------------------------------------------

  /** Articles for a query, best first, each with its best passages and a calibrated score (0..1). */
  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return (await this.retrieve(query, options)).hits;
  }

  /** Articles close to this one (its title and summary as the query), itself excluded. */
  async related(articleId: number, options: { limit?: number } = {}): Promise<SearchHit[]> {
    this.maybeRefresh();
    const article = this.index.articles.get(articleId) ?? (await this.getArticle(articleId, { includeDrafts: true }));
    if (!article) return [];
    return this.search(`${article.title}\n${article.summary}`, { limit: options.limit ?? 5, excludeArticleIds: [articleId], passages: 1 });
  }

  async retrieve(query: string, options: SearchOptions = {}): Promise<Retrieval> {
    this.maybeRefresh();
    const limit = options.limit ?? 5;
    const text = query.trim().slice(0, 2000);
    if (!text) return { hits: [] };
    let vector: Float32Array | undefined;
    let embeddingError: Error | undefined;
    try {
      vector = await this.deps.space.embedQuery(text);
    } catch (error) {
      embeddingError = error as Error;
      const level = error instanceof EmbeddingDimensionError ? 'error' : 'warn';
      this.deps.logger[level]({ err: error }, 'knowledge search: embedding failed, searching by words only');
    }
    const fusion = this.deps.settings.fusion;
    // Two at least: an article's confidence depends on its closest rival.
    const ranked = fuse(this.index, { text, vector }, fusion, options).slice(0, Math.max(limit, 2));
    const perArticle = options.passages ?? 2;
    const texts = await chunkTexts(this.deps.knex, ranked.flatMap((r) => r.chunkIds.slice(0, Math.max(perArticle, 1))));
    completeCosines(this.index, ranked, vector);
    completeCoverage(
      ranked,
      text,
      (id) => {
        const a = this.index.articles.get(id);
        return a ? articleHeading(a.title, a.tags) : '';
      },
      (chunkId) => texts.get(chunkId)?.text,
    );
    const scores = scoreRanked(ranked);
    const hits = ranked.slice(0, limit).flatMap((r, i): SearchHit[] => {
      const article = this.index.articles.get(r.articleId);
      if (!article) return [];
      const passages = r.chunkIds
        .slice(0, perArticle)
        .filter((id) => texts.has(id))
        .map((id) => ({ chunkId: id, ...texts.get(id)! }));
      return [{ article, score: scores[i], passages }];
    });
    return { hits, embeddingError };
  }

  /**
   * Looks for changes made elsewhere (another instance, `kb:import`) at most
   * every refreshIntervalMs, in the background: a search never waits for it.
   */
  private maybeRefresh(): void {
    const now = performance.now();
    if (this.refreshing || now - this.lastRefreshCheck < this.deps.settings.refreshIntervalMs) return;
    this.lastRefreshCheck = now;
    this.refreshing = true;
    this.index
      .refresh()
      .then(({ added, removed }) => {
        if (added || removed) this.scheduleSave();
      })
      .catch((err) => this.deps.logger.warn({ err }, 'knowledge index: refresh failed'))
      .finally(() => (this.refreshing = false));
  }

  // ---- writing -------------------------------------------------------------

  /** Imports articles (or the folder / .jsonl file at a path); changed ones only are re-embedded. */
  async import(source: ArticleInput[] | string, options: { onProgress?: (p: ImportProgress) => void } = {}): Promise<ImportResult> {
    const inputs = typeof source === 'string' ? readArticles(source) : source;
    const result = await importArticles(
      { knex: this.deps.knex, now: this.deps.now, chunker: this.chunker, space: this.deps.space, titleWeight: this.deps.settings.titleWeight },
      inputs,
      options.onProgress,
    );
    await this.index.refresh({ force: true });
    this.scheduleSave();
    return result;
  }

  /** Creates or updates one article (by slug) and returns it. */
  async saveArticle(input: ArticleInput): Promise<Article> {
    const result = await this.import([input]);
    return (await this.getArticle(result.articles[0].id, { includeDrafts: true }))!;
  }

  async deleteArticle(articleId: number): Promise<boolean> {
    const deleted = await deleteArticleRow(this.deps.knex, articleId);
    if (deleted) {
      await this.index.refresh({ force: true });
      this.scheduleSave();
    }
    return deleted;
  }

  async recordView(articleId: number): Promise<boolean> {
    return incrementCounter(this.deps.knex, articleId, 'viewCount');
  }

  async recordFeedback(articleId: number, helpful: boolean): Promise<boolean> {
    return incrementCounter(this.deps.knex, articleId, helpful ? 'helpfulCount' : 'notHelpfulCount');
  }

  /** Embeds every chunk again with the configured model and rebuilds the indexes. */
  async reindex(onProgress?: (done: number, total: number) => void): Promise<IndexStatus> {
    return this.index.reindex(onProgress);
  }

  // ---- answering -----------------------------------------------------------

  /**
   * Answers a customer's question in the context of the conversation so far:
   * `{ text, citations, confidence, handoff? }`. Never throws for a model
   * failure: that becomes a handoff with reason "model_error".
   */
  async answer(question: string, history: HistoryTurn[] = [], options: AnswerOptions = {}): Promise<Answer> {
    return this.answerer.answer(question, history, options);
  }

  // ---- lifecycle -----------------------------------------------------------

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.index.save().catch((err) => this.deps.logger.warn({ err }, 'knowledge index: saving failed'));
    }, 2_000);
    this.saveTimer.unref();
  }

  /** Writes the indexes to disk if they changed (all of them: this is the shutdown save). */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.index.save({ final: true });
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
