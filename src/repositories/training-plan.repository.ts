import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { OrgUnitKind } from '../domain/org-tree.js';
import type { PlanEvent, PlanForm, PlanStatus } from '../domain/training-plan.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** An annual plan (年度培训计划) as pages show it. */
export interface PlanRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgUnitKind: OrgUnitKind;
  orgPath: string;
  year: number;
  title: string;
  summary: string | null;
  status: PlanStatus;
  version: number;
  reviewComment: string | null;
  reviewedBy: number | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  submittedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One line of the month calendar (月份行事表) as written. */
export interface PlanItemFields {
  month: number;
  title: string;
  form: PlanForm | null;
  responsibleUnitId: number | null;
  responsible: string | null;
  projectId: number | null;
  notes: string | null;
}

/** A line with the names of what it refers to: what pages and version snapshots show. */
export interface PlanItem extends PlanItemFields {
  responsibleUnitName: string | null;
  projectTitle: string | null;
}

/** A plan as it stood at a submission, approval, return or publication. */
export interface PlanContent {
  title: string;
  summary: string | null;
  items: PlanItem[];
}

export interface PlanVersionRow {
  id: number;
  planId: number;
  version: number;
  event: PlanEvent;
  comment: string | null;
  actorId: number | null;
  actorName: string | null;
  createdAt: Date;
}

export interface UnitRef {
  id: number;
  name: string;
  kind: OrgUnitKind;
  path: string;
}

const PLAN_COLUMNS = [
  'p.id',
  'p.province_id as provinceId',
  'p.org_unit_id as orgUnitId',
  'o.name as orgUnitName',
  'o.kind as orgUnitKind',
  'p.org_path as orgPath',
  'p.year',
  'p.title',
  'p.summary',
  'p.status',
  'p.version',
  'p.review_comment as reviewComment',
  'p.reviewed_by as reviewedBy',
  'r.display_name as reviewedByName',
  'p.reviewed_at as reviewedAt',
  'p.submitted_at as submittedAt',
  'p.created_at as createdAt',
  'p.updated_at as updatedAt',
] as const;
const VERSION_COLUMNS = [
  'v.id',
  'v.plan_id as planId',
  'v.version',
  'v.event',
  'v.comment',
  'v.actor_id as actorId',
  'u.display_name as actorName',
  'v.created_at as createdAt',
] as const;

/** Normalises a snapshot read from jsonb: keys in one order, absent values as null. */
function toContent(raw: unknown): PlanContent {
  const c = (raw ?? {}) as Partial<PlanContent>;
  return {
    title: String(c.title ?? ''),
    summary: c.summary ?? null,
    items: (c.items ?? []).map((i) => ({
      month: i.month,
      title: i.title,
      form: i.form ?? null,
      responsibleUnitId: i.responsibleUnitId ?? null,
      responsibleUnitName: i.responsibleUnitName ?? null,
      responsible: i.responsible ?? null,
      projectId: i.projectId ?? null,
      projectTitle: i.projectTitle ?? null,
      notes: i.notes ?? null,
    })),
  };
}

