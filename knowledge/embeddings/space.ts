// An embedding model as retrieval uses it: float32 vectors, L2-normalised
// (inner product = cosine), under an id naming the vector space. Wraps any
// LangChain `Embeddings`; checks the vector length on first use against what
// the knowledge base already stores, and fails with a clear message when the
// endpoint answers with another length (a different model behind the same
// name, or a server that truncates).
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { HashedEmbeddings } from './hashed.ts';

export class EmbeddingDimensionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingDimensionError';
  }
}

export class EmbeddingSpace {
  /** Vector length, known after the first call (or at once for the hashed embedding). */
  dimensions: number | undefined;
  private expected: { dimensions: number; source: string } | undefined;

  constructor(
    readonly embeddings: EmbeddingsInterface,
    /** e.g. "hashed-v1-512" or "openai:text-embedding-3-small". */
    readonly id: string,
  ) {
    if (embeddings instanceof HashedEmbeddings) this.dimensions = embeddings.dimensions;
  }

  static hashed(dimensions?: number): EmbeddingSpace {
    const embeddings = new HashedEmbeddings({ dimensions });
    return new EmbeddingSpace(embeddings, embeddings.modelId);
  }

  /** Vectors stored for this space have this length; any other answer is an error. */
  expectDimensions(dimensions: number, source: string): void {
    this.expected = { dimensions, source };
    if (this.dimensions !== undefined) this.check(this.dimensions);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    if (this.embeddings instanceof HashedEmbeddings) return this.embeddings.vector(text);
    return this.accept([await this.embeddings.embedQuery(text)])[0];
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    if (this.embeddings instanceof HashedEmbeddings) {
      const hashed = this.embeddings;
      return texts.map((t) => hashed.vector(t));
    }
    const vectors = await this.embeddings.embedDocuments(texts);
    if (vectors.length !== texts.length) {
      throw new EmbeddingDimensionError(`embedding model "${this.id}" returned ${vectors.length} vectors for ${texts.length} texts`);
    }
    return this.accept(vectors);
  }

  private accept(vectors: ArrayLike<number>[]): Float32Array[] {
    return vectors.map((raw) => {
      if (!raw || typeof raw.length !== 'number' || raw.length === 0) {
        throw new EmbeddingDimensionError(`embedding model "${this.id}" returned an empty vector`);
      }
      if (this.dimensions === undefined) this.check(raw.length);
      if (raw.length !== this.dimensions) {
        throw new EmbeddingDimensionError(
          `embedding model "${this.id}" returned vectors of different lengths (${this.dimensions} and ${raw.length}); check the model behind OPENAI_BASE_URL`,
        );
      }
      return normalize(Float32Array.from(raw));
    });
  }

  private check(length: number): void {
    if (this.expected && this.expected.dimensions !== length) {
      throw new EmbeddingDimensionError(
        `embedding model "${this.id}" returns ${length}-dimensional vectors, but ${this.expected.source} holds ${this.expected.dimensions}-dimensional ones for it. ` +
          'If the model behind this name changed, run `parley kb:reindex` to embed every article again (or name the new model differently).',
      );
    }
    this.dimensions = length;
  }
}

export function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  if (norm > 0 && Math.abs(norm - 1) > 1e-6) {
    norm = Math.sqrt(norm);
    for (let i = 0; i < v.length; i++) v[i] /= norm;
  }
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** float32 little-endian bytes, as article_chunks.embedding stores them. */
export function vectorToBuffer(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function bufferToVector(buf: Buffer | Uint8Array): Float32Array {
  // Copy: a driver's Buffer may start at an offset that is not 4-aligned.
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}
