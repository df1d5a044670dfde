import { sql } from 'kysely';
import type { Env } from '../config/env.js';
import type { Database } from '../db/database.js';
import {
  classCompletedStatement,
  examResultStatements,
  itemCompletedStatement,
  type OwnBase,
  type OwnStatement,
  type SessionRecord,
  sessionStatements,
} from '../domain/xapi-own.js';
import { kickJobs, registerJobHandler, type JobControl } from '../jobs/job-runner.js';
import { createJobRepository } from '../repositories/job.repository.js';
import type { ServiceDeps } from './context.js';

/**
 * Peixun's own learning records become xAPI statements (domain/xapi-own.ts), written by a job per
 * province since a watermark per source (xapi_own_state): settled study sessions (by id, never past
 * a session still open), items completed by them, completed classes and exam results (by their
 * update time). They are stored through the statement store as 'own' statements — readable over
 * /xapi by clients whose unit contains the teacher, never posted to the ledger again (the ledger has
 * those hours from Peixun itself). Ids are UUID v5 of the rows, so a second run stores nothing new.
 */

export const XAPI_OWN_JOB = 'xapi.own';
const BATCH = 2_000;
/** Update times newer than this are read again next time (their transactions may still be committing). */
const SETTLE_SECONDS = 60;

export interface OwnRow {
  teacherId: number;
  teacherPath: string;
  statement: OwnStatement;
}
/** The statement store's `storeOwnStatements` (services/xapi-statement.service.ts). */
export type OwnStatementStore = (db: Database, provinceId: number, rows: OwnRow[]) => Promise<unknown>;

let store: OwnStatementStore | undefined;
/** Wires the statement store (kept apart so the store and this job do not import each other). */
export function setOwnStatementStore(s: OwnStatementStore): void {
  store = s;
}

type Source = 'study_session' | 'enrolment' | 'exam_result';

async function stateOf(db: Database, provinceId: number, source: Source) {
  await db
    .insertInto('xapi_own_state')
    .values({ province_id: provinceId, source })
    .onConflict((oc) => oc.columns(['province_id', 'source']).doNothing())
    .execute();
  return db
    .selectFrom('xapi_own_state')
    .select(['after_id as afterId', 'after_ts as afterTs'])
    .where('province_id', '=', provinceId)
    .where('source', '=', source)
    .executeTakeFirstOrThrow();
}

async function saveState(db: Database, provinceId: number, source: Source, afterId: number, afterTs: Date | null) {
  await db
    .updateTable('xapi_own_state')
    .set({ after_id: afterId, ...(afterTs ? { after_ts: afterTs } : {}), updated_at: sql<Date>`now()` })
    .where('province_id', '=', provinceId)
    .where('source', '=', source)
    .execute();
}

