import type { Kysely } from 'kysely';
import { isConnectionError } from '../db/connection-errors.js';
import { supervisorOf } from '../db/database-supervisor.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { createJobRepository, type JobRepository, type JobRow } from '../repositories/job.repository.js';

export type { JobRow };

/** What a handler gets besides its job: a progress reporter and the signal to give up on. */
export interface JobControl {
  /** Reports `done` of `total`; written at most ~4 times a second, always when done reaches total and at the end. */
  progress(done: number, total: number): Promise<void>;
  /** Aborted when the server stops or the job's lease was lost: stop soon (throwing is fine). */
  signal: AbortSignal;
}

/**
 * Does one job and returns its result (stored as JSON). Throw an `AppError` to fail the job with its
 * code. A job can run more than once (its server died mid-way), so a handler must be safe to repeat.
 */
export type JobHandler = (job: JobRow, ctl: JobControl) => Promise<unknown>;

export type JobLog = (line: string) => void;

export interface JobRunner {
  /** Starts polling for jobs of the handlers' kinds. */
  start(): void;
  /** Aborts running jobs' signals, waits for them to settle (up to 10 s) and stops polling. */
  stop(): Promise<void>;
  /** Polls now (after an enqueue), instead of at the next tick. */
  kick(): void;
}

/** A job whose lease ran out this many times (its server died each time) is failed, not retried. */
export const MAX_JOB_ATTEMPTS = 3;
const PROGRESS_INTERVAL_MS = 250;
const STOP_WAIT_MS = 10_000;
/** longest wait between two polls while the database cannot be reached */
const MAX_BACKOFF_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Registry: modules register their kinds when imported; the server's runner takes them all.

const registry = new Map<string, JobHandler>();

/**
 * Registers the handler of a job kind. Services register theirs when they are wired to a database
 * (`createServices`), so the handler closes over that database; wiring again replaces it.
 * @example registerJobHandler('ledger.refresh', async (job, { progress, signal }) => ({ updated: 0 }));
 */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  registry.set(kind, handler);
}

/** Every registered handler by kind (a copy). */
export function jobHandlers(): Record<string, JobHandler> {
  return Object.fromEntries(registry);
}

const startedRunners = new Set<JobRunner>();

/** Asks every started runner of this process to poll now; a no-op when none runs (tests, CLI). */
export function kickJobs(): void {
  for (const r of startedRunners) r.kick();
}

// ---------------------------------------------------------------------------------------------
// One job

type Outcome = 'done' | 'failed' | 'released' | 'lost';

const errorText = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/** Writes progress at most every 250 ms, the latest value last; a write that finds the job taken over reports it. */
function progressWriter(repo: JobRepository, job: JobRow, leaseSeconds: number, onLost: () => void, log: JobLog) {
  let lastAt = -Infinity;
  let pending: [number, number] | undefined;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const write = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const p = pending;
    if (!p) return chain;
    pending = undefined;
    lastAt = Date.now();
    chain = chain
      .then(() => repo.progress(job.id, p[0], p[1], { attempt: job.attempts, leaseSeconds }))
      .then(
        (ok) => {
          if (!ok) onLost();
        },
        (e: unknown) => log(`job ${job.id} (${job.kind}): progress not saved: ${errorText(e)}`),
      );
    return chain;
  };
  const count = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0);
  return {
    async report(done: number, total: number): Promise<void> {
      pending = [count(done), count(total)];
      const wait = lastAt + PROGRESS_INTERVAL_MS - Date.now();
      if (pending[0] >= pending[1] || wait <= 0) return write();
      timer ??= setTimeout(() => void write(), wait);
    },
    flush: write,
    close(): void {
      clearTimeout(timer);
    },
  };
}

async function runJob(
  repo: JobRepository,
  job: JobRow,
  handler: JobHandler,
  o: { leaseSeconds: number; log: JobLog; stopping: AbortSignal },
): Promise<Outcome> {
  const { log } = o;
  const owner = { attempt: job.attempts };
  if (job.attempts > MAX_JOB_ATTEMPTS) {
    log(`job ${job.id} (${job.kind}) failed: its lease ran out ${job.attempts - 1} times`);
    return (await repo.fail(job.id, 'INTERNAL', { reason: 'lease_expired', attempts: job.attempts - 1 }, owner))
      ? 'failed'
      : 'lost';
  }

  const ctrl = new AbortController();
  let lost = false;
  const loseLease = () => {
    if (lost) return;
    lost = true;
    log(`job ${job.id} (${job.kind}): lease lost, another runner has it; giving up this run`);
    ctrl.abort(new Error('job lease lost'));
  };
  // keeps the lease while the handler works without reporting progress; stops when the runner
  // stops, so a handler that ignores its signal lets the lease run out and the job be taken again
  const heartbeat = setInterval(
    () => {
      repo.extendLease(job.id, o.leaseSeconds, owner).then(
        (ok) => {
          if (!ok) loseLease();
        },
        (e: unknown) => log(`job ${job.id} (${job.kind}): lease not extended: ${errorText(e)}`),
      );
    },
    Math.max(100, (o.leaseSeconds * 1000) / 3),
  );
  heartbeat.unref();
  const onStop = () => {
    clearInterval(heartbeat);
    ctrl.abort(o.stopping.reason);
  };
  if (o.stopping.aborted) onStop();
  else o.stopping.addEventListener('abort', onStop, { once: true });
  const progress = progressWriter(repo, job, o.leaseSeconds, loseLease, log);

  try {
    let result: unknown;
    try {
      result = await handler(job, { progress: progress.report, signal: ctrl.signal });
    } catch (e) {
      await progress.flush();
      if (lost) return 'lost';
      if (o.stopping.aborted) return (await repo.release(job.id, owner)) ? 'released' : 'lost';
      if (isConnectionError(e)) {
        // not the job's fault: queued again for when the database is back (or taken again when its lease runs out)
        log(`job ${job.id} (${job.kind}) interrupted, the database went away: ${errorText(e)}`);
        return (await repo.release(job.id, owner)) ? 'released' : 'lost';
      }
      if (e instanceof AppError) {
        log(`job ${job.id} (${job.kind}) failed: ${e.code}`);
        const extra = e.details || e.params ? { details: e.details ?? null, params: e.params ?? null } : undefined;
        return (await repo.fail(job.id, e.code, extra, owner)) ? 'failed' : 'lost';
      }
      log(`job ${job.id} (${job.kind}) failed: ${errorText(e)}`);
      return (await repo.fail(job.id, 'INTERNAL', undefined, owner)) ? 'failed' : 'lost';
    }
    await progress.flush();
    if (lost) return 'lost';
    return (await repo.finish(job.id, result, owner)) ? 'done' : 'lost';
  } finally {
    clearInterval(heartbeat);
    progress.close();
    o.stopping.removeEventListener('abort', onStop);
  }
}

