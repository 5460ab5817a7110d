// The in-memory side of the knowledge base: vector and lexical indexes plus
// the catalog (which chunk belongs to which article, article titles and
// status), all derived from the articles and article_chunks tables. Opening
// loads the saved indexes when they match the embedding model and settings,
// otherwise rebuilds them; `refresh` brings them in line with the tables by
// adding and removing only the chunks that differ, whoever changed them
// (this process, `kb:import`, another instance on the same database).
//
// On a large knowledge base the saved lexical index takes seconds to load,
// the vectors a fraction of that: opening waits for the vectors only, and the
// lexical index joins in the background (searches use the vectors alone for
// those seconds). All maintenance runs one operation at a time.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EmbeddingSpace } from '../embeddings/space.ts';
import { embedChunks } from '../ingest/embed-chunks.ts';
import { fingerprint, listArticleSummaries, toSummary, type UrlFor } from '../store/articles.ts';
import { countChunks, countStaleEmbeddings, listChunkRefs, readChunksToReembed, readIndexable, storeEmbeddings, storedDimensions } from '../store/chunks.ts';
import type { ArticleSummary } from '../types.ts';
import { IndexFiles, type IndexManifest } from './index-files.ts';
import { LexicalIndex, type LexicalHit, type LexicalOptions } from './lexical-index.ts';
import { VectorIndex, type HnswOptions, type VectorHit } from './vector-index.ts';

/** Lexical indexes smaller than this (in chunks) are written with every save. */
const LEXICAL_ALWAYS_SAVED_BELOW = 5_000;
/** Larger ones are written after this many changes, or at shutdown. */
const LEXICAL_SAVE_AFTER_CHANGES = 1_000;

export interface KnowledgeIndexDeps {
  knex: Knex;
  logger: Logger;
  space: EmbeddingSpace;
  /** Folder for the saved indexes (under DATA_DIR). */
  dir: string;
  urlFor: UrlFor;
  hnsw: HnswOptions;
  lexical: LexicalOptions;
  titleWeight: number;
  now: () => number;
}

export interface IndexStatus {
  /** 'loaded': read from disk; 'built': built from the tables at open. */
  source: 'loaded' | 'built';
  /** Why the saved indexes were not used (missing, other model, wrong dimensions...). */
  rebuildReason?: string;
  /** 'loading' while a saved lexical index is still being read after open. */
  lexical: 'ready' | 'loading';
  chunks: number;
  articles: number;
  embeddingModel: string;
  dimensions: number | undefined;
  /** Chunks embedded again at open because they were embedded with another model. */
  reembedded: number;
}

export interface RefreshResult {
  added: number;
  removed: number;
}

