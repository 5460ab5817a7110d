// The LangChain path against a fake OpenAI-compatible server on loopback,
// through the real @langchain/openai client: embeddings, grounded answers
// with citations (plain and streamed), condensed follow-ups, and the
// handoffs when the model fails or finds no answer.
import test from 'ava';
import { openAIChatModel, openAIEmbeddingSpace, type OpenAIEndpoint } from './models.ts';
import { EmbeddingDimensionError } from './embeddings/space.ts';
import { startFakeOpenAI, sourcesIn, type ChatMessage, type FakeOpenAI } from './testing/fake-openai.ts';
import { DEMO_DIR, openTestKb, type TestKb } from './testing/kb.ts';

let fake: FakeOpenAI;
let t: TestKb;
const endpoint = (): OpenAIEndpoint => ({ baseUrl: fake.baseUrl, apiKey: 'test-key', timeoutMs: 5_000, maxRetries: 0 });

const isCondense = (messages: ChatMessage[]) => messages.some((m) => m.content.includes('standalone question'));
const question = (messages: ChatMessage[]) => /Customer's question:\n([\s\S]*)$/.exec(messages.at(-1)!.content)?.[1].trim();

/**
 * Answers from the source titled "Reset a forgotten password", citing first
 * another source (so numbering must change), then it, and a number that
 * does not exist.
 */
function answerFromSources(messages: ChatMessage[]): string {
  if (isCondense(messages)) return 'How long is the password reset link valid?';
  const sources = sourcesIn(messages);
  const reset = sources.find((s) => s.title === 'Reset a forgotten password');
  const other = sources.find((s) => s.n !== reset?.n);
  if (!reset) return 'NO_ANSWER';
  const sso = other ? `With single sign-on, your company resets it [${other.n}]. Otherwise c` : 'C';
  return `${sso}lick "Forgot password?" on the sign-in page [${reset.n}]. The link expires after 1 hour [${reset.n}, 42].`;
}

test.before(async () => {
  fake = await startFakeOpenAI({ respond: answerFromSources, dimensions: 256 });
  t = await openTestKb({
    space: openAIEmbeddingSpace(endpoint(), 'fake-embedding'),
    chatModel: openAIChatModel(endpoint(), 'fake-chat', 0),
    // Low enough that several articles go to the model as numbered sources.
    settings: { confidenceThreshold: 0.1 },
  });
  await t.kb.import(DEMO_DIR);
});
test.after.always(async () => {
  await t?.close();
  await fake?.close();
});

test.serial('embeddings come from the endpoint, with the key and model configured', async (t2) => {
  const embeddingCalls = fake.requests.filter((r) => r.path === '/v1/embeddings');
  t2.true(embeddingCalls.length >= 1);
  t2.is(embeddingCalls[0].body.model, 'fake-embedding');
  t2.is(embeddingCalls[0].body.encoding_format, 'float');
  t2.is(embeddingCalls[0].authorization, 'Bearer test-key');
  t2.is(t.kb.embeddingModel, 'openai:fake-embedding');
  t2.is(t.kb.status().dimensions, 256);
  t2.is((await t.kb.search('forgot my password'))[0]?.article.slug, 'reset-password');
});

test.serial('a grounded answer cites the articles it used, numbered in order of use', async (t2) => {
  fake.requests.length = 0;
  const answer = await t.kb.answer('How do I reset my password?', []);
  t2.is(answer.kind, 'answer');
  t2.is(answer.handoff, undefined);
  t2.is(answer.citations.length, 2);
  t2.not(answer.citations[0].title, 'Reset a forgotten password');
  t2.is(answer.citations[1].title, 'Reset a forgotten password');
  t2.is(answer.citations[1].url, 'http://parley.test/kb/reset-password');
  t2.is(answer.text, 'With single sign-on, your company resets it [1]. Otherwise click "Forgot password?" on the sign-in page [2]. The link expires after 1 hour [2].');
  const chat = fake.requests.filter((r) => r.path === '/v1/chat/completions');
  t2.is(chat.length, 1, 'no condensing without history');
  t2.is(chat[0].body.model, 'fake-chat');
  const system = chat[0].body.messages[0].content as string;
  t2.regex(system, /only the numbered help-center passages/);
  t2.regex(chat[0].body.messages[1].content, /\[1\] .+ \(http:\/\/parley\.test\/kb\/[a-z-]+\)\n/);
});