// ---------------------------------------------------------------------------------------------
// Runners

/**
 * Polls the job table and runs claimed jobs, up to `concurrency` at a time. Several runners (in
 * one process or many servers on one database) never run the same job at once: jobs are claimed
 * with FOR UPDATE SKIP LOCKED and every write checks the attempt it was claimed with.
 */
export function createJobRunner(o: {
  db: Kysely<DB>;
  handlers: Record<string, JobHandler>;
  log?: JobLog;
  pollMs?: number;
  leaseSeconds?: number;
  concurrency?: number;
}): JobRunner {
  const repo = createJobRepository(o.db);
  const handlers = { ...o.handlers };
  const kinds = Object.keys(handlers);
  const log = o.log ?? (() => undefined);
  const pollMs = o.pollMs ?? 500;
  const leaseSeconds = o.leaseSeconds ?? 60;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  let started = false;
  let stopped: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let again = false;
  // polls that failed in a row: the next one waits pollMs × 2^failures, up to MAX_BACKOFF_MS
  let failures = 0;
  let backoffMs = 0;

  async function fill(): Promise<void> {
    while (!stopping.signal.aborted && running.size < concurrency) {
      let job: JobRow | undefined;
      try {
        job = await repo.claim(kinds, leaseSeconds);
      } catch (e) {
        failures++;
        backoffMs = Math.min(MAX_BACKOFF_MS, pollMs * 2 ** failures);
        supervisorOf(o.db)?.notice(e);
        // the first failure and then the 2nd, 4th, 8th …, so an outage does not flood the log
        if ((failures & (failures - 1)) === 0) {
          log(
            `job runner: could not claim a job (${failures} time(s) in a row), next try in ${backoffMs} ms: ` +
              errorText(e),
          );
        }
        return;
      }
      if (failures) log(`job runner: claiming jobs again after ${failures} failed tries`);
      failures = 0;
      backoffMs = 0;
      if (!job) return;
      if (stopping.signal.aborted) {
        await repo.release(job.id, { attempt: job.attempts }).catch(() => undefined);
        return;
      }
      const claimed = job;
      const p: Promise<void> = runJob(repo, claimed, handlers[claimed.kind]!, {
        leaseSeconds,
        log,
        stopping: stopping.signal,
      })
        .then(
          () => undefined,
          (e: unknown) => log(`job ${claimed.id} (${claimed.kind}): ${errorText(e)}`),
        )
        .finally(() => {
          running.delete(p);
          runner.kick();
        });
      running.add(p);
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => runner.kick(), backoffMs || pollMs);
    timer.unref();
  }

  const runner: JobRunner = {
    start() {
      if (stopped !== undefined) throw new Error('A stopped job runner cannot start again');
      if (started) return;
      started = true;
      startedRunners.add(runner);
      runner.kick();
    },

    kick() {
      if (!started || stopping.signal.aborted) return;
      if (polling !== undefined) {
        again = true;
        return;
      }
      clearTimeout(timer);
      polling = (async () => {
        do {
          again = false;
          await fill();
        } while (again && !stopping.signal.aborted);
      })().finally(() => {
        polling = undefined;
        schedule();
      });
    },

    stop() {
      return (stopped ??= (async () => {
        startedRunners.delete(runner);
        stopping.abort(new Error('the job runner is stopping'));
        clearTimeout(timer);
        await polling;
        let wait: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...running]),
          new Promise((resolve) => {
            wait = setTimeout(resolve, STOP_WAIT_MS);
          }),
        ]);
        clearTimeout(wait);
        if (running.size)
          log(
            `job runner: ${running.size} job(s) still running after ${STOP_WAIT_MS / 1000} s; their leases will run out`,
          );
      })());
    },
  };
  return runner;
}

/**
 * Runs queued jobs (and jobs whose lease ran out) in this process, one after another, until none
 * of the given kinds is left: for tests and the CLI, which have no server polling the table.
 */
export async function runJobsUntilIdle(
  db: Kysely<DB>,
  log: JobLog = () => undefined,
  handlers: Record<string, JobHandler> = jobHandlers(),
): Promise<{ done: number; failed: number }> {
  const repo = createJobRepository(db);
  const kinds = Object.keys(handlers);
  const never = new AbortController().signal;
  const count = { done: 0, failed: 0 };
  for (;;) {
    const job = await repo.claim(kinds, 60);
    if (!job) return count;
    const outcome = await runJob(repo, job, handlers[job.kind]!, { leaseSeconds: 60, log, stopping: never });
    if (outcome === 'done') count.done++;
    else if (outcome === 'failed') count.failed++;
  }
}
