import { pathIds, isWithin } from '../domain/org-tree.js';
import { hasForbiddenChars, normaliseText, shownValue } from '../domain/text.js';
import {
  MAX_PLAN_ITEMS,
  PLAN_FORM_LABELS,
  PLAN_FORMS,
  PLAN_STATUS_LABELS,
  parseMonth,
  planMove,
  planTrack,
  seesWorkingCopy,
  type PlanForm,
  type PlanMove,
  type PlanStatus,
  type PlanTrack,
} from '../domain/training-plan.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createTrainingRepository } from '../repositories/training.repository.js';
import {
  createTrainingPlanRepository,
  type PlanContent,
  type PlanItem,
  type PlanItemFields,
  type PlanRow,
  type PlanVersionRow,
  type UnitRef,
} from '../repositories/training-plan.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { projectVisibleTo } from './enrolment.service.js';
import ExcelJS from './excel.js';
import { requireAdminAction, requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { neutraliseCell } from './roster-file.js';
import { readSheetRows, words, type Cell } from './sheet-file.js';
import { notify } from './notify.js';

export type { PlanContent, PlanItem, PlanItemFields, PlanRow, PlanVersionRow };

/** A plan as one reader sees it. */
export interface PlanView extends PlanRow {
  items: PlanItem[];
  track: PlanTrack;
  /** the reader sees the plan as it stands now; otherwise its last approved or published version */
  workingCopy: boolean;
  /** the number of the last approved or published version, if any */
  finalVersion: number | null;
  /** the reader writes this plan (edit, submit or publish, reopen) */
  canManage: boolean;
  /** the reader is the county that approves or returns it */
  canReview: boolean;
}

export interface PlanInput {
  orgUnitId?: number;
  year: number;
  title: string;
  summary: string | null;
  items: PlanItemFields[];
}

/** One problem of one calendar line (0-based index), or of one sheet row. */
export interface PlanItemProblem {
  item: number;
  field: 'month' | 'title' | 'form' | 'responsibleUnitId' | 'responsible' | 'projectId' | 'notes';
  code: 'unknown_project' | 'unit_outside' | 'unknown_month' | 'unknown_form' | 'required' | 'too_long' | 'bad_chars';
  value?: string;
}

export interface CalendarItem extends PlanItem {
  planId: number;
  unitId: number;
  unitName: string;
  unitKind: string;
}

export interface Calendar {
  unit: UnitRef;
  year: number;
  plans: Array<{
    planId: number;
    unitId: number;
    unitName: string;
    unitKind: string;
    title: string;
    status: PlanStatus;
    version: number;
    workingCopy: boolean;
  }>;
  items: CalendarItem[];
}

/** The columns of a 月份行事表 (export and import alike). */
export const PLAN_COLUMNS = [
  { key: 'month', zh: '月份', en: 'month', required: true, width: 8 },
  { key: 'title', zh: '培训内容', en: 'title', required: true, width: 40 },
  { key: 'form', zh: '培训形式', en: 'form', required: false, width: 12 },
  { key: 'responsible', zh: '负责单位', en: 'responsible', required: false, width: 22 },
  { key: 'project', zh: '关联培训项目', en: 'project', required: false, width: 30 },
  { key: 'notes', zh: '备注', en: 'notes', required: false, width: 40 },
] as const;
type ColumnKey = (typeof PLAN_COLUMNS)[number]['key'];

const EVENT_OF: Partial<Record<PlanMove, 'submitted' | 'approved' | 'returned' | 'published'>> = {
  submit: 'submitted',
  approve: 'approved',
  return: 'returned',
  publish: 'published',
};

/** The error for a move that is not possible now: says what to do instead. */
function moveRefused(reason: 'in_review' | 'approved' | 'track' | 'state', status: PlanStatus): AppError {
  switch (reason) {
    case 'in_review':
      return new AppError('PLAN_IN_REVIEW');
    case 'approved':
      return new AppError('PLAN_APPROVED');
    case 'track':
      return new AppError('PLAN_LEVEL_MISMATCH');
    default:
      return new AppError('PLAN_STATE', {
        params: { status: PLAN_STATUS_LABELS[status].zh, status_en: PLAN_STATUS_LABELS[status].en },
      });
  }
}

/**
 * Annual training plans with their month calendar (年度培训计划、月份行事表, R-20): every unit's
 * admins write their own unit's plan; a school's plan is approved or returned by its county, the
 * plans of the province, cities and counties are published by their own admins. Each submission,
 * decision and publication keeps the plan as it stood. Others see only approved or published versions.
 */
export function createTrainingPlanService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createTrainingPlanRepository(db);
  const units = createOrgUnitRepository(db);
  const training = createTrainingRepository(db);

  /** A plan as the actor sees it, or undefined when they may not see any state of it. */
  async function viewOf(actor: Actor, plan: PlanRow): Promise<PlanView | undefined> {
    if (plan.provinceId !== actor.provinceId || !can(actor, 'plan.read', { path: plan.orgPath })) return undefined;
    const track = planTrack(plan.orgUnitKind);
    const final = (await repo.lastFinal([plan.id])).get(plan.id);
    const base = {
      track,
      finalVersion: final?.version ?? null,
      canManage: can(actor, 'plan.manage', { path: plan.orgPath }) && track !== 'none',
      canReview: track === 'review' && can(actor, 'plan.review', { path: plan.orgPath }),
    };
    if (seesWorkingCopy(actor, plan.orgPath)) {
      const items = (await repo.items([plan.id])).map(({ planId: _, ...i }) => i);
      return { ...plan, ...base, items, workingCopy: true };
    }
    if (!final) return undefined;
    return {
      ...plan,
      ...base,
      title: final.content.title,
      summary: final.content.summary,
      items: final.content.items,
      status: final.event as PlanStatus,
      version: final.version,
      reviewComment: null,
      workingCopy: false,
    };
  }

  /** A plan the actor may read: missing or out of sight is "not found" (audited as denied when it exists). */
  async function readable(
    ctx: RequestContext,
    id: number,
    action: string,
    workingCopyOnly = false,
  ): Promise<{ actor: Actor; view: PlanView }> {
    const actor = requireActor(ctx);
    const plan = await repo.find(id);
    if (!plan) throw new AppError('NOT_FOUND');
    const view = await viewOf(actor, plan);
    if (!view || (workingCopyOnly && !view.workingCopy))
      return auditRefusal(db, ctx, { action, targetType: 'training_plan', targetId: id }, notFoundDenied());
    return { actor, view };
  }

  /** A plan of the actor's own unit (plan.manage): "not found" outside the subtree, "forbidden" below. */
  async function managed(ctx: RequestContext, id: number, action: string): Promise<{ actor: Actor; plan: PlanRow }> {
    await requireRegistryRole(db, ctx, action);
    const plan = await repo.find(id);
    if (!plan) throw new AppError('NOT_FOUND');
    const actor = await requireAdminAction(db, ctx, action, 'plan.manage', {
      path: plan.orgPath,
      type: 'training_plan',
      id,
      label: `${plan.year} ${plan.title}`,
    });
    return { actor, plan };
  }

  /** A school plan of the actor's county area (plan.review). */
  async function reviewed(ctx: RequestContext, id: number, action: string): Promise<{ actor: Actor; plan: PlanRow }> {
    await requireRegistryRole(db, ctx, action);
    const plan = await repo.find(id);
    if (!plan) throw new AppError('NOT_FOUND');
    const actor = await requireAdminAction(db, ctx, action, 'plan.review', {
      path: plan.orgPath,
      type: 'training_plan',
      id,
      label: `${plan.year} ${plan.title}`,
    });
    return { actor, plan };
  }

  /** The calendar lines of a plan with names, as a snapshot keeps them. */
  async function contentOf(q: typeof repo, plan: PlanRow): Promise<PlanContent> {
    const items = (await q.items([plan.id])).map(({ planId: _, ...i }) => i);
    return { title: plan.title, summary: plan.summary, items };
  }

  /** The units a plan of `unit` may name as responsible: its subtree, the units above it and the institutions beside those. */
  function responsibleAllowed(unit: OrgUnitRow, r: UnitRef & { parentPath?: string }): boolean {
    if (isWithin(unit.path, r.path) || isWithin(r.path, unit.path)) return true;
    // an institution directly under a unit above (教师进修学校 …)
    const parent = r.path.slice(0, r.path.slice(0, -1).lastIndexOf('/') + 1);
    return r.kind === 'institution' && isWithin(parent, unit.path);
  }

  /** Problems of the lines beyond their shape: projects the unit cannot see, responsible units off its line. */
  async function itemProblems(actor: Actor, unit: OrgUnitRow, items: PlanItemFields[]): Promise<PlanItemProblem[]> {
    const problems: PlanItemProblem[] = [];
    const projectIds = [...new Set(items.flatMap((i) => (i.projectId ? [i.projectId] : [])))];
    const unitIds = [...new Set(items.flatMap((i) => (i.responsibleUnitId ? [i.responsibleUnitId] : [])))];
    const projects = new Map((await training.projects(projectIds)).map((p) => [p.id, p]));
    const found = new Map((await repo.units(unitIds)).map((u) => [u.id, u]));
    const provinceOf = (path: string) => pathIds(path)[0];
    items.forEach((i, k) => {
      if (i.projectId) {
        const p = projects.get(i.projectId);
        if (!p || p.provinceId !== unit.provinceId || !projectVisibleTo({ orgPath: unit.path, role: actor.role }, p))
          problems.push({ item: k, field: 'projectId', code: 'unknown_project', value: String(i.projectId) });
      }
      if (i.responsibleUnitId) {
        const u = found.get(i.responsibleUnitId);
        if (!u || provinceOf(u.path) !== provinceOf(unit.path) || !responsibleAllowed(unit, u))
          problems.push({
            item: k,
            field: 'responsibleUnitId',
            code: 'unit_outside',
            value: String(i.responsibleUnitId),
          });
      }
    });
    return problems;
  }

  /** What the plan form offers: the responsible units and the training projects the unit may link. */
  async function choicesFor(
    actor: Actor,
    unit: OrgUnitRow,
    year: number,
  ): Promise<{ units: UnitRef[]; projects: Array<{ id: number; title: string; orgUnitName: string; year: number }> }> {
    const [choices, projects] = await Promise.all([
      repo.responsibleChoices(pathIds(unit.path).slice(0, -1), unit.id),
      training.onLine(unit.provinceId, unit.path, { year, limit: 200, offset: 0 }),
    ]);
    const visible = projects.items.filter((p) => projectVisibleTo({ orgPath: unit.path, role: actor.role }, p));
    return {
      units: choices,
      projects: visible.map((p) => ({ id: p.id, title: p.title, orgUnitName: p.orgUnitName, year: p.year })),
    };
  }

  /** A status move with its version row, in one transaction under the plan's lock. */
  async function move(
    ctx: RequestContext,
    actor: Actor,
    plan: PlanRow,
    m: PlanMove,
    action: string,
    comment: string | null,
  ): Promise<PlanView> {
    const track = planTrack(plan.orgUnitKind);
    await auditedWrite(
      db,
      ctx,
      {
        action,
        targetType: 'training_plan',
        targetId: plan.id,
        targetPath: plan.orgPath,
        targetLabel: `${plan.year} ${plan.title}`,
        details: { from: plan.status, ...(comment ? { comment } : {}) },
      },
      async (trx, meta) => {
        const q = createTrainingPlanRepository(trx);
        const cur = (await q.lock(plan.id))!;
        const r = planMove(track, cur.status, m);
        if (!r.ok) throw moveRefused(r.reason, cur.status);
        const content = await contentOf(q, cur);
        if ((m === 'submit' || m === 'publish') && content.items.length === 0) throw new AppError('PLAN_EMPTY');
        // a submission or publication is a new version; a decision is about the version submitted
        const version = m === 'submit' || m === 'publish' ? cur.version + 1 : cur.version;
        const patch =
          m === 'submit'
            ? { version, submittedAt: true, reviewComment: null, reviewedBy: null }
            : m === 'publish'
              ? { version }
              : m === 'approve' || m === 'return'
                ? { reviewComment: comment, reviewedBy: actor.userId, reviewedAt: true }
                : {};
        if (!(await q.move(plan.id, cur.status, r.to, patch))) throw moveRefused('state', cur.status);
        const event = EVENT_OF[m];
        if (event) await q.insertVersion({ planId: plan.id, version, event, content, comment, actorId: actor.userId });
        const params = { unit: plan.orgUnitName, year: plan.year, title: cur.title, comment };
        if (m === 'submit')
          // 校本培训计划审批: to the county that approves it
          await notify(trx, {
            to: { roleAbove: { path: plan.orgPath, role: 'county_admin' } },
            kind: 'plan_submitted',
            params,
            link: '/plan-review',
            senderId: actor.userId,
          });
        else if (m === 'approve' || m === 'return')
          await notify(trx, {
            to: { adminsAt: [plan.orgUnitId] },
            kind: m === 'approve' ? 'plan_approved' : 'plan_returned',
            params,
            link: '/plans',
            senderId: actor.userId,
          });
        meta.details = { ...meta.details, to: r.to, version };
      },
    );
    return (await viewOf(actor, (await repo.find(plan.id))!))!;
  }

  const cleanText = (s: string, max: number): { value: string; problem?: 'too_long' | 'bad_chars' } => {
    const v = normaliseText(s.replace(/\r\n?/g, '\n'));
    if (hasForbiddenChars(v.replace(/\n/g, ''))) return { value: v, problem: 'bad_chars' };
    if ([...v].length > max) return { value: v, problem: 'too_long' };
    return { value: v };
  };

  return {
    /**
     * The plan of a unit (default: the actor's own) for a year as the actor sees it, or null when
     * there is none they may see; with the form's choices when the actor writes it.
     */
    async forUnit(
      ctx: RequestContext,
      q: { orgUnitId?: number; year: number },
    ): Promise<{
      unit: UnitRef;
      year: number;
      plan: PlanView | null;
      track: PlanTrack;
      canManage: boolean;
      choices: Awaited<ReturnType<typeof choicesFor>> | null;
    }> {
      const action = 'plan.read';
      const actor = requireActor(ctx);
      const unit = await units.findById(q.orgUnitId ?? actor.orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      if (unit.provinceId !== actor.provinceId || !can(actor, 'plan.read', { path: unit.path })) {
        return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: unit.id }, notFoundDenied());
      }
      const row = await repo.findFor(unit.id, q.year);
      const plan = row ? ((await viewOf(actor, row)) ?? null) : null;
      const track = planTrack(unit.kind);
      const canManage = track !== 'none' && can(actor, 'plan.manage', { path: unit.path });
      return {
        unit: { id: unit.id, name: unit.name, kind: unit.kind, path: unit.path },
        year: q.year,
        plan,
        track,
        canManage,
        choices: canManage ? await choicesFor(actor, unit, q.year) : null,
      };
    },

    async get(ctx: RequestContext, id: number): Promise<PlanView> {
      return (await readable(ctx, id, 'plan.read')).view;
    },

    /**
     * Writes the plan of the actor's unit for a year: title, summary and the whole calendar, which
     * replaces the lines before it. A submitted or approved plan is not changed; a published one
     * becomes a draft until published again.
     */
    async save(ctx: RequestContext, input: PlanInput): Promise<PlanView> {
      const action = 'plan.save';
      const actor = await requireRegistryRole(db, ctx, action);
      const unit = await requireAdminAtUnit(db, ctx, input.orgUnitId ?? actor.orgUnitId, action, 'plan.manage');
      const track = planTrack(unit.kind);
      const meta = {
        action,
        targetType: 'training_plan',
        targetPath: unit.path,
        targetLabel: `${input.year} ${input.title}`,
        details: { year: input.year, items: input.items.length },
      };
      if (track === 'none') return auditRefusal(db, ctx, meta, new AppError('PLAN_LEVEL_MISMATCH'));
      if (input.items.length > MAX_PLAN_ITEMS)
        return auditRefusal(
          db,
          ctx,
          meta,
          new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'items', kind: 'too_many' }] } }),
        );
      const problems = await itemProblems(actor, unit, input.items);
      if (problems.length) return auditRefusal(db, ctx, meta, new AppError('PLAN_INVALID', { details: { problems } }));
      const id = await auditedWrite(db, ctx, meta, async (trx, m) => {
        const q = createTrainingPlanRepository(trx);
        const { plan, created } = await q.lockOrCreate({
          provinceId: unit.provinceId,
          orgUnitId: unit.id,
          orgPath: unit.path,
          year: input.year,
          title: input.title,
          createdBy: actor.userId,
        });
        m.targetId = plan.id;
        const r = planMove(track, plan.status, 'edit');
        if (!r.ok) throw moveRefused(r.reason, plan.status);
        await q.setContent(plan.id, { title: input.title, summary: input.summary, status: r.to });
        await q.replaceItems(plan.id, input.items);
        m.details = { ...m.details, created, from: plan.status, to: r.to };
        return plan.id;
      });
      return (await viewOf(actor, (await repo.find(id))!))!;
    },

    /** A school submits its plan to the county (draft or returned → submitted). */
    async submit(ctx: RequestContext, id: number): Promise<PlanView> {
      const { actor, plan } = await managed(ctx, id, 'plan.submit');
      return move(ctx, actor, plan, 'submit', 'plan.submit', null);
    },

    /** The province, a city or a county publishes its plan (draft → published). */
    async publish(ctx: RequestContext, id: number): Promise<PlanView> {
      const { actor, plan } = await managed(ctx, id, 'plan.publish');
      return move(ctx, actor, plan, 'publish', 'plan.publish', null);
    },

    /** A school takes its approved plan back for a revision (approved → draft); it must be approved again. */
    async reopen(ctx: RequestContext, id: number): Promise<PlanView> {
      const { actor, plan } = await managed(ctx, id, 'plan.reopen');
      return move(ctx, actor, plan, 'reopen', 'plan.reopen', null);
    },

    /** The county approves a submitted school plan, with an optional comment. */
    async approve(ctx: RequestContext, id: number, comment: string | null): Promise<PlanView> {
      const { actor, plan } = await reviewed(ctx, id, 'plan.approve');
      return move(ctx, actor, plan, 'approve', 'plan.approve', comment?.trim() ? comment.trim() : null);
    },

    /** The county returns a submitted school plan with a comment saying what to change. */
    async return(ctx: RequestContext, id: number, comment: string): Promise<PlanView> {
      const { actor, plan } = await reviewed(ctx, id, 'plan.return');
      if (!comment.trim()) {
        return auditRefusal(
          db,
          ctx,
          { action: 'plan.return', targetType: 'training_plan', targetId: id, targetPath: plan.orgPath },
          new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'comment', kind: 'blank' }] } }),
        );
      }
      return move(ctx, actor, plan, 'return', 'plan.return', comment.trim());
    },

    /** Who submitted, approved, returned or published the plan and when, newest first (admins of the unit and above). */
    async versions(ctx: RequestContext, id: number): Promise<PlanVersionRow[]> {
      await readable(ctx, id, 'plan.read_versions', true);
      return repo.versions(id);
    },

    /** One version with the plan as it stood then. */
    async version(ctx: RequestContext, versionId: number): Promise<PlanVersionRow & { content: PlanContent }> {
      const v = await repo.version(versionId);
      if (!v) throw new AppError('NOT_FOUND');
      const actor = requireActor(ctx);
      const plan = (await repo.find(v.planId))!;
      if (
        plan.provinceId !== actor.provinceId ||
        !can(actor, 'plan.read', { path: plan.orgPath }) ||
        !seesWorkingCopy(actor, plan.orgPath)
      ) {
        return auditRefusal(
          db,
          ctx,
          { action: 'plan.read_version', targetType: 'training_plan_version', targetId: versionId },
          notFoundDenied(),
        );
      }
      return v;
    },

    /** A county's review queue for a year: the school plans submitted to it, and every school's status. */
    async reviewQueue(
      ctx: RequestContext,
      year: number,
    ): Promise<{ submitted: PlanRow[]; schools: Awaited<ReturnType<typeof repo.schoolsWithPlans>> }> {
      const action = 'plan.review_queue';
      const actor = await requireRegistryRole(db, ctx, action);
      if (actor.role !== 'county_admin')
        return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const [submitted, schools] = await Promise.all([
        repo.submittedUnder(actor.orgPath, year),
        repo.schoolsWithPlans(actor.orgPath, year),
      ]);
      return { submitted, schools };
    },

    /**
     * The month calendar (培训行事历) that applies to a unit (default: the actor's own) in a year:
     * the lines of its own plan and of the approved or published plans of every unit above it. The
     * unit's own plan shows as it stands to the admins who write or review it.
     */
    async calendar(ctx: RequestContext, q: { orgUnitId?: number; year: number }): Promise<Calendar> {
      const action = 'plan.calendar';
      const actor = requireActor(ctx);
      const unit = await units.findById(q.orgUnitId ?? actor.orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      if (unit.provinceId !== actor.provinceId || !can(actor, 'plan.read', { path: unit.path })) {
        return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: unit.id }, notFoundDenied());
      }
      const rows = await repo.ofUnits(pathIds(unit.path), q.year);
      const finals = await repo.lastFinal(rows.map((r) => r.id));
      const working = rows.filter((r) => r.orgUnitId === unit.id && seesWorkingCopy(actor, r.orgPath));
      const live = await repo.items(working.map((r) => r.id));
      const out: Calendar = {
        unit: { id: unit.id, name: unit.name, kind: unit.kind, path: unit.path },
        year: q.year,
        plans: [],
        items: [],
      };
      for (const r of rows) {
        const own = working.includes(r);
        const final = finals.get(r.id);
        if (!own && !final) continue;
        const items: PlanItem[] = own
          ? live.filter((i) => i.planId === r.id).map(({ planId: _, ...i }) => i)
          : final!.content.items;
        out.plans.push({
          planId: r.id,
          unitId: r.orgUnitId,
          unitName: r.orgUnitName,
          unitKind: r.orgUnitKind,
          title: own ? r.title : final!.content.title,
          status: own ? r.status : (final!.event as PlanStatus),
          version: own ? r.version : final!.version,
          workingCopy: own,
        });
        for (const i of items)
          out.items.push({ ...i, planId: r.id, unitId: r.orgUnitId, unitName: r.orgUnitName, unitKind: r.orgUnitKind });
      }
      out.items.sort((a, b) => a.month - b.month);
      return out;
    },

    /** The plan's 月份行事表 as an .xlsx, as the reader sees the plan; it imports back into a plan unchanged. */
    async export(ctx: RequestContext, id: number): Promise<{ data: Buffer; fileName: string }> {
      const { view } = await readable(ctx, id, 'plan.export');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('月份行事表');
      ws.addRow([`${view.orgUnitName}${view.year}年度培训计划 · 月份行事表`]).font = { bold: true, size: 14 };
      ws.mergeCells(1, 1, 1, PLAN_COLUMNS.length);
      ws.addRow([
        `${view.title}（${PLAN_STATUS_LABELS[view.status].zh}${view.version ? `，第 ${view.version} 版` : ''}）`,
      ]);
      ws.mergeCells(2, 1, 2, PLAN_COLUMNS.length);
      const header = ws.addRow(PLAN_COLUMNS.map((c) => c.zh));
      header.font = { bold: true };
      PLAN_COLUMNS.forEach((c, i) => {
        ws.getColumn(i + 1).width = c.width;
      });
      ws.views = [{ state: 'frozen', ySplit: 3 }];
      for (const i of view.items) {
        const cells = [
          `${i.month}月`,
          i.title,
          i.form ? PLAN_FORM_LABELS[i.form] : '',
          i.responsibleUnitName ?? i.responsible ?? '',
          i.projectTitle ?? '',
          i.notes ?? '',
        ];
        ws.addRow(cells.map((c) => neutraliseCell(c))).alignment = { wrapText: true, vertical: 'top' };
      }
      return {
        data: Buffer.from(await wb.xlsx.writeBuffer()),
        fileName: `${view.orgUnitName}${view.year}年度培训计划.xlsx`,
      };
    },

    /**
     * Reads the lines of a 月份行事表 sheet for the actor's own plan form: nothing is stored; the
     * form shows them to be checked and saved. Responsible units and projects are matched by name
     * among the form's choices; an unmatched responsible name stays as text.
     */
    async readSheet(
      ctx: RequestContext,
      year: number,
      file: { name: string; data: Buffer },
    ): Promise<{ items: PlanItem[]; problems: Array<PlanItemProblem & { row: number }> }> {
      const action = 'plan.import';
      const actor = await requireRegistryRole(db, ctx, action);
      const unit = await requireAdminAtUnit(db, ctx, actor.orgUnitId, action, 'plan.manage');
      const rows = await readSheetRows(file.data, file.name, {
        columns: PLAN_COLUMNS,
        identifying: ['month', 'title'],
        maxRows: MAX_PLAN_ITEMS,
        maxUnpacked: env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576,
      });
      if (rows === null) {
        const required = PLAN_COLUMNS.filter((c) => c.required).map((c) => c.zh);
        throw new AppError('IMPORT_MISSING_COLUMNS', {
          params: { columns: required.join('、') },
          details: { missing: required },
        });
      }
      const choices = await choicesFor(actor, unit, year);
      const unitByName = new Map(choices.units.map((u) => [u.name, u]));
      const projectByTitle = new Map(choices.projects.map((p) => [p.title, p]));
      const formOf = new Map<string, PlanForm>(
        PLAN_FORMS.flatMap(
          (f) =>
            [
              [PLAN_FORM_LABELS[f], f],
              [PLAN_FORM_LABELS[f].slice(0, 2), f],
              [f, f],
            ] as Array<[string, PlanForm]>,
        ),
      );
      formOf.set('远程研修', 'online');
      formOf.set('网络培训', 'online');
      const items: PlanItem[] = [];
      const problems: Array<PlanItemProblem & { row: number }> = [];
      for (const r of rows) {
        const cell = (k: ColumnKey) => words((r.cells[k] ?? null) as Cell);
        const bad = (field: PlanItemProblem['field'], code: PlanItemProblem['code'], value?: string) =>
          problems.push({ row: r.row, item: items.length, field, code, ...(value ? shownValue(value, 50) : {}) });
        const before = problems.length;
        const month = parseMonth(cell('month'));
        if (month === null) bad('month', cell('month') ? 'unknown_month' : 'required', cell('month'));
        const title = cleanText(cell('title'), 200);
        if (!title.value) bad('title', 'required');
        else if (title.problem) bad('title', title.problem);
        const formText = cell('form');
        const form = formText ? (formOf.get(formText) ?? null) : null;
        if (formText && !form) bad('form', 'unknown_form', formText);
        const resp = cleanText(cell('responsible'), 100);
        if (resp.problem) bad('responsible', resp.problem);
        const projectText = cell('project');
        const project = projectText ? projectByTitle.get(projectText) : undefined;
        if (projectText && !project) bad('projectId', 'unknown_project', projectText);
        const notes = cleanText(cell('notes'), 1000);
        if (notes.problem) bad('notes', notes.problem);
        if (problems.length > before) continue;
        const u = resp.value ? unitByName.get(resp.value) : undefined;
        items.push({
          month: month!,
          title: title.value,
          form,
          responsibleUnitId: u?.id ?? null,
          responsibleUnitName: u?.name ?? null,
          responsible: u ? null : resp.value || null,
          projectId: project?.id ?? null,
          projectTitle: project?.title ?? null,
          notes: notes.value || null,
        });
      }
      return { items, problems };
    },
  };
}

export type TrainingPlanService = ReturnType<typeof createTrainingPlanService>;
