// Messages missed while the gateway was away. Discord replays events after a
// resumed session, but not after a new one (a long outage, a restart), so on
// every READY we ask the REST history of each ticket's DM channel or thread
// for messages after the newest one we stored from the customer, and feed
// them through the normal inbound path (those we already have are no-ops).
import { Routes, type REST } from 'discord.js';
import type { Logger } from 'pino';
import { fromJsonColumn, type ConversationCore } from '../../core/index.ts';
import { fromRest, type DiscordPlace } from './incoming.ts';
import type { DiscordInbound } from './inbound.ts';

const MAX_TICKETS = 200;
const MAX_PAGES = 5;
const PAGE = 100;

export class CatchUp {
  private running?: Promise<number>;
  private again = false;

  constructor(
    private readonly deps: {
      core: ConversationCore;
      rest: REST;
      inbound: DiscordInbound;
      logger: Logger;
      days: number;
      botUserId: () => string | undefined;
    },
  ) {}

  /** Runs a catch-up now, or once more after the one in progress. Resolves with messages stored. */
  run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let stored = 0;
      do {
        this.again = false;
        stored += await this.pass();
      } while (this.again);
      return stored;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    if (this.deps.days <= 0) return 0; // DISCORD_CATCH_UP_DAYS=0 turns catch-up off
    const { core, logger } = this.deps;
    const knex = core.db.knex;
    const since = core.clock.now() - this.deps.days * 86_400_000;
    const tickets = await knex('tickets')
      .where({ channel: 'discord' })
      .whereNot('status', 'closed')
      .where('updatedAt', '>=', since)
      .orderBy('updatedAt', 'desc')
      .limit(MAX_TICKETS)
      .select('id', 'threadKey', 'replyRef');
    let stored = 0;
    for (const ticket of tickets) {
      const place: DiscordPlace | undefined = ticket.threadKey.startsWith('dm:') ? 'dm' : ticket.threadKey.startsWith('thread:') ? 'thread' : undefined;
      const channelId = fromJsonColumn<{ channelId?: string }>(ticket.replyRef)?.channelId;
      if (!place || !channelId) continue;
      const after = await this.newestCustomerMessage(ticket.id);
      if (!after) continue;
      try {
        stored += await this.fetchAfter(channelId, place, after);
      } catch (error) {
        logger.warn({ err: error, ticketId: ticket.id, channelId }, 'discord catch-up failed for a channel');
      }
    }
    if (stored) logger.info({ stored, tickets: tickets.length }, 'discord catch-up stored missed messages');
    return stored;
  }

  private async newestCustomerMessage(ticketId: number): Promise<string | undefined> {
    const rows = await this.deps.core.db.knex('messages').where({ ticketId, channel: 'discord', authorType: 'customer' }).orderBy('id', 'desc').limit(50).select('externalId');
    let newest: bigint | undefined;
    for (const { externalId } of rows) {
      if (!/^\d{1,25}$/.test(externalId ?? '')) continue;
      const id = BigInt(externalId);
      if (newest === undefined || id > newest) newest = id;
    }
    return newest?.toString();
  }

  private async fetchAfter(channelId: string, place: DiscordPlace, after: string): Promise<number> {
    const botUserId = this.deps.botUserId();
    if (!botUserId) return 0;
    let cursor = after;
    let stored = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const batch = (await this.deps.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ after: cursor, limit: String(PAGE) }) })) as any[];
      const ascending = [...batch].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      for (const raw of ascending) {
        if ((await this.deps.inbound.handle(fromRest(raw, place, botUserId))) === 'stored') stored += 1;
      }
      if (batch.length < PAGE) break;
      cursor = String(ascending[ascending.length - 1].id);
    }
    return stored;
  }
}
