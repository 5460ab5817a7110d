// Live desk pages over Server-Sent Events. One bus subscription feeds every
// open inbox and ticket page of this instance. Frames carry no content: an
// `inbox` or `ticket` frame tells the page to fetch its fragment again
// (htmx `hx-trigger="sse:..."`), so what an agent sees always comes from the
// same queries as a full page load. Bursts (a bot answer is a message, a
// delivery and a ticket update) collapse into one frame per connection.
import type { Context } from 'koa';
import type { BusEvent, EventBus } from '../../core/index.ts';
import { openEventStream, type EventStream } from '../http/sse.ts';

const COALESCE_MS = 150;

interface Watcher {
  stream: EventStream;
  /** null: the inbox (every ticket); a number: one ticket. */
  ticketId: number | null;
  timer?: NodeJS.Timeout;
}

const INBOX_EVENTS = new Set<BusEvent['type']>(['ticket.created', 'ticket.updated', 'message.created']);
const TICKET_EVENTS = new Set<BusEvent['type']>(['ticket.updated', 'message.created', 'delivery.created', 'delivery.updated', 'rating.created']);

export class DeskLive {
  private readonly watchers = new Set<Watcher>();
  private unsubscribe?: () => void;

  constructor(private readonly bus: EventBus) {}

  start(): void {
    this.unsubscribe = this.bus.subscribe((event) => this.onEvent(event));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const w of this.watchers) {
      clearTimeout(w.timer);
      w.stream.close();
    }
    this.watchers.clear();
  }

  get connectionCount(): number {
    return this.watchers.size;
  }

  /** Streams change notices for the inbox (ticketId null) or one ticket. */
  attach(ctx: Context, ticketId: number | null): void {
    const stream = openEventStream(ctx);
    const watcher: Watcher = { stream, ticketId };
    this.watchers.add(watcher);
    void stream.done.then(() => {
      clearTimeout(watcher.timer);
      this.watchers.delete(watcher);
    });
  }

  private onEvent(event: BusEvent): void {
    for (const w of this.watchers) {
      const wanted = w.ticketId === null ? INBOX_EVENTS.has(event.type) : event.ticketId === w.ticketId && TICKET_EVENTS.has(event.type);
      if (!wanted || w.timer) continue;
      w.timer = setTimeout(() => {
        w.timer = undefined;
        if (!w.stream.closed) w.stream.send({ event: w.ticketId === null ? 'inbox' : 'ticket', data: String(event.ticketId ?? '') });
      }, COALESCE_MS);
    }
  }
}