/** Annual plans, their calendar lines and their versions: all SQL of tables training_plan*. */
export function createTrainingPlanRepository(db: Q) {
  const plans = () =>
    db
      .selectFrom('training_plan as p')
      .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
      .leftJoin('app_user as r', 'r.id', 'p.reviewed_by')
      .select(PLAN_COLUMNS);

  return {
    async find(id: number): Promise<PlanRow | undefined> {
      return (await plans().where('p.id', '=', id).executeTakeFirst()) as PlanRow | undefined;
    },

    async findFor(orgUnitId: number, year: number): Promise<PlanRow | undefined> {
      return (await plans().where('p.org_unit_id', '=', orgUnitId).where('p.year', '=', year).executeTakeFirst()) as
        | PlanRow
        | undefined;
    },

    /** The plans of some units for a year (a calendar's line of the tree). */
    async ofUnits(orgUnitIds: number[], year: number): Promise<PlanRow[]> {
      if (!orgUnitIds.length) return [];
      return (await plans()
        .where('p.org_unit_id', 'in', orgUnitIds)
        .where('p.year', '=', year)
        .orderBy(sql`length(p.org_path)`)
        .execute()) as PlanRow[];
    },

    /** The row, locked for a change; undefined when there is none. */
    async lock(id: number): Promise<PlanRow | undefined> {
      const r = await db.selectFrom('training_plan').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      return r ? this.find(r.id) : undefined;
    },

    /** The plan of a unit for a year, created as an empty draft when missing, locked for a change. */
    async lockOrCreate(p: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      year: number;
      title: string;
      createdBy: number;
    }): Promise<{ plan: PlanRow; created: boolean }> {
      const inserted = await db
        .insertInto('training_plan')
        .values({
          province_id: p.provinceId,
          org_unit_id: p.orgUnitId,
          org_path: p.orgPath,
          year: p.year,
          title: p.title,
          status: 'draft',
          created_by: p.createdBy,
        })
        .onConflict((oc) => oc.columns(['org_unit_id', 'year']).doNothing())
        .returning('id')
        .executeTakeFirst();
      const row = await db
        .selectFrom('training_plan')
        .select('id')
        .where('org_unit_id', '=', p.orgUnitId)
        .where('year', '=', p.year)
        .forUpdate()
        .executeTakeFirstOrThrow();
      return { plan: (await this.find(row.id))!, created: inserted !== undefined };
    },

    async setContent(id: number, c: { title: string; summary: string | null; status: PlanStatus }): Promise<void> {
      await db
        .updateTable('training_plan')
        .set({ title: c.title, summary: c.summary, status: c.status, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** Replaces every line of a plan's calendar, keeping the given order. */
    async replaceItems(planId: number, items: PlanItemFields[]): Promise<void> {
      await db.deleteFrom('training_plan_item').where('plan_id', '=', planId).execute();
      if (!items.length) return;
      await db
        .insertInto('training_plan_item')
        .values(
          items.map((i, position) => ({
            plan_id: planId,
            month: i.month,
            title: i.title,
            form: i.form,
            responsible_unit_id: i.responsibleUnitId,
            responsible: i.responsible,
            project_id: i.projectId,
            notes: i.notes,
            position,
          })),
        )
        .execute();
    },

    /** The lines of plans with the names they refer to, by month and then as written. */
    async items(planIds: number[]): Promise<Array<PlanItem & { planId: number }>> {
      if (!planIds.length) return [];
      return (await db
        .selectFrom('training_plan_item as i')
        .leftJoin('org_unit as o', 'o.id', 'i.responsible_unit_id')
        .leftJoin('training_project as tp', 'tp.id', 'i.project_id')
        .select([
          'i.plan_id as planId',
          'i.month',
          'i.title',
          'i.form',
          'i.responsible_unit_id as responsibleUnitId',
          'o.name as responsibleUnitName',
          'i.responsible',
          'i.project_id as projectId',
          'tp.title as projectTitle',
          'i.notes',
        ])
        .where('i.plan_id', 'in', planIds)
        .orderBy('i.plan_id')
        .orderBy('i.month')
        .orderBy('i.position')
        .orderBy('i.id')
        .execute()) as Array<PlanItem & { planId: number }>;
    },

    /**
     * Moves the status only from `from` and sets the review fields given; false when another
     * writer moved it first.
     */
    async move(
      id: number,
      from: PlanStatus,
      to: PlanStatus,
      patch: {
        version?: number;
        reviewComment?: string | null;
        reviewedBy?: number | null;
        reviewedAt?: boolean;
        submittedAt?: boolean;
      } = {},
    ): Promise<boolean> {
      const r = await db
        .updateTable('training_plan')
        .set({
          status: to,
          updated_at: sql`now()`,
          ...(patch.version !== undefined ? { version: patch.version } : {}),
          ...(patch.reviewComment !== undefined ? { review_comment: patch.reviewComment } : {}),
          ...(patch.reviewedBy !== undefined ? { reviewed_by: patch.reviewedBy } : {}),
          ...(patch.reviewedAt ? { reviewed_at: sql`now()` } : {}),
          ...(patch.submittedAt ? { submitted_at: sql`now()` } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async insertVersion(v: {
      planId: number;
      version: number;
      event: PlanEvent;
      content: PlanContent;
      comment: string | null;
      actorId: number;
    }): Promise<number> {
      const r = await db
        .insertInto('training_plan_version')
        .values({
          plan_id: v.planId,
          version: v.version,
          event: v.event,
          content: JSON.stringify(v.content),
          comment: v.comment,
          actor_id: v.actorId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /** The history of a plan, newest first. */
    async versions(planId: number): Promise<PlanVersionRow[]> {
      return (await db
        .selectFrom('training_plan_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.actor_id')
        .select(VERSION_COLUMNS)
        .where('v.plan_id', '=', planId)
        .orderBy('v.id', 'desc')
        .limit(500)
        .execute()) as PlanVersionRow[];
    },

    async version(id: number): Promise<(PlanVersionRow & { content: PlanContent }) | undefined> {
      const r = await db
        .selectFrom('training_plan_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.actor_id')
        .select([...VERSION_COLUMNS, 'v.content'])
        .where('v.id', '=', id)
        .executeTakeFirst();
      return r ? { ...(r as unknown as PlanVersionRow), content: toContent(r.content) } : undefined;
    },

    /** The last approved or published version of each plan that has one: what applies to others. */
    async lastFinal(planIds: number[]): Promise<Map<number, PlanVersionRow & { content: PlanContent }>> {
      if (!planIds.length) return new Map();
      const rows = await db
        .selectFrom('training_plan_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.actor_id')
        .select([...VERSION_COLUMNS, 'v.content'])
        .distinctOn('v.plan_id')
        .where('v.plan_id', 'in', planIds)
        .where('v.event', 'in', ['approved', 'published'])
        .orderBy('v.plan_id')
        .orderBy('v.id', 'desc')
        .execute();
      return new Map(
        rows.map((r) => [r.planId, { ...(r as unknown as PlanVersionRow), content: toContent(r.content) }]),
      );
    },

    /** The school plans of a county's area waiting for its decision, oldest submission first. */
    async submittedUnder(countyPath: string, year: number): Promise<PlanRow[]> {
      return (await plans()
        .where('p.org_path', 'like', `${escapeLike(countyPath)}_%`)
        .where('o.kind', 'in', ['school', 'township'])
        .where('p.year', '=', year)
        .where('p.status', '=', 'submitted')
        .orderBy('p.submitted_at')
        .orderBy('p.id')
        .limit(2_000)
        .execute()) as PlanRow[];
    },

    /** Every school of a county's area with its plan of the year, if it has one. */
    async schoolsWithPlans(
      countyPath: string,
      year: number,
    ): Promise<
      Array<{
        unit: UnitRef;
        planId: number | null;
        status: PlanStatus | null;
        submittedAt: Date | null;
        reviewedAt: Date | null;
      }>
    > {
      const rows = await db
        .selectFrom('org_unit as o')
        .leftJoin('training_plan as p', (j) => j.onRef('p.org_unit_id', '=', 'o.id').on('p.year', '=', year))
        .select([
          'o.id',
          'o.name',
          'o.kind',
          'o.path',
          'p.id as planId',
          'p.status',
          'p.submitted_at as submittedAt',
          'p.reviewed_at as reviewedAt',
        ])
        .where('o.path', 'like', `${escapeLike(countyPath)}_%`)
        .where('o.kind', 'in', ['school', 'township'])
        .orderBy('o.path')
        .limit(5_000)
        .execute();
      return rows.map((r) => ({
        unit: { id: r.id, name: r.name, kind: r.kind as OrgUnitKind, path: r.path },
        planId: r.planId ?? null,
        status: (r.status ?? null) as PlanStatus | null,
        submittedAt: r.submittedAt ?? null,
        reviewedAt: r.reviewedAt ?? null,
      }));
    },

    /** Units by id with their paths (a plan's responsible units). */
    async units(ids: number[]): Promise<UnitRef[]> {
      if (!ids.length) return [];
      return (await db
        .selectFrom('org_unit')
        .select(['id', 'name', 'kind', 'path'])
        .where('id', 'in', ids)
        .execute()) as UnitRef[];
    },

    /**
     * The units a plan names as responsible most often: the unit, the units above it, the training
     * institutions beside them (教师进修学校 …) and the units directly below it.
     */
    async responsibleChoices(parentIds: number[], unitId: number): Promise<UnitRef[]> {
      const ids = [...parentIds, unitId];
      return (await db
        .selectFrom('org_unit')
        .select(['id', 'name', 'kind', 'path'])
        .where((eb) =>
          eb.or([
            eb('id', 'in', ids),
            eb.and([eb('parent_id', 'in', ids), eb('kind', '=', 'institution')]),
            eb('parent_id', '=', unitId),
          ]),
        )
        .orderBy(sql`length(path)`)
        .orderBy('name')
        .limit(500)
        .execute()) as UnitRef[];
    },
  };
}

export type TrainingPlanRepository = ReturnType<typeof createTrainingPlanRepository>;
