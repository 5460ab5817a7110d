// The conversation core: the one entry point channels and the web layer use
// to change conversations. Every command validates its input at the boundary,
// runs in one transaction (inTransaction) and publishes its events after the
// commit. Everything it needs is passed in, so each test builds its own.
import type { Logger } from 'pino';
import type { Database } from '../knexfile.ts';
import { InvalidInputError } from './errors.ts';
import type { EventBus } from './events/bus.ts';
import { parseRate, rate, type RateInput } from './ratings/rate.ts';
import type { Rating } from './ratings/models.ts';
import { receiveMessage, type ReceiveResult } from './receive.ts';
import { parseReply, storeReply, type ReplyInput, type ReplyResult } from './reply.ts';
import * as commands from './tickets/commands.ts';
import type { Actor } from './tickets/history.ts';
import type { Ticket } from './tickets/models.ts';
import { GroupCommit } from './group-commit.ts';
import { inTransaction, type Tx, type TxDeps } from './transaction.ts';
import { inboundMessageSchema, PRIORITIES, TICKET_STATUSES, type Clock, type InboundMessage, type Priority, type TicketStatus } from './types.ts';

export interface ConversationCoreDeps {
  db: Database;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  /**
   * Follow-up job types by trigger: 'message.received' (every answerable
   * inbound message) or a ticket event type ('status_changed', 'handed_off'...).
   */
  followUps?: Record<string, string[]>;
}

export class ConversationCore {
  readonly db: Database;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly logger: Logger;
  private readonly followUps = new Map<string, string[]>();
  /**
   * SQLite has one connection: concurrent receives wait for it anyway, so
   * they share a transaction (and its COMMIT). On PostgreSQL they run side by
   * side on their own connections instead.
   */
  private readonly inbound?: GroupCommit;

  constructor(deps: ConversationCoreDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.bus = deps.bus;
    this.logger = deps.logger;
    for (const [trigger, types] of Object.entries(deps.followUps ?? {})) for (const type of types) this.addFollowUp(trigger, type);
    if (this.db.dialect === 'sqlite') this.inbound = new GroupCommit(this.txDeps());
  }

  /**
   * Subscribes job type `type` to `trigger`: from now on, every such change
   * enqueues one job in its own transaction (the composition root registers
   * the job's handler with the job runner).
   */
  addFollowUp(trigger: string, type: string): void {
    const types = this.followUps.get(trigger) ?? [];
    if (!types.includes(type)) types.push(type);
    this.followUps.set(trigger, types);
  }

  /** Runs work in one transaction with retry on races; events go out after commit. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.txDeps(), work);
  }

  private txDeps(): TxDeps {
    return { knex: this.db.knex, clock: this.clock, bus: this.bus, followUps: this.followUps };
  }

  async receive(input: InboundMessage): Promise<ReceiveResult> {
    const parsed = inboundMessageSchema.safeParse(input);
    if (!parsed.success) {
      const error = InvalidInputError.fromZod('inbound message', parsed.error);
      this.logger.warn({ channel: (input as any)?.channel, issues: error.issues }, 'inbound message rejected');
      throw error;
    }
    const work = (tx: Tx) => receiveMessage(tx, parsed.data);
    const result = await (this.inbound ? this.inbound.run(work) : this.transaction(work));
    this.logger.debug(
      { channel: parsed.data.channel, ticketId: result.ticket.id, messageId: result.message.id, duplicate: result.duplicate },
      'inbound message stored',
    );
    return result;
  }

  async reply(input: ReplyInput): Promise<ReplyResult> {
    const parsed = parseReply(input);
    return this.transaction((tx) => storeReply(tx, parsed));
  }

  async changeStatus(ticketId: number, status: TicketStatus, actor: Actor): Promise<Ticket> {
    if (!TICKET_STATUSES.includes(status)) throw new InvalidInputError(`unknown status ${JSON.stringify(status)}`);
    return this.transaction((tx) => commands.changeStatus(tx, ticketId, status, actor));
  }

  async changePriority(ticketId: number, priority: Priority, actor: Actor): Promise<Ticket> {
    if (!PRIORITIES.includes(priority)) throw new InvalidInputError(`unknown priority ${JSON.stringify(priority)}`);
    return this.transaction((tx) => commands.changePriority(tx, ticketId, priority, actor));
  }

  async assign(ticketId: number, agentId: number | null, actor: Actor): Promise<Ticket> {
    return this.transaction((tx) => commands.assign(tx, ticketId, agentId, actor));
  }

  async handOff(ticketId: number, reason: string, actor: Actor): Promise<Ticket> {
    return this.transaction((tx) => commands.handOff(tx, ticketId, reason, actor));
  }

  async handBack(ticketId: number, actor: Actor): Promise<Ticket> {
    return this.transaction((tx) => commands.handBack(tx, ticketId, actor));
  }

  /** Sends a failed (dead) delivery again; the outbox picks it up at once. */
  async retryDelivery(ticketId: number, deliveryId: number, actor: Actor): Promise<void> {
    return this.transaction((tx) => commands.retryDelivery(tx, ticketId, deliveryId, actor));
  }

  async rate(input: RateInput): Promise<Rating> {
    const parsed = parseRate(input);
    return this.transaction((tx) => rate(tx, parsed));
  }
}
