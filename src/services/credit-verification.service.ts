import { chinaTime, currentYear } from '../config/env.js';
import { verifyYear } from '../domain/credit-progress.js';
import { AppError } from '../errors/app-error.js';
import { createCreditLedgerRepository, type CycleRow } from '../repositories/credit-ledger.repository.js';
import {
  createCreditVerificationRepository,
  type SchoolYearRow,
  type SchoolYearStatus,
  type VerificationItemRow,
  type VerificationRow,
  type VerificationStatus,
} from '../repositories/credit-verification.repository.js';
import { appendAudit, auditedWrite } from './audit.js';
import ExcelJS from './excel.js';
import { neutraliseCell } from './roster-file.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';
import { rulesOf } from './credit-summary.js';
import { requireAdminAction, requireAdminAtUnit } from './registry-access.js';
import { holdsTeachers } from '../domain/org-tree.js';
import { notify } from './notify.js';

export interface SchoolYearQuery {
  orgUnitId?: number;
  cycleId: number;
  year: number;
  status?: SchoolYearStatus;
}

const SCHOOL_YEAR_LABELS: Record<SchoolYearStatus, string> = {
  not_started: '未开始',
  open: '学校核验中',
  returned: '已退回',
  submitted: '已提交区县',
  signed_off: '已签章',
};

const EDITABLE: ReadonlySet<VerificationStatus> = new Set(['open', 'returned']);

/**
 * Annual verification (年度验证/验印, R-16): the school opens its year and sees every teacher's
 * result under the rules, marks exceptions with a reason and submits; the county signs it off or
 * returns it. A signed-off year is locked: a change to it is a reversal the county approves.
 */
