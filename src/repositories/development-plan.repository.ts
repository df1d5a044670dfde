import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { normaliseYears, type PlanStatus, type PlanYear } from '../domain/development-plan.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** A development plan with its teacher's current school (who reviews it). */
export interface DevelopmentPlanRow {
  id: number;
  provinceId: number;
  teacherId: number;
  teacherName: string;
  /** the teacher's current school: its admins review the plan */
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  startYear: number;
  goals: string;
  years: PlanYear[];
  status: PlanStatus;
  reviewComment: string | null;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  reviewedByName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DevelopmentPlanReviewRow {
  id: number;
  decision: 'approved' | 'returned';
  comment: string | null;
  reviewedByName: string;
  reviewedAt: Date;
}

function base(db: Q) {
  return db
    .selectFrom('development_plan as d')
    .innerJoin('teacher as t', 't.id', 'd.teacher_id')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .leftJoin('app_user as r', 'r.id', 'd.reviewed_by')
    .select([
      'd.id',
      'd.province_id as provinceId',
      'd.teacher_id as teacherId',
      't.name as teacherName',
      't.org_unit_id as orgUnitId',
      'o.name as orgUnitName',
      't.org_path as orgPath',
      'd.start_year as startYear',
      'd.goals',
      'd.years',
      'd.status',
      'd.review_comment as reviewComment',
      'd.submitted_at as submittedAt',
      'd.reviewed_at as reviewedAt',
      'r.display_name as reviewedByName',
      'd.created_at as createdAt',
      'd.updated_at as updatedAt',
    ]);
}

type Raw = Omit<DevelopmentPlanRow, 'years' | 'status'> & { years: unknown; status: string };
const asRow = (r: Raw): DevelopmentPlanRow => ({
  ...r,
  status: r.status as PlanStatus,
  years: normaliseYears(r.startYear, r.years),
});

/** Development plans (个人专业发展规划) and their reviews. */
export function createDevelopmentPlanRepository(db: Q) {
  return {
    async find(id: number): Promise<DevelopmentPlanRow | undefined> {
      const r = await base(db).where('d.id', '=', id).executeTakeFirst();
      return r ? asRow(r as Raw) : undefined;
    },

    /** Takes the plan's row lock for a change (moves are decided under it). */
    async lock(id: number): Promise<void> {
      await db.selectFrom('development_plan').select('id').where('id', '=', id).forUpdate().execute();
    },

    /** A teacher's plans, newest period first. */
    async ofTeacher(teacherId: number): Promise<DevelopmentPlanRow[]> {
      const rows = await base(db).where('d.teacher_id', '=', teacherId).orderBy('d.start_year', 'desc').execute();
      return rows.map((r) => asRow(r as Raw));
    },

    /** Plans of the teachers now at schools under `scopePath`, by status (the school's review list). */
    async under(
      provinceId: number,
      scopePath: string,
      status: PlanStatus | undefined,
      page: { limit: number; offset: number },
    ): Promise<{ items: DevelopmentPlanRow[]; total: number }> {
      let q = base(db)
        .where('d.province_id', '=', provinceId)
        .where('t.org_path', 'like', `${escapeLike(scopePath)}%`);
      if (status) q = q.where('d.status', '=', status);
      const [rows, total] = await Promise.all([
        q.orderBy('d.submitted_at', 'asc').orderBy('d.id').limit(page.limit).offset(page.offset).execute(),
        q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((r) => asRow(r as Raw)), total: (total as { n: number }).n };
    },

    /** How many plans wait for review at schools under `scopePath` (the home page's to-do). */
    async waitingUnder(provinceId: number, scopePath: string): Promise<number> {
      const r = await db
        .selectFrom('development_plan as d')
        .innerJoin('teacher as t', 't.id', 'd.teacher_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('d.province_id', '=', provinceId)
        .where('d.status', '=', 'submitted')
        .where('t.org_path', 'like', `${escapeLike(scopePath)}%`)
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async insert(p: {
      provinceId: number;
      teacherId: number;
      startYear: number;
      goals: string;
      years: PlanYear[];
    }): Promise<number | null> {
      const r = await db
        .insertInto('development_plan')
        .values({
          province_id: p.provinceId,
          teacher_id: p.teacherId,
          start_year: p.startYear,
          goals: p.goals,
          years: JSON.stringify(p.years),
        })
        .onConflict((oc) => oc.columns(['teacher_id', 'start_year']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return r ? r.id : null;
    },

    async update(
      id: number,
      p: Partial<{
        goals: string;
        years: PlanYear[];
        status: PlanStatus;
        reviewComment: string | null;
        submittedAt: Date;
        reviewedAt: Date;
        reviewedBy: number;
      }>,
    ): Promise<void> {
      await db
        .updateTable('development_plan')
        .set({
          ...(p.goals !== undefined ? { goals: p.goals } : {}),
          ...(p.years !== undefined ? { years: JSON.stringify(p.years) } : {}),
          ...(p.status !== undefined ? { status: p.status } : {}),
          ...(p.reviewComment !== undefined ? { review_comment: p.reviewComment } : {}),
          ...(p.submittedAt !== undefined ? { submitted_at: p.submittedAt } : {}),
          ...(p.reviewedAt !== undefined ? { reviewed_at: p.reviewedAt } : {}),
          ...(p.reviewedBy !== undefined ? { reviewed_by: p.reviewedBy } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    },

    async insertReview(r: {
      planId: number;
      decision: 'approved' | 'returned';
      comment: string | null;
      orgPath: string;
      by: number;
      snapshot: unknown;
    }): Promise<void> {
      await db
        .insertInto('development_plan_review')
        .values({
          plan_id: r.planId,
          decision: r.decision,
          comment: r.comment,
          org_path: r.orgPath,
          reviewed_by: r.by,
          snapshot: JSON.stringify(r.snapshot),
        })
        .execute();
    },

    async reviews(planId: number): Promise<DevelopmentPlanReviewRow[]> {
      const rows = await db
        .selectFrom('development_plan_review as v')
        .innerJoin('app_user as u', 'u.id', 'v.reviewed_by')
        .select(['v.id', 'v.decision', 'v.comment', 'u.display_name as reviewedByName', 'v.reviewed_at as reviewedAt'])
        .where('v.plan_id', '=', planId)
        .orderBy('v.id')
        .execute();
      return rows as DevelopmentPlanReviewRow[];
    },
  };
}
