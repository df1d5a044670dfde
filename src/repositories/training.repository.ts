import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CompletionRule, Eligibility, ProjectLevel, ProjectStatus } from '../domain/enrolment.js';
import { pathPrefixes } from './course.repository.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** A training project (培训项目) as pages show it. */
export interface ProjectRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  level: ProjectLevel;
  title: string;
  description: string | null;
  year: number;
  status: ProjectStatus;
  registrationOpens: string | null;
  registrationCloses: string | null;
  eligibility: Eligibility;
  completionRule: CompletionRule;
  hours: number;
  creditCategories: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectFields {
  level: ProjectLevel;
  title: string;
  description: string | null;
  year: number;
  registrationOpens: string | null;
  registrationCloses: string | null;
  eligibility: Eligibility;
  completionRule: CompletionRule;
  hours: number;
  creditCategories: string[];
}

export interface ClassRow {
  id: number;
  projectId: number;
  provinceId: number;
  orgPath: string;
  name: string;
  capacity: number;
  enrolled: number;
  waitlisted: number;
  status: 'open' | 'closed';
  closedAt: Date | null;
  /** the organiser's reason when the class was closed before its last session ended */
  earlyCloseReason: string | null;
  createdAt: Date;
  /** an online class's course (homework, forum); null for a face-to-face class */
  courseId: number | null;
}

export interface QuotaRow {
  classId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  quota: number;
  used: number;
}

export interface SessionRow {
  id: number;
  classId: number;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
  checkinOpensAt: Date;
  checkinClosesAt: Date;
}

export interface SessionFields {
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
  checkinOpensAt: Date;
  checkinClosesAt: Date;
}

export interface TrainerRow {
  userId: number;
  displayName: string;
  username: string;
  orgUnitName: string;
}

export interface CourseRef {
  id: number;
  title: string;
  category: string;
  hours: number;
  orgPath: string;
  provinceId: number;
  archived: boolean;
}

const PROJECT_COLUMNS = [
  'p.id',
  'p.province_id as provinceId',
  'p.org_unit_id as orgUnitId',
  'p.org_path as orgPath',
  'o.name as orgUnitName',
  'p.level',
  'p.title',
  'p.description',
  'p.year',
  'p.status',
  'p.registration_opens as registrationOpens',
  'p.registration_closes as registrationCloses',
  'p.eligibility',
  'p.completion_rule as completionRule',
  'p.hours',
  'p.credit_categories as creditCategories',
  'p.created_at as createdAt',
  'p.updated_at as updatedAt',
] as const;
const CLASS_COLUMNS = [
  'c.id',
  'c.project_id as projectId',
  'c.province_id as provinceId',
  'c.org_path as orgPath',
  'c.name',
  'c.capacity',
  'c.enrolled',
  'c.waitlisted',
  'c.status',
  'c.closed_at as closedAt',
  'c.early_close_reason as earlyCloseReason',
  'c.created_at as createdAt',
  'c.course_id as courseId',
] as const;
const SESSION_COLUMNS = [
  's.id',
  's.class_id as classId',
  's.starts_at as startsAt',
  's.ends_at as endsAt',
  's.place',
  's.online_url as onlineUrl',
  's.checkin_opens_at as checkinOpensAt',
  's.checkin_closes_at as checkinClosesAt',
] as const;

const projectColumns = (f: ProjectFields) => ({
  level: f.level,
  title: f.title,
  description: f.description,
  year: f.year,
  registration_opens: f.registrationOpens,
  registration_closes: f.registrationCloses,
  eligibility: JSON.stringify(f.eligibility),
  completion_rule: JSON.stringify(f.completionRule),
  hours: f.hours,
  credit_categories: f.creditCategories,
});
const sessionColumns = (f: SessionFields) => ({
  starts_at: f.startsAt,
  ends_at: f.endsAt,
  place: f.place,
  online_url: f.onlineUrl,
  checkin_opens_at: f.checkinOpensAt,
  checkin_closes_at: f.checkinClosesAt,
});

