// The offline knowledge base end to end: the demo articles imported, searched
// and used to answer, with handoffs where the bot should not answer.
import test from 'ava';
import { DEMO_DIR, openTestKb, type TestKb } from './testing/kb.ts';

let t: TestKb;
test.before(async () => {
  t = await openTestKb();
  const result = await t.kb.import(DEMO_DIR);
  if (result.created < 20) throw new Error(`demo import created ${result.created} articles`);
});
test.after.always(async () => {
  await t?.close();
});

const cases: [string, string][] = [
  ['How do I reset my password?', 'reset-password'],
  ['can I get a refund for my annual plan?', 'refunds'],
  ['how to connect slack', 'slack-integration'],
  ['what is the max file size for attachments', 'attachments-wont-upload'],
  ['how much does the team plan cost', 'plans-and-pricing'],
  ['my card was declined', 'failed-payment'],
  ['I lost my phone and can not log in', 'lost-two-factor-device'],
  ['import my trello boards', 'import-from-other-tools'],
];

for (const [question, slug] of cases) {
  test(`answers "${question}" from ${slug}, citing it`, async (t2) => {
    const answer = await t.kb.answer(question, []);
    t2.is(answer.kind, 'answer');
    t2.is(answer.handoff, undefined);
    t2.is(answer.citations[0]?.url, `http://parley.test/kb/${slug}`);
    t2.true(answer.confidence >= t.kb.settings.confidenceThreshold);
    t2.true(answer.text.includes(`Full article: http://parley.test/kb/${slug}`));
    t2.true(answer.text.startsWith(`Here's what our help article "${answer.citations[0].title}" says:`));
  });
}

test('an extractive answer quotes the part that answers, steps as steps', async (t2) => {
  const answer = await t.kb.answer('How do I reset my password?', []);
  t2.regex(answer.text, /1\. Go to harbor\.example\/login and click Forgot password\?\n2\. /);
  t2.false(answer.text.includes('**'), 'markdown emphasis is stripped');
  const pricing = await t.kb.answer('how much does the team plan cost', []);
  t2.true(pricing.text.includes('Team: $8 per member per month'));
});

test('an off-topic question is handed off, not guessed', async (t2) => {
  for (const question of ['what is the weather in Paris', 'do you have a dark mode?']) {
    const answer = await t.kb.answer(question, []);
    t2.is(answer.kind, 'handoff');
    t2.deepEqual(answer.handoff, { reason: 'low_confidence' });
    t2.true(answer.confidence < t.kb.settings.confidenceThreshold);
    t2.regex(answer.text, /passed your question to our support team/);
  }
});

test('a low-confidence handoff suggests the closest articles', async (t2) => {
  const answer = await t.kb.answer('can I pay by bank transfer', []);
  t2.is(answer.handoff?.reason, 'low_confidence');
  t2.true(answer.citations.length > 0);
  for (const c of answer.citations) t2.true(answer.text.includes(`- ${c.title}: ${c.url}`));
});

test('"I want to talk to a person" hands off, suggesting articles for the earlier question', async (t2) => {
  const alone = await t.kb.answer('I want to talk to a person', []);
  t2.deepEqual(alone.handoff, { reason: 'customer_request' });
  t2.deepEqual(alone.citations, []);
  const after = await t.kb.answer('Can I speak with someone please?', [
    { role: 'customer', text: 'my card was declined' },
    { role: 'bot', text: '...', citations: [{ articleId: 1, title: 'x', url: 'y' }] },
  ]);
  t2.deepEqual(after.handoff, { reason: 'customer_request' });
  t2.true(after.citations.some((c) => c.url.endsWith('/kb/failed-payment')));
});

