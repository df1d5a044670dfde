import { isConnectionError } from './connection-errors.js';

/**
 * Watches the server's database and brings it back: a connection error reported by a request, the
 * job runner or the pool starts a probe; a failed probe marks the database unavailable (every request
 * then answers 503 with `Retry-After`) and the supervisor probes again with backoff, restarting the
 * embedded PostgreSQL when its postmaster is gone, until the database answers.
 */
export interface DatabaseSupervisor {
  /** false from a failed probe until a probe succeeds again */
  readonly available: boolean;
  /** What a client should wait before trying again, in whole seconds (for `Retry-After`). */
  retryAfterSeconds(): number;
  /** Reports an error met while using the database: a connection error makes the supervisor look. */
  notice(err: unknown): void;
  /** Called after the database came back (e.g. to take session-level locks again). */
  onRecovered(fn: () => Promise<void> | void): void;
  start(): void;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** Resolves when the database answers a query on a fresh connection; rejects otherwise. */
  probe(): Promise<void>;
  /** Embedded only: whether the PostgreSQL server process is still there (cheap, no connection). */
  serverRunning?(): boolean;
  /** Embedded only: starts the PostgreSQL server again (or joins one another process started). */
  restart?(): Promise<void>;
  log(line: string): void;
  /** how often an available database is looked at: the process check, else a probe (ms) */
  watchMs?: number;
  /** first and longest wait between two tries while the database is unavailable (ms) */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const describeError = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return [err?.code, err?.message].filter(Boolean).join(' ') || String(e);
};

export function createDatabaseSupervisor(o: SupervisorOptions): DatabaseSupervisor {
  const watchMs = o.watchMs ?? (o.serverRunning ? 1_000 : 5_000);
  const minBackoff = o.minBackoffMs ?? 200;
  const maxBackoff = o.maxBackoffMs ?? 2_000;
  const stopping = new AbortController();
  const recovered: Array<() => Promise<void> | void> = [];
  let available = true;
  let backoff = minBackoff;
  let wake: AbortController | undefined;
  let lookNow = false;
  let loop: Promise<void> | undefined;

  const probeOk = () =>
    o.probe().then(
      () => true,
      (e: unknown) => {
        lastError = e;
        return false;
      },
    );
  let lastError: unknown;

  async function recover(): Promise<void> {
    const since = Date.now();
    available = false;
    o.log(
      `Database unavailable (${describeError(lastError)}): answering 503 until it is back` +
        ' / 数据库不可用，恢复前请求答复 503',
    );
    backoff = minBackoff;
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      if (o.restart && o.serverRunning && !o.serverRunning()) {
        o.log(`Restarting the embedded PostgreSQL (attempt ${attempt}) / 正在重启内置数据库`);
        try {
          await o.restart();
        } catch (e) {
          o.log(`Embedded PostgreSQL did not start: ${describeError(e)}; next try in ${backoff} ms`);
        }
      }
      if (stopping.signal.aborted) return;
      if (await probeOk()) break;
      // a line at the 1st, 2nd, 4th, 8th … failed try, so a long outage does not flood the log
      if ((attempt & (attempt - 1)) === 0) {
        o.log(`Database still unavailable after ${attempt} tries (${describeError(lastError)})`);
      }
      await sleep(backoff, stopping.signal);
      backoff = Math.min(maxBackoff, backoff * 2);
    }
    if (stopping.signal.aborted) return;
    available = true;
    backoff = minBackoff;
    o.log(`Database available again after ${((Date.now() - since) / 1000).toFixed(1)} s / 数据库已恢复`);
    for (const fn of recovered) {
      try {
        await fn();
      } catch (e) {
        o.log(`After the database came back: ${describeError(e)}`);
      }
    }
  }

  async function watch(): Promise<void> {
    while (!stopping.signal.aborted) {
      wake = new AbortController();
      if (!lookNow) await sleep(watchMs, wake.signal);
      if (stopping.signal.aborted) return;
      const asked = lookNow;
      lookNow = false;
      // between two looks an available database costs nothing but a process check (embedded)
      const gone = o.serverRunning ? !o.serverRunning() : false;
      if (gone) lastError = new Error('the embedded PostgreSQL server process is gone');
      if (gone || ((asked || !o.serverRunning) && !(await probeOk()))) await recover();
    }
  }

  return {
    get available() {
      return available;
    },
    retryAfterSeconds() {
      return Math.max(1, Math.ceil((available ? minBackoff : backoff) / 1000));
    },
    notice(err) {
      if (!available || !isConnectionError(err)) return;
      lastError = err;
      lookNow = true;
      wake?.abort();
    },
    onRecovered(fn) {
      recovered.push(fn);
    },
    start() {
      loop ??= watch().catch((e: unknown) => o.log(`Database supervisor stopped: ${describeError(e)}`));
    },
    async stop() {
      stopping.abort();
      wake?.abort();
      await loop;
    },
  };
}

const supervisors = new WeakMap<object, DatabaseSupervisor>();

/** Ties a supervisor to the database handle (Kysely instance) the app and the job runner are given. */
export function superviseDatabase(db: object, supervisor: DatabaseSupervisor): void {
  supervisors.set(db, supervisor);
}

/** The supervisor of a database, when the server runs one (tests and the CLI do not). */
export function supervisorOf(db: object): DatabaseSupervisor | undefined {
  return supervisors.get(db);
}
