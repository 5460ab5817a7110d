// A chunk's vector blends its article title with its own text: a passage deep
// in an article still "knows" what the article is about, and customers ask in
// words close to the titles. The same blend serves any embedding model.
import { createHash } from 'node:crypto';
import type { EmbeddingSpace } from '../embeddings/space.ts';

export interface ChunkToEmbed {
  title: string;
  text: string;
}

/**
 * What a chunk knows about its article: the title, and the tags, which often
 * hold the words customers use ("2fa", "login") when the title does not.
 */
export function articleHeading(title: string, tags: string[]): string {
  return tags.length ? `${title} (${tags.join(', ')})` : title;
}

export function chunkHash(title: string, text: string): string {
  return createHash('sha256').update(title).update('\u0000').update(text).digest('hex');
}

/** Vectors for chunks, in order. Titles are embedded once each. */
export async function embedChunks(space: EmbeddingSpace, chunks: ChunkToEmbed[], titleWeight: number): Promise<Float32Array[]> {
  if (chunks.length === 0) return [];
  const titles = [...new Set(chunks.map((c) => c.title))];
  const all = await space.embedDocuments([...titles, ...chunks.map((c) => c.text)]);
  const titleVectors = new Map(titles.map((t, i) => [t, all[i]]));
  return chunks.map((chunk, i) => blend(titleVectors.get(chunk.title)!, all[titles.length + i], titleWeight));
}

function blend(title: Float32Array, text: Float32Array, titleWeight: number): Float32Array {
  const v = new Float32Array(text.length);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = titleWeight * title[i] + (1 - titleWeight) * text[i];
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
