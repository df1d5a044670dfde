import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadEnv, type Env } from '../../src/config/env.js';
import { createKysely, createPool, type Database } from '../../src/db/database.js';

export interface TestDatabase {
  db: Database;
  pool: pg.Pool;
  url: string;
  name: string;
  env: Env;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(envOverrides: Record<string, string> = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE peixun_template`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = createPool(url, 10);
  const db = createKysely(pool);
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    PEIXUN_LOG_LEVEL: 'silent',
    PEIXUN_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    ...envOverrides,
  });
  return {
    db,
    pool,
    url,
    name,
    env,
    async close() {
      await db.destroy();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await a.end();
    },
  };
}
