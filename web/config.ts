// Configuration: environment variables, parsed once at boot into a typed
// object. A bad value stops boot with one line naming the variable. Later
// issues add their own groups here; every variable is documented in README.md.
import path from 'node:path';
import { z } from 'zod';

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int({ error: `expected a whole number from ${min} to ${max}` })
    .min(min, { error: `expected a whole number from ${min} to ${max}` })
    .max(max, { error: `expected a whole number from ${min} to ${max}` });

const url = (protocols: RegExp, what: string) =>
  z.string().refine((v) => {
    try {
      return protocols.test(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `expected ${what}`);

export const configSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(/^postgres(ql)?:$/, 'a postgres:// URL (leave unset for the embedded SQLite database)').optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  PORT: int(0, 65535).default(3000),
  PUBLIC_URL: url(/^https?:$/, 'an http:// or https:// URL').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  OUTBOX_MAX_ATTEMPTS: int(1, 100).default(8),
  OUTBOX_BASE_DELAY_MS: int(10, 3_600_000).default(2_000),
  OUTBOX_MAX_DELAY_MS: int(10, 86_400_000).default(3_600_000),
  OUTBOX_LEASE_MS: int(1_000, 3_600_000).default(60_000),
  WORKER_POLL_MS: int(10, 60_000).default(1_000),
  SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(10_000),
  SECRET_KEY: z.string().min(32, 'expected at least 32 characters of random text').optional(),
});

export type Env = z.infer<typeof configSchema>;

export interface Config {
  dataDir: string;
  databaseUrl?: string;
  host: string;
  port: number;
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-*. */
  trustProxy: boolean;
  publicUrl: string;
  log: { level: Env['LOG_LEVEL']; format: Env['LOG_FORMAT'] };
  outbox: {
    leaseMs: number;
    pollMs: number;
    batchSize: number;
    retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  };
  jobs: {
    leaseMs: number;
    pollMs: number;
    batchSize: number;
    retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  };
  shutdownTimeoutMs: number;
  /** Signs tokens and links; from SECRET_KEY, else generated once into DATA_DIR. */
  secretKey?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses one group of environment variables with a zod object schema; throws
 * ConfigError naming the first bad variable. Features parse their own groups
 * with this (see web/features/), so each keeps its settings next to its wiring.
 */
export function parseEnvGroup<S extends z.ZodObject<any>>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // Empty strings count as unset, as they do in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const got = present[variable];
    const shown = got === undefined ? '' : /SECRET|KEY|TOKEN|PASSWORD/.test(variable) ? ' (value hidden)' : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  return parsed.data;
}

export { int as intSetting, url as urlSetting };

/** Parses the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnvGroup(configSchema, env);
  if (e.OUTBOX_MAX_DELAY_MS < e.OUTBOX_BASE_DELAY_MS) {
    throw new ConfigError('OUTBOX_MAX_DELAY_MS', 'must not be smaller than OUTBOX_BASE_DELAY_MS');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    trustProxy: e.TRUST_PROXY === 'true',
    publicUrl,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    outbox: {
      leaseMs: e.OUTBOX_LEASE_MS,
      pollMs: e.WORKER_POLL_MS,
      batchSize: 20,
      retry: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS, baseDelayMs: e.OUTBOX_BASE_DELAY_MS, maxDelayMs: e.OUTBOX_MAX_DELAY_MS },
    },
    jobs: {
      leaseMs: e.OUTBOX_LEASE_MS,
      pollMs: e.WORKER_POLL_MS,
      batchSize: 20,
      retry: { maxAttempts: 5, baseDelayMs: e.OUTBOX_BASE_DELAY_MS, maxDelayMs: e.OUTBOX_MAX_DELAY_MS },
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    secretKey: e.SECRET_KEY,
  };
}
