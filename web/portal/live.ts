// Live ticket pages over Server-Sent Events. One bus subscription feeds every
// open ticket page on this instance. Bus events carry ids only; each
// connection re-reads what its customer may see (never internal notes) and
// gets: `message` frames (a rendered <li>, id = message id, so a reconnecting
// browser resumes after the last one it saw via Last-Event-ID), and
// `ticket-head` / `ticket-rating` frames when the ticket changes.
import type { Knex } from 'knex';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { BusEvent, Clock, EventBus } from '../../core/index.ts';
import { touchConversations } from '../../channels/webchat/conversations.ts';
import { openEventStream, type EventStream } from '../http/sse.ts';
import { MessageItem, RatingBlock, TicketHead } from './pages/ticket-detail.tsx';
import { csatOf, ownTicket, thread } from './queries.ts';

interface Watcher {
  customerId: number;
  ticketId: number;
  number: number;
  csrfToken: string;
  stream: EventStream;
  sent: Set<number>;
  /** Work for this connection runs in order: catch-up first, then events. */
  queue: Promise<void>;
}

/** While a portal page is open, the web chat's email follow-up holds back (see channels/webchat/adapter.ts). */
const PRESENCE_EVERY_MS = 20_000;

export class LiveTickets {
  private readonly watchers = new Map<number, Set<Watcher>>();
  private unsubscribe?: () => void;

  constructor(private readonly deps: { knex: Knex; bus: EventBus; clock: Clock; logger: Logger }) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe((event) => this.onEvent(event));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const set of this.watchers.values()) for (const w of set) w.stream.close();
    this.watchers.clear();
  }

  get connectionCount(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /** Streams ticket `number` of `customerId` to this request until the browser leaves. */
  async attach(ctx: Context, input: { customerId: number; number: number; csrfToken: string; afterId: number }): Promise<void> {
    const ticket = await ownTicket(this.deps.knex, input.customerId, input.number);
    const stream = openEventStream(ctx);
    const watcher: Watcher = {
      customerId: input.customerId,
      ticketId: ticket.id,
      number: ticket.number,
      csrfToken: input.csrfToken,
      stream,
      sent: new Set(),
      queue: Promise.resolve(),
    };
    let set = this.watchers.get(ticket.id);
    if (!set) this.watchers.set(ticket.id, (set = new Set()));
    set.add(watcher);
    const presence = setInterval(() => void this.touch(ticket.id, true), PRESENCE_EVERY_MS);
    presence.unref();
    void this.touch(ticket.id, true);
    this.enqueue(watcher, () => this.sendMessages(watcher, { afterId: input.afterId }));
    void stream.done.then(() => {
      clearInterval(presence);
      set.delete(watcher);
      if (set.size === 0) {
        this.watchers.delete(ticket.id);
        void this.touch(ticket.id, false);
      }
    });
  }

  private onEvent(event: BusEvent): void {
    if (!event.ticketId) return;
    const set = this.watchers.get(event.ticketId);
    if (!set) return;
    if (event.type === 'message.created' && event.messageId && event.internal !== true) {
      const messageId = event.messageId;
      for (const w of set) this.enqueue(w, () => this.sendMessages(w, { onlyId: messageId }));
    } else if (event.type === 'ticket.updated' || event.type === 'rating.created') {
      for (const w of set) this.enqueue(w, () => this.sendTicket(w));
    }
  }

  private enqueue(w: Watcher, work: () => Promise<void>): void {
    w.queue = w.queue
      .then(() => (w.stream.closed ? undefined : work()))
      .catch((err) => this.deps.logger.warn({ err, ticketId: w.ticketId }, 'live ticket update failed'));
  }

  private async sendMessages(w: Watcher, options: { afterId?: number; onlyId?: number }): Promise<void> {
    const items = await thread(this.deps.knex, w.ticketId, options);
    const now = this.deps.clock.now();
    for (const item of items) {
      if (w.sent.has(item.id)) continue;
      w.sent.add(item.id);
      w.stream.send({ event: 'message', id: item.id, data: await MessageItem({ item, ticketNumber: w.number, now }) });
    }
  }

  private async sendTicket(w: Watcher): Promise<void> {
    // Re-checked on every change: a ticket that stopped being theirs ends the stream.
    const ticket = await ownTicket(this.deps.knex, w.customerId, w.number).catch(() => undefined);
    if (!ticket) return w.stream.close();
    const now = this.deps.clock.now();
    w.stream.send({ event: 'ticket-head', data: await TicketHead({ ticket, csrfToken: w.csrfToken, now }) });
    w.stream.send({ event: 'ticket-rating', data: await RatingBlock({ ticket, csat: await csatOf(this.deps.knex, ticket.id), csrfToken: w.csrfToken }) });
  }

  private async touch(ticketId: number, watching: boolean): Promise<void> {
    await touchConversations(this.deps.knex, [ticketId], watching ? this.deps.clock.now() : null).catch((err) =>
      this.deps.logger.debug({ err, ticketId }, 'presence update failed'),
    );
  }
}