/** Settled study sessions after the watermark (up to the first one still open), and the items they completed. */
async function sessions(db: Database, base: OwnBase, provinceId: number, save: (rows: OwnRow[]) => Promise<void>) {
  let { afterId } = await stateOf(db, provinceId, 'study_session');
  let n = 0;
  for (;;) {
    const r = await sql<{
      id: number;
      classId: number;
      className: string;
      itemId: number;
      itemKind: 'video' | 'document' | 'text';
      itemTitle: string;
      requiredMinutes: number;
      teacherId: number;
      teacherPath: string;
      startedAt: Date;
      endedAt: Date | null;
      settledAt: Date | null;
      countedSeconds: number | null;
    }>`
      SELECT s.id, s.class_id AS "classId", c.name AS "className", s.item_id AS "itemId", i.kind AS "itemKind",
        i.title AS "itemTitle", i.required_minutes AS "requiredMinutes", s.teacher_id AS "teacherId",
        t.org_path AS "teacherPath", s.started_at AS "startedAt", coalesce(s.ended_at, s.settled_at) AS "endedAt",
        s.settled_at AS "settledAt", s.counted_seconds AS "countedSeconds"
      FROM study_session s
      JOIN course_item i ON i.id = s.item_id
      JOIN training_class c ON c.id = s.class_id
      JOIN teacher t ON t.id = s.teacher_id
      WHERE s.province_id = ${provinceId} AND s.id > ${afterId}
      ORDER BY s.id LIMIT ${BATCH}`.execute(db);
    const open = r.rows.findIndex((x) => x.settledAt === null);
    const done = (open < 0 ? r.rows : r.rows.slice(0, open)).map((x) => ({ ...x, id: Number(x.id) }));
    if (done.length === 0) return n;
    const rows: OwnRow[] = [];
    for (const x of done) {
      const rec: SessionRecord = {
        sessionId: x.id,
        classId: Number(x.classId),
        className: x.className,
        itemId: Number(x.itemId),
        itemKind: x.itemKind,
        itemTitle: x.itemTitle,
        teacherId: Number(x.teacherId),
        startedAt: x.startedAt,
        endedAt: x.endedAt ?? x.startedAt,
        countedSeconds: x.countedSeconds ?? 0,
      };
      for (const statement of sessionStatements(base, rec))
        rows.push({ teacherId: rec.teacherId, teacherPath: x.teacherPath, statement });
    }
    // items these sessions brought to their required minutes
    const totals = await sql<{ classId: number; teacherId: number; itemId: number; seconds: number }>`
      SELECT class_id AS "classId", teacher_id AS "teacherId", item_id AS "itemId",
        sum(counted_seconds)::int AS seconds
      FROM study_session
      WHERE (class_id, teacher_id, item_id) IN (
        SELECT * FROM unnest(${done.map((x) => x.classId)}::bigint[], ${done.map((x) => x.teacherId)}::bigint[],
          ${done.map((x) => x.itemId)}::bigint[]))
        AND settled_at IS NOT NULL
      GROUP BY 1, 2, 3`.execute(db);
    const last = new Map(done.map((x) => [`${x.classId}:${x.teacherId}:${x.itemId}`, x]));
    for (const t of totals.rows) {
      const x = last.get(`${t.classId}:${t.teacherId}:${t.itemId}`);
      if (!x || t.seconds < x.requiredMinutes * 60) continue;
      rows.push({
        teacherId: Number(x.teacherId),
        teacherPath: x.teacherPath,
        statement: itemCompletedStatement(base, {
          classId: Number(x.classId),
          className: x.className,
          itemId: Number(x.itemId),
          itemKind: x.itemKind,
          itemTitle: x.itemTitle,
          teacherId: Number(x.teacherId),
          endedAt: x.endedAt ?? x.startedAt,
          totalSeconds: t.seconds,
        }),
      });
    }
    await save(rows);
    afterId = done[done.length - 1]!.id;
    await saveState(db, provinceId, 'study_session', afterId, null);
    n += rows.length;
    if (open >= 0 || r.rows.length < BATCH) return n;
  }
}

/** Rows updated after the watermark (update time, id), the watermark never later than a minute ago. */
async function byUpdateTime<R extends { id: number; updatedAt: Date }>(
  db: Database,
  provinceId: number,
  source: Source,
  read: (afterTs: Date, afterId: number) => Promise<R[]>,
  build: (rows: R[]) => OwnRow[],
  save: (rows: OwnRow[]) => Promise<void>,
): Promise<number> {
  const st = await stateOf(db, provinceId, source);
  let afterTs = st.afterTs;
  let afterId = Number(st.afterId);
  let n = 0;
  for (;;) {
    const rows = await read(afterTs, afterId);
    if (rows.length === 0) return n;
    const out = build(rows);
    await save(out);
    n += out.length;
    const last = rows[rows.length - 1]!;
    const settled = new Date(Date.now() - SETTLE_SECONDS * 1000);
    if (last.updatedAt <= settled) await saveState(db, provinceId, source, last.id, last.updatedAt);
    afterTs = last.updatedAt;
    afterId = last.id;
    if (rows.length < BATCH) return n;
  }
}

