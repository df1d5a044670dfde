import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ReceiptReason, Segment, StudyItemKind } from '../domain/study-minutes.js';

/** An item of an online class as a teacher studies it, with who may. */
export interface StudyItemRow {
  classId: number;
  className: string;
  classStatus: string;
  projectPath: string;
  courseId: number;
  studyOpensOn: string;
  studyClosesOn: string;
  itemId: number;
  itemTitle: string;
  kind: StudyItemKind;
  requiredMinutes: number;
  archived: boolean;
  fileId: number | null;
  durationSeconds: number | null;
  body: string | null;
  studyRule: unknown;
}

export interface StudySessionRow {
  id: number;
  provinceId: number;
  classId: number;
  itemId: number;
  teacherId: number;
  orgPath: string;
  rule: unknown;
  presenceKey: Buffer;
  startedAt: Date;
  endedAt: Date | null;
  segments: Segment[] | null;
  countedSeconds: number | null;
  receipt: StoredReceipt | null;
  settledAt: Date | null;
  settledSeq: number | null;
}

/** What a settled session keeps beside its segments. */
export interface StoredReceipt {
  wallSeconds: number;
  newSeconds: number;
  wall: Record<ReceiptReason, number>;
  furthest: number;
  lastPosition: number;
  heartbeats: number;
  presenceChecks: number;
  presenceMissed: number;
  lastHeartbeatAt: string | null;
}

export interface HeartbeatInput {
  seq: number;
  from: number;
  to: number;
  rate: number;
  visible: boolean;
  focused: boolean;
  playing: boolean;
  presenceAnswer: string | null;
}

export interface HeartbeatRow extends HeartbeatInput {
  receivedAt: Date;
}

const SESSION_COLUMNS = [
  's.id',
  's.province_id as provinceId',
  's.class_id as classId',
  's.item_id as itemId',
  's.teacher_id as teacherId',
  's.org_path as orgPath',
  's.rule',
  's.presence_key as presenceKey',
  's.started_at as startedAt',
  's.ended_at as endedAt',
  's.segments',
  's.counted_seconds as countedSeconds',
  's.receipt',
  's.settled_at as settledAt',
  's.settled_seq as settledSeq',
] as const;

