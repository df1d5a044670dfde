import { isWithin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { createTrainingRepository, type ProjectRow } from '../repositories/training.repository.js';
import { createTrainingStatsRepository, type UnitTrainingStats } from '../repositories/training-stats.repository.js';
import { appendAudit, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { projectVisibleTo } from './enrolment.service.js';
import ExcelJS from './excel.js';
import { PERCENT_FORMAT } from './roster-file.js';
import { requireRegistryRole } from './registry-access.js';

export interface UnitStatsLine extends UnitTrainingStats {
  /** completed ÷ teachers whose class has closed (completed or not), in per cent with one decimal; null before a class closed */
  completionPct: number | null;
  /** sessions attended ÷ sessions held, over the enrolled teachers; null before a session was held */
  attendancePct: number | null;
}

export interface ProjectStats {
  project: ProjectRow;
  /** the unit the lines are the children of: the organiser, or the reader's unit when it lies below it */
  base: { id: number; name: string };
  lines: UnitStatsLine[];
  total: UnitStatsLine;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part * 1000) / whole) / 10 : null);
/** A rate as a sheet keeps it: the exact fraction, shown with PERCENT_FORMAT. */
const fraction = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function withRates(x: UnitTrainingStats): UnitStatsLine {
  return {
    ...x,
    completionPct: pct(x.completed, x.completed + x.notCompleted),
    attendancePct: pct(x.sessionsAttended, x.sessionsExpected),
  };
}

/**
 * Participation, attendance and completion of a training project by unit, for the admins on
 * the project's line of the tree: the organiser's side sees every child unit, a unit below the
 * organiser sees its own children only.
 */
export function createTrainingStatsService({ db }: ServiceDeps) {
  const training = createTrainingRepository(db);
  const stats = createTrainingStatsRepository(db);
  const units = createOrgUnitRepository(db);

  async function compute(ctx: RequestContext, projectId: number, action: string): Promise<ProjectStats> {
    const actor = await requireRegistryRole(db, ctx, action);
    const project = await training.project(projectId);
    if (!project) throw new AppError('NOT_FOUND');
    if (!projectVisibleTo(actor, project))
      return auditRefusal(db, ctx, { action, targetType: 'training_project', targetId: projectId }, notFoundDenied());
    const below = isWithin(project.orgPath, actor.orgPath);
    const base = below
      ? { id: actor.orgUnitId, path: actor.orgPath }
      : { id: project.orgUnitId, path: project.orgPath };
    const baseName = below ? (await units.findById(actor.orgUnitId))!.name : project.orgUnitName;
    const rows = await stats.byUnit(projectId, base);
    const sum = (k: keyof UnitTrainingStats) => rows.reduce((s, r) => s + (r[k] as number), 0);
    const total = withRates({
      unitId: base.id,
      unitName: baseName,
      enrolled: sum('enrolled'),
      waitlisted: sum('waitlisted'),
      withdrawn: sum('withdrawn'),
      completed: sum('completed'),
      notCompleted: sum('notCompleted'),
      sessionsExpected: sum('sessionsExpected'),
      sessionsAttended: sum('sessionsAttended'),
    });
    return { project, base: { id: base.id, name: baseName }, lines: rows.map(withRates), total };
  }

  return {
    byUnit: (ctx: RequestContext, projectId: number) => compute(ctx, projectId, 'training.read_stats'),

    /** The same lines as an .xlsx sheet with a totals row. */
    async exportByUnit(ctx: RequestContext, projectId: number): Promise<{ buffer: Buffer; stats: ProjectStats }> {
      const action = 'training.export_stats';
      const s = await compute(ctx, projectId, action);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('参训统计');
      ws.addRow([`${s.project.title} — 按单位参训统计（${s.base.name}）`]).font = { bold: true, size: 13 };
      ws.addRow([]);
      const header = ws.addRow([
        '单位',
        '录取人数',
        '候补人数',
        '退出人数',
        '已结业',
        '未结业',
        '结业率',
        '应到场次',
        '实到场次',
        '出勤率',
      ]);
      header.font = { bold: true };
      const line = (x: UnitStatsLine, name: string) => [
        name,
        x.enrolled,
        x.waitlisted,
        x.withdrawn,
        x.completed,
        x.notCompleted,
        fraction(x.completed, x.completed + x.notCompleted),
        x.sessionsExpected,
        x.sessionsAttended,
        fraction(x.sessionsAttended, x.sessionsExpected),
      ];
      for (const x of s.lines) ws.addRow(line(x, x.unitName));
      ws.addRow(line(s.total, '合计')).font = { bold: true };
      ws.columns.forEach((c, i) => {
        c.width = i === 0 ? 30 : 12;
      });
      // rates are numbers shown as percentages (0.5 → 50.0%), so a sheet can sort and sum them
      for (const col of [7, 10]) ws.getColumn(col).numFmt = PERCENT_FORMAT;
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      const actor = requireActor(ctx);
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetId: projectId,
          targetPath: actor.orgPath,
          targetLabel: s.project.title,
          details: { units: s.lines.length },
        },
        'success',
      );
      return { buffer, stats: s };
    },
  };
}

export type TrainingStatsService = ReturnType<typeof createTrainingStatsService>;
