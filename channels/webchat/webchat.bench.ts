// Suite `webchat`: how many live widget streams one service process holds and
// at what memory, how fast a message reaches every watcher of a conversation,
// and how many visitor messages per second go through HTTP into the core.
// The service runs in a child process (bench/service-process.ts), the whole
// service as `npm start` builds it (bot off, so posts measure the channel and
// the core, not answering), on a fresh SQLite database.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const suite = 'webchat';

type Report = (f: { name: string; value: number; unit: string; ceiling?: number; ceilingName?: string; target?: string }) => void;

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run(report: Report, options: { env: NodeJS.ProcessEnv; quick: boolean }): Promise<void> {
  const clients = Number(options.env.WEBCHAT_BENCH_CLIENTS) || (options.quick ? 1_000 : 10_000);
  const watchers = options.quick ? 200 : 1_000;
  const rounds = options.quick ? 10 : 30;
  const posts = options.quick ? 1_000 : 5_000;

  // Ceiling for memory: bare Node HTTP holding the same number of streams.
  const raw = await startProcess('raw-sse-process.ts', options.env, {});
  let rawPerClient: number;
  try {
    const idle = await raw.rss();
    const held = await mapLimit(Array.from({ length: clients }, () => '/'), 200, (link) => openStream(raw.url, link));
    rawPerClient = ((await raw.rss()) - idle) / held.length / 1024;
    for (const s of held) s.close();
  } finally {
    await raw.stop();
  }

  const service = await startService(options.env);
  try {
    const base = await service.rss();

    // Visitor messages per second through HTTP, next to what the same server
    // answers on its cheapest route (the ceiling for any HTTP figure here).
    const ceiling = await requestRate(`${service.url}/healthz`, 'GET', () => undefined, posts, 16);
    const visitors = await Promise.all(Array.from({ length: 16 }, () => session(service.url)));
    let n = 0;
    const rate = await requestRate(`${service.url}/chat/api/messages`, 'POST', (worker) => {
      const visitor = visitors[worker % visitors.length]!;
      return {
        headers: { authorization: `Bearer ${visitor}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: randomUUID().replace(/-/g, ''), conversationKey: `bench-${++n}-${worker}`.padEnd(8, '0'), text: 'How do I reset my password?' }),
      };
    }, posts, 16);
    report({ name: 'post_messages_per_s', value: rate, unit: 'msg/s', ceiling, ceilingName: 'healthz_req_per_s', target: 'next to core/inbound_sqlite' });

    // Conversations for the idle watchers: one visitor, one conversation each.
    const links = await mapLimit(Array.from({ length: clients }, (_, i) => i), 32, async () => {
      const token = await session(service.url);
      const posted = await api(service.url, 'POST', '/chat/api/messages', token, {
        clientMessageId: randomUUID().replace(/-/g, ''),
        conversationKey: randomUUID().replace(/-/g, ''),
        text: 'Hello',
      });
      const view = await api(service.url, 'GET', `/chat/api/conversations/${posted.conversation.id}`, token);
      return view.stream as string;
    });
    const before = await service.rss();
    const streams = await mapLimit(links, 200, (link) => openStream(service.url, link));
    const held = await service.rss();
    report({ name: 'sse_clients', value: streams.length, unit: 'clients', target: '10,000' });
    report({ name: 'sse_rss_mb', value: held / 1048576, unit: 'MB', target: '< 300 MB with 10,000 clients' });
    report({
      name: 'sse_rss_per_client_kb',
      value: (held - before) / streams.length / 1024,
      unit: 'KB',
      ceiling: rawPerClient,
      ceilingName: 'node_http_sse_rss_per_client_kb',
    });
    report({ name: 'service_rss_idle_mb', value: base / 1048576, unit: 'MB' });

    // Fan-out: `watchers` streams on one conversation (with the idle ones
    // still open); a visitor message posted over HTTP, timed until it has
    // reached each watcher.
    const owner = await session(service.url);
    const first = await api(service.url, 'POST', '/chat/api/messages', owner, { clientMessageId: randomUUID().replace(/-/g, ''), conversationKey: randomUUID().replace(/-/g, ''), text: 'fan-out' });
    const ticketId = first.conversation.id as number;
    const link = (await api(service.url, 'GET', `/chat/api/conversations/${ticketId}`, owner)).stream as string;
    const audience = await mapLimit(Array.from({ length: watchers }, () => link), 100, (l) => openStream(service.url, l));
    const latencies: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const marker = `fanout-${round}-${randomUUID()}`;
      const arrivals = audience.map((s) => s.waitFor(marker));
      const sent = performance.now();
      await api(service.url, 'POST', '/chat/api/messages', owner, { clientMessageId: randomUUID().replace(/-/g, ''), conversationId: ticketId, text: marker });
      for (const at of await Promise.all(arrivals)) latencies.push(at - sent);
    }
    latencies.sort((a, b) => a - b);
    report({ name: 'fanout_p99_ms', value: percentile(latencies, 0.99), unit: 'ms', target: '<= 100 ms' });
    report({ name: 'fanout_p50_ms', value: percentile(latencies, 0.5), unit: 'ms' });
    report({ name: 'fanout_watchers', value: audience.length, unit: 'clients' });

    for (const s of [...streams, ...audience]) s.close();
  } finally {
    await service.stop();
  }
}

interface Service {
  url: string;
  rss(): Promise<number>;
  stop(): Promise<void>;
}

function startService(env: NodeJS.ProcessEnv): Promise<Service> {
  return startProcess('service-process.ts', env, {
    PORT: '0',
    LOG_LEVEL: 'error',
    KB_BOT: 'false',
    EMAIL_SMTP_ENABLED: 'false',
    WEBCHAT_POSTS_PER_MINUTE: '10000',
    WEBCHAT_SESSIONS_PER_MINUTE: '100000',
    WORKER_POLL_MS: '200',
  });
}

/** Runs bench/<script> in a child process with a fresh DATA_DIR. */
async function startProcess(script: string, env: NodeJS.ProcessEnv, extra: Record<string, string>): Promise<Service> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-webchat-bench-'));
  const child: ChildProcess = fork(path.join(here, 'bench', script), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { PATH: env.PATH, DATA_DIR: dataDir, ...extra },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`bench service exited with ${code}`)));
  });
  let next = 0;
  return {
    url,
    rss: () =>
      new Promise((resolve) => {
        const id = ++next;
        const onMessage = (m: { type: string; id: number; rss: number }) => {
          if (m.type !== 'rss' || m.id !== id) return;
          child.off('message', onMessage);
          resolve(m.rss);
        };
        child.on('message', onMessage);
        child.send({ type: 'rss', id });
      }),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function api(url: string, method: string, path: string, token: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function session(url: string): Promise<string> {
  const res = await fetch(`${url}/chat/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) throw new Error(`session: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Requests per second for `total` requests from `concurrency` workers (keep-alive). */
async function requestRate(
  url: string,
  method: string,
  make: (worker: number) => { headers: Record<string, string>; body: string } | undefined,
  total: number,
  concurrency: number,
): Promise<number> {
  let left = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (left-- > 0) {
        const init = make(worker);
        const res = await fetch(url, { method, headers: init?.headers, body: init?.body });
        if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

interface HeldStream {
  waitFor(marker: string): Promise<number>;
  close(): void;
}

/**
 * A bare-bones SSE client on a raw socket (an EventSource costs more memory
 * on the client side than the server's figure we are after). Resolves once
 * the stream has sent its first frame.
 */
function openStream(base: string, link: string): Promise<HeldStream> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const waiting = new Map<string, (at: number) => void>();
    let opened = false;
    let tail = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`GET ${link} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`));
    socket.on('data', (chunk: string) => {
      const now = performance.now();
      if (!opened && chunk.includes('event: ticket')) {
        opened = true;
        resolve(stream);
      }
      if (waiting.size === 0) return;
      const text = tail + chunk;
      for (const [marker, done] of waiting) {
        if (text.includes(marker)) {
          waiting.delete(marker);
          done(now);
        }
      }
      tail = text.slice(-200);
    });
    socket.on('error', (error) => (opened ? undefined : reject(error)));
    const stream: HeldStream = {
      waitFor: (marker) => new Promise((done) => waiting.set(marker, done)),
      close: () => socket.destroy(),
    };
  });
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
