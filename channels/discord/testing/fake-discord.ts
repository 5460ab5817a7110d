// A small Discord for tests, on loopback, so discord.js runs unmodified: the
// REST API under /api/v10 (gateway discovery, messages, threads, interaction
// callbacks, message history), a CDN path for attachments, and the gateway
// websocket (HELLO, IDENTIFY, READY, heartbeats, RESUME, dispatches). Sent
// messages are recorded and kept as channel history; REST answers can be
// scripted to fail (429 with Retry-After, Discord error codes).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_USER = { id: '900000000000000001', username: 'parley', discriminator: '0', global_name: 'Parley', avatar: null, bot: true };
export const APPLICATION_ID = '900000000000000002';
export const CUSTOMER_USER = { id: '800000000000000001', username: 'casey', discriminator: '0', global_name: 'Casey Customer', avatar: null };
export const OTHER_USER = { id: '800000000000000002', username: 'olive', discriminator: '0', global_name: 'Olive Other', avatar: null };
export const GUILD_ID = '700000000000000001';
export const SUPPORT_CHANNEL_ID = '700000000000000002';

export interface RestCall {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body: any;
  /** Files of a multipart request (uploads). */
  files: { name: string; data: Buffer }[];
}

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown };

// Snowflakes that grow with time, as Discord's do.
let snowflake = 1_300_000_000_000_000_000n;
export function nextSnowflake(): string {
  snowflake += 4_194_304n + BigInt(Math.floor(Math.random() * 1000));
  return snowflake.toString();
}

export class FakeDiscord {
  readonly calls: RestCall[] = [];
  readonly identifies: any[] = [];
  readonly resumes: any[] = [];
  /** Channel id -> messages in it (oldest first), as GET .../messages returns them. */
  readonly history = new Map<string, any[]>();
  readonly files = new Map<string, Buffer>();
  private readonly scripted = new Map<string, Scripted[]>();
  private server!: http.Server;
  private wss!: WebSocketServer;
  private socket?: WebSocket;
  private seq = 0;
  /** Answer RESUME with INVALID_SESSION, so the client identifies again. */
  refuseResume = true;
  url = '';

