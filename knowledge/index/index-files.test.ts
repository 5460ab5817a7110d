import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { DEFAULT_SETTINGS } from '../settings.ts';
import { IndexFiles } from './index-files.ts';
import { LexicalIndex } from './lexical-index.ts';
import { VectorIndex } from './vector-index.ts';

const unit = (i: number) => {
  const v = new Float32Array(16);
  v[i % 16] = 1;
  return v;
};

test('a save may keep the previous lexical file; each index loads with its own chunk ids', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-index-files-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = new IndexFiles(dir);
  const { hnsw, lexical: lexicalSettings } = DEFAULT_SETTINGS;
  const vectors = VectorIndex.create(16, hnsw);
  const lexical = LexicalIndex.create(lexicalSettings);
  for (const id of [1, 2]) {
    vectors.add(id, unit(id));
    lexical.add({ id, title: `Article ${id}`, text: 'about exports' });
  }
  await files.save({ vectors, lexical, lexicalSettings }, 'model-a', 1);

  vectors.add(3, unit(3));
  await files.save({ vectors, lexicalSettings }, 'model-a', 2);
  t.is(fs.readdirSync(dir).filter((f) => f.startsWith('lexical-')).length, 1, 'the lexical file was kept, not rewritten');
  t.is(fs.readdirSync(dir).filter((f) => f.startsWith('vectors-')).length, 1, 'the replaced vector file is gone');

  const outcome = await files.manifest({ embeddingModel: 'model-a', dimensions: 16, lexical: lexicalSettings });
  if (!outcome.ok) return t.fail(outcome.reason);
  t.deepEqual(outcome.manifest.chunkIds, [1, 2, 3]);
  t.deepEqual(outcome.manifest.lexicalChunkIds, [1, 2]);
  t.deepEqual((await files.loadVectors(outcome.manifest, hnsw)).ids().sort(), [1, 2, 3]);
  t.deepEqual((await files.loadLexical(outcome.manifest, lexicalSettings)).ids().sort(), [1, 2]);

  const other = await files.manifest({ embeddingModel: 'model-b', dimensions: 16, lexical: lexicalSettings });
  t.deepEqual(other, { ok: false, reason: 'built with embedding model model-a' });
  await t.throwsAsync(() => files.save({ vectors, lexicalSettings: { ...lexicalSettings, titleBoost: 3 } }, 'model-a', 3), { message: /no lexical index file to keep/ });
});
