import { today } from '../config/env.js';
import { dueFen, feeStatus, formatFen, FEE_STATUS_LABELS, type FeeStatus } from '../domain/money.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createFeeRepository,
  FEE_KINDS,
  type DueLineRow,
  type FeeItemFields,
  type FeeItemRow,
  type FeeKind,
  type OwnDueLineRow,
  type PaymentRow,
} from '../repositories/fee.repository.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createTrainingRepository, type ProjectRow } from '../repositories/training.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import { projectVisibleTo } from './enrolment.service.js';
import ExcelJS from './excel.js';
import { translatePgError } from './pg-errors.js';
import { requireRegistryRole } from './registry-access.js';
import { neutraliseCell } from './roster-file.js';

export { FEE_KINDS };
export type { FeeItemRow, FeeKind, FeeStatus, PaymentRow };

export const FEE_KIND_LABELS: Record<FeeKind, string> = { registration: '报名费', textbook: '教材费', other: '其他' };
const UNIQUE = { fee_item_name_idx: 'FEE_ITEM_NAME_TAKEN' } as const;

/** How much of a project's fees the actor sees: every paying unit (the organiser's side), or only the paying units of their own subtree. */
export type FeeScope = 'all' | 'own';

/** One fee of one paying unit, with what is due, the balance (due − paid; below zero when overpaid) and the status. */
export interface DueLine extends DueLineRow {
  dueFen: number;
  balanceFen: number;
  status: FeeStatus;
}

export interface Totals {
  dueFen: number;
  paidFen: number;
  balanceFen: number;
}

export interface ItemTotals extends Totals {
  itemId: number;
  teachers: number;
  units: number;
  byStatus: Record<FeeStatus, number>;
}

export interface ProjectDues {
  project: ProjectRow;
  items: FeeItemRow[];
  lines: DueLine[];
  itemTotals: ItemTotals[];
  total: Totals;
  scope: FeeScope;
  canManage: boolean;
}

export interface OwnDueLine extends OwnDueLineRow {
  dueFen: number;
  balanceFen: number;
  status: FeeStatus;
}

export interface PaymentInput {
  /** below zero: a correction, which needs a note */
  amountFen: number;
  paidOn: string;
  receiptNo: string | null;
  note: string | null;
}

const invalid = (path: string, kind = 'invalid') =>
  new AppError('VALIDATION_FAILED', { details: { issues: [{ path, kind }] } });
const emptyByStatus = (): Record<FeeStatus, number> => ({ unpaid: 0, partial: 0, paid: 0, overpaid: 0 });

function sumUp<T extends { dueFen: number; balanceFen: number; paidFen: number }>(xs: readonly T[]): Totals {
  const total = { dueFen: 0, paidFen: 0, balanceFen: 0 };
  for (const x of xs) {
    total.dueFen += x.dueFen;
    total.paidFen += x.paidFen;
    total.balanceFen += x.balanceFen;
  }
  return total;
}

function withStatus<T extends { teachers: number; overrideFen: number | null; paidFen: number }>(
  row: T,
  amountFen: number,
): T & { dueFen: number; balanceFen: number; status: FeeStatus } {
  const due = dueFen(row.teachers, amountFen, row.overrideFen);
  return { ...row, dueFen: due, balanceFen: due - row.paidFen, status: feeStatus(due, row.paidFen) };
}

/** Yuan from fen for a sheet cell (shown with two decimals; the sum of fen stays exact in the totals rows, which are computed in fen). */
const yuan = (fen: number) => fen / 100;
const MONEY_FORMAT = '#,##0.00';

/**
 * Fees of training projects: the organiser's admins (fee.manage on the project's unit)
 * set the fees per enrolled teacher and record what each paying unit paid; a paying unit's
 * admins (fee.read on their own unit) see what their unit owes. The paying units of a project
 * are the organiser's direct children (a school project: the school itself). Payments are
 * append-only: a correction is a negative payment with a note, never below zero in total.
 */
