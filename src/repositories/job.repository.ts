import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A background job as the runner and the status pages see it. */
export interface JobRow {
  id: number;
  kind: string;
  provinceId: number;
  orgPath: string;
  status: JobStatus;
  params: Record<string, unknown>;
  /** items done so far, of `total` (0 / 0 until the handler reports) */
  progress: number;
  total: number;
  /** what the handler returned (done), or what it left behind (failed) */
  result: unknown;
  errorCode: string | null;
  /** how many times the job was started: more than 1 means an earlier run lost its lease */
  attempts: number;
  createdBy: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const COLUMNS = [
  'id',
  'kind',
  'province_id as provinceId',
  'org_path as orgPath',
  'status',
  'params',
  'progress',
  'total',
  'result',
  'error_code as errorCode',
  'attempts',
  'created_by as createdBy',
  'created_at as createdAt',
  'started_at as startedAt',
  'finished_at as finishedAt',
] as const;

const asRow = (r: unknown) => r as JobRow;
const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const leaseFromNow = (seconds: number) => sql<Date>`now() + make_interval(secs => ${seconds}::float8)`;

/** Guards of a write by the runner that holds the job: still running, and (when given) still the same attempt. */
export interface JobOwner {
  /** the `attempts` value the runner claimed the job with: a later claim (after a lost lease) wins */
  attempt?: number;
}

export function createJobRepository(db: Q) {
  /** An update of a running job, only while the caller still holds it. */
  function owned(id: number, owner: JobOwner) {
    let q = db.updateTable('job').where('id', '=', id).where('status', '=', 'running');
    if (owner.attempt !== undefined) q = q.where('attempts', '=', owner.attempt);
    return q;
  }
  const changed = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;

  return {
    /**
     * Queues a job; returns its id. Inside a transaction the job becomes visible (and runnable)
     * only when the transaction commits: call `kickJobs()` after the commit.
     */
    async enqueue(j: {
      kind: string;
      provinceId: number;
      orgPath: string;
      params: Record<string, unknown>;
      total?: number;
      createdBy: number | null;
    }): Promise<number> {
      const r = await db
        .insertInto('job')
        .values({
          kind: j.kind,
          province_id: j.provinceId,
          org_path: j.orgPath,
          status: 'queued',
          params: JSON.stringify(j.params),
          total: j.total ?? 0,
          created_by: j.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /**
     * Takes the oldest job of one of `kinds` that is queued, or running with an expired lease (its
     * server died), skipping rows another runner is taking at this moment. The job becomes
     * running for `leaseSeconds`, one more attempt.
     */
    async claim(kinds: string[], leaseSeconds: number): Promise<JobRow | undefined> {
      if (kinds.length === 0) return undefined;
      const r = await db
        .updateTable('job')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          started_at: sql<Date>`now()`,
          lease_until: leaseFromNow(leaseSeconds),
        }))
        .where('id', '=', (eb) =>
          eb
            .selectFrom('job')
            .select('id')
            .where('kind', 'in', kinds)
            .where((w) =>
              w.or([
                w('status', '=', 'queued'),
                w.and([w('status', '=', 'running'), w('lease_until', '<', sql<Date>`now()`)]),
              ]),
            )
            .orderBy('id')
            .limit(1)
            .forUpdate()
            .skipLocked(),
        )
        .returning(COLUMNS)
        .executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    /** Records progress and extends the lease; false when the caller no longer holds the job. */
    async progress(
      id: number,
      progress: number,
      total: number,
      opts: JobOwner & { leaseSeconds?: number } = {},
    ): Promise<boolean> {
      return changed(
        await owned(id, opts)
          .set({ progress, total, lease_until: leaseFromNow(opts.leaseSeconds ?? 60) })
          .executeTakeFirst(),
      );
    },

    /** Extends the lease of a job still being worked on; false when the caller no longer holds it. */
    async extendLease(id: number, leaseSeconds: number, owner: JobOwner = {}): Promise<boolean> {
      return changed(
        await owned(id, owner)
          .set({ lease_until: leaseFromNow(leaseSeconds) })
          .executeTakeFirst(),
      );
    },

    async finish(id: number, result: unknown, owner: JobOwner = {}): Promise<boolean> {
      return changed(
        await owned(id, owner)
          .set({ status: 'done', result: json(result), lease_until: null, finished_at: sql<Date>`now()` })
          .executeTakeFirst(),
      );
    },

    async fail(id: number, errorCode: string, result?: unknown, owner: JobOwner = {}): Promise<boolean> {
      return changed(
        await owned(id, owner)
          .set({
            status: 'failed',
            error_code: errorCode,
            result: json(result),
            lease_until: null,
            finished_at: sql<Date>`now()`,
          })
          .executeTakeFirst(),
      );
    },

    /** Gives a job back to the queue (the server stops): the interrupted run does not count as an attempt. */
    async release(id: number, owner: JobOwner = {}): Promise<boolean> {
      return changed(
        await owned(id, owner)
          .set((eb) => ({ status: 'queued', attempts: eb('attempts', '-', 1), lease_until: null, started_at: null }))
          .executeTakeFirst(),
      );
    },

    async get(id: number): Promise<JobRow | undefined> {
      const r = await db.selectFrom('job').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    /** Jobs of units under `orgPath` (with the unit's own), newest first. */
    async listUnder(orgPath: string, kind: string | undefined, limit: number): Promise<JobRow[]> {
      let q = db
        .selectFrom('job')
        .select(COLUMNS)
        .where('org_path', 'like', `${escapeLike(orgPath)}%`);
      if (kind !== undefined) q = q.where('kind', '=', kind);
      return (await q.orderBy('id', 'desc').limit(limit).execute()).map(asRow);
    },

    /**
     * A queued or running job of `kind` whose params contain `paramsMatch` (JSON containment), the
     * oldest first: lets a use case refuse or reuse a duplicate. Not a lock: two concurrent callers
     * can both see none.
     */
    /** The job of this kind and parameters that finished last with success, if any. */
    async lastDone(kind: string, paramsMatch: Record<string, unknown>): Promise<JobRow | undefined> {
      const r = await db
        .selectFrom('job')
        .select(COLUMNS)
        .where('status', '=', 'done')
        .where('kind', '=', kind)
        .where(sql<boolean>`params @> ${JSON.stringify(paramsMatch)}::jsonb`)
        .orderBy('finished_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    async activeFor(kind: string, paramsMatch: Record<string, unknown>): Promise<JobRow | undefined> {
      const r = await db
        .selectFrom('job')
        .select(COLUMNS)
        .where('status', 'in', ['queued', 'running'])
        .where('kind', '=', kind)
        .where(sql<boolean>`params @> ${JSON.stringify(paramsMatch)}::jsonb`)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      return r ? asRow(r) : undefined;
    },
  };
}

export type JobRepository = ReturnType<typeof createJobRepository>;
