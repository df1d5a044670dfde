import { sql, type Kysely } from 'kysely';
import { queryPrepared } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { PaperItem } from '../domain/exam-paper.js';
import type { CandidateAnswer } from '../domain/question.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type AttemptStatus = 'open' | 'submitted' | 'graded';

export interface AttemptRow {
  id: number;
  provinceId: number;
  examId: number;
  teacherId: number;
  orgPath: string;
  attemptNo: number;
  seed: string;
  paper: PaperItem[];
  anonCode: string;
  status: AttemptStatus;
  startedAt: Date;
  deadlineAt: Date;
  submittedAt: Date | null;
  submittedHow: 'candidate' | 'time_up' | null;
  maxScore: number;
  autoScore: number | null;
  manualScore: number | null;
  score: number | null;
  pendingMarks: number;
}

export interface AnswerRow {
  position: number;
  answer: CandidateAnswer;
  clientSeq: number;
  savedAt: Date;
  autoScore: number | null;
  markState: 'pending' | 'disputed' | 'marked' | null;
  manualScore: number | null;
}

const ATTEMPT_COLUMNS = [
  'a.id',
  'a.province_id as provinceId',
  'a.exam_id as examId',
  'a.teacher_id as teacherId',
  'a.org_path as orgPath',
  'a.attempt_no as attemptNo',
  'a.seed',
  'a.paper',
  'a.anon_code as anonCode',
  'a.status',
  'a.started_at as startedAt',
  'a.deadline_at as deadlineAt',
  'a.submitted_at as submittedAt',
  'a.submitted_how as submittedHow',
  sql<number>`a.max_score::float8`.as('maxScore'),
  sql<number | null>`a.auto_score::float8`.as('autoScore'),
  sql<number | null>`a.manual_score::float8`.as('manualScore'),
  sql<number | null>`a.score::float8`.as('score'),
  'a.pending_marks as pendingMarks',
] as const;

export interface SaveItem {
  position: number;
  answer: CandidateAnswer;
  clientSeq: number;
}

