// Retrieval quality on a labelled set: each query's rank of its first
// relevant article gives recall@1/5/10 and the mean reciprocal rank; timings
// are per search, end to end (embedding, both indexes, fusion, passages).
import fs from 'node:fs';
import { z } from 'zod';
import type { KnowledgeBase } from './knowledge-base.ts';

export interface EvalQuery {
  query: string;
  /** Slugs (or import ids, slugified) of the articles that answer it. */
  relevant: string[];
}

export interface EvalReport {
  queries: number;
  'recall@1': number;
  'recall@5': number;
  'recall@10': number;
  mrr: number;
  p50_ms: number;
  p95_ms: number;
}

const querySchema = z.object({ query: z.string().min(1), relevant: z.array(z.union([z.string(), z.number()]).transform(String)).min(1) });

export function readEvalQueries(file: string): EvalQuery[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const parsed = querySchema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${i + 1}: expected {"query","relevant":[ids]}`);
      return parsed.data;
    });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `k`: results fetched per query; a relevant article ranked below k counts as not found (MRR@k). */
export async function evaluate(kb: KnowledgeBase, queries: EvalQuery[], options: { k?: number; slugOf?: (id: string) => string } = {}): Promise<EvalReport> {
  const k = options.k ?? 10;
  const slugOf = options.slugOf ?? ((id: string) => id);
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  let rr = 0;
  const times: number[] = [];
  for (const q of queries) {
    const relevant = new Set(q.relevant.map(slugOf));
    const started = performance.now();
    const hits = await kb.search(q.query, { limit: k, passages: 1 });
    times.push(performance.now() - started);
    const rank = hits.findIndex((h) => relevant.has(h.article.slug)) + 1;
    if (rank > 0) {
      rr += 1 / rank;
      if (rank <= 1) r1++;
      if (rank <= 5) r5++;
      if (rank <= 10) r10++;
    }
  }
  times.sort((a, b) => a - b);
  const n = queries.length || 1;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    queries: queries.length,
    'recall@1': round(r1 / n),
    'recall@5': round(r5 / n),
    'recall@10': round(r10 / n),
    mrr: round(rr / n),
    p50_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
  };
}
