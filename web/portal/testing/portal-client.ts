// For portal tests: a browser-like HTTP client (keeps cookies, reads the CSRF
// token from pages, never follows redirects so tests see them), sign-in
// through a real link, and a small Server-Sent Events reader.
import fs from 'node:fs';
import path from 'node:path';
import { Customer } from '../../../core/index.ts';
import { LoginLinks } from '../../auth/login-links.ts';
import type { Parley } from '../../server.ts';

export class PortalClient {
  readonly cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, pathname: string, options: { body?: string | FormData; headers?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(`${this.base}${pathname}`, {
      method,
      body: options.body,
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: this.cookieHeader(), ...options.headers },
    });
    this.keepCookies(res);
    return res;
  }

  /** GET a page; remembers the CSRF token it carries. */
  async get(pathname: string, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const res = await this.request('GET', pathname, { headers });
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? /X-CSRF-Token&#34;:&#34;([^&]+)&#34;/.exec(html)?.[1];
    if (token) this.csrfToken = token;
    return { res, html };
  }

  /** Makes sure we hold a CSRF cookie and token (any page will do). */
  async ensureCsrf(): Promise<string> {
    if (!this.csrfToken) await this.get('/kb');
    return this.csrfToken;
  }

  /** POSTs a url-encoded form with the CSRF field (unless `csrf: false`). */
  async post(pathname: string, fields: Record<string, string> = {}, options: { csrf?: boolean | string; headers?: Record<string, string> } = {}) {
    const form = new URLSearchParams(fields);
    if (options.csrf !== false) form.set('_csrf', typeof options.csrf === 'string' ? options.csrf : await this.ensureCsrf());
    const res = await this.request('POST', pathname, {
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    });
    return { res, html: await res.text() };
  }

  /** POSTs a multipart form; the CSRF field goes first, like our pages put it. */
  async postMultipart(pathname: string, fields: Record<string, string>, files: { name: string; filename: string; type: string; content: Buffer | string }[] = []) {
    const form = new FormData();
    form.set('_csrf', await this.ensureCsrf());
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append(f.name, new Blob([f.content], { type: f.type }), f.filename);
    const res = await this.request('POST', pathname, { body: form });
    return { res, html: await res.text() };
  }

  /** Signs in as the customer with `email` through a freshly issued link. */
  async signIn(parley: Parley, email: string): Promise<Customer> {
    const links = new LoginLinks({ knex: parley.db.knex, clock: parley.clock, publicUrl: this.base, ttlMs: 15 * 60_000 });
    const customer = await Customer.query(parley.db.knex).findOne({ email });
    if (!customer) throw new Error(`no customer ${email}`);
    const { url } = await links.issue(customer.id, email);
    await this.ensureCsrf();
    const { res } = await this.post(new URL(url).pathname);
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
    this.csrfToken = '';
    await this.get('/');
    return customer;
  }
}

/** The .eml files in a data dir's outbox, oldest first. */
export function outboxMails(dataDir: string): string[] {
  const dir = path.join(dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** The sign-in link in a mail (quoted-printable soft breaks undone). */
export function linkFromMail(raw: string): string | undefined {
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  return /https?:\/\/[^\s"<>]+\/sign-in\/link\/[A-Za-z0-9_-]{43}(?:\?next=[^\s"<>]+)?/.exec(text)?.[0];
}

/** Polls until `check` returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface SseFrame {
  event: string;
  id?: string;
  data: string;
}

/** Opens an event stream and collects frames until closed. */
export async function openStream(client: PortalClient, pathname: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${client.base}${pathname}`, {
    headers: { accept: 'text/event-stream', cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers },
    signal: controller.signal,
  });
  const frames: SseFrame[] = [];
  const reading = (async () => {
    if (!res.body || res.status !== 200) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: SseFrame = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('id: ')) frame.id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) {
            frame.data = data.join('\n');
            frames.push(frame);
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    frames,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}


