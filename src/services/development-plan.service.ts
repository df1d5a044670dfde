import { currentYear, today } from '../config/env.js';
import {
  editable,
  nextStatus,
  normaliseYears,
  type PlanDraft,
  planProblems,
  type PlanStatus,
  type PlanYear,
  reviewable,
  SELF_REVIEW_MAX,
  selfReviewOpen,
  selfReviewOpensOn,
} from '../domain/development-plan.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import {
  createDevelopmentPlanRepository,
  type DevelopmentPlanReviewRow,
  type DevelopmentPlanRow,
} from '../repositories/development-plan.repository.js';
import { createTeacherRepository, type TeacherRow } from '../repositories/teacher.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { notify } from './notify.js';
import { requireAdminAtUnit } from './registry-access.js';

export interface DevelopmentPlanView extends DevelopmentPlanRow {
  reviews: DevelopmentPlanReviewRow[];
  /** what the reader may do now */
  canEdit: boolean;
  canReview: boolean;
  /** the years whose self-review may be written now */
  selfReviewYears: number[];
}

/**
 * Personal professional development plans (个人专业发展规划, R-52). The teacher writes three-year goals
 * and yearly actions, saves drafts and submits; the school's administrators (of the teacher's current
 * school) approve, or return with a comment the teacher sees, revises and submits again; at each
 * year's end the teacher writes a short self-review of that year. Admins above the school read the
 * plans of their subtree. Every change is audited; a submission tells the school's admins, a decision
 * the teacher.
 */
