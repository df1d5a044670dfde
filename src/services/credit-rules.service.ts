import { currentYear } from '../config/env.js';
import { defaultRules, validateRules, type CycleRules } from '../domain/cycle-rules.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { kickJobs, registerJobHandler } from '../jobs/job-runner.js';
import { can } from '../policies/access.policy.js';
import { createCreditLedgerRepository, type CycleRow } from '../repositories/credit-ledger.repository.js';
import { createJobRepository, type JobRow } from '../repositories/job.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { PREVIEW_JOB, REFRESH_JOB } from './credit-jobs.js';
import { rulesOf } from './credit-summary.js';
import { previewRules, refreshCycle } from './ledger-maintenance.js';

export interface CycleView extends CycleRow {
  rules: CycleRules;
  current: boolean;
}

function rulesProblem(problems: ReturnType<typeof validateRules>): AppError {
  return new AppError('CYCLE_RULES_INVALID', { details: { problems } });
}

/**
 * Cycles and their rules (R-10 … R-14), set by a province administrator and inherited by every
 * unit of the province. Saving rules keeps the old version; teachers' statuses are then
 * recomputed by a background job.
 */
export function createCreditRulesService(deps: ServiceDeps) {
  const { db, env } = deps;
  const ledger = createCreditLedgerRepository(db);
  const jobs = createJobRepository(db);

  registerJobHandler(REFRESH_JOB, (job, ctl) =>
    refreshCycle(db, env, Number(job.params['cycleId']), ctl.progress, ctl.signal),
  );
  registerJobHandler(PREVIEW_JOB, (job, ctl) =>
    previewRules(db, env, Number(job.params['cycleId']), job.params['rules'] as CycleRules, ctl.progress, ctl.signal),
  );

  async function provinceUnit(provinceId: number) {
    const u = await createOrgUnitRepository(db).findById(provinceId);
    if (!u) throw new AppError('NOT_FOUND');
    return u;
  }

  /** A cycle of the actor's province; anyone of the province may read it. */
  async function readable(ctx: RequestContext, id: number, action: string): Promise<CycleRow> {
    const actor = requireActor(ctx);
    const c = await ledger.cycle(id);
    if (!c || c.provinceId !== actor.provinceId)
      return auditRefusal(db, ctx, { action, targetType: 'credit_cycle', targetId: id }, notFoundDenied());
    return c;
  }

  /** Rules are read by the whole province but set by its province administrators: anyone else is refused, not misled. */
  async function requireRulesRight(
    ctx: RequestContext,
    action: string,
    target: { path: string; type: string; id: number | null; label: string },
  ): Promise<void> {
    if (!can(requireActor(ctx), 'credit.rules', { path: target.path })) {
      await auditRefusal(
        db,
        ctx,
        { action, targetType: target.type, targetId: target.id, targetPath: target.path, targetLabel: target.label },
        new AppError('FORBIDDEN'),
      );
    }
  }

  async function manageable(ctx: RequestContext, id: number, action: string): Promise<CycleRow> {
    const c = await readable(ctx, id, action);
    await requireRulesRight(ctx, action, { path: c.orgPath, type: 'credit_cycle', id, label: c.name });
    return c;
  }

  const view = async (c: CycleRow): Promise<CycleView> => {
    const y = currentYear(env);
    return { ...c, rules: await rulesOf(db, c), current: c.startYear <= y && y <= c.endYear };
  };

  return {
    async list(ctx: RequestContext): Promise<CycleView[]> {
      const actor = requireActor(ctx);
      return Promise.all((await ledger.cycles(actor.provinceId)).map(view));
    },

    async get(
      ctx: RequestContext,
      id: number,
    ): Promise<CycleView & { versions: Awaited<ReturnType<typeof ledger.ruleVersions>>; canManage: boolean }> {
      const c = await readable(ctx, id, 'credit.read_cycle');
      const actor = requireActor(ctx);
      return {
        ...(await view(c)),
        versions: await ledger.ruleVersions(id),
        canManage: can(actor, 'credit.rules', { path: c.orgPath }),
      };
    },

    /** The cycle that contains the current year, if the province has set one. */
    async current(provinceId: number): Promise<CycleRow | undefined> {
      return ledger.cycleForYear(provinceId, currentYear(env));
    },

    defaults(startYear: number, endYear: number): CycleRules {
      return defaultRules({ startYear, endYear });
    },

    async create(
      ctx: RequestContext,
      input: { name: string; startYear: number; endYear: number; rules?: CycleRules; note?: string | null },
    ): Promise<CycleView> {
      const actor = requireActor(ctx);
      const province = await provinceUnit(actor.provinceId);
      await requireRulesRight(ctx, 'credit.create_cycle', {
        path: province.path,
        type: 'org_unit',
        id: province.id,
        label: province.name,
      });
      const span = { startYear: input.startYear, endYear: input.endYear };
      const rules = input.rules ?? defaultRules(span);
      if (input.endYear < input.startYear || input.endYear - input.startYear > 9)
        throw new AppError('CYCLE_RULES_INVALID', {
          details: { problems: [{ path: 'endYear', code: 'cycle_years' }] },
        });
      const problems = validateRules(rules, span);
      if (problems.length) throw rulesProblem(problems);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.create_cycle',
          targetType: 'credit_cycle',
          targetPath: province.path,
          targetLabel: input.name,
          details: span,
        },
        async (trx, meta) => {
          const repo = createCreditLedgerRepository(trx);
          await repo.lockProvince(province.provinceId);
          const clash = await repo.overlapping(province.provinceId, input.startYear, input.endYear);
          if (clash) throw new AppError('CYCLE_OVERLAP', { params: { name: clash.name } });
          const cycleId = await repo.insertCycle({
            provinceId: province.provinceId,
            orgUnitId: province.id,
            orgPath: province.path,
            name: input.name,
            ...span,
            createdBy: actor.userId,
          });
          await repo.insertRuleVersion({
            cycleId,
            version: 1,
            rules,
            note: input.note ?? null,
            createdBy: actor.userId,
          });
          await createJobRepository(trx).enqueue({
            kind: REFRESH_JOB,
            provinceId: province.provinceId,
            orgPath: province.path,
            params: { cycleId },
            createdBy: actor.userId,
          });
          meta.targetId = cycleId;
          return cycleId;
        },
      );
      kickJobs();
      return view((await ledger.cycle(id))!);
    },

    /**
     * A dry run of new rules: a background job compares every teacher's status under the rules in
     * force and under the proposed ones, and lists who would change. Nothing is saved.
     */
    async preview(ctx: RequestContext, id: number, rules: CycleRules): Promise<JobRow> {
      const c = await manageable(ctx, id, 'credit.preview_rules');
      const problems = validateRules(rules, c);
      if (problems.length) throw rulesProblem(problems);
      const actor = requireActor(ctx);
      const jobId = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.preview_rules',
          targetType: 'credit_cycle',
          targetId: id,
          targetPath: c.orgPath,
          targetLabel: c.name,
        },
        async (trx) =>
          createJobRepository(trx).enqueue({
            kind: PREVIEW_JOB,
            provinceId: c.provinceId,
            orgPath: c.orgPath,
            params: { cycleId: id, rules, baseVersion: c.currentVersion },
            createdBy: actor.userId,
          }),
      );
      kickJobs();
      return (await jobs.get(jobId))!;
    },

    /** Saves the rules as a new version and recomputes every teacher's status in the background. */
    async save(
      ctx: RequestContext,
      id: number,
      rules: CycleRules,
      note: string | null,
    ): Promise<CycleView & { refreshJobId: number }> {
      const c = await manageable(ctx, id, 'credit.save_rules');
      const problems = validateRules(rules, c);
      if (problems.length) throw rulesProblem(problems);
      const actor = requireActor(ctx);
      const { jobId, version } = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.save_rules',
          targetType: 'credit_cycle',
          targetId: id,
          targetPath: c.orgPath,
          targetLabel: c.name,
        },
        async (trx, meta) => {
          const repo = createCreditLedgerRepository(trx);
          const locked = (await repo.lockCycle(id))!;
          const version = locked.currentVersion + 1;
          await repo.insertRuleVersion({ cycleId: id, version, rules, note, createdBy: actor.userId });
          meta.details = { version, note };
          return {
            version,
            jobId: await createJobRepository(trx).enqueue({
              kind: REFRESH_JOB,
              provinceId: c.provinceId,
              orgPath: c.orgPath,
              params: { cycleId: id },
              createdBy: actor.userId,
            }),
          };
        },
      );
      kickJobs();
      // the version this save wrote, even if another save followed it at once
      return { ...(await view({ ...c, currentVersion: version })), refreshJobId: jobId };
    },
  };
}
