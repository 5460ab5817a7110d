// Server-Sent Events for any route: takes the response over from Koa, writes
// frames, keeps proxies awake with a comment every 25 s, and ends the stream
// as soon as the HTTP server stops listening, so a graceful shutdown never
// waits on a browser that keeps a page open.
import type { Server } from 'node:net';
import type { Context } from 'koa';

export interface SseFrame {
  event?: string;
  id?: string | number;
  /** Sent as one `data:` line per line of text. */
  data: string;
}

export interface EventStream {
  send(frame: SseFrame): void;
  close(): void;
  readonly closed: boolean;
  /** Resolves when the browser goes away or the stream is closed. */
  readonly done: Promise<void>;
}

const HEARTBEAT_MS = 25_000;
/** A reader that lets this much pile up is too slow to keep. */
const MAX_BUFFERED_BYTES = 1 << 20;

export function openEventStream(ctx: Context, options: { headers?: Record<string, string>; retryMs?: number } = {}): EventStream {
  const { req, res } = ctx;
  ctx.respond = false;
  req.socket.setTimeout(0);
  req.socket.setNoDelay(true);
  res.writeHead(200, {
    ...options.headers,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
    'X-Content-Type-Options': 'nosniff',
  });
  res.write(`retry: ${options.retryMs ?? 3000}\n\n`);

  const server = (req.socket as unknown as { server?: Server }).server;
  let closed = false;
  let ticks = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const timer = setInterval(() => {
    ticks++;
    if (server && !server.listening) return stream.close();
    if ((ticks * 1000) % HEARTBEAT_MS === 0) write(': ping\n\n');
  }, 1000);
  timer.unref();

  const write = (text: string) => {
    if (closed || res.destroyed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
    res.write(text);
  };
  const stream: EventStream = {
    send(frame) {
      let text = '';
      if (frame.event) text += `event: ${frame.event.replace(/[\r\n]/g, '')}\n`;
      if (frame.id !== undefined) text += `id: ${String(frame.id).replace(/[\r\n]/g, '')}\n`;
      for (const line of frame.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
      write(`${text}\n`);
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      res.end();
      finish();
    },
    get closed() {
      return closed;
    },
    done,
  };
  res.once('close', () => {
    closed = true;
    clearInterval(timer);
    finish();
  });
  return stream;
}
