// The embedded default: one process, listeners called on the next tick.
import type { Logger } from 'pino';
import { Listeners, type BusEvent, type BusListener, type EventBus } from './bus.ts';

export class InProcessBus implements EventBus {
  private readonly listeners: Listeners;

  constructor(logger: Logger) {
    this.listeners = new Listeners((err) => logger.error({ err }, 'event listener failed'));
  }

  async publish(events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Asynchronous like the PostgreSQL bus, so callers never depend on
    // listeners having run before publish() returns.
    queueMicrotask(() => {
      for (const event of events) this.listeners.emit(event);
    });
  }

  subscribe(listener: BusListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {}
}
