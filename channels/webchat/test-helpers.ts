// Shared by the web chat tests: the channel on real HTTP, a visitor that
// talks to it, and a small Server-Sent Events reader.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type Koa from 'koa';
import { openTestDatabase } from '../../knexfile.ts';
import { AttachmentStore, ConversationCore, systemClock, type ChannelAdapter, type ChannelKind, type Clock } from '../../core/index.ts';
import { busFor, testLogger } from '../../core/testing/world.ts';
import { createApp } from '../../web/app.ts';
import { createWebchat, defaultWebchatOptions, type WebchatOptions } from './index.ts';

export interface Frame {
  id?: string;
  event: string;
  data: any;
}

export class Visitor {
  token = '';

  constructor(readonly url: string) {}

  /** The visitor id inside the (signed) session token. */
  get visitorId(): string {
    return JSON.parse(Buffer.from(this.token.split('.')[0]!, 'base64url').toString()).v;
  }

  static async start(url: string, body: Record<string, unknown> = {}): Promise<Visitor> {
    const visitor = new Visitor(url);
    const res = await visitor.session(body);
    if (res.status !== 200) throw new Error(`session failed: ${res.status} ${JSON.stringify(res.body)}`);
    return visitor;
  }

  async session(body: Record<string, unknown> = {}) {
    const res = await this.request('POST', '/chat/api/session', { token: this.token || undefined, ...body }, false);
    if (res.status === 200) this.token = res.body.token;
    return res;
  }

  async request(method: string, path: string, body?: unknown, auth = true, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(auth && this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  send(text: string, conversation: { id?: number; key?: string } = {}, extra: Record<string, unknown> = {}) {
    return this.request('POST', '/chat/api/messages', {
      clientMessageId: randomUUID().replace(/-/g, ''),
      ...(conversation.id ? { conversationId: conversation.id } : { conversationKey: conversation.key ?? randomUUID().replace(/-/g, '') }),
      text,
      ...extra,
    });
  }

  async upload(filename: string, contentType: string, content: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([content], { type: contentType }), filename);
    const res = await fetch(`${this.url}/chat/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }
}

/** Opens an SSE stream and collects its frames until closed. */
export function openStream(url: string, headers: Record<string, string> = {}) {
  const frames: Frame[] = [];
  const waiters: { predicate: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  const controller = new AbortController();
  let status = 0;
  const ready = fetch(url, { headers, signal: controller.signal }).then(async (res) => {
    status = res.status;
    if (!res.ok || !res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame = parseFrame(raw);
          if (!frame) continue;
          frames.push(frame);
          for (const w of [...waiters]) {
            if (w.predicate(frame)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(frame);
            }
          }
        }
      }
    } catch {
      /* aborted */
    }
  });
  return {
    frames,
    get status() {
      return status;
    },
    ready,
    next(predicate: (f: Frame) => boolean, ms = 5000): Promise<Frame> {
      const seen = frames.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(frames)}`)), ms);
        waiters.push({ predicate, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    },
    close() {
      controller.abort();
    },
  };
}

function parseFrame(raw: string): Frame | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of raw.split('\n')) {
    if (line.startsWith(':') || line.startsWith('retry:')) continue;
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  return { id, event, data: JSON.parse(data.join('\n')) };
}

/**
 * The web chat alone on real HTTP: a fresh database (SQLite, or a PostgreSQL
 * schema with TEST_DATABASE_URL, with the bus production would use), the
 * core, the foundation's Koa app with only this channel mounted, and no other
 * features (no bot), so a test decides every reply itself.
 */
export async function startWebchat(options: { overrides?: Partial<WebchatOptions>; clock?: Clock; adapters?: Map<ChannelKind, ChannelAdapter> } = {}) {
  const db = await openTestDatabase();
  const logger = testLogger();
  const bus = await busFor(db, logger);
  const clock = options.clock ?? systemClock;
  const core = new ConversationCore({ db, clock, bus, logger });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-webchat-'));
  const attachments = new AttachmentStore(path.join(dataDir, 'attachments'));
  const adapters = options.adapters ?? new Map<ChannelKind, ChannelAdapter>();
  const webchat = createWebchat({
    core,
    db,
    bus,
    logger,
    secret: 'test-secret-for-the-web-chat-0123456789',
    attachments,
    adapters,
    // The email channel's reply address shape (channels/email/reply-ref.ts).
    emailFollowUp: { replyRef: (email) => ({ to: email, references: [] }) },
    options: { ...defaultWebchatOptions, publicUrl: 'http://127.0.0.1', ...options.overrides },
  });
  adapters.set('webchat', webchat.adapter);
  const app = createApp({ db, logger, isReady: () => true, mounts: [webchat.router.routes() as Koa.Middleware] });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webchat.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    db,
    bus,
    core,
    clock,
    webchat,
    attachments,
    dataDir,
    async close() {
      await webchat.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await bus.close();
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
