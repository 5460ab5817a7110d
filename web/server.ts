// The composition root: builds database, event bus, core, workers, channels
// and HTTP from one Config, and takes them down again in order. The CLI and
// the tests build the service through here, so they run what production runs.
//
// Features (knowledge/bot, channels, portal...) plug in through `features`
// below: each is a function that receives the shared parts and registers its
// routes, channel adapter, follow-up jobs and shutdown hooks.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
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
import { knowledge } from './features/knowledge.ts';
import { surveys } from './features/surveys.ts';
import { webchat } from './features/webchat.ts';
import { emailFeature } from './features/email.ts';
import { slack } from './features/slack.ts';
import { teams } from './features/teams.ts';
import { discord } from './features/discord.ts';
import { portal } from './features/portal.ts';
import { automations } from './features/automations.ts';
import { desk } from './features/desk.ts';
import type { Config } from './config.ts';

export interface ParleyDeps {
  config: Config;
  logger: Logger;
  /** The environment features parse their own settings from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** An already-open database (tests pass a fresh migrated one). */
  db?: Database;
  random?: () => number;
}

/** What every feature receives to plug itself in. */
export interface ParleyParts {
  config: Config;
  /** For features to parse their own settings with parseEnvGroup. */
  env: NodeJS.ProcessEnv;
  /** Key for signing tokens and links (SECRET_KEY, or generated once under DATA_DIR). */
  secret: string;
  logger: Logger;
  clock: Clock;
  db: Database;
  bus: EventBus;
  core: ConversationCore;
  attachments: AttachmentStore;
  /** Registered channel adapters; the outbox delivers through these. */
  adapters: Map<ChannelKind, ChannelAdapter>;
  /** Runs job `type` with `handler` whenever `trigger` happens (see ConversationCore.addFollowUp). */
  addFollowUp(trigger: string, type: string, handler: JobHandler): void;
  /** Adds Koa middleware (usually `router.routes()`), mounted in registration order. */
  mount(middleware: Koa.Middleware): void;
  /** Runs at shutdown, after HTTP has stopped and before the database closes (reverse order). */
  onStop(hook: () => Promise<void>): void;
  /** The knowledge base (articles, search, answers), set by the knowledge feature, which is wired first. */
  knowledge?: import('../knowledge/index.ts').KnowledgeBase;
  /** Sends mail that is not a ticket message (sign-in links); the portal writes .eml files to DATA_DIR/outbox when unset. */
  mailer?: { send(mail: { to: string; subject: string; text: string; html?: string; automatic?: boolean }): Promise<void> };
}

export type Feature = (parts: ParleyParts) => Promise<void> | void;

/** Every feature of the service, in wiring order. Add new ones here. */
export const features: Feature[] = [knowledge, surveys, automations, webchat, emailFeature, slack, teams, discord, portal, desk];

export interface Parley extends ParleyParts {
  app: Koa;
  outbox: QueueWorker<any>;
  jobs: QueueWorker<any>;
  /** Starts channels, HTTP and workers; resolves with the bound URL. */
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

export async function createParley(deps: ParleyDeps, extraFeatures: Feature[] = []): Promise<Parley> {
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
  const mounts: Koa.Middleware[] = [];
  const stopHooks: (() => Promise<void>)[] = [];

  const parts: ParleyParts = {
    config,
    env: deps.env ?? process.env,
    secret: config.secretKey ?? loadOrCreateSecret(config.dataDir),
    logger,
    clock,
    db,
    bus,
    core,
    attachments,
    adapters,
    addFollowUp(trigger, type, handler) {
      jobHandlers.set(type, handler);
      core.addFollowUp(trigger, type);
    },
    mount: (middleware) => void mounts.push(middleware),
    onStop: (hook) => void stopHooks.push(hook),
  };
  for (const feature of [...features, ...extraFeatures]) await feature(parts);

  const outbox = createDeliveryWorker({ db, clock, bus, logger, adapters: () => adapters, options: config.outbox, random: deps.random });
  const jobs = createJobRunner({ db, clock, logger, handlers: jobHandlers, options: config.jobs });
  bus.subscribe((event) => {
    if (event.type === 'delivery.created' || (event.type === 'delivery.updated' && event.retried)) outbox.wake();
    if (event.type === 'job.created') jobs.wake();
  });

  let ready = false;
  const app = createApp({ db, logger, isReady: () => ready, mounts, trustProxy: config.trustProxy });
  // Requests still being handled, so stop() can let them finish before the
  // database closes (a client that hung up does not end its handler).
  const handle = app.callback();
  const inFlight = new Set<Promise<void>>();
  const server = http.createServer((req, res) => {
    const handled = handle(req, res);
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  server.keepAliveTimeout = 5_000;

  return {
    ...parts,
    app,
    outbox,
    jobs,
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
      // Stop taking requests and let in-flight ones finish, even those whose
      // client hung up (long-lived streams are cut after the shutdown
      // timeout); then the workers finish the row
      // in hand; then channels, feature hooks, the bus and the database close.
      if (server.listening) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs).unref();
        await closed;
        clearTimeout(timer);
      }
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, config.shutdownTimeoutMs).unref()));
        await Promise.race([Promise.allSettled([...inFlight]), timeout]);
        clearTimeout(timer);
      }
      await Promise.all([outbox.stop(), jobs.stop()]);
      for (const adapter of adapters.values()) await adapter.stop().catch((err) => logger.warn({ err }, 'channel stop failed'));
      for (const hook of stopHooks.reverse()) await hook().catch((err) => logger.warn({ err }, 'shutdown hook failed'));
      await bus.close();
      await db.close();
    },
  };
}

/** The embedded default needs no setup: a random key, created once, kept private. */
function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    } catch {
      return fs.readFileSync(file, 'utf8').trim(); // another process won the race
    }
  }
}

async function createBus(db: Database, logger: Logger): Promise<EventBus> {
  if (db.dialect !== 'postgres' || !db.databaseUrl) return new InProcessBus(logger);
  const bus = new PostgresBus({ connectionString: db.databaseUrl, scope: db.scope, logger });
  await bus.start();
  return bus;
}
