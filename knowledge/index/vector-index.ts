// Approximate nearest-neighbour search over chunk vectors (hnswlib HNSW,
// inner product on normalised vectors = cosine). Labels are chunk ids. The
// set of live ids is kept here too: hnswlib lists deleted labels as well.
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

export interface HnswOptions {
  m: number;
  efConstruction: number;
  efSearch: number;
}

export interface VectorHit {
  id: number;
  /** Cosine similarity. */
  score: number;
}

export class VectorIndex {
  private readonly live = new Set<number>();

  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimensions: number,
    private readonly options: HnswOptions,
  ) {}

  static create(dimensions: number, options: HnswOptions, capacity = 1024): VectorIndex {
    const index = new HierarchicalNSW('ip', dimensions);
    index.initIndex({ maxElements: Math.max(capacity, 16), m: options.m, efConstruction: options.efConstruction, randomSeed: 100, allowReplaceDeleted: true });
    index.setEf(options.efSearch);
    return new VectorIndex(index, dimensions, options);
  }

  /** Loads a saved index; `liveIds` are the labels it held when saved (from the manifest). */
  static async load(file: string, dimensions: number, options: HnswOptions, liveIds: number[]): Promise<VectorIndex> {
    const index = new HierarchicalNSW('ip', dimensions);
    await index.readIndex(file, true);
    if (index.getNumDimensions() !== dimensions) throw new Error(`index has ${index.getNumDimensions()} dimensions, expected ${dimensions}`);
    index.setEf(options.efSearch);
    const vi = new VectorIndex(index, dimensions, options);
    const labels = new Set(index.getIdsList());
    for (const id of liveIds) {
      if (!labels.has(id)) throw new Error(`index file lacks chunk ${id} listed in its manifest`);
      vi.live.add(id);
    }
    return vi;
  }

  get size(): number {
    return this.live.size;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }

  ids(): number[] {
    return [...this.live];
  }

  add(id: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new Error(`vector for chunk ${id} has ${vector.length} dimensions, index has ${this.dimensions}`);
    if (this.live.has(id)) {
      this.index.addPoint(Array.from(vector), id, false); // updates the point in place
      return;
    }
    // Reuse a deleted slot first; grow by half when full. (Chunk ids are never
    // reused after deletion, so a label is never added back.)
    const deleted = this.index.getCurrentCount() - this.live.size;
    if (deleted <= 0 && this.index.getCurrentCount() >= this.index.getMaxElements()) {
      this.index.resizeIndex(Math.ceil(this.index.getMaxElements() * 1.5) + 16);
    }
    this.index.addPoint(Array.from(vector), id, deleted > 0);
    this.live.add(id);
  }

  remove(id: number): void {
    if (!this.live.delete(id)) return;
    this.index.markDelete(id);
  }

  search(query: Float32Array, k: number): VectorHit[] {
    if (this.live.size === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(Array.from(query), Math.min(k, this.live.size));
    return neighbors.map((id, i) => ({ id, score: 1 - distances[i] }));
  }

  vector(id: number): Float32Array | undefined {
    return this.live.has(id) ? Float32Array.from(this.index.getPoint(id)) : undefined;
  }

  setEf(ef: number): void {
    this.index.setEf(ef);
  }

  async save(file: string): Promise<void> {
    await this.index.writeIndex(file);
  }
}
