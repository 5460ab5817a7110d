// A small Slack for tests, on loopback: the Web API methods Parley calls
// (form-encoded POSTs to /api/<method>, JSON answers), private file downloads
// that need the bot token, Socket Mode's websocket, and helpers that sign
// event and interaction requests the way Slack does. Calls are recorded;
// answers can be scripted to fail (429 with Retry-After, platform errors).
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  method: string;
  token?: string;
  params: Record<string, any>;
}

type Scripted = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

export const BOT_USER_ID = 'UPARLEYBOT';
export const BOT_ID = 'BPARLEY';
export const TEAM_ID = 'TCUSTOMER';

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly files = new Map<string, Buffer>();
  readonly users = new Map<string, { name: string; email?: string; isBot?: boolean }>();
  readonly sockets = new Set<WebSocket>();
  readonly acks: string[] = [];
  /** Bytes posted to upload URLs, by file id. */
  readonly uploads = new Map<string, Buffer>();
  private readonly scripted = new Map<string, Scripted[]>();
  private server!: http.Server;
  private wss!: WebSocketServer;
  private tsCounter = 0;
  url = '';

  constructor(readonly botToken = 'xoxb-test-token') {}

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.envelope_id) this.acks.push(frame.envelope_id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'APARLEY' } }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls of `method` get this answer instead of the normal one. */
  script(method: string, answer: Scripted, times = 1): void {
    const queue = this.scripted.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(answer);
    this.scripted.set(method, queue);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A file only the bot token can download, as Slack's url_private_download. */
  addFile(name: string, content: Buffer): string {
    this.files.set(name, content);
    return `${this.url}/files-pri/${encodeURIComponent(name)}`;
  }

  /** Pushes a Socket Mode envelope to every connected client; returns its envelope id. */
  pushSocketEvent(payload: Record<string, unknown>, type = 'events_api', retry = 0): string {
    const envelopeId = randomUUID();
    const frame = { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: retry, retry_reason: retry ? 'timeout' : '' };
    for (const ws of this.sockets) ws.send(JSON.stringify(frame));
    return envelopeId;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/upload/')) {
      const bytes = await readBytes(req);
      this.uploads.set(url.pathname.slice('/upload/'.length), firstMultipartPart(bytes, req.headers['content-type'] ?? '') ?? bytes);
      return void res.writeHead(200).end('OK - uploaded');
    }
    const body = await readBody(req);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (url.pathname.startsWith('/files-pri/')) {
      const file = this.files.get(decodeURIComponent(url.pathname.slice('/files-pri/'.length)));
      if (token !== this.botToken) return void res.writeHead(403).end('no token');
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      return void res.end(file);
    }
    const m = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    const method = m[1]!;
    const params = parseParams(body, req.headers['content-type'] ?? '');
    this.calls.push({ method, token: token ?? (params.token as string | undefined), params });
    const scripted = this.scripted.get(method)?.shift();
    if (scripted) {
      res.writeHead(scripted.status ?? 200, { 'content-type': 'application/json', ...scripted.headers });
      return void res.end(JSON.stringify(scripted.body));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(this.answer(method, params)));
  }

  private answer(method: string, params: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://customer.slack.test/', team: 'Customer', user: 'parley', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'users.info': {
        const user = this.users.get(params.user);
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: params.user, name: user.name, real_name: user.name, is_bot: Boolean(user.isBot), profile: { display_name: user.name, email: user.email } } };
      }
      case 'chat.postMessage':
        return { ok: true, channel: params.channel, ts: this.nextTs(), message: { text: params.text, blocks: params.blocks } };
      case 'chat.update':
        return { ok: true, channel: params.channel, ts: params.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'files.getUploadURLExternal': {
        const fileId = `F${this.nextTs().replace('.', '')}`;
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (typeof params.files === 'string' ? JSON.parse(params.files) : params.files ?? []).map((f: any) => ({ id: f.id, title: f.title })) };
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace('http', 'ws')}/socket` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1800000000.${String(this.tsCounter).padStart(6, '0')}`;
  }
}

/** The content of the first part of a multipart/form-data body (the file Slack's client uploads). */
function firstMultipartPart(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return undefined;
  const start = body.indexOf('\r\n\r\n');
  const end = body.indexOf(`\r\n--${boundary}`, start);
  return start >= 0 && end > start ? body.subarray(start + 4, end) : undefined;
}

function readBytes(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(body: string, contentType: string): Record<string, any> {
  if (!body) return {};
  const raw: Record<string, any> = contentType.includes('json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
  for (const key of ['blocks', 'attachments']) {
    if (typeof raw[key] === 'string') {
      try {
        raw[key] = JSON.parse(raw[key]);
      } catch {
        // left as sent
      }
    }
  }
  return raw;
}

/** Headers and body for a request signed with `secret`, as Slack sends it. */
export function signSlackRequest(
  secret: string,
  body: string,
  options: { timestamp?: number; retryNum?: number; contentType?: string } = {},
): { headers: Record<string, string>; body: string } {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return { headers, body };
}

/** An Events API envelope for one event. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`) {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'APARLEY',
    event: { event_ts: event.ts, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** A block_actions payload for a click on `button` of `message` by `userId`. */
export function blockActionPayload(options: {
  userId: string;
  channel: string;
  message: { ts: string; text?: string; blocks: any[]; thread_ts?: string };
  actionId: string;
  value: string;
  responseUrl?: string;
}) {
  return {
    type: 'block_actions',
    user: { id: options.userId, username: 'customer', name: 'customer', team_id: TEAM_ID },
    api_app_id: 'APARLEY',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: options.message.ts, channel_id: options.channel, is_ephemeral: false },
    trigger_id: '123.456.abc',
    team: { id: TEAM_ID, domain: 'customer' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channel, name: 'directmessage' },
    message: { type: 'message', user: BOT_USER_ID, bot_id: BOT_ID, ...options.message },
    state: { values: {} },
    response_url: options.responseUrl ?? 'https://hooks.slack.test/actions/T/1/x',
    actions: [{ action_id: options.actionId, block_id: 'parley_rating', text: { type: 'plain_text', text: 'x' }, value: options.value, type: 'button', action_ts: String(Date.now() / 1000) }],
  };
}