/** Writes a province's new own statements; returns how many statements were handed to the store. */
export async function writeOwnStatements(db: Database, env: Env, provinceId: number, origin?: string) {
  if (!store) return { written: 0, waiting: 'no statement store' };
  const s = store;
  const base: OwnBase = { homePage: (env.PEIXUN_PUBLIC_URL ?? origin ?? 'http://localhost').replace(/\/+$/, '') };
  const save = async (rows: OwnRow[]) => {
    if (rows.length) await s(db, provinceId, rows);
  };
  let written = await sessions(db, base, provinceId, save);
  written += await byUpdateTime(
    db,
    provinceId,
    'enrolment',
    async (ts, id) =>
      (
        await sql<{ id: number; classId: number; className: string; teacherId: number; path: string; updatedAt: Date }>`
          SELECT e.id, e.class_id AS "classId", c.name AS "className", e.teacher_id AS "teacherId",
            t.org_path AS path, e.updated_at AS "updatedAt"
          FROM enrolment e JOIN training_class c ON c.id = e.class_id JOIN teacher t ON t.id = e.teacher_id
          WHERE e.province_id = ${provinceId} AND e.outcome = 'completed' AND (e.updated_at, e.id) > (${ts}, ${id})
          ORDER BY e.updated_at, e.id LIMIT ${BATCH}`.execute(db)
      ).rows.map((x) => ({ ...x, id: Number(x.id) })),
    (rows) =>
      rows.map((x) => ({
        teacherId: Number(x.teacherId),
        teacherPath: x.path,
        statement: classCompletedStatement(base, {
          enrolmentId: x.id,
          classId: Number(x.classId),
          className: x.className,
          teacherId: Number(x.teacherId),
          at: x.updatedAt,
        }),
      })),
    save,
  );
  written += await byUpdateTime(
    db,
    provinceId,
    'exam_result',
    async (ts, id) =>
      (
        await sql<{
          id: number;
          examId: number;
          title: string;
          teacherId: number;
          path: string;
          composite: string;
          passed: boolean;
          updatedAt: Date;
        }>`
          SELECT r.exam_id * 100000000 + r.teacher_id AS id, r.exam_id AS "examId", x.title,
            r.teacher_id AS "teacherId", t.org_path AS path, r.composite, r.passed, r.updated_at AS "updatedAt"
          FROM exam_result r JOIN exam x ON x.id = r.exam_id JOIN teacher t ON t.id = r.teacher_id
          WHERE x.province_id = ${provinceId} AND r.composite IS NOT NULL
            AND (r.updated_at, r.exam_id * 100000000 + r.teacher_id) > (${ts}, ${id})
          ORDER BY r.updated_at, r.exam_id * 100000000 + r.teacher_id LIMIT ${BATCH}`.execute(db)
      ).rows.map((x) => ({ ...x, id: Number(x.id) })),
    (rows) =>
      rows.flatMap((x) =>
        examResultStatements(base, {
          examId: Number(x.examId),
          examTitle: x.title,
          teacherId: Number(x.teacherId),
          composite: Number(x.composite),
          passed: x.passed,
          at: x.updatedAt,
        }).map((statement) => ({ teacherId: Number(x.teacherId), teacherPath: x.path, statement })),
      ),
    save,
  );
  return { written };
}

const wakeTimers = new Map<string, NodeJS.Timeout>();

/** Queues the job that writes Peixun's own statements of every province (the periodic sweep calls it). */
export function wakeXapiOwn(db: Database): void {
  if (!store || wakeTimers.has('all')) return;
  const t = setTimeout(() => {
    wakeTimers.delete('all');
    void (async () => {
      const provinces = await db.selectFrom('org_unit').select('id').where('parent_id', 'is', null).execute();
      let queued = false;
      for (const p of provinces) {
        const waiting = await db
          .selectFrom('job')
          .select('id')
          .where('kind', '=', XAPI_OWN_JOB)
          .where('province_id', '=', p.id)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        if (waiting) continue;
        await createJobRepository(db).enqueue({
          kind: XAPI_OWN_JOB,
          provinceId: p.id,
          orgPath: `/${p.id}/`,
          params: { provinceId: p.id },
          createdBy: null,
        });
        queued = true;
      }
      if (queued) kickJobs();
    })().catch(() => undefined);
  }, 1_000);
  t.unref();
  wakeTimers.set('all', t);
}

/** Registers the job's handler (see services.ts). */
export function registerXapiOwn(deps: ServiceDeps): void {
  registerJobHandler(XAPI_OWN_JOB, (job, _ctl: JobControl) =>
    writeOwnStatements(deps.db, deps.env, Number(job.params['provinceId'] ?? job.provinceId)),
  );
}
