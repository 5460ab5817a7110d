// Live conversation streams (Server-Sent Events). One hub per ticket holds
// the connections watching it; one bus subscription feeds all hubs. A bus
// event carries ids only: the hub re-reads what visitors may see once and
// writes the same bytes to every connection, so a message reaches 10,000
// watchers with one query. A new connection first catches up from its last
// seen message id (Last-Event-ID) while live events wait in its buffer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { Logger } from 'pino';
import type { BusEvent, EventBus, Ticket } from '../../core/index.ts';
import type { ConversationView, MessageView } from './views.ts';

export interface StreamSource {
  ticket(ticketId: number): Promise<Ticket | undefined>;
  conversation(ticket: Ticket): Promise<ConversationView>;
  messages(ticket: Ticket, afterId: number): Promise<MessageView[]>;
  message(ticket: Ticket, messageId: number): Promise<MessageView | undefined>;
}

interface Connection {
  ticketId: number;
  res: ServerResponse;
  server: Server | undefined;
  /** Live frames held back while the connection catches up; null once live. */
  pending: { messageId?: number; frame: string }[] | null;
  /**
   * Messages the catch-up sent. Their bus events can still arrive after it
   * (PostgreSQL notifies after the commit the catch-up already read), so they
   * are skipped until the set is dropped, DEDUPE_MS after going live.
   */
  caughtUp: Set<number> | null;
  liveAt: number;
  /** Which second of the heartbeat period this connection is pinged in. */
  slot: number;
}

interface TicketHub {
  connections: Set<Connection>;
  /** Bus events for this ticket are handled one after another, in arrival order. */
  queue: Promise<void>;
  /** A ticket refresh is queued and not started: later changes ride along with it. */
  refreshQueued: boolean;
  /** The last ticket frame every connection has seen; an identical one is not sent again. */
  lastTicketFrame: string | null;
}

const HEARTBEAT_S = 25;
const DEDUPE_MS = 30_000;
/** A watcher that has not read this much is too slow to keep. */
const MAX_BUFFERED_BYTES = 1 << 20;

export class StreamHub {
  private readonly hubs = new Map<number, TicketHub>();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private ticks = 0;
  private attached = 0;

