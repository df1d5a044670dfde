import type { Writable } from 'node:stream';
import { currentYear, today } from '../config/env.js';
import { formatCredits, formatTenths } from '../domain/cycle-rules.js';
import { daysLeftInYear, type ProgressStatus } from '../domain/credit-progress.js';
import { AppError } from '../errors/app-error.js';
import { createCreditLedgerRepository, type CycleRow } from '../repositories/credit-ledger.repository.js';
import {
  createCreditReportRepository,
  type RollupRow,
  type TeacherStatusRow,
} from '../repositories/credit-report.repository.js';
import { createJobRepository } from '../repositories/job.repository.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import { appendAudit } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import { REFRESH_JOB } from './credit-jobs.js';
import { rulesOf } from './credit-summary.js';
import { requireAdminAtUnit } from './registry-access.js';
import { PERCENT_FORMAT, writeXlsx } from './roster-file.js';

export const STATUS_LABELS: Record<ProgressStatus, { 'zh-CN': string; en: string }> = {
  complete: { 'zh-CN': '已完成', en: 'Complete' },
  on_track: { 'zh-CN': '进度正常', en: 'On track' },
  behind: { 'zh-CN': '进度落后', en: 'Behind' },
  below_yearly: { 'zh-CN': '本年度未达标', en: 'Below this year’s minimum' },
  at_risk: { 'zh-CN': '有风险', en: 'At risk' },
  out_of_scope: { 'zh-CN': '不在培训范围', en: 'Not in scope' },
};

/**
 * How current a report's figures are. The summaries move with every write, so they are as of the
 * moment they were read; but statuses depend on the year and the rules, and after a new year or a
 * rule change a background refresh rewrites them chunk by chunk, so for a while some statuses are
 * old and some new.
 */
export interface Freshness {
  /** when the figures were read */
  computedAt: Date;
  /** the refresh of the cycle's statuses that is queued or running, with its progress */
  refresh: { status: 'queued' | 'running'; progress: number; total: number; startedAt: Date | null } | null;
  /** teachers of the unit whose status was computed for an earlier year or rule version */
  staleTeachers: number;
  /** when the last refresh of the cycle's statuses finished */
  lastRefreshAt: Date | null;
}

export interface Rollup {
  unit: OrgUnitRow;
  cycle: CycleRow;
  year: number;
  rows: RollupRow[];
  total: Omit<RollupRow, 'orgUnitId' | 'name' | 'kind' | 'path'>;
  freshness: Freshness;
}

/** The current year of the cycle: its yearly minimum and the days left in it (today included). */
export interface ThisYear {
  year: number;
  minimum: number | null;
  daysLeft: number;
}

/** A download whose access was checked: its file name and the writer that streams it. */
export interface XlsxDownload {
  name: string;
  write(out: Writable): Promise<void>;
}

/** A rate as the fraction a sheet shows with PERCENT_FORMAT (0.123 → 12.3%); none without a denominator. */
const rate = (n: number, d: number) => (d === 0 ? null : n / d);

/**
 * Unit reports: completion and verification by child unit, read from the per-school
 * summaries that the ledger's writers keep; the teachers behind; `.xlsx` exports of both.
 */