export function createStudySessionRepository(db: Kysely<DB>) {
  return {
    async item(classId: number, itemId: number): Promise<StudyItemRow | undefined> {
      const row = await db
        .selectFrom('training_class as c')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .innerJoin('course_item as i', (j) => j.onRef('i.course_id', '=', 'c.course_id'))
        .leftJoin('study_file as f', 'f.id', 'i.file_id')
        .leftJoin('course_online as o', 'o.course_id', 'c.course_id')
        .select([
          'c.id as classId',
          'c.name as className',
          'c.status as classStatus',
          'p.org_path as projectPath',
          'c.course_id as courseId',
          'c.study_opens_on as studyOpensOn',
          'c.study_closes_on as studyClosesOn',
          'i.id as itemId',
          'i.title as itemTitle',
          'i.kind',
          'i.required_minutes as requiredMinutes',
          'i.archived',
          'i.file_id as fileId',
          'f.duration_seconds as durationSeconds',
          'i.body',
          'o.study_rule as studyRule',
        ])
        .where('c.id', '=', classId)
        .where('i.id', '=', itemId)
        .executeTakeFirst();
      if (!row || row.courseId === null) return undefined;
      return {
        ...row,
        courseId: row.courseId,
        studyOpensOn: String(row.studyOpensOn),
        studyClosesOn: String(row.studyClosesOn),
        kind: row.kind as StudyItemKind,
        durationSeconds: row.durationSeconds === null ? null : Number(row.durationSeconds),
      };
    },

    /** The teacher's place in the class, when enrolled. */
    async enrolment(classId: number, teacherId: number): Promise<{ orgPath: string; provinceId: number } | undefined> {
      return db
        .selectFrom('enrolment')
        .select(['org_path as orgPath', 'province_id as provinceId'])
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .where('status', '=', 'enrolled')
        .executeTakeFirst();
    },

    async createSession(s: {
      provinceId: number;
      classId: number;
      itemId: number;
      teacherId: number;
      orgPath: string;
      rule: unknown;
      presenceKey: Buffer;
    }): Promise<{ id: number; startedAt: Date }> {
      return db
        .insertInto('study_session')
        .values({
          province_id: s.provinceId,
          class_id: s.classId,
          item_id: s.itemId,
          teacher_id: s.teacherId,
          org_path: s.orgPath,
          rule: JSON.stringify(s.rule),
          presence_key: s.presenceKey,
        })
        .returning(['id', 'started_at as startedAt'])
        .executeTakeFirstOrThrow();
    },

    async session(id: number): Promise<StudySessionRow | undefined> {
      return (await db
        .selectFrom('study_session as s')
        .select(SESSION_COLUMNS)
        .where('s.id', '=', id)
        .executeTakeFirst()) as StudySessionRow | undefined;
    },

    /**
     * Records a heartbeat of a session the teacher holds and has not ended, in one statement; a number
     * already taken is left as it was. Answers the server's time of receipt, or nothing when nothing
     * was written (a repeat, or not such a session of this teacher).
     */
    async addHeartbeat(sessionId: number, teacherId: number, h: HeartbeatInput): Promise<Date | undefined> {
      const r = await sql<{ received_at: Date }>`
        INSERT INTO study_heartbeat
          (session_id, seq, position_from, position_to, rate, visible, focused, playing, presence_answer)
        SELECT s.id, ${h.seq}, ${h.from}, ${h.to}, ${h.rate}, ${h.visible}, ${h.focused}, ${h.playing},
          ${h.presenceAnswer}
        FROM study_session s
        WHERE s.id = ${sessionId} AND s.teacher_id = ${teacherId} AND s.ended_at IS NULL
        ON CONFLICT (session_id, seq) DO NOTHING
        RETURNING received_at`.execute(db);
      return r.rows[0]?.received_at;
    },

    /**
     * `addHeartbeat` for many at once, in one statement (one commit): the rows written, with the time
     * of receipt, by (session, seq).
     */
    async addHeartbeats(
      beats: ReadonlyArray<HeartbeatInput & { sessionId: number; teacherId: number }>,
    ): Promise<Map<string, Date>> {
      const col = <T>(f: (b: (typeof beats)[number]) => T) => beats.map(f);
      const r = await sql<{ session_id: number; seq: number; received_at: Date }>`
        INSERT INTO study_heartbeat
          (session_id, seq, position_from, position_to, rate, visible, focused, playing, presence_answer)
        SELECT v.session_id, v.seq, v.position_from, v.position_to, v.rate, v.visible, v.focused, v.playing,
          v.presence_answer
        FROM unnest(${col((b) => b.sessionId)}::bigint[], ${col((b) => b.teacherId)}::bigint[],
          ${col((b) => b.seq)}::int[], ${col((b) => b.from)}::real[], ${col((b) => b.to)}::real[],
          ${col((b) => b.rate)}::real[], ${col((b) => b.visible)}::boolean[], ${col((b) => b.focused)}::boolean[],
          ${col((b) => b.playing)}::boolean[], ${col((b) => b.presenceAnswer)}::text[])
          AS v(session_id, teacher_id, seq, position_from, position_to, rate, visible, focused, playing,
            presence_answer)
        JOIN study_session s ON s.id = v.session_id AND s.teacher_id = v.teacher_id AND s.ended_at IS NULL
        ON CONFLICT (session_id, seq) DO NOTHING
        RETURNING session_id, seq, received_at`.execute(db);
      return new Map(r.rows.map((x) => [`${x.session_id}:${x.seq}`, x.received_at]));
    },

    async heartbeats(sessionId: number): Promise<HeartbeatRow[]> {
      // real columns come back as numbers (pg parses float4)
      return (await db
        .selectFrom('study_heartbeat')
        .select([
          'seq',
          'received_at as receivedAt',
          'position_from as from',
          'position_to as to',
          'rate',
          'visible',
          'focused',
          'playing',
          'presence_answer as presenceAnswer',
        ])
        .where('session_id', '=', sessionId)
        .orderBy('seq')
        .execute()) as HeartbeatRow[];
    },

    async presenceAnswers(sessionId: number): Promise<string[]> {
      const rows = await db
        .selectFrom('study_heartbeat')
        .select('presence_answer')
        .where('session_id', '=', sessionId)
        .where('presence_answer', 'is not', null)
        .execute();
      return rows.map((r) => r.presence_answer!);
    },

    async lastHeartbeat(sessionId: number): Promise<{ seq: number; receivedAt: Date } | undefined> {
      return db
        .selectFrom('study_heartbeat')
        .select(['seq', 'received_at as receivedAt'])
        .where('session_id', '=', sessionId)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** The other sessions of the teacher at the item in the class, oldest first. */
    async sessionsOf(classId: number, teacherId: number, itemId: number): Promise<StudySessionRow[]> {
      return (await db
        .selectFrom('study_session as s')
        .select(SESSION_COLUMNS)
        .where('s.class_id', '=', classId)
        .where('s.teacher_id', '=', teacherId)
        .where('s.item_id', '=', itemId)
        .orderBy('s.id')
        .execute()) as StudySessionRow[];
    },

    async saveSettlement(
      id: number,
      s: { segments: Segment[]; countedSeconds: number; receipt: StoredReceipt; seq: number | null; end: Date | null },
    ): Promise<void> {
      await db
        .updateTable('study_session')
        .set({
          segments: JSON.stringify(s.segments),
          counted_seconds: Math.round(s.countedSeconds),
          receipt: JSON.stringify(s.receipt),
          settled_at: new Date(),
          settled_seq: s.seq,
          ...(s.end ? { ended_at: sql<Date>`coalesce(ended_at, ${s.end})` } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    async sessionsByIds(ids: readonly number[]): Promise<StudySessionRow[]> {
      if (ids.length === 0) return [];
      return (await db
        .selectFrom('study_session as s')
        .select(SESSION_COLUMNS)
        .where('s.id', 'in', ids)
        .orderBy('s.id')
        .execute()) as StudySessionRow[];
    },

    /** The heartbeats of many sessions in one read, by session. */
    async heartbeatsOf(ids: readonly number[]): Promise<Map<number, HeartbeatRow[]>> {
      const out = new Map<number, HeartbeatRow[]>();
      if (ids.length === 0) return out;
      const rows = await sql<HeartbeatRow & { sessionId: number }>`
        SELECT session_id AS "sessionId", seq, received_at AS "receivedAt", position_from AS "from",
          position_to AS "to", rate, visible, focused, playing, presence_answer AS "presenceAnswer"
        FROM study_heartbeat WHERE session_id = ANY(${ids}::bigint[]) ORDER BY session_id, seq`.execute(db);
      for (const r of rows.rows) {
        const list = out.get(r.sessionId) ?? [];
        list.push(r);
        out.set(r.sessionId, list);
      }
      return out;
    },

    /** `saveSettlement` of many sessions in one statement (none ended by it). */
    async saveSettlements(
      list: ReadonlyArray<{
        id: number;
        segments: Segment[];
        countedSeconds: number;
        receipt: StoredReceipt;
        seq: number | null;
      }>,
    ): Promise<void> {
      if (list.length === 0) return;
      await sql`
        UPDATE study_session s SET segments = v.segments::jsonb, counted_seconds = v.counted,
          receipt = v.receipt::jsonb, settled_at = now(), settled_seq = v.seq
        FROM unnest(${list.map((x) => x.id)}::bigint[], ${list.map((x) => JSON.stringify(x.segments))}::text[],
          ${list.map((x) => Math.round(x.countedSeconds))}::int[], ${list.map((x) => JSON.stringify(x.receipt))}::text[],
          ${list.map((x) => x.seq)}::int[]) AS v(id, segments, counted, receipt, seq)
        WHERE s.id = v.id`.execute(db);
    },

    /** Sessions not settled since their last heartbeat, quiet for `idleMs` (the sweeper ends them). */
    async quietSessions(idleMs: number, limit: number): Promise<number[]> {
      const rows = await sql<{ id: number }>`
        SELECT s.id FROM study_session s
        WHERE s.ended_at IS NULL
          AND coalesce((SELECT max(h.received_at) FROM study_heartbeat h WHERE h.session_id = s.id), s.started_at)
              < now() - make_interval(secs => ${idleMs / 1000})
        ORDER BY s.id LIMIT ${limit}`.execute(db);
      return rows.rows.map((r) => r.id);
    },

    /** Every session of a class's teachers at each item, for the class's progress and its completion. */
    async classSessions(
      classId: number,
      teacherIds?: readonly number[],
    ): Promise<Array<{ id: number; teacherId: number; itemId: number; segments: Segment[] | null; stale: boolean }>> {
      let q = db
        .selectFrom('study_session as s')
        .select([
          's.id',
          's.teacher_id as teacherId',
          's.item_id as itemId',
          's.segments',
          sql<boolean>`s.settled_at IS NULL OR s.settled_seq IS DISTINCT FROM
            (SELECT max(h.seq) FROM study_heartbeat h WHERE h.session_id = s.id)`.as('stale'),
        ])
        .where('s.class_id', '=', classId);
      if (teacherIds) {
        if (teacherIds.length === 0) return [];
        q = q.where('s.teacher_id', 'in', teacherIds);
      }
      return (await q.orderBy('s.id').execute()) as Array<{
        id: number;
        teacherId: number;
        itemId: number;
        segments: Segment[] | null;
        stale: boolean;
      }>;
    },

    /** The kind of each item of a class's course (archived ones too: they may have sessions). */
    async classItemKinds(classId: number): Promise<Map<number, StudyItemKind>> {
      const rows = await db
        .selectFrom('training_class as c')
        .innerJoin('course_item as i', (j) => j.onRef('i.course_id', '=', 'c.course_id'))
        .select(['i.id', 'i.kind'])
        .where('c.id', '=', classId)
        .execute();
      return new Map(rows.map((r) => [r.id, r.kind as StudyItemKind]));
    },

    /** An online class with its course and window, or nothing when the class is not online. */
    async onlineClass(classId: number): Promise<
      | {
          classId: number;
          className: string;
          courseId: number;
          courseTitle: string;
          studyOpensOn: string;
          studyClosesOn: string;
          completionRule: unknown;
        }
      | undefined
    > {
      const r = await db
        .selectFrom('training_class as c')
        .innerJoin('course as co', 'co.id', 'c.course_id')
        .leftJoin('course_online as o', 'o.course_id', 'c.course_id')
        .select([
          'c.id as classId',
          'c.name as className',
          'co.id as courseId',
          'co.title as courseTitle',
          'c.study_opens_on as studyOpensOn',
          'c.study_closes_on as studyClosesOn',
          'o.completion_rule as completionRule',
        ])
        .where('c.id', '=', classId)
        .executeTakeFirst();
      return r && { ...r, studyOpensOn: String(r.studyOpensOn), studyClosesOn: String(r.studyClosesOn) };
    },

    /** The teachers holding a place in a class, with their school, by name. */
    async classTeachers(
      classId: number,
      teacherIds?: readonly number[],
    ): Promise<Array<{ teacherId: number; teacherName: string; schoolName: string }>> {
      let q = db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as u', 'u.id', 'e.org_unit_id')
        .select(['e.teacher_id as teacherId', 't.name as teacherName', 'u.name as schoolName'])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled');
      if (teacherIds) {
        if (teacherIds.length === 0) return [];
        q = q.where('e.teacher_id', 'in', teacherIds);
      }
      return q.orderBy('u.name').orderBy('t.name').orderBy('e.teacher_id').execute();
    },

    /** The items of a course (not archived), in the order of the outline. */
    async courseItems(
      courseId: number,
    ): Promise<Array<{ id: number; kind: StudyItemKind; title: string; requiredMinutes: number }>> {
      return (await db
        .selectFrom('course_item as i')
        .innerJoin('course_chapter as c', 'c.id', 'i.chapter_id')
        .select(['i.id', 'i.kind', 'i.title', 'i.required_minutes as requiredMinutes'])
        .where('i.course_id', '=', courseId)
        .where('i.archived', '=', false)
        .orderBy('c.position')
        .orderBy('c.id')
        .orderBy('i.position')
        .orderBy('i.id')
        .execute()) as Array<{ id: number; kind: StudyItemKind; title: string; requiredMinutes: number }>;
    },
  };
}

export type StudySessionRepository = ReturnType<typeof createStudySessionRepository>;
