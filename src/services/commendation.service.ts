import { today } from '../config/env.js';
import { addWorkingDays } from '../domain/calendar.js';
import {
  type CommendationCriteria,
  type CommendationKind,
  compareTrainees,
  compareUnits,
  criteriaProblems,
  propose,
  type TraineeFigures,
  traineeQualifies,
  type UnitFigures,
  unitQualifies,
} from '../domain/commendation.js';
import type { Database } from '../db/database.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  type BatchRow,
  type CandidateInput,
  type CandidateRow,
  createCommendationRepository,
} from '../repositories/commendation.repository.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { type HonourKind, recordHonour } from './honour.js';
import { publicityOf, publishList, registerPublicityKind } from './publicity.js';
import { requireAdminAction, requireAdminAtUnit, requireRegistryRole } from './registry-access.js';

/** Units that commend: a county, city or province bureau. */
export const COMMENDING_KINDS = ['county', 'city', 'province'] as const;
/** Working days a commendation list stays under public notice unless the bureau sets the period. */
export const DEFAULT_NOTICE_DAYS = 5;

export interface BatchView extends BatchRow {
  candidatesList: CandidateRow[];
  publicity: { id: number; status: 'open' | 'finalised' | 'withdrawn' } | null;
}

const KIND_TITLE: Record<CommendationKind, string> = {
  advanced_unit: '继续教育先进单位',
  outstanding_admin: '继续教育优秀管理员',
  outstanding_trainee: '继续教育优秀学员',
};

const hours = (tenths: number) => (tenths / 10).toFixed(1).replace(/\.0$/, '');

/** The figures that qualified a candidate, as lines of the published list (Chinese, as the list is published). */
export function figureLines(kind: CommendationKind, f: UnitFigures | TraineeFigures): string[] {
  if (kind === 'outstanding_trainee') {
    const t = f as TraineeFigures;
    return [
      `周期学时${t.status === 'complete' ? '已达标' : '未达标'}，本年度计入 ${hours(t.yearTenths)} 学时`,
      `本年度考试 ${t.examsTaken} 场，合格 ${t.examsPassed} 场，优秀 ${t.excellent} 场`,
      `本年度培训班结业 ${t.classesCompleted} 个，未结业 ${t.classesNotCompleted} 个`,
    ];
  }
  const u = f as UnitFigures;
  const pc = (v: number | null) => (v === null ? '无数据' : `${v}%`);
  return [
    `学时达标 ${u.complete}/${u.teachers} 人（${pc(u.completionPercent)}）`,
    `本年度学时验证${u.signedOff ? '已签章' : '未签章'}`,
    `考试合格 ${u.examPassed}/${u.examResults} 人次（${pc(u.examPassPercent)}）`,
    `培训结业 ${u.completed}/${u.enrolments} 人次（${pc(u.participationPercent)}）`,
  ];
}

/**
 * Commendations: a bureau sets criteria over a year's statistics, the product proposes the
 * units, administrators and trainees of its subtree that meet them (with the figures), the bureau
 * removes or adds candidates with a reason, publishes the list for public notice (公示), and the
 * finalised notice records the honours (荣誉) of the lines kept.
 */