/** Projects, classes, trainers, quotas and sessions. `token_secret` is written here and never read. */
export function createTrainingRepository(db: Q) {
  /** Enabled trainer accounts inside `path`, or linked to an active pool entry kept at `path` or above it. */
  const enabledTrainersFor = (path: string) =>
    db
      .selectFrom('app_user as u')
      .where('u.role', '=', 'trainer')
      .where('u.disabled', '=', false)
      .where((eb) =>
        eb.or([
          eb('u.org_path', 'like', `${escapeLike(path)}%`),
          eb.exists(
            eb
              .selectFrom('trainer_profile as p')
              .select('p.id')
              .whereRef('p.user_id', '=', 'u.id')
              .where('p.active', '=', true)
              .where('p.org_path', 'in', pathPrefixes(path)),
          ),
        ]),
      );

  const projects = () =>
    db.selectFrom('training_project as p').innerJoin('org_unit as o', 'o.id', 'p.org_unit_id').select(PROJECT_COLUMNS);

  return {
    async project(id: number): Promise<ProjectRow | undefined> {
      return (await projects().where('p.id', '=', id).executeTakeFirst()) as ProjectRow | undefined;
    },

    async projects(ids: number[]): Promise<ProjectRow[]> {
      if (!ids.length) return [];
      return (await projects().where('p.id', 'in', ids).execute()) as ProjectRow[];
    },

    /**
     * Projects on an admin's line of the tree: those run inside `path` (any status) and those of the
     * units above it that are no longer drafts (the ones the admin's teachers may join).
     */
    async onLine(
      provinceId: number,
      path: string,
      f: {
        year?: number;
        status?: ProjectStatus;
        q?: string;
        /** registration closing between these days (inclusive) */
        closes?: { from: string; to: string };
        limit: number;
        offset: number;
      },
    ): Promise<{ items: ProjectRow[]; total: number }> {
      const ancestors = pathPrefixes(path).filter((p) => p !== path);
      let q = projects()
        .where('p.province_id', '=', provinceId)
        .where((eb) =>
          eb.or([
            eb('p.org_path', 'like', `${escapeLike(path)}%`),
            ...(ancestors.length ? [eb.and([eb('p.org_path', 'in', ancestors), eb('p.status', '!=', 'draft')])] : []),
          ]),
        );
      if (f.year !== undefined) q = q.where('p.year', '=', f.year);
      if (f.status !== undefined) q = q.where('p.status', '=', f.status);
      if (f.q) q = q.where('p.title', 'ilike', `%${escapeLike(f.q)}%`);
      if (f.closes)
        q = q.where('p.registration_closes', '>=', f.closes.from).where('p.registration_closes', '<=', f.closes.to);
      const [items, total] = await Promise.all([
        q.orderBy('p.year', 'desc').orderBy('p.id', 'desc').limit(f.limit).offset(f.offset).execute(),
        q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ProjectRow[], total: total.n };
    },

    /** Open projects run at a school's own unit or above it (what its teachers may join), newest first. */
    async openOnPaths(provinceId: number, schoolPath: string): Promise<ProjectRow[]> {
      const line = pathPrefixes(schoolPath);
      return (await projects()
        .where('p.province_id', '=', provinceId)
        .where('p.org_path', 'in', line)
        .where('p.status', '=', 'open')
        .orderBy('p.registration_closes')
        .orderBy('p.id', 'desc')
        .limit(200)
        .execute()) as ProjectRow[];
    },

    async insertProject(
      p: ProjectFields & { provinceId: number; orgUnitId: number; orgPath: string; createdBy: number },
    ): Promise<number> {
      const r = await db
        .insertInto('training_project')
        .values({
          ...projectColumns(p),
          province_id: p.provinceId,
          org_unit_id: p.orgUnitId,
          org_path: p.orgPath,
          status: 'draft',
          created_by: p.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updateProject(id: number, f: ProjectFields): Promise<void> {
      await db
        .updateTable('training_project')
        .set({ ...projectColumns(f), updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** Moves the status only from `from`; false when another writer moved it first. */
    async moveProject(id: number, from: ProjectStatus, to: ProjectStatus): Promise<boolean> {
      const r = await db
        .updateTable('training_project')
        .set({ status: to, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async courses(projectId: number): Promise<CourseRef[]> {
      return db
        .selectFrom('training_project_course as pc')
        .innerJoin('course as c', 'c.id', 'pc.course_id')
        .where('pc.project_id', '=', projectId)
        .select([
          'c.id',
          'c.title',
          'c.category',
          'c.hours',
          'c.org_path as orgPath',
          'c.province_id as provinceId',
          'c.archived',
        ])
        .orderBy('c.title')
        .execute();
    },

    async findCourses(ids: number[]): Promise<CourseRef[]> {
      if (!ids.length) return [];
      return db
        .selectFrom('course as c')
        .where('c.id', 'in', ids)
        .select([
          'c.id',
          'c.title',
          'c.category',
          'c.hours',
          'c.org_path as orgPath',
          'c.province_id as provinceId',
          'c.archived',
        ])
        .execute();
    },

    async setCourses(projectId: number, courseIds: number[]): Promise<void> {
      await db.deleteFrom('training_project_course').where('project_id', '=', projectId).execute();
      if (courseIds.length)
        await db
          .insertInto('training_project_course')
          .values(courseIds.map((course_id) => ({ project_id: projectId, course_id })))
          .execute();
    },

    // ---------------------------------------------------------------- classes

    async classes(projectId: number): Promise<ClassRow[]> {
      return (await db
        .selectFrom('training_class as c')
        .select(CLASS_COLUMNS)
        .where('c.project_id', '=', projectId)
        .orderBy('c.id')
        .execute()) as ClassRow[];
    },

    async classesOf(projectIds: number[]): Promise<ClassRow[]> {
      if (!projectIds.length) return [];
      return (await db
        .selectFrom('training_class as c')
        .select(CLASS_COLUMNS)
        .where('c.project_id', 'in', projectIds)
        .orderBy('c.id')
        .execute()) as ClassRow[];
    },

    async class(id: number): Promise<ClassRow | undefined> {
      return (await db
        .selectFrom('training_class as c')
        .select(CLASS_COLUMNS)
        .where('c.id', '=', id)
        .executeTakeFirst()) as ClassRow | undefined;
    },

    /** The class row, locked: places, counters and quotas are decided under this lock. */
    async lockClass(id: number): Promise<ClassRow | undefined> {
      return (await db
        .selectFrom('training_class as c')
        .select(CLASS_COLUMNS)
        .where('c.id', '=', id)
        .forUpdate()
        .executeTakeFirst()) as ClassRow | undefined;
    },

    async insertClass(c: {
      projectId: number;
      provinceId: number;
      orgPath: string;
      name: string;
      capacity: number;
    }): Promise<number> {
      const r = await db
        .insertInto('training_class')
        .values({
          project_id: c.projectId,
          province_id: c.provinceId,
          org_path: c.orgPath,
          name: c.name,
          capacity: c.capacity,
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updateClass(id: number, patch: { name?: string; capacity?: number }): Promise<void> {
      if (patch.name === undefined && patch.capacity === undefined) return;
      await db.updateTable('training_class').set(patch).where('id', '=', id).execute();
    },

    // ---------------------------------------------------------------- trainers

    async trainers(classIds: number[]): Promise<Array<TrainerRow & { classId: number }>> {
      if (!classIds.length) return [];
      return db
        .selectFrom('training_class_trainer as ct')
        .innerJoin('app_user as u', 'u.id', 'ct.user_id')
        .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
        .where('ct.class_id', 'in', classIds)
        .select([
          'ct.class_id as classId',
          'u.id as userId',
          'u.display_name as displayName',
          'u.username',
          'o.name as orgUnitName',
        ])
        .orderBy('u.display_name')
        .execute();
    },

    /**
     * Trainer accounts a project's classes draw on, by name: those of the project's subtree, and
     * those of an active pool entry kept at the project's unit or above it (a pool is shared downward).
     */
    async trainerCandidates(path: string, q: string | undefined, limit: number): Promise<TrainerRow[]> {
      let s = enabledTrainersFor(path);
      if (q)
        s = s.where((eb) =>
          eb.or([eb('u.display_name', 'like', `%${escapeLike(q)}%`), eb('u.username', 'like', `%${escapeLike(q)}%`)]),
        );
      return s
        .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
        .select(['u.id as userId', 'u.display_name as displayName', 'u.username', 'o.name as orgUnitName'])
        .orderBy('u.display_name')
        .limit(limit)
        .execute();
    },

    /** Those of `userIds` that are trainer candidates of a project at `path`. */
    async trainersWithin(path: string, userIds: number[]): Promise<number[]> {
      if (!userIds.length) return [];
      return (await enabledTrainersFor(path).where('u.id', 'in', userIds).select('u.id').execute()).map((r) => r.id);
    },

    async setTrainers(classId: number, userIds: number[]): Promise<void> {
      await db.deleteFrom('training_class_trainer').where('class_id', '=', classId).execute();
      if (userIds.length)
        await db
          .insertInto('training_class_trainer')
          .values(userIds.map((user_id) => ({ class_id: classId, user_id })))
          .execute();
    },

    // ---------------------------------------------------------------- quotas

    async quotas(classIds: number[]): Promise<QuotaRow[]> {
      if (!classIds.length) return [];
      return db
        .selectFrom('training_class_quota as q')
        .innerJoin('org_unit as o', 'o.id', 'q.org_unit_id')
        .where('q.class_id', 'in', classIds)
        .select([
          'q.class_id as classId',
          'q.org_unit_id as orgUnitId',
          'o.name as orgUnitName',
          'q.org_path as orgPath',
          'q.quota',
          'q.used',
        ])
        .orderBy('q.org_path')
        .execute();
    },

    /**
     * The quota table of a class: every unit directly below the organiser that can hold teachers' places
     * (not a training institution), and any other unit holding a quota, with its quota and places used
     * (0 where none is set), in name order.
     */
    async quotaUnits(classId: number, organiserId: number): Promise<QuotaRow[]> {
      const rows = await sql<QuotaRow>`
        SELECT ${classId}::bigint AS "classId", o.id AS "orgUnitId", o.name AS "orgUnitName", o.path AS "orgPath",
               coalesce(q.quota, 0)::int AS quota, coalesce(q.used, 0)::int AS used
          FROM org_unit o
          LEFT JOIN training_class_quota q ON q.class_id = ${classId} AND q.org_unit_id = o.id
         WHERE (o.parent_id = ${organiserId} AND o.kind <> 'institution') OR q.class_id IS NOT NULL
         ORDER BY o.name, o.id`.execute(db);
      return rows.rows.map((r) => ({ ...r, classId: Number(r.classId) }));
    },

    /** Replaces the quotas of a class: rows kept keep their `used`; the caller holds the class lock. */
    async setQuotas(
      classId: number,
      rows: Array<{ orgUnitId: number; orgPath: string; quota: number }>,
    ): Promise<void> {
      const keep = rows.map((r) => r.orgUnitId);
      let del = db.deleteFrom('training_class_quota').where('class_id', '=', classId);
      if (keep.length) del = del.where('org_unit_id', 'not in', keep);
      await del.execute();
      if (rows.length) {
        await db
          .insertInto('training_class_quota')
          .values(
            rows.map((r) => ({ class_id: classId, org_unit_id: r.orgUnitId, org_path: r.orgPath, quota: r.quota })),
          )
          .onConflict((oc) =>
            oc.columns(['class_id', 'org_unit_id']).doUpdateSet((eb) => ({ quota: eb.ref('excluded.quota') })),
          )
          .execute();
      }
    },

    // ---------------------------------------------------------------- sessions

    async sessions(classIds: number[]): Promise<SessionRow[]> {
      if (!classIds.length) return [];
      return (await db
        .selectFrom('training_session as s')
        .select(SESSION_COLUMNS)
        .where('s.class_id', 'in', classIds)
        .orderBy('s.starts_at')
        .orderBy('s.id')
        .execute()) as SessionRow[];
    },

    async session(id: number): Promise<SessionRow | undefined> {
      return (await db
        .selectFrom('training_session as s')
        .select(SESSION_COLUMNS)
        .where('s.id', '=', id)
        .executeTakeFirst()) as SessionRow | undefined;
    },

    /** A new session with a fresh 32-byte key for its QR tokens, made here and never returned. */
    async insertSession(classId: number, f: SessionFields): Promise<number> {
      const r = await db
        .insertInto('training_session')
        .values({ ...sessionColumns(f), class_id: classId, token_secret: crypto.randomBytes(32) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updateSession(id: number, f: SessionFields): Promise<void> {
      await db.updateTable('training_session').set(sessionColumns(f)).where('id', '=', id).execute();
    },

    async hasAttendance(sessionId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('attendance')
          .select('session_id')
          .where('session_id', '=', sessionId)
          .limit(1)
          .executeTakeFirst()) !== undefined
      );
    },

    async deleteSession(id: number): Promise<void> {
      await db.deleteFrom('training_session').where('id', '=', id).execute();
    },
  };
}

export type TrainingRepository = ReturnType<typeof createTrainingRepository>;