export function createCreditVerificationService(deps: ServiceDeps, ledgerService: CreditLedgerService) {
  const { db, env } = deps;
  const repo = createCreditVerificationRepository(db);
  const ledger = createCreditLedgerRepository(db);

  async function load(
    ctx: RequestContext,
    id: number,
    action: string,
    policy: 'credit.read' | 'credit.verify' | 'credit.sign_off',
  ): Promise<VerificationRow> {
    const v = await repo.find(id);
    if (!v) throw new AppError('NOT_FOUND');
    await requireAdminAction(db, ctx, action, policy, {
      path: v.orgPath,
      type: 'credit_verification',
      id,
      label: `${v.orgUnitName} ${v.year}`,
    });
    return v;
  }

  /** The unit whose schools are listed (the actor's own unless named) and the cycle, of its province. */
  async function schoolYearScope(ctx: RequestContext, q: SchoolYearQuery, action: string) {
    const unit = await requireAdminAtUnit(db, ctx, q.orgUnitId ?? requireActor(ctx).orgUnitId, action, 'credit.read');
    const cycle = await ledger.cycle(q.cycleId);
    if (!cycle || cycle.provinceId !== unit.provinceId) throw new AppError('NOT_FOUND');
    return { unit, cycle };
  }

  const stateError = (status: VerificationStatus) => new AppError('VERIFICATION_STATE', { params: { status } });

  /** Recomputes every current teacher of the school against the year's rules. */
  async function compute(
    trx: Parameters<Parameters<typeof auditedWrite>[3]>[0],
    v: { id: number; orgUnitId: number; year: number },
    cycle: CycleRow,
  ): Promise<void> {
    const r = createCreditLedgerRepository(trx);
    const rules = await rulesOf(trx, cycle);
    const items: Array<{
      teacherId: number;
      computed: 'passed' | 'failed' | 'not_in_scope';
      failures: unknown[];
      yearHours: number;
    }> = [];
    for (let after = 0; ; ) {
      // the teachers kept at the unit itself: a township centre school's year leaves out its village
      // schools, which verify their own
      const facts = await r.teacherFactsAt(v.orgUnitId, after, 2_000);
      if (facts.length === 0) break;
      after = facts[facts.length - 1]!.id;
      const entries = await r.engineEntries(
        cycle.id,
        facts.map((t) => t.id),
      );
      for (const t of facts) {
        const res = verifyYear(rules, cycle, t, entries.get(t.id) ?? [], v.year);
        items.push({ teacherId: t.id, computed: res.computed, failures: res.failures, yearHours: res.yearHours });
      }
    }
    await createCreditVerificationRepository(trx).replaceItems(v.id, items);
  }

  return {
    /** Opens (or reopens for a fresh look) a school's year. */
    async open(
      ctx: RequestContext,
      input: { orgUnitId: number; cycleId: number; year: number },
    ): Promise<VerificationRow> {
      const school = await requireAdminAtUnit(db, ctx, input.orgUnitId, 'credit.open_verification', 'credit.verify');
      const actor = requireActor(ctx);
      if (!holdsTeachers(school.kind)) throw new AppError('TEACHER_UNIT_NOT_SCHOOL');
      const cycle = await ledger.cycle(input.cycleId);
      if (!cycle || cycle.provinceId !== school.provinceId) throw new AppError('NOT_FOUND');
      if (input.year < cycle.startYear || input.year > cycle.endYear || input.year > currentYear(env))
        throw new AppError('CYCLE_NOT_FOUND_FOR_YEAR', { params: { year: input.year } });
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.open_verification',
          targetType: 'org_unit',
          targetId: school.id,
          targetPath: school.path,
          targetLabel: school.name,
          details: { cycleId: cycle.id, year: input.year },
        },
        async (trx, meta) => {
          const vr = createCreditVerificationRepository(trx);
          let vid =
            (await vr.findFor(cycle.id, input.year, school.id))?.id ??
            (await vr.insert({
              provinceId: school.provinceId,
              cycleId: cycle.id,
              year: input.year,
              orgUnitId: school.id,
              orgPath: school.path,
              openedBy: actor.userId,
            }));
          vid ??= (await vr.findFor(cycle.id, input.year, school.id))!.id;
          const state = (await vr.lock(vid))!.status;
          if (!EDITABLE.has(state)) throw stateError(state);
          await compute(trx, { id: vid, orgUnitId: school.id, year: input.year }, cycle);
          meta.details = { ...meta.details, verificationId: vid };
          return vid;
        },
      );
      return (await repo.find(id))!;
    },

    async get(
      ctx: RequestContext,
      id: number,
    ): Promise<{ verification: VerificationRow; items: VerificationItemRow[] }> {
      const v = await load(ctx, id, 'credit.read_verification', 'credit.read');
      return { verification: v, items: await repo.items(id) };
    },

    async list(
      ctx: RequestContext,
      q: { orgUnitId?: number; cycleId: number; year?: number; status?: VerificationStatus },
    ): Promise<VerificationRow[]> {
      const unit = await requireAdminAtUnit(
        db,
        ctx,
        q.orgUnitId ?? requireActor(ctx).orgUnitId,
        'credit.list_verifications',
        'credit.read',
      );
      return repo.under(unit.path, q.cycleId, q.year, q.status);
    },

    /**
     * The county's list of a year: every school of the unit, those that have not opened the year
     * too (`not_started`), a page at a time with the count of each status.
     */
    async schools(
      ctx: RequestContext,
      q: SchoolYearQuery & { page: number; pageSize: number },
    ): Promise<{ items: SchoolYearRow[]; total: number; counts: Record<SchoolYearStatus, number> }> {
      const { unit, cycle } = await schoolYearScope(ctx, q, 'credit.list_verifications');
      return repo.schoolsUnder({
        provinceId: unit.provinceId,
        path: unit.path,
        cycleId: cycle.id,
        year: q.year,
        status: q.status,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
    },

    /** The same list as an .xlsx sheet, every matching school (audited like every export). */
    async exportSchools(
      ctx: RequestContext,
      q: SchoolYearQuery,
    ): Promise<{ buffer: Buffer; unitName: string; rows: number }> {
      const action = 'credit.export_verifications';
      const { unit, cycle } = await schoolYearScope(ctx, q, action);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(`${q.year}年度验证`);
      ws.columns = [
        { header: '序号', key: 'n', width: 6 },
        { header: '学校', key: 'school', width: 30 },
        { header: '年度', key: 'year', width: 8 },
        { header: '状态', key: 'status', width: 10 },
        { header: '教师数', key: 'teachers', width: 8 },
        { header: '验证通过', key: 'verified', width: 10 },
        { header: '通过率', key: 'rate', width: 10 },
        { header: '提交时间', key: 'submitted', width: 20 },
        { header: '区县处理时间', key: 'decided', width: 20 },
        { header: '处理人', key: 'decider', width: 12 },
      ];
      let n = 0;
      for (let offset = 0; ; offset += 2_000) {
        const page = await repo.schoolsUnder({
          provinceId: unit.provinceId,
          path: unit.path,
          cycleId: cycle.id,
          year: q.year,
          status: q.status,
          limit: 2_000,
          offset,
        });
        for (const r of page.items) {
          ws.addRow({
            n: ++n,
            school: neutraliseCell(r.orgUnitName),
            year: q.year,
            status: SCHOOL_YEAR_LABELS[r.status],
            teachers: r.teachers,
            verified: r.verified ?? '',
            rate: r.verified === null || r.teachers === 0 ? '' : `${((r.verified / r.teachers) * 100).toFixed(1)}%`,
            submitted: r.submittedAt ? chinaTime(r.submittedAt) : '',
            decided: r.decidedAt ? chinaTime(r.decidedAt) : '',
            decider: neutraliseCell(r.decidedByName ?? ''),
          });
        }
        if (page.items.length < 2_000) break;
      }
      ws.getRow(1).font = { bold: true };
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
          details: { cycleId: cycle.id, year: q.year, status: q.status ?? null, rows: n },
        },
        'success',
      );
      return { buffer, unitName: unit.name, rows: n };
    },

    /** Marks (or clears) the school's exception for one teacher, with its reason. */
    async mark(
      ctx: RequestContext,
      id: number,
      teacherId: number,
      exception: 'exempt' | 'failed' | null,
      reason: string | null,
    ): Promise<void> {
      const v = await load(ctx, id, 'credit.mark_verification', 'credit.verify');
      if (exception !== null && !reason)
        throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'reason', kind: 'required' }] } });
      await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.mark_verification',
          targetType: 'credit_verification',
          targetId: id,
          targetPath: v.orgPath,
          details: { teacherId, exception, reason },
        },
        async (trx) => {
          const vr = createCreditVerificationRepository(trx);
          const state = (await vr.lock(id))!.status;
          if (!EDITABLE.has(state)) throw stateError(state);
          if (!(await vr.setException(id, teacherId, exception, exception === null ? null : reason)))
            throw new AppError('NOT_FOUND');
        },
      );
    },

    /** Submits the year to the county, with the results recomputed at this moment. */
    async submit(ctx: RequestContext, id: number): Promise<VerificationRow> {
      const v = await load(ctx, id, 'credit.submit_verification', 'credit.verify');
      const actor = requireActor(ctx);
      const cycle = (await ledger.cycle(v.cycleId))!;
      await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.submit_verification',
          targetType: 'credit_verification',
          targetId: id,
          targetPath: v.orgPath,
          targetLabel: `${v.orgUnitName} ${v.year}`,
        },
        async (trx, meta) => {
          const vr = createCreditVerificationRepository(trx);
          const state = (await vr.lock(id))!.status;
          if (!EDITABLE.has(state)) throw stateError(state);
          await compute(trx, v, cycle);
          await vr.setStatus(id, 'submitted', actor.userId);
          // to the county that signs the year off
          await notify(trx, {
            to: { roleAbove: { path: v.orgPath, role: 'county_admin' } },
            kind: 'verification_submitted',
            params: { unit: v.orgUnitName, year: v.year },
            link: `/verifications/${id}`,
            senderId: actor.userId,
          });
          const after = (await vr.find(id))!;
          meta.details = { teachers: after.teachers, verified: after.verified };
        },
      );
      return (await repo.find(id))!;
    },

    /** The county signs the year off (locking it) or returns it to the school with a note. */
    async decide(
      ctx: RequestContext,
      id: number,
      decision: 'sign_off' | 'return',
      note: string | null,
    ): Promise<VerificationRow> {
      const v = await load(ctx, id, 'credit.decide_verification', 'credit.sign_off');
      const actor = requireActor(ctx);
      if (decision === 'return' && !note)
        throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'note', kind: 'required' }] } });
      await auditedWrite(
        db,
        ctx,
        {
          action: decision === 'sign_off' ? 'credit.sign_off_verification' : 'credit.return_verification',
          targetType: 'credit_verification',
          targetId: id,
          targetPath: v.orgPath,
          targetLabel: `${v.orgUnitName} ${v.year}`,
          details: { note },
        },
        async (trx) => {
          const vr = createCreditVerificationRepository(trx);
          const state = (await vr.lock(id))!.status;
          if (state !== 'submitted') throw stateError(state);
          await vr.setStatus(id, decision === 'sign_off' ? 'signed_off' : 'returned', actor.userId, note);
          await notify(trx, {
            to: { adminsAt: [v.orgUnitId] },
            kind: decision === 'sign_off' ? 'verification_signed_off' : 'verification_returned',
            params: { unit: v.orgUnitName, year: v.year, note },
            link: `/verifications/${id}`,
            senderId: actor.userId,
          });
        },
      );
      return (await repo.find(id))!;
    },

    async reversalRequests(
      ctx: RequestContext,
      q: { orgUnitId?: number; status?: 'pending' | 'approved' | 'rejected' },
    ) {
      const unit = await requireAdminAtUnit(
        db,
        ctx,
        q.orgUnitId ?? requireActor(ctx).orgUnitId,
        'credit.list_reversal_requests',
        'credit.read',
      );
      return repo.reversalRequestsUnder(unit.path, q.status);
    },

    /** The county approves (the reversal is posted, marked as a change after sign-off) or rejects. */
    async decideReversal(
      ctx: RequestContext,
      id: number,
      approve: boolean,
      note: string | null,
    ): Promise<{ reversalId: number | null }> {
      const req = await repo.findReversalRequest(id);
      if (!req) throw new AppError('NOT_FOUND');
      const actor = await requireAdminAction(db, ctx, 'credit.decide_reversal', 'credit.sign_off', {
        path: req.orgPath,
        type: 'credit_reversal_request',
        id,
      });
      const entry = (await ledger.entry(req.entryId))!;
      return auditedWrite(
        db,
        ctx,
        {
          action: approve ? 'credit.approve_reversal' : 'credit.reject_reversal',
          targetType: 'credit_entry',
          targetId: entry.id,
          targetPath: entry.orgPath,
          targetLabel: entry.title,
          details: { requestId: id, note },
        },
        async (trx, meta) => {
          const vr = createCreditVerificationRepository(trx);
          const locked = (await vr.lockReversalRequest(id))!;
          if (locked.status !== 'pending') throw new AppError('CONFLICT');
          await vr.decideReversalRequest(id, approve ? 'approved' : 'rejected', actor.userId, note);
          if (locked.requestedBy !== null)
            await notify(trx, {
              to: { users: [locked.requestedBy] },
              kind: 'reversal_decided',
              params: { title: entry.title, unit: entry.orgUnitName, approve, note },
              link: '/credits/register?tab=entries',
              senderId: actor.userId,
            });
          if (!approve) return { reversalId: null };
          const reversalId = await ledgerService.postReversal(trx, entry, locked.reason, actor.userId, true);
          meta.details = { ...meta.details, reversalId };
          return { reversalId };
        },
      );
    },
  };
}
