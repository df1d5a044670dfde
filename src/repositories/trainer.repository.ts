import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';
import { pathPrefixes } from './course.repository.js';

type Q = Kysely<DB>;

export const TRAINER_KINDS = ['trainer', 'expert'] as const;
export type TrainerKind = (typeof TRAINER_KINDS)[number];
export const TRAINER_LEVELS = ['school', 'county', 'city', 'province', 'national'] as const;
export type TrainerLevel = (typeof TRAINER_LEVELS)[number];

/** What a pool entry says, as the form or a sheet row gives it. */
export interface TrainerFields {
  kind: TrainerKind;
  name: string;
  title: string | null;
  employer: string | null;
  level: TrainerLevel;
  subjects: string[];
  stages: string[];
  specialties: string | null;
  active: boolean;
  userId: number | null;
  teacherId: number | null;
}

export interface TrainerRow extends TrainerFields {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  /** the linked trainer account */
  user: { id: number; username: string; displayName: string; orgUnitName: string } | null;
  /** the linked registry entry */
  teacher: { id: number; name: string; orgUnitName: string; orgPath: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TrainerFilter {
  /** the unit whose view is listed: entries of its ancestors, its own and its subtree's */
  unitPath: string;
  provinceId: number;
  origin?: 'above' | 'own' | 'below';
  q?: string;
  kind?: TrainerKind;
  level?: TrainerLevel;
  subject?: string;
  stage?: string;
  /** 'linked': only entries with a trainer account (the class trainer picker) */
  account?: 'linked' | 'none';
  status: 'active' | 'inactive' | 'all';
}

/** One line of a trainer's own training record (培训者培训). */
export interface TrainingEntryRow {
  id: number;
  trainerId: number;
  title: string;
  organiser: string | null;
  startsOn: string;
  endsOn: string;
  /** tenths of an hour */
  hours: number;
  notes: string | null;
  createdAt: Date;
}

export type TrainingEntryFields = Pick<
  TrainingEntryRow,
  'title' | 'organiser' | 'startsOn' | 'endsOn' | 'hours' | 'notes'
>;

/** A class the trainer is assigned to (training_class_trainer), with its project and sessions. */
export interface TrainerClassRow {
  classId: number;
  className: string;
  classStatus: 'open' | 'closed';
  enrolled: number;
  capacity: number;
  projectId: number;
  projectTitle: string;
  projectStatus: string;
  projectYear: number;
  orgUnitName: string;
  sessionCount: number;
  firstSession: Date | null;
  lastSession: Date | null;
  /** an online class's course (reflections, homework, forum); null for other classes */
  courseId: number | null;
}

/** A training class the linked teacher is (or was) enrolled in. */
export interface TeacherEnrolmentRow {
  enrolmentId: number;
  status: string;
  outcome: string | null;
  classId: number;
  className: string;
  projectId: number;
  projectTitle: string;
  projectYear: number;
  hours: number;
}

function selectTrainers(db: Q) {
  return db
    .selectFrom('trainer_profile as p')
    .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'p.user_id')
    .leftJoin('org_unit as uo', 'uo.id', 'u.org_unit_id')
    .leftJoin('teacher as t', 't.id', 'p.teacher_id')
    .leftJoin('org_unit as tou', 'tou.id', 't.org_unit_id')
    .select([
      'p.id',
      'p.province_id as provinceId',
      'p.org_unit_id as orgUnitId',
      'o.name as orgUnitName',
      'p.org_path as orgPath',
      'p.kind',
      'p.name',
      'p.title',
      'p.employer',
      'p.level',
      'p.subjects',
      'p.stages',
      'p.specialties',
      'p.active',
      'p.user_id as userId',
      'p.teacher_id as teacherId',
      'p.created_at as createdAt',
      'p.updated_at as updatedAt',
      'u.username as userUsername',
      'u.display_name as userDisplayName',
      'uo.name as userOrgUnitName',
      't.name as teacherName',
      'tou.name as teacherOrgUnitName',
      't.org_path as teacherOrgPath',
    ]);
}

type Raw = Awaited<ReturnType<ReturnType<typeof selectTrainers>['executeTakeFirstOrThrow']>>;

const toRow = (r: Raw): TrainerRow => ({
  id: r.id,
  provinceId: r.provinceId,
  orgUnitId: r.orgUnitId,
  orgUnitName: r.orgUnitName,
  orgPath: r.orgPath,
  kind: r.kind as TrainerKind,
  name: r.name,
  title: r.title,
  employer: r.employer,
  level: r.level as TrainerLevel,
  subjects: r.subjects,
  stages: r.stages,
  specialties: r.specialties,
  active: r.active,
  userId: r.userId,
  teacherId: r.teacherId,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  user:
    r.userId !== null
      ? {
          id: r.userId,
          username: r.userUsername ?? '',
          displayName: r.userDisplayName ?? '',
          orgUnitName: r.userOrgUnitName ?? '',
        }
      : null,
  teacher:
    r.teacherId !== null
      ? {
          id: r.teacherId,
          name: r.teacherName ?? '',
          orgUnitName: r.teacherOrgUnitName ?? '',
          orgPath: r.teacherOrgPath ?? '',
        }
      : null,
});

const columns = (f: TrainerFields) => ({
  kind: f.kind,
  name: f.name,
  title: f.title,
  employer: f.employer,
  level: f.level,
  subjects: f.subjects,
  stages: f.stages,
  specialties: f.specialties,
  active: f.active,
  user_id: f.userId,
  teacher_id: f.teacherId,
});

const ENTRY = [
  'e.id',
  'e.trainer_id as trainerId',
  'e.title',
  'e.organiser',
  'e.starts_on as startsOn',
  'e.ends_on as endsOn',
  'e.hours',
  'e.notes',
  'e.created_at as createdAt',
] as const;

/** The trainer and expert pool: all SQL of `trainer_profile` and `trainer_training`. */
export function createTrainerRepository(db: Q) {
  function filtered(f: TrainerFilter) {
    const prefixes = pathPrefixes(f.unitPath);
    let q = selectTrainers(db).where('p.province_id', '=', f.provinceId);
    const above = prefixes.slice(0, -1);
    if (f.origin === 'above') q = q.where('p.org_path', 'in', above.length ? above : ['-']);
    else if (f.origin === 'own') q = q.where('p.org_path', '=', f.unitPath);
    else if (f.origin === 'below') q = q.where('p.org_path', 'like', `${escapeLike(f.unitPath)}_%`);
    else
      q = q.where((eb) =>
        eb.or([eb('p.org_path', 'in', prefixes), eb('p.org_path', 'like', `${escapeLike(f.unitPath)}%`)]),
      );
    if (f.status !== 'all') q = q.where('p.active', '=', f.status === 'active');
    if (f.kind) q = q.where('p.kind', '=', f.kind);
    if (f.level) q = q.where('p.level', '=', f.level);
    if (f.subject) q = q.where(sql<boolean>`${f.subject} = ANY(p.subjects)`);
    if (f.stage) q = q.where(sql<boolean>`${f.stage} = ANY(p.stages)`);
    if (f.account === 'linked') q = q.where('p.user_id', 'is not', null);
    else if (f.account === 'none') q = q.where('p.user_id', 'is', null);
    if (f.q) {
      const pattern = `%${escapeLike(f.q)}%`;
      q = q.where((eb) =>
        eb.or([eb('p.name', 'like', pattern), eb('p.employer', 'like', pattern), eb('p.specialties', 'like', pattern)]),
      );
    }
    return q;
  }

  return {
    async find(id: number): Promise<TrainerRow | undefined> {
      const r = await selectTrainers(db).where('p.id', '=', id).executeTakeFirst();
      return r ? toRow(r) : undefined;
    },

    async findByUser(userId: number): Promise<TrainerRow | undefined> {
      const r = await selectTrainers(db).where('p.user_id', '=', userId).executeTakeFirst();
      return r ? toRow(r) : undefined;
    },

    /** One page of a unit's view: the units above first, then by name. */
    async list(
      f: TrainerFilter,
      page: { limit: number; offset: number },
    ): Promise<{ items: TrainerRow[]; total: number }> {
      const [rows, count] = await Promise.all([
        filtered(f)
          .orderBy(sql`length(p.org_path)`)
          .orderBy('p.name')
          .orderBy('p.id')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        filtered(f).clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRow), total: count.n };
    },

    /** Every entry of a view, in pages of `batch`, for exports. */
    async *iterate(f: TrainerFilter, batch = 1_000): AsyncGenerator<TrainerRow[]> {
      let lastId = 0;
      for (;;) {
        const rows = await filtered(f).where('p.id', '>', lastId).orderBy('p.id').limit(batch).execute();
        if (rows.length === 0) return;
        yield rows.map(toRow);
        lastId = rows[rows.length - 1]!.id;
      }
    },

    async insert(
      f: TrainerFields & { provinceId: number; orgUnitId: number; orgPath: string; createdBy: number },
    ): Promise<number> {
      const r = await db
        .insertInto('trainer_profile')
        .values({
          ...columns(f),
          province_id: f.provinceId,
          org_unit_id: f.orgUnitId,
          org_path: f.orgPath,
          created_by: f.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async update(id: number, f: TrainerFields): Promise<void> {
      await db
        .updateTable('trainer_profile')
        .set({ ...columns(f), updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** The account, when it is an enabled or disabled trainer account: its unit path and province. */
    async account(
      userId: number,
    ): Promise<{ id: number; role: string; orgPath: string; provinceId: number } | undefined> {
      return db
        .selectFrom('app_user')
        .select(['id', 'role', 'org_path as orgPath', 'province_id as provinceId'])
        .where('id', '=', userId)
        .executeTakeFirst();
    },

    async teacher(teacherId: number): Promise<{ id: number; orgPath: string; provinceId: number } | undefined> {
      return db
        .selectFrom('teacher')
        .select(['id', 'org_path as orgPath', 'province_id as provinceId'])
        .where('id', '=', teacherId)
        .executeTakeFirst();
    },

    /** Trainer accounts of a subtree, by name, with the pool entry each is linked to (if any). */
    async accounts(
      path: string,
      q: string | undefined,
      limit: number,
    ): Promise<
      Array<{ userId: number; username: string; displayName: string; orgUnitName: string; trainerId: number | null }>
    > {
      let s = db
        .selectFrom('app_user as u')
        .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
        .leftJoin('trainer_profile as p', 'p.user_id', 'u.id')
        .where('u.role', '=', 'trainer')
        .where('u.org_path', 'like', `${escapeLike(path)}%`);
      if (q)
        s = s.where((eb) =>
          eb.or([eb('u.display_name', 'like', `%${escapeLike(q)}%`), eb('u.username', 'like', `%${escapeLike(q)}%`)]),
        );
      return s
        .select([
          'u.id as userId',
          'u.username',
          'u.display_name as displayName',
          'o.name as orgUnitName',
          'p.id as trainerId',
        ])
        .orderBy('u.display_name')
        .orderBy('u.id')
        .limit(limit)
        .execute();
    },

    /** Units of a subtree with one of these names (a sheet's 所属单位). */
    async unitsNamed(
      path: string,
      names: string[],
    ): Promise<Array<{ id: number; name: string; path: string; provinceId: number }>> {
      if (!names.length) return [];
      return db
        .selectFrom('org_unit')
        .select(['id', 'name', 'path', 'province_id as provinceId'])
        .where('path', 'like', `${escapeLike(path)}%`)
        .where('name', 'in', names)
        .orderBy('id')
        .limit(5_000)
        .execute();
    },

    /** Entries of some units with some names (a sheet's matches). */
    async findByUnitNames(unitIds: number[], names: string[]): Promise<TrainerRow[]> {
      if (!unitIds.length || !names.length) return [];
      return (
        await selectTrainers(db)
          .where('p.org_unit_id', 'in', unitIds)
          .where('p.name', 'in', names)
          .orderBy('p.id')
          .execute()
      ).map(toRow);
    },

    /** Accounts by username, with the entry each is linked to. */
    async accountsNamed(usernames: string[]): Promise<
      Array<{
        id: number;
        username: string;
        role: string;
        orgPath: string;
        provinceId: number;
        trainerId: number | null;
        trainerName: string | null;
        trainerUnitId: number | null;
      }>
    > {
      if (!usernames.length) return [];
      return db
        .selectFrom('app_user as u')
        .leftJoin('trainer_profile as p', 'p.user_id', 'u.id')
        .select([
          'u.id',
          'u.username',
          'u.role',
          'u.org_path as orgPath',
          'u.province_id as provinceId',
          'p.id as trainerId',
          'p.name as trainerName',
          'p.org_unit_id as trainerUnitId',
        ])
        .where('u.username', 'in', usernames)
        .execute();
    },

    // ---------------------------------------------------------------- classes

    /**
     * The classes an account teaches, of projects on a reader's line of the tree: run in the
     * subtree of `scopePath` (any status), or by a unit above it once no longer a draft.
     * `scopePath` null: every class (the trainer themselves).
     */
    async classes(userId: number, provinceId: number, scopePath: string | null): Promise<TrainerClassRow[]> {
      let q = db
        .selectFrom('training_class_trainer as ct')
        .innerJoin('training_class as c', 'c.id', 'ct.class_id')
        .innerJoin('training_project as pr', 'pr.id', 'c.project_id')
        .innerJoin('org_unit as o', 'o.id', 'pr.org_unit_id')
        .where('ct.user_id', '=', userId)
        .where('pr.province_id', '=', provinceId);
      if (scopePath !== null) {
        const above = pathPrefixes(scopePath).slice(0, -1);
        q = q.where((eb) =>
          eb.or([
            eb('pr.org_path', 'like', `${escapeLike(scopePath)}%`),
            ...(above.length ? [eb.and([eb('pr.org_path', 'in', above), eb('pr.status', '!=', 'draft')])] : []),
          ]),
        );
      }
      const rows = await q
        .select([
          'c.id as classId',
          'c.name as className',
          'c.status as classStatus',
          'c.enrolled',
          'c.capacity',
          'c.course_id as courseId',
          'pr.id as projectId',
          'pr.title as projectTitle',
          'pr.status as projectStatus',
          'pr.year as projectYear',
          'o.name as orgUnitName',
          'c.course_id as courseId',
          sql<number>`(SELECT count(*)::int FROM training_session s WHERE s.class_id = c.id)`.as('sessionCount'),
          sql<Date | null>`(SELECT min(s.starts_at) FROM training_session s WHERE s.class_id = c.id)`.as(
            'firstSession',
          ),
          sql<Date | null>`(SELECT max(s.ends_at) FROM training_session s WHERE s.class_id = c.id)`.as('lastSession'),
        ])
        .orderBy('pr.year', 'desc')
        .orderBy('c.id', 'desc')
        .limit(500)
        .execute();
      return rows as TrainerClassRow[];
    },

    // ---------------------------------------------------------------- own training record

    async entries(trainerId: number): Promise<TrainingEntryRow[]> {
      return db
        .selectFrom('trainer_training as e')
        .select(ENTRY)
        .where('e.trainer_id', '=', trainerId)
        .orderBy('e.starts_on', 'desc')
        .orderBy('e.id', 'desc')
        .limit(1_000)
        .execute();
    },

    async entry(id: number): Promise<TrainingEntryRow | undefined> {
      return db.selectFrom('trainer_training as e').select(ENTRY).where('e.id', '=', id).executeTakeFirst();
    },

    /** Hours per calendar year of the start day, oldest year first. */
    async yearTotals(trainerId: number): Promise<Array<{ year: number; hours: number; count: number }>> {
      return db
        .selectFrom('trainer_training')
        .where('trainer_id', '=', trainerId)
        .select([
          sql<number>`extract(year from starts_on)::int`.as('year'),
          sql<number>`sum(hours)::int`.as('hours'),
          sql<number>`count(*)::int`.as('count'),
        ])
        .groupBy(sql`extract(year from starts_on)`)
        .orderBy(sql`extract(year from starts_on)`)
        .execute();
    },

    async insertEntry(trainerId: number, f: TrainingEntryFields, createdBy: number): Promise<number> {
      const r = await db
        .insertInto('trainer_training')
        .values({
          trainer_id: trainerId,
          title: f.title,
          organiser: f.organiser,
          starts_on: f.startsOn,
          ends_on: f.endsOn,
          hours: f.hours,
          notes: f.notes,
          created_by: createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async deleteEntry(id: number): Promise<void> {
      await db.deleteFrom('trainer_training').where('id', '=', id).execute();
    },

    // ---------------------------------------------------------------- the linked teacher

    async teacherEnrolments(teacherId: number): Promise<TeacherEnrolmentRow[]> {
      return db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .innerJoin('training_project as pr', 'pr.id', 'c.project_id')
        .where('e.teacher_id', '=', teacherId)
        .select([
          'e.id as enrolmentId',
          'e.status',
          'e.outcome',
          'c.id as classId',
          'c.name as className',
          'pr.id as projectId',
          'pr.title as projectTitle',
          'pr.year as projectYear',
          'pr.hours',
        ])
        .orderBy('pr.year', 'desc')
        .orderBy('e.id', 'desc')
        .limit(500)
        .execute();
    },

    /** The teacher's standing in the cycle that covers `year`, as the ledger's summary holds it. */
    async ledgerStanding(
      teacherId: number,
      year: number,
    ): Promise<{ cycleName: string; countedHours: number; status: string } | undefined> {
      return db
        .selectFrom('credit_teacher_status as s')
        .innerJoin('credit_cycle as c', 'c.id', 's.cycle_id')
        .where('s.teacher_id', '=', teacherId)
        .where('c.start_year', '<=', year)
        .where('c.end_year', '>=', year)
        .select(['c.name as cycleName', 's.counted_hours as countedHours', 's.status'])
        .executeTakeFirst();
    },
  };
}

export type TrainerRepository = ReturnType<typeof createTrainerRepository>;
