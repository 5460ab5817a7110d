// BM25 over chunks (MiniSearch's BM25+), with the article heading (title and
// tags) as a boosted field and the same stemmed, stop-word-free terms as
// everything else.
//
// Query planning bounds the cost: MiniSearch scores every posting of every
// query term, so on a large knowledge base a question full of common words
// would touch most chunks. The query keeps its rarest terms, up to a budget
// of postings (the common ones carry little weight in BM25 anyway, and the
// vector side still sees them). Small knowledge bases stay under the budget
// and search with every term.
import MiniSearch from 'minisearch';
import { indexTerm, words } from '../text/tokens.ts';

export interface LexicalHit {
  id: number;
  score: number;
}

export interface LexicalOptions {
  titleBoost: number;
  k1: number;
  b: number;
  /** Postings a query may touch (see the note above). */
  postingBudget: number;
}

interface Doc {
  id: number;
  title: string;
  text: string;
}

type FieldTermData = Map<number, Map<number, number>>;

function options(o: LexicalOptions) {
  return {
    idField: 'id',
    fields: ['title', 'text'],
    tokenize: (text: string) => words(text),
    processTerm: (term: string) => indexTerm(term),
    searchOptions: { boost: { title: o.titleBoost }, combineWith: 'OR' as const, bm25: { k: o.k1, b: o.b, d: 0.5 } },
  };
}

export class LexicalIndex {
  private readonly live: Set<number>;

  private constructor(
    private readonly search: MiniSearch<Doc>,
    private readonly opts: LexicalOptions,
    ids: Iterable<number>,
  ) {
    this.live = new Set(ids);
  }

  static create(opts: LexicalOptions): LexicalIndex {
    return new LexicalIndex(new MiniSearch<Doc>(options(opts)), opts, []);
  }

  /** Loads a saved index (yielding to the event loop as it goes); `ids` are the chunks it holds. */
  static async load(json: string, opts: LexicalOptions, ids: number[]): Promise<LexicalIndex> {
    const search = await MiniSearch.loadJSONAsync<Doc>(json, options(opts));
    if (search.documentCount !== ids.length) throw new Error(`lexical index holds ${search.documentCount} chunks, its manifest lists ${ids.length}`);
    return new LexicalIndex(search, opts, ids);
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

  add(doc: Doc): void {
    if (this.live.has(doc.id)) this.search.discard(doc.id);
    this.search.add(doc);
    this.live.add(doc.id);
  }

  remove(id: number): void {
    if (!this.live.delete(id)) return;
    this.search.discard(id);
  }

  query(text: string, limit: number): LexicalHit[] {
    const planned = this.plan(this.queryTerms(text));
    if (planned.length === 0) return [];
    // The terms are already processed: search them as they are.
    const results = this.search.search(planned.join(' '), { tokenize: (q) => q.split(' '), processTerm: (t) => t });
    const out: LexicalHit[] = [];
    for (const r of results) {
      out.push({ id: r.id as number, score: r.score });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Distinct content terms of a query as the index sees them. */
  queryTerms(text: string): string[] {
    return [...new Set(words(text).map(indexTerm).filter((t): t is string => Boolean(t)))];
  }

  /** The rarest terms whose postings fit the budget (always at least the rarest one). */
  private plan(terms: string[]): string[] {
    const postings = this.postingCounter();
    if (!postings) return terms;
    const counted = terms.map((term) => ({ term, n: postings(term) })).filter((t) => t.n > 0);
    counted.sort((a, b) => a.n - b.n);
    const kept: string[] = [];
    let total = 0;
    for (const { term, n } of counted) {
      if (kept.length > 0 && total + n > this.opts.postingBudget) break;
      kept.push(term);
      total += n;
    }
    return kept;
  }

  /**
   * Postings per term, read from MiniSearch's term map. That map is not part
   * of its public API: if a release changes it, planning switches itself off
   * (every term is searched) rather than failing.
   */
  private postingCounter(): ((term: string) => number) | undefined {
    const index = (this.search as unknown as { _index?: { get?: (term: string) => FieldTermData | undefined } })._index;
    if (typeof index?.get !== 'function') return undefined;
    return (term) => {
      const data = index.get!(term);
      if (!(data instanceof Map)) return 0;
      let n = 0;
      for (const docs of data.values()) n += docs instanceof Map ? docs.size : 0;
      return n;
    };
  }

  /** Whether query planning can see posting counts (tests watch a MiniSearch upgrade with this). */
  get plansQueries(): boolean {
    return this.postingCounter() !== undefined;
  }

  toJSON(): string {
    return JSON.stringify(this.search);
  }

  get settings(): LexicalOptions {
    return this.opts;
  }
}