export function createFeeService(deps: ServiceDeps) {
  const { db, env } = deps;
  const fees = createFeeRepository(db);
  const training = createTrainingRepository(db);
  const units = createOrgUnitRepository(db);

  /** A project whose fees the actor reads: the organiser's side sees all, an admin on the line below it (once it is published) their own units'. */
  async function readable(
    ctx: RequestContext,
    projectId: number,
    action: string,
    target: { type: string; id: number },
  ): Promise<{ actor: Actor; project: ProjectRow; scope: FeeScope }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const project = await training.project(projectId);
    if (!project) throw new AppError('NOT_FOUND');
    if (can(actor, 'fee.read', { path: project.orgPath })) return { actor, project, scope: 'all' };
    if (isAdmin(actor.role) && projectVisibleTo(actor, project)) return { actor, project, scope: 'own' };
    return auditRefusal(db, ctx, { action, targetType: target.type, targetId: target.id }, notFoundDenied());
  }

  /** A project whose fees the actor sets: one they read but do not run is "forbidden". */
  async function manageable(
    ctx: RequestContext,
    projectId: number,
    action: string,
    target: { type: string; id: number; label?: string },
  ): Promise<{ actor: Actor; project: ProjectRow }> {
    const r = await readable(ctx, projectId, action, target);
    if (!can(r.actor, 'fee.manage', { path: r.project.orgPath })) {
      return auditRefusal(
        db,
        ctx,
        {
          action,
          targetType: target.type,
          targetId: target.id,
          targetPath: r.project.orgPath,
          targetLabel: target.label ?? r.project.title,
        },
        new AppError('FORBIDDEN'),
      );
    }
    return r;
  }

  async function itemOf(ctx: RequestContext, itemId: number, action: string): Promise<FeeItemRow> {
    await requireRegistryRole(db, ctx, action);
    const item = await fees.item(itemId);
    if (!item) throw new AppError('NOT_FOUND');
    return item;
  }

  async function manageableItem(
    ctx: RequestContext,
    itemId: number,
    action: string,
  ): Promise<{ actor: Actor; project: ProjectRow; item: FeeItemRow }> {
    const item = await itemOf(ctx, itemId, action);
    const r = await manageable(ctx, item.projectId, action, { type: 'fee_item', id: itemId, label: item.name });
    return { ...r, item };
  }

  /**
   * A paying unit of the project the actor may see: missing or outside the actor's own area is
   * "not found", also when the actor reads the project (paying units lie inside the organiser, so
   * inside the area of anyone who reads its lines); one in the area that does not pay for this
   * project is refused with FEE_UNIT_NOT_PAYING, which names it.
   */
  async function payingUnit(
    ctx: RequestContext,
    actor: Actor,
    project: ProjectRow,
    unitId: number,
    action: string,
    policy: 'fee.read' | 'fee.manage',
  ): Promise<OrgUnitRow> {
    const unit = await units.findById(unitId);
    if (!unit) throw new AppError('NOT_FOUND');
    const inSight =
      policy === 'fee.manage'
        ? can(actor, 'org.read', { path: unit.path })
        : can(actor, 'fee.read', { path: unit.path });
    if (!inSight) return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: unitId }, notFoundDenied());
    const paying = unit.parentId === project.orgUnitId || (unit.id === project.orgUnitId && unit.kind === 'school');
    if (!paying) {
      return auditRefusal(
        db,
        ctx,
        {
          action,
          targetType: 'org_unit',
          targetId: unitId,
          targetPath: unit.path,
          targetLabel: unit.name,
          details: { projectId: project.id },
        },
        new AppError('FEE_UNIT_NOT_PAYING', { params: { unit: unit.name } }),
      );
    }
    return unit;
  }

  function requireActive(item: FeeItemRow): void {
    if (item.archived) throw new AppError('FEE_ITEM_ARCHIVED', { params: { name: item.name } });
  }

  async function projectDues(
    ctx: RequestContext,
    projectId: number,
    action: string,
    opts: { includeArchived?: boolean } = {},
  ): Promise<ProjectDues & { actor: Actor }> {
    const { actor, project, scope } = await readable(ctx, projectId, action, {
      type: 'training_project',
      id: projectId,
    });
    const items = await fees.items(projectId, scope === 'all' && opts.includeArchived === true);
    const rows = await fees.dueLines(
      project,
      items.map((i) => i.id),
      scope === 'own' ? actor.orgPath : undefined,
    );
    const amountOf = new Map(items.map((i) => [i.id, i.amountFen]));
    const lines = rows.map((r) => withStatus(r, amountOf.get(r.itemId)!));
    const itemTotals = items.map((i): ItemTotals => {
      const mine = lines.filter((l) => l.itemId === i.id);
      const byStatus = emptyByStatus();
      for (const l of mine) byStatus[l.status]++;
      return {
        itemId: i.id,
        teachers: mine.reduce((n, l) => n + l.teachers, 0),
        units: mine.length,
        byStatus,
        ...sumUp(mine),
      };
    });
    return {
      actor,
      project,
      items,
      lines,
      itemTotals,
      total: sumUp(lines),
      scope,
      canManage: can(actor, 'fee.manage', { path: project.orgPath }),
    };
  }

  async function ownDues(
    ctx: RequestContext,
    action: string,
    q: { year?: number },
  ): Promise<{ unit: OrgUnitRow; lines: OwnDueLine[]; total: Totals }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const unit = (await units.findById(actor.orgUnitId))!;
    if (!can(actor, 'fee.read', { path: unit.path }))
      return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: unit.id }, new AppError('FORBIDDEN'));
    const organisers = [...(unit.parentId ? [unit.parentId] : []), ...(unit.kind === 'school' ? [unit.id] : [])];
    const lines = (await fees.ownDueLines(unit, organisers, q.year)).map((r) => withStatus(r, r.amountFen));
    return { unit, lines, total: sumUp(lines) };
  }

  return {
    /** The fee items of a project, with whether the actor sets them. */
    async listItems(
      ctx: RequestContext,
      projectId: number,
    ): Promise<{ project: ProjectRow; items: FeeItemRow[]; canManage: boolean; scope: FeeScope }> {
      const { actor, project, scope } = await readable(ctx, projectId, 'fee.list_items', {
        type: 'training_project',
        id: projectId,
      });
      const items = await fees.items(projectId, scope === 'all');
      return { project, items, canManage: can(actor, 'fee.manage', { path: project.orgPath }), scope };
    },

    async createItem(ctx: RequestContext, projectId: number, fields: FeeItemFields): Promise<FeeItemRow> {
      const action = 'fee.create_item';
      const { actor, project } = await manageable(ctx, projectId, action, { type: 'training_project', id: projectId });
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'fee_item',
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${fields.name}`,
          details: { projectId, kind: fields.kind, amountFen: fields.amountFen },
        },
        async (trx, meta) => {
          const newId = await createFeeRepository(trx)
            .insertItem({
              ...fields,
              projectId,
              provinceId: project.provinceId,
              orgPath: project.orgPath,
              createdBy: actor.userId,
            })
            .catch((e: unknown) => {
              throw translatePgError(e, UNIQUE);
            });
          meta.targetId = newId;
          return newId;
        },
      );
      return (await fees.item(id))!;
    },

    /** Changes the name, kind or amount of a fee; dues follow the new amount. An archived fee is not changed. */
    async updateItem(ctx: RequestContext, itemId: number, patch: Partial<FeeItemFields>): Promise<FeeItemRow> {
      const action = 'fee.update_item';
      const { project, item } = await manageableItem(ctx, itemId, action);
      const changes = Object.fromEntries(
        Object.entries(patch).filter(([k, v]) => v !== undefined && v !== item[k as keyof FeeItemFields]),
      );
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'fee_item',
          targetId: itemId,
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${patch.name ?? item.name}`,
          details: {
            before: Object.fromEntries(Object.keys(changes).map((k) => [k, item[k as keyof FeeItemFields]])),
            after: changes,
          },
        },
        async (trx) => {
          const repo = createFeeRepository(trx);
          const cur = (await repo.lockItem(itemId))!;
          requireActive(cur);
          if (Object.keys(changes).length)
            await repo.updateItem(itemId, changes).catch((e: unknown) => {
              throw translatePgError(e, UNIQUE);
            });
        },
      );
      return (await fees.item(itemId))!;
    },

    /** Archives a fee (it leaves the dues pages; its payments stay) or brings it back. */
    async setArchived(ctx: RequestContext, itemId: number, archived: boolean): Promise<FeeItemRow> {
      const action = archived ? 'fee.archive_item' : 'fee.unarchive_item';
      const { project, item } = await manageableItem(ctx, itemId, action);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'fee_item',
          targetId: itemId,
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${item.name}`,
        },
        async (trx) => {
          const repo = createFeeRepository(trx);
          await repo.lockItem(itemId);
          await repo.setArchived(itemId, archived).catch((e: unknown) => {
            throw translatePgError(e, UNIQUE);
          });
        },
      );
      return (await fees.item(itemId))!;
    },

    /** Deletes a fee set up by mistake; a fee with payments can only be archived. */
    async deleteItem(ctx: RequestContext, itemId: number): Promise<void> {
      const action = 'fee.delete_item';
      const { project, item } = await manageableItem(ctx, itemId, action);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'fee_item',
          targetId: itemId,
          targetPath: project.orgPath,
          targetLabel: `${project.title} / ${item.name}`,
          details: { kind: item.kind, amountFen: item.amountFen },
        },
        async (trx) => {
          const repo = createFeeRepository(trx);
          const cur = (await repo.lockItem(itemId))!;
          if (cur.paymentCount > 0) throw new AppError('FEE_ITEM_HAS_PAYMENTS', { params: { name: cur.name } });
          await repo.deleteItem(itemId);
        },
      );
    },

    /** Every paying unit's dues for each fee of a project (the actor's own units' only, below the organiser), with totals. */
    async dues(ctx: RequestContext, projectId: number, opts: { includeArchived?: boolean } = {}): Promise<ProjectDues> {
      const { actor: _, ...r } = await projectDues(ctx, projectId, 'fee.list_dues', opts);
      return r;
    },

    /** Sets by hand what a unit owes for a fee (e.g. teachers who came without enrolling), with the reason. */
    async setOverride(
      ctx: RequestContext,
      itemId: number,
      unitId: number,
      input: { dueFen: number; reason: string },
    ): Promise<void> {
      const action = 'fee.set_override';
      const { actor, project, item } = await manageableItem(ctx, itemId, action);
      const unit = await payingUnit(ctx, actor, project, unitId, action, 'fee.manage');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'fee_item',
          targetId: itemId,
          targetPath: unit.path,
          targetLabel: `${project.title} / ${item.name} / ${unit.name}`,
          details: { unitId, dueFen: input.dueFen, reason: input.reason },
        },
        async (trx, meta) => {
          const repo = createFeeRepository(trx);
          requireActive((await repo.lockItem(itemId))!);
          const before = await repo.override(itemId, unitId);
          meta.details = { ...meta.details, before: before ? { dueFen: before.dueFen, reason: before.reason } : null };
          await repo.setOverride({
            feeItemId: itemId,
            orgUnitId: unitId,
            orgPath: unit.path,
            dueFen: input.dueFen,
            reason: input.reason,
            updatedBy: actor.userId,
          });
        },
      );
    },

    /** Goes back to counting a unit's dues from its enrolled teachers. */
    async clearOverride(ctx: RequestContext, itemId: number, unitId: number): Promise<void> {
      const action = 'fee.clear_override';
      const { actor, project, item } = await manageableItem(ctx, itemId, action);
      const unit = await payingUnit(ctx, actor, project, unitId, action, 'fee.manage');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'fee_item',
          targetId: itemId,
          targetPath: unit.path,
          targetLabel: `${project.title} / ${item.name} / ${unit.name}`,
          details: { unitId },
        },
        async (trx, meta) => {
          const repo = createFeeRepository(trx);
          requireActive((await repo.lockItem(itemId))!);
          const before = await repo.override(itemId, unitId);
          if (!before) throw new AppError('NOT_FOUND');
          meta.details = { ...meta.details, before: { dueFen: before.dueFen, reason: before.reason } };
          await repo.clearOverride(itemId, unitId);
        },
      );
    },

    /**
     * Records money received from a unit, or a correction (a negative amount with a note). A
     * correction never takes the unit's paid total below zero; payments of one fee are decided
     * one at a time under the fee's row lock.
     */
    async recordPayment(
      ctx: RequestContext,
      itemId: number,
      unitId: number,
      input: PaymentInput,
    ): Promise<{ payment: PaymentRow; paidFen: number }> {
      const action = 'fee.record_payment';
      const { actor, project, item } = await manageableItem(ctx, itemId, action);
      const unit = await payingUnit(ctx, actor, project, unitId, action, 'fee.manage');
      const correction = input.amountFen < 0;
      const meta = {
        action,
        targetType: 'fee_payment',
        targetPath: unit.path,
        targetLabel: `${project.title} / ${item.name} / ${unit.name}`,
        details: {
          itemId,
          unitId,
          amountFen: input.amountFen,
          paidOn: input.paidOn,
          receiptNo: input.receiptNo,
          correction,
        },
      };
      const r = await auditedWrite(db, ctx, meta, async (trx, m) => {
        if (correction && !input.note) throw invalid('note', 'required');
        if (input.paidOn > today(env)) throw invalid('paidOn', 'future');
        const repo = createFeeRepository(trx);
        requireActive((await repo.lockItem(itemId))!);
        const paid = await repo.paidSum(itemId, unitId);
        if (paid + input.amountFen < 0)
          throw new AppError('FEE_PAID_BELOW_ZERO', { params: { paid: formatFen(paid) } });
        const id = await repo.insertPayment({
          feeItemId: itemId,
          orgUnitId: unitId,
          orgPath: unit.path,
          ...input,
          createdBy: actor.userId,
        });
        m.targetId = id;
        return { id, paidFen: paid + input.amountFen };
      });
      const payment = (await fees.payments(itemId, unitId)).find((p) => p.id === r.id)!;
      return { payment, paidFen: r.paidFen };
    },

    /** The payments and corrections of one unit for one fee: the organiser's side, and the unit's own admins. */
    async payments(
      ctx: RequestContext,
      itemId: number,
      unitId: number,
    ): Promise<{ item: FeeItemRow; unit: OrgUnitRow; payments: PaymentRow[]; paidFen: number }> {
      const action = 'fee.list_payments';
      const item = await itemOf(ctx, itemId, action);
      const { actor, project, scope } = await readable(ctx, item.projectId, action, { type: 'fee_item', id: itemId });
      const unit = await payingUnit(ctx, actor, project, unitId, action, 'fee.read');
      if (scope === 'own' && item.archived) throw new AppError('NOT_FOUND');
      const payments = await fees.payments(itemId, unitId);
      return { item, unit, payments, paidFen: payments.reduce((n, p) => n + p.amountFen, 0) };
    },

    /** The fee sheet of a project as .xlsx: one row per unit and fee, a subtotal per fee and the total. */
    async exportProject(ctx: RequestContext, projectId: number): Promise<{ buffer: Buffer; project: ProjectRow }> {
      const action = 'fee.export';
      const d = await projectDues(ctx, projectId, action);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('费用');
      ws.columns = [
        { header: '缴费单位', key: 'unit', width: 28 },
        { header: '单位代码', key: 'code', width: 12 },
        { header: '收费项目', key: 'item', width: 16 },
        { header: '类别', key: 'kind', width: 8 },
        { header: '教师人数', key: 'teachers', width: 10 },
        { header: '标准（元/人）', key: 'amount', width: 14 },
        { header: '应缴（元）', key: 'due', width: 14 },
        { header: '已缴（元）', key: 'paid', width: 14 },
        { header: '未缴余额（元）', key: 'balance', width: 14 },
        { header: '状态', key: 'status', width: 10 },
        { header: '应缴调整说明', key: 'reason', width: 30 },
      ];
      const byId = new Map(d.items.map((i) => [i.id, i]));
      for (const l of d.lines) {
        const item = byId.get(l.itemId)!;
        ws.addRow({
          unit: neutraliseCell(l.unitName),
          code: l.divisionCode ?? l.unitCode ?? '',
          item: neutraliseCell(item.name),
          kind: FEE_KIND_LABELS[item.kind],
          teachers: l.teachers,
          amount: yuan(item.amountFen),
          due: yuan(l.dueFen),
          paid: yuan(l.paidFen),
          balance: yuan(l.balanceFen),
          status: FEE_STATUS_LABELS[l.status],
          reason: l.overrideReason ? neutraliseCell(l.overrideReason) : '',
        });
      }
      for (const tot of d.itemTotals) {
        const item = byId.get(tot.itemId)!;
        ws.addRow({
          unit: `小计：${neutraliseCell(item.name)}`,
          item: neutraliseCell(item.name),
          kind: FEE_KIND_LABELS[item.kind],
          teachers: tot.teachers,
          amount: yuan(item.amountFen),
          due: yuan(tot.dueFen),
          paid: yuan(tot.paidFen),
          balance: yuan(tot.balanceFen),
        }).font = { bold: true };
      }
      ws.addRow({
        unit: '合计',
        due: yuan(d.total.dueFen),
        paid: yuan(d.total.paidFen),
        balance: yuan(d.total.balanceFen),
      }).font = { bold: true };
      for (const key of ['amount', 'due', 'paid', 'balance']) ws.getColumn(key).numFmt = MONEY_FORMAT;
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetId: projectId,
          targetPath: d.project.orgPath,
          targetLabel: d.project.title,
          details: { rows: d.lines.length, scope: d.scope },
        },
        'success',
      );
      return { buffer, project: d.project };
    },

    /** 本单位应缴费用: what the actor's unit owes for the projects of the unit above it (and, for a school, its own). */
    async myUnit(
      ctx: RequestContext,
      q: { year?: number } = {},
    ): Promise<{ unit: OrgUnitRow; lines: OwnDueLine[]; total: Totals }> {
      return ownDues(ctx, 'fee.my_unit', q);
    },

    async exportMyUnit(ctx: RequestContext, q: { year?: number } = {}): Promise<{ buffer: Buffer; unit: OrgUnitRow }> {
      const action = 'fee.export_my_unit';
      const { unit, lines, total } = await ownDues(ctx, action, q);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('本单位应缴费用');
      ws.columns = [
        { header: '年度', key: 'year', width: 8 },
        { header: '培训项目', key: 'project', width: 32 },
        { header: '主办单位', key: 'organiser', width: 20 },
        { header: '收费项目', key: 'item', width: 16 },
        { header: '类别', key: 'kind', width: 8 },
        { header: '教师人数', key: 'teachers', width: 10 },
        { header: '标准（元/人）', key: 'amount', width: 14 },
        { header: '应缴（元）', key: 'due', width: 14 },
        { header: '已缴（元）', key: 'paid', width: 14 },
        { header: '未缴余额（元）', key: 'balance', width: 14 },
        { header: '状态', key: 'status', width: 10 },
        { header: '应缴调整说明', key: 'reason', width: 30 },
      ];
      for (const l of lines) {
        ws.addRow({
          year: l.projectYear,
          project: neutraliseCell(l.projectTitle),
          organiser: neutraliseCell(l.organiserName),
          item: neutraliseCell(l.itemName),
          kind: FEE_KIND_LABELS[l.kind],
          teachers: l.teachers,
          amount: yuan(l.amountFen),
          due: yuan(l.dueFen),
          paid: yuan(l.paidFen),
          balance: yuan(l.balanceFen),
          status: FEE_STATUS_LABELS[l.status],
          reason: l.overrideReason ? neutraliseCell(l.overrideReason) : '',
        });
      }
      ws.addRow({
        project: '合计',
        due: yuan(total.dueFen),
        paid: yuan(total.paidFen),
        balance: yuan(total.balanceFen),
      }).font = { bold: true };
      for (const key of ['amount', 'due', 'paid', 'balance']) ws.getColumn(key).numFmt = MONEY_FORMAT;
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'org_unit',
          targetId: unit.id,
          targetPath: unit.path,
          targetLabel: unit.name,
          details: { rows: lines.length },
        },
        'success',
      );
      return { buffer, unit };
    },
  };
}

export type FeeService = ReturnType<typeof createFeeService>;
