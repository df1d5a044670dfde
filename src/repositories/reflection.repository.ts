import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { TextRange } from '../domain/originality.js';

type Q = Kysely<DB>;

/** An online class as reflections see it: its course and study window, its project and organiser. */
export interface ReflectionClassRow {
  id: number;
  name: string;
  status: 'open' | 'closed';
  provinceId: number;
  courseId: number | null;
  courseTitle: string | null;
  studyOpensOn: string | null;
  studyClosesOn: string | null;
  projectId: number;
  projectTitle: string;
  projectStatus: 'draft' | 'open' | 'closed';
  /** the organiser's path: admins of its subtree run the class */
  projectPath: string;
  /** the course's stored completion rule (course_online.completion_rule), null without a row */
  completionRule: unknown;
}

export type ReflectionStatus = 'submitted' | 'withdrawn';
export type MatchedKind = 'reflection' | 'prompt';

export interface ReflectionRow {
  id: number;
  classId: number;
  courseId: number;
  teacherId: number;
  orgPath: string;
  title: string;
  body: string;
  chars: number;
  similarity: number;
  counts: boolean;
  matchedRanges: TextRange[];
  matchedKind: MatchedKind | null;
  matchedReflectionId: number | null;
  signature: Buffer;
  status: ReflectionStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** A reflection of a class as its tutors list it: with its author. */
export interface ClassReflectionRow extends Omit<ReflectionRow, 'signature' | 'body' | 'matchedRanges'> {
  teacherName: string;
  schoolName: string;
  /** the class of the text it was most similar to, when that is a reflection */
  matchedClassId: number | null;
}

export interface ReflectionValues {
  provinceId: number;
  classId: number;
  courseId: number;
  teacherId: number;
  orgPath: string;
  title: string;
  body: string;
  chars: number;
  similarity: number;
  counts: boolean;
  matchedRanges: TextRange[];
  matchedKind: MatchedKind | null;
  matchedReflectionId: number | null;
  signature: Buffer;
}

/** The namespace of the advisory locks taken on band keys (the two-integer form: apart from every bigint lock). */
const BAND_LOCK_SPACE = 0x5265_666c; // 'Refl'

const reflectionColumns = [
  'r.id',
  'r.class_id as classId',
  'r.course_id as courseId',
  'r.teacher_id as teacherId',
  'r.org_path as orgPath',
  'r.title',
  'r.body',
  'r.chars',
  'r.similarity',
  'r.counts',
  'r.matched_ranges as matchedRanges',
  'r.matched_kind as matchedKind',
  'r.matched_reflection_id as matchedReflectionId',
  'r.signature',
  'r.status',
  'r.created_at as createdAt',
  'r.updated_at as updatedAt',
] as const;

/** What counts, in SQL: long enough and original enough under the rule in force. */
const countedWhere = (minChars: number, threshold: number) =>
  sql<boolean>`r.status = 'submitted' AND r.chars >= ${minChars} AND r.similarity < ${threshold}`;

/** Reflections, their LSH band index and the course's prompts (domain/originality.ts). */
export function createReflectionRepository(db: Q) {
  return {
    async class(classId: number): Promise<ReflectionClassRow | undefined> {
      return (await db
        .selectFrom('training_class as c')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .leftJoin('course as co', 'co.id', 'c.course_id')
        .leftJoin('course_online as o', 'o.course_id', 'c.course_id')
        .select([
          'c.id',
          'c.name',
          'c.status',
          'c.province_id as provinceId',
          'c.course_id as courseId',
          'co.title as courseTitle',
          'c.study_opens_on as studyOpensOn',
          'c.study_closes_on as studyClosesOn',
          'p.id as projectId',
          'p.title as projectTitle',
          'p.status as projectStatus',
          'p.org_path as projectPath',
          'o.completion_rule as completionRule',
        ])
        .where('c.id', '=', classId)
        .executeTakeFirst()) as ReflectionClassRow | undefined;
    },

    async completionRuleOfCourse(courseId: number): Promise<unknown> {
      const r = await db
        .selectFrom('course_online')
        .select('completion_rule')
        .where('course_id', '=', courseId)
        .executeTakeFirst();
      return r?.completion_rule ?? null;
    },

    async teacherOfUser(userId: number): Promise<{ id: number; orgPath: string; provinceId: number } | undefined> {
      return db
        .selectFrom('teacher')
        .select(['id', 'org_path as orgPath', 'province_id as provinceId'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    /** The online classes a teacher holds a place in (of published projects), newest first. */
    async onlineClassesOfTeacher(teacherId: number): Promise<ReflectionClassRow[]> {
      return (await db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .innerJoin('course as co', 'co.id', 'c.course_id')
        .leftJoin('course_online as o', 'o.course_id', 'c.course_id')
        .select([
          'c.id',
          'c.name',
          'c.status',
          'c.province_id as provinceId',
          'c.course_id as courseId',
          'co.title as courseTitle',
          'c.study_opens_on as studyOpensOn',
          'c.study_closes_on as studyClosesOn',
          'p.id as projectId',
          'p.title as projectTitle',
          'p.status as projectStatus',
          'p.org_path as projectPath',
          'o.completion_rule as completionRule',
        ])
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .where('p.status', '<>', 'draft')
        .orderBy('c.study_closes_on', 'desc')
        .orderBy('c.id', 'desc')
        .limit(100)
        .execute()) as ReflectionClassRow[];
    },

    /** Whether the teacher holds a place in the class (enrolled, not waitlisted or withdrawn). */
    async isEnrolled(classId: number, teacherId: number, lock = false): Promise<boolean> {
      let q = db
        .selectFrom('enrolment')
        .select('id')
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .where('status', '=', 'enrolled');
      if (lock) q = q.forUpdate();
      return (await q.executeTakeFirst()) !== undefined;
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

    async prompts(courseId: number): Promise<string[]> {
      const rows = await db
        .selectFrom('course_reflection_prompt')
        .select('body')
        .where('course_id', '=', courseId)
        .orderBy('position')
        .execute();
      return rows.map((r) => r.body);
    },

    async replacePrompts(courseId: number, bodies: readonly string[], by: number): Promise<void> {
      await db.deleteFrom('course_reflection_prompt').where('course_id', '=', courseId).execute();
      if (bodies.length)
        await db
          .insertInto('course_reflection_prompt')
          .values(bodies.map((body, position) => ({ course_id: courseId, position, body, updated_by: by })))
          .execute();
    },

    /**
     * Takes a transaction-long lock on each band key of a text about to be checked and stored, in
     * order (no deadlock): two near-identical texts share keys, so the second one waits for the first
     * and is checked against it, even when both are sent at the same moment.
     */
    async lockBands(courseId: number, keys: readonly number[]): Promise<void> {
      if (!keys.length) return;
      await sql`SELECT pg_advisory_xact_lock(${BAND_LOCK_SPACE}::int, k) FROM (
        SELECT DISTINCT hashtext(${String(courseId)} || ':' || key::text) AS k
        FROM unnest(${keys}::bigint[]) AS key ORDER BY 1) s`.execute(db);
    },

    /**
     * The submitted reflections of a course sharing a band key with a text, most shared keys first, at
     * most `limit`: the candidates to compare exactly. Reads only the band index and those rows.
     */
    async candidates(
      courseId: number,
      keys: readonly number[],
      excludeIds: readonly number[],
      limit: number,
    ): Promise<Array<{ id: number; body: string }>> {
      if (!keys.length) return [];
      const r = await sql<{ id: number; body: string }>`
        SELECT r.id, r.body
        FROM (SELECT reflection_id, count(*) AS n FROM reflection_band
              WHERE course_id = ${courseId} AND band_key = ANY(${keys}::bigint[])
                AND NOT (reflection_id = ANY(${excludeIds}::bigint[]))
              GROUP BY reflection_id ORDER BY n DESC, reflection_id LIMIT ${limit}) b
        JOIN reflection r ON r.id = b.reflection_id
        ORDER BY b.n DESC, r.id`.execute(db);
      return r.rows;
    },

    async insert(v: ReflectionValues): Promise<number> {
      const r = await db
        .insertInto('reflection')
        .values({
          province_id: v.provinceId,
          class_id: v.classId,
          course_id: v.courseId,
          teacher_id: v.teacherId,
          org_path: v.orgPath,
          title: v.title,
          body: v.body,
          chars: v.chars,
          similarity: v.similarity,
          counts: v.counts,
          matched_ranges: JSON.stringify(v.matchedRanges),
          matched_kind: v.matchedKind,
          matched_reflection_id: v.matchedReflectionId,
          signature: v.signature,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async update(
      id: number,
      v: Omit<ReflectionValues, 'provinceId' | 'classId' | 'courseId' | 'teacherId' | 'orgPath'>,
    ): Promise<void> {
      await db
        .updateTable('reflection')
        .set({
          title: v.title,
          body: v.body,
          chars: v.chars,
          similarity: v.similarity,
          counts: v.counts,
          matched_ranges: JSON.stringify(v.matchedRanges),
          matched_kind: v.matchedKind,
          matched_reflection_id: v.matchedReflectionId,
          signature: v.signature,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    async withdraw(id: number): Promise<void> {
      await db
        .updateTable('reflection')
        .set({ status: 'withdrawn', withdrawn_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
    },

    async insertBands(courseId: number, reflectionId: number, keys: readonly number[]): Promise<void> {
      if (!keys.length) return;
      await sql`INSERT INTO reflection_band (course_id, band_key, reflection_id)
        SELECT ${courseId}, k, ${reflectionId} FROM unnest(${keys}::bigint[]) AS k
        ON CONFLICT DO NOTHING`.execute(db);
    },

    /** Removes a reflection's band rows, found by its keys (the primary key: no other index needed). */
    async deleteBands(courseId: number, reflectionId: number, keys: readonly number[]): Promise<void> {
      if (!keys.length) return;
      await db
        .deleteFrom('reflection_band')
        .where('course_id', '=', courseId)
        .where('band_key', 'in', [...keys])
        .where('reflection_id', '=', reflectionId)
        .execute();
    },

    async get(id: number, lock = false): Promise<ReflectionRow | undefined> {
      let q = db.selectFrom('reflection as r').select(reflectionColumns).where('r.id', '=', id);
      if (lock) q = q.forUpdate();
      return (await q.executeTakeFirst()) as ReflectionRow | undefined;
    },

    /** A teacher's submitted reflections of a class, newest first. */
    async ofTeacher(classId: number, teacherId: number): Promise<ReflectionRow[]> {
      return (await db
        .selectFrom('reflection as r')
        .select(reflectionColumns)
        .where('r.class_id', '=', classId)
        .where('r.teacher_id', '=', teacherId)
        .where('r.status', '=', 'submitted')
        .orderBy('r.id', 'desc')
        .execute()) as ReflectionRow[];
    },

    async countOfTeacher(classId: number, teacherId: number): Promise<number> {
      const r = await db
        .selectFrom('reflection')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** The submitted reflections of a class with their authors, for its tutors; newest first. */
    async ofClass(
      classId: number,
      f: { teacherId?: number; counted?: boolean; minChars: number; threshold: number; limit: number; offset: number },
    ): Promise<{ items: ClassReflectionRow[]; total: number }> {
      let q = db
        .selectFrom('reflection as r')
        .innerJoin('teacher as t', 't.id', 'r.teacher_id')
        .innerJoin('org_unit as u', 'u.id', 't.org_unit_id')
        .where('r.class_id', '=', classId)
        .where('r.status', '=', 'submitted');
      if (f.teacherId !== undefined) q = q.where('r.teacher_id', '=', f.teacherId);
      if (f.counted !== undefined) {
        const counted = countedWhere(f.minChars, f.threshold);
        q = q.where(f.counted ? counted : sql<boolean>`NOT (${counted})`);
      }
      const [items, total] = await Promise.all([
        q
          .leftJoin('reflection as m', 'm.id', 'r.matched_reflection_id')
          .select([
            'r.id',
            'r.class_id as classId',
            'r.course_id as courseId',
            'r.teacher_id as teacherId',
            'r.org_path as orgPath',
            'r.title',
            'r.chars',
            'r.similarity',
            'r.counts',
            'r.matched_kind as matchedKind',
            'r.matched_reflection_id as matchedReflectionId',
            'r.status',
            'r.created_at as createdAt',
            'r.updated_at as updatedAt',
            't.name as teacherName',
            'u.name as schoolName',
            'm.class_id as matchedClassId',
          ])
          .orderBy('r.id', 'desc')
          .limit(f.limit)
          .offset(f.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ClassReflectionRow[], total: Number(total.n) };
    },

    /** The author and class of some reflections (for naming who a text matched, within a class). */
    async authors(
      ids: readonly number[],
    ): Promise<Map<number, { classId: number; teacherId: number; teacherName: string }>> {
      if (!ids.length) return new Map();
      const rows = await db
        .selectFrom('reflection as r')
        .innerJoin('teacher as t', 't.id', 'r.teacher_id')
        .select(['r.id', 'r.class_id as classId', 'r.teacher_id as teacherId', 't.name as teacherName'])
        .where('r.id', 'in', [...ids])
        .execute();
      return new Map(rows.map((r) => [r.id, r]));
    },

    /**
     * Pairs of the class's submitted reflections that share a band key: the candidates of its clusters,
     * found in the band index without comparing every pair.
     */
    async candidatePairs(classId: number): Promise<Array<[number, number]>> {
      const r = await sql<{ a: number; b: number }>`
        WITH mine AS (
          SELECT id, course_id FROM reflection WHERE class_id = ${classId} AND status = 'submitted'
        ), bands AS (
          SELECT b.band_key, b.course_id, b.reflection_id
          FROM reflection_band b JOIN mine m ON m.course_id = b.course_id AND m.id = b.reflection_id
        )
        SELECT DISTINCT x.reflection_id AS a, y.reflection_id AS b
        FROM bands x JOIN bands y
          ON y.course_id = x.course_id AND y.band_key = x.band_key AND y.reflection_id > x.reflection_id`.execute(db);
      return r.rows.map((p) => [Number(p.a), Number(p.b)]);
    },

    async bodies(ids: readonly number[]): Promise<Map<number, string>> {
      if (!ids.length) return new Map();
      const rows = await db
        .selectFrom('reflection')
        .select(['id', 'body'])
        .where('id', 'in', [...ids])
        .execute();
      return new Map(rows.map((r) => [r.id, r.body]));
    },

    /** The class's enrolled teachers with their school, by name; with how many reflections each has and how many count. */
    async teacherTotals(
      classId: number,
      minChars: number,
      threshold: number,
    ): Promise<
      Array<{ teacherId: number; teacherName: string; schoolName: string; written: number; counted: number }>
    > {
      const rows = await sql<{
        teacherId: number;
        teacherName: string;
        schoolName: string;
        written: number;
        counted: number;
      }>`
        SELECT t.id AS "teacherId", t.name AS "teacherName", u.name AS "schoolName",
          (SELECT count(*) FROM reflection r WHERE r.class_id = e.class_id AND r.teacher_id = t.id
             AND r.status = 'submitted')::int AS written,
          (SELECT count(*) FROM reflection r WHERE r.class_id = e.class_id AND r.teacher_id = t.id
             AND ${countedWhere(minChars, threshold)})::int AS counted
        FROM enrolment e JOIN teacher t ON t.id = e.teacher_id JOIN org_unit u ON u.id = t.org_unit_id
        WHERE e.class_id = ${classId} AND e.status = 'enrolled'
        ORDER BY u.name, t.name, t.id`.execute(db);
      return rows.rows;
    },

    /** How many of a teacher's reflections of a class count under the rule given. */
    async counted(classId: number, teacherId: number, minChars: number, threshold: number): Promise<number> {
      const r = await db
        .selectFrom('reflection as r')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('r.class_id', '=', classId)
        .where('r.teacher_id', '=', teacherId)
        .where(countedWhere(minChars, threshold))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** The same for every teacher of a class with at least one that counts, in one statement. */
    async countedByTeacher(classId: number, minChars: number, threshold: number): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('reflection as r')
        .select(['r.teacher_id as teacherId', (eb) => eb.fn.countAll<number>().as('n')])
        .where('r.class_id', '=', classId)
        .where(countedWhere(minChars, threshold))
        .groupBy('r.teacher_id')
        .execute();
      return new Map(rows.map((r) => [r.teacherId, Number(r.n)]));
    },
  };
}

export type ReflectionRepository = ReturnType<typeof createReflectionRepository>;
