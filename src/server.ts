import { wakeLrsMapping } from './services/lrs-mapping.js';
import { wakeXapiOwn } from './services/xapi-own.js';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Env } from './config/env.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { migrate } from './db/migrate.js';
import { buildApp } from './http/app.js';
import { createJobRunner, jobHandlers } from './jobs/job-runner.js';
import { createOrgUnitRepository } from './repositories/org-unit.repository.js';
import { createAuthThrottleRepository } from './repositories/auth-throttle.repository.js';
import { createSessionRepository } from './repositories/session.repository.js';
import { personalDataCipher } from './services/personal-data.js';
import { createServices } from './services/services.js';
import { closeCertificatePool } from './services/certificate.service.js';
import { stopLrsTraffic } from './services/lrs-traffic.js';
import { queueStaleRefreshes } from './services/ledger-maintenance.js';

const SERVER_LOCK = 727_000;

export class ServerAlreadyRunningError extends Error {}

export interface RunningServer {
  app: FastifyInstance;
  handle: DatabaseHandle;
  url: string;
  demo?: { usernames: string[]; password: string };
  close(): Promise<void>;
}

/**
 * Starts the whole product: database (embedded or external), migrations, demo seed on an empty
 * embedded database, then the HTTP server. On the embedded database only one server may run per
 * data dir: a second one is refused while the first holds the server lock.
 */
export async function startServer(
  env: Env,
  opts: { log?: (line: string) => void; logger?: boolean } = {},
): Promise<RunningServer> {
  const log = opts.log ?? (() => undefined);
  const handle = await openDatabase(env, { log, supervise: true });
  let lockClient: pg.Client | undefined;
  /** Takes the server lock on a new connection; false when another server holds it. */
  const takeLock = async (): Promise<boolean> => {
    await lockClient?.end().catch(() => undefined);
    lockClient = new pg.Client({
      connectionString: handle.connectionString,
      application_name: `peixun-${process.pid}`,
    });
    lockClient.on('error', () => undefined);
    await lockClient.connect();
    const { rows } = await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SERVER_LOCK]);
    return rows[0]?.ok === true;
  };
  try {
    if (handle.mode === 'embedded') {
      if (!(await takeLock())) {
        const other = readServerPid(env.dataDir);
        throw new ServerAlreadyRunningError(
          `Another Peixun server${other ? ` (pid ${other})` : ''} is already using the data directory ${env.dataDir}. Stop it first, or set PEIXUN_DATA_DIR to another directory.\n` +
            `另一个培训平台服务${other ? `（进程 ${other}）` : ''}正在使用数据目录 ${env.dataDir}，请先停止它，或用 PEIXUN_DATA_DIR 指定其他目录。`,
        );
      }
      fs.writeFileSync(path.join(env.dataDir, 'server.pid'), String(process.pid));
      // the lock lived in the PostgreSQL that went away: take it again in the one that came back
      handle.supervisor?.onRecovered(async () => {
        if (await takeLock()) return;
        log(`Another Peixun server took the data directory ${env.dataDir} while the database was away`);
      });
    }
    const applied = await migrate(handle.pool);
    if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);

    // the personal-data key is read (or created) now, so a bad key stops the start, not a request
    personalDataCipher(env, log);
    const services = createServices({ db: handle.db, env });
    let demo: RunningServer['demo'];
    const seedWanted =
      env.PEIXUN_SEED_DEMO === 'always' || (env.PEIXUN_SEED_DEMO === 'auto' && handle.mode === 'embedded');
    if (seedWanted && (await createOrgUnitRepository(handle.db).countAll()) === 0) {
      const r = await services.demo.seed({ actor: null, ip: null, via: 'cli' });
      if (r.created && r.password) demo = { usernames: r.usernames, password: r.password };
    }

    const app = await buildApp({
      services,
      db: handle.db,
      env,
      databaseMode: handle.mode,
      logger: opts.logger ?? true,
    });
    const address = await app.listen({ port: env.PORT, host: env.HOST });
    const port = new URL(address).port;
    const url = `http://localhost:${port}`;

    // background jobs of every kind registered by the modules loaded above (see jobs/job-runner.ts)
    const jobs = createJobRunner({ db: handle.db, handlers: jobHandlers(), log: (line) => app.log.warn(line) });
    jobs.start();
    handle.supervisor?.onRecovered(() => jobs.kick());

    const sweeper = setInterval(() => {
      void createSessionRepository(handle.db)
        .deleteExpired(env.PEIXUN_SESSION_IDLE_MINUTES)
        .catch(() => undefined);
      // failure counts a day old count for nothing (windows and locks are shorter)
      void createAuthThrottleRepository(handle.db)
        .deleteStale(24 * 60)
        .catch(() => undefined);
      // checked roster uploads nobody committed in time: their staged identifiers go
      void services.teacherImports.expireStale().catch(() => undefined);
      // study pages closed without saying so: their sessions are ended and settled
      void services.studySessions.sweepQuietSessions().catch(() => undefined);
    }, 10 * 60_000);
    sweeper.unref();
    // exam attempts whose time is up are handed in with what was saved, even if the page never returns
    let sweepingExams = false;
    const examSweeper = setInterval(() => {
      if (sweepingExams) return;
      sweepingExams = true;
      void services.examAttempts
        .sweepTimeUp()
        .catch(() => undefined)
        .finally(() => {
          sweepingExams = false;
        });
    }, 30_000);
    examSweeper.unref();
    // statements waiting for the LRS's mapping rules (a wake after storing may have been lost with a restart),
    // and Peixun's own learning records as xAPI statements
    const lrsSweeper = setInterval(() => {
      wakeLrsMapping(handle.db);
      wakeXapiOwn(handle.db);
    }, 60_000);
    lrsSweeper.unref();

    let closing: Promise<void> | undefined;
    // a new year (or an interrupted refresh) leaves statuses to recompute: checked now and hourly
    const refresher = setInterval(() => {
      void queueStaleRefreshes(handle.db, env)
        .then((n) => n && jobs.kick())
        .catch(() => undefined);
      // backbone titles (R-41): ended terms expire, undone duties are reminded from November and flagged after the year
      void services.backbone.sweep(null, null).catch(() => undefined);
    }, 3_600_000);
    refresher.unref();
    void queueStaleRefreshes(handle.db, env)
      .then((n) => n && jobs.kick())
      .catch(() => undefined);

    const close = () =>
      (closing ??= (async () => {
        await handle.supervisor?.stop();
        clearInterval(refresher);
        await jobs.stop();
        await closeCertificatePool();
        clearInterval(sweeper);
        clearInterval(examSweeper);
        clearInterval(lrsSweeper);
        await app.close();
        await stopLrsTraffic(handle.db);
        if (lockClient) {
          await lockClient.end().catch(() => undefined);
          fs.rmSync(path.join(env.dataDir, 'server.pid'), { force: true });
        }
        await handle.close();
      })());
    return { app, handle, url, demo, close };
  } catch (e) {
    await lockClient?.end().catch(() => undefined);
    await handle
      .close({ stopEmbedded: e instanceof ServerAlreadyRunningError ? false : (handle.cluster?.startedHere ?? false) })
      .catch(() => undefined);
    throw e;
  }
}

function readServerPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'server.pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
