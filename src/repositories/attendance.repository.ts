import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CompletionRule } from '../domain/enrolment.js';

/**
 * How many sessions of the class the enrolment's teacher (`e.teacher_id`) attended: a column of a
 * query over `enrolment as e`, for the close of a class and its printed completion list alike.
 */
export const attendedIn = (classId: number) =>
  sql<string>`(SELECT count(*) FROM attendance a JOIN training_session s ON s.id = a.session_id
    WHERE a.teacher_id = e.teacher_id AND s.class_id = ${classId} AND a.present)`;

type Q = Kysely<DB>;

/** A class with what attendance and completion need of its project. */
export interface ClassRow {
  id: number;
  name: string;
  status: 'open' | 'closed';
  closedAt: Date | null;
  provinceId: number;
  projectId: number;
  projectTitle: string;
  /** the organiser unit's path: admins of its subtree run the class */
  projectPath: string;
  projectOrgUnitId: number;
  completionRule: CompletionRule;
  hours: number;
  creditCategories: string[];
  /** an online class's course: its online requirements count toward completion too */
  courseId: number | null;
}

export interface SessionRow {
  id: number;
  classId: number;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  checkinOpensAt: Date;
  checkinClosesAt: Date;
  tokenSecret: Buffer;
}

export interface AttendanceLine {
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  present: boolean | null;
  method: 'qr' | 'manual' | null;
  reason: string | null;
  correctedByName: string | null;
}

export interface EnrolledFacts {
  teacherId: number;
  teacherName: string;
  assessmentPassed: boolean | null;
  attended: number;
}

/** A posting of this class to the ledger still in force (not reversed), with any pending reversal request. */
export interface PostingRow {
  entryId: number;
  teacherId: number;
  pendingRequestId: number | null;
}

const DEFAULT_RULE: CompletionRule = { minAttendancePct: 80, assessmentRequired: false };

function ruleOf(v: unknown): CompletionRule {
  const r = (v ?? {}) as Partial<CompletionRule>;
  return {
    minAttendancePct: typeof r.minAttendancePct === 'number' ? r.minAttendancePct : DEFAULT_RULE.minAttendancePct,
    assessmentRequired:
      typeof r.assessmentRequired === 'boolean' ? r.assessmentRequired : DEFAULT_RULE.assessmentRequired,
  };
}

/** The idempotency-key prefix of a class's postings: `class:<id>:teacher:<teacherId>[:<n>]`. */
export const postingKeyPrefix = (classId: number) => `class:${classId}:teacher:`;

