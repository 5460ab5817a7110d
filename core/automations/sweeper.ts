// The periodic automation sweep: every `intervalMs` it runs the time-based
// automations (today: auto-resolve) as of `clock.now()`. `runOnce(now)` is
// the same work without a timer, for tests with a FakeClock. A sweep never
// overlaps the previous one, and an error is logged, not thrown, so the next
// tick retries.
import type { Logger } from 'pino';
import type { Clock } from '../types.ts';
import { autoResolveStale, type AutoResolveOptions } from './auto-resolve.ts';

export interface SweeperOptions {
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** Absent when auto-resolve is turned off. */
  autoResolve?: AutoResolveOptions;
}

export class AutomationSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: SweeperOptions) {}

  async runOnce(now: number): Promise<{ resolved: number[] }> {
    const resolved = this.options.autoResolve ? await autoResolveStale(this.options.autoResolve, now) : [];
    if (resolved.length) this.options.logger.info({ resolved }, 'automations: auto-resolved stale pending tickets');
    return { resolved };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce(this.options.clock.now())
        .then(() => undefined)
        .catch((err) => this.options.logger.error({ err }, 'automations: sweep failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
