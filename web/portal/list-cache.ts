// The rendered rows of a customer's ticket list, kept briefly and reused
// while the list has not changed. Every use first asks the database for the
// list's fingerprint (count, newest id, newest update: one indexed aggregate,
// no rows), so a change made anywhere, by any instance, shows at once; the
// short lifetime only bounds how old the "Updated 5 minutes ago" texts get.
import type { Knex } from 'knex';
import type { Clock } from '../../core/index.ts';
import type { StatusFilter } from './queries.ts';

interface Entry {
  fingerprint: string;
  html: string;
  at: number;
}

export class TicketListCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: { knex: Knex; clock: Clock; ttlMs?: number; maxEntries?: number }) {}

  async fingerprint(customerId: number): Promise<string> {
    const row = await this.deps.knex('tickets').where({ customerId }).first(
      this.deps.knex.raw('count(*) as n'),
      this.deps.knex.raw('max(id) as last_id'),
      this.deps.knex.raw('max(updated_at) as last_update'),
    );
    return `${row?.n ?? 0}:${row?.lastId ?? 0}:${row?.lastUpdate ?? 0}`;
  }

  /** The cached rows for this list if still current, else `render()`'s, remembered. */
  async rows(customerId: number, status: StatusFilter, render: () => Promise<string>): Promise<string> {
    const key = `${customerId}:${status}`;
    const fingerprint = await this.fingerprint(customerId);
    const now = this.deps.clock.now();
    const hit = this.entries.get(key);
    if (hit && hit.fingerprint === fingerprint && now - hit.at < (this.deps.ttlMs ?? 30_000)) return hit.html;
    const html = await render();
    this.entries.delete(key);
    this.entries.set(key, { fingerprint, html, at: now });
    if (this.entries.size > (this.deps.maxEntries ?? 5_000)) this.entries.delete(this.entries.keys().next().value!);
    return html;
  }
}
