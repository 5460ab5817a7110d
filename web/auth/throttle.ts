// Fixed-window rate limits kept in the database (auth_throttle), so several
// instances count the same requests. One upsert per hit; old windows are
// swept now and then.
import type { Knex } from 'knex';
import type { Clock } from '../../core/index.ts';

export interface ThrottleResult {
  allowed: boolean;
  /** When the current window ends (ms from now). */
  retryAfterMs: number;
}

export class Throttle {
  private hitsSinceSweep = 0;

  constructor(private readonly deps: { knex: Knex; clock: Clock }) {}

  /** Counts one hit on `key`; allowed while the window holds at most `limit` hits. */
  async hit(key: string, limit: number, windowMs: number): Promise<ThrottleResult> {
    const { knex, clock } = this.deps;
    const now = clock.now();
    const windowStart = now - (now % windowMs);
    const k = key.slice(0, 400);
    await knex('authThrottle')
      .insert({ key: k, windowStart, hits: 1 })
      .onConflict(['key', 'windowStart'])
      .merge({ hits: knex.raw('auth_throttle.hits + 1') });
    const row = await knex('authThrottle').where({ key: k, windowStart }).first('hits');
    if (++this.hitsSinceSweep >= 200) {
      this.hitsSinceSweep = 0;
      await knex('authThrottle').where('windowStart', '<', now - 2 * 86_400_000).delete();
    }
    return { allowed: Number(row?.hits ?? 1) <= limit, retryAfterMs: windowStart + windowMs - now };
  }
}
