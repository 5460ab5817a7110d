// The offline embedding: no model, no download, no network. Each content word
// contributes its surface form, its stem and the character 3- and 4-grams of
// its stem (which also catch typos and compounds), weighted and hashed with a
// sign bit into a fixed number of dimensions, then L2-normalised so the inner
// product is the cosine. Deterministic: the same text gives the same vector in
// every process, so stored vectors stay valid across restarts.
import { Embeddings } from '@langchain/core/embeddings';
import { isStopWord, stem, words } from '../text/tokens.ts';

export const HASHED_EMBEDDING_VERSION = 'hashed-v1';

const WORD_WEIGHT = 1;
const STEM_WEIGHT = 1;
const GRAM_WEIGHT = 0.5;

/** FNV-1a, 32 bits: fast and well spread for short strings. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HashedEmbeddings extends Embeddings {
  readonly dimensions: number;
  /** Names the vector space: stored vectors are reused only under the same id. */
  readonly modelId: string;

  constructor(options: { dimensions?: number } = {}) {
    super({});
    this.dimensions = options.dimensions ?? 512;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 16) throw new Error('hashed embeddings need at least 16 dimensions');
    this.modelId = `${HASHED_EMBEDDING_VERSION}-${this.dimensions}`;
  }

  /** The vector for one text, synchronously (what the async methods wrap). */
  vector(text: string): Float32Array {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
    for (const word of words(text)) {
      if (isStopWord(word)) continue;
      const s = stem(word);
      add(`w:${word}`, WORD_WEIGHT);
      add(`s:${s}`, STEM_WEIGHT);
      const marked = `<${s}>`;
      for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= marked.length; i++) add(`g:${marked.slice(i, i + n)}`, GRAM_WEIGHT);
    }
    const v = new Float32Array(this.dimensions);
    for (const [feature, count] of counts) {
      const h = hash(feature);
      // Sublinear term frequency: the tenth "password" adds little.
      const weight = Math.log1p(count);
      v[h % this.dimensions] += h & 0x80000000 ? -weight : weight;
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    if (norm > 0) {
      norm = Math.sqrt(norm);
      for (let i = 0; i < v.length; i++) v[i] /= norm;
    }
    return v;
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.vector(t)));
  }

  override async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.vector(text));
  }
}
