import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Eligibility } from '../domain/enrolment.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type EnrolmentStatus = 'enrolled' | 'waitlisted' | 'withdrawn';
export type EnrolmentSource = 'self' | 'nominated' | 'bulk';

export interface EnrolmentRow {
  id: number;
  classId: number;
  teacherId: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  status: EnrolmentStatus;
  source: EnrolmentSource;
  quotaUnitId: number | null;
  waitlistedAt: Date | null;
  createdAt: Date;
}

/** An enrolment as an admin's list and export show it. */
export interface EnrolmentListRow extends EnrolmentRow {
  teacherName: string;
  idNumberMasked: string;
  orgUnitName: string;
  stage: string;
  subject: string | null;
  /** 1-based place in the waitlist (waitlisted rows only) */
  waitlistPosition: number | null;
}

export interface TimetableRow {
  sessionId: number;
  classId: number;
  className: string;
  projectId: number;
  projectTitle: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
  checkinOpensAt: Date;
  checkinClosesAt: Date;
}

const ROW = [
  'e.id',
  'e.class_id as classId',
  'e.teacher_id as teacherId',
  'e.province_id as provinceId',
  'e.org_unit_id as orgUnitId',
  'e.org_path as orgPath',
  'e.status',
  'e.source',
  'e.quota_unit_id as quotaUnitId',
  'e.waitlisted_at as waitlistedAt',
  'e.created_at as createdAt',
] as const;

