// Writes articles into the database with their chunks and embeddings. An
// article whose content did not change is left alone; a changed one keeps
// every chunk whose text (and title and tags) is the same and embeds only the new
// ones. Embedding happens before the transaction (it may be a network call);
// each batch of articles is then written in one short transaction. Indexes
// are not touched here: the knowledge base syncs them from the table after.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { EmbeddingSpace } from '../embeddings/space.ts';
import { vectorToBuffer } from '../embeddings/space.ts';
import { ensureCategoryPath } from '../store/categories.ts';
import { chunksOfArticles, type StoredChunk } from '../store/chunks.ts';
import { summarize } from '../text/markdown.ts';
import { SLUG_PATTERN, slugify } from '../text/slug.ts';
import type { ArticleInput, ArticleStatus } from '../types.ts';
import type { Chunker } from './chunking.ts';
import { articleHeading, chunkHash, embedChunks } from './embed-chunks.ts';

export interface ImportProgress {
  done: number;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  chunksEmbedded: number;
}

export interface ImportResult extends ImportProgress {
  chunksReused: number;
  /** Per article, in input order. */
  articles: { id: number; slug: string; action: 'created' | 'updated' | 'unchanged' }[];
}

export interface ImporterDeps {
  knex: Knex;
  now: () => number;
  chunker: Chunker;
  space: EmbeddingSpace;
  titleWeight: number;
}

const articleInputSchema = z.object({
  slug: z.string().regex(SLUG_PATTERN, 'lowercase words joined by dashes').max(200).optional(),
  title: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(1_000_000),
  category: z.string().trim().max(200).optional(),
  tags: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  status: z.enum(['draft', 'published']).optional(),
});

export class ArticleInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArticleInputError';
  }
}

interface Planned {
  slug: string;
  title: string;
  /** Title and tags, as chunks are embedded and indexed with them. */
  heading: string;
  body: string;
  summary: string;
  category: string | undefined;
  tags: string[];
  status: ArticleStatus;
  contentHash: string;
  existingId?: number;
  action: 'created' | 'updated' | 'unchanged';
  texts: string[];
}

const BATCH = 50;

export async function importArticles(deps: ImporterDeps, inputs: ArticleInput[], onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
  const planned = inputs.map((input, i) => normalize(input, i, deps.chunker.signature));
  const result: ImportResult = { done: 0, total: planned.length, created: 0, updated: 0, unchanged: 0, chunksEmbedded: 0, chunksReused: 0, articles: [] };
  for (let i = 0; i < planned.length; i += BATCH) {
    await importBatch(deps, planned.slice(i, i + BATCH), result);
    onProgress?.({ done: result.done, total: result.total, created: result.created, updated: result.updated, unchanged: result.unchanged, chunksEmbedded: result.chunksEmbedded });
  }
  return result;
}

function normalize(input: ArticleInput, index: number, chunkerSignature: string): Planned {
  const parsed = articleInputSchema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ArticleInputError(`article ${input?.slug ?? index + 1}: ${detail}`);
  }
  const a = parsed.data;
  const tags = [...new Set((a.tags ?? []).map((t) => t.toLowerCase()))];
  const category = a.category?.trim() || undefined;
  const status = a.status ?? 'published';
  const contentHash = createHash('sha256')
    .update(JSON.stringify({ title: a.title, body: a.body, category: category ?? null, tags, status, chunker: chunkerSignature }))
    .digest('hex');
  return { slug: a.slug ?? slugify(a.title), title: a.title, heading: articleHeading(a.title, tags), body: a.body, summary: summarize(a.body), category, tags, status, contentHash, action: 'created', texts: [] };
}

