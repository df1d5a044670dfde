import type { Kysely } from 'kysely';
import { chinaTime, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { flagsOf } from '../domain/credit-progress.js';
import {
  coveringQuota,
  describeIneligibility,
  ineligibility,
  registrationOpen,
  type IneligibleReason,
} from '../domain/enrolment.js';
import { isAdmin, isWithin } from '../domain/org-tree.js';
import { STAGE_LABELS } from '../domain/teacher.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createEnrolmentRepository,
  type EnrolmentListRow,
  type EnrolmentRow,
  type EnrolmentSource,
  type EnrolmentStatus,
  type TimetableRow,
} from '../repositories/enrolment.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { createTeacherRepository, selectTeachers, type TeacherRow } from '../repositories/teacher.repository.js';
import {
  createTrainingRepository,
  type ClassRow,
  type ProjectRow,
  type QuotaRow,
} from '../repositories/training.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { neutraliseCell } from './roster-file.js';
import { retryConcurrent } from './pg-errors.js';
import { requireAdminAction } from './registry-access.js';
import { createTeacherService, type TeacherQuery } from './teacher.service.js';

/**
 * Concurrent writers retried (see retryConcurrent), and a place taken in another class of the
 * project meanwhile: the next attempt sees it and says so.
 */
export const withRetry = <T>(fn: () => Promise<T>): Promise<T> =>
  retryConcurrent(fn, (e) => e.code === '23505' && e.constraint === 'enrolment_one_place_per_project_idx');

/** Whether a project is on the actor's line of the tree (run above their unit and published, or run inside their subtree). */
export function projectVisibleTo(
  actor: Pick<Actor, 'orgPath' | 'role'>,
  p: Pick<ProjectRow, 'orgPath' | 'status'>,
): boolean {
  if (isAdmin(actor.role) && isWithin(actor.orgPath, p.orgPath)) return true;
  return isWithin(p.orgPath, actor.orgPath) && p.status !== 'draft';
}

/**
 * Gives free places to the waitlist in order (waitlisted_at, id), skipping a teacher whose unit's
 * quota is used up, until the class is full. The caller holds the class row's lock.
 */
export async function fillPlaces(trx: Kysely<DB>, classId: number): Promise<number[]> {
  const training = createTrainingRepository(trx);
  const enrolments = createEnrolmentRepository(trx);
  const cls = (await training.lockClass(classId))!;
  let free = cls.capacity - cls.enrolled;
  if (free <= 0 || cls.waitlisted === 0) return [];
  const quotas = await training.quotas([classId]);
  const promoted: Array<{ id: number; quotaUnitId: number | null }> = [];
  let after: { at: Date; id: number } | undefined;
  while (free > 0) {
    const head = await enrolments.waitlist(classId, 500, after);
    if (!head.length) break;
    for (const w of head) {
      if (free === 0) break;
      const q = coveringQuota(quotas, w.orgPath);
      if (q && q.used >= q.quota) continue;
      if (q) q.used++;
      promoted.push({ id: w.id, quotaUnitId: q?.orgUnitId ?? null });
      free--;
    }
    const last = head[head.length - 1]!;
    after = { at: last.waitlistedAt, id: last.id };
  }
  if (!promoted.length) return [];
  await enrolments.promote(promoted);
  await enrolments.addToCounters(classId, promoted.length, -promoted.length);
  const byQuota = new Map<number, number>();
  for (const p of promoted)
    if (p.quotaUnitId !== null) byQuota.set(p.quotaUnitId, (byQuota.get(p.quotaUnitId) ?? 0) + 1);
  for (const [unit, n] of byQuota) await enrolments.addToQuota(classId, unit, n);
  return promoted.map((p) => p.id);
}

export interface AvailableProject {
  project: ProjectRow;
  classes: ClassRow[];
  registrationOpen: boolean;
  /** why the teacher may not enrol; empty when eligible */
  reasons: IneligibleReason[];
  /** the teacher's place in this project, if any */
  enrolment: (EnrolmentRow & { className: string; waitlistPosition: number | null }) | null;
}

export interface PlaceResult {
  teacherId: number;
  enrolmentId: number;
  status: 'enrolled' | 'waitlisted';
}