export function createCreditReportService(deps: ServiceDeps) {
  const { db, env } = deps;
  const reports = createCreditReportRepository(db);
  const ledger = createCreditLedgerRepository(db);
  const jobs = createJobRepository(db);

  async function freshness(unit: OrgUnitRow, cycle: CycleRow): Promise<Freshness> {
    const computedAt = new Date();
    const [active, last, staleTeachers] = await Promise.all([
      jobs.activeFor(REFRESH_JOB, { cycleId: cycle.id }),
      jobs.lastDone(REFRESH_JOB, { cycleId: cycle.id }),
      reports.staleStatuses(unit.path, cycle.id, currentYear(env), cycle.currentVersion),
    ]);
    const refresh =
      active && (active.status === 'queued' || active.status === 'running')
        ? { status: active.status, progress: active.progress, total: active.total, startedAt: active.startedAt }
        : null;
    return { computedAt, refresh, staleTeachers, lastRefreshAt: last?.finishedAt ?? null };
  }

  async function scope(
    ctx: RequestContext,
    orgUnitId: number,
    cycleId: number | undefined,
    action: string,
  ): Promise<{ unit: OrgUnitRow; cycle: CycleRow }> {
    const unit = await requireAdminAtUnit(db, ctx, orgUnitId, action, 'credit.read');
    const cycle =
      cycleId !== undefined
        ? await ledger.cycle(cycleId)
        : await ledger.cycleForYear(unit.provinceId, currentYear(env));
    if (!cycle || cycle.provinceId !== unit.provinceId) {
      if (cycleId === undefined) throw new AppError('CYCLE_NOT_FOUND_FOR_YEAR', { params: { year: currentYear(env) } });
      throw new AppError('NOT_FOUND');
    }
    return { unit, cycle };
  }

  async function rollup(
    ctx: RequestContext,
    q: { orgUnitId: number; cycleId?: number; year?: number; level?: 'city' | 'county' | 'school' },
    action = 'credit.report',
  ): Promise<Rollup> {
    const { unit, cycle } = await scope(ctx, q.orgUnitId, q.cycleId, action);
    const year = q.year ?? Math.min(cycle.endYear, Math.max(cycle.startYear, currentYear(env)));
    const [rows, fresh] = await Promise.all([reports.rollup(unit, cycle.id, year, q.level), freshness(unit, cycle)]);
    const total = rows.reduce(
      (t, r) => ({
        teachers: t.teachers + r.teachers,
        inScope: t.inScope + r.inScope,
        complete: t.complete + r.complete,
        onTrack: t.onTrack + r.onTrack,
        behind: t.behind + r.behind,
        belowYearly: t.belowYearly + r.belowYearly,
        atRisk: t.atRisk + r.atRisk,
        rawHours: t.rawHours + r.rawHours,
        countedHours: t.countedHours + r.countedHours,
        entryCount: t.entryCount + r.entryCount,
        verificationTeachers: t.verificationTeachers + r.verificationTeachers,
        verified: t.verified + r.verified,
        schoolsSignedOff: t.schoolsSignedOff + r.schoolsSignedOff,
      }),
      {
        teachers: 0,
        inScope: 0,
        complete: 0,
        onTrack: 0,
        behind: 0,
        belowYearly: 0,
        atRisk: 0,
        rawHours: 0,
        countedHours: 0,
        entryCount: 0,
        verificationTeachers: 0,
        verified: 0,
        schoolsSignedOff: 0,
      },
    );
    return { unit, cycle, year, rows, total, freshness: fresh };
  }

  return {
    rollup: (ctx: RequestContext, q: Parameters<typeof rollup>[1]) => rollup(ctx, q),

    async teachers(
      ctx: RequestContext,
      q: {
        orgUnitId: number;
        cycleId?: number;
        statuses?: ProgressStatus[];
        /** also the teachers a submitted or signed-off verification of this year did not verify */
        notVerifiedIn?: number;
        limit: number;
        offset: number;
      },
    ): Promise<{
      items: TeacherStatusRow[];
      total: number;
      cycle: CycleRow;
      freshness: Freshness;
      thisYear: ThisYear | null;
    }> {
      const { unit, cycle } = await scope(ctx, q.orgUnitId, q.cycleId, 'credit.report_teachers');
      const [items, total, fresh, rules] = await Promise.all([
        reports.teachers(unit.path, cycle.id, q.statuses, q, q.notVerifiedIn),
        reports.countTeachers(unit.path, cycle.id, q.statuses, q.notVerifiedIn),
        freshness(unit, cycle),
        rulesOf(db, cycle),
      ]);
      const year = currentYear(env);
      const thisYear =
        year >= cycle.startYear && year <= cycle.endYear
          ? { year, minimum: rules.yearlyMinimum, daysLeft: daysLeftInYear(today(env)) }
          : null;
      return { items, total, cycle, freshness: fresh, thisYear };
    },

    /** The rollup as a sheet, one row per child unit and a total row. Checks access, then hands back the name and the writer. */
    async exportRollup(
      ctx: RequestContext,
      q: { orgUnitId: number; cycleId?: number; year?: number; level?: 'city' | 'county' | 'school' },
      locale: 'zh-CN' | 'en',
    ): Promise<XlsxDownload> {
      const r = await rollup(ctx, q, 'credit.export_report');
      await appendAudit(
        db,
        ctx,
        {
          action: 'credit.export_report',
          targetType: 'org_unit',
          targetId: r.unit.id,
          targetPath: r.unit.path,
          targetLabel: r.unit.name,
          details: { cycleId: r.cycle.id, year: r.year },
        },
        'success',
      );
      const zh = locale === 'zh-CN';
      const headers = zh
        ? [
            '单位',
            '教师数',
            '参训人数',
            '已完成',
            '进度正常',
            '进度落后',
            '有风险',
            '完成率',
            '登记学时',
            '计入学时',
            '登记条数',
            `${r.year}年验证人数`,
            '验证通过',
            '验证通过率',
            '已签章学校数',
            '本年度未达标',
          ]
        : [
            'Unit',
            'Teachers',
            'In scope',
            'Complete',
            'On track',
            'Behind',
            'At risk',
            'Completion rate',
            'Hours registered',
            'Hours counted',
            'Entries',
            `Verified in ${r.year} (teachers)`,
            'Passed',
            'Pass rate',
            'Schools signed off',
            'Below this year’s minimum',
          ];
      const line = (name: string, x: Rollup['total']) => [
        name,
        x.teachers,
        x.inScope,
        x.complete,
        x.onTrack,
        x.behind,
        x.atRisk,
        rate(x.complete, x.inScope),
        Number(formatTenths(x.rawHours)),
        Number(formatTenths(x.countedHours)),
        x.entryCount,
        x.verificationTeachers,
        x.verified,
        rate(x.verified, x.verificationTeachers),
        x.schoolsSignedOff,
        x.belowYearly,
      ];
      async function* rows() {
        for (const row of r.rows) yield line(row.name, row);
        yield line(zh ? '合计' : 'Total', r.total);
      }
      return {
        name: `${r.unit.name}-${r.cycle.name}-${zh ? '继续教育完成情况' : 'completion'}.xlsx`,
        write: (out) =>
          writeXlsx(
            out,
            zh ? '完成情况' : 'Completion',
            // the completion and pass rates (columns 8 and 14) are numbers shown as percentages
            headers.map((h, i) => ({
              header: h,
              width: i === 0 ? 28 : 12,
              numFmt: i === 7 || i === 13 ? PERCENT_FORMAT : undefined,
            })),
            rows(),
          ),
      };
    },

    /** Every teacher of a unit with hours per year, credits and status (R-17: per teacher), streamed. */
    async exportTeachers(
      ctx: RequestContext,
      q: { orgUnitId: number; cycleId?: number; statuses?: ProgressStatus[] },
      locale: 'zh-CN' | 'en',
    ): Promise<XlsxDownload> {
      const { unit, cycle } = await scope(ctx, q.orgUnitId, q.cycleId, 'credit.export_teachers');
      await appendAudit(
        db,
        ctx,
        {
          action: 'credit.export_teachers',
          targetType: 'org_unit',
          targetId: unit.id,
          targetPath: unit.path,
          targetLabel: unit.name,
          details: { cycleId: cycle.id, statuses: q.statuses ?? null },
        },
        'success',
      );
      const rules = await rulesOf(db, cycle);
      const zh = locale === 'zh-CN';
      const years: number[] = [];
      for (let y = cycle.startYear; y <= cycle.endYear; y++) years.push(y);
      const headers = [
        ...(zh
          ? ['姓名', '证件号码', '学校', '状态', '计入学时', '应修学时', '学分']
          : ['Name', 'ID number', 'School', 'Status', 'Hours counted', 'Hours required', 'Credits']),
        ...years.map((y) => (zh ? `${y}年学时` : `${y} hours`)),
        zh ? '未达标最低要求项数' : 'Minima unmet',
      ];
      async function* rows() {
        for (let offset = 0; ; offset += 2_000) {
          const page = await reports.teachers(unit.path, cycle.id, q.statuses, { limit: 2_000, offset });
          for (const t of page) {
            yield [
              t.name,
              t.idNumberMasked,
              t.orgUnitName,
              STATUS_LABELS[t.status][locale],
              Number(formatTenths(t.countedHours)),
              Number(formatTenths(rules.totalHours)),
              Number(formatCredits(t.countedHours, rules.hoursPerCredit)),
              ...t.yearHours.map((h) => Number(formatTenths(h))),
              t.minimaUnmet,
            ];
          }
          if (page.length < 2_000) break;
        }
      }
      return {
        name: `${unit.name}-${cycle.name}-${zh ? '教师学时' : 'teacher-hours'}.xlsx`,
        write: (out) =>
          writeXlsx(
            out,
            zh ? '教师学时' : 'Teachers',
            headers.map((h, i) => ({ header: h, width: i < 3 ? 20 : 11 })),
            rows(),
          ),
      };
    },
  };
}
