// The kb:* commands as a user runs them (through the CLI entry point), on a
// temporary DATA_DIR with the embedded database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import { DEMO_DIR } from '../../knowledge/index.ts';
import { STACKFAQ_DIR } from '../../knowledge/testing/kb.ts';
import { main } from '../cli.ts';

async function run(args: string[], env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough(), env: { LOG_LEVEL: 'silent', ...env } });
  return { code, out, err };
}

function tempDir(t: { teardown(fn: () => void): void }, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('kb:import imports a folder, a second run changes nothing; kb:search and kb:reindex use it', async (t) => {
  const env = { DATA_DIR: tempDir(t, 'parley-kbcli-') };
  const first = await run(['kb:import', DEMO_DIR, '--json'], env);
  t.is(first.code, 0, first.err);
  const summary = JSON.parse(first.out);
  t.is(summary.created, summary.articles);
  t.true(summary.articles >= 20);
  t.regex(first.err, new RegExp(`imported ${summary.articles}/${summary.articles} articles`));

  const second = await run(['kb:import', DEMO_DIR, '--json'], env);
  t.like(JSON.parse(second.out), { created: 0, updated: 0, unchanged: summary.articles, chunksEmbedded: 0 });

  const search = await run(['kb:search', 'how do I cancel my subscription', '--json', '--limit', '3'], env);
  t.is(search.code, 0, search.err);
  const hits = JSON.parse(search.out);
  t.is(hits.length, 3);
  t.is(hits[0].slug, 'cancel-subscription');
  t.is(hits[0].url, 'http://localhost:3000/kb/cancel-subscription');
  const text = await run(['kb:search', 'refund'], env);
  t.regex(text.out, /^1\. Refund policy {2}\(score 0\.\d\d\)\n {3}http:\/\/localhost:3000\/kb\/refunds\n/);

  const reindex = await run(['kb:reindex', '--json'], env);
  t.is(reindex.code, 0, reindex.err);
  t.like(JSON.parse(reindex.out), { articles: summary.articles, embeddingModel: 'hashed-v1-512', dimensions: 512 });
});

test('kb:eval measures a labelled set in a temporary knowledge base, leaving DATA_DIR alone', async (t) => {
  const dataDir = tempDir(t, 'parley-kbeval-');
  const articles = fs.readFileSync(path.join(STACKFAQ_DIR, 'articles.jsonl'), 'utf8').split('\n').slice(0, 20).join('\n');
  const ids = new Set(articles.split('\n').map((l) => JSON.parse(l).id));
  const queries = fs
    .readFileSync(path.join(STACKFAQ_DIR, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l && ids.has(JSON.parse(l).relevant[0]))
    .join('\n');
  const files = tempDir(t, 'parley-kbeval-files-');
  fs.writeFileSync(path.join(files, 'a.jsonl'), articles);
  fs.writeFileSync(path.join(files, 'q.jsonl'), queries);

  const result = await run(['kb:eval', '--articles', path.join(files, 'a.jsonl'), '--queries', path.join(files, 'q.jsonl'), '--k', '10', '--json'], { DATA_DIR: dataDir });
  t.is(result.code, 0, result.err);
  const report = JSON.parse(result.out);
  t.deepEqual(Object.keys(report), ['queries', 'recall@1', 'recall@5', 'recall@10', 'mrr', 'p50_ms', 'p95_ms']);
  t.is(report.queries, 100);
  t.true(report.mrr > 0.8);
  t.deepEqual(fs.readdirSync(dataDir), [], 'nothing written to the user data folder');
});

test('bad input is refused with the file named', async (t) => {
  const env = { DATA_DIR: tempDir(t, 'parley-kbbad-') };
  const dir = tempDir(t, 'parley-kbsrc-');
  fs.writeFileSync(path.join(dir, 'ok.md'), '---\ntitle: Fine\n---\nBody.');
  fs.writeFileSync(path.join(dir, 'bad.md'), '---\ntitle: Bad\nstatus: archived\n---\nBody.');
  const bad = await run(['kb:import', dir], env);
  t.is(bad.code, 1);
  t.regex(bad.err, /bad\.md: status: /);
  t.is((await run(['kb:import'], env)).code, 2);
  t.is((await run(['kb:eval', '--articles', 'x.jsonl'], env)).code, 2);
});
