import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Stage } from '../domain/org-tree.js';
import type { BackboneLevel, Employment, Gender, IdType } from '../domain/teacher.js';
import type { ProjectLevel } from '../domain/enrolment.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** A teacher as lists and forms show it: identifiers masked, never decrypted here. */
export interface TeacherRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  name: string;
  idType: IdType;
  idNumberMasked: string;
  gender: Gender | null;
  birthDate: string | null;
  phoneMasked: string | null;
  stage: Stage;
  subject: string | null;
  title: string | null;
  teachingStartYear: number | null;
  employment: Employment;
  headTeacher: boolean;
  backboneLevel: BackboneLevel | null;
  subjectLeader: boolean;
  masterTeacher: boolean;
  newTeacher: boolean;
  userId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The stored columns of a teacher, identifiers already encrypted and hashed. */
export interface TeacherColumns {
  name: string;
  id_type: IdType;
  id_number_enc: Buffer;
  id_number_hash: Buffer;
  id_number_masked: string;
  gender: Gender | null;
  birth_date: string | null;
  phone_enc: Buffer | null;
  phone_hash: Buffer | null;
  phone_masked: string | null;
  stage: Stage;
  subject: string | null;
  title: string | null;
  teaching_start_year: number | null;
  employment: Employment;
  head_teacher: boolean;
  backbone_level: BackboneLevel | null;
  subject_leader: boolean;
  master_teacher: boolean;
  new_teacher: boolean;
}

export interface TeacherFilter {
  /** path prefix: the unit whose teachers are listed (with all units below it) */
  scopePath: string;
  /** the province of that unit: lets the name index serve a province-wide search */
  provinceId: number;
  /** only this unit's own teachers, not those of units below */
  orgUnitId?: number;
  q?: { name?: string; idHash?: Buffer; phoneHash?: Buffer };
  stage?: Stage;
  subject?: string;
  employment?: Employment;
  flag?: 'headTeacher' | 'subjectLeader' | 'masterTeacher' | 'newTeacher' | 'backbone';
  backboneLevel?: BackboneLevel;
  hasAccount?: boolean;
}

const COLUMNS = [
  't.id',
  't.province_id as provinceId',
  't.org_unit_id as orgUnitId',
  't.org_path as orgPath',
  'o.name as orgUnitName',
  't.name',
  't.id_type as idType',
  't.id_number_masked as idNumberMasked',
  't.gender',
  't.birth_date as birthDate',
  't.phone_masked as phoneMasked',
  't.stage',
  't.subject',
  't.title',
  't.teaching_start_year as teachingStartYear',
  't.employment',
  't.head_teacher as headTeacher',
  't.backbone_level as backboneLevel',
  't.subject_leader as subjectLeader',
  't.master_teacher as masterTeacher',
  't.new_teacher as newTeacher',
  't.user_id as userId',
  't.created_at as createdAt',
  't.updated_at as updatedAt',
] as const;

/** One class of a teacher's training record. */
export interface TrainingRecordRow {
  enrolmentId: number;
  projectId: number;
  projectTitle: string;
  level: ProjectLevel;
  year: number;
  /** what completing posts to the ledger, in tenths of an hour */
  hours: number;
  organiserName: string;
  classId: number;
  className: string;
  classStatus: 'open' | 'closed';
  status: 'enrolled' | 'waitlisted' | 'withdrawn';
  source: 'self' | 'nominated' | 'bulk';
  outcome: 'completed' | 'not_completed' | null;
  outcomeReason: string | null;
  assessmentPassed: boolean | null;
  enrolledAt: Date;
  sessionsHeld: number;
  sessionsAttended: number;
}

export function selectTeachers(db: Q) {
  return db.selectFrom('teacher as t').innerJoin('org_unit as o', 'o.id', 't.org_unit_id').select(COLUMNS);
}

const asRow = (r: unknown) => r as TeacherRow;

/** The stored columns a re-import or an edit compares with. */
const STORED = [
  'id',
  'org_unit_id',
  'org_path',
  'updated_at',
  'name',
  'id_type',
  'id_number_enc',
  'id_number_hash',
  'id_number_masked',
  'gender',
  'birth_date',
  'phone_enc',
  'phone_hash',
  'phone_masked',
  'stage',
  'subject',
  'title',
  'teaching_start_year',
  'employment',
  'head_teacher',
  'backbone_level',
  'subject_leader',
  'master_teacher',
  'new_teacher',
] as const;
export type StoredTeacher = TeacherColumns & { id: number; org_unit_id: number; org_path: string; updated_at: Date };

