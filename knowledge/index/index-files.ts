// The derived indexes on disk, under DATA_DIR: one manifest naming the vector
// file and the lexical file, the embedding model and the chunk ids each
// holds. New files are written under fresh names and the manifest is renamed
// into place last, so a reader (or a second process) always sees files that
// exist and ids that match them; anything unreadable just means "rebuild".
// The two files may hold different chunks: a save can keep the previous
// lexical file (large ones are slow to write), and loading catches each index
// up with the database on its own.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LexicalIndex, type LexicalOptions } from './lexical-index.ts';
import { VectorIndex, type HnswOptions } from './vector-index.ts';

export const INDEX_FORMAT = 2;

const manifestSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  embeddingModel: z.string(),
  dimensions: z.number().int().positive(),
  /** Settings that change what the lexical index holds. */
  lexical: z.string(),
  vectorsFile: z.string().regex(/^[\w.-]+$/),
  lexicalFile: z.string().regex(/^[\w.-]+$/),
  /** Chunks in the vector file. */
  chunkIds: z.array(z.number().int()),
  /** Chunks in the lexical file. */
  lexicalChunkIds: z.array(z.number().int()),
  savedAt: z.number(),
});
export type IndexManifest = z.infer<typeof manifestSchema>;

export type ManifestOutcome = { ok: true; manifest: IndexManifest } | { ok: false; reason: string };

export function lexicalSignature(o: LexicalOptions): string {
  return `terms-v1:${o.titleBoost}:${o.k1}:${o.b}`;
}

export class IndexFiles {
  constructor(readonly dir: string) {}

  private get manifestPath(): string {
    return path.join(this.dir, 'manifest.json');
  }

  /** The saved manifest, if the indexes it names were built for this model and these settings. */
  async manifest(expect: { embeddingModel: string; dimensions: number | undefined; lexical: LexicalOptions }): Promise<ManifestOutcome> {
    let manifest: IndexManifest;
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(await fs.promises.readFile(this.manifestPath, 'utf8')));
      if (!parsed.success) return { ok: false, reason: 'unreadable manifest' };
      manifest = parsed.data;
    } catch (error) {
      return { ok: false, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable manifest' };
    }
    if (manifest.embeddingModel !== expect.embeddingModel) return { ok: false, reason: `built with embedding model ${manifest.embeddingModel}` };
    if (expect.dimensions !== undefined && manifest.dimensions !== expect.dimensions) {
      return { ok: false, reason: `built with ${manifest.dimensions}-dimensional vectors, the model gives ${expect.dimensions}` };
    }
    if (manifest.lexical !== lexicalSignature(expect.lexical)) return { ok: false, reason: 'built with other lexical settings' };
    return { ok: true, manifest };
  }

  loadVectors(manifest: IndexManifest, hnsw: HnswOptions): Promise<VectorIndex> {
    return VectorIndex.load(path.join(this.dir, manifest.vectorsFile), manifest.dimensions, hnsw, manifest.chunkIds);
  }

  async loadLexical(manifest: IndexManifest, lexical: LexicalOptions): Promise<LexicalIndex> {
    const json = await fs.promises.readFile(path.join(this.dir, manifest.lexicalFile), 'utf8');
    return LexicalIndex.load(json, lexical, manifest.lexicalChunkIds);
  }

  /**
   * Writes the vectors, and the lexical index when given; without it the
   * manifest keeps naming the lexical file it named before (which must exist).
   */
  async save(indexes: { vectors: VectorIndex; lexical?: LexicalIndex; lexicalSettings: LexicalOptions }, embeddingModel: string, now: number): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const previous = await this.readManifest();
    const generation = `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
    const keptLexical = indexes.lexical ? undefined : previous;
    if (!indexes.lexical && keptLexical?.lexical !== lexicalSignature(indexes.lexicalSettings)) throw new Error('no lexical index file to keep');
    const manifest: IndexManifest = {
      format: INDEX_FORMAT,
      embeddingModel,
      dimensions: indexes.vectors.dimensions,
      lexical: lexicalSignature(indexes.lexicalSettings),
      vectorsFile: `vectors-${generation}.hnsw`,
      lexicalFile: keptLexical ? keptLexical.lexicalFile : `lexical-${generation}.json`,
      chunkIds: indexes.vectors.ids().sort((a, b) => a - b),
      lexicalChunkIds: keptLexical ? keptLexical.lexicalChunkIds : indexes.lexical!.ids().sort((a, b) => a - b),
      savedAt: now,
    };
    await indexes.vectors.save(path.join(this.dir, manifest.vectorsFile));
    if (indexes.lexical) await fs.promises.writeFile(path.join(this.dir, manifest.lexicalFile), indexes.lexical.toJSON());
    const tmp = `${this.manifestPath}.${generation}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(manifest));
    await fs.promises.rename(tmp, this.manifestPath);
    await this.removeOtherGenerations(manifest, previous ? [previous.vectorsFile, previous.lexicalFile] : []);
  }

  /** The current manifest, when it is readable and its lexical file is still there. */
  private async readManifest(): Promise<IndexManifest | undefined> {
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(await fs.promises.readFile(this.manifestPath, 'utf8')));
      if (!parsed.success) return undefined;
      await fs.promises.access(path.join(this.dir, parsed.data.lexicalFile));
      return parsed.data;
    } catch {
      return undefined;
    }
  }

  /**
   * Deletes the generation this save replaced at once, and any other stray
   * file once it is a minute old (younger ones may belong to a concurrent
   * writer, such as `kb:import` while the service runs).
   */
  private async removeOtherGenerations(current: IndexManifest, previous: string[]): Promise<void> {
    const keep = new Set([current.vectorsFile, current.lexicalFile, 'manifest.json']);
    for (const name of await fs.promises.readdir(this.dir).catch(() => [] as string[])) {
      if (keep.has(name) || !/^(vectors|lexical)-|\.tmp$/.test(name)) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (stat && (previous.includes(name) || Date.now() - stat.mtimeMs > 60_000)) await fs.promises.rm(file, { force: true });
    }
  }
}