  constructor(readonly token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAKE1.fake-token-signature-0123456789') {}

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  get connected(): boolean {
    return this.socket?.readyState === 1;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/gw' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests matching "METHOD /path-prefix" get this answer. */
  script(route: string, answer: Scripted, times = 1): void {
    const queue = this.scripted.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(answer);
    this.scripted.set(route, queue);
  }

  callsTo(method: string, pathPrefix: string): RestCall[] {
    return this.calls.filter((c) => c.method === method && c.path.startsWith(pathPrefix));
  }

  addFile(name: string, content: Buffer): string {
    this.files.set(name, content);
    return `${this.url}/attachments/${encodeURIComponent(name)}`;
  }

  /** Sends a dispatch (op 0) to the connected client. */
  dispatch(t: string, d: unknown): void {
    this.seq += 1;
    this.socket?.send(JSON.stringify({ op: 0, t, s: this.seq, d }));
  }

  /** Drops the connection as an outage would; the client must come back by itself. */
  drop(code = 1000): void {
    this.socket?.close(code, 'fake outage');
  }

  /** A message as Discord sends it; also recorded in the channel's history. */
  message(options: { channelId: string; author?: typeof CUSTOMER_USER; content: string; dm?: boolean; guild?: boolean; mentionsBot?: boolean; attachments?: any[]; id?: string }) {
    const id = options.id ?? nextSnowflake();
    const message: Record<string, any> = {
      id,
      channel_id: options.channelId,
      author: options.author ?? CUSTOMER_USER,
      content: options.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: options.mentionsBot ? [BOT_USER] : [],
      mention_roles: [],
      attachments: options.attachments ?? [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: [],
    };
    if (options.dm) message.channel_type = 1;
    if (options.guild) {
      message.guild_id = GUILD_ID;
      message.member = { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
    }
    const list = this.history.get(options.channelId) ?? [];
    list.push(message);
    this.history.set(options.channelId, list);
    return message;
  }

  /** GUILD_CREATE for a guild with one text channel the bot can see. */
  guildCreate() {
    return {
      id: GUILD_ID,
      name: 'Customer Guild',
      icon: null,
      owner_id: CUSTOMER_USER.id,
      unavailable: false,
      member_count: 2,
      large: false,
      joined_at: new Date().toISOString(),
      features: [],
      roles: [{ id: GUILD_ID, name: '@everyone', permissions: '1071698660929', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      emojis: [],
      stickers: [],
      members: [],
      channels: [{ id: SUPPORT_CHANNEL_ID, type: 0, name: 'support', guild_id: GUILD_ID, position: 0, permission_overwrites: [], parent_id: null, nsfw: false }],
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      nsfw_level: 0,
      preferred_locale: 'en-US',
      system_channel_flags: 0,
    };
  }

  /** An INTERACTION_CREATE payload for a button press on `message`. */
  buttonPress(options: { message: any; customId: string; user?: typeof CUSTOMER_USER; dm?: boolean }) {
    const user = options.user ?? CUSTOMER_USER;
    const base = {
      id: nextSnowflake(),
      application_id: APPLICATION_ID,
      type: 3,
      data: { custom_id: options.customId, component_type: 2 },
      channel_id: options.message.channel_id,
      token: `interaction-token-${randomUUID()}`,
      version: 1,
      message: options.message,
      locale: 'en-US',
      app_permissions: '1071698660929',
      entitlements: [],
      authorizing_integration_owners: { '1': user.id },
    };
    if (options.dm === false) {
      return { ...base, guild_id: GUILD_ID, channel: { id: options.message.channel_id, type: 11, guild_id: GUILD_ID }, member: { user, roles: [], joined_at: new Date().toISOString(), permissions: '0', deaf: false, mute: false, flags: 0 }, context: 0 };
    }
    return { ...base, channel: { id: options.message.channel_id, type: 1, recipients: [user] }, user, context: 1 };
  }

  private onConnection(ws: WebSocket): void {
    this.socket = ws;
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (frame.op === 2) {
        this.identifies.push(frame.d);
        this.seq = 1;
        ws.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: this.seq,
            d: {
              v: 10,
              user: BOT_USER,
              guilds: [],
              session_id: `session-${this.identifies.length}`,
              resume_gateway_url: `${this.url.replace('http', 'ws')}/gw`,
              shard: [0, 1],
              application: { id: APPLICATION_ID, flags: 0 },
              private_channels: [],
              user_settings: {},
              relationships: [],
            },
          }),
        );
      }
      if (frame.op === 6) {
        this.resumes.push(frame.d);
        if (this.refuseResume) ws.send(JSON.stringify({ op: 9, d: false }));
        else ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} }));
      }
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 30_000 } }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    if (url.pathname.startsWith('/attachments/')) {
      const file = this.files.get(decodeURIComponent(url.pathname.slice('/attachments/'.length)));
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      return void res.end(file);
    }
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const contentType = req.headers['content-type'] ?? '';
    let body: any = raw && contentType.includes('json') ? JSON.parse(raw) : raw;
    const files: { name: string; data: Buffer }[] = [];
    const boundary = /multipart\/form-data;.*boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
    if (boundary) {
      for (const part of multipartParts(bytes, boundary)) {
        if (part.name === 'payload_json') body = JSON.parse(part.data.toString('utf8'));
        else if (part.filename) files.push({ name: part.filename, data: part.data });
      }
    }
    const call: RestCall = { method: req.method ?? 'GET', path, query: url.searchParams, authorization: req.headers.authorization, body, files };
    this.calls.push(call);
    const scripted = [...this.scripted.entries()].find(([route]) => {
      const [method, prefix] = route.split(' ');
      return method === call.method && path.startsWith(prefix!);
    });
    const answer = scripted?.[1].shift();
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      return void res.end(JSON.stringify(answer.body ?? {}));
    }
    const json = (status: number, value: unknown) => {
      if (value === undefined) return void res.writeHead(status).end();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    let m: RegExpExecArray | null;
    if (call.method === 'GET' && path === '/gateway/bot') {
      return json(200, { url: `${this.url.replace('http', 'ws')}/gw`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)) && call.method === 'POST') {
      const thread = {
        id: m[2],
        type: 11,
        guild_id: GUILD_ID,
        parent_id: m[1],
        name: body.name,
        owner_id: BOT_USER.id,
        member_count: 1,
        message_count: 0,
        rate_limit_per_user: 0,
        thread_metadata: { archived: false, auto_archive_duration: body.auto_archive_duration ?? 1440, archive_timestamp: new Date().toISOString(), locked: false },
        flags: 0,
      };
      this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return json(201, thread);
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = m[1]!;
      if (call.method === 'POST') {
        const sent = { ...this.message({ channelId, author: BOT_USER, content: body.content ?? '' }), components: body.components ?? [], nonce: body.nonce };
        return json(200, sent);
      }
      const after = BigInt(url.searchParams.get('after') ?? '0');
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const newer = (this.history.get(channelId) ?? []).filter((msg) => BigInt(msg.id) > after).slice(0, limit);
      return json(200, newer.reverse()); // newest first, as Discord answers
    }
    if (/^\/channels\/\d+\/typing$/.test(path)) return json(204, undefined);
    if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return json(204, undefined);
    if ((m = /^\/channels\/(\d+)$/.exec(path))) return json(200, { id: m[1], type: 1, recipients: [CUSTOMER_USER], last_message_id: null });
    json(404, { message: 'Unknown route', code: 0 });
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The parts of a multipart/form-data body: field name, file name and content. */
function multipartParts(body: Buffer, boundary: string): { name?: string; filename?: string; data: Buffer }[] {
  const parts: { name?: string; filename?: string; data: Buffer }[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(at + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const split = chunk.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = chunk.subarray(0, split).toString('utf8');
      parts.push({
        name: /name="([^"]*)"/.exec(headers)?.[1],
        filename: /filename="([^"]*)"/.exec(headers)?.[1],
        data: chunk.subarray(split + 4),
      });
    }
    at = next;
  }
  return parts;
}
