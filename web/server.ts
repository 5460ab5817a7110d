// The composition root: builds database, event bus, core, workers, channels
// and HTTP from one Config, and takes them down again in order. The CLI and
// the tests build the service through here, so they run what production runs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { migrate, openDatabase, type Database } from '../knexfile.ts';
import {
  AttachmentStore,
  ConversationCore,
  InProcessBus,
  PostgresBus,
  createDeliveryWorker,
  createJobRunner,
  systemClock,
  type ChannelAdapter,
  type ChannelKind,
  type Clock,
  type EventBus,
  type JobHandler,
  type QueueWorker,
} from '../core/index.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';

export interface ParleyDeps {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** An already-open database (tests pass a fresh migrated one). */
  db?: Database;
  random?: () => number;
}

export interface Parley {
  config: Config;
  logger: Logger;
  db: Database;
  bus: EventBus;
  core: ConversationCore;
  attachments: AttachmentStore;
  adapters: Map<ChannelKind, ChannelAdapter>;
  app: Koa;
  outbox: QueueWorker<any>;
  jobs: QueueWorker<any>;
  /** Runs `handler` as a job after every answerable inbound message. */
  addFollowUp(type: string, handler: JobHandler): void;
  /** Starts HTTP, channels and workers; resolves with the bound URL. */
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

export async function createParley(deps: ParleyDeps): Promise<Parley> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const db = deps.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const applied = await migrate(db);
  if (applied.length) logger.info({ migrations: applied.length }, 'database migrated');

  const bus = await createBus(db, logger);
  const core = new ConversationCore({ db, clock, bus, logger });
  const attachments = new AttachmentStore(path.join(config.dataDir, 'attachments'));
  const adapters = new Map<ChannelKind, ChannelAdapter>();
  const jobHandlers = new Map<string, JobHandler>();

  const outbox = createDeliveryWorker({ db, clock, bus, logger, adapters: () => adapters, options: config.outbox, random: deps.random });
  const jobs = createJobRunner({ db, clock, logger, handlers: jobHandlers, options: config.jobs });
  bus.subscribe((event) => {
    if (event.type === 'delivery.created') outbox.wake();
    if (event.type === 'job.created') jobs.wake();
  });

  let ready = false;
  const mounts: Koa.Middleware[] = [];
  const app = createApp({ db, logger, isReady: () => ready, mounts });
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 5_000;

  const parley: Parley = {
    config,
    logger,
    db,
    bus,
    core,
    attachments,
    adapters,
    app,
    outbox,
    jobs,
    addFollowUp(type, handler) {
      jobHandlers.set(type, handler);
      core.addFollowUp(type);
    },
    async start() {
      for (const adapter of adapters.values()) await adapter.start(core);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      outbox.start();
      jobs.start();
      ready = true;
      const { port } = server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
    },
    async stop() {
      ready = false;
      // Stop taking requests, let in-flight ones finish, then the workers
      // finish the row in hand, then channels, the bus and the database close.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs).unref();
      if (server.listening) await closed;
      clearTimeout(timer);
      await Promise.all([outbox.stop(), jobs.stop()]);
      for (const adapter of adapters.values()) await adapter.stop().catch((err) => logger.warn({ err }, 'channel stop failed'));
      await bus.close();
      await db.close();
    },
  };
  return parley;
}

async function createBus(db: Database, logger: Logger): Promise<EventBus> {
  if (db.dialect !== 'postgres' || !db.databaseUrl) return new InProcessBus(logger);
  const bus = new PostgresBus({ connectionString: db.databaseUrl, scope: db.scope, logger });
  await bus.start();
  return bus;
}