/**
 * Enrolment (issue 5 item 4): a teacher enrols themselves, a school nominates its teachers within
 * its quota, an organiser enrols every eligible teacher of some units at once. Places are decided
 * under the class row's lock; a full class puts teachers on the waitlist, and a withdrawal promotes
 * the first waiting teacher in the same transaction.
 */
/** Teachers picked by id, or "all matching" the registry list's filters less those left out. */
export type TeacherPick = { teacherIds: number[] } | { matching: TeacherQuery; except?: number[] };

/** The most teachers one nomination takes. */
export const NOMINATE_MAX = 2_000;

export function createEnrolmentService(deps: ServiceDeps) {
  const { db, env } = deps;
  const training = createTrainingRepository(db);
  const enrolments = createEnrolmentRepository(db);
  const teachers = createTeacherRepository(db);
  const teacherService = createTeacherService(deps);

  /** The teacher record of a teacher account; anyone else is refused before anything is looked up. */
  async function ownTeacher(ctx: RequestContext, action: string): Promise<TeacherRow> {
    const actor = requireActor(ctx);
    const t = actor.role === 'teacher' ? await teachers.findByUserId(actor.userId) : undefined;
    if (!t) return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    return t;
  }

  /** A class with its project, refused as "not found" when the project is not on the actor's line. */
  async function visibleClass(
    ctx: RequestContext,
    classId: number,
    action: string,
    actor: Actor,
  ): Promise<{ cls: ClassRow; project: ProjectRow }> {
    const cls = await training.class(classId);
    const project = cls ? await training.project(cls.projectId) : undefined;
    if (!cls || !project) throw new AppError('NOT_FOUND');
    if (!projectVisibleTo(actor, project))
      return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, notFoundDenied());
    return { cls, project };
  }

  function requireOpenForRegistration(project: ProjectRow, cls: ClassRow): void {
    if (cls.status === 'closed') throw new AppError('CLASS_CLOSED');
    if (
      !registrationOpen(
        { status: project.status, opens: project.registrationOpens, closes: project.registrationCloses },
        today(env),
      )
    )
      throw new AppError('REGISTRATION_CLOSED');
  }

  function notEligible(reasons: IneligibleReason[], teacherId?: number): AppError {
    return new AppError('ENROLMENT_NOT_ELIGIBLE', {
      params: { reasons: describeIneligibility(reasons, 'zh-CN'), reasons_en: describeIneligibility(reasons, 'en') },
      details: { reasons, ...(teacherId !== undefined ? { teacherId } : {}) },
    });
  }

  /**
   * Takes places for teachers in one transaction (the caller passed every check but places):
   * locks the class and the teachers, refuses a teacher who already holds a place in the project,
   * gives each a place while the class and their unit's quota have room, waitlists the rest.
   * With `strictQuota` (a school's nomination) a used-up quota refuses the batch instead.
   */
  async function place(
    trx: Kysely<DB>,
    a: {
      cls: ClassRow;
      project: ProjectRow;
      teachers: TeacherRow[];
      source: EnrolmentSource;
      by: number;
      strictQuota: boolean;
    },
  ): Promise<PlaceResult[]> {
    const tr = createTrainingRepository(trx);
    const en = createEnrolmentRepository(trx);
    const cls = await tr.lockClass(a.cls.id);
    if (!cls) throw new AppError('NOT_FOUND');
    if (cls.status === 'closed') throw new AppError('CLASS_CLOSED');
    const ids = a.teachers.map((t) => t.id);
    await en.lockTeachers(ids);
    const taken = await en.activeInProject(a.project.id, ids);
    const first = ids.find((id) => taken.has(id));
    if (first !== undefined)
      throw new AppError('ALREADY_ENROLLED', {
        params: { className: taken.get(first)! },
        details: { teacherId: first },
      });
    const quotas: QuotaRow[] = await tr.quotas([cls.id]);
    let free = cls.capacity - cls.enrolled;
    const rows = a.teachers.map((t) => {
      const q = coveringQuota(quotas, t.orgPath);
      const quotaFull = q !== undefined && q.used >= q.quota;
      if (quotaFull && a.strictQuota)
        throw new AppError('QUOTA_EXHAUSTED', {
          params: { quota: q.quota },
          details: { orgUnitId: q.orgUnitId, teacherId: t.id },
        });
      const placed = free > 0 && !quotaFull;
      if (placed) {
        free--;
        if (q) q.used++;
      }
      return {
        classId: cls.id,
        teacherId: t.id,
        provinceId: t.provinceId,
        orgUnitId: t.orgUnitId,
        orgPath: t.orgPath,
        status: placed ? ('enrolled' as const) : ('waitlisted' as const),
        source: a.source,
        quotaUnitId: placed ? (q?.orgUnitId ?? null) : null,
        createdBy: a.by,
      };
    });
    const written = await en.insert(rows);
    if (written.length !== rows.length) throw new AppError('CONFLICT');
    const enrolled = rows.filter((r) => r.status === 'enrolled');
    await en.addToCounters(cls.id, enrolled.length, rows.length - enrolled.length);
    const byQuota = new Map<number, number>();
    for (const r of enrolled)
      if (r.quotaUnitId !== null) byQuota.set(r.quotaUnitId, (byQuota.get(r.quotaUnitId) ?? 0) + 1);
    for (const [unit, n] of byQuota) await en.addToQuota(cls.id, unit, n);
    return rows.map((r, i) => ({ teacherId: r.teacherId, enrolmentId: written[i]!, status: r.status }));
  }

  /** Who may act on an enrolment for a teacher: the teacher, the organiser, or the teacher's school. */
  async function requireEnrolmentAccess(
    ctx: RequestContext,
    e: EnrolmentRow,
    project: ProjectRow,
    action: string,
  ): Promise<Actor> {
    const actor = requireActor(ctx);
    const meta = { action, targetType: 'enrolment', targetId: e.id };
    if (actor.role === 'teacher') {
      const own = await teachers.findByUserId(actor.userId);
      if (!own || own.id !== e.teacherId) return auditRefusal(db, ctx, meta, notFoundDenied());
      return actor;
    }
    if (!isAdmin(actor.role) || (!isWithin(actor.orgPath, e.orgPath) && !isWithin(actor.orgPath, project.orgPath)))
      return auditRefusal(db, ctx, meta, notFoundDenied());
    if (
      !can(actor, 'training.manage', { path: project.orgPath }) &&
      !can(actor, 'training.nominate', { path: e.orgPath })
    ) {
      return auditRefusal(db, ctx, { ...meta, targetPath: e.orgPath }, new AppError('FORBIDDEN'));
    }
    return actor;
  }

  /** A class an admin may list the enrolments of (those of their subtree). */
  async function listableClass(
    ctx: RequestContext,
    classId: number,
    action: string,
  ): Promise<{ cls: ClassRow; project: ProjectRow; actor: Actor }> {
    const actor = requireActor(ctx);
    if (!isAdmin(actor.role))
      return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    const { cls, project } = await visibleClass(ctx, classId, action, actor);
    return { cls, project, actor };
  }

  return {
    /** Open projects on the teacher's line of the tree, with their classes and why the teacher may not enrol. */
    async available(ctx: RequestContext): Promise<AvailableProject[]> {
      const t = await ownTeacher(ctx, 'enrolment.list_available');
      const projects = await training.openOnPaths(t.provinceId, t.orgPath);
      const ids = projects.map((p) => p.id);
      const [classes, mine] = await Promise.all([training.classesOf(ids), enrolments.teacherInProjects(t.id, ids)]);
      const facts = { stage: t.stage, subject: t.subject, teachingStartYear: t.teachingStartYear, flags: flagsOf(t) };
      const day = today(env);
      const out: AvailableProject[] = [];
      for (const p of projects) {
        const own = mine
          .filter((e) => e.projectId === p.id)
          .sort((a, b) => (a.status === 'withdrawn' ? 1 : 0) - (b.status === 'withdrawn' ? 1 : 0))[0];
        const cs = classes.filter((c) => c.projectId === p.id);
        let position: number | null = null;
        if (own?.status === 'waitlisted') position = await enrolments.waitlistPosition(own.id);
        out.push({
          project: p,
          classes: cs,
          reasons: ineligibility(p.eligibility, facts, p.year),
          registrationOpen: registrationOpen(
            { status: p.status, opens: p.registrationOpens, closes: p.registrationCloses },
            day,
          ),
          enrolment: own
            ? { ...own, className: cs.find((c) => c.id === own.classId)?.name ?? '', waitlistPosition: position }
            : null,
        });
      }
      return out;
    },

    /** A teacher enrols in a class: a place while there is one, else the waitlist. */
    async enrolSelf(ctx: RequestContext, classId: number): Promise<PlaceResult> {
      const action = 'enrolment.enrol';
      const t = await ownTeacher(ctx, action);
      const actor = requireActor(ctx);
      const { cls, project } = await visibleClass(ctx, classId, action, { ...actor, orgPath: t.orgPath });
      const meta = {
        action,
        targetType: 'training_class',
        targetId: classId,
        targetPath: t.orgPath,
        targetLabel: `${project.title} / ${cls.name}`,
        details: { teacherId: t.id } as Record<string, unknown>,
      };
      return withRetry(() =>
        auditedWrite(db, ctx, meta, async (trx, m) => {
          requireOpenForRegistration(project, cls);
          const reasons = ineligibility(
            project.eligibility,
            { stage: t.stage, subject: t.subject, teachingStartYear: t.teachingStartYear, flags: flagsOf(t) },
            project.year,
          );
          if (reasons.length) throw notEligible(reasons);
          const [r] = await place(trx, {
            cls,
            project,
            teachers: [t],
            source: 'self',
            by: actor.userId,
            strictQuota: false,
          });
          m.details = { ...m.details, enrolmentId: r!.enrolmentId, status: r!.status };
          return r!;
        }),
      );
    },

    /** A school admin nominates teachers of their school: all or none, within the unit's quota. */
    async nominate(ctx: RequestContext, classId: number, who: TeacherPick): Promise<PlaceResult[]> {
      const action = 'enrolment.nominate';
      const actor = requireActor(ctx);
      if (actor.role !== 'school_admin')
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'training_class', targetId: classId },
          new AppError('FORBIDDEN'),
        );
      // "all N matching" the picker's filters: resolved here, checked like the registry list
      const found =
        'matching' in who
          ? await teacherService.matching(ctx, who.matching, { action, max: NOMINATE_MAX, except: who.except })
          : ((await selectTeachers(db)
              .where('t.id', 'in', [...new Set(who.teacherIds)])
              .execute()) as TeacherRow[]);
      const ids = 'matching' in who ? found.map((t) => t.id) : [...new Set(who.teacherIds)];
      if (ids.length === 0)
        throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'teacherIds', kind: 'required' }] } });
      // scope first: a teacher outside the school is "not found", exactly like a missing one
      for (const id of ids) {
        const t = found.find((x) => x.id === id);
        if (!t || !can(actor, 'org.read', { path: t.orgPath }))
          return auditRefusal(db, ctx, { action, targetType: 'teacher', targetId: id }, notFoundDenied());
      }
      await requireAdminAction(db, ctx, action, 'training.nominate', {
        path: actor.orgPath,
        type: 'org_unit',
        id: actor.orgUnitId,
      });
      const { cls, project } = await visibleClass(ctx, classId, action, actor);
      const ordered = ids.map((id) => found.find((t) => t.id === id)!);
      const meta = {
        action,
        targetType: 'training_class',
        targetId: classId,
        targetPath: actor.orgPath,
        targetLabel: `${project.title} / ${cls.name}`,
        // the filters of an "all matching" pick, without the search text (it may be an ID number)
        details: {
          teachers: ids.length,
          ...('matching' in who ? { matching: { ...who.matching, q: undefined } } : {}),
        } as Record<string, unknown>,
      };
      return withRetry(() =>
        auditedWrite(db, ctx, meta, async (trx, m) => {
          requireOpenForRegistration(project, cls);
          for (const t of ordered) {
            const reasons = ineligibility(
              project.eligibility,
              { stage: t.stage, subject: t.subject, teachingStartYear: t.teachingStartYear, flags: flagsOf(t) },
              project.year,
            );
            if (reasons.length) throw notEligible(reasons, t.id);
          }
          const out = await place(trx, {
            cls,
            project,
            teachers: ordered,
            source: 'nominated',
            by: actor.userId,
            strictQuota: true,
          });
          m.details = {
            ...m.details,
            enrolled: out.filter((r) => r.status === 'enrolled').length,
            waitlisted: out.filter((r) => r.status === 'waitlisted').length,
            enrolmentIds: out.length <= 20 ? out.map((r) => r.enrolmentId) : undefined,
          };
          return out;
        }),
      );
    },

    /**
     * The organiser enrols every eligible teacher of some units (inside the project's area) who has
     * no place in the project yet, in one set-based statement; places beyond the class's capacity
     * or a unit's quota go to the waitlist. `dryRun` answers how many would get a place and how
     * many would wait, by running the same statement in a transaction that is rolled back (for the
     * confirmation before the real one; nothing is written or audited).
     */
    async bulkEnrol(
      ctx: RequestContext,
      classId: number,
      orgUnitIds: number[],
      opts: { dryRun?: boolean } = {},
    ): Promise<{ enrolled: number; waitlisted: number }> {
      const action = opts.dryRun ? 'enrolment.preview_bulk' : 'enrolment.bulk_enrol';
      const cls = await training.class(classId);
      const project = cls ? await training.project(cls.projectId) : undefined;
      if (!cls || !project) throw new AppError('NOT_FOUND');
      const actor = await requireAdminAction(db, ctx, action, 'training.manage', {
        path: project.orgPath,
        type: 'training_class',
        id: classId,
        label: cls.name,
      });
      const units = await createOrgUnitRepository(db).findByIds([...new Set(orgUnitIds)]);
      for (const id of orgUnitIds) {
        const u = units.find((x) => x.id === id);
        if (!u || !can(actor, 'org.read', { path: u.path }))
          return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: id }, notFoundDenied());
        if (!isWithin(project.orgPath, u.path))
          throw new AppError('VALIDATION_FAILED', {
            details: { issues: [{ path: 'orgUnitIds', kind: 'invalid', orgUnitId: id }] },
          });
      }
      const meta = {
        action,
        targetType: 'training_class',
        targetId: classId,
        targetPath: project.orgPath,
        targetLabel: `${project.title} / ${cls.name}`,
        details: { orgUnitIds } as Record<string, unknown>,
      };
      const enrolIn = async (trx: Kysely<DB>) => {
        if (project.status !== 'open') throw new AppError('PROJECT_STATE', { params: { status: project.status } });
        const locked = await createTrainingRepository(trx).lockClass(classId);
        if (!locked) throw new AppError('NOT_FOUND');
        if (locked.status === 'closed') throw new AppError('CLASS_CLOSED');
        return createEnrolmentRepository(trx).bulkEnrol({
          classId,
          projectId: project.id,
          provinceId: project.provinceId,
          projectPath: project.orgPath,
          unitPaths: units.map((u) => u.path),
          eligibility: project.eligibility,
          year: project.year,
          free: locked.capacity - locked.enrolled,
          createdBy: actor.userId,
        });
      };
      if (opts.dryRun) {
        const rollBack = new Error('dry run');
        let counted: { enrolled: number; waitlisted: number } | undefined;
        try {
          await db.transaction().execute(async (trx) => {
            counted = await enrolIn(trx);
            throw rollBack;
          });
        } catch (e) {
          if (e !== rollBack) throw e;
        }
        return counted!;
      }
      return withRetry(() =>
        auditedWrite(db, ctx, meta, async (trx, m) => {
          const r = await enrolIn(trx);
          m.details = { ...m.details, ...r };
          return r;
        }),
      );
    },

    /** Withdraws an enrolment; a freed place goes to the first waiting teacher in the same transaction. */
    async withdraw(ctx: RequestContext, enrolmentId: number): Promise<{ promoted: number[] }> {
      const action = 'enrolment.withdraw';
      const e = await enrolments.find(enrolmentId);
      if (!e) throw new AppError('NOT_FOUND');
      const cls = (await training.class(e.classId))!;
      const project = (await training.project(cls.projectId))!;
      await requireEnrolmentAccess(ctx, e, project, action);
      const meta = {
        action,
        targetType: 'enrolment',
        targetId: enrolmentId,
        targetPath: e.orgPath,
        targetLabel: `${project.title} / ${cls.name}`,
        details: { teacherId: e.teacherId, classId: cls.id } as Record<string, unknown>,
      };
      return withRetry(() =>
        auditedWrite(db, ctx, meta, async (trx, m) => {
          const tr = createTrainingRepository(trx);
          const en = createEnrolmentRepository(trx);
          const locked = await tr.lockClass(cls.id);
          // a closed class (its project closes with the last one) says so before the project does
          if (locked!.status === 'closed') throw new AppError('CLASS_CLOSED');
          if (project.status === 'closed') throw new AppError('PROJECT_STATE', { params: { status: project.status } });
          const cur = (await en.find(enrolmentId))!;
          if (cur.status === 'withdrawn') throw new AppError('CONFLICT');
          await en.withdraw(enrolmentId);
          if (cur.status === 'enrolled') {
            await en.addToCounters(cls.id, -1, 0);
            if (cur.quotaUnitId !== null) await en.addToQuota(cls.id, cur.quotaUnitId, -1);
          } else {
            await en.addToCounters(cls.id, 0, -1);
          }
          const promoted = await fillPlaces(trx, cls.id);
          m.details = { ...m.details, was: cur.status, promoted };
          return { promoted };
        }),
      );
    },

    /** A teacher's sessions (of the classes they hold a place in): those to come of classes not closed, or `all`. */
    async timetable(ctx: RequestContext, all = false): Promise<TimetableRow[]> {
      const t = await ownTeacher(ctx, 'enrolment.timetable');
      return enrolments.timetable(t.id, all ? null : new Date(`${today(env)}T00:00:00+08:00`));
    },

    /** A class's enrolments of the admin's subtree. */
    async list(
      ctx: RequestContext,
      classId: number,
      q: { status?: EnrolmentStatus; limit: number; offset: number },
    ): Promise<{ items: EnrolmentListRow[]; total: number; cls: ClassRow; project: ProjectRow }> {
      const { cls, project, actor } = await listableClass(ctx, classId, 'enrolment.list');
      return { ...(await enrolments.list(classId, actor.orgPath, q)), cls, project };
    },

    /** The same list as an .xlsx sheet (audited: it carries teachers' names and schools). */
    async export(
      ctx: RequestContext,
      classId: number,
    ): Promise<{ buffer: Buffer; project: ProjectRow; cls: ClassRow }> {
      const action = 'enrolment.export';
      const { cls, project, actor } = await listableClass(ctx, classId, action);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('报名名单');
      ws.columns = [
        { header: '序号', key: 'n', width: 6 },
        { header: '姓名', key: 'name', width: 12 },
        { header: '证件号码', key: 'id', width: 22 },
        { header: '学校', key: 'school', width: 28 },
        { header: '学段', key: 'stage', width: 8 },
        { header: '学科', key: 'subject', width: 10 },
        { header: '状态', key: 'status', width: 10 },
        { header: '候补顺位', key: 'pos', width: 10 },
        { header: '报名方式', key: 'source', width: 10 },
        { header: '报名时间', key: 'at', width: 20 },
      ];
      const STATUS: Record<string, string> = { enrolled: '已录取', waitlisted: '候补', withdrawn: '已退出' };
      const SOURCE: Record<string, string> = { self: '个人报名', nominated: '学校推荐', bulk: '批量报名' };
      const STAGE: Record<string, string> = STAGE_LABELS;
      let n = 0;
      for (let offset = 0; ; offset += 5_000) {
        const page = await enrolments.list(classId, actor.orgPath, { limit: 5_000, offset });
        for (const r of page.items) {
          ws.addRow({
            n: ++n,
            name: neutraliseCell(r.teacherName),
            id: r.idNumberMasked,
            school: neutraliseCell(r.orgUnitName),
            stage: STAGE[r.stage] ?? r.stage,
            subject: neutraliseCell(r.subject ?? ''),
            status: STATUS[r.status],
            pos: r.waitlistPosition ?? '',
            source: SOURCE[r.source],
            at: chinaTime(r.createdAt),
          });
        }
        if (page.items.length < 5_000) break;
      }
      ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'training_class',
          targetId: classId,
          targetPath: actor.orgPath,
          targetLabel: `${project.title} / ${cls.name}`,
          details: { rows: n },
        },
        'success',
      );
      return { buffer, project, cls };
    },
  };
}

export type EnrolmentService = ReturnType<typeof createEnrolmentService>;
