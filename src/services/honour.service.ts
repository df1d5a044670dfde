import { chinaDay } from '../config/env.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createHonourRepository, type HonourFilter, type HonourRow } from '../repositories/honour.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { maskName } from './certificate.service.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { type HonourKind, revokeHonour } from './honour.js';
import { requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { neutraliseCell } from './roster-file.js';

/** An honour's code as recordHonour makes it: 'H' and 14 characters of the certificates' alphabet. */
export const HONOUR_CODE = /^H[A-Z0-9]{14}$/;

/** What the public /verify/<code> page may show of an honour: never a full personal name. */
export interface PublicHonour {
  code: string;
  status: 'valid' | 'revoked';
  /** a person's name masked ('王**'); a unit's name in full */
  recipient: string;
  /** the recipient's unit (a person's school, or the honoured unit itself) */
  unitName: string;
  kind: HonourKind;
  title: string;
  grade: string | null;
  year: number;
  awardedBy: string;
  awardedOn: string;
  /** the day it was revoked (China time) */
  revokedOn: string | null;
}

export const HONOUR_KIND_LABELS: Record<HonourKind, string> = {
  competition_award: '评比获奖',
  organisation_award: '优秀组织奖',
  advanced_unit: '先进单位',
  outstanding_admin: '优秀管理员',
  outstanding_trainee: '优秀学员',
  pair_award: '优秀师徒结对',
};
const GRADE_LABELS: Record<string, string> = {
  first: '一等奖',
  second: '二等奖',
  third: '三等奖',
  excellent: '优秀奖',
  organisation: '优秀组织奖',
};

export interface HonourQuery {
  orgUnitId?: number;
  kind?: HonourKind;
  year?: number;
  q?: string;
  state?: 'active' | 'revoked';
}

/**
 * Honours (荣誉) of a subtree: the awards of competitions and pairs and the commendations, listed
 * with filters and exported; revoked with a reason (the row and its history stay, and the public
 * verify page says it was revoked and when).
 */
export function createHonourService(deps: ServiceDeps) {
  const { db } = deps;
  const repo = createHonourRepository(db);

  async function filterOf(ctx: RequestContext, q: HonourQuery, action: string): Promise<HonourFilter> {
    const actor = requireActor(ctx);
    const unit = await requireAdminAtUnit(db, ctx, q.orgUnitId ?? actor.orgUnitId, action, 'honour.read');
    return { provinceId: actor.provinceId, path: unit.path, kind: q.kind, year: q.year, q: q.q, state: q.state };
  }

  return {
    async list(
      ctx: RequestContext,
      q: HonourQuery & { page: number; pageSize: number },
    ): Promise<{ items: HonourRow[]; total: number }> {
      const f = await filterOf(ctx, q, 'honour.list');
      const r = await repo.list(f, { offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
      return { items: r.rows, total: r.total };
    },

    /** The list as a workbook, every page of it (up to 50 000 rows). */
    async xlsx(ctx: RequestContext, q: HonourQuery): Promise<Buffer> {
      const f = await filterOf(ctx, q, 'honour.export');
      const { rows } = await repo.list(f, { offset: 0, limit: 50_000 });
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('荣誉');
      ws.columns = [
        { header: '荣誉编号', key: 'code', width: 18 },
        { header: '类别', key: 'kind', width: 14 },
        { header: '荣誉名称', key: 'title', width: 32 },
        { header: '等次', key: 'grade', width: 10 },
        { header: '获得者', key: 'recipient', width: 16 },
        { header: '所在单位', key: 'unit', width: 28 },
        { header: '年度', key: 'year', width: 8 },
        { header: '授予单位', key: 'by', width: 20 },
        { header: '授予日期', key: 'on', width: 12 },
        { header: '状态', key: 'state', width: 10 },
        { header: '撤销日期', key: 'revokedOn', width: 12 },
        { header: '撤销原因', key: 'reason', width: 30 },
      ];
      for (const h of rows)
        ws.addRow({
          code: h.code,
          kind: HONOUR_KIND_LABELS[h.kind],
          title: neutraliseCell(h.title),
          grade: h.grade ? GRADE_LABELS[h.grade] : '',
          recipient: neutraliseCell(h.recipientName),
          unit: neutraliseCell(h.unitName),
          year: h.year,
          by: neutraliseCell(h.awardedByName),
          on: h.awardedOn,
          state: h.revokedAt ? '已撤销' : '有效',
          revokedOn: h.revokedAt ? chinaDay(h.revokedAt) : '',
          reason: neutraliseCell(h.revokeReason ?? ''),
        });
      ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        { action: 'honour.export', targetType: 'org_unit', targetPath: f.path, details: { rows: rows.length } },
        'success',
      );
      return buffer;
    },

    async get(ctx: RequestContext, id: number): Promise<HonourRow> {
      const actor = await requireRegistryRole(db, ctx, 'honour.read');
      const h = await repo.find(id);
      if (
        !h ||
        h.provinceId !== actor.provinceId ||
        !(can(actor, 'honour.read', { path: h.orgPath }) || can(actor, 'honour.read', { path: h.awardedByPath }))
      )
        return auditRefusal(db, ctx, { action: 'honour.read', targetType: 'honour', targetId: id }, notFoundDenied());
      return h;
    },

    /** Revokes an honour with a reason: the awarding unit's admins (and those above it). */
    async revoke(ctx: RequestContext, id: number, reason: string): Promise<HonourRow> {
      const actor = await requireRegistryRole(db, ctx, 'honour.revoke');
      const h = await repo.find(id);
      if (
        !h ||
        h.provinceId !== actor.provinceId ||
        !(can(actor, 'honour.read', { path: h.orgPath }) || can(actor, 'honour.read', { path: h.awardedByPath }))
      )
        return auditRefusal(db, ctx, { action: 'honour.revoke', targetType: 'honour', targetId: id }, notFoundDenied());
      // the recipient's school reads it but did not award it: refused
      if (!can(actor, 'honour.revoke', { path: h.awardedByPath }))
        return auditRefusal(
          db,
          ctx,
          { action: 'honour.revoke', targetType: 'honour', targetId: id, targetPath: h.orgPath, targetLabel: h.title },
          new AppError('FORBIDDEN'),
        );
      await auditedWrite(
        db,
        ctx,
        {
          action: 'honour.revoke',
          targetType: 'honour',
          targetId: id,
          targetPath: h.orgPath,
          targetLabel: `${h.title} · ${h.recipientName}`,
          details: { reason, code: h.code, kind: h.kind },
        },
        async (trx) => {
          if (!(await revokeHonour(trx, { id, reason, by: actor.userId }))) throw new AppError('HONOUR_REVOKED');
        },
      );
      return (await repo.find(id))!;
    },

    /** The public check of an honour's code (no login): null when there is no such honour. */
    async verify(code: string): Promise<PublicHonour | null> {
      const normalised = code.trim().toUpperCase();
      if (!HONOUR_CODE.test(normalised)) return null;
      const h = await repo.byCode(normalised);
      if (!h) return null;
      const person = h.teacherId !== null || h.userId !== null;
      return {
        code: h.code,
        status: h.revokedAt ? 'revoked' : 'valid',
        recipient: person ? maskName(h.recipientName) : h.recipientName,
        unitName: h.unitName,
        kind: h.kind,
        title: h.title,
        grade: h.grade,
        year: h.year,
        awardedBy: h.awardedByName,
        awardedOn: h.awardedOn,
        revokedOn: h.revokedAt ? chinaDay(h.revokedAt) : null,
      };
    },
  };
}

export type HonourService = ReturnType<typeof createHonourService>;