test.serial('streaming delivers the same text, citations renumbered across token boundaries', async (t2) => {
  const tokens: string[] = [];
  const answer = await t.kb.answer('How do I reset my password?', [], { onToken: (token) => tokens.push(token) });
  t2.true(tokens.length > 10);
  t2.is(tokens.join('').trim(), answer.text);
  t2.regex(answer.text, /page \[2\]\. The link expires after 1 hour \[2\]\.$/);
  t2.true(fake.requests.at(-1)!.body.stream);
});

test.serial('a follow-up is condensed with the conversation before retrieval', async (t2) => {
  fake.requests.length = 0;
  const history = [
    { role: 'customer' as const, text: 'I forgot my password' },
    { role: 'bot' as const, text: 'Use Forgot password? on the sign-in page [1].', citations: [{ articleId: 1, title: 'Reset a forgotten password', url: 'x' }] },
  ];
  const answer = await t.kb.answer('and how long does that link work?', history);
  t2.is(answer.question, 'How long is the password reset link valid?');
  t2.is(answer.kind, 'answer', JSON.stringify(answer));
  t2.true(answer.citations.some((c) => c.title === 'Reset a forgotten password'));
  const [condense, respond] = fake.requests.filter((r) => r.path === '/v1/chat/completions');
  t2.regex(condense.body.messages[0].content, /Customer: I forgot my password\nAssistant: Use Forgot password\?/);
  t2.regex(condense.body.messages[0].content, /and how long does that link work\?/);
  t2.is(question(respond.body.messages), 'How long is the password reset link valid?');
});

test.serial('a failing chat model hands off with reason model_error, still suggesting articles', async (t2) => {
  fake.respond = () => ({ status: 500, message: 'model overloaded' });
  t2.teardown(() => (fake.respond = answerFromSources));
  const answer = await t.kb.answer('How do I reset my password?', []);
  t2.deepEqual(answer.handoff, { reason: 'model_error' });
  t2.is(answer.kind, 'handoff');
  t2.regex(answer.text, /couldn't put an answer together/);
  t2.is(answer.citations[0]?.title, 'Reset a forgotten password');
});

test.serial('when the passages do not answer, the model says so and the bot hands off', async (t2) => {
  fake.respond = (messages) => (isCondense(messages) ? 'x' : 'NO_ANSWER');
  t2.teardown(() => (fake.respond = answerFromSources));
  const tokens: string[] = [];
  const answer = await t.kb.answer('How do I reset my password?', [], { onToken: (x) => tokens.push(x) });
  t2.deepEqual(answer.handoff, { reason: 'low_confidence' });
  t2.deepEqual(tokens, [], 'NO_ANSWER is never streamed to the customer');
});

test.serial('a failing embedding endpoint: search falls back to words, the bot hands off', async (t2) => {
  fake.embeddingsStatus = 503;
  t2.teardown(() => (fake.embeddingsStatus = undefined));
  const hits = await t.kb.search('forgot password reset');
  t2.is(hits[0]?.article.slug, 'reset-password');
  const answer = await t.kb.answer('How do I reset my password?', []);
  t2.deepEqual(answer.handoff, { reason: 'model_error' });
});

test.serial('an endpoint answering with another vector length than stored fails clearly at start', async (t2) => {
  fake.dimensions = 128;
  t2.teardown(() => (fake.dimensions = 256));
  const error = await t2.throwsAsync(() => t.reopen({ space: openAIEmbeddingSpace(endpoint(), 'fake-embedding') }), { instanceOf: EmbeddingDimensionError });
  t2.regex(error!.message, /returns 128-dimensional vectors, but the knowledge base holds 256-dimensional ones/);
  t2.regex(error!.message, /kb:reindex/);
});
