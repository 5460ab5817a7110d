import test from 'ava';
import { LexicalIndex } from './lexical-index.ts';

const settings = { titleBoost: 2, k1: 1.2, b: 0.75, postingBudget: 1_000_000 };

function corpus(budget: number): LexicalIndex {
  const index = LexicalIndex.create({ ...settings, postingBudget: budget });
  for (let i = 1; i <= 40; i++) index.add({ id: i, title: `Account question ${i}`, text: 'Your account settings and account profile.' });
  index.add({ id: 100, title: 'Webhook signatures', text: 'Check the webhook signature on your account.' });
  return index;
}

test('stemmed BM25 over title and text; the title counts more', (t) => {
  const index = LexicalIndex.create(settings);
  index.add({ id: 1, title: 'Exporting boards', text: 'How exports work.' });
  index.add({ id: 2, title: 'Archive', text: 'You can export an archived board too.' });
  t.deepEqual(
    index.query('export my board', 10).map((h) => h.id),
    [1, 2],
  );
  index.remove(1);
  t.deepEqual(
    index.query('export', 10).map((h) => h.id),
    [2],
  );
  t.deepEqual(index.query('the and of', 10), [], 'stop words only: nothing to search');
});

test('within the posting budget every term is searched', (t) => {
  const hits = corpus(1_000_000).query('account webhook', 100);
  t.is(hits.length, 41);
  t.is(hits[0].id, 100, 'the chunk with both terms ranks first');
});

test('over the budget, the rarest terms are kept and the common ones dropped', (t) => {
  const index = corpus(10);
  t.true(index.plansQueries, 'MiniSearch still exposes posting counts (check after upgrading it)');
  t.deepEqual(
    index.query('account webhook', 100).map((h) => h.id),
    [100],
  );
  // A query of common terms only still searches its rarest one.
  t.is(index.query('account', 100).length, 41);
});
