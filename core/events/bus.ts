// The event bus: committed changes, announced to whoever streams them
// (portal, widget, workers). Events carry ids, never content, so a listener
// re-reads what it is allowed to see.
export interface BusEvent {
  type:
    | 'ticket.created'
    | 'ticket.updated'
    | 'message.created'
    | 'delivery.created'
    | 'delivery.updated'
    | 'rating.created'
    | 'job.created'
    /** Someone (the bot, an agent) is writing on ticketId: `active` true/false. */
    | 'ticket.typing';
  ticketId?: number;
  messageId?: number;
  customerId?: number;
  deliveryId?: number;
  [key: string]: unknown;
}

export type BusListener = (event: BusEvent) => void;

export interface EventBus {
  /** Announces events that are already committed. */
  publish(events: BusEvent[]): Promise<void>;
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}

/** Fan-out to local listeners; a throwing listener never hurts the others. */
export class Listeners {
  private readonly set = new Set<BusListener>();
  constructor(private readonly onError: (error: unknown) => void) {}
  add(listener: BusListener): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(event: BusEvent): void {
    for (const listener of this.set) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}