/** The SQL form of `ineligibility` (domain/enrolment.ts) over `teacher t`: the two are tested to agree. */
function eligibleSql(e: Eligibility, year: number): RawBuilder<boolean> {
  const parts: Array<RawBuilder<unknown>> = [sql`true`];
  if (e.minServiceYears !== undefined && e.minServiceYears > 0)
    parts.push(
      sql`(t.teaching_start_year IS NOT NULL AND ${year}::int - t.teaching_start_year >= ${e.minServiceYears}::int)`,
    );
  if (e.stages?.length) parts.push(sql`t.stage = ANY(${e.stages}::text[])`);
  if (e.subjects?.length) parts.push(sql`t.subject = ANY(${e.subjects}::text[])`);
  for (const f of e.flags ?? []) {
    switch (f) {
      case 'headTeacher':
        parts.push(sql`t.head_teacher`);
        break;
      case 'newTeacher':
        parts.push(sql`t.new_teacher`);
        break;
      case 'backbone':
        parts.push(sql`t.backbone_level IS NOT NULL`);
        break;
      case 'subjectLeader':
        parts.push(sql`t.subject_leader`);
        break;
      case 'masterTeacher':
        parts.push(sql`t.master_teacher`);
        break;
      default: {
        const never: never = f;
        return never;
      }
    }
  }
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/** Enrolments, places and the waitlist. Writers hold the class row's lock (see training.repository `lockClass`). */
export function createEnrolmentRepository(db: Q) {
  return {
    async find(id: number): Promise<EnrolmentRow | undefined> {
      return (await db.selectFrom('enrolment as e').select(ROW).where('e.id', '=', id).executeTakeFirst()) as
        | EnrolmentRow
        | undefined;
    },

    async ofTeacher(classId: number, teacherId: number): Promise<EnrolmentRow | undefined> {
      return (await db
        .selectFrom('enrolment as e')
        .select(ROW)
        .where('e.class_id', '=', classId)
        .where('e.teacher_id', '=', teacherId)
        .executeTakeFirst()) as EnrolmentRow | undefined;
    },

    /** Teachers of `teacherIds` already enrolled or waiting in any class of the project, with that class's name. */
    async activeInProject(projectId: number, teacherIds: number[]): Promise<Map<number, string>> {
      if (!teacherIds.length) return new Map();
      const rows = await db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .where('c.project_id', '=', projectId)
        .where('e.teacher_id', 'in', teacherIds)
        .where('e.status', '!=', 'withdrawn')
        .select(['e.teacher_id as teacherId', 'c.name'])
        .execute();
      return new Map(rows.map((r) => [r.teacherId, r.name]));
    },

    /** Locks teachers' rows in id order: one teacher cannot take places in two classes of a project at once. */
    async lockTeachers(teacherIds: number[]): Promise<void> {
      if (!teacherIds.length) return;
      await db.selectFrom('teacher').select('id').where('id', 'in', teacherIds).orderBy('id').forUpdate().execute();
    },

    /**
     * Writes enrolments (a withdrawn row of the same class and teacher comes back to life). Waitlist
     * order is the order of the lock, so waiting rows get the clock time, not the transaction's start.
     */
    async insert(
      rows: Array<{
        classId: number;
        teacherId: number;
        provinceId: number;
        orgUnitId: number;
        orgPath: string;
        status: 'enrolled' | 'waitlisted';
        source: EnrolmentSource;
        quotaUnitId: number | null;
        createdBy: number;
      }>,
    ): Promise<number[]> {
      if (!rows.length) return [];
      const out = await db
        .insertInto('enrolment')
        .values(
          rows.map((r) => ({
            class_id: r.classId,
            teacher_id: r.teacherId,
            province_id: r.provinceId,
            org_unit_id: r.orgUnitId,
            org_path: r.orgPath,
            status: r.status,
            source: r.source,
            quota_unit_id: r.quotaUnitId,
            waitlisted_at: r.status === 'waitlisted' ? sql<Date>`clock_timestamp()` : null,
            created_by: r.createdBy,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['class_id', 'teacher_id'])
            .doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              source: eb.ref('excluded.source'),
              quota_unit_id: eb.ref('excluded.quota_unit_id'),
              waitlisted_at: eb.ref('excluded.waitlisted_at'),
              org_unit_id: eb.ref('excluded.org_unit_id'),
              org_path: eb.ref('excluded.org_path'),
              created_by: eb.ref('excluded.created_by'),
              assessment_passed: null,
              outcome: null,
              outcome_reason: null,
              created_at: sql`now()`,
              updated_at: sql`now()`,
            }))
            .where('enrolment.status', '=', 'withdrawn'),
        )
        .returning('id')
        .execute();
      return out.map((r) => r.id);
    },

    /** Moves the class's counters (under its lock). */
    async addToCounters(classId: number, enrolled: number, waitlisted: number): Promise<void> {
      if (enrolled === 0 && waitlisted === 0) return;
      await db
        .updateTable('training_class')
        .set({ enrolled: sql`enrolled + ${enrolled}::int`, waitlisted: sql`waitlisted + ${waitlisted}::int` })
        .where('id', '=', classId)
        .execute();
    },

    async addToQuota(classId: number, orgUnitId: number, n: number): Promise<void> {
      await db
        .updateTable('training_class_quota')
        .set({ used: sql`used + ${n}::int` })
        .where('class_id', '=', classId)
        .where('org_unit_id', '=', orgUnitId)
        .execute();
    },

    async withdraw(id: number): Promise<void> {
      await db
        .updateTable('enrolment')
        .set({ status: 'withdrawn', quota_unit_id: null, waitlisted_at: null, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** The waitlist from `after` on, in order (waitlisted_at, id). */
    async waitlist(
      classId: number,
      limit: number,
      after?: { at: Date; id: number },
    ): Promise<Array<{ id: number; orgPath: string; waitlistedAt: Date }>> {
      let q = db
        .selectFrom('enrolment')
        .select(['id', 'org_path as orgPath', 'waitlisted_at as waitlistedAt'])
        .where('class_id', '=', classId)
        .where('status', '=', 'waitlisted');
      if (after) q = q.where(sql<boolean>`(waitlisted_at, id) > (${after.at}, ${after.id})`);
      return (await q.orderBy('waitlisted_at').orderBy('id').limit(limit).execute()) as Array<{
        id: number;
        orgPath: string;
        waitlistedAt: Date;
      }>;
    },

    /** 1-based place of a waiting enrolment in its class's waitlist. */
    async waitlistPosition(id: number): Promise<number | null> {
      const r = await sql<{ n: number | null }>`
        SELECT (SELECT count(*)::int FROM enrolment w WHERE w.class_id = e.class_id AND w.status = 'waitlisted' AND (w.waitlisted_at, w.id) <= (e.waitlisted_at, e.id)) AS n
        FROM enrolment e WHERE e.id = ${id} AND e.status = 'waitlisted'`.execute(db);
      return r.rows[0]?.n ?? null;
    },

    async promote(ids: Array<{ id: number; quotaUnitId: number | null }>): Promise<void> {
      for (const { id, quotaUnitId } of ids) {
        await db
          .updateTable('enrolment')
          .set({ status: 'enrolled', quota_unit_id: quotaUnitId, waitlisted_at: null, updated_at: sql`now()` })
          .where('id', '=', id)
          .execute();
      }
    },

    /**
     * Enrols every eligible teacher under `unitPaths` who has no place in the project yet, in one
     * statement: each takes the deepest quota covering their school while it has room, then free
     * places in order of school and id; the rest join the waitlist. Counters and quotas move in
     * the same statement. The caller holds the class lock.
     */
    async bulkEnrol(a: {
      classId: number;
      projectId: number;
      provinceId: number;
      projectPath: string;
      unitPaths: string[];
      eligibility: Eligibility;
      year: number;
      free: number;
      createdBy: number;
    }): Promise<{ enrolled: number; waitlisted: number }> {
      const within = sql.join(
        a.unitPaths.map((p) => sql`t.org_path LIKE ${`${escapeLike(p)}%`}`),
        sql` OR `,
      );
      const r = await sql<{ enrolled: number; waitlisted: number }>`
        WITH cand AS (
          SELECT t.id, t.province_id, t.org_unit_id, t.org_path
          FROM teacher t
          WHERE t.province_id = ${a.provinceId} AND t.org_path LIKE ${`${escapeLike(a.projectPath)}%`} AND (${within})
            AND ${eligibleSql(a.eligibility, a.year)}
            AND NOT EXISTS (SELECT 1 FROM enrolment x WHERE x.class_id = ${a.classId} AND x.teacher_id = t.id)
            AND NOT EXISTS (SELECT 1 FROM enrolment x JOIN training_class c ON c.id = x.class_id
                            WHERE c.project_id = ${a.projectId} AND x.teacher_id = t.id AND x.status <> 'withdrawn')
        ), withq AS (
          SELECT cand.*, q.org_unit_id AS quota_unit, q.quota - q.used AS room,
                 row_number() OVER (PARTITION BY q.org_unit_id ORDER BY cand.org_path, cand.id) AS qrn
          FROM cand LEFT JOIN LATERAL (
            SELECT q.org_unit_id, q.quota, q.used FROM training_class_quota q
            WHERE q.class_id = ${a.classId} AND starts_with(cand.org_path, q.org_path)
            ORDER BY length(q.org_path) DESC LIMIT 1
          ) q ON true
        ), fits AS (
          SELECT withq.*, (quota_unit IS NULL OR qrn <= room) AS quota_ok FROM withq
        ), ranked AS (
          SELECT fits.*, row_number() OVER (PARTITION BY quota_ok ORDER BY org_path, id) AS prn FROM fits
        ), decided AS (
          SELECT ranked.*, (quota_ok AND prn <= ${a.free}) AS placed FROM ranked
        ), ins AS (
          INSERT INTO enrolment (class_id, teacher_id, province_id, org_unit_id, org_path, status, source, quota_unit_id, waitlisted_at, created_by)
          SELECT ${a.classId}, id, province_id, org_unit_id, org_path,
                 CASE WHEN placed THEN 'enrolled' ELSE 'waitlisted' END, 'bulk',
                 CASE WHEN placed THEN quota_unit END,
                 CASE WHEN placed THEN NULL ELSE clock_timestamp() END, ${a.createdBy}
          FROM decided ORDER BY placed DESC, org_path, id
          -- a place taken meanwhile in this class or another class of the project (one place per project)
          ON CONFLICT DO NOTHING
          RETURNING status, quota_unit_id
        ), quotas AS (
          UPDATE training_class_quota q SET used = q.used + x.n
          FROM (SELECT quota_unit_id, count(*)::int AS n FROM ins WHERE quota_unit_id IS NOT NULL GROUP BY quota_unit_id) x
          WHERE q.class_id = ${a.classId} AND q.org_unit_id = x.quota_unit_id
          RETURNING 1
        ), counts AS (
          SELECT count(*) FILTER (WHERE status = 'enrolled')::int AS n_enrolled, count(*) FILTER (WHERE status = 'waitlisted')::int AS n_waitlisted FROM ins
        ), cls AS (
          UPDATE training_class SET enrolled = training_class.enrolled + counts.n_enrolled, waitlisted = training_class.waitlisted + counts.n_waitlisted
          FROM counts WHERE training_class.id = ${a.classId}
          RETURNING 1
        )
        SELECT n_enrolled AS enrolled, n_waitlisted AS waitlisted FROM counts, (SELECT count(*) FROM quotas) qq, (SELECT count(*) FROM cls) cc
      `.execute(db);
      return r.rows[0] ?? { enrolled: 0, waitlisted: 0 };
    },

    /** Recount of a class from its rows (tests and checks): counters and each quota's `used`. */
    async recount(classId: number): Promise<{ enrolled: number; waitlisted: number; quotaUsed: Map<number, number> }> {
      const c = await db
        .selectFrom('enrolment')
        .where('class_id', '=', classId)
        .select([
          sql<number>`count(*) FILTER (WHERE status = 'enrolled')::int`.as('enrolled'),
          sql<number>`count(*) FILTER (WHERE status = 'waitlisted')::int`.as('waitlisted'),
        ])
        .executeTakeFirstOrThrow();
      const q = await db
        .selectFrom('enrolment')
        .where('class_id', '=', classId)
        .where('status', '=', 'enrolled')
        .where('quota_unit_id', 'is not', null)
        .select(['quota_unit_id as unit', sql<number>`count(*)::int`.as('n')])
        .groupBy('quota_unit_id')
        .execute();
      return { enrolled: c.enrolled, waitlisted: c.waitlisted, quotaUsed: new Map(q.map((r) => [r.unit!, r.n])) };
    },

    /** A class's enrolments under `scopePath`: enrolled first, then the waitlist in order, then withdrawn. */
    async list(
      classId: number,
      scopePath: string,
      f: { status?: EnrolmentStatus; limit: number; offset: number },
    ): Promise<{ items: EnrolmentListRow[]; total: number }> {
      let q = db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 'e.org_unit_id')
        .where('e.class_id', '=', classId)
        .where('e.org_path', 'like', `${escapeLike(scopePath)}%`);
      if (f.status) q = q.where('e.status', '=', f.status);
      const [items, total] = await Promise.all([
        q
          .select([
            ...ROW,
            't.name as teacherName',
            't.id_number_masked as idNumberMasked',
            'o.name as orgUnitName',
            't.stage',
            't.subject',
            sql<
              number | null
            >`CASE WHEN e.status = 'waitlisted' THEN (SELECT count(*)::int FROM enrolment w WHERE w.class_id = e.class_id AND w.status = 'waitlisted' AND (w.waitlisted_at, w.id) <= (e.waitlisted_at, e.id)) END`.as(
              'waitlistPosition',
            ),
          ])
          .orderBy(sql`CASE e.status WHEN 'enrolled' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END`)
          .orderBy('e.waitlisted_at')
          .orderBy('o.name')
          .orderBy('t.name')
          .orderBy('e.id')
          .limit(f.limit)
          .offset(f.offset)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as EnrolmentListRow[], total: total.n };
    },

    /** The sessions of the classes a teacher holds a place in, in time order. */
    async timetable(teacherId: number, from: Date | null): Promise<TimetableRow[]> {
      let q = db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .innerJoin('training_session as s', 's.class_id', 'c.id')
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled');
      // what is still to come: a closed class holds no more sessions, even those dated later
      if (from) q = q.where('s.ends_at', '>=', from).where('c.status', '=', 'open');
      return (await q
        .select([
          's.id as sessionId',
          'c.id as classId',
          'c.name as className',
          'p.id as projectId',
          'p.title as projectTitle',
          's.starts_at as startsAt',
          's.ends_at as endsAt',
          's.place',
          's.online_url as onlineUrl',
          's.checkin_opens_at as checkinOpensAt',
          's.checkin_closes_at as checkinClosesAt',
        ])
        .orderBy('s.starts_at')
        .orderBy('s.id')
        .limit(1_000)
        .execute()) as TimetableRow[];
    },

    /** A teacher's enrolments (any status) in the classes of these projects. */
    async teacherInProjects(
      teacherId: number,
      projectIds: number[],
    ): Promise<Array<EnrolmentRow & { projectId: number }>> {
      if (!projectIds.length) return [];
      return (await db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .where('e.teacher_id', '=', teacherId)
        .where('c.project_id', 'in', projectIds)
        .select([...ROW, 'c.project_id as projectId'])
        .execute()) as Array<EnrolmentRow & { projectId: number }>;
    },
  };
}

export type EnrolmentRepository = ReturnType<typeof createEnrolmentRepository>;