export function createDevelopmentPlanService(deps: ServiceDeps) {
  const { db, env } = deps;
  const plans = createDevelopmentPlanRepository(db);
  const teachers = createTeacherRepository(db);

  async function ownTeacher(ctx: RequestContext, action: string): Promise<TeacherRow> {
    const actor = requireActor(ctx);
    const t = actor.role === 'teacher' ? await teachers.findByUserId(actor.userId) : undefined;
    if (!t) return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    return t;
  }

  /** The teacher's own plan: another teacher's is "not found". */
  async function ownPlan(ctx: RequestContext, id: number, action: string): Promise<DevelopmentPlanRow> {
    const t = await ownTeacher(ctx, action);
    const p = await plans.find(id);
    if (!p || p.teacherId !== t.id)
      return auditRefusal(db, ctx, { action, targetType: 'development_plan', targetId: id }, notFoundDenied());
    return p;
  }

  /** Admins review at the teacher's current school: the school's own admins. */
  const reviews = (actor: { role: string; orgPath: string }, p: { orgPath: string }) =>
    actor.role === 'school_admin' && p.orgPath.startsWith(actor.orgPath);

  /** `starting`: a new plan, whose starting year must lie in the allowed range */
  function check(d: PlanDraft, forSubmit: boolean, starting = false): void {
    const problems = planProblems(d, starting ? currentYear(env) : null, forSubmit);
    if (problems.length)
      throw new AppError('DEVELOPMENT_PLAN_INVALID', {
        params: { reason: problems.map((p) => ('year' in p ? `${p.year} ${p.field}` : p.field)).join(', ') },
        details: { problems },
      });
  }

  function view(ctx: RequestContext, p: DevelopmentPlanRow, history: DevelopmentPlanReviewRow[]): DevelopmentPlanView {
    const actor = requireActor(ctx);
    const own = actor.role === 'teacher';
    const day = today(env);
    return {
      ...p,
      reviews: history,
      canEdit: own && editable(p.status),
      canReview: !own && reviews(actor, p) && reviewable(p.status),
      selfReviewYears: own ? p.years.map((y) => y.year).filter((y) => selfReviewOpen(p, y, day)) : [],
    };
  }

  const meta = (p: { id: number; orgPath: string; teacherName: string }, action: string, details?: object) => ({
    action,
    targetType: 'development_plan',
    targetId: p.id,
    targetPath: p.orgPath,
    targetLabel: p.teacherName,
    details: details as Record<string, unknown> | undefined,
  });

  const yearsOf = (d: PlanDraft, before?: PlanYear[]): PlanYear[] =>
    normaliseYears(
      d.startYear,
      d.years.map((y) => {
        const old = before?.find((b) => b.year === y.year);
        return { ...y, selfReview: old?.selfReview ?? null, selfReviewedAt: old?.selfReviewedAt ?? null };
      }),
    );

  return {
    /** The teacher's own plans, newest period first. */
    async mine(ctx: RequestContext): Promise<DevelopmentPlanView[]> {
      const t = await ownTeacher(ctx, 'development_plan.list_own');
      const list = await plans.ofTeacher(t.id);
      return Promise.all(list.map(async (p) => view(ctx, p, await plans.reviews(p.id))));
    },

    /** One plan: its teacher, or an administrator whose subtree holds the teacher's current school. */
    async get(ctx: RequestContext, id: number): Promise<DevelopmentPlanView> {
      const actor = requireActor(ctx);
      const action = 'development_plan.read';
      if (actor.role === 'teacher') {
        const p = await ownPlan(ctx, id, action);
        return view(ctx, p, await plans.reviews(id));
      }
      if (!isAdmin(actor.role))
        return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const p = await plans.find(id);
      if (!p || p.provinceId !== actor.provinceId || !can(actor, 'teacher.read', { path: p.orgPath }))
        return auditRefusal(db, ctx, { action, targetType: 'development_plan', targetId: id }, notFoundDenied());
      return view(ctx, p, await plans.reviews(id));
    },

    /** The plans of a unit's teachers (the school's review list: submitted ones by default). */
    async list(
      ctx: RequestContext,
      q: { orgUnitId?: number; status?: PlanStatus },
      page: { limit: number; offset: number },
    ): Promise<{ items: DevelopmentPlanRow[]; total: number }> {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(
        db,
        ctx,
        q.orgUnitId ?? actor.orgUnitId,
        'development_plan.list',
        'teacher.read',
      );
      return plans.under(unit.provinceId, unit.path, q.status, page);
    },

    /** A new plan, saved as a draft. One plan per starting year. */
    async create(ctx: RequestContext, d: PlanDraft): Promise<DevelopmentPlanView> {
      const t = await ownTeacher(ctx, 'development_plan.create');
      check(d, false, true);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'development_plan.create',
          targetType: 'development_plan',
          targetPath: t.orgPath,
          targetLabel: t.name,
          details: { startYear: d.startYear },
        },
        async (trx, m) => {
          const id = await createDevelopmentPlanRepository(trx).insert({
            provinceId: t.provinceId,
            teacherId: t.id,
            startYear: d.startYear,
            goals: d.goals,
            years: yearsOf(d),
          });
          if (id === null) throw new AppError('DEVELOPMENT_PLAN_EXISTS', { params: { year: d.startYear } });
          m.targetId = id;
          return id;
        },
      );
      return this.get(ctx, id);
    },

    /** Saves the teacher's changes (a draft, or a returned plan being revised). */
    async save(ctx: RequestContext, id: number, d: Omit<PlanDraft, 'startYear'>): Promise<DevelopmentPlanView> {
      const p = await ownPlan(ctx, id, 'development_plan.update');
      const draft = { ...d, startYear: p.startYear };
      check(draft, false);
      await auditedWrite(db, ctx, meta(p, 'development_plan.update'), async (trx) => {
        const repo = createDevelopmentPlanRepository(trx);
        await repo.lock(id);
        const now = (await repo.find(id))!;
        if (nextStatus(now.status, 'save') === null)
          throw new AppError('DEVELOPMENT_PLAN_STATE', { params: { status: now.status } });
        await repo.update(id, { goals: d.goals, years: yearsOf(draft, now.years) });
      });
      return this.get(ctx, id);
    },

    /** Sends the plan to the school for review; its admins get a message. */
    async submit(ctx: RequestContext, id: number): Promise<DevelopmentPlanView> {
      const actor = requireActor(ctx);
      const p = await ownPlan(ctx, id, 'development_plan.submit');
      await auditedWrite(db, ctx, meta(p, 'development_plan.submit', { startYear: p.startYear }), async (trx) => {
        const repo = createDevelopmentPlanRepository(trx);
        await repo.lock(id);
        const now = (await repo.find(id))!;
        const to = nextStatus(now.status, 'submit');
        if (to === null) throw new AppError('DEVELOPMENT_PLAN_STATE', { params: { status: now.status } });
        check({ startYear: now.startYear, goals: now.goals, years: now.years }, true);
        await repo.update(id, { status: to, submittedAt: new Date() });
        await notify(trx, {
          to: { adminsAt: [now.orgUnitId] },
          kind: 'development_plan_submitted',
          params: { teacher: now.teacherName, startYear: now.startYear },
          link: `/development-plans/${id}`,
          senderId: actor.userId,
        });
      });
      return this.get(ctx, id);
    },

    /** The school's decision: approve, or return with a comment (required) the teacher sees. */
    async review(
      ctx: RequestContext,
      id: number,
      decision: 'approve' | 'return',
      comment: string | null,
    ): Promise<DevelopmentPlanView> {
      const action = 'development_plan.review';
      const actor = requireActor(ctx);
      if (!isAdmin(actor.role))
        return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const p = await plans.find(id);
      if (!p || p.provinceId !== actor.provinceId || !can(actor, 'teacher.read', { path: p.orgPath }))
        return auditRefusal(db, ctx, { action, targetType: 'development_plan', targetId: id }, notFoundDenied());
      if (!reviews(actor, p)) return auditRefusal(db, ctx, meta(p, action), new AppError('FORBIDDEN'));
      const text = comment?.trim() || null;
      if (decision === 'return' && !text)
        throw new AppError('DEVELOPMENT_PLAN_INVALID', {
          params: { reason: 'comment' },
          details: { field: 'comment' },
        });
      await auditedWrite(db, ctx, meta(p, action, { decision, comment: text }), async (trx) => {
        const repo = createDevelopmentPlanRepository(trx);
        await repo.lock(id);
        const now = (await repo.find(id))!;
        const to = nextStatus(now.status, decision);
        if (to === null) throw new AppError('DEVELOPMENT_PLAN_STATE', { params: { status: now.status } });
        await repo.update(id, { status: to, reviewComment: text, reviewedAt: new Date(), reviewedBy: actor.userId });
        await repo.insertReview({
          planId: id,
          decision: decision === 'approve' ? 'approved' : 'returned',
          comment: text,
          orgPath: actor.orgPath,
          by: actor.userId,
          snapshot: { goals: now.goals, years: now.years, startYear: now.startYear },
        });
        await notify(trx, {
          to: { teacherOf: now.teacherId },
          kind: decision === 'approve' ? 'development_plan_approved' : 'development_plan_returned',
          params: { startYear: now.startYear, comment: text },
          link: '/me/plan',
          senderId: actor.userId,
        });
      });
      return this.get(ctx, id);
    },

    /** The teacher's self-review of one year of an approved plan, from that year's December. */
    async selfReview(ctx: RequestContext, id: number, year: number, text: string): Promise<DevelopmentPlanView> {
      const p = await ownPlan(ctx, id, 'development_plan.self_review');
      const body = text.trim();
      if (body === '' || body.length > SELF_REVIEW_MAX)
        throw new AppError('DEVELOPMENT_PLAN_INVALID', {
          params: { reason: 'selfReview' },
          details: { field: 'text' },
        });
      await auditedWrite(db, ctx, meta(p, 'development_plan.self_review', { year }), async (trx) => {
        const repo = createDevelopmentPlanRepository(trx);
        await repo.lock(id);
        const now = (await repo.find(id))!;
        if (!selfReviewOpen(now, year, today(env)))
          throw new AppError('SELF_REVIEW_NOT_OPEN', {
            params: { year, from: selfReviewOpensOn(year) },
            details: { status: now.status },
          });
        const at = new Date().toISOString();
        await repo.update(id, {
          years: now.years.map((y) => (y.year === year ? { ...y, selfReview: body, selfReviewedAt: at } : y)),
        });
      });
      return this.get(ctx, id);
    },
  };
}

export type DevelopmentPlanService = ReturnType<typeof createDevelopmentPlanService>;