test('the same question coming back after an answer is handed off', async (t2) => {
  const first = await t.kb.answer('How do I reset my password?', []);
  const history = [
    { role: 'customer' as const, text: 'How do I reset my password?' },
    { role: 'bot' as const, text: first.text, citations: first.citations },
  ];
  const again = await t.kb.answer('how can I reset my password', history);
  t2.deepEqual(again.handoff, { reason: 'repeated_question' });
  t2.regex(again.text, /earlier answer didn't solve this/);
  // A different question in the same conversation is answered.
  const other = await t.kb.answer('how to connect slack', history);
  t2.is(other.kind, 'answer');
});

test('greetings and thanks get a short reply, not a search', async (t2) => {
  const hi = await t.kb.answer('Hi there!', []);
  t2.is(hi.kind, 'small_talk');
  t2.deepEqual(hi.citations, []);
  const thanks = await t.kb.answer('thanks a lot', []);
  t2.is(thanks.kind, 'small_talk');
  t2.regex(thanks.text, /welcome/);
});

test('search returns articles with their best passages and calibrated scores', async (t2) => {
  const hits = await t.kb.search('two-factor authentication recovery codes', { limit: 3 });
  t2.is(hits.length, 3);
  t2.is(hits[0].article.slug, 'lost-two-factor-device');
  t2.true(hits[0].passages.length >= 1 && hits[0].passages[0].text.includes('recovery code'));
  t2.true(hits.every((h) => h.score > 0 && h.score < 1));
  t2.true(hits[0].score > hits[2].score);
  t2.is(new Set(hits.map((h) => h.article.id)).size, 3, 'one hit per article');
  t2.deepEqual(await t.kb.search('   '), []);
});

test('related articles exclude the article itself', async (t2) => {
  const article = await t.kb.getArticleBySlug('two-factor-authentication');
  t2.truthy(article);
  const related = await t.kb.related(article!.id, { limit: 3 });
  t2.is(related.length, 3);
  t2.false(related.some((h) => h.article.id === article!.id));
  t2.true(related.some((h) => h.article.slug === 'lost-two-factor-device'));
});

test('articles and categories are listed for the portal', async (t2) => {
  const categories = await t.kb.listCategories();
  t2.deepEqual(
    categories.map((c) => c.name),
    ['Accounts', 'Billing', 'Integrations', 'Troubleshooting'],
  );
  const troubleshooting = categories.find((c) => c.slug === 'troubleshooting')!;
  t2.deepEqual(troubleshooting.children.map((c) => c.slug), ['troubleshooting-mobile-app']);
  t2.is(troubleshooting.children[0].articleCount, 1);
  const billing = await t.kb.listArticles({ categorySlug: 'billing' });
  t2.true(billing.length >= 7);
  t2.true(billing.every((a) => a.categoryId === categories.find((c) => c.slug === 'billing')!.id));
  const article = await t.kb.getArticleBySlug('refunds');
  t2.is(article?.title, 'Refund policy');
  t2.true(article!.body.startsWith('We want you to pay'), 'the leading title heading is not part of the body');
  t2.deepEqual(article!.tags.slice(0, 2), ['refund', 'money back']);
  t2.is(article!.url, 'http://parley.test/kb/refunds');
});

test.serial('drafts are stored but neither searched nor shown', async (t2) => {
  await t.kb.saveArticle({ slug: 'dark-mode', title: 'Use dark mode', body: 'Turn on dark mode in Profile, Appearance, Theme: dark.', category: 'Accounts', status: 'draft' });
  t2.is(await t.kb.getArticleBySlug('dark-mode'), undefined);
  t2.truthy(await t.kb.getArticleBySlug('dark-mode', { includeDrafts: true }));
  t2.false((await t.kb.search('dark mode theme')).some((h) => h.article.slug === 'dark-mode'));
  await t.kb.saveArticle({ slug: 'dark-mode', title: 'Use dark mode', body: 'Turn on dark mode in Profile, Appearance, Theme: dark.', category: 'Accounts', status: 'published' });
  t2.is((await t.kb.search('dark mode theme'))[0]?.article.slug, 'dark-mode');
  t2.true(await t.kb.deleteArticle((await t.kb.getArticleBySlug('dark-mode'))!.id));
  t2.false((await t.kb.search('dark mode theme')).some((h) => h.article.slug === 'dark-mode'));
});

test.serial('re-importing unchanged articles writes nothing; counters count', async (t2) => {
  const again = await t.kb.import(DEMO_DIR);
  t2.is(again.created, 0);
  t2.is(again.updated, 0);
  t2.is(again.chunksEmbedded, 0);
  const article = (await t.kb.getArticleBySlug('refunds'))!;
  await t.kb.recordView(article.id);
  await t.kb.recordFeedback(article.id, true);
  await t.kb.recordFeedback(article.id, false);
  const after = (await t.kb.getArticleBySlug('refunds'))!;
  t2.is(after.viewCount, article.viewCount + 1);
  t2.is(after.helpfulCount, article.helpfulCount + 1);
  t2.is(after.notHelpfulCount, article.notHelpfulCount + 1);
});
