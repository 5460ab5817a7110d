// BM25 over chunks (MiniSearch's BM25+), with the article title as a boosted
// field and the same stemmed, stop-word-free terms as everything else.
import MiniSearch from 'minisearch';
import { indexTerm, words } from '../text/tokens.ts';

export interface LexicalHit {
  id: number;
  score: number;
  /** Distinct query terms (stemmed) this chunk matched. */
  matched: number;
}

export interface LexicalOptions {
  titleBoost: number;
  k1: number;
  b: number;
}

interface Doc {
  id: number;
  title: string;
  text: string;
}

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
  private constructor(
    private readonly search: MiniSearch<Doc>,
    private readonly opts: LexicalOptions,
  ) {}

  static create(opts: LexicalOptions): LexicalIndex {
    return new LexicalIndex(new MiniSearch<Doc>(options(opts)), opts);
  }

  static load(json: string, opts: LexicalOptions): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJSON<Doc>(json, options(opts)), opts);
  }

  get size(): number {
    return this.search.documentCount;
  }

  has(id: number): boolean {
    return this.search.has(id);
  }

  add(doc: Doc): void {
    if (this.search.has(doc.id)) this.search.discard(doc.id);
    this.search.add(doc);
  }

  remove(id: number): void {
    if (this.search.has(id)) this.search.discard(id);
  }

  query(text: string, limit: number): LexicalHit[] {
    const results = this.search.search(text);
    const out: LexicalHit[] = [];
    for (const r of results) {
      out.push({ id: r.id as number, score: r.score, matched: r.queryTerms.length });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Distinct content terms of a query as the index sees them. */
  queryTerms(text: string): string[] {
    return [...new Set(words(text).map(indexTerm).filter((t): t is string => Boolean(t)))];
  }

  toJSON(): string {
    return JSON.stringify(this.search);
  }

  get settings(): LexicalOptions {
    return this.opts;
  }
}
