// The knowledge feature in the whole service: the demo articles imported at
// start, a customer message answered by the bot through the job runner and the
// outbox, the article pages, the chat model switched on by configuration, and
// configuration errors that name their variable.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { ChannelAdapter, OutboundMessage } from '../../core/index.ts';
import { startFakeOpenAI, sourcesIn } from '../../knowledge/testing/fake-openai.ts';
import { ConfigError } from '../config.ts';
import type { Feature } from '../server.ts';
import { startTestParley } from '../testing/test-parley.ts';
import { parseKnowledgeEnv } from './knowledge.ts';

/** A channel adapter that records what the outbox delivers. */
function recordingChannel(sent: OutboundMessage[]): Feature {
  const adapter: ChannelAdapter = {
    channel: 'teams',
    start: async () => {},
    stop: async () => {},
    send: async (message) => {
      sent.push(message);
      return { externalId: `sent-${message.deliveryId}` };
    },
  };
  return (parts) => void parts.adapters.set('teams', adapter);
}

async function until<T>(read: () => T | undefined | Promise<T | undefined>, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const question = (text: string, thread: string) => ({
  channel: 'teams' as const,
  externalId: `teams-${thread}-${text.length}`,
  threadKey: thread,
  sender: { externalUserId: `user-${thread}`, name: 'Dana' },
  text,
  attachments: [],
  receivedAt: Date.now(),
  replyRef: { conversation: thread },
});

test('npm start imports the demo articles and the bot answers through the outbox', async (t) => {
  const sent: OutboundMessage[] = [];
  const service = await startTestParley({ env: { PUBLIC_URL: 'http://help.example.test' }, features: [recordingChannel(sent)] });
  t.teardown(() => service.close());
  const kb = service.parley.knowledge!;
  t.truthy(kb);
  t.true((await kb.countArticles()) >= 20);
  t.true(fs.existsSync(path.join(service.dataDir, 'knowledge-index')), 'the index is kept under DATA_DIR');

  const { ticket } = await service.parley.core.receive(question('How do I reset my password?', 'thread-1'));
  const answer = await until(() => sent.find((m) => m.ticketId === ticket.id));
  t.is(answer.authorType, 'bot');
  t.is(answer.purpose, 'answer');
  t.regex(answer.text, /Reset a forgotten password/);
  t.deepEqual(answer.citations.map((c) => c.url), ['http://help.example.test/kb/reset-password']);
  t.true((answer.meta.confidence as number) > 0.35);

  const { ticket: other } = await service.parley.core.receive(question('Can I talk to a human please', 'thread-2'));
  const note = await until(() => sent.find((m) => m.ticketId === other.id));
  t.deepEqual(note.meta.handoff, { reason: 'customer_request' });
  const handedOff = await until(async () => {
    const row = await service.parley.db.knex('tickets').where({ id: other.id }).first();
    return row.handler === 'human' ? row : undefined;
  });
  t.is(handedOff.handoffReason, 'customer_request');
});

test('article links in answers open a page when nothing else serves them', async (t) => {
  const service = await startTestParley({ env: { KB_BOT: 'false' } });
  t.teardown(() => service.close());
  const res = await fetch(`${service.url}/kb/reset-password`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /text\/html/);
  const html = await res.text();
  t.regex(html, /<h1>Reset a forgotten password<\/h1>/);
  t.regex(html, /<ol>\s*<li>Go to <strong>harbor\.example\/login<\/strong>/);
  t.is((await fetch(`${service.url}/kb/no-such-article`)).status, 404);
  const article = await service.parley.knowledge!.getArticleBySlug('reset-password');
  t.is(article!.viewCount, 1);
});

test('with a chat model configured, the bot answers in the model\'s words with citations', async (t) => {
  const fake = await startFakeOpenAI({
    respond: (messages) => {
      const source = sourcesIn(messages).find((s) => s.title === 'Reset a forgotten password');
      return source ? `Use "Forgot password?" on the sign-in page [${source.n}].` : 'NO_ANSWER';
    },
  });
  t.teardown(() => fake.close());
  const sent: OutboundMessage[] = [];
  const service = await startTestParley({
    env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_CHAT_MODEL: 'fake-chat', OPENAI_MAX_RETRIES: '0', KB_DEMO: 'true' },
    features: [recordingChannel(sent)],
  });
  t.teardown(() => service.close());
  const { ticket } = await service.parley.core.receive(question('I forgot my password', 'thread-3'));
  const answer = await until(() => sent.find((m) => m.ticketId === ticket.id));
  t.is(answer.text, 'Use "Forgot password?" on the sign-in page [1].');
  t.is(answer.citations[0].title, 'Reset a forgotten password');
  t.true(fake.requests.some((r) => r.path === '/v1/chat/completions' && r.body.model === 'fake-chat'));
  t.false(fake.requests.some((r) => r.path === '/v1/embeddings'), 'embeddings stay offline unless a model is named');
});

test('KB_DEMO=false leaves an empty knowledge base empty', async (t) => {
  const service = await startTestParley({ env: { KB_DEMO: 'false', KB_BOT: 'false' } });
  t.teardown(() => service.close());
  t.is(await service.parley.knowledge!.countArticles(), 0);
});

test('bad settings stop boot with the variable named', (t) => {
  const named = (env: Record<string, string>, variable: string) => {
    const error = t.throws(() => parseKnowledgeEnv(env), { instanceOf: ConfigError });
    t.is(error!.variable, variable);
  };
  named({ OPENAI_CHAT_MODEL: 'gpt-4o-mini' }, 'OPENAI_CHAT_MODEL');
  named({ OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small' }, 'OPENAI_EMBEDDING_MODEL');
  named({ OPENAI_BASE_URL: 'localhost:11434' }, 'OPENAI_BASE_URL');
  named({ KB_CONFIDENCE_THRESHOLD: '2' }, 'KB_CONFIDENCE_THRESHOLD');
  named({ KB_CHUNK_SIZE: '500', KB_CHUNK_OVERLAP: '600' }, 'KB_CHUNK_OVERLAP');
  named({ KB_DEMO: 'maybe' }, 'KB_DEMO');
  const ok = parseKnowledgeEnv({ OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_CHAT_MODEL: 'llama3.1' });
  t.is(ok.OPENAI_CHAT_MODEL, 'llama3.1');
  t.is(ok.KB_CONFIDENCE_THRESHOLD, 0.35);
});