export function createCommendationService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createCommendationRepository(db);

  registerPublicityKind('commendation', {
    async finalise(trx, ctx, outcome) {
      const r = createCommendationRepository(trx);
      const batch = await r.batch(ctx.sourceId);
      if (!batch) return;
      const kept = new Set(outcome.kept);
      const day = today(env);
      for (const c of await r.candidates(batch.id)) {
        if (c.removedAt) continue;
        if (!kept.has(c.id)) {
          await r.setOutcome(c.id, 'removed', null);
          continue;
        }
        const h = await recordHonour(trx, {
          provinceId: batch.provinceId,
          kind: c.kind as HonourKind,
          teacherId: c.teacherId,
          userId: c.userId,
          orgUnitId: c.orgUnitId,
          orgPath: c.orgPath,
          recipientName: c.name,
          awardedByUnitId: batch.orgUnitId,
          awardedByPath: batch.orgPath,
          title: `${batch.year}年度${KIND_TITLE[c.kind]}`,
          grade: null,
          year: batch.year,
          source: { kind: 'commendation', id: batch.id },
          awardedOn: day,
          createdBy: ctx.actor.userId,
        });
        await r.setOutcome(c.id, 'kept', h.id);
      }
      await r.updateBatch(batch.id, { status: 'finalised' });
    },
    async withdrawn(trx, ctx) {
      // back to a draft: the bureau may review the candidates again and publish anew
      await createCommendationRepository(trx).updateBatch(ctx.sourceId, { status: 'draft' });
    },
  });

  const invalid = (reason: string, problems?: string[]) =>
    new AppError('COMMENDATION_INVALID', { params: { reason }, details: problems ? { problems } : undefined });

  async function readable(ctx: RequestContext, id: number, action: string): Promise<BatchRow> {
    const actor = await requireRegistryRole(db, ctx, action);
    const b = await repo.batch(id);
    if (!b || b.provinceId !== actor.provinceId || !can(actor, 'org.read', { path: b.orgPath }))
      return auditRefusal(db, ctx, { action, targetType: 'commendation_batch', targetId: id }, notFoundDenied());
    await requireAdminAction(db, ctx, action, 'commendation.manage', {
      path: b.orgPath,
      type: 'commendation_batch',
      id,
      label: b.title,
    });
    return b;
  }

  async function view(b: BatchRow): Promise<BatchView> {
    const [candidatesList, p] = await Promise.all([repo.candidates(b.id), publicityOf(db, 'commendation', b.id)]);
    return { ...b, candidatesList, publicity: p ? { id: p.id, status: p.status } : null };
  }

  async function cycleOf(provinceId: number, year: number) {
    const cycle = await createCreditLedgerRepository(db).cycleForYear(provinceId, year);
    if (!cycle) throw new AppError('CYCLE_NOT_FOUND_FOR_YEAR', { params: { year } });
    return cycle;
  }

  /** What the criteria propose under the bureau for the year. */
  async function proposals(trx: Database, b: BatchRow): Promise<CandidateInput[]> {
    const r = createCommendationRepository(trx);
    const cycle = await cycleOf(b.provinceId, b.year);
    const c = b.criteria;
    const out: CandidateInput[] = [];
    if (c.advancedUnit.enabled || c.outstandingAdmin.enabled) {
      const units = await r.unitFigures({ path: b.orgPath, cycleId: cycle.id, year: b.year });
      for (const u of propose(
        units,
        (x) => unitQualifies(c.advancedUnit, x.figures),
        compareUnits,
        c.advancedUnit.maxCount,
      ))
        out.push({
          kind: 'advanced_unit',
          orgUnitId: u.orgUnitId,
          orgPath: u.orgPath,
          teacherId: null,
          userId: null,
          name: u.name,
          unitName: u.name,
          figures: u.figures,
        });
      const adminUnits = units.filter((x) => unitQualifies(c.outstandingAdmin, x.figures)).sort(compareUnits);
      const admins = await r.adminsAt(adminUnits.map((u) => u.orgUnitId));
      const ranked = adminUnits.flatMap((u) =>
        admins.filter((a) => a.orgUnitId === u.orgUnitId).map((a) => ({ a, u })),
      );
      const capped = c.outstandingAdmin.maxCount === null ? ranked : ranked.slice(0, c.outstandingAdmin.maxCount);
      for (const { a, u } of capped)
        out.push({
          kind: 'outstanding_admin',
          orgUnitId: u.orgUnitId,
          orgPath: u.orgPath,
          teacherId: null,
          userId: a.userId,
          name: a.name,
          unitName: u.name,
          figures: u.figures,
        });
    }
    if (c.outstandingTrainee.enabled) {
      const people = await r.traineeFigures({
        path: b.orgPath,
        cycleId: cycle.id,
        startYear: cycle.startYear,
        year: b.year,
        completeOnly: c.outstandingTrainee.requireComplete,
      });
      for (const p of propose(
        people,
        (x) => traineeQualifies(c.outstandingTrainee, x.figures),
        compareTrainees,
        c.outstandingTrainee.maxCount,
      ))
        out.push({
          kind: 'outstanding_trainee',
          orgUnitId: p.orgUnitId,
          orgPath: p.orgPath,
          teacherId: p.teacherId,
          userId: null,
          name: p.name,
          unitName: p.unitName,
          figures: p.figures,
        });
    }
    return out;
  }

  function checkCriteria(c: CommendationCriteria) {
    const problems = criteriaProblems(c);
    if (problems.length) throw invalid(problems[0]!, problems);
  }

  async function draftWrite<T>(
    ctx: RequestContext,
    id: number,
    action: string,
    details: Record<string, unknown>,
    fn: (trx: Database, b: BatchRow, actor: Actor, meta: { details?: Record<string, unknown> | null }) => Promise<T>,
    states: readonly string[] = ['draft'],
  ): Promise<BatchView> {
    const actor = requireActor(ctx);
    const b = await readable(ctx, id, action);
    await auditedWrite(
      db,
      ctx,
      { action, targetType: 'commendation_batch', targetId: id, targetPath: b.orgPath, targetLabel: b.title, details },
      async (trx, meta) => {
        const status = await createCommendationRepository(trx).lock(id);
        if (!status || !states.includes(status)) throw new AppError('COMMENDATION_STATE');
        await fn(trx, b, actor, meta);
      },
    );
    return view((await repo.batch(id))!);
  }

  return {
    async list(
      ctx: RequestContext,
      q: { orgUnitId?: number; year?: number; page: number; pageSize: number },
    ): Promise<{ items: BatchRow[]; total: number }> {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(
        db,
        ctx,
        q.orgUnitId ?? actor.orgUnitId,
        'commendation.list',
        'commendation.manage',
      );
      const r = await repo.batchesUnder({
        provinceId: actor.provinceId,
        path: unit.path,
        year: q.year,
        offset: (q.page - 1) * q.pageSize,
        limit: q.pageSize,
      });
      return { items: r.rows, total: r.total };
    },

    async create(
      ctx: RequestContext,
      input: { orgUnitId?: number; year: number; title: string; criteria: CommendationCriteria },
    ): Promise<BatchView> {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(
        db,
        ctx,
        input.orgUnitId ?? actor.orgUnitId,
        'commendation.create',
        'commendation.manage',
      );
      if (!(COMMENDING_KINDS as readonly string[]).includes(unit.kind)) throw invalid('orgUnitId');
      checkCriteria(input.criteria);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'commendation.create',
          targetType: 'commendation_batch',
          targetPath: unit.path,
          targetLabel: input.title,
          details: { year: input.year, criteria: input.criteria },
        },
        async (trx, meta) => {
          const id = await createCommendationRepository(trx).insertBatch({
            provinceId: actor.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            year: input.year,
            title: input.title,
            criteria: input.criteria,
            by: actor.userId,
          });
          meta.targetId = id;
          return id;
        },
      );
      return view((await repo.batch(id))!);
    },

    async get(ctx: RequestContext, id: number): Promise<BatchView> {
      return view(await readable(ctx, id, 'commendation.read'));
    },

    async update(
      ctx: RequestContext,
      id: number,
      input: { title?: string; criteria?: CommendationCriteria },
    ): Promise<BatchView> {
      if (input.criteria) checkCriteria(input.criteria);
      return draftWrite(ctx, id, 'commendation.update', { ...input }, async (trx) => {
        await createCommendationRepository(trx).updateBatch(id, input);
      });
    },

    /** Proposes the candidates the criteria select (again): those the bureau added stay. */
    async propose(ctx: RequestContext, id: number): Promise<BatchView> {
      return draftWrite(ctx, id, 'commendation.propose', {}, async (trx, b, actor, meta) => {
        const rows = await proposals(trx, b);
        const r = createCommendationRepository(trx);
        await r.replaceProposed(id, rows, actor.userId);
        await r.updateBatch(id, { proposedAt: new Date() });
        meta.details = {
          advancedUnit: rows.filter((x) => x.kind === 'advanced_unit').length,
          outstandingAdmin: rows.filter((x) => x.kind === 'outstanding_admin').length,
          outstandingTrainee: rows.filter((x) => x.kind === 'outstanding_trainee').length,
        };
      });
    },

    /** Takes a candidate off the list with a reason (the row stays, with who and why). */
    async removeCandidate(ctx: RequestContext, id: number, candidateId: number, reason: string): Promise<BatchView> {
      return draftWrite(ctx, id, 'commendation.remove', { candidateId, reason }, async (trx, _b, actor, meta) => {
        const c = (await createCommendationRepository(trx).candidates(id)).find((x) => x.id === candidateId);
        if (!c) throw new AppError('NOT_FOUND');
        meta.details = { ...meta.details, kind: c.kind, name: c.name };
        if (!(await createCommendationRepository(trx).remove(candidateId, reason, actor.userId)))
          throw new AppError('COMMENDATION_STATE');
      });
    },

    async restoreCandidate(ctx: RequestContext, id: number, candidateId: number): Promise<BatchView> {
      return draftWrite(ctx, id, 'commendation.restore', { candidateId }, async (trx, _b, _actor, meta) => {
        const c = (await createCommendationRepository(trx).candidates(id)).find((x) => x.id === candidateId);
        if (!c) throw new AppError('NOT_FOUND');
        meta.details = { ...meta.details, kind: c.kind, name: c.name };
        if (!(await createCommendationRepository(trx).restore(candidateId))) throw new AppError('COMMENDATION_STATE');
      });
    },

    /**
     * Adds a candidate the criteria did not propose, with a reason: a unit or a teacher of the
     * bureau's subtree, or an administrator of a unit in it; their figures are shown all the same.
     */
    async addCandidate(
      ctx: RequestContext,
      id: number,
      input: { kind: CommendationKind; orgUnitId?: number; teacherId?: number; userId?: number; reason: string },
    ): Promise<BatchView> {
      return draftWrite(ctx, id, 'commendation.add', { ...input }, async (trx, b, actor, meta) => {
        const r = createCommendationRepository(trx);
        let row: CandidateInput | null = null;
        if (input.kind === 'outstanding_trainee') {
          if (input.teacherId === undefined) throw invalid('teacherId');
          // out of the bureau's subtree reads as an invalid choice, before anything is computed
          if (!(await r.teacherPath(input.teacherId))?.startsWith(b.orgPath)) throw invalid('teacherId');
          const cycle = await cycleOf(b.provinceId, b.year);
          const p = (
            await r.traineeFigures({
              path: b.orgPath,
              cycleId: cycle.id,
              startYear: cycle.startYear,
              year: b.year,
              completeOnly: false,
              teacherId: input.teacherId,
            })
          )[0];
          if (!p) throw invalid('teacherId');
          row = { kind: input.kind, ...p, userId: null };
        } else {
          let unitId = input.orgUnitId;
          let userId: number | null = null;
          let name: string | null = null;
          if (input.kind === 'outstanding_admin') {
            if (input.userId === undefined) throw invalid('userId');
            const account = await r.account(input.userId);
            if (!account?.orgPath.startsWith(b.orgPath) || !account.role.endsWith('_admin')) throw invalid('userId');
            unitId = account.orgUnitId;
            userId = account.userId;
            name = account.name;
          }
          if (unitId === undefined) throw invalid('orgUnitId');
          const unit = await createOrgUnitRepository(trx).findById(unitId);
          if (!unit?.path.startsWith(b.orgPath)) throw invalid('orgUnitId');
          const cycle = await cycleOf(b.provinceId, b.year);
          const figures = (await r.unitFigures({ path: unit.path, cycleId: cycle.id, year: b.year })).find(
            (u) => u.orgUnitId === unit.id,
          )?.figures ?? {
            teachers: 0,
            complete: 0,
            completionPercent: null,
            signedOff: false,
            examResults: 0,
            examPassed: 0,
            examPassPercent: null,
            enrolments: 0,
            completed: 0,
            participationPercent: null,
          };
          row = {
            kind: input.kind,
            orgUnitId: unit.id,
            orgPath: unit.path,
            teacherId: null,
            userId,
            name: name ?? unit.name,
            unitName: unit.name,
            figures,
          };
        }
        meta.details = { ...meta.details, name: row.name };
        const added = await r.insertAdded(id, row, input.reason, actor.userId);
        if (added === null) throw new AppError('CONFLICT', { details: { reason: 'already_candidate' } });
      });
    },

    /** Publishes the candidates kept for public notice (公示) over the units of the bureau's subtree. */
    async publish(ctx: RequestContext, id: number, input: { startsOn?: string; endsOn?: string }): Promise<BatchView> {
      const startsOn = input.startsOn ?? today(env);
      const endsOn = input.endsOn ?? addWorkingDays(startsOn, DEFAULT_NOTICE_DAYS);
      if (endsOn < startsOn) throw invalid('endsOn');
      return draftWrite(ctx, id, 'commendation.publish', { startsOn, endsOn }, async (trx, b, actor, meta) => {
        const r = createCommendationRepository(trx);
        const list = (await r.candidates(id)).filter((c) => !c.removedAt);
        if (list.length === 0) throw new AppError('COMMENDATION_EMPTY');
        const p = await publishList(trx, actor, {
          kind: 'commendation',
          sourceId: id,
          provinceId: b.provinceId,
          orgUnitId: b.orgUnitId,
          orgPath: b.orgPath,
          scopePath: b.orgPath,
          title: b.title,
          body: null,
          startsOn,
          endsOn,
          items: list.map((c) => ({
            refId: c.id,
            title: c.name,
            subtitle: `${KIND_TITLE[c.kind]} · ${c.unitName}`,
            scorecard: { raw: [], final: null, lines: figureLines(c.kind, c.figures) },
          })),
        });
        await r.updateBatch(id, { status: 'published' });
        meta.details = { ...meta.details, publicityId: p.id, candidates: list.length };
      });
    },
  };
}

export type CommendationService = ReturnType<typeof createCommendationService>;
