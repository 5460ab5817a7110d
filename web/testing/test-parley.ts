// The whole service for a test: real HTTP on a free loopback port, a fresh
// database (SQLite, or a PostgreSQL schema with TEST_DATABASE_URL), its own
// temporary DATA_DIR, and a quiet logger. Pass env to switch features on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openTestDatabase } from '../../knexfile.ts';
import type { Clock } from '../../core/index.ts';
import { loadConfig } from '../config.ts';
import { createParley, type Feature, type Parley } from '../server.ts';

export interface TestParley {
  parley: Parley;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestParley(
  options: { env?: Record<string, string>; clock?: Clock; features?: Feature[]; random?: () => number } = {},
): Promise<TestParley> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-data-'));
  const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', WORKER_POLL_MS: '20', ...options.env };
  const config = loadConfig(env);
  const db = await openTestDatabase();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const parley = await createParley({ config, logger, env, db, clock: options.clock, random: options.random }, options.features);
  const { url } = await parley.start();
  return {
    parley,
    url,
    dataDir,
    async close() {
      await parley.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