export function createExamAttemptRepository(db: Q) {
  return {
    async attempt(id: number, lock = false): Promise<AttemptRow | undefined> {
      let q = db.selectFrom('exam_attempt as a').select(ATTEMPT_COLUMNS).where('a.id', '=', id);
      if (lock) q = q.forUpdate();
      return (await q.executeTakeFirst()) as AttemptRow | undefined;
    },

    async attemptsOf(examId: number, teacherId: number): Promise<AttemptRow[]> {
      return (await db
        .selectFrom('exam_attempt as a')
        .select(ATTEMPT_COLUMNS)
        .where('a.exam_id', '=', examId)
        .where('a.teacher_id', '=', teacherId)
        .orderBy('a.attempt_no')
        .execute()) as AttemptRow[];
    },

    async attemptsOfTeacher(teacherId: number, examIds: readonly number[]) {
      if (examIds.length === 0) return [];
      return db
        .selectFrom('exam_attempt')
        .select(['id', 'exam_id as examId', 'status', 'attempt_no as attemptNo'])
        .where('teacher_id', '=', teacherId)
        .where('exam_id', 'in', [...examIds])
        .execute();
    },

    /** Inserts an attempt; undefined when the teacher already has one open (the unique index). */
    async insert(a: {
      provinceId: number;
      examId: number;
      teacherId: number;
      orgPath: string;
      attemptNo: number;
      seed: string;
      paper: PaperItem[];
      anonCode: string;
      deadlineAt: Date;
      maxScore: number;
    }): Promise<number | undefined> {
      const r = await sql<{ id: number }>`
        INSERT INTO exam_attempt (province_id, exam_id, teacher_id, org_path, attempt_no, seed, paper, anon_code,
                                  status, deadline_at, max_score)
        VALUES (${a.provinceId}, ${a.examId}, ${a.teacherId}, ${a.orgPath}, ${a.attemptNo}, ${a.seed},
                ${JSON.stringify(a.paper)}::jsonb, ${a.anonCode}, 'open', ${a.deadlineAt}, ${a.maxScore})
        ON CONFLICT (exam_id, teacher_id) WHERE status = 'open' DO NOTHING
        RETURNING id`.execute(db);
      return r.rows[0]?.id;
    },

    /**
     * Saves the answers of many requests in one statement (saves arriving together are written
     * together), each request's only into its teacher's open attempt before its deadline, and only
     * when no position lies beyond the paper: a request that fails a check writes nothing. A save with
     * an older sequence number than the stored one is acknowledged without overwriting it; of two
     * saves of one answer in the batch the newer is written. The deadline is the database's clock, so
     * no server's clock can stretch it. Returns, per request, the deadline and the database's time,
     * or undefined when nothing was written for it.
     */
    async saveMany(
      requests: ReadonlyArray<{ attemptId: number; userId: number; items: readonly SaveItem[] }>,
    ): Promise<Array<{ deadlineAt: Date; now: Date } | undefined>> {
      const req: number[] = [];
      const att: number[] = [];
      const uid: number[] = [];
      const pos: number[] = [];
      const ans: string[] = [];
      const seq: number[] = [];
      requests.forEach((r, k) => {
        for (const i of r.items) {
          req.push(k);
          att.push(r.attemptId);
          uid.push(r.userId);
          pos.push(i.position);
          ans.push(JSON.stringify(i.answer));
          seq.push(i.clientSeq);
        }
      });
      const rows = await queryPrepared<{ req: number; deadline_at: Date; now: Date }>(
        db,
        'exam_answer_save',
        `WITH x AS (
           SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::smallint[], $5::jsonb[], $6::int[])
             AS x(req, att, uid, pos, ans, seq)
         ), ok AS (
           SELECT r.req, a.id AS att, a.deadline_at
           FROM (SELECT req, min(att) AS att, min(uid) AS uid, max(pos) AS pos FROM x GROUP BY req) r
           JOIN exam_attempt a ON a.id = r.att
           JOIN teacher t ON t.id = a.teacher_id AND t.user_id = r.uid
           WHERE a.status = 'open' AND a.deadline_at > clock_timestamp() AND jsonb_array_length(a.paper) > r.pos
         ), w AS (
           INSERT INTO exam_answer (attempt_id, position, answer, client_seq)
           SELECT DISTINCT ON (x.att, x.pos) x.att, x.pos, x.ans, x.seq
           FROM x JOIN ok ON ok.req = x.req
           ORDER BY x.att, x.pos, x.seq DESC
           ON CONFLICT (attempt_id, position) DO UPDATE
             SET answer = EXCLUDED.answer, client_seq = EXCLUDED.client_seq, saved_at = clock_timestamp()
             WHERE exam_answer.client_seq < EXCLUDED.client_seq
           RETURNING 1
         )
         SELECT ok.req, ok.deadline_at, clock_timestamp() AS now FROM ok, (SELECT count(*) FROM w) done`,
        [req, att, uid, pos, ans, seq],
      );
      const out: Array<{ deadlineAt: Date; now: Date } | undefined> = requests.map(() => undefined);
      for (const r of rows) out[r.req] = { deadlineAt: r.deadline_at, now: r.now };
      return out;
    },

    /** Why a save wrote nothing: the teacher's attempt as it stands (undefined: not theirs). */
    async saveRefusal(attemptId: number, userId: number) {
      return (await db
        .selectFrom('exam_attempt as a')
        .innerJoin('teacher as t', 't.id', 'a.teacher_id')
        .select(['a.status', 'a.deadline_at as deadlineAt', sql<number>`jsonb_array_length(a.paper)`.as('paperLength')])
        .where('a.id', '=', attemptId)
        .where('t.user_id', '=', userId)
        .executeTakeFirst()) as { status: AttemptStatus; deadlineAt: Date; paperLength: number } | undefined;
    },

    async answers(attemptId: number): Promise<AnswerRow[]> {
      return (await db
        .selectFrom('exam_answer')
        .select([
          'position',
          'answer',
          'client_seq as clientSeq',
          'saved_at as savedAt',
          sql<number | null>`auto_score::float8`.as('autoScore'),
          'mark_state as markState',
          sql<number | null>`manual_score::float8`.as('manualScore'),
        ])
        .where('attempt_id', '=', attemptId)
        .orderBy('position')
        .execute()) as AnswerRow[];
    },

    /** Attempts past their deadline still open (time up), oldest first. */
    async overdue(limit: number): Promise<Array<{ id: number; examId: number }>> {
      return db
        .selectFrom('exam_attempt')
        .select(['id', 'exam_id as examId'])
        .where('status', '=', 'open')
        .where('deadline_at', '<=', sql<Date>`clock_timestamp()`)
        .orderBy('deadline_at')
        .limit(limit)
        .execute();
    },

    async markSubmitted(ids: readonly number[], how: 'candidate' | 'time_up'): Promise<number[]> {
      if (ids.length === 0) return [];
      const r = await sql<{ id: number }>`
        UPDATE exam_attempt SET status = 'submitted', submitted_at = least(clock_timestamp(), deadline_at), submitted_how = ${how}
        WHERE id = ANY(${[...ids]}::bigint[]) AND status = 'open'
        RETURNING id`.execute(db);
      return r.rows.map((x) => x.id);
    },

    /** Answers of many attempts at once, grouped by attempt. */
    async answersOf(attemptIds: readonly number[]): Promise<Map<number, AnswerRow[]>> {
      const out = new Map<number, AnswerRow[]>();
      if (attemptIds.length === 0) return out;
      const rows = await sql<AnswerRow & { attemptId: number }>`
        SELECT attempt_id AS "attemptId", position, answer, client_seq AS "clientSeq", saved_at AS "savedAt",
               auto_score::float8 AS "autoScore", mark_state AS "markState", manual_score::float8 AS "manualScore"
        FROM exam_answer WHERE attempt_id = ANY(${[...attemptIds]}::bigint[])`.execute(db);
      for (const r of rows.rows) {
        let l = out.get(r.attemptId);
        if (!l) out.set(r.attemptId, (l = []));
        l.push(r);
      }
      return out;
    },

    async attemptsByIds(ids: readonly number[]): Promise<AttemptRow[]> {
      if (ids.length === 0) return [];
      return (await db
        .selectFrom('exam_attempt as a')
        .select(ATTEMPT_COLUMNS)
        .where('a.id', 'in', [...ids])
        .execute()) as AttemptRow[];
    },

    /** Submitted or graded attempts of an exam whose paper holds one of these question versions. */
    async attemptsWithVersions(examId: number, versionIds: readonly number[]): Promise<number[]> {
      const r = await sql<{ id: number }>`
        SELECT a.id FROM exam_attempt a
        WHERE a.exam_id = ${examId} AND a.status <> 'open'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(a.paper) p
                      WHERE (p->>'questionVersionId')::bigint = ANY(${[...versionIds]}::bigint[]))
        ORDER BY a.id`.execute(db);
      return r.rows.map((x) => x.id);
    },

    async submittedIds(examId: number, afterId: number, limit: number): Promise<number[]> {
      const r = await db
        .selectFrom('exam_attempt')
        .select('id')
        .where('exam_id', '=', examId)
        .where('status', '<>', 'open')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return r.map((x) => x.id);
    },

    /** Writes objective scores and mark states of many answers, and the attempts' totals, set-based. */
    async writeGrades(
      answers: ReadonlyArray<{ attemptId: number; position: number; autoScore: number | null; pending: boolean }>,
      attempts: ReadonlyArray<{ id: number; autoScore: number; manualScore: number; pending: number }>,
    ): Promise<void> {
      if (answers.length) {
        // one row per attempt, its scores and essay flags as arrays by position, cast once (materialised):
        // the answers are then found by the attempt's range of the primary key, not one probe each
        const byAttempt = new Map<number, { s: Array<number | null>; p: boolean[] }>();
        for (const a of answers) {
          let x = byAttempt.get(a.attemptId);
          if (!x) byAttempt.set(a.attemptId, (x = { s: [], p: [] }));
          x.s[a.position] = a.autoScore;
          x.p[a.position] = a.pending;
        }
        const literal = (xs: ReadonlyArray<unknown>, n: number) =>
          `{${Array.from({ length: n }, (_, i) => (xs[i] === undefined || xs[i] === null ? 'NULL' : String(xs[i]))).join(',')}}`;
        const ids = [...byAttempt.keys()];
        const scores: string[] = [];
        const flags: string[] = [];
        for (const id of ids) {
          const x = byAttempt.get(id)!;
          const n = Math.max(x.s.length, x.p.length);
          scores.push(literal(x.s, n));
          flags.push(literal(x.p, n));
        }
        await sql`
          WITH x AS MATERIALIZED (
            SELECT a, s::numeric[] AS s, p::boolean[] AS p
            FROM unnest(${ids}::bigint[], ${scores}::text[], ${flags}::text[]) AS u(a, s, p)
          )
          UPDATE exam_answer e SET auto_score = x.s[e.position + 1],
            mark_state = CASE WHEN coalesce(x.p[e.position + 1], false) AND e.mark_state IS NULL
                              THEN 'pending' ELSE e.mark_state END
          FROM x
          WHERE e.attempt_id = x.a
            AND (e.auto_score IS DISTINCT FROM x.s[e.position + 1]
                 OR (coalesce(x.p[e.position + 1], false) AND e.mark_state IS NULL))`.execute(db);
      }
      if (attempts.length)
        await sql`
          UPDATE exam_attempt a SET auto_score = x.auto, manual_score = x.manual, pending_marks = x.pending,
            score = CASE WHEN x.pending = 0 THEN x.auto + x.manual ELSE NULL END,
            status = CASE WHEN x.pending = 0 THEN 'graded' ELSE 'submitted' END
          FROM unnest(${attempts.map((a) => a.id)}::bigint[], ${attempts.map((a) => a.autoScore)}::numeric[],
                      ${attempts.map((a) => a.manualScore)}::numeric[], ${attempts.map((a) => a.pending)}::int[])
               AS x(id, auto, manual, pending)
          WHERE a.id = x.id AND a.status <> 'open'`.execute(db);
    },

    /** Essay answers left blank get no mark to wait for: an empty essay is 0. */
    async insertBlankAnswers(rows: ReadonlyArray<{ attemptId: number; position: number }>): Promise<void> {
      if (rows.length === 0) return;
      await sql`
        INSERT INTO exam_answer (attempt_id, position, answer, client_seq, auto_score)
        SELECT a, p, 'null'::jsonb, 0, 0 FROM unnest(${rows.map((r) => r.attemptId)}::bigint[],
                                                    ${rows.map((r) => r.position)}::smallint[]) AS x(a, p)
        ON CONFLICT DO NOTHING`.execute(db);
    },

    // ------------------------------------------------------------ events

    async addEvent(attemptId: number, kind: string, clientAt: Date | null): Promise<void> {
      await db.insertInto('exam_event').values({ attempt_id: attemptId, kind, client_at: clientAt }).execute();
    },

    async events(examId: number, path: string, attemptId: number | null, limit: number) {
      let q = db
        .selectFrom('exam_event as v')
        .innerJoin('exam_attempt as a', 'a.id', 'v.attempt_id')
        .innerJoin('teacher as t', 't.id', 'a.teacher_id')
        .select([
          'v.id',
          'v.attempt_id as attemptId',
          't.name as teacherName',
          'v.kind',
          'v.at',
          'v.client_at as clientAt',
        ])
        .where('a.exam_id', '=', examId)
        .where('a.org_path', 'like', `${escapeLike(path)}%`);
      if (attemptId !== null) q = q.where('v.attempt_id', '=', attemptId);
      return q.orderBy('v.id', 'desc').limit(limit).execute();
    },

    // ------------------------------------------------------------ marking

    async markingSummary(examId: number) {
      const r = await sql<{ position: number; pending: number; disputed: number; marked: number }>`
        SELECT e.position, count(*) FILTER (WHERE e.mark_state = 'pending')::int AS pending,
               count(*) FILTER (WHERE e.mark_state = 'disputed')::int AS disputed,
               count(*) FILTER (WHERE e.mark_state = 'marked')::int AS marked
        FROM exam_answer e JOIN exam_attempt a ON a.id = e.attempt_id
        WHERE a.exam_id = ${examId} AND a.status <> 'open' AND e.mark_state IS NOT NULL
        GROUP BY e.position ORDER BY e.position`.execute(db);
      return r.rows;
    },

    async markingList(
      examId: number,
      position: number,
      state: 'pending' | 'disputed' | 'marked',
      limit: number,
      offset: number,
    ) {
      const r = await sql<{
        attemptId: number;
        anonCode: string;
        teacherName: string;
        answer: CandidateAnswer;
        paper: PaperItem[];
        total: number;
      }>`
        SELECT a.id AS "attemptId", a.anon_code AS "anonCode", t.name AS "teacherName", e.answer, a.paper,
               count(*) OVER ()::int AS total
        FROM exam_answer e JOIN exam_attempt a ON a.id = e.attempt_id JOIN teacher t ON t.id = a.teacher_id
        WHERE a.exam_id = ${examId} AND e.position = ${position} AND e.mark_state = ${state} AND a.status <> 'open'
        ORDER BY a.anon_code LIMIT ${limit} OFFSET ${offset}`.execute(db);
      return r.rows;
    },

    async marksOf(attemptIds: readonly number[], position: number) {
      if (attemptIds.length === 0) return [];
      return db
        .selectFrom('exam_mark as m')
        .innerJoin('app_user as u', 'u.id', 'm.marker_id')
        .select([
          'm.attempt_id as attemptId',
          'm.round',
          sql<number>`m.score::float8`.as('score'),
          'm.marker_id as markerId',
        ])
        .select(['u.display_name as markerName', 'm.comment'])
        .where('m.attempt_id', 'in', [...attemptIds])
        .where('m.position', '=', position)
        .orderBy('m.round')
        .execute();
    },

    async answerForMarking(attemptId: number, position: number, lock: boolean) {
      let q = db
        .selectFrom('exam_answer')
        .select(['mark_state as markState', 'answer'])
        .where('attempt_id', '=', attemptId)
        .where('position', '=', position);
      if (lock) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async insertMark(m: {
      attemptId: number;
      position: number;
      round: number;
      markerId: number;
      score: number;
      comment: string | null;
    }) {
      await db
        .insertInto('exam_mark')
        .values({
          attempt_id: m.attemptId,
          position: m.position,
          round: m.round,
          marker_id: m.markerId,
          score: m.score,
          comment: m.comment,
        })
        .execute();
    },

    async setMarkState(
      attemptId: number,
      position: number,
      state: 'pending' | 'disputed' | 'marked',
      score: number | null,
    ) {
      await db
        .updateTable('exam_answer')
        .set({ mark_state: state, manual_score: score })
        .where('attempt_id', '=', attemptId)
        .where('position', '=', position)
        .execute();
    },
  };
}

export type ExamAttemptRepository = ReturnType<typeof createExamAttemptRepository>;