export class KnowledgeIndex {
  vectors: VectorIndex | undefined;
  lexical: LexicalIndex;
  /** False while a saved lexical index loads in the background. */
  private lexicalReady = true;
  /** Settles when the background lexical load is done (at once when there is none). */
  lexicalLoaded: Promise<void> = Promise.resolve();
  /** chunk id -> article id */
  readonly chunkArticle = new Map<number, number>();
  /** article id -> summary (drafts too; search filters them) */
  readonly articles = new Map<number, ArticleSummary>();
  status: IndexStatus;
  private fingerprint = '';
  /** The vectors (and the catalog they reflect) changed since the last save. */
  private dirty = false;
  /** A lexical file for these settings exists on disk (a save may keep it). */
  private lexicalOnDisk = false;
  /** Lexical additions and removals not yet written. */
  private lexicalChanges = 0;
  private readonly files: IndexFiles;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: KnowledgeIndexDeps) {
    this.files = new IndexFiles(deps.dir);
    this.lexical = LexicalIndex.create(deps.lexical);
    this.status = { source: 'built', lexical: 'ready', chunks: 0, articles: 0, embeddingModel: deps.space.id, dimensions: deps.space.dimensions, reembedded: 0 };
  }

  /** Runs index maintenance one operation at a time (open, refresh, save, reindex). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  open(): Promise<IndexStatus> {
    return this.exclusive(async () => {
      const { knex, space, logger } = this.deps;
      const stored = await storedDimensions(knex, space.id);
      if (stored !== undefined) {
        space.expectDimensions(stored, 'the knowledge base');
        // First use of a remote model: one call tells its vector length, and a
        // mismatch with what is stored fails the start with a clear message.
        if (space.dimensions === undefined) await space.embedQuery('vector length check');
      }
      const saved = await this.files.manifest({ embeddingModel: space.id, dimensions: space.dimensions ?? stored, lexical: this.deps.lexical });
      let rebuildReason = saved.ok ? undefined : saved.reason;
      if (saved.ok) {
        try {
          this.vectors = await this.files.loadVectors(saved.manifest, this.deps.hnsw);
          this.lexicalOnDisk = true;
        } catch (error) {
          rebuildReason = `unreadable index files (${(error as Error).message})`;
        }
      }
      this.status.source = rebuildReason ? 'built' : 'loaded';
      this.status.rebuildReason = rebuildReason;
      if (rebuildReason) {
        if (rebuildReason !== 'missing') logger.info({ reason: rebuildReason }, 'knowledge index: rebuilding from the database');
        this.dirty = true;
      } else {
        this.lexicalReady = false;
        this.status.lexical = 'loading';
      }
      this.status.reembedded = await this.reembed('stale');
      await this.sync(true);
      if (this.dirty && this.lexicalReady) await this.persist(false);
      if (saved.ok && !rebuildReason) {
        const manifest = saved.manifest;
        this.lexicalLoaded = this.exclusive(() => this.loadLexical(manifest)).catch((err) => logger.error({ err }, 'knowledge index: lexical index not loaded'));
      }
      return { ...this.status };
    });
  }

  /** Reads the saved lexical index (or rebuilds it when unreadable), then catches it up. */
  private async loadLexical(manifest: IndexManifest): Promise<void> {
    const started = performance.now();
    try {
      this.lexical = await this.files.loadLexical(manifest, this.deps.lexical);
    } catch (error) {
      this.deps.logger.info({ reason: (error as Error).message }, 'knowledge index: rebuilding the lexical index from the database');
      this.lexical = LexicalIndex.create(this.deps.lexical);
      this.lexicalOnDisk = false;
      this.dirty = true;
    }
    this.lexicalReady = true;
    this.status.lexical = 'ready';
    const { added, removed } = await this.sync(true);
    this.deps.logger.debug({ ms: Math.round(performance.now() - started), added, removed }, 'knowledge index: lexical index ready');
    if (this.dirty) await this.persist(false);
  }

  /** Catches up with the tables if anything changed since the last look. */
  refresh(options: { force?: boolean } = {}): Promise<RefreshResult> {
    return this.exclusive(() => this.sync(Boolean(options.force)));
  }

  /** Embeds every chunk again with the current model and rebuilds both indexes. */
  reindex(onProgress?: (done: number, total: number) => void): Promise<IndexStatus> {
    return this.exclusive(async () => {
      this.vectors = undefined;
      this.lexical = LexicalIndex.create(this.deps.lexical);
      this.lexicalOnDisk = false;
      this.lexicalReady = true;
      this.status.lexical = 'ready';
      this.chunkArticle.clear();
      this.status.reembedded = await this.reembed('all', onProgress);
      this.status.source = 'built';
      this.status.rebuildReason = 'reindex';
      await this.sync(true);
      await this.persist(true);
      return { ...this.status };
    });
  }

  /**
   * Writes the indexes to disk if they changed since the last write. A large
   * lexical index is written only at the `final` save (shutdown) or after
   * many changes: it is slow to serialise, and a stale one is caught up at
   * the next start anyway.
   */
  save(options: { final?: boolean } = {}): Promise<void> {
    return this.exclusive(async () => {
      if (!this.lexicalReady) return;
      if (this.dirty || (options.final && this.lexicalChanges > 0)) await this.persist(Boolean(options.final));
    });
  }

  searchVectors(query: Float32Array, k: number): VectorHit[] {
    return this.vectors ? this.vectors.search(query, k) : [];
  }

  searchLexical(query: string, k: number): LexicalHit[] {
    return this.lexicalReady ? this.lexical.query(query, k) : [];
  }

  private async persist(final: boolean): Promise<void> {
    if (!this.vectors) {
      if (this.chunkArticle.size > 0) return;
      // Nothing indexed yet: still record an empty generation for this model.
      const dims = this.deps.space.dimensions;
      if (dims === undefined) return;
      this.vectors = VectorIndex.create(dims, this.deps.hnsw);
    }
    const writeLexical =
      !this.lexicalOnDisk || (this.lexicalChanges > 0 && (final || this.lexical.size < LEXICAL_ALWAYS_SAVED_BELOW || this.lexicalChanges >= LEXICAL_SAVE_AFTER_CHANGES));
    await this.files.save(
      { vectors: this.vectors, lexical: writeLexical ? this.lexical : undefined, lexicalSettings: this.deps.lexical },
      this.deps.space.id,
      this.deps.now(),
    );
    this.dirty = false;
    if (writeLexical) {
      this.lexicalOnDisk = true;
      this.lexicalChanges = 0;
    }
  }

  private async reembed(which: 'stale' | 'all', onProgress?: (done: number, total: number) => void): Promise<number> {
    const { knex, space, logger } = this.deps;
    const total = which === 'all' ? await countChunks(knex) : await countStaleEmbeddings(knex, space.id);
    if (which === 'stale' && total === 0) return 0;
    logger.info({ chunks: total, model: space.id }, 'knowledge index: embedding chunks with the configured model');
    let done = 0;
    for await (const batch of readChunksToReembed(knex, which === 'all' ? null : space.id)) {
      const vectors = await embedChunks(space, batch, this.deps.titleWeight);
      await storeEmbeddings(knex, batch.map((c, i) => ({ id: c.id, vector: vectors[i] })), space.id);
      for (const [i, c] of batch.entries()) if (this.vectors?.has(c.id)) this.vectors.add(c.id, vectors[i]);
      done += batch.length;
      onProgress?.(done, Math.max(total, done));
    }
    this.dirty = true;
    return done;
  }

  /**
   * Makes the catalog and the indexes match the tables: chunks that are gone
   * leave both indexes, chunks an index lacks are read and added. The lexical
   * index is left alone while it loads (its load ends with this same sync).
   */
  private async sync(force: boolean): Promise<RefreshResult> {
    const { knex } = this.deps;
    const fp = await fingerprint(knex);
    if (!force && fp === this.fingerprint) return { added: 0, removed: 0 };
    if (!force && (await countStaleEmbeddings(knex, this.deps.space.id)) > 0) {
      this.deps.logger.warn({ model: this.deps.space.id }, 'knowledge index: chunks were embedded with another model (is another process configured differently?); embedding them again');
      await this.reembed('stale');
    }
    const [refs, summaries] = await Promise.all([listChunkRefs(knex), listArticleSummaries(knex)]);
    this.articles.clear();
    for (const row of summaries) this.articles.set(row.id, toSummary(row, this.deps.urlFor));

    const wanted = new Map(refs.map((r) => [r.id, r.articleId]));
    let removed = 0;
    for (const id of this.vectors?.ids() ?? []) {
      if (!wanted.has(id)) {
        this.vectors!.remove(id);
        removed++;
      }
    }
    if (this.lexicalReady) {
      for (const id of this.lexical.ids()) {
        if (!wanted.has(id)) {
          this.lexical.remove(id);
          this.lexicalChanges++;
          removed++;
        }
      }
    }
    const missing = refs.filter((r) => !this.vectors?.has(r.id) || (this.lexicalReady && !this.lexical.has(r.id))).map((r) => r.id);
    let added = 0;
    for await (const batch of readIndexable(knex, missing)) {
      for (const chunk of batch) {
        if (!this.vectors) this.vectors = VectorIndex.create(chunk.vector.length, this.deps.hnsw, Math.max(1024, missing.length));
        if (!this.vectors.has(chunk.id)) this.vectors.add(chunk.id, chunk.vector);
        if (this.lexicalReady && !this.lexical.has(chunk.id)) {
          this.lexical.add({ id: chunk.id, title: chunk.title, text: chunk.text });
          this.lexicalChanges++;
        }
        added++;
      }
    }
    this.chunkArticle.clear();
    for (const [id, articleId] of wanted) this.chunkArticle.set(id, articleId);
    this.fingerprint = fp;
    this.status.chunks = this.vectors?.size ?? 0;
    this.status.articles = this.articles.size;
    this.status.dimensions = this.vectors?.dimensions ?? this.deps.space.dimensions;
    if (added || removed) this.dirty = true;
    return { added, removed };
  }
}
