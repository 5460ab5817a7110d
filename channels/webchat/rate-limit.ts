// Per-key token buckets (per visitor for posts, per address for new
// sessions). Kept in memory: each instance limits on its own, which bounds a
// visitor at (instances x limit); idle buckets are swept so memory follows the
// number of active visitors, not the number ever seen.
import type { Clock } from '../../core/index.ts';

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private lastSweep = 0;

  constructor(private readonly options: { perMinute: number; clock: Clock }) {
    this.refillPerMs = options.perMinute / 60_000;
  }

  /** Takes one token for `key`; returns 0 when allowed, else the milliseconds to wait. */
  take(key: string): number {
    const now = this.options.clock.now();
    this.sweep(now);
    const capacity = this.options.perMinute;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.refillPerMs);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    // A bucket untouched for a full minute is full again: same as no bucket.
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= 60_000) this.buckets.delete(key);
  }
}
