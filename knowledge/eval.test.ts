// The quality floor on the shared StackFAQ development split: the offline
// retrieval (hashed embeddings + BM25, fused) must keep MRR >= 0.80. A plain
// BM25 scores about 0.74 on it.
import path from 'node:path';
import test from 'ava';
import { evaluate, readEvalQueries } from './eval.ts';
import { slugify } from './text/slug.ts';
import { openTestKb, STACKFAQ_DIR } from './testing/kb.ts';

test('offline retrieval on the StackFAQ dev set: MRR >= 0.80', async (t) => {
  const kb = await openTestKb();
  t.teardown(() => kb.close());
  const imported = await kb.kb.import(path.join(STACKFAQ_DIR, 'articles.jsonl'));
  t.is(imported.created, 125);
  const queries = readEvalQueries(path.join(STACKFAQ_DIR, 'queries.jsonl'));
  t.is(queries.length, 625);
  const report = await evaluate(kb.kb, queries, { slugOf: slugify });
  t.log(JSON.stringify(report));
  t.true(report.mrr >= 0.8, `MRR ${report.mrr}`);
  t.true(report['recall@10'] >= 0.95, `recall@10 ${report['recall@10']}`);
  t.true(report['recall@1'] <= report['recall@5'] && report['recall@5'] <= report['recall@10']);
});
