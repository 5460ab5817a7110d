// The indexes under DATA_DIR are caches of article_chunks: loaded when they
// match, caught up by difference when the tables moved on, rebuilt when they
// are missing, unreadable or built for another model or vector length.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { EmbeddingSpace } from './embeddings/space.ts';
import { VectorIndex } from './index/vector-index.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { openTestKb, testSettings } from './testing/kb.ts';
import { KnowledgeBase } from './knowledge-base.ts';
import pino from 'pino';

const article = (sections: string[]) => ({
  slug: 'backups',
  title: 'Back up your boards',
  category: 'Accounts',
  body: sections.map((s, i) => `## Part ${i + 1}\n\n${s}`).join('\n\n'),
});

// A paragraph of a few hundred characters about `topic` (one chunk at chunkSize 500).
const long = (topic: string) =>
  `This section explains how to ${topic}. Open the board menu and choose the option for ${topic}. ` +
  `Admins can change who may ${topic} in the workspace settings. If you cannot ${topic}, check your role first and try again later.`;

test('a restart loads the saved indexes instead of rebuilding them', async (t) => {
  const kb = await openTestKb();
  t.teardown(() => kb.close());
  t.is(kb.kb.status().rebuildReason, 'missing');
  await kb.kb.import([article([long('nightly export archive'), long('restore from snapshot'), long('retention of thirty days')])]);
  const before = await kb.kb.search('restore from snapshot');
  await kb.kb.close();

  const again = await kb.reopen();
  const status = again.status();
  t.is(status.source, 'loaded');
  t.is(status.rebuildReason, undefined);
  t.is(status.chunks, kb.kb.status().chunks);
  t.is(status.reembedded, 0);
  const after = await again.search('restore from snapshot');
  t.deepEqual(
    after.map((h) => [h.article.slug, h.passages[0].chunkId]),
    before.map((h) => [h.article.slug, h.passages[0].chunkId]),
  );
});

test('a changed article re-embeds only its changed chunks, and the saved index follows', async (t) => {
  const kb = await openTestKb({ settings: { chunking: { chunkSize: 500, chunkOverlap: 0 } } });
  t.teardown(() => kb.close());
  const first = await kb.kb.import([article([long('nightly export archive'), long('restore from snapshot'), long('retention of thirty days')])]);
  t.is(first.created, 1);
  const chunks = kb.kb.status().chunks;
  t.true(chunks >= 3);

  const second = await kb.kb.import([article([long('nightly export archive'), long('recover deleted boards from the trash'), long('retention of thirty days')])]);
  t.is(second.updated, 1);
  t.is(second.chunksEmbedded, 1, 'only the changed section is embedded again');
  t.is(second.chunksReused, chunks - 1);
  t.is(kb.kb.status().chunks, chunks);
  const hits = await kb.kb.search('recover deleted boards from the trash');
  t.is(hits[0]?.article.slug, 'backups');
  t.true(hits[0].passages[0].text.includes('recover deleted boards'));
  t.false((await kb.kb.search('restore from snapshot')).some((h) => h.passages.some((p) => p.text.includes('snapshot'))));

  await kb.kb.close();
  const again = await kb.reopen();
  t.is(again.status().source, 'loaded');
  t.true((await again.search('recover deleted boards from the trash'))[0].passages[0].text.includes('recover deleted boards'));
});

test('changes made by another process are caught up by difference, not by a rebuild', async (t) => {
  const kb = await openTestKb();
  t.teardown(() => kb.close());
  await kb.kb.import([{ slug: 'exports', title: 'Export your data', body: long('export boards to a zip file') }]);
  await kb.kb.close();

  // Another instance on the same database, with its own index folder.
  const elsewhere = await KnowledgeBase.open({
    knex: kb.db.knex,
    logger: pino({ level: 'silent' }),
    now: () => Date.now(),
    space: EmbeddingSpace.hashed(),
    settings: testSettings(fs.mkdtempSync(path.join(kb.indexDir, 'other-'))),
  });
  await elsewhere.import([{ slug: 'labels', title: 'Colour labels on tasks', body: long('colour labels for tasks') }]);
  await elsewhere.deleteArticle((await elsewhere.getArticleBySlug('exports'))!.id);
  await elsewhere.close();

  const again = await kb.reopen();
  t.is(again.status().source, 'loaded');
  t.is((await again.search('colour labels for tasks'))[0]?.article.slug, 'labels');
  t.false((await again.search('export boards to a zip file')).some((h) => h.article.slug === 'exports'));
});

