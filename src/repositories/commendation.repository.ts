import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import {
  type CommendationCriteria,
  type CommendationKind,
  percent,
  type TraineeFigures,
  type UnitFigures,
} from '../domain/commendation.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type BatchStatus = 'draft' | 'published' | 'finalised';

export interface BatchRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  year: number;
  title: string;
  criteria: CommendationCriteria;
  status: BatchStatus;
  proposedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  candidates: number;
}

export interface CandidateRow {
  id: number;
  batchId: number;
  kind: CommendationKind;
  orgUnitId: number;
  orgPath: string;
  teacherId: number | null;
  userId: number | null;
  name: string;
  unitName: string;
  figures: UnitFigures | TraineeFigures;
  origin: 'proposed' | 'added';
  addedReason: string | null;
  removedAt: Date | null;
  removedReason: string | null;
  outcome: 'kept' | 'removed' | null;
  honourId: number | null;
  honourCode: string | null;
}

export interface CandidateInput {
  kind: CommendationKind;
  orgUnitId: number;
  orgPath: string;
  teacherId: number | null;
  userId: number | null;
  name: string;
  unitName: string;
  figures: UnitFigures | TraineeFigures;
}

const under = (path: string) => `${escapeLike(path)}%`;

/** Commendation batches and their candidates, and the statistics of a year they are proposed from. */
export function createCommendationRepository(db: Q) {
  function batches() {
    return db
      .selectFrom('commendation_batch as b')
      .innerJoin('org_unit as o', 'o.id', 'b.org_unit_id')
      .select([
        'b.id',
        'b.province_id',
        'b.org_unit_id',
        'o.name as org_name',
        'b.org_path',
        'b.year',
        'b.title',
        'b.criteria',
        'b.status',
        'b.proposed_at',
        'b.created_at',
        'b.updated_at',
      ])
      .select((eb) =>
        eb
          .selectFrom('commendation_candidate as c')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('c.batch_id', '=', 'b.id')
          .where('c.removed_at', 'is', null)
          .as('candidates'),
      );
  }
  type Raw = Awaited<ReturnType<ReturnType<typeof batches>['executeTakeFirstOrThrow']>>;
  const toBatch = (r: Raw): BatchRow => ({
    id: Number(r.id),
    provinceId: Number(r.province_id),
    orgUnitId: Number(r.org_unit_id),
    orgUnitName: r.org_name,
    orgPath: r.org_path,
    year: r.year,
    title: r.title,
    criteria: r.criteria as unknown as CommendationCriteria,
    status: r.status as BatchStatus,
    proposedAt: (r.proposed_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    candidates: Number(r.candidates ?? 0),
  });

  return {
    async batch(id: number): Promise<BatchRow | null> {
      const r = await batches().where('b.id', '=', id).executeTakeFirst();
      return r ? toBatch(r) : null;
    },

    async lock(id: number): Promise<BatchStatus | null> {
      const r = await db
        .selectFrom('commendation_batch')
        .select('status')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return (r?.status as BatchStatus | undefined) ?? null;
    },

    async batchesUnder(q: {
      provinceId: number;
      path: string;
      year?: number;
      offset: number;
      limit: number;
    }): Promise<{ rows: BatchRow[]; total: number }> {
      let base = batches().where('b.province_id', '=', q.provinceId).where('b.org_path', 'like', under(q.path));
      if (q.year) base = base.where('b.year', '=', q.year);
      const [rows, total] = await Promise.all([
        base.orderBy('b.id', 'desc').offset(q.offset).limit(q.limit).execute(),
        db
          .selectFrom(base.as('x'))
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { rows: rows.map(toBatch), total: Number(total.n) };
    },

    async insertBatch(b: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      year: number;
      title: string;
      criteria: CommendationCriteria;
      by: number;
    }): Promise<number> {
      const r = await db
        .insertInto('commendation_batch')
        .values({
          province_id: b.provinceId,
          org_unit_id: b.orgUnitId,
          org_path: b.orgPath,
          year: b.year,
          title: b.title,
          criteria: JSON.stringify(b.criteria),
          created_by: b.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    async updateBatch(
      id: number,
      p: { title?: string; criteria?: CommendationCriteria; status?: BatchStatus; proposedAt?: Date },
    ): Promise<void> {
      await db
        .updateTable('commendation_batch')
        .set({
          ...(p.title !== undefined ? { title: p.title } : {}),
          ...(p.criteria !== undefined ? { criteria: JSON.stringify(p.criteria) } : {}),
          ...(p.status !== undefined ? { status: p.status } : {}),
          ...(p.proposedAt !== undefined ? { proposed_at: p.proposedAt } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    },

    async candidates(batchId: number): Promise<CandidateRow[]> {
      const rows = await db
        .selectFrom('commendation_candidate as c')
        .leftJoin('honour as h', 'h.id', 'c.honour_id')
        .selectAll('c')
        .select('h.code as honour_code')
        .where('c.batch_id', '=', batchId)
        .orderBy('c.kind')
        .orderBy('c.id')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        batchId: Number(r.batch_id),
        kind: r.kind as CommendationKind,
        orgUnitId: Number(r.org_unit_id),
        orgPath: r.org_path,
        teacherId: r.teacher_id === null ? null : Number(r.teacher_id),
        userId: r.user_id === null ? null : Number(r.user_id),
        name: r.name,
        unitName: r.unit_name,
        figures: r.figures as unknown as UnitFigures | TraineeFigures,
        origin: r.origin as 'proposed' | 'added',
        addedReason: r.added_reason,
        removedAt: (r.removed_at as Date | null) ?? null,
        removedReason: r.removed_reason,
        outcome: (r.outcome as 'kept' | 'removed' | null) ?? null,
        honourId: r.honour_id === null ? null : Number(r.honour_id),
        honourCode: r.honour_code ?? null,
      }));
    },

    /** Replaces the proposed candidates (those the bureau added stay). */
    async replaceProposed(batchId: number, rows: readonly CandidateInput[], by: number): Promise<void> {
      await db
        .deleteFrom('commendation_candidate')
        .where('batch_id', '=', batchId)
        .where('origin', '=', 'proposed')
        .execute();
      for (let i = 0; i < rows.length; i += 1000)
        await db
          .insertInto('commendation_candidate')
          .values(
            rows.slice(i, i + 1000).map((r) => ({
              batch_id: batchId,
              kind: r.kind,
              org_unit_id: r.orgUnitId,
              org_path: r.orgPath,
              teacher_id: r.teacherId,
              user_id: r.userId,
              name: r.name,
              unit_name: r.unitName,
              figures: JSON.stringify(r.figures),
              origin: 'proposed' as const,
              created_by: by,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
    },

    /** A candidate the bureau adds by hand; null when already on the batch. */
    async insertAdded(batchId: number, r: CandidateInput, reason: string, by: number): Promise<number | null> {
      const row = await db
        .insertInto('commendation_candidate')
        .values({
          batch_id: batchId,
          kind: r.kind,
          org_unit_id: r.orgUnitId,
          org_path: r.orgPath,
          teacher_id: r.teacherId,
          user_id: r.userId,
          name: r.name,
          unit_name: r.unitName,
          figures: JSON.stringify(r.figures),
          origin: 'added',
          added_reason: reason,
          created_by: by,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      return row ? Number(row.id) : null;
    },

    async remove(id: number, reason: string, by: number): Promise<boolean> {
      const r = await db
        .updateTable('commendation_candidate')
        .set({ removed_at: new Date(), removed_by: by, removed_reason: reason })
        .where('id', '=', id)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async restore(id: number): Promise<boolean> {
      const r = await db
        .updateTable('commendation_candidate')
        .set({ removed_at: null, removed_by: null, removed_reason: null })
        .where('id', '=', id)
        .where('removed_at', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async setOutcome(id: number, outcome: 'kept' | 'removed', honourId: number | null): Promise<void> {
      await db
        .updateTable('commendation_candidate')
        .set({ outcome, honour_id: honourId })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Figures of every unit holding teachers under `path` for a year: completion of the cycle's hours,
     * the annual verification, exam results and completed enrolments of classes closed in the year.
     */
    async unitFigures(q: {
      path: string;
      cycleId: number;
      year: number;
    }): Promise<Array<{ orgUnitId: number; orgPath: string; name: string; figures: UnitFigures }>> {
      const from = new Date(`${q.year}-01-01T00:00:00+08:00`);
      const to = new Date(`${q.year + 1}-01-01T00:00:00+08:00`);
      const [units, exams, enrolments] = await Promise.all([
        db
          .selectFrom('credit_school_summary as s')
          .innerJoin('org_unit as o', 'o.id', 's.org_unit_id')
          .leftJoin('credit_verification as v', (j) =>
            j
              .onRef('v.cycle_id', '=', 's.cycle_id')
              .onRef('v.org_unit_id', '=', 's.org_unit_id')
              .on('v.year', '=', q.year),
          )
          .select(['s.org_unit_id', 's.org_path', 'o.name', 's.in_scope', 's.complete', 'v.status as v_status'])
          .where('s.cycle_id', '=', q.cycleId)
          .where('s.org_path', 'like', under(q.path))
          .execute(),
        db
          .selectFrom('exam_result as r')
          .innerJoin('exam as e', 'e.id', 'r.exam_id')
          .select([
            'r.org_path',
            sql<string>`count(*)`.as('n'),
            sql<string>`count(*) filter (where r.passed)`.as('passed'),
          ])
          .where('r.org_path', 'like', under(q.path))
          .where('e.closes_at', '>=', from)
          .where('e.closes_at', '<', to)
          .where('r.level', 'is not', null)
          .groupBy('r.org_path')
          .execute(),
        db
          .selectFrom('enrolment as e')
          .innerJoin('training_class as c', 'c.id', 'e.class_id')
          .select([
            'e.org_path',
            sql<string>`count(*)`.as('n'),
            sql<string>`count(*) filter (where e.outcome = 'completed')`.as('completed'),
          ])
          .where('e.org_path', 'like', under(q.path))
          .where('e.outcome', 'is not', null)
          .where('c.closed_at', '>=', from)
          .where('c.closed_at', '<', to)
          .groupBy('e.org_path')
          .execute(),
      ]);
      const examBy = new Map(exams.map((x) => [x.org_path, x]));
      const enrolBy = new Map(enrolments.map((x) => [x.org_path, x]));
      return units.map((u) => {
        const x = examBy.get(u.org_path);
        const e = enrolBy.get(u.org_path);
        const examResults = Number(x?.n ?? 0);
        const examPassed = Number(x?.passed ?? 0);
        const enrolled = Number(e?.n ?? 0);
        const completed = Number(e?.completed ?? 0);
        return {
          orgUnitId: Number(u.org_unit_id),
          orgPath: u.org_path,
          name: u.name,
          figures: {
            teachers: u.in_scope,
            complete: u.complete,
            completionPercent: percent(u.complete, u.in_scope),
            signedOff: u.v_status === 'signed_off',
            examResults,
            examPassed,
            examPassPercent: percent(examPassed, examResults),
            enrolments: enrolled,
            completed,
            participationPercent: percent(completed, enrolled),
          },
        };
      });
    },

    /** Figures of the teachers under `path` the cycle applies to (only the complete ones when `completeOnly`). */
    async traineeFigures(q: {
      path: string;
      cycleId: number;
      startYear: number;
      year: number;
      completeOnly: boolean;
      teacherId?: number;
    }): Promise<
      Array<{
        teacherId: number;
        orgUnitId: number;
        orgPath: string;
        name: string;
        unitName: string;
        figures: TraineeFigures;
      }>
    > {
      const from = new Date(`${q.year}-01-01T00:00:00+08:00`);
      const to = new Date(`${q.year + 1}-01-01T00:00:00+08:00`);
      let base = db
        .selectFrom('credit_teacher_status as s')
        .innerJoin('teacher as t', 't.id', 's.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select([
          't.id',
          't.org_unit_id',
          't.org_path',
          't.name',
          'o.name as unit_name',
          's.status',
          sql<number | null>`s.year_hours[${q.year - q.startYear + 1}]`.as('year_tenths'),
        ])
        .where('s.cycle_id', '=', q.cycleId)
        .where('t.org_path', 'like', under(q.path))
        .where('s.in_scope', '=', true);
      if (q.completeOnly) base = base.where('s.status', '=', 'complete');
      if (q.teacherId !== undefined) base = base.where('t.id', '=', q.teacherId);
      const people = await base.execute();
      if (people.length === 0) return [];
      const ids = people.map((p) => Number(p.id));
      const [exams, classes] = await Promise.all([
        db
          .selectFrom('exam_result as r')
          .innerJoin('exam as e', 'e.id', 'r.exam_id')
          .select([
            'r.teacher_id',
            sql<string>`count(*)`.as('n'),
            sql<string>`count(*) filter (where r.passed)`.as('passed'),
            sql<string>`count(*) filter (where r.level = 'excellent')`.as('excellent'),
          ])
          .where('r.teacher_id', 'in', ids)
          .where('r.level', 'is not', null)
          .where('e.closes_at', '>=', from)
          .where('e.closes_at', '<', to)
          .groupBy('r.teacher_id')
          .execute(),
        db
          .selectFrom('enrolment as e')
          .innerJoin('training_class as c', 'c.id', 'e.class_id')
          .select([
            'e.teacher_id',
            sql<string>`count(*) filter (where e.outcome = 'completed')`.as('completed'),
            sql<string>`count(*) filter (where e.outcome = 'not_completed')`.as('not_completed'),
          ])
          .where('e.teacher_id', 'in', ids)
          .where('c.closed_at', '>=', from)
          .where('c.closed_at', '<', to)
          .groupBy('e.teacher_id')
          .execute(),
      ]);
      const examBy = new Map(exams.map((x) => [Number(x.teacher_id), x]));
      const classBy = new Map(classes.map((x) => [Number(x.teacher_id), x]));
      return people.map((p) => {
        const x = examBy.get(Number(p.id));
        const c = classBy.get(Number(p.id));
        return {
          teacherId: Number(p.id),
          orgUnitId: Number(p.org_unit_id),
          orgPath: p.org_path,
          name: p.name,
          unitName: p.unit_name,
          figures: {
            status: p.status,
            yearTenths: Number(p.year_tenths ?? 0),
            examsTaken: Number(x?.n ?? 0),
            examsPassed: Number(x?.passed ?? 0),
            excellent: Number(x?.excellent ?? 0),
            classesCompleted: Number(c?.completed ?? 0),
            classesNotCompleted: Number(c?.not_completed ?? 0),
          },
        };
      });
    },

    /** Where a teacher's school is (to check they lie in a bureau's subtree). */
    async teacherPath(teacherId: number): Promise<string | null> {
      const r = await db.selectFrom('teacher').select('org_path').where('id', '=', teacherId).executeTakeFirst();
      return r?.org_path ?? null;
    },

    /** An account, with its unit and role (an administrator a bureau adds by hand). */
    async account(
      userId: number,
    ): Promise<{ userId: number; orgUnitId: number; orgPath: string; name: string; role: string } | null> {
      const r = await db
        .selectFrom('app_user')
        .select(['id', 'org_unit_id', 'org_path', 'display_name', 'username', 'role'])
        .where('id', '=', userId)
        .executeTakeFirst();
      return r
        ? {
            userId: Number(r.id),
            orgUnitId: Number(r.org_unit_id),
            orgPath: r.org_path,
            name: r.display_name || r.username,
            role: r.role,
          }
        : null;
    },

    /** The administrators kept at these units (enabled accounts). */
    async adminsAt(unitIds: readonly number[]): Promise<Array<{ userId: number; name: string; orgUnitId: number }>> {
      if (unitIds.length === 0) return [];
      const rows = await db
        .selectFrom('app_user')
        .select(['id', 'display_name', 'username', 'org_unit_id'])
        .where('org_unit_id', 'in', [...unitIds])
        .where('role', 'in', ['school_admin', 'county_admin', 'city_admin', 'province_admin'])
        .where('disabled', '=', false)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        userId: Number(r.id),
        name: r.display_name || r.username,
        orgUnitId: Number(r.org_unit_id),
      }));
    },
  };
}