  constructor(
    private readonly deps: {
      bus: EventBus;
      source: StreamSource;
      logger: Logger;
      /** Told when the set of watched tickets changes (presence for offline follow-up). */
      onWatchChange?: (ticketId: number, watching: boolean) => void;
    },
  ) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe((event) => this.onEvent(event));
    // Once a second: end streams whose server is shutting down (so a graceful
    // stop does not wait on them), and ping a 25th of the connections: each
    // gets a comment every 25 s (keeping proxies from timing it out) without
    // one burst of writes to all of them that would delay live messages.
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
    for (const hub of this.hubs.values()) for (const c of hub.connections) c.res.end();
    this.hubs.clear();
  }

  /** Tickets watched by at least one browser on this instance. */
  watchedTickets(): number[] {
    return [...this.hubs.keys()];
  }

  isWatched(ticketId: number): boolean {
    return this.hubs.has(ticketId);
  }

  get connectionCount(): number {
    let n = 0;
    for (const hub of this.hubs.values()) n += hub.connections.size;
    return n;
  }

  /** Takes over the response: SSE headers, catch-up after `afterId`, then live events. */
  async attach(ticket: Ticket, req: IncomingMessage, res: ServerResponse, afterId: number, headers: Record<string, string>): Promise<void> {
    const connection: Connection = { ticketId: ticket.id, res, server: (req.socket as any).server, pending: [], caughtUp: null, liveAt: 0, slot: this.attached++ % HEARTBEAT_S };
    let hub = this.hubs.get(ticket.id);
    if (!hub) {
      hub = { connections: new Set(), queue: Promise.resolve(), refreshQueued: false, lastTicketFrame: null };
      this.hubs.set(ticket.id, hub);
      this.deps.onWatchChange?.(ticket.id, true);
    }
    hub.connections.add(connection);
    // Its snapshot may be newer than what the others last got: resend the next one.
    hub.lastTicketFrame = null;
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const detach = () => this.detach(connection);
    res.once('close', detach);

    try {
      const [conversation, missed] = await Promise.all([this.deps.source.conversation(ticket), this.deps.source.messages(ticket, afterId)]);
      if (res.destroyed) return;
      const sent = new Set<number>();
      this.write(connection, frame('ticket', conversation));
      for (const message of missed) {
        this.write(connection, frame('message', message, message.id));
        sent.add(message.id);
      }
      for (const held of connection.pending ?? []) if (!held.messageId || !sent.has(held.messageId)) this.write(connection, held.frame);
      connection.pending = null;
      connection.caughtUp = sent.size ? sent : null;
      connection.liveAt = Date.now();
    } catch (error) {
      this.deps.logger.warn({ err: error, ticketId: ticket.id }, 'web chat stream catch-up failed');
      res.destroy();
    }
  }

  private detach(connection: Connection): void {
    const hub = this.hubs.get(connection.ticketId);
    if (!hub?.connections.delete(connection)) return;
    if (hub.connections.size === 0) {
      this.hubs.delete(connection.ticketId);
      this.deps.onWatchChange?.(connection.ticketId, false);
    }
  }

  private onEvent(event: BusEvent): void {
    if (!event.ticketId) return;
    const hub = this.hubs.get(event.ticketId);
    if (!hub) return;
    if (event.type === 'ticket.typing') {
      const who = event.who === 'agent' ? 'agent' : 'bot';
      this.broadcast(hub, { frame: frame('typing', { who, active: event.active !== false }) });
      return;
    }
    if (event.type === 'message.created' && event.internal === true) return;
    if (event.type !== 'message.created' && event.type !== 'ticket.updated' && event.type !== 'rating.created') return;
    const ticketId = event.ticketId;
    const failed = (error: unknown) => this.deps.logger.warn({ err: error, ticketId }, 'web chat stream update failed');
    if (event.type === 'message.created' && event.messageId) {
      const messageId = event.messageId;
      hub.queue = hub.queue.then(() => this.relayMessage(ticketId, hub, messageId)).catch(failed);
    }
    // Every change may move status, handler, follow-up or rating state; one
    // refresh covers all the changes that arrive while it waits its turn.
    if (hub.refreshQueued) return;
    hub.refreshQueued = true;
    hub.queue = hub.queue
      .then(() => {
        hub.refreshQueued = false;
        return this.relayTicket(ticketId, hub);
      })
      .catch(failed);
  }

  private async relayMessage(ticketId: number, hub: TicketHub, messageId: number): Promise<void> {
    if (hub.connections.size === 0) return;
    const ticket = await this.deps.source.ticket(ticketId);
    const message = ticket && (await this.deps.source.message(ticket, messageId));
    if (message) this.broadcast(hub, { messageId: message.id, frame: frame('message', message, message.id) });
  }

  private async relayTicket(ticketId: number, hub: TicketHub): Promise<void> {
    if (hub.connections.size === 0) return;
    const ticket = await this.deps.source.ticket(ticketId);
    if (!ticket) return;
    const update = frame('ticket', await this.deps.source.conversation(ticket));
    if (update === hub.lastTicketFrame) return;
    hub.lastTicketFrame = update;
    this.broadcast(hub, { frame: update });
  }

  private broadcast(hub: TicketHub, item: { messageId?: number; frame: string }): void {
    for (const connection of hub.connections) {
      if (connection.pending) connection.pending.push(item);
      else if (!(item.messageId && connection.caughtUp?.has(item.messageId))) this.write(connection, item.frame);
    }
  }

  private write(connection: Connection, data: string): void {
    const { res } = connection;
    if (res.destroyed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(data);
  }

  private tick(): void {
    const slot = this.ticks++ % HEARTBEAT_S;
    const now = Date.now();
    for (const hub of this.hubs.values()) {
      for (const connection of hub.connections) {
        if (connection.caughtUp && now - connection.liveAt > DEDUPE_MS) connection.caughtUp = null;
        if (connection.server && !connection.server.listening) connection.res.end();
        else if (connection.slot === slot && !connection.pending) this.write(connection, ': ping\n\n');
      }
    }
  }
}

/** One SSE frame; `id` only on messages, so Last-Event-ID is the last message seen. */
export function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
