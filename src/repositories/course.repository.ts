import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export const COURSE_CATEGORIES = ['required', 'research', 'elective'] as const;
export type CourseCategory = (typeof COURSE_CATEGORIES)[number];
export const COURSE_FORMS = ['centralised', 'online', 'school_based', 'practice'] as const;
export type CourseForm = (typeof COURSE_FORMS)[number];

/** A course material: a link, or an evidence file uploaded through the ledger's evidence upload. */
export type CourseMaterial =
  | { kind: 'link'; title: string; url: string }
  | { kind: 'file'; title: string; evidenceId: number };

/** What a course says, as a form or a sheet row gives it. */
export interface CourseFields {
  title: string;
  category: CourseCategory;
  module: string;
  form: CourseForm;
  /** tenths of an hour */
  hours: number;
  creditCategories: string[];
  stages: string[];
  subjects: string[];
  description: string | null;
  materials: CourseMaterial[];
}

export interface CourseRow extends CourseFields {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface CourseFilter {
  /** the unit whose view is listed: its ancestors', its own and its subtree's courses */
  unitPath: string;
  provinceId: number;
  /** which of those: inherited from above, the unit's own, or the units below */
  origin?: 'above' | 'own' | 'below';
  q?: string;
  category?: CourseCategory;
  form?: CourseForm;
  module?: string;
  stage?: string;
  creditCategory?: string;
  status: 'active' | 'archived' | 'all';
}

/** '/1/7/42/' → ['/1/', '/1/7/', '/1/7/42/']: the paths of the unit and every unit above it. */
export function pathPrefixes(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

function selectCourses(db: Q) {
  return db
    .selectFrom('course as c')
    .innerJoin('org_unit as o', 'o.id', 'c.org_unit_id')
    .select([
      'c.id',
      'c.province_id as provinceId',
      'c.org_unit_id as orgUnitId',
      'o.name as orgUnitName',
      'c.org_path as orgPath',
      'c.title',
      'c.category',
      'c.module',
      'c.form',
      'c.hours',
      'c.credit_categories as creditCategories',
      'c.stages',
      'c.subjects',
      'c.description',
      'c.materials',
      'c.archived',
      'c.created_at as createdAt',
      'c.updated_at as updatedAt',
    ]);
}

/** Materials with their keys in one order (jsonb stores its own). */
const toRow = (r: Record<string, unknown>): CourseRow => ({
  ...(r as unknown as CourseRow),
  materials: ((r['materials'] ?? []) as CourseMaterial[]).map((m) =>
    m.kind === 'link'
      ? { kind: 'link', title: m.title, url: m.url }
      : { kind: 'file', title: m.title, evidenceId: m.evidenceId },
  ),
});

const values = (f: CourseFields) => ({
  title: f.title,
  category: f.category,
  module: f.module,
  form: f.form,
  hours: f.hours,
  credit_categories: f.creditCategories,
  stages: f.stages,
  subjects: f.subjects,
  description: f.description,
  materials: JSON.stringify(f.materials),
});

/** The course catalogue: all SQL of table `course`. */
export function createCourseRepository(db: Q) {
  function filtered(f: CourseFilter) {
    const prefixes = pathPrefixes(f.unitPath);
    let q = selectCourses(db).where('c.province_id', '=', f.provinceId);
    if (f.origin === 'above')
      q = q.where('c.org_path', 'in', prefixes.slice(0, -1).length ? prefixes.slice(0, -1) : ['-']);
    else if (f.origin === 'own') q = q.where('c.org_path', '=', f.unitPath);
    else if (f.origin === 'below') q = q.where('c.org_path', 'like', `${escapeLike(f.unitPath)}_%`);
    else
      q = q.where((eb) =>
        eb.or([eb('c.org_path', 'in', prefixes), eb('c.org_path', 'like', `${escapeLike(f.unitPath)}%`)]),
      );
    if (f.status !== 'all') q = q.where('c.archived', '=', f.status === 'archived');
    if (f.category) q = q.where('c.category', '=', f.category);
    if (f.form) q = q.where('c.form', '=', f.form);
    if (f.module) q = q.where('c.module', '=', f.module);
    if (f.stage) q = q.where(sql<boolean>`${f.stage} = ANY(c.stages)`);
    if (f.creditCategory) q = q.where(sql<boolean>`${f.creditCategory} = ANY(c.credit_categories)`);
    if (f.q) {
      const pattern = `%${escapeLike(f.q)}%`;
      q = q.where((eb) =>
        eb.or([
          eb('c.title', 'ilike', pattern),
          eb('c.module', 'ilike', pattern),
          eb('c.description', 'ilike', pattern),
        ]),
      );
    }
    return q;
  }

  return {
    async find(id: number): Promise<CourseRow | undefined> {
      const r = await selectCourses(db).where('c.id', '=', id).executeTakeFirst();
      return r ? toRow(r) : undefined;
    },

    /** One page of a unit's view, the units above first, then by title. */
    async list(
      f: CourseFilter,
      page: { limit: number; offset: number },
    ): Promise<{ items: CourseRow[]; total: number }> {
      const [rows, count] = await Promise.all([
        filtered(f)
          .orderBy(sql`length(c.org_path)`)
          .orderBy('c.title')
          .orderBy('c.id')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        filtered(f)
          .clearSelect()
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRow), total: Number(count.n) };
    },

    /** Every course of a view, in pages of `batch`, for exports. */
    async *iterate(f: CourseFilter, batch = 1_000): AsyncGenerator<CourseRow[]> {
      let lastId = 0;
      for (;;) {
        const rows = await filtered(f).where('c.id', '>', lastId).orderBy('c.id').limit(batch).execute();
        if (rows.length === 0) return;
        yield rows.map(toRow);
        lastId = rows[rows.length - 1]!.id;
      }
    },

    /** The courses of some units with some titles (an import's matches), the active ones first. */
    async findByUnitTitles(unitIds: number[], titles: string[]): Promise<CourseRow[]> {
      if (unitIds.length === 0 || titles.length === 0) return [];
      const rows = await selectCourses(db)
        .where('c.org_unit_id', 'in', unitIds)
        .where('c.title', 'in', titles)
        .orderBy('c.archived')
        .orderBy('c.id', 'desc')
        .execute();
      return rows.map(toRow);
    },

    /** The modules in use in a unit's view, for suggestions. */
    async modules(unitPath: string, provinceId: number): Promise<string[]> {
      const rows = await filtered({ unitPath, provinceId, status: 'active' })
        .clearSelect()
        .select('c.module')
        .distinct()
        .orderBy('c.module')
        .limit(200)
        .execute();
      return rows.map((r) => r.module);
    },

    async insert(
      c: CourseFields & { provinceId: number; orgUnitId: number; orgPath: string; createdBy: number | null },
    ): Promise<number> {
      const r = await db
        .insertInto('course')
        .values({
          province_id: c.provinceId,
          org_unit_id: c.orgUnitId,
          org_path: c.orgPath,
          created_by: c.createdBy,
          ...values(c),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async update(id: number, c: CourseFields): Promise<void> {
      await db
        .updateTable('course')
        .set({ ...values(c), updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async setArchived(id: number, archived: boolean): Promise<void> {
      await db.updateTable('course').set({ archived, updated_at: sql`now()` }).where('id', '=', id).execute();
    },

    /** The units below a path that keep catalogues (cities, counties): an import's 所属单位 names them. */
    async catalogueUnitsBelow(path: string): Promise<Array<{ id: number; name: string; path: string; kind: string }>> {
      return db
        .selectFrom('org_unit')
        .select(['id', 'name', 'path', 'kind'])
        .where('path', 'like', `${escapeLike(path)}_%`)
        .where('kind', 'in', ['city', 'county'])
        .orderBy('id')
        .limit(20_000)
        .execute();
    },

    /** The row, locked for a change. */
    async lock(id: number): Promise<void> {
      await db.selectFrom('course').select('id').where('id', '=', id).forUpdate().execute();
    },
  };
}