test('an index with the wrong vector length is rebuilt', async (t) => {
  const kb = await openTestKb();
  t.teardown(() => kb.close());
  await kb.kb.import([{ slug: 'archive', title: 'Archive a board', body: long('archive a finished board') }]);
  await kb.kb.close();

  // Replace the saved vectors with a 256-dimensional index under the same model name.
  const manifestFile = path.join(kb.indexDir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const wrong = VectorIndex.create(256, DEFAULT_SETTINGS.hnsw);
  for (const id of manifest.chunkIds) wrong.add(id, new Float32Array(256).fill(1 / 16));
  await wrong.save(path.join(kb.indexDir, manifest.vectorsFile));
  fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, dimensions: 256 }));

  const again = await kb.reopen();
  t.is(again.status().source, 'built');
  t.regex(again.status().rebuildReason ?? '', /256-dimensional/);
  t.is(again.status().dimensions, 512);
  t.is((await again.search('archive a finished board'))[0]?.article.slug, 'archive');
  await again.close();
  t.is(JSON.parse(fs.readFileSync(manifestFile, 'utf8')).dimensions, 512, 'the rebuilt index is saved');
});

test('an index built with another embedding model is rebuilt, and the chunks embedded again', async (t) => {
  const kb = await openTestKb({ space: EmbeddingSpace.hashed(256) });
  t.teardown(() => kb.close());
  await kb.kb.import([{ slug: 'archive', title: 'Archive a board', body: long('archive a finished board') }]);
  await kb.kb.close();
  const again = await kb.reopen({ space: EmbeddingSpace.hashed(512) });
  t.is(again.status().source, 'built');
  t.regex(again.status().rebuildReason ?? '', /hashed-v1-256/);
  t.true(again.status().reembedded >= 1);
  const models = await kb.db.knex('article_chunks').distinct('embeddingModel');
  t.deepEqual(models.map((m: any) => m.embeddingModel), ['hashed-v1-512']);
  t.is((await again.search('archive a finished board'))[0]?.article.slug, 'archive');
});

test('unreadable index files mean a rebuild, not a failure', async (t) => {
  const kb = await openTestKb();
  t.teardown(() => kb.close());
  await kb.kb.import([{ slug: 'archive', title: 'Archive a board', body: long('archive a finished board') }]);
  await kb.kb.close();
  const manifest = JSON.parse(fs.readFileSync(path.join(kb.indexDir, 'manifest.json'), 'utf8'));
  fs.writeFileSync(path.join(kb.indexDir, manifest.vectorsFile), 'not an index');
  const again = await kb.reopen();
  t.is(again.status().source, 'built');
  t.regex(again.status().rebuildReason ?? '', /unreadable/);
  t.is((await again.search('archive a finished board'))[0]?.article.slug, 'archive');
});

test('after a restart the vectors serve at once; the lexical index joins once loaded', async (t) => {
  const kb = await openTestKb();
  t.teardown(() => kb.close());
  await kb.kb.import([{ slug: 'archive', title: 'Archive a board', body: long('archive a finished board') }]);
  await kb.kb.close();
  const again = await KnowledgeBase.open({
    knex: kb.db.knex,
    logger: pino({ level: 'silent' }),
    now: () => Date.now(),
    space: EmbeddingSpace.hashed(),
    settings: testSettings(kb.indexDir),
  });
  t.teardown(() => again.close());
  t.is(again.status().source, 'loaded');
  t.is(again.status().lexical, 'loading');
  t.is((await again.search('archive a finished board'))[0]?.article.slug, 'archive', 'vectors alone already find it');
  await again.ready();
  t.is(again.status().lexical, 'ready');
  t.is((await again.search('archive a finished board'))[0]?.article.slug, 'archive');
});
