import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/db/embedded-postgres.js';
import { migrate } from '../../src/db/migrate.js';

export const TEMPLATE_DB = 'peixun_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgUrlFor: string;
  }
}

let cluster: EmbeddedCluster | undefined;
let dir: string | undefined;

/**
 * One real PostgreSQL per test run (or TEST_DATABASE_URL), with a migrated template database
 * that each test file clones (see db.ts). Durability is off: these clusters are thrown away.
 */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl: string;
  if (process.env['TEST_DATABASE_URL']) {
    adminUrl = process.env['TEST_DATABASE_URL'];
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-test-'));
    fs.chmodSync(dir, 0o755);
    cluster = await startEmbeddedPostgres({
      dataDir: dir,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = cluster.connectionString('postgres');
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB} ENCODING 'UTF8' TEMPLATE template0`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DB}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  await migrate(pool);
  await pool.end();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgUrlFor', url.toString());
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
