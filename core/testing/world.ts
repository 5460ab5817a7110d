// A test's own world: a fresh migrated database (SQLite file, or a schema in
// TEST_DATABASE_URL's PostgreSQL), a fake clock, the bus that database would
// use in production, a quiet logger and a core. Nothing is shared between
// test files.
import pino, { type Logger } from 'pino';
import { openTestDatabase, type Database } from '../../knexfile.ts';
import { ConversationCore } from '../conversation-core.ts';
import type { EventBus } from '../events/bus.ts';
import { InProcessBus } from '../events/in-process-bus.ts';
import { PostgresBus } from '../events/postgres-bus.ts';
import { FakeClock } from './clock.ts';

export interface World {
  db: Database;
  clock: FakeClock;
  bus: EventBus;
  logger: Logger;
  core: ConversationCore;
  close(): Promise<void>;
}

export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export async function busFor(db: Database, logger: Logger): Promise<EventBus> {
  if (db.dialect === 'postgres' && db.databaseUrl) {
    const bus = new PostgresBus({ connectionString: db.databaseUrl, scope: db.scope, logger });
    await bus.start();
    return bus;
  }
  return new InProcessBus(logger);
}

export async function buildWorld(options: { db?: Database; followUps?: Record<string, string[]> } = {}): Promise<World> {
  const db = options.db ?? (await openTestDatabase());
  const clock = new FakeClock();
  const logger = testLogger();
  const bus = await busFor(db, logger);
  const core = new ConversationCore({ db, clock, bus, logger, followUps: options.followUps });
  return {
    db,
    clock,
    bus,
    logger,
    core,
    async close() {
      await bus.close();
      await db.close();
    },
  };
}

/** Resolves with the first bus event matching `predicate`, or rejects after `ms`. */
export function nextEvent(bus: EventBus, predicate: (e: any) => boolean, ms = 5000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a bus event'));
    }, ms);
    const off = bus.subscribe((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}
