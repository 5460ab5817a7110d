// A small Bot Connector for tests, on loopback: the service URL Teams puts in
// every activity. It records the activities the bot sends
// (POST /v3/conversations/{id}/activities[/{replyToId}]) and the cards it
// updates (PUT .../activities/{id}), serves files as SharePoint would, and
// can be scripted to fail. Helpers build the activities Teams would POST.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  activityId?: string;
  authorization?: string;
  activity: Record<string, any>;
  /** The id the connector answered with (what the bot sees as the sent activity's id). */
  id: string;
}

type Scripted = { status: number; headers?: Record<string, string>; body?: Record<string, unknown> };

export const BOT = { id: '28:parley-bot', name: 'Parley' };
export const CUSTOMER = { id: '29:casey', name: 'Casey Customer', aadObjectId: '00000000-0000-0000-0000-00000000c0de' };
export const OTHER = { id: '29:olive', name: 'Olive Other', aadObjectId: '00000000-0000-0000-0000-0000000011be' };
export const TENANT = '11111111-2222-3333-4444-555555555555';

export class FakeConnector {
  readonly sent: SentActivity[] = [];
  readonly files = new Map<string, Buffer>();
  private readonly scripted: Scripted[] = [];
  private server!: http.Server;
  url = '';

  /** The serviceUrl activities carry (with the trailing slash Teams uses). */
  get serviceUrl(): string {
    return `${this.url}/`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` sends get this answer. */
  script(answer: Scripted, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push(answer);
  }

  addFile(name: string, content: Buffer): string {
    this.files.set(name, content);
    return `${this.url}/sites/files/${encodeURIComponent(name)}?tempauth=abc`;
  }

  postedTo(conversationId: string): SentActivity[] {
    return this.sent.filter((s) => s.method === 'POST' && s.conversationId === conversationId);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname.startsWith('/sites/files/')) {
      const file = this.files.get(decodeURIComponent(url.pathname.slice('/sites/files/'.length)));
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      return void res.end(file);
    }
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || (req.method !== 'POST' && req.method !== 'PUT')) return void res.writeHead(404).end();
    const scripted = this.scripted.shift();
    const id = req.method === 'PUT' ? decodeURIComponent(m[2]!) : `${Date.now()}${String(this.sent.length).padStart(4, '0')}`;
    this.sent.push({
      id,
      method: req.method,
      conversationId: decodeURIComponent(m[1]!),
      activityId: m[2] ? decodeURIComponent(m[2]) : undefined,
      authorization: req.headers.authorization,
      activity: body ? JSON.parse(body) : {},
    });
    if (scripted) {
      res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
      return void res.end(JSON.stringify(scripted.body ?? { error: { code: 'Error', message: 'scripted failure' } }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id }));
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

let seq = 1_700_000_000_000;

/** A message in the customer's personal chat with the bot. */
export function personalMessage(connector: FakeConnector, text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: String(++seq),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: CUSTOMER,
    recipient: BOT,
    conversation: { id: 'a:personal-casey', conversationType: 'personal', tenantId: TENANT },
    text,
    textFormat: 'plain',
    locale: 'en-US',
    channelData: { tenant: { id: TENANT } },
    ...extra,
  };
}

/** A post in a team channel that mentions the bot, starting its own reply chain. */
export function channelMention(connector: FakeConnector, text: string) {
  const id = String(++seq);
  return {
    ...personalMessage(connector, `<at>Parley</at> ${text}`),
    id,
    conversation: { id: `19:support@thread.tacv2;messageid=${id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    entities: [{ type: 'mention', text: '<at>Parley</at>', mentioned: BOT }],
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: '19:support@thread.tacv2' } },
  };
}

/** What Teams sends when someone presses an Action.Submit button on a card. */
export function cardSubmit(connector: FakeConnector, cardActivityId: string, data: Record<string, unknown>, from = CUSTOMER) {
  return { ...personalMessage(connector, ''), text: undefined, from, replyToId: cardActivityId, value: data };
}

/** What Teams sends for an Action.Execute (Universal Actions) press. */
export function cardExecute(connector: FakeConnector, cardActivityId: string, data: Record<string, unknown>, from = CUSTOMER) {
  return {
    ...personalMessage(connector, ''),
    type: 'invoke',
    name: 'adaptiveCard/action',
    text: undefined,
    from,
    replyToId: cardActivityId,
    value: { action: { type: 'Action.Execute', verb: 'parleyRate', id: randomUUID(), data }, trigger: 'manual' },
  };
}
