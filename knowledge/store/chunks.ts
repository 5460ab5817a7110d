// article_chunks: passages with their embeddings. Read in id ranges so a
// rebuild over tens of thousands of chunks never holds them all at once.
import type { Knex } from 'knex';
import { bufferToVector, vectorToBuffer } from '../embeddings/space.ts';
import { articleHeading } from '../ingest/embed-chunks.ts';
import { readJson } from './json.ts';

export interface ChunkRef {
  id: number;
  articleId: number;
  position: number;
}

export interface StoredChunk extends ChunkRef {
  textHash: string;
  embeddingModel: string;
}

export async function listChunkRefs(knex: Knex): Promise<ChunkRef[]> {
  const rows = await knex('article_chunks').select('id', 'articleId', 'position').orderBy('id');
  return rows.map((r: any) => ({ id: Number(r.id), articleId: Number(r.articleId), position: Number(r.position) }));
}

export async function chunksOfArticles(knex: Knex, articleIds: number[]): Promise<StoredChunk[]> {
  if (articleIds.length === 0) return [];
  const out: StoredChunk[] = [];
  for (let i = 0; i < articleIds.length; i += 500) {
    out.push(
      ...(await knex('article_chunks')
        .select('id', 'articleId', 'position', 'textHash', 'embeddingModel')
        .whereIn('articleId', articleIds.slice(i, i + 500))
        .orderBy('position')),
    );
  }
  return out;
}

export async function chunkTexts(knex: Knex, ids: number[]): Promise<Map<number, { text: string; position: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await knex('article_chunks').select('id', 'text', 'position').whereIn('id', ids);
  return new Map(rows.map((r: any) => [Number(r.id), { text: r.text as string, position: Number(r.position) }]));
}

function headingOf(row: { title: string; tags: unknown }): string {
  return articleHeading(row.title, readJson<string[]>(row.tags, []));
}

export interface IndexableChunk {
  id: number;
  articleId: number;
  /** Article title and tags (see articleHeading). */
  title: string;
  text: string;
  vector: Float32Array;
}

/** Chunks with their article title and embedding, for building indexes, `batch` at a time. */
export async function* readIndexable(knex: Knex, ids: number[] | 'all', batch = 1000): AsyncGenerator<IndexableChunk[]> {
  const select = () =>
    knex('article_chunks as c')
      .join('articles as a', 'a.id', 'c.articleId')
      .select('c.id', 'c.articleId', 'a.title', 'a.tags', 'c.text', 'c.embedding')
      .orderBy('c.id')
      .limit(batch);
  const convert = (rows: any[]) =>
    rows.map((r) => ({ id: Number(r.id), articleId: Number(r.articleId), title: headingOf(r), text: r.text as string, vector: bufferToVector(r.embedding) }));
  if (ids === 'all') {
    let after = 0;
    for (;;) {
      const rows = await select().where('c.id', '>', after);
      if (rows.length === 0) return;
      yield convert(rows);
      after = Number(rows[rows.length - 1].id);
    }
  }
  for (let i = 0; i < ids.length; i += batch) {
    const rows = await select().whereIn('c.id', ids.slice(i, i + batch));
    if (rows.length) yield convert(rows);
  }
}

/**
 * Chunks to embed again, with what embedding them needs: those embedded with
 * another model than `modelId`, or every chunk when `modelId` is null.
 */
export async function* readChunksToReembed(knex: Knex, modelId: string | null, batch = 256): AsyncGenerator<{ id: number; articleId: number; title: string; text: string }[]> {
  let after = 0;
  for (;;) {
    const q = knex('article_chunks as c')
      .join('articles as a', 'a.id', 'c.articleId')
      .select('c.id', 'c.articleId', 'a.title', 'a.tags', 'c.text')
      .where('c.id', '>', after)
      .orderBy('c.id')
      .limit(batch);
    if (modelId !== null) q.whereNot('c.embeddingModel', modelId);
    const rows = await q;
    if (rows.length === 0) return;
    yield rows.map((r: any) => ({ id: Number(r.id), articleId: Number(r.articleId), title: headingOf(r), text: r.text }));
    after = Number(rows[rows.length - 1].id);
  }
}

export async function countChunks(knex: Knex): Promise<number> {
  const row = await knex('article_chunks').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function countStaleEmbeddings(knex: Knex, modelId: string): Promise<number> {
  const row = await knex('article_chunks').whereNot('embeddingModel', modelId).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function storeEmbeddings(knex: Knex, rows: { id: number; vector: Float32Array }[], modelId: string): Promise<void> {
  await knex.transaction(async (trx) => {
    for (const row of rows) await trx('article_chunks').where({ id: row.id }).update({ embedding: vectorToBuffer(row.vector), embeddingModel: modelId });
  });
}

/** Length of the vectors stored for `modelId`, if any are. */
export async function storedDimensions(knex: Knex, modelId: string): Promise<number | undefined> {
  const row = await knex('article_chunks').select('embedding').where({ embeddingModel: modelId }).first();
  return row ? (row.embedding as Buffer).byteLength / 4 : undefined;
}
