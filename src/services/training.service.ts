import { currentYear, today } from '../config/env.js';
import { addDays } from '../domain/calendar.js';
import { canMoveProject, levelsForUnit, type ProjectStatus } from '../domain/enrolment.js';
import { isAdmin, isWithin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import {
  createTrainingRepository,
  type ClassRow,
  type CourseRef,
  type ProjectFields,
  type ProjectRow,
  type QuotaRow,
  type SessionFields,
  type SessionRow,
  type TrainerRow,
} from '../repositories/training.repository.js';
import { createOnlineCourseRepository } from '../repositories/online-course.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { notify } from './notify.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { rulesOf } from './credit-summary.js';
import { fillPlaces, projectVisibleTo, withRetry } from './enrolment.service.js';
import { requireAdminAction, requireAdminAtUnit, requireRegistryRole } from './registry-access.js';

export interface ClassDetail extends ClassRow {
  quotas: QuotaRow[];
  trainers: TrainerRow[];
  sessions: SessionRow[];
}

export interface ProjectDetail {
  project: ProjectRow;
  courses: CourseRef[];
  classes: ClassDetail[];
  /** the actor runs this project (edit, classes, bulk enrolment) */
  canManage: boolean;
  /** the actor is a school admin who may nominate their teachers */
  canNominate: boolean;
}

const invalid = (path: string, kind = 'invalid', params?: Record<string, unknown>) =>
  new AppError('VALIDATION_FAILED', { details: { issues: [{ path, kind, ...params }] } });

/**
 * Training projects (培训项目, R-20) and their classes (班次): run by the admins of the organiser
 * unit's subtree. Reading is open to admins on the project's line of the tree (a school reads the
 * county's projects its teachers may join) and to the trainers of its classes.
 */
export function createTrainingService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createTrainingRepository(db);

  async function managed(
    ctx: RequestContext,
    projectId: number,
    action: string,
  ): Promise<{ actor: Actor; project: ProjectRow }> {
    await requireRegistryRole(db, ctx, action);
    const project = await repo.project(projectId);
    if (!project) throw new AppError('NOT_FOUND');
    const actor = await requireAdminAction(db, ctx, action, 'training.manage', {
      path: project.orgPath,
      type: 'training_project',
      id: projectId,
      label: project.title,
    });
    return { actor, project };
  }

  async function managedClass(
    ctx: RequestContext,
    classId: number,
    action: string,
  ): Promise<{ actor: Actor; project: ProjectRow; cls: ClassRow }> {
    await requireRegistryRole(db, ctx, action);
    const cls = await repo.class(classId);
    if (!cls) throw new AppError('NOT_FOUND');
    const { actor, project } = await managed(ctx, cls.projectId, action);
    return { actor, project, cls };
  }

  function requireNotClosed(p: ProjectRow): void {
    if (p.status === 'closed') throw new AppError('PROJECT_STATE', { params: { status: p.status } });
  }

  /** Checks what the schema cannot: dates in order, categories known to the cycle of the year, courses visible. */
  async function checkFields(provinceId: number, orgPath: string, f: ProjectFields): Promise<void> {
    if (f.registrationOpens && f.registrationCloses && f.registrationCloses < f.registrationOpens)
      throw invalid('registrationCloses', 'before_opens');
    if (f.creditCategories.length) {
      const cycle = await createCreditLedgerRepository(db).cycleForYear(provinceId, f.year);
      if (cycle) {
        const known = new Set((await rulesOf(db, cycle)).categories.map((c) => c.code));
        const unknown = f.creditCategories.filter((c) => !known.has(c));
        if (unknown.length) throw invalid('creditCategories', 'unknown_category', { value: unknown.join(',') });
      }
    }
    void orgPath;
  }

  async function detail(project: ProjectRow, actor: Actor): Promise<ProjectDetail> {
    const classes = await repo.classes(project.id);
    const ids = classes.map((c) => c.id);
    const [courses, quotas, trainers, sessions] = await Promise.all([
      repo.courses(project.id),
      repo.quotas(ids),
      repo.trainers(ids),
      repo.sessions(ids),
    ]);
    return {
      project,
      courses,
      classes: classes.map((c) => ({
        ...c,
        quotas: quotas.filter((q) => q.classId === c.id),
        sessions: sessions.filter((s) => s.classId === c.id),
        trainers: trainers.filter((t) => t.classId === c.id).map(({ classId: _, ...t }) => t),
      })),
      canManage: can(actor, 'training.manage', { path: project.orgPath }),
      canNominate:
        actor.role === 'school_admin' && project.status === 'open' && isWithin(project.orgPath, actor.orgPath),
    };
  }

  function checkSession(f: SessionFields): void {
    if (f.endsAt <= f.startsAt) throw invalid('endsAt', 'before_start');
    if (f.checkinClosesAt <= f.checkinOpensAt) throw invalid('checkinClosesAt', 'before_opens');
    if (!f.place && !f.onlineUrl) throw invalid('place', 'required');
  }

  return {
    /** Projects on the admin's line of the tree: run in their subtree, or published above it. */
    async list(
      ctx: RequestContext,
      q: {
        year?: number;
        status?: ProjectStatus;
        q?: string;
        /** only those whose registration closes from today to this many days ahead */
        closingWithinDays?: number;
        limit: number;
        offset: number;
      },
    ): Promise<{ items: Array<ProjectRow & { canManage: boolean }>; total: number }> {
      const actor = await requireRegistryRole(db, ctx, 'training.list_projects');
      const { closingWithinDays: days, ...f } = q;
      const from = today(env);
      const closes = days === undefined ? undefined : { from, to: addDays(from, days) };
      const r = await repo.onLine(actor.provinceId, actor.orgPath, { ...f, closes });
      return {
        items: r.items.map((p) => ({ ...p, canManage: can(actor, 'training.manage', { path: p.orgPath }) })),
        total: r.total,
      };
    },

    async get(ctx: RequestContext, id: number): Promise<ProjectDetail> {
      const action = 'training.read_project';
      const actor = requireActor(ctx);
      const project = await repo.project(id);
      if (!project) throw new AppError('NOT_FOUND');
      let visible = false;
      if (isAdmin(actor.role) || actor.role === 'teacher') visible = projectVisibleTo(actor, project);
      else if (actor.role === 'trainer')
        visible =
          (await repo.classes(id)).length > 0 &&
          (await repo.trainers((await repo.classes(id)).map((c) => c.id))).some((t) => t.userId === actor.userId);
      if (!visible)
        return auditRefusal(db, ctx, { action, targetType: 'training_project', targetId: id }, notFoundDenied());
      return detail(project, actor);
    },

    async create(ctx: RequestContext, input: ProjectFields & { orgUnitId: number }): Promise<ProjectDetail> {
      const action = 'training.create_project';
      const unit = await requireAdminAtUnit(db, ctx, input.orgUnitId, action, 'training.manage');
      const actor = requireActor(ctx);
      if (!levelsForUnit(unit.kind).includes(input.level)) throw invalid('level', 'invalid');
      const { orgUnitId: _, ...fields } = input;
      await checkFields(unit.provinceId, unit.path, fields);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetPath: unit.path,
          targetLabel: input.title,
          details: { level: input.level, year: input.year },
        },
        async (trx, m) => {
          const pid = await createTrainingRepository(trx).insertProject({
            ...fields,
            provinceId: unit.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            createdBy: actor.userId,
          });
          m.targetId = pid;
          return pid;
        },
      );
      return detail((await repo.project(id))!, actor);
    },

    async update(ctx: RequestContext, id: number, fields: ProjectFields): Promise<ProjectDetail> {
      const action = 'training.update_project';
      const { actor, project } = await managed(ctx, id, action);
      const unit = (await createOrgUnitRepository(db).findById(project.orgUnitId))!;
      if (!levelsForUnit(unit.kind).includes(fields.level)) throw invalid('level', 'invalid');
      await checkFields(project.provinceId, project.orgPath, fields);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetId: id,
          targetPath: project.orgPath,
          targetLabel: fields.title,
        },
        async (trx) => {
          const cur = (await createTrainingRepository(trx).project(id))!;
          requireNotClosed(cur);
          await createTrainingRepository(trx).updateProject(id, fields);
        },
      );
      return detail((await repo.project(id))!, actor);
    },

    /** draft → open (registration may begin) → closed. */
    async setStatus(ctx: RequestContext, id: number, to: ProjectStatus): Promise<ProjectDetail> {
      const action = 'training.set_project_status';
      const { actor, project } = await managed(ctx, id, action);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetId: id,
          targetPath: project.orgPath,
          targetLabel: project.title,
          details: { from: project.status, to },
        },
        async (trx) => {
          if (
            !canMoveProject(project.status, to) ||
            !(await createTrainingRepository(trx).moveProject(id, project.status, to))
          ) {
            throw new AppError('PROJECT_STATE', { params: { status: project.status } });
          }
        },
      );
      return detail((await repo.project(id))!, actor);
    },

    /** The catalogue courses the project teaches: the organiser's own, those inherited from above, or of units below. */
    async setCourses(ctx: RequestContext, id: number, courseIds: number[]): Promise<ProjectDetail> {
      const action = 'training.set_courses';
      const { actor, project } = await managed(ctx, id, action);
      const ids = [...new Set(courseIds)];
      const found = await repo.findCourses(ids);
      for (const cid of ids) {
        const c = found.find((x) => x.id === cid);
        const onLine =
          c &&
          c.provinceId === project.provinceId &&
          (isWithin(c.orgPath, project.orgPath) || isWithin(project.orgPath, c.orgPath));
        if (!c || !onLine || c.archived) throw invalid('courseIds', 'invalid', { courseId: cid });
      }
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetId: id,
          targetPath: project.orgPath,
          targetLabel: project.title,
          details: { courseIds: ids },
        },
        async (trx) => {
          requireNotClosed((await createTrainingRepository(trx).project(id))!);
          await createTrainingRepository(trx).setCourses(id, ids);
        },
      );
      return detail((await repo.project(id))!, actor);
    },

    async createClass(
      ctx: RequestContext,
      projectId: number,
      input: { name: string; capacity: number },
    ): Promise<ClassDetail> {
      const action = 'training.create_class';
      const { project } = await managed(ctx, projectId, action);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_class',
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${input.name}`,
          details: { projectId, capacity: input.capacity },
        },
        async (trx, m) => {
          requireNotClosed((await createTrainingRepository(trx).project(projectId))!);
          const cid = await createTrainingRepository(trx).insertClass({
            projectId,
            provinceId: project.provinceId,
            orgPath: project.orgPath,
            name: input.name,
            capacity: input.capacity,
          });
          m.targetId = cid;
          return cid;
        },
      );
      return await repo.class(id).then((c) => ({ ...c!, quotas: [], trainers: [], sessions: [] }));
    },

    /** Renames a class or changes its capacity; more places go to the waitlist at once. */
    async updateClass(
      ctx: RequestContext,
      classId: number,
      patch: { name?: string; capacity?: number },
    ): Promise<ClassRow & { promoted: number[] }> {
      const action = 'training.update_class';
      const { project, cls } = await managedClass(ctx, classId, action);
      const promoted = await withRetry(() =>
        auditedWrite(
          db,
          ctx,
          {
            action,
            targetType: 'training_class',
            targetId: classId,
            targetPath: project.orgPath,
            targetLabel: `${project.title} / ${patch.name ?? cls.name}`,
            details: { ...patch },
          },
          async (trx, m) => {
            requireNotClosed(project);
            const tr = createTrainingRepository(trx);
            const locked = (await tr.lockClass(classId))!;
            if (locked.status === 'closed') throw new AppError('CLASS_CLOSED');
            if (patch.capacity !== undefined) {
              if (patch.capacity < locked.enrolled)
                throw new AppError('CAPACITY_BELOW_ENROLLED', { params: { enrolled: locked.enrolled } });
              const reserved = (await tr.quotas([classId])).reduce((s, q) => s + q.quota, 0);
              if (reserved > patch.capacity)
                throw new AppError('QUOTA_INVALID', {
                  params: { problem: `${reserved} > ${patch.capacity}` },
                  details: { reserved, capacity: patch.capacity },
                });
            }
            await tr.updateClass(classId, patch);
            const p = await fillPlaces(trx, classId);
            m.details = { ...m.details, promoted: p };
            return p;
          },
        ),
      );
      return { ...(await repo.class(classId))!, promoted };
    },

    /**
     * Makes a class online (网络研修): it opens a course to its enrolled teachers from one day to another;
     * null makes it face-to-face again. The course must be on the project's line of the tree (its own,
     * inherited from above, or of a unit below), not archived, and hold content. Once a teacher has begun
     * studying, the course stays (its dates may still move). The enrolled teachers are told.
     */
    async setOnline(
      ctx: RequestContext,
      classId: number,
      online: { courseId: number; studyOpensOn: string; studyClosesOn: string } | null,
    ): Promise<ClassRow> {
      const action = 'training.set_online';
      const { actor, project, cls } = await managedClass(ctx, classId, action);
      const meta = {
        action,
        targetType: 'training_class',
        targetId: classId,
        targetPath: project.orgPath,
        targetLabel: `${project.title} / ${cls.name}`,
        details: { ...(online ?? { courseId: null }) },
      };
      let courseTitle: string | null = null;
      if (online) {
        if (online.studyClosesOn < online.studyOpensOn)
          return auditRefusal(db, ctx, meta, invalid('studyClosesOn', 'before_opens'));
        const [c] = await repo.findCourses([online.courseId]);
        const onLine =
          c &&
          c.provinceId === project.provinceId &&
          (isWithin(c.orgPath, project.orgPath) || isWithin(project.orgPath, c.orgPath));
        if (!c || !onLine || c.archived) return auditRefusal(db, ctx, meta, invalid('courseId'));
        courseTitle = c.title;
        const totals = await createOnlineCourseRepository(db).totals([c.id]);
        if (!totals.get(c.id)?.items) return auditRefusal(db, ctx, meta, new AppError('ONLINE_COURSE_EMPTY'));
      }
      await auditedWrite(db, ctx, meta, async (trx) => {
        requireNotClosed((await createTrainingRepository(trx).project(project.id))!);
        const tr = createTrainingRepository(trx);
        const locked = (await tr.lockClass(classId))!;
        if (locked.status === 'closed') throw new AppError('CLASS_CLOSED');
        const sameCourse = online !== null && locked.courseId === online.courseId;
        if (locked.courseId !== null && !sameCourse && (await tr.hasStudy(classId)))
          throw new AppError('CLASS_HAS_STUDY');
        await tr.setOnline(
          classId,
          online && { courseId: online.courseId, opensOn: online.studyOpensOn, closesOn: online.studyClosesOn },
        );
        const changed =
          online !== null &&
          (!sameCourse || locked.studyOpensOn !== online.studyOpensOn || locked.studyClosesOn !== online.studyClosesOn);
        if (changed)
          await notify(trx, {
            to: { users: await tr.enrolledAccounts(classId) },
            kind: 'study_opened',
            params: {
              project: project.title,
              className: cls.name,
              course: courseTitle,
              opensOn: online.studyOpensOn,
              closesOn: online.studyClosesOn,
            },
            link: `/me/study/${classId}`,
            senderId: actor.userId,
          });
      });
      return (await repo.class(classId))!;
    },

    /** Trainer accounts of the organiser's subtree, for the class's trainer picker. */
    async trainerCandidates(ctx: RequestContext, projectId: number, q?: string): Promise<TrainerRow[]> {
      const { project } = await managed(ctx, projectId, 'training.list_trainers');
      return repo.trainerCandidates(project.orgPath, q, 50);
    },

    async setTrainers(ctx: RequestContext, classId: number, userIds: number[]): Promise<TrainerRow[]> {
      const action = 'training.set_trainers';
      const { project, cls } = await managedClass(ctx, classId, action);
      const ids = [...new Set(userIds)];
      const ok = new Set(await repo.trainersWithin(project.orgPath, ids));
      const bad = ids.find((id) => !ok.has(id));
      if (bad !== undefined) throw invalid('userIds', 'invalid', { userId: bad });
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_class',
          targetId: classId,
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${cls.name}`,
          details: { userIds: ids },
        },
        async (trx) => {
          requireNotClosed(project);
          const tr = createTrainingRepository(trx);
          if ((await tr.lockClass(classId))!.status === 'closed') throw new AppError('CLASS_CLOSED');
          await tr.setTrainers(classId, ids);
        },
      );
      return (await repo.trainers([classId])).map(({ classId: _, ...t }) => t);
    },

    /**
     * The quota table of a class for its managers: every child unit of the organiser with its quota
     * and places used, and the class's capacity the quotas must stay within.
     */
    async quotaUnits(ctx: RequestContext, classId: number): Promise<{ capacity: number; items: QuotaRow[] }> {
      const { project, cls } = await managedClass(ctx, classId, 'training.read_quotas');
      return { capacity: cls.capacity, items: await repo.quotaUnits(classId, project.orgUnitId) };
    },

    /**
     * Sets the places reserved for units inside the project's area (a county's schools, a city's
     * counties). A quota below what a unit already uses, or more reserved places than the class
     * has, is refused. Raised quotas give places to waiting teachers of those units.
     */
    async setQuotas(
      ctx: RequestContext,
      classId: number,
      quotas: Array<{ orgUnitId: number; quota: number }>,
    ): Promise<QuotaRow[]> {
      const action = 'training.set_quotas';
      const { actor, project, cls } = await managedClass(ctx, classId, action);
      const ids = [...new Set(quotas.map((q) => q.orgUnitId))];
      if (ids.length !== quotas.length) throw invalid('quotas', 'duplicate');
      const units = await createOrgUnitRepository(db).findByIds(ids);
      for (const id of ids) {
        const u = units.find((x) => x.id === id);
        if (!u || !can(actor, 'org.read', { path: u.path }))
          return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: id }, notFoundDenied());
        if (!isWithin(project.orgPath, u.path) || u.path === project.orgPath)
          throw invalid('quotas', 'invalid', { orgUnitId: id });
      }
      const rows = quotas.map((q) => ({
        orgUnitId: q.orgUnitId,
        quota: q.quota,
        orgPath: units.find((u) => u.id === q.orgUnitId)!.path,
      }));
      await withRetry(() =>
        auditedWrite(
          db,
          ctx,
          {
            action,
            targetType: 'training_class',
            targetId: classId,
            targetPath: project.orgPath,
            targetLabel: `${project.title} / ${cls.name}`,
            details: { quotas },
          },
          async (trx, m) => {
            requireNotClosed(project);
            const tr = createTrainingRepository(trx);
            const locked = (await tr.lockClass(classId))!;
            if (locked.status === 'closed') throw new AppError('CLASS_CLOSED');
            const total = rows.reduce((s, r) => s + r.quota, 0);
            if (total > locked.capacity)
              throw new AppError('QUOTA_INVALID', {
                params: { problem: `${total} > ${locked.capacity}` },
                details: { reserved: total, capacity: locked.capacity },
              });
            const current = await tr.quotas([classId]);
            for (const r of rows) {
              const used = current.find((c) => c.orgUnitId === r.orgUnitId)?.used ?? 0;
              if (r.quota < used)
                throw new AppError('QUOTA_INVALID', {
                  params: { problem: `${units.find((u) => u.id === r.orgUnitId)!.name}: ${r.quota} < ${used}` },
                  details: { orgUnitId: r.orgUnitId, used },
                });
            }
            const dropped = current.find((c) => c.used > 0 && !rows.some((r) => r.orgUnitId === c.orgUnitId));
            if (dropped)
              throw new AppError('QUOTA_INVALID', {
                params: { problem: `${dropped.orgUnitName}: 0 < ${dropped.used}` },
                details: { orgUnitId: dropped.orgUnitId, used: dropped.used },
              });
            await tr.setQuotas(classId, rows);
            m.details = { ...m.details, promoted: await fillPlaces(trx, classId) };
          },
        ),
      );
      return repo.quotas([classId]);
    },

    async createSession(ctx: RequestContext, classId: number, f: SessionFields): Promise<SessionRow> {
      const action = 'training.create_session';
      const { project, cls } = await managedClass(ctx, classId, action);
      checkSession(f);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_session',
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${cls.name}`,
          details: { classId, startsAt: f.startsAt.toISOString() },
        },
        async (trx, m) => {
          requireNotClosed(project);
          const tr = createTrainingRepository(trx);
          if ((await tr.lockClass(classId))!.status === 'closed') throw new AppError('CLASS_CLOSED');
          const sid = await tr.insertSession(classId, f);
          m.targetId = sid;
          return sid;
        },
      );
      return (await repo.session(id))!;
    },

    async updateSession(ctx: RequestContext, sessionId: number, f: SessionFields): Promise<SessionRow> {
      const action = 'training.update_session';
      await requireRegistryRole(db, ctx, action);
      const s = await repo.session(sessionId);
      if (!s) throw new AppError('NOT_FOUND');
      const { project, cls } = await managedClass(ctx, s.classId, action);
      checkSession(f);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_session',
          targetId: sessionId,
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${cls.name}`,
          details: { startsAt: f.startsAt.toISOString() },
        },
        async (trx) => {
          requireNotClosed(project);
          const tr = createTrainingRepository(trx);
          if ((await tr.lockClass(s.classId))!.status === 'closed') throw new AppError('CLASS_CLOSED');
          await tr.updateSession(sessionId, f);
        },
      );
      return (await repo.session(sessionId))!;
    },

    /** Removes a session that nobody has checked in to yet. */
    async deleteSession(ctx: RequestContext, sessionId: number): Promise<void> {
      const action = 'training.delete_session';
      await requireRegistryRole(db, ctx, action);
      const s = await repo.session(sessionId);
      if (!s) throw new AppError('NOT_FOUND');
      const { project, cls } = await managedClass(ctx, s.classId, action);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_session',
          targetId: sessionId,
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${cls.name}`,
        },
        async (trx) => {
          requireNotClosed(project);
          const tr = createTrainingRepository(trx);
          if ((await tr.lockClass(s.classId))!.status === 'closed') throw new AppError('CLASS_CLOSED');
          if (await tr.hasAttendance(sessionId)) throw new AppError('CONFLICT');
          await tr.deleteSession(sessionId);
        },
      );
    },

    /** The year a new project defaults to. */
    defaultYear: () => currentYear(env),
  };
}

export type TrainingService = ReturnType<typeof createTrainingService>;
