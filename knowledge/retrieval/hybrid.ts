// Hybrid retrieval: the vector index and BM25 each rank chunks; both lists
// are folded to articles (an article ranks where its best chunk ranks) and
// fused by weighted reciprocal rank. Each article keeps its chunks ordered by
// the same fusion at chunk level (its best passages), and the features the
// confidence model reads.
import { dot } from '../embeddings/space.ts';
import { terms } from '../text/tokens.ts';
import type { KnowledgeIndex } from '../index/knowledge-index.ts';

export interface FusionSettings {
  /** Reciprocal-rank constant: larger flattens the difference between ranks. */
  k: number;
  vectorWeight: number;
  lexicalWeight: number;
  /** Chunks taken from each retriever before fusion. */
  candidates: number;
}

export interface RankedArticle {
  articleId: number;
  fused: number;
  vectorRank?: number;
  lexicalRank?: number;
  /** Best cosine between the query and one of the article's chunks. */
  cosine: number;
  /** Share of the query's content terms in the article's heading and best passage (see completeCoverage). */
  coverage: number;
  /** The article's matching chunks, best first. */
  chunkIds: number[];
}

export interface RetrievalFilter {
  includeDrafts?: boolean;
  excludeArticleIds?: number[];
}

export function fuse(
  index: KnowledgeIndex,
  query: { text: string; vector: Float32Array | undefined },
  fusion: FusionSettings,
  filter: RetrievalFilter = {},
): RankedArticle[] {
  const excluded = new Set(filter.excludeArticleIds ?? []);
  const eligible = (articleId: number | undefined): articleId is number => {
    if (articleId === undefined || excluded.has(articleId)) return false;
    const article = index.articles.get(articleId);
    return Boolean(article) && (filter.includeDrafts || article!.status === 'published');
  };

  const byArticle = new Map<number, RankedArticle & { chunkScores: Map<number, number> }>();
  const entry = (articleId: number) => {
    let e = byArticle.get(articleId);
    if (!e) {
      e = { articleId, fused: 0, cosine: 0, coverage: 0, chunkIds: [], chunkScores: new Map() };
      byArticle.set(articleId, e);
    }
    return e;
  };

  const vectorHits = query.vector ? index.searchVectors(query.vector, fusion.candidates) : [];
  let articleRank = 0;
  vectorHits.forEach((hit, chunkRank) => {
    const articleId = index.chunkArticle.get(hit.id);
    if (!eligible(articleId)) return;
    const e = entry(articleId);
    if (e.vectorRank === undefined) {
      e.vectorRank = ++articleRank;
      e.fused += fusion.vectorWeight / (fusion.k + e.vectorRank);
    }
    e.cosine = Math.max(e.cosine, hit.score);
    e.chunkScores.set(hit.id, (e.chunkScores.get(hit.id) ?? 0) + fusion.vectorWeight / (fusion.k + chunkRank + 1));
  });

  const lexicalHits = index.searchLexical(query.text, fusion.candidates);
  articleRank = 0;
  lexicalHits.forEach((hit, chunkRank) => {
    const articleId = index.chunkArticle.get(hit.id);
    if (!eligible(articleId)) return;
    const e = entry(articleId);
    if (e.lexicalRank === undefined) {
      e.lexicalRank = ++articleRank;
      e.fused += fusion.lexicalWeight / (fusion.k + e.lexicalRank);
    }
    e.chunkScores.set(hit.id, (e.chunkScores.get(hit.id) ?? 0) + fusion.lexicalWeight / (fusion.k + chunkRank + 1));
  });

  // Equal fused scores (first in one list, second in the other) are common
  // with two retrievers: the better match on words wins, then on meaning.
  const ranked = [...byArticle.values()].sort(
    (a, b) => b.fused - a.fused || (a.lexicalRank ?? Infinity) - (b.lexicalRank ?? Infinity) || b.cosine - a.cosine || a.articleId - b.articleId,
  );
  for (const e of ranked) e.chunkIds = [...e.chunkScores.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  return ranked.map(({ chunkScores: _, ...rest }) => rest);
}

/**
 * How much of the question an article covers: the share of the question's
 * content terms found in its heading (title and tags) and its best passage.
 */
export function completeCoverage(ranked: RankedArticle[], question: string, headingOf: (articleId: number) => string, textOf: (chunkId: number) => string | undefined): void {
  const wanted = new Set(terms(question));
  if (wanted.size === 0) return;
  for (const e of ranked) {
    const found = new Set(terms(`${headingOf(e.articleId)}\n${textOf(e.chunkIds[0]) ?? ''}`).filter((t) => wanted.has(t)));
    e.coverage = found.size / wanted.size;
  }
}

/**
 * Articles found by words only have no cosine yet: measure how close their
 * best passage is in meaning too (only for the few that are returned).
 */
export function completeCosines(index: KnowledgeIndex, ranked: RankedArticle[], vector: Float32Array | undefined): void {
  if (!vector) return;
  for (const e of ranked) {
    if (e.vectorRank !== undefined) continue;
    const v = index.vectors?.vector(e.chunkIds[0]);
    if (v) e.cosine = dot(v, vector);
  }
}
