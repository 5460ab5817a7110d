// Storage: how Parley opens its database. SQLite (better-sqlite3, WAL) is the
// embedded default; PostgreSQL when a postgres:// URL is given. Every layer
// receives the knex instance built here from the composition root; this file
// is the only place that knows connection details, so it sits outside the
// layers and any of them (and any test) may import it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { knexSnakeCaseMappers } from 'objection';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres://... selects PostgreSQL; absent selects SQLite under dataDir. */
  databaseUrl?: string;
  /** Folder for the SQLite file (`parley.db`). */
  dataDir?: string;
  /** Explicit SQLite file (`:memory:` allowed); wins over dataDir. */
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests isolate themselves with one). */
  schema?: string;
  poolMax?: number;
}

export interface Database {
  knex: Knex;
  dialect: Dialect;
  /** Name used to scope LISTEN/NOTIFY channels (schema-aware). */
  scope: string;
  databaseUrl?: string;
  schema?: string;
  close(): Promise<void>;
}

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// pg returns int8 (COUNT(*), bigint timestamps) as strings; every value we
// store in a bigint fits a double (epoch milliseconds, counters).
pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1700, (v: string) => Number(v));

export function dialectOf(databaseUrl?: string): Dialect {
  return databaseUrl && /^postgres(ql)?:/.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export function knexConfig(options: DatabaseOptions): Knex.Config {
  if (dialectOf(options.databaseUrl) === 'postgres') {
    return {
      ...knexSnakeCaseMappers(),
      client: 'pg',
      connection: options.databaseUrl,
      searchPath: options.schema ? [options.schema] : undefined,
      pool: { min: 0, max: options.poolMax ?? 10 },
      migrations: { migrationSource: new MigrationSource(), schemaName: options.schema },
    };
  }
  const filename = options.sqliteFile ?? path.join(options.dataDir ?? './data', 'parley.db');
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  return {
    // camelCase in TypeScript, snake_case in the database, on every query.
    ...knexSnakeCaseMappers(),
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: any, done: (err: Error | null, conn: any) => void) {
        // WAL lets readers (the CLI, a second process) work while we write;
        // NORMAL sync is crash-safe in WAL mode (an OS crash may lose the last
        // commits, an application crash loses nothing).
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        cachePreparedStatements(conn);
        done(null, conn);
      },
    },
    migrations: { migrationSource: new MigrationSource() },
  };
}

/**
 * knex prepares every query afresh; preparing is a large share of a small
 * query's cost on SQLite. Statements are reusable, so keep the most recent
 * ones per connection (bounded, as queries with IN lists vary in shape).
 */
function cachePreparedStatements(conn: { prepare(sql: string): unknown }, max = 500): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql); // re-insert: most recently used last
    } else {
      statement = prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const dialect = dialectOf(options.databaseUrl);
  const knex = knexFactory(knexConfig(options));
  if (dialect === 'postgres' && options.schema) {
    await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [options.schema]);
  }
  return {
    knex,
    dialect,
    scope: options.schema ?? 'public',
    databaseUrl: options.databaseUrl,
    schema: options.schema,
    close: () => knex.destroy(),
  };
}

export async function migrate(db: Database): Promise<string[]> {
  const [, applied] = await db.knex.migrate.latest();
  return applied as string[];
}

/** Loads `migrations/*.ts` through the module loader (no knex file magic). */
export class MigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(migrationsDir)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f))
      .sort();
  }
  getMigrationName(migration: string): string {
    return migration;
  }
  async getMigration(migration: string): Promise<Knex.Migration> {
    return import(pathToFileURL(path.join(migrationsDir, migration)).href);
  }
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or a
 * new schema in TEST_DATABASE_URL's PostgreSQL database. `close()` drops it.
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ databaseUrl: url, schema, poolMax: 20 });
    await migrate(db);
    return {
      ...db,
      async close() {
        await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => {});
        await db.knex.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const db = await openDatabase({ sqliteFile: path.join(dir, 'parley.db') });
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// For the knex CLI, should anyone reach for it: same choice as the service.
export default knexConfig({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR });
