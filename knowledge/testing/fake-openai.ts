// A fake OpenAI-compatible server on loopback for tests: /v1/embeddings and
// /v1/chat/completions (plain and streamed as server-sent events), so the
// real @langchain/openai client runs against it. Embeddings come from the
// offline hashed embedding (meaningful and deterministic); chat replies come
// from a function the test provides. Every request is recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashedEmbeddings } from '../embeddings/hashed.ts';

export interface ChatMessage {
  role: string;
  content: string;
}

/** Returns the assistant's text, or an error status to answer with. */
export type ChatResponder = (messages: ChatMessage[]) => string | { status: number; message: string };

export interface FakeOpenAI {
  url: string;
  /** Base URL for clients (ends in /v1). */
  baseUrl: string;
  requests: { path: string; body: any; authorization?: string }[];
  respond: ChatResponder;
  /** Vector length the embeddings endpoint returns (change it to simulate another model). */
  dimensions: number;
  /** Make /v1/embeddings fail with this status. */
  embeddingsStatus?: number;
  close(): Promise<void>;
}

export async function startFakeOpenAI(options: { respond?: ChatResponder; dimensions?: number } = {}): Promise<FakeOpenAI> {
  const fake: FakeOpenAI = {
    url: '',
    baseUrl: '',
    requests: [],
    respond: options.respond ?? (() => 'OK'),
    dimensions: options.dimensions ?? 64,
    close: async () => {},
  };
  const embedders = new Map<number, HashedEmbeddings>();
  const embed = (text: string) => {
    let e = embedders.get(fake.dimensions);
    if (!e) embedders.set(fake.dimensions, (e = new HashedEmbeddings({ dimensions: fake.dimensions })));
    return Array.from(e.vector(text));
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: any = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return send(res, 400, { error: { message: 'bad json', type: 'invalid_request_error' } });
    }
    const path = (req.url ?? '').replace(/\?.*$/, '');
    fake.requests.push({ path, body, authorization: req.headers.authorization });

    if (req.method === 'POST' && path === '/v1/embeddings') {
      if (fake.embeddingsStatus) return send(res, fake.embeddingsStatus, { error: { message: 'embeddings unavailable', type: 'server_error' } });
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const data = inputs.map((text, index) => {
        const vector = embed(String(text));
        const embedding = body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      return send(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 0, total_tokens: 0 } });
    }

    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const messages: ChatMessage[] = (body.messages ?? []).map((m: any) => ({
        role: m.role,
        content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p: any) => p.text ?? '').join(''),
      }));
      let reply: ReturnType<ChatResponder>;
      try {
        reply = fake.respond(messages);
      } catch (error) {
        reply = { status: 500, message: `fake responder failed: ${(error as Error).message}` };
      }
      if (typeof reply !== 'string') return send(res, reply.status, { error: { message: reply.message, type: 'server_error' } });
      const id = `chatcmpl-${fake.requests.length}`;
      const created = Math.floor(Date.now() / 1000);
      if (!body.stream) {
        return send(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (delta: Record<string, unknown>, finish: string | null) =>
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      event({ role: 'assistant', content: '' }, null);
      // Small pieces, so citation markers arrive split across chunks.
      for (const piece of reply.match(/.{1,3}/gs) ?? []) event({ content: piece }, null);
      event({}, 'stop');
      res.end('data: [DONE]\n\n');
      return;
    }
    send(res, 404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.baseUrl = `${fake.url}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The numbered sources in an answer prompt: "[1] Title (url)" lines. */
export function sourcesIn(messages: ChatMessage[]): { n: number; title: string }[] {
  const text = messages.map((m) => m.content).join('\n');
  return [...text.matchAll(/^\[(\d+)\] (.+?) \(http[^)]*\)$/gm)].map((m) => ({ n: Number(m[1]), title: m[2] }));
}