export function createTeacherRepository(db: Q) {
  function filtered(f: TeacherFilter) {
    let q = selectTeachers(db)
      .where('t.province_id', '=', f.provinceId)
      .where('t.org_path', 'like', `${escapeLike(f.scopePath)}%`);
    if (f.orgUnitId !== undefined) q = q.where('t.org_unit_id', '=', f.orgUnitId);
    if (f.q?.idHash) q = q.where('t.id_number_hash', '=', f.q.idHash);
    else if (f.q?.phoneHash) q = q.where('t.phone_hash', '=', f.q.phoneHash);
    else if (f.q?.name) q = q.where('t.name', 'like', `${escapeLike(f.q.name)}%`);
    if (f.stage) q = q.where('t.stage', '=', f.stage);
    if (f.subject) q = q.where('t.subject', '=', f.subject);
    if (f.employment) q = q.where('t.employment', '=', f.employment);
    if (f.backboneLevel) q = q.where('t.backbone_level', '=', f.backboneLevel);
    if (f.hasAccount !== undefined) q = q.where('t.user_id', f.hasAccount ? 'is not' : 'is', null);
    switch (f.flag) {
      case 'headTeacher':
        q = q.where('t.head_teacher', '=', true);
        break;
      case 'subjectLeader':
        q = q.where('t.subject_leader', '=', true);
        break;
      case 'masterTeacher':
        q = q.where('t.master_teacher', '=', true);
        break;
      case 'newTeacher':
        q = q.where('t.new_teacher', '=', true);
        break;
      case 'backbone':
        q = q.where('t.backbone_level', 'is not', null);
        break;
      case undefined:
        break;
    }
    return q;
  }

  return {
    /**
     * One page in name order and the number of matches, counted up to `countCap` (a county's
     * worth): past it the total is a lower bound. Names sort by code point (`~<~`), the order of
     * teacher_name_idx, so a province-wide name search reads only the page from the index
     * instead of every teacher whose name starts the same way.
     */
    async list(
      f: TeacherFilter,
      page: { limit: number; offset: number },
      countCap = 10_000,
    ): Promise<{ items: TeacherRow[]; total: number; totalCapped: boolean }> {
      const [rows, counted] = await Promise.all([
        filtered(f).orderBy(sql`t.name USING ~<~`).orderBy('t.id').limit(page.limit).offset(page.offset).execute(),
        sql<{ n: number }>`SELECT count(*)::int AS n FROM (${filtered(f)
          .clearSelect()
          .select(sql`1`.as('one'))
          .limit(countCap + 1)}) AS capped`.execute(db),
      ]);
      const n = counted.rows[0]!.n;
      return { items: rows.map(asRow), total: Math.min(n, countCap), totalCapped: n > countCap };
    },

    /** Every match in name order, in chunks, for exports of any size. */
    async *stream(
      f: TeacherFilter,
      chunk = 2_000,
    ): AsyncGenerator<Array<TeacherRow & { idNumberEnc: Buffer; phoneEnc: Buffer | null }>> {
      let after: { name: string; id: number } | null = null;
      for (;;) {
        let q = filtered(f).select(['t.id_number_enc as idNumberEnc', 't.phone_enc as phoneEnc']);
        if (after) {
          const a: { name: string; id: number } = after;
          q = q.where(sql<boolean>`(t.name ~>~ ${a.name} OR (t.name = ${a.name} AND t.id > ${a.id}))`);
        }
        const rows = await q.orderBy(sql`t.name USING ~<~`).orderBy('t.id').limit(chunk).execute();
        if (rows.length === 0) return;
        yield rows as Array<TeacherRow & { idNumberEnc: Buffer; phoneEnc: Buffer | null }>;
        const last = rows[rows.length - 1]!;
        after = { name: last.name, id: last.id };
        if (rows.length < chunk) return;
      }
    },

    /** Teachers under a unit who have no account yet (optionally only the named ones), by school and name. */
    /**
     * Activation slips come in batches of the subtree's teachers in print order (school, name, id):
     * how many teachers there are and how many of them have no account.
     */
    async activationCounts(scope: {
      provinceId: number;
      path: string;
    }): Promise<{ teachers: number; withoutAccount: number }> {
      return db
        .selectFrom('teacher as t')
        .select(sql<number>`count(*)::int`.as('teachers'))
        .select(sql<number>`(count(*) FILTER (WHERE t.user_id IS NULL))::int`.as('withoutAccount'))
        .where('t.province_id', '=', scope.provinceId)
        .where('t.org_path', 'like', `${escapeLike(scope.path)}%`)
        .executeTakeFirstOrThrow();
    },

    /**
     * The teachers without an account among the subtree's teachers `offset`+1 … `offset`+`limit` in
     * print order. Counting every teacher (not only those without an account) keeps the batches
     * where they were while teachers activate between two prints.
     */
    async activationBatch(
      scope: { provinceId: number; path: string },
      offset: number,
      limit: number,
    ): Promise<Array<{ id: number; name: string; idNumberMasked: string; orgUnitName: string }>> {
      const batch = db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select(['t.id', 't.name', 't.id_number_masked as idNumberMasked', 'o.name as orgUnitName'])
        .select('t.user_id as userId')
        .select(sql<number>`row_number() OVER (ORDER BY o.name, t.name USING ~<~, t.id)`.as('n'))
        .where('t.province_id', '=', scope.provinceId)
        .where('t.org_path', 'like', `${escapeLike(scope.path)}%`)
        .orderBy('o.name')
        .orderBy(sql`t.name USING ~<~`)
        .orderBy('t.id')
        .limit(limit)
        .offset(offset);
      return db
        .selectFrom(batch.as('b'))
        .select(['b.id', 'b.name', 'b.idNumberMasked', 'b.orgUnitName'])
        .where('b.userId', 'is', null)
        .orderBy('b.n')
        .execute();
    },

    /** Sets many activation codes (their hashes) in one statement. */
    async setActivations(rows: Array<{ id: number; hash: Buffer }>, expires: Date): Promise<void> {
      if (!rows.length) return;
      await sql`UPDATE teacher t SET activation_hash = v.h, activation_expires = ${expires}
        FROM unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.hash)}::bytea[]) AS v(id, h)
        WHERE t.id = v.id`.execute(db);
    },

    async withoutAccount(
      scope: { provinceId: number; path: string },
      teacherIds: number[] | undefined,
      limit: number,
    ): Promise<Array<{ id: number; name: string; idNumberMasked: string; orgUnitName: string }>> {
      let q = db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select(['t.id', 't.name', 't.id_number_masked as idNumberMasked', 'o.name as orgUnitName'])
        .where('t.province_id', '=', scope.provinceId)
        .where('t.org_path', 'like', `${escapeLike(scope.path)}%`)
        .where('t.user_id', 'is', null);
      if (teacherIds?.length) q = q.where('t.id', 'in', teacherIds);
      return q.orderBy('o.name').orderBy(sql`t.name USING ~<~`).limit(limit).execute();
    },

    async findById(id: number): Promise<TeacherRow | undefined> {
      const r = await selectTeachers(db).where('t.id', '=', id).executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    async findByUserId(userId: number): Promise<TeacherRow | undefined> {
      const r = await selectTeachers(db).where('t.user_id', '=', userId).executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    async findByIdHash(
      hash: Buffer,
    ): Promise<(TeacherRow & { activationHash: Buffer | null; activationExpires: Date | null }) | undefined> {
      const r = await selectTeachers(db)
        .select(['t.activation_hash as activationHash', 't.activation_expires as activationExpires'])
        .where('t.id_number_hash', '=', hash)
        .executeTakeFirst();
      return r as (TeacherRow & { activationHash: Buffer | null; activationExpires: Date | null }) | undefined;
    },

    /** The encrypted identifiers of one teacher (for unmasking). */
    async secrets(id: number): Promise<{ idNumberEnc: Buffer; phoneEnc: Buffer | null } | undefined> {
      return db
        .selectFrom('teacher')
        .select(['id_number_enc as idNumberEnc', 'phone_enc as phoneEnc'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** Existing teachers by ID-number hash, with what a re-import compares. */
    async findByIdHashes(hashes: Buffer[]): Promise<StoredTeacher[]> {
      if (hashes.length === 0) return [];
      const rows = await db
        .selectFrom('teacher')
        .select(STORED)
        .where('id_number_hash', '=', sql<Buffer>`ANY(${hashes}::bytea[])`)
        .execute();
      return rows as StoredTeacher[];
    },

    /** One teacher's stored columns (identifiers still encrypted). */
    async stored(id: number): Promise<StoredTeacher | undefined> {
      return (await db.selectFrom('teacher').select(STORED).where('id', '=', id).executeTakeFirst()) as
        | StoredTeacher
        | undefined;
    },

    async insert(
      t: TeacherColumns & { orgUnitId: number; orgPath: string; provinceId: number; importId?: number | null },
    ): Promise<number> {
      const { orgUnitId, orgPath, provinceId, importId, ...cols } = t;
      const r = await db
        .insertInto('teacher')
        .values({
          ...cols,
          org_unit_id: orgUnitId,
          org_path: orgPath,
          province_id: provinceId,
          import_id: importId ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /**
     * Many teachers at once, each with an open posting from `startedOn` (bulk data such as the demo
     * county); returns id, school and name of each.
     */
    async insertMany(
      rows: Array<TeacherColumns & { orgUnitId: number; orgPath: string; provinceId: number; isDemo?: boolean }>,
      startedOn: string,
    ): Promise<Array<{ id: number; orgUnitId: number; name: string }>> {
      if (rows.length === 0) return [];
      const created = await db
        .insertInto('teacher')
        .values(
          rows.map(({ orgUnitId, orgPath, provinceId, isDemo, ...cols }) => ({
            ...cols,
            org_unit_id: orgUnitId,
            org_path: orgPath,
            province_id: provinceId,
            is_demo: isDemo ?? false,
          })),
        )
        .returning(['id', 'org_unit_id', 'org_path', 'province_id', 'name'])
        .execute();
      await db
        .insertInto('teacher_posting')
        .values(
          created.map((t) => ({
            teacher_id: t.id,
            province_id: t.province_id,
            org_unit_id: t.org_unit_id,
            org_path: t.org_path,
            started_on: startedOn,
            reason: null,
            created_by: null,
          })),
        )
        .execute();
      return created.map((t) => ({ id: t.id, orgUnitId: t.org_unit_id, name: t.name }));
    },

    async update(id: number, cols: Partial<TeacherColumns>): Promise<void> {
      await db
        .updateTable('teacher')
        .set({ ...cols, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async moveTo(id: number, unit: { id: number; path: string }): Promise<void> {
      await db
        .updateTable('teacher')
        .set({ org_unit_id: unit.id, org_path: unit.path, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async setActivation(id: number, hash: Buffer | null, expires: Date | null): Promise<void> {
      await db
        .updateTable('teacher')
        .set({ activation_hash: hash, activation_expires: expires })
        .where('id', '=', id)
        .execute();
    },

    async linkUser(id: number, userId: number): Promise<void> {
      await db
        .updateTable('teacher')
        .set({ user_id: userId, activation_hash: null, activation_expires: null, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    // ------------------------------------------------------------------ postings

    async openPosting(p: {
      teacherId: number;
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      startedOn: string;
      reason: string | null;
      createdBy: number | null;
    }): Promise<void> {
      await db
        .insertInto('teacher_posting')
        .values({
          teacher_id: p.teacherId,
          province_id: p.provinceId,
          org_unit_id: p.orgUnitId,
          org_path: p.orgPath,
          started_on: p.startedOn,
          reason: p.reason,
          created_by: p.createdBy,
        })
        .execute();
    },

    /** Ends the open posting on `endedOn` (never before it began). */
    async closePosting(teacherId: number, endedOn: string): Promise<void> {
      await db
        .updateTable('teacher_posting')
        .set({ ended_on: sql`greatest(started_on, ${endedOn}::date)` })
        .where('teacher_id', '=', teacherId)
        .where('ended_on', 'is', null)
        .execute();
    },

    async postings(teacherId: number): Promise<
      Array<{
        orgUnitId: number;
        orgUnitName: string;
        orgPath: string;
        startedOn: string;
        endedOn: string | null;
        reason: string | null;
      }>
    > {
      return db
        .selectFrom('teacher_posting as p')
        .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
        .select([
          'p.org_unit_id as orgUnitId',
          'o.name as orgUnitName',
          'p.org_path as orgPath',
          'p.started_on as startedOn',
          'p.ended_on as endedOn',
          'p.reason',
        ])
        .where('p.teacher_id', '=', teacherId)
        .orderBy('p.started_on')
        .orderBy('p.id')
        .execute();
    },

    /** The periods a teacher spent in units under `scopePath` (a former school's read access). */
    /**
     * The teacher's training record (R-52): every class they enrolled in, newest project first, with
     * the outcome and the sessions attended of those held; `scopePath` keeps only the places taken
     * under a unit (what a former school may see).
     */
    async training(teacherId: number, scopePath?: string): Promise<TrainingRecordRow[]> {
      let q = db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
        .where('e.teacher_id', '=', teacherId)
        .select([
          'e.id as enrolmentId',
          'p.id as projectId',
          'p.title as projectTitle',
          'p.level',
          'p.year',
          'p.hours',
          'o.name as organiserName',
          'c.id as classId',
          'c.name as className',
          'c.status as classStatus',
          'e.status',
          'e.source',
          'e.outcome',
          'e.outcome_reason as outcomeReason',
          'e.assessment_passed as assessmentPassed',
          'e.created_at as enrolledAt',
          sql<number>`(SELECT count(*)::int FROM training_session s WHERE s.class_id = c.id AND s.starts_at <= now())`.as(
            'sessionsHeld',
          ),
          sql<number>`(SELECT count(*)::int FROM attendance a JOIN training_session s ON s.id = a.session_id
            WHERE s.class_id = c.id AND a.teacher_id = e.teacher_id AND a.present)`.as('sessionsAttended'),
        ]);
      if (scopePath) q = q.where('e.org_path', 'like', `${escapeLike(scopePath)}%`);
      return (await q
        .orderBy('p.year', 'desc')
        .orderBy('e.created_at', 'desc')
        .limit(500)
        .execute()) as TrainingRecordRow[];
    },

    async postingsWithin(
      teacherId: number,
      scopePath: string,
    ): Promise<Array<{ startedOn: string; endedOn: string | null }>> {
      return db
        .selectFrom('teacher_posting')
        .select(['started_on as startedOn', 'ended_on as endedOn'])
        .where('teacher_id', '=', teacherId)
        .where('org_path', 'like', `${escapeLike(scopePath)}%`)
        .execute();
    },

    /** Teachers who were once posted under `scopePath` and are now elsewhere: one row each, with their last posting there. */
    async formerList(
      scopePath: string,
      page: { limit: number; offset: number },
    ): Promise<{
      items: Array<{
        id: number;
        name: string;
        idNumberMasked: string;
        lastUnitName: string;
        startedOn: string;
        endedOn: string;
      }>;
      total: number;
    }> {
      const like = `${escapeLike(scopePath)}%`;
      const last = db
        .selectFrom('teacher_posting as p')
        .innerJoin('teacher as t', 't.id', 'p.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
        .distinctOn('t.id')
        .select([
          't.id',
          't.name',
          't.id_number_masked as idNumberMasked',
          'o.name as lastUnitName',
          'p.started_on as startedOn',
          'p.ended_on as endedOn',
        ])
        .where('p.org_path', 'like', like)
        .where('p.ended_on', 'is not', null)
        .where('t.org_path', 'not like', like)
        .orderBy('t.id')
        .orderBy('p.ended_on', 'desc')
        .orderBy('p.id', 'desc');
      const rows = await db
        .selectFrom(last.as('x'))
        .selectAll()
        .select(sql<number>`(count(*) OVER ())::int`.as('fullCount'))
        .orderBy('x.endedOn', 'desc')
        .orderBy('x.id')
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return {
        items: rows.map(({ fullCount: _, ...r }) => ({ ...r, endedOn: r.endedOn! })),
        total: rows[0]?.fullCount ?? 0,
      };
    },
  };
}

export type TeacherRepository = ReturnType<typeof createTeacherRepository>;
