import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Env } from '../config/env.js';
import { isConnectionError } from './connection-errors.js';
import { createDatabaseSupervisor, superviseDatabase, type DatabaseSupervisor } from './database-supervisor.js';
import { embeddedPostgresRunning, startEmbeddedPostgres, type EmbeddedCluster } from './embedded-postgres.js';
import type { DB } from './schema.js';

// bigint ids fit in a JS number (< 2^53) for any realistic table; count(*) too.
pg.types.setTypeParser(20, (v) => Number(v));
// a calendar date stays the text 'YYYY-MM-DD': a JS Date at local midnight can shift the day
pg.types.setTypeParser(1082, (v) => v);

export type Database = Kysely<DB>;
export type DatabaseMode = 'embedded' | 'external';

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  mode: DatabaseMode;
  /** the embedded cluster as last started or joined (the supervisor may start it again) */
  readonly cluster?: EmbeddedCluster;
  readonly connectionString: string;
  /** Present when opened with `supervise`: watches the database and brings it back (see database-supervisor.ts). */
  supervisor?: DatabaseSupervisor;
  /** Closes the pool; stops the embedded PostgreSQL when no other process still uses it (see `release`). */
  close(opts?: { stopEmbedded?: boolean }): Promise<void>;
}

export const APP_DATABASE = 'peixun';

export function createPool(connectionString: string, max = 20, applicationName = `peixun-${process.pid}`): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
    // a database host that stops answering fails the request (503) instead of holding it forever
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  } as pg.PoolConfig);
  // An idle client that loses its server (restart, kill) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that loses it while checked out, between two queries of a transaction: pg-pool drops its
  // own listener on checkout, and an 'error' event without a listener ends the process. The query in
  // flight still fails and its request answers 5xx; the broken client is discarded on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

const pools = new WeakMap<object, pg.Pool>();

export function createKysely(pool: pg.Pool): Database {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/**
 * Runs a query as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of on every call. For the few hot reads whose plan does not depend on the values (equality
 * on keys); a transaction, or a database not made by `createKysely`, runs it unnamed.
 */
export async function queryPrepared<R>(db: Kysely<DB>, name: string, text: string, values: unknown[]): Promise<R[]> {
  const pool = pools.get(db);
  if (!pool) return (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows;
  return (await pool.query({ name, text, values })).rows as R[];
}

async function ensureDatabase(cluster: EmbeddedCluster, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.connectionString('postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client
        .query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`)
        .catch((e: { code?: string }) => {
          if (e.code !== '42P04') throw e; // created concurrently by another process
        });
    }
  } finally {
    await client.end();
  }
}

/** Number of client backends other than ours connected to the cluster. */
async function otherClients(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> $1",
    [`peixun-${process.pid}`],
  );
  return rows[0]?.n ?? 0;
}

/** Connects once and runs `SELECT 1`; rejects when the database does not answer within `timeoutMs`. */
export async function probeDatabase(connectionString: string, timeoutMs = 3_000): Promise<void> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: `peixun-${process.pid}`,
  } as pg.ClientConfig);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits until the database answers, retrying connection errors with backoff for up to `timeoutMs`
 * (a CLI command run while the server restarts its PostgreSQL, a server started before its database).
 * Any other error (wrong password, unknown database) is thrown at once.
 */
async function waitForDatabase(connectionString: string, timeoutMs: number, log: (l: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 200, told = false; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await probeDatabase(connectionString);
    } catch (e) {
      if (!isConnectionError(e) || Date.now() + wait > deadline) throw e;
      if (!told) log(`Waiting for the database (${(e as Error).message}) / 正在等待数据库 …`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Opens the product's database: the external PostgreSQL at DATABASE_URL, or the embedded
 * one under `<dataDir>/pg` (joined when already running, started otherwise).
 * With `supervise` (the server) a supervisor watches it and brings it back after it went away.
 */
export async function openDatabase(
  env: Env,
  opts: {
    poolSize?: number;
    log?: (l: string) => void;
    supervise?: boolean;
    /** how long an unreachable database is waited for before giving up (ms) */
    waitMs?: number;
  } = {},
): Promise<DatabaseHandle> {
  const log = opts.log ?? ((l: string) => console.error(l));
  let cluster: EmbeddedCluster | undefined;
  let connectionString: string;
  if (env.DATABASE_URL) {
    connectionString = env.DATABASE_URL;
    await waitForDatabase(connectionString, opts.waitMs ?? 30_000, log);
  } else {
    cluster = await startEmbeddedPostgres({ dataDir: env.dataDir, log: opts.log });
    await ensureDatabase(cluster, APP_DATABASE);
    connectionString = cluster.connectionString(APP_DATABASE);
  }
  const pool = createPool(connectionString, opts.poolSize ?? 20);
  const db = createKysely(pool);

  let supervisor: DatabaseSupervisor | undefined;
  if (opts.supervise) {
    const embedded = !env.DATABASE_URL;
    supervisor = createDatabaseSupervisor({
      log,
      probe: () => probeDatabase(connectionString),
      ...(embedded
        ? {
            serverRunning: () => embeddedPostgresRunning(env.dataDir),
            restart: async () => {
              cluster = await startEmbeddedPostgres({ dataDir: env.dataDir, log });
              const now = cluster.connectionString(APP_DATABASE);
              if (now !== connectionString) {
                // the remembered port was taken meanwhile: the pool's next clients go to the new one
                connectionString = now;
                (pool as unknown as { options: pg.PoolConfig }).options.connectionString = now;
              }
            },
          }
        : {}),
    });
    const notice = (e: unknown) => supervisor!.notice(e);
    // a client that loses its server, idle or checked out, is discarded by the pool; the supervisor looks
    pool.on('error', notice);
    pool.on('connect', (client) => client.on('error', notice));
    superviseDatabase(db, supervisor);
    supervisor.start();
  }
  return {
    db,
    pool,
    supervisor,
    get cluster() {
      return cluster;
    },
    get connectionString() {
      return connectionString;
    },
    mode: env.DATABASE_URL ? 'external' : 'embedded',
    async close({ stopEmbedded = true } = {}) {
      await supervisor?.stop();
      let others = 1;
      if (cluster && stopEmbedded) others = await otherClients(pool).catch(() => 1);
      await db.destroy();
      if (cluster && stopEmbedded && others === 0) await cluster.stop();
    },
  };
}
