import crypto from 'node:crypto';
import { chinaTime } from '../config/env.js';
import { isAdmin } from '../domain/org-tree.js';
import {
  buildPaper,
  freezePools,
  paperMaxScore,
  poolVersionIds,
  specProblems,
  type FrozenPaper,
  type PaperProblem,
} from '../domain/exam-paper.js';
import { compositeValid, levelCutsValid } from '../domain/exam-score.js';
import { candidateView } from '../domain/question.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createExamAttemptRepository } from '../repositories/exam-attempt.repository.js';
import {
  createExamRepository,
  type ExamRow,
  type ExamStatus,
  type ExamWrite,
} from '../repositories/exam.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';
import { recomputeResults } from './exam-grading.js';
import { notify } from './notify.js';
import { requireAdminAction, requireAdminAtUnit } from './registry-access.js';

export type ExamInput = Omit<ExamWrite, 'provinceId' | 'orgPath'>;

/**
 * The exam an admin may act on under `policy`: "not found" outside the organiser's subtree, "forbidden"
 * inside it without the right, and for trainers and teachers.
 */
export async function requireExam(
  deps: ServiceDeps,
  ctx: RequestContext,
  id: number,
  action: string,
  policy: 'exam.manage' | 'exam.results' = 'exam.manage',
): Promise<{ actor: Actor; exam: ExamRow }> {
  const actor = requireActor(ctx);
  // trainers and teachers are refused before anything is looked up, as for every admin use case
  if (!isAdmin(actor.role))
    return auditRefusal(deps.db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
  const exam = await createExamRepository(deps.db).exam(id);
  if (!exam || exam.provinceId !== actor.provinceId)
    return auditRefusal(deps.db, ctx, { action, targetType: 'exam', targetId: id }, notFoundDenied());
  await requireAdminAction(deps.db, ctx, action, policy, { path: exam.orgPath, type: 'exam', id, label: exam.title });
  return { actor, exam };
}

const paperError = (problems: PaperProblem[]) =>
  new AppError('EXAM_PAPER_INVALID', { details: { problems }, params: { count: problems.length } });

/**
 * Exams (R-30 … R-33), as their organisers set them: the target, the window, the paper (fixed, or drawn
 * per candidate from tagged pools), the entry gates, composite weights and level cut-offs. Publication
 * freezes the paper's questions; from then on candidates start attempts (exam-attempt.service.ts).
 */
export function createExamService(deps: ServiceDeps, credits: CreditLedgerService) {
  const { db } = deps;
  const repo = createExamRepository(db);

  /** The target exists and lies where the organiser may set exams for it. */
  async function checkTarget(actor: Actor, input: ExamInput, orgPath: string) {
    const inScope = (p: string) => can(actor, 'exam.manage', { path: p });
    const refuse = () => new AppError('EXAM_TARGET_INVALID');
    switch (input.target) {
      case 'course': {
        const c = input.courseId !== null ? await repo.courseOf(input.courseId) : undefined;
        if (!c || c.provinceId !== actor.provinceId || !can(actor, 'course.read', { path: c.orgPath })) throw refuse();
        return { courseHours: c.hours, courseCategories: c.creditCategories };
      }
      case 'class': {
        const c = input.classId !== null ? await repo.classOf(input.classId) : undefined;
        if (!c || c.provinceId !== actor.provinceId || !inScope(c.projectPath) || !c.projectPath.startsWith(orgPath))
          throw refuse();
        return { courseId: c.courseId, projectId: c.projectId };
      }
      case 'project': {
        const p = input.projectId !== null ? await repo.projectOf(input.projectId) : undefined;
        if (!p || p.provinceId !== actor.provinceId || !inScope(p.orgPath) || !p.orgPath.startsWith(orgPath))
          throw refuse();
        return {};
      }
      case 'spot_check': {
        const s = input.spotCheckId !== null ? await repo.spotCheckOf(input.spotCheckId) : undefined;
        if (!s || s.provinceId !== actor.provinceId || !inScope(s.orgPath)) throw refuse();
        return {};
      }
      default: {
        const never: never = input.target;
        return never;
      }
    }
  }

  function checkRules(w: Partial<ExamWrite>) {
    if (w.paper) {
      const p = specProblems(w.paper);
      if (p.length) throw paperError(p);
    }
    if (w.opensAt && w.closesAt && w.closesAt <= w.opensAt) throw new AppError('EXAM_WINDOW_INVALID');
    if (w.levelCuts && !levelCutsValid(w.levelCuts)) throw new AppError('EXAM_LEVELS_INVALID');
    if (w.composite && !compositeValid(w.composite.components)) throw new AppError('EXAM_COMPOSITE_INVALID');
  }

  /** The frozen paper of a spec over the banks the organiser may use (every problem reported). */
  async function freeze(e: Pick<ExamRow, 'paper' | 'orgPath' | 'provinceId'>): Promise<FrozenPaper> {
    const spec = e.paper;
    const problems = specProblems(spec);
    if (problems.length) throw paperError(problems);
    if (spec.mode === 'fixed') {
      const usable = new Map(
        (
          await repo.usableQuestions(
            e.orgPath,
            e.provinceId,
            spec.items.map((i) => i.questionId),
          )
        ).map((q) => [q.questionId, q]),
      );
      const missing = spec.items.filter((i) => !usable.has(i.questionId));
      if (missing.length)
        throw paperError(missing.map((m) => ({ code: 'question_unavailable', questionId: m.questionId })));
      return {
        mode: 'fixed',
        items: spec.items.map((i) => {
          const q = usable.get(i.questionId)!;
          return {
            questionVersionId: q.questionVersionId,
            kind: q.kind,
            optionKeys: q.optionKeys,
            shuffleOptions: q.shuffleOptions,
            points: i.points,
          };
        }),
      };
    }
    const { frozen, problems: short } = freezePools(spec.pools, await repo.usableQuestions(e.orgPath, e.provinceId));
    if (short.length) throw paperError(short);
    return frozen;
  }

  async function details(e: ExamRow) {
    const counts = await repo.counts(e.id, await repo.candidateCount(e));
    const { paperPool: _pool, ...rest } = e;
    return { exam: rest, counts, maxScore: maxScoreOf(e) };
  }

  const maxScoreOf = (e: Pick<ExamRow, 'paper'>) =>
    e.paper.mode === 'fixed'
      ? paperMaxScore(e.paper.items)
      : paperMaxScore(e.paper.pools.map((p) => ({ points: p.points * p.count })));

  return {
    async list(
      ctx: RequestContext,
      q: { unitId?: number; status?: ExamStatus; q?: string; page: number; pageSize: number },
    ) {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(db, ctx, q.unitId ?? actor.orgUnitId, 'exam.list', 'exam.manage');
      const r = await repo.list({
        path: unit.path,
        status: q.status,
        q: q.q,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      return { items: r.items.map(({ paperPool: _p, ...e }) => ({ ...e, maxScore: maxScoreOf(e) })), total: r.total };
    },

    async get(ctx: RequestContext, id: number) {
      const { exam } = await requireExam(deps, ctx, id, 'exam.read', 'exam.results');
      return details(exam);
    },

    async create(ctx: RequestContext, input: ExamInput) {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(db, ctx, input.orgUnitId, 'exam.create', 'exam.manage');
      return auditedWrite(
        db,
        ctx,
        { action: 'exam.create', targetType: 'exam', targetLabel: input.title, targetPath: unit.path },
        async (trx, meta) => {
          checkRules(input);
          const t = await checkTarget(actor, input, unit.path);
          const w: ExamWrite = {
            ...input,
            provinceId: actor.provinceId,
            orgPath: unit.path,
            courseId:
              input.target === 'class' ? (t.courseId ?? null) : input.target === 'course' ? input.courseId : null,
            projectId:
              input.target === 'class' ? (t.projectId ?? null) : input.target === 'project' ? input.projectId : null,
            classId: input.target === 'class' ? input.classId : null,
            spotCheckId: input.target === 'spot_check' ? input.spotCheckId : null,
            // a course exam posts the course's hours unless told otherwise; other exams post none
            hours: input.target === 'course' ? (input.hours ?? t.courseHours ?? null) : null,
            creditCategories:
              input.target === 'course' && input.creditCategories.length === 0
                ? (t.courseCategories ?? [])
                : input.creditCategories,
          };
          const id = await createExamRepository(trx).insert(w, actor.userId);
          meta.targetId = id;
          meta.details = { target: w.target, mode: w.paper.mode };
          return details((await createExamRepository(trx).exam(id))!);
        },
      );
    },

    async update(ctx: RequestContext, id: number, patch: Partial<ExamInput>) {
      const { exam } = await requireExam(deps, ctx, id, 'exam.update');
      return auditedWrite(
        db,
        ctx,
        { action: 'exam.update', targetType: 'exam', targetId: id, targetLabel: exam.title, targetPath: exam.orgPath },
        async (trx, meta) => {
          const r = createExamRepository(trx);
          const e = (await r.exam(id, true))!;
          // what candidates were given stays as it was: the paper, gates and target change only in a draft
          const frozenFields = [
            'paper',
            'gates',
            'target',
            'courseId',
            'classId',
            'projectId',
            'spotCheckId',
            'orgUnitId',
          ] as const;
          if (e.status !== 'draft' && frozenFields.some((f) => patch[f] !== undefined))
            throw new AppError('EXAM_NOT_DRAFT');
          if (e.status === 'closed') throw new AppError('EXAM_CLOSED');
          const merged = { opensAt: e.opensAt, closesAt: e.closesAt, ...patch };
          checkRules(merged);
          const { orgUnitId: _u, target: _t, courseId: _c, classId: _k, projectId: _p, spotCheckId: _s, ...w } = patch;
          await r.update(id, w);
          meta.details = { fields: Object.keys(w) };
          const after = (await r.exam(id))!;
          // new weights, cut-offs or pass level apply to the results already there
          if (e.status !== 'draft' && (patch.composite || patch.levelCuts || patch.passLevel)) {
            const teachers = await trx
              .selectFrom('exam_result')
              .select('teacher_id')
              .where('exam_id', '=', id)
              .execute();
            await recomputeResults(
              trx,
              credits,
              after,
              teachers.map((t) => t.teacher_id),
            );
          }
          return details(after);
        },
      );
    },

    async publish(ctx: RequestContext, id: number) {
      const { exam } = await requireExam(deps, ctx, id, 'exam.publish');
      return auditedWrite(
        db,
        ctx,
        { action: 'exam.publish', targetType: 'exam', targetId: id, targetLabel: exam.title, targetPath: exam.orgPath },
        async (trx, meta) => {
          const r = createExamRepository(trx);
          const e = (await r.exam(id, true))!;
          if (e.status !== 'draft') throw new AppError('EXAM_NOT_DRAFT');
          const frozen = await freeze(e);
          await r.freezeVersions(poolVersionIds(frozen));
          await r.publish(id, frozen);
          // the candidates hear of it in their messages (a course exam's are everyone below: they find it in 我的考试)
          const fmt = (d: Date) => chinaTime(d);
          await notify(trx, {
            to: { users: await r.candidateAccounts(e) },
            kind: 'exam_published',
            params: {
              organiser: e.orgUnitName,
              title: e.title,
              opensAt: fmt(e.opensAt),
              closesAt: fmt(e.closesAt),
              minutes: e.durationMinutes,
            },
            link: `/exams/${id}/entry`,
            senderId: requireActor(ctx).userId,
          });
          meta.details = {
            questions: frozen.mode === 'fixed' ? frozen.items.length : frozen.sections.reduce((s, x) => s + x.count, 0),
            pool: poolVersionIds(frozen).length,
          };
          return details((await r.exam(id))!);
        },
      );
    },

    async close(ctx: RequestContext, id: number) {
      const { exam } = await requireExam(deps, ctx, id, 'exam.close');
      return auditedWrite(
        db,
        ctx,
        { action: 'exam.close', targetType: 'exam', targetId: id, targetLabel: exam.title, targetPath: exam.orgPath },
        async (trx) => {
          const r = createExamRepository(trx);
          const e = (await r.exam(id, true))!;
          if (e.status !== 'published') throw new AppError(e.status === 'draft' ? 'EXAM_NOT_PUBLISHED' : 'EXAM_CLOSED');
          await r.close(id);
          return details((await r.exam(id))!);
        },
      );
    },

    /** One candidate's paper for a seed, with keys: what the organiser checks before publishing. */
    async paperPreview(ctx: RequestContext, id: number, seed?: string) {
      const { exam } = await requireExam(deps, ctx, id, 'exam.paper_preview');
      const frozen = exam.paperPool ?? (await freeze(exam));
      const s = seed ?? crypto.randomBytes(16).toString('hex');
      const items = buildPaper(frozen, s, exam.shuffleQuestions);
      const versions = await repo.versions(items.map((i) => i.questionVersionId));
      return {
        seed: s,
        maxScore: paperMaxScore(items),
        questions: items.map((i) => {
          const v = versions.get(i.questionVersionId)!;
          const view = candidateView(v, i.optionOrder);
          return {
            position: i.position,
            questionId: v.questionId,
            version: v.version,
            points: i.points,
            ...view,
            key: v.answer,
            optionOrder: i.optionOrder,
            explanation: v.explanation,
          };
        }),
      };
    },

    async setMarkers(ctx: RequestContext, id: number, userIds: number[]) {
      const { exam } = await requireExam(deps, ctx, id, 'exam.set_markers');
      return auditedWrite(
        db,
        ctx,
        {
          action: 'exam.set_markers',
          targetType: 'exam',
          targetId: id,
          targetLabel: exam.title,
          targetPath: exam.orgPath,
        },
        async (trx, meta) => {
          const r = createExamRepository(trx);
          const users = await r.usersAt([...new Set(userIds)]);
          // markers are accounts of the organiser's subtree (trainers or admins), never teachers
          const bad = userIds.filter((u) => {
            const x = users.find((y) => y.id === u);
            return !x || x.role === 'teacher' || !x.orgPath.startsWith(exam.orgPath);
          });
          if (bad.length) throw new AppError('EXAM_MARKER_INVALID', { details: { userIds: bad } });
          const before = new Set((await r.markers(id)).map((m) => m.userId));
          await r.setMarkers(id, [...new Set(userIds)]);
          meta.details = { userIds };
          // the markers newly named hear of it, with the way to their queue
          const added = [...new Set(userIds)].filter((u) => !before.has(u));
          if (added.length)
            await notify(trx, {
              to: { users: added },
              kind: 'exam_marker_named',
              params: { organiser: exam.orgUnitName, title: exam.title },
              link: `/exams/${id}/marking`,
              senderId: requireActor(ctx).userId,
            });
          return { markers: await r.markers(id) };
        },
      );
    },

    async markers(ctx: RequestContext, id: number) {
      await requireExam(deps, ctx, id, 'exam.read', 'exam.results');
      return { markers: await repo.markers(id) };
    },

    /**
     * The marking waiting for the actor: the exams they were named to mark and, for an admin, those
     * organised at their own unit (the disputed answers only an admin settles). Teachers mark nothing.
     */
    async myMarking(ctx: RequestContext) {
      const actor = requireActor(ctx);
      if (actor.role === 'teacher')
        return auditRefusal(
          db,
          ctx,
          { action: 'exam.my_marking', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const admin = isAdmin(actor.role);
      const rows = await repo.markingOf(actor.userId, admin ? actor.orgPath : null);
      return {
        items: rows.map((r) => ({ ...r, disputed: admin || !r.named ? r.disputed : 0 })),
      };
    },

    /** What invigilators see: pages left and come back to, connections lost and found. */
    async events(ctx: RequestContext, id: number, attemptId: number | null) {
      const { actor, exam } = await requireExam(deps, ctx, id, 'exam.events', 'exam.results');
      // an admin below the organiser sees the events of their own teachers
      const path = actor.orgPath.startsWith(exam.orgPath) ? actor.orgPath : exam.orgPath;
      return { items: await createExamAttemptRepository(db).events(id, path, attemptId, 500) };
    },
  };
}

export type ExamService = ReturnType<typeof createExamService>;
