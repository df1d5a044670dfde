/**
 * The real server for the ledger benchmark: `node bin/peixun.js serve` in its own process (the
 * esbuild bundle when current, as `npm start` runs it), on the benchmark's data dir (it joins the
 * embedded PostgreSQL already running there) or on DATABASE_URL. Like spawnServer of
 * test/support/server-process.ts, which drops DATABASE_URL; this one passes it on when given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { BIN, ROOT, type ServerProcess } from '../test/support/server-process.js';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export function spawnLedgerServer(opts: {
  dataDir: string;
  port: number;
  env: Record<string, string>;
  databaseUrl?: string;
  nodeArgs?: string[];
}): ServerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PEIXUN_DATA_DIR: opts.dataDir,
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    ...opts.env,
  };
  delete env['NODE_ENV'];
  delete env['DATABASE_URL'];
  if (opts.databaseUrl) env['DATABASE_URL'] = opts.databaseUrl;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      children.delete(child);
      setImmediate(() => {
        for (const l of listeners) l();
        resolve({ code, signal });
      });
    });
  });
  return {
    child,
    pid: child.pid!,
    port: opts.port,
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

/** A field of /proc/<pid>/status in kB; 0 once the process is gone. */
export function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** VmRSS of a process every 100 ms, the highest per phase and overall. */
export class RssSampler {
  peakKb = 0;
  private phase = '';
  readonly byPhase = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  constructor(private readonly pid: number) {}
  sample(): void {
    const kb = statusKb(this.pid, 'VmRSS');
    this.peakKb = Math.max(this.peakKb, kb);
    if (this.phase) this.byPhase.set(this.phase, Math.max(this.byPhase.get(this.phase) ?? 0, kb));
  }
  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }
  enter(phase: string): void {
    this.sample();
    this.phase = phase;
    this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}