/** QR attendance, assessment results and class closing: reads the training tables it needs directly. */
export function createAttendanceRepository(db: Q) {
  const classQuery = (q: Q) =>
    q
      .selectFrom('training_class as c')
      .innerJoin('training_project as p', 'p.id', 'c.project_id')
      .select([
        'c.id',
        'c.name',
        'c.status',
        'c.closed_at as closedAt',
        'c.province_id as provinceId',
        'p.id as projectId',
        'p.title as projectTitle',
        'p.org_path as projectPath',
        'p.org_unit_id as projectOrgUnitId',
        'p.completion_rule as completionRule',
        'p.hours',
        'p.credit_categories as creditCategories',
        'c.course_id as courseId',
      ]);
  const toClass = (
    r: { completionRule: unknown; status: string } & Omit<ClassRow, 'completionRule' | 'status'>,
  ): ClassRow => ({ ...r, status: r.status as ClassRow['status'], completionRule: ruleOf(r.completionRule) });

  return {
    async classById(id: number, lock = false): Promise<ClassRow | undefined> {
      let q = classQuery(db).where('c.id', '=', id);
      if (lock) q = q.forUpdate('c');
      const r = await q.executeTakeFirst();
      return r && toClass(r);
    },

    async session(id: number): Promise<(SessionRow & { class: ClassRow }) | undefined> {
      // one round trip: every scan and every code refresh reads this
      const r = await classQuery(db)
        .innerJoin('training_session as s', 's.class_id', 'c.id')
        .select([
          's.id as sessionId',
          's.class_id as classId',
          's.starts_at as startsAt',
          's.ends_at as endsAt',
          's.place',
          's.checkin_opens_at as checkinOpensAt',
          's.checkin_closes_at as checkinClosesAt',
          's.token_secret as tokenSecret',
        ])
        .where('s.id', '=', id)
        .executeTakeFirst();
      if (!r) return undefined;
      const { sessionId, classId, startsAt, endsAt, place, checkinOpensAt, checkinClosesAt, tokenSecret, ...c } = r;
      return {
        id: sessionId,
        classId,
        startsAt,
        endsAt,
        place,
        checkinOpensAt,
        checkinClosesAt,
        tokenSecret,
        class: toClass(c),
      };
    },

    /** The sessions of the classes a trainer teaches, from yesterday on, soonest first. */
    async sessionsTaughtBy(
      userId: number,
      limit = 200,
    ): Promise<
      Array<{
        id: number;
        classId: number;
        className: string;
        projectTitle: string;
        classStatus: 'open' | 'closed';
        startsAt: Date;
        endsAt: Date;
        place: string | null;
        checkinOpensAt: Date;
        checkinClosesAt: Date;
      }>
    > {
      return (await db
        .selectFrom('training_session as s')
        .innerJoin('training_class_trainer as ct', 'ct.class_id', 's.class_id')
        .innerJoin('training_class as c', 'c.id', 's.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select([
          's.id',
          's.class_id as classId',
          'c.name as className',
          'p.title as projectTitle',
          'c.status as classStatus',
          's.starts_at as startsAt',
          's.ends_at as endsAt',
          's.place',
          's.checkin_opens_at as checkinOpensAt',
          's.checkin_closes_at as checkinClosesAt',
        ])
        .where('ct.user_id', '=', userId)
        .where('s.ends_at', '>', sql<Date>`now() - interval '1 day'`)
        .orderBy('s.starts_at')
        .orderBy('s.id')
        .limit(limit)
        .execute()) as Array<{
        id: number;
        classId: number;
        className: string;
        projectTitle: string;
        classStatus: 'open' | 'closed';
        startsAt: Date;
        endsAt: Date;
        place: string | null;
        checkinOpensAt: Date;
        checkinClosesAt: Date;
      }>;
    },

    async isTrainer(classId: number, userId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('training_class_trainer')
          .select('user_id')
          .where('class_id', '=', classId)
          .where('user_id', '=', userId)
          .executeTakeFirst()) !== undefined
      );
    },

    async teacherOfUser(userId: number): Promise<{ id: number; name: string } | undefined> {
      return db.selectFrom('teacher').select(['id', 'name']).where('user_id', '=', userId).executeTakeFirst();
    },

    async teacherName(id: number): Promise<string | undefined> {
      return (await db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirst())?.name;
    },

    async enrolmentStatus(
      classId: number,
      teacherId: number,
    ): Promise<{ status: string; teacherName: string; orgPath: string } | undefined> {
      return db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .select(['e.status', 't.name as teacherName', 'e.org_path as orgPath'])
        .where('e.class_id', '=', classId)
        .where('e.teacher_id', '=', teacherId)
        .executeTakeFirst();
    },

    /** Another session whose check-in is open now, of a class the teacher is enrolled in (they scanned the wrong room's code). */
    async openSessionOfTeacher(teacherId: number, at: Date): Promise<number | undefined> {
      const r = await db
        .selectFrom('training_session as s')
        .innerJoin('enrolment as e', 'e.class_id', 's.class_id')
        .select('s.id')
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .where('s.checkin_opens_at', '<=', at)
        .where('s.checkin_closes_at', '>=', at)
        .orderBy('s.id')
        .limit(1)
        .executeTakeFirst();
      return r?.id;
    },

    /** Records a QR scan; a second scan keeps the first time. Returns the row as it now stands. */
    async recordScan(
      sessionId: number,
      teacherId: number,
      kind: 'in' | 'out',
      at: Date,
    ): Promise<{ checkedInAt: Date | null; checkedOutAt: Date | null; present: boolean }> {
      const values =
        kind === 'in'
          ? {
              session_id: sessionId,
              teacher_id: teacherId,
              checked_in_at: at,
              checked_out_at: null,
              present: true,
              method: 'qr',
            }
          : {
              session_id: sessionId,
              teacher_id: teacherId,
              checked_in_at: null,
              checked_out_at: at,
              present: false,
              method: 'qr',
            };
      return db
        .insertInto('attendance')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['session_id', 'teacher_id']).doUpdateSet(
            kind === 'in'
              ? {
                  checked_in_at: sql<Date>`coalesce(attendance.checked_in_at, excluded.checked_in_at)`,
                  present: true,
                  updated_at: sql<Date>`now()`,
                }
              : {
                  checked_out_at: sql<Date>`coalesce(attendance.checked_out_at, excluded.checked_out_at)`,
                  updated_at: sql<Date>`now()`,
                },
          ),
        )
        .returning(['checked_in_at as checkedInAt', 'checked_out_at as checkedOutAt', 'present'])
        .executeTakeFirstOrThrow();
    },

    async attendanceOf(sessionId: number, teacherId: number) {
      return db
        .selectFrom('attendance')
        .select(['checked_in_at as checkedInAt', 'checked_out_at as checkedOutAt', 'present', 'method', 'reason'])
        .where('session_id', '=', sessionId)
        .where('teacher_id', '=', teacherId)
        .executeTakeFirst();
    },

    /** The trainer's correction: replaces the row, names who corrected and why. */
    async correct(r: {
      sessionId: number;
      teacherId: number;
      present: boolean;
      checkedInAt: Date | null;
      checkedOutAt: Date | null;
      by: number;
      reason: string;
    }): Promise<void> {
      const v = {
        checked_in_at: r.checkedInAt,
        checked_out_at: r.checkedOutAt,
        present: r.present,
        method: 'manual',
        corrected_by: r.by,
        reason: r.reason,
      };
      await db
        .insertInto('attendance')
        .values({ session_id: r.sessionId, teacher_id: r.teacherId, ...v })
        .onConflict((oc) =>
          oc.columns(['session_id', 'teacher_id']).doUpdateSet({ ...v, updated_at: sql<Date>`now()` }),
        )
        .execute();
    },

    /** The enrolled teachers of the session's class with their attendance, by name. */
    async sessionAttendance(sessionId: number, classId: number): Promise<AttendanceLine[]> {
      const rows = await db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .leftJoin('attendance as a', (j) =>
          j.onRef('a.teacher_id', '=', 'e.teacher_id').on('a.session_id', '=', sessionId),
        )
        .leftJoin('app_user as u', 'u.id', 'a.corrected_by')
        .select([
          'e.teacher_id as teacherId',
          't.name as teacherName',
          'o.name as orgUnitName',
          'a.checked_in_at as checkedInAt',
          'a.checked_out_at as checkedOutAt',
          'a.present',
          'a.method',
          'a.reason',
          'u.display_name as correctedByName',
        ])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled')
        .orderBy('t.name')
        .orderBy('e.teacher_id')
        .execute();
      return rows.map((r) => ({ ...r, method: r.method as AttendanceLine['method'] }));
    },

    async sessionsOf(classId: number): Promise<Array<{ id: number; startsAt: Date; endsAt: Date }>> {
      return db
        .selectFrom('training_session')
        .select(['id', 'starts_at as startsAt', 'ends_at as endsAt'])
        .where('class_id', '=', classId)
        .orderBy('starts_at')
        .orderBy('id')
        .execute();
    },

    /** Every enrolled teacher of a class with the sessions they attended and their assessment result. */
    async enrolledFacts(classId: number): Promise<EnrolledFacts[]> {
      const rows = await db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .select([
          'e.teacher_id as teacherId',
          't.name as teacherName',
          'e.assessment_passed as assessmentPassed',
          attendedIn(classId).as('attended'),
        ])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled')
        .orderBy('e.teacher_id')
        .execute();
      return rows.map((r) => ({
        teacherId: r.teacherId,
        teacherName: r.teacherName,
        assessmentPassed: r.assessmentPassed,
        attended: Number(r.attended ?? 0),
      }));
    },

    async setAssessment(classId: number, teacherId: number, passed: boolean | null): Promise<boolean> {
      const r = await db
        .updateTable('enrolment')
        .set({ assessment_passed: passed, updated_at: sql<Date>`now()` })
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .where('status', '=', 'enrolled')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async setOutcomes(
      classId: number,
      rows: Array<{ teacherId: number; outcome: 'completed' | 'not_completed'; reason: string | null }>,
    ): Promise<void> {
      for (let i = 0; i < rows.length; i += 1_000) {
        const chunk = rows.slice(i, i + 1_000);
        await sql`UPDATE enrolment e SET outcome = v.outcome, outcome_reason = v.reason, updated_at = now()
          FROM (SELECT * FROM unnest(${sql.val(chunk.map((r) => r.teacherId))}::bigint[], ${sql.val(chunk.map((r) => r.outcome))}::text[], ${sql.val(chunk.map((r) => r.reason))}::text[]) AS x(teacher_id, outcome, reason)) v
          WHERE e.class_id = ${classId} AND e.teacher_id = v.teacher_id`.execute(db);
      }
    },

    /** Closes (with the reason for closing early, if it was) or reopens a class; reopening clears the reason. */
    async setClassStatus(
      classId: number,
      status: 'open' | 'closed',
      by: number,
      earlyCloseReason: string | null = null,
    ): Promise<void> {
      await db
        .updateTable('training_class')
        .set(
          status === 'closed'
            ? { status, closed_at: sql<Date>`now()`, closed_by: by, early_close_reason: earlyCloseReason }
            : { status, closed_at: null, closed_by: null, early_close_reason: null },
        )
        .where('id', '=', classId)
        .execute();
    },

    /**
     * The project follows its classes: after a class closes, an open project none of whose classes is
     * open any more is closed; after a class reopens, a closed project is open again. Returns whether
     * the project's status changed.
     */
    async followClasses(projectId: number, after: 'class_closed' | 'class_reopened'): Promise<boolean> {
      const r =
        after === 'class_closed'
          ? await sql`UPDATE training_project p SET status = 'closed', updated_at = now()
              WHERE p.id = ${projectId} AND p.status = 'open'
                AND NOT EXISTS (SELECT 1 FROM training_class c WHERE c.project_id = p.id AND c.status = 'open')`.execute(
              db,
            )
          : await sql`UPDATE training_project SET status = 'open', updated_at = now()
              WHERE id = ${projectId} AND status = 'closed'`.execute(db);
      return Number(r.numAffectedRows ?? 0) === 1;
    },

    /** The ledger postings of a class still in force, one per teacher at most. */
    async postingsInForce(provinceId: number, classId: number): Promise<PostingRow[]> {
      const prefix = postingKeyPrefix(classId);
      return db
        .selectFrom('credit_entry as e')
        .leftJoin('credit_reversal_request as r', (j) =>
          j.onRef('r.entry_id', '=', 'e.id').on('r.status', '=', 'pending'),
        )
        .select(['e.id as entryId', 'e.teacher_id as teacherId', 'r.id as pendingRequestId'])
        .where('e.province_id', '=', provinceId)
        .where('e.idem_key', 'like', `${prefix}%`)
        .where('e.reverses_id', 'is', null)
        .where((eb) =>
          eb.not(eb.exists(eb.selectFrom('credit_entry as x').select('x.id').whereRef('x.reverses_id', '=', 'e.id'))),
        )
        .orderBy('e.id')
        .execute();
    },

    /** How many postings (in force or reversed) each teacher of the class has had: the next key is numbered after them. */
    async postingCounts(provinceId: number, classId: number): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('credit_entry')
        .select(['teacher_id as teacherId', db.fn.countAll<string>().as('n')])
        .where('province_id', '=', provinceId)
        .where('idem_key', 'like', `${postingKeyPrefix(classId)}%`)
        .where('reverses_id', 'is', null)
        .groupBy('teacher_id')
        .execute();
      return new Map(rows.map((r) => [r.teacherId, Number(r.n)]));
    },
  };
}

export type AttendanceRepository = ReturnType<typeof createAttendanceRepository>;
