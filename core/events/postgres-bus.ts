// Several instances on one PostgreSQL database: events travel by NOTIFY and
// every instance (this one included) receives them through LISTEN, so there is
// exactly one path from publish to listener. The listening connection is
// re-established with backoff if it drops.
import pg from 'pg';
import type { Logger } from 'pino';
import { Listeners, type BusEvent, type BusListener, type EventBus } from './bus.ts';

const MAX_PAYLOAD = 7900; // NOTIFY payloads must stay under 8000 bytes

export interface PostgresBusOptions {
  connectionString: string;
  /** Scope (schema) so separate deployments or tests on one server stay apart. */
  scope: string;
  logger: Logger;
}

export class PostgresBus implements EventBus {
  private readonly channel: string;
  private readonly listeners: Listeners;
  private client?: pg.Client;
  private publisher?: pg.Client;
  private closed = false;
  private reconnectDelay = 250;
  /** NOTIFYs go out one after another on the one publishing connection. */
  private publishing: Promise<void> = Promise.resolve();

  constructor(private readonly options: PostgresBusOptions) {
    this.channel = `parley_events_${options.scope}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 63);
    this.listeners = new Listeners((err) => options.logger.error({ err }, 'event listener failed'));
  }

  /** Resolves once LISTEN is active, so nothing published afterwards is missed. */
  async start(): Promise<void> {
    await this.connectListener();
    this.publisher = new pg.Client({ connectionString: this.options.connectionString });
    this.publisher.on('error', (err) => this.options.logger.warn({ err }, 'event bus publisher error'));
    await this.publisher.connect();
  }

  async publish(events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const send = async () => {
      for (const batch of batches(events)) {
        try {
          if (!this.publisher) throw new Error('event bus not started');
          await this.publisher.query('SELECT pg_notify($1, $2)', [this.channel, batch]);
        } catch (err) {
          // The change is committed; a lost announcement only delays live views.
          this.options.logger.error({ err }, 'event bus publish failed');
        }
      }
    };
    const done = this.publishing.then(send);
    this.publishing = done;
    await done;
  }

  subscribe(listener: BusListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.client?.end(), this.publisher?.end()]);
  }

  private async connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel || !msg.payload) return;
      try {
        for (const event of JSON.parse(msg.payload) as BusEvent[]) this.listeners.emit(event);
      } catch (err) {
        this.options.logger.warn({ err }, 'unreadable event bus payload');
      }
    });
    client.on('error', (err) => {
      this.options.logger.warn({ err }, 'event bus connection lost');
      this.scheduleReconnect();
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    this.client = client;
    this.reconnectDelay = 250;
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 10_000);
    setTimeout(() => {
      if (this.closed) return;
      this.client?.end().catch(() => {});
      this.connectListener().catch((err) => {
        this.options.logger.warn({ err }, 'event bus reconnect failed');
        this.scheduleReconnect();
      });
    }, delay).unref();
  }
}

function* batches(events: BusEvent[]): Generator<string> {
  let current: BusEvent[] = [];
  for (const event of events) {
    const next = JSON.stringify([...current, event]);
    if (next.length > MAX_PAYLOAD && current.length > 0) {
      yield JSON.stringify(current);
      current = [event];
    } else {
      current.push(event);
    }
  }
  if (current.length > 0) yield JSON.stringify(current);
}