async function importBatch(deps: ImporterDeps, batch: Planned[], result: ImportResult): Promise<void> {
  const { knex } = deps;
  const existing = new Map<string, { id: number; contentHash: string }>(
    (await knex('articles').select('id', 'slug', 'contentHash').whereIn('slug', batch.map((p) => p.slug))).map((r: any) => [r.slug, { id: r.id, contentHash: r.contentHash }]),
  );
  const changed: Planned[] = [];
  for (const p of batch) {
    const found = existing.get(p.slug);
    p.existingId = found?.id;
    p.action = !found ? 'created' : found.contentHash === p.contentHash ? 'unchanged' : 'updated';
    if (p.action !== 'unchanged') {
      p.texts = await deps.chunker.split(p.body);
      if (p.texts.length === 0) p.texts = [p.title];
      changed.push(p);
    }
  }

  // Which chunks can keep their row and embedding, and which need embedding.
  // Each old chunk is reused at most once, in order, by planning and writing alike.
  const oldChunks = await chunksOfArticles(knex, changed.filter((p) => p.existingId).map((p) => p.existingId!));
  const reusableOf = (articleId: number | undefined) => {
    const byHash = new Map<string, StoredChunk[]>();
    for (const c of oldChunks) {
      if (c.articleId !== articleId || c.embeddingModel !== deps.space.id) continue;
      byHash.set(c.textHash, [...(byHash.get(c.textHash) ?? []), c]);
    }
    return byHash;
  };
  const toEmbed: { title: string; text: string; hash: string }[] = [];
  const queued = new Set<string>();
  for (const p of changed) {
    const byHash = reusableOf(p.existingId);
    for (const text of p.texts) {
      const hash = chunkHash(p.heading, text);
      if (byHash.get(hash)?.shift() || queued.has(hash)) continue;
      queued.add(hash);
      toEmbed.push({ title: p.heading, text, hash });
    }
  }
  const vectors = await embedChunks(deps.space, toEmbed, deps.titleWeight);
  const embedded = new Map(toEmbed.map((e, i) => [e.hash, vectors[i]]));

  await knex.transaction(async (trx) => {
    const now = deps.now();
    for (const p of changed) {
      const categoryId = p.category ? await ensureCategoryPath(trx, p.category, now) : null;
      const row = { slug: p.slug, title: p.title, body: p.body, summary: p.summary, categoryId, tags: JSON.stringify(p.tags), status: p.status, contentHash: p.contentHash, updatedAt: now };
      let articleId = p.existingId;
      if (articleId) await trx('articles').where({ id: articleId }).update(row);
      else {
        const [inserted] = await trx('articles').insert({ ...row, createdAt: now }).returning('id');
        articleId = typeof inserted === 'object' ? inserted.id : inserted;
      }
      const byHash = reusableOf(p.existingId);
      const kept = new Set<number>();
      const fresh: Record<string, unknown>[] = [];
      for (const [position, text] of p.texts.entries()) {
        const hash = chunkHash(p.heading, text);
        const old = byHash.get(hash)?.shift();
        if (old) {
          kept.add(old.id);
          if (old.position !== position) await trx('article_chunks').where({ id: old.id }).update({ position });
          result.chunksReused++;
        } else {
          fresh.push({ articleId, position, text, textHash: hash, embedding: vectorToBuffer(embedded.get(hash)!), embeddingModel: deps.space.id, createdAt: now });
        }
      }
      if (p.existingId) {
        const stale = oldChunks.filter((c) => c.articleId === p.existingId && !kept.has(c.id)).map((c) => c.id);
        for (let i = 0; i < stale.length; i += 500) await trx('article_chunks').whereIn('id', stale.slice(i, i + 500)).delete();
      }
      for (let i = 0; i < fresh.length; i += 100) await trx('article_chunks').insert(fresh.slice(i, i + 100));
      p.existingId = articleId;
    }
  });
  result.chunksEmbedded += toEmbed.length;

  for (const p of batch) {
    result.done++;
    result[p.action]++;
    result.articles.push({ id: p.existingId ?? existing.get(p.slug)!.id, slug: p.slug, action: p.action });
  }
}
