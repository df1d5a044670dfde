import { chinaTime, today } from '../config/env.js';
import { completionOf } from '../domain/enrolment.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { createAttendanceRepository, type ClassRow } from '../repositories/attendance.repository.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import {
  createCreditVerificationRepository,
  type ItemResult,
  type VerificationStatus,
} from '../repositories/credit-verification.repository.js';
import { createPrintFormRepository } from '../repositories/print-form.repository.js';
import { appendAudit } from './audit.js';
import { requireClassRunner } from './class-runner.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { FormDocument } from './print-forms/form-document.js';
import { renderFormPdf } from './print-forms/form-pdf.js';
import { renderFormXlsx } from './print-forms/form-xlsx.js';
import { requireAdminAction, requireAdminAtUnit } from './registry-access.js';

export type FormFormat = 'pdf' | 'xlsx';

/** A printed form: its bytes, and the names it is downloaded under. */
export interface PrintedForm {
  body: Buffer;
  contentType: string;
  /** ASCII file name, e.g. 'sign-in-sheet-12.pdf' */
  fileName: string;
  /** the Chinese (or English) name, e.g. '签到表-….pdf' */
  localName: string;
}

const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Hours held in tenths as a number of hours (24.5). */
const hours = (tenths: number) => tenths / 10;

const WORDS = {
  'zh-CN': {
    signIn: '培训签到表',
    completion: '培训结业名单',
    verification: (y: number) => `${y}年度继续教育学时验证汇总表`,
    project: '培训项目',
    cls: '班级',
    time: '培训时间',
    place: '培训地点',
    cycle: '培训周期',
    year: '验证年度',
    status: '验证状态',
    classHours: '结业学时',
    classStatus: '班级状态',
    no: '序号',
    name: '姓名',
    idNumber: '证件号码',
    school: '学校',
    checkIn: '签到时间',
    checkOut: '签退时间',
    sign: '本人签名',
    attended: '出勤次数',
    assessment: '考核',
    outcome: '结业情况',
    hours: '学时',
    yearHours: '年度学时',
    result: '验证结果',
    reason: '说明',
    teachers: '教师人数',
    verified: '验证通过',
    notVerified: '未通过',
    exempt: '免验',
    rate: '通过率',
    open: '进行中（未结班）',
    closed: '已结班',
    passed: '合格',
    failed: '不合格',
    notRated: '—',
    completed: '结业',
    notCompleted: '未结业',
    absent: '缺勤',
    itemResult: {
      verified: '通过',
      not_verified: '未通过',
      exempt: '免验',
      not_in_scope: '不在范围',
    } satisfies Record<ItemResult, string>,
    verificationStatus: {
      open: '学校审核中',
      submitted: '已报县级',
      signed_off: '已验印',
      returned: '已退回',
    } satisfies Record<VerificationStatus, string>,
    unopened: '未开始',
    signInSummary: (n: number, inn: number) => `应到 ${n} 人，已签到 ${inn} 人。`,
    completionSummary: (n: number, done: number, closed: boolean) =>
      `报名 ${n} 人，${closed ? '结业' : '按当前考勤可结业'} ${done} 人。`,
    verificationSummary: (n: number, ok: number, exempt: number) =>
      `共 ${n} 人，验证通过 ${ok} 人，免验 ${exempt} 人，未通过 ${n - ok - exempt} 人。`,
    countySummary: (schools: number, n: number, ok: number, unopened: number) =>
      `共 ${schools} 个单位、${n} 名教师，验证通过 ${ok} 人；尚未开始验证的单位 ${unopened} 个。`,
    files: {
      signIn: '签到表',
      completion: '结业名单',
      verification: '验证汇总表',
    },
  },
  en: {
    signIn: 'Attendance sheet',
    completion: 'Completion list',
    verification: (y: number) => `Annual verification summary ${y}`,
    project: 'Project',
    cls: 'Class',
    time: 'Time',
    place: 'Place',
    cycle: 'Cycle',
    year: 'Year',
    status: 'Status',
    classHours: 'Hours on completion',
    classStatus: 'Class',
    no: 'No.',
    name: 'Name',
    idNumber: 'ID number',
    school: 'School',
    checkIn: 'Checked in',
    checkOut: 'Checked out',
    sign: 'Signature',
    attended: 'Sessions attended',
    assessment: 'Assessment',
    outcome: 'Outcome',
    hours: 'Hours',
    yearHours: 'Hours this year',
    result: 'Result',
    reason: 'Note',
    teachers: 'Teachers',
    verified: 'Verified',
    notVerified: 'Not verified',
    exempt: 'Exempt',
    rate: 'Rate',
    open: 'Open (not closed)',
    closed: 'Closed',
    passed: 'Passed',
    failed: 'Failed',
    notRated: '—',
    completed: 'Completed',
    notCompleted: 'Not completed',
    absent: 'Absent',
    itemResult: {
      verified: 'Verified',
      not_verified: 'Not verified',
      exempt: 'Exempt',
      not_in_scope: 'Not in scope',
    } satisfies Record<ItemResult, string>,
    verificationStatus: {
      open: 'Open at the school',
      submitted: 'Submitted to the county',
      signed_off: 'Signed off',
      returned: 'Returned',
    } satisfies Record<VerificationStatus, string>,
    unopened: 'Not started',
    signInSummary: (n: number, inn: number) => `${n} expected, ${inn} checked in.`,
    completionSummary: (n: number, done: number, closed: boolean) =>
      `${n} enrolled, ${done} ${closed ? 'completed' : 'would complete on the attendance so far'}.`,
    verificationSummary: (n: number, ok: number, exempt: number) =>
      `${n} teachers: ${ok} verified, ${exempt} exempt, ${n - ok - exempt} not verified.`,
    countySummary: (schools: number, n: number, ok: number, unopened: number) =>
      `${schools} units, ${n} teachers, ${ok} verified; ${unopened} units have not started.`,
    files: {
      signIn: 'attendance-sheet',
      completion: 'completion-list',
      verification: 'verification-summary',
    },
  },
} as const;

/**
 * Forms to print, seal and file (签到表 of a session, 结业名单 of a class, 验证汇总表 of a school's
 * year and of a county's schools), as PDF or .xlsx. ID numbers are always the masked form lists
 * show. Each download is audited (the forms carry teachers' names).
 */
export function createPrintFormService(deps: ServiceDeps) {
  const { db, env } = deps;
  const attendance = createAttendanceRepository(db);
  const forms = createPrintFormRepository(db);
  const verifications = createCreditVerificationRepository(db);
  const ledger = createCreditLedgerRepository(db);

  /** A class the actor runs: one of its trainers, or an admin of the organiser's subtree. */
  const requireRunner = (ctx: RequestContext, action: string, cls: ClassRow, target: { type: string; id: number }) =>
    requireClassRunner(db, ctx, action, cls, target);

  async function print(
    ctx: RequestContext,
    doc: FormDocument,
    format: FormFormat,
    audit: { action: string; targetType: string; targetId: number; targetPath: string; targetLabel: string },
    names: { ascii: string; local: string },
  ): Promise<PrintedForm> {
    const body = format === 'pdf' ? await renderFormPdf(doc) : await renderFormXlsx(doc);
    await appendAudit(db, ctx, { ...audit, details: { format, rows: doc.rows.length } }, 'success');
    return {
      body,
      contentType: format === 'pdf' ? PDF : XLSX,
      fileName: `${names.ascii}.${format}`,
      localName: `${names.local}.${format}`,
    };
  }

  return {
    /** 签到表: the session's enrolled teachers with their check-in and check-out and a column to sign. */
    async signInSheet(ctx: RequestContext, sessionId: number, format: FormFormat, locale: Locale) {
      const action = 'attendance.print_sheet';
      const s = await attendance.session(sessionId);
      if (!s) throw new AppError('NOT_FOUND');
      await requireRunner(ctx, action, s.class, { type: 'training_session', id: s.id });
      const w = WORDS[locale];
      const lines = await forms.signInLines(s.id, s.classId);
      const unitName = await forms.unitName(s.class.projectOrgUnitId);
      const time = `${chinaTime(s.startsAt)} – ${chinaTime(s.endsAt).slice(11)}`;
      const doc: FormDocument = {
        unitName,
        title: w.signIn,
        facts: [
          [w.project, s.class.projectTitle],
          [w.cls, s.class.name],
          [w.time, time],
          [w.place, s.place ?? '—'],
        ],
        columns: [
          { header: w.no, width: 0.06, numeric: true, align: 'center' },
          { header: w.name, width: 0.12 },
          { header: w.idNumber, width: 0.19 },
          { header: w.school, width: 0.23 },
          { header: w.checkIn, width: 0.1, align: 'center' },
          { header: w.checkOut, width: 0.1, align: 'center' },
          { header: w.sign, width: 0.2 },
        ],
        rows: lines.map((l, i) => [
          i + 1,
          l.teacherName,
          l.idNumberMasked,
          l.orgUnitName,
          l.checkedInAt ? chinaTime(l.checkedInAt).slice(11) : l.present === false ? w.absent : '',
          l.checkedOutAt ? chinaTime(l.checkedOutAt).slice(11) : '',
          '',
        ]),
        summary: w.signInSummary(lines.length, lines.filter((l) => l.present === true).length),
        printedOn: today(env),
        locale,
      };
      return print(
        ctx,
        doc,
        format,
        {
          action,
          targetType: 'training_session',
          targetId: s.id,
          targetPath: s.class.projectPath,
          targetLabel: `${s.class.projectTitle} / ${s.class.name}`,
        },
        {
          ascii: `sign-in-sheet-${s.id}`,
          local: `${w.files.signIn}-${s.class.name}-${chinaTime(s.startsAt).slice(0, 10)}`,
        },
      );
    },

    /**
     * 结业名单: the class's enrolled teachers who completed it (the stored outcome of a closed class;
     * of an open one, what closing it now would decide), with their attendance, assessment and hours.
     */
    async completionList(ctx: RequestContext, classId: number, format: FormFormat, locale: Locale) {
      const action = 'training.print_completion';
      const cls = await attendance.classById(classId);
      if (!cls) throw new AppError('NOT_FOUND');
      await requireRunner(ctx, action, cls, { type: 'training_class', id: cls.id });
      const w = WORDS[locale];
      const sessions = (await attendance.sessionsOf(cls.id)).length;
      const lines = await forms.completionLines(cls.id);
      const closed = cls.status === 'closed';
      const completes = (l: (typeof lines)[number]) =>
        closed
          ? l.outcome === 'completed'
          : completionOf(cls.completionRule, l.attended, sessions, l.assessmentPassed).completed;
      const done = lines.filter(completes);
      const doc: FormDocument = {
        unitName: await forms.unitName(cls.projectOrgUnitId),
        title: w.completion,
        facts: [
          [w.project, cls.projectTitle],
          [w.cls, cls.name],
          [w.classHours, hours(cls.hours).toFixed(1)],
          [w.classStatus, closed ? w.closed : w.open],
        ],
        columns: [
          { header: w.no, width: 0.07, numeric: true, align: 'center' },
          { header: w.name, width: 0.13 },
          { header: w.idNumber, width: 0.21 },
          { header: w.school, width: 0.27 },
          { header: w.attended, width: 0.11, align: 'center' },
          { header: w.assessment, width: 0.1, align: 'center' },
          { header: w.hours, width: 0.1, numeric: true, numFmt: '0.0' },
        ],
        rows: done.map((l, i) => [
          i + 1,
          l.teacherName,
          l.idNumberMasked,
          l.orgUnitName,
          `${l.attended}/${sessions}`,
          l.assessmentPassed === null ? w.notRated : l.assessmentPassed ? w.passed : w.failed,
          hours(cls.hours),
        ]),
        summary: w.completionSummary(lines.length, done.length, closed),
        printedOn: today(env),
        locale,
      };
      return print(
        ctx,
        doc,
        format,
        {
          action,
          targetType: 'training_class',
          targetId: cls.id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.projectTitle} / ${cls.name}`,
        },
        { ascii: `completion-list-${cls.id}`, local: `${w.files.completion}-${cls.projectTitle}-${cls.name}` },
      );
    },

    /** 验证汇总表 of a school's year: every teacher's result, with the reason of an exception. */
    async verificationSheet(ctx: RequestContext, id: number, format: FormFormat, locale: Locale) {
      const action = 'credit.print_verification';
      const v = await verifications.find(id);
      if (!v) throw new AppError('NOT_FOUND');
      await requireAdminAction(db, ctx, action, 'credit.read', {
        path: v.orgPath,
        type: 'credit_verification',
        id,
        label: `${v.orgUnitName} ${v.year}`,
      });
      const w = WORDS[locale];
      const items = await verifications.items(id);
      const cycle = await ledger.cycle(v.cycleId);
      const ok = items.filter((i) => i.result === 'verified').length;
      const exempt = items.filter((i) => i.result === 'exempt' || i.result === 'not_in_scope').length;
      const doc: FormDocument = {
        unitName: v.orgUnitName,
        title: w.verification(v.year),
        facts: [
          [w.cycle, cycle?.name ?? ''],
          [w.year, String(v.year)],
          [w.status, w.verificationStatus[v.status]],
        ],
        columns: [
          { header: w.no, width: 0.07, numeric: true, align: 'center' },
          { header: w.name, width: 0.14 },
          { header: w.idNumber, width: 0.22 },
          { header: w.yearHours, width: 0.13, numeric: true, numFmt: '0.0' },
          { header: w.result, width: 0.13, align: 'center' },
          { header: w.reason, width: 0.31 },
        ],
        rows: items.map((i, k) => [
          k + 1,
          i.teacherName,
          i.idNumberMasked,
          hours(i.yearHours),
          w.itemResult[i.result],
          i.exceptionReason ?? '',
        ]),
        summary: w.verificationSummary(items.length, ok, exempt),
        printedOn: today(env),
        locale,
      };
      return print(
        ctx,
        doc,
        format,
        {
          action,
          targetType: 'credit_verification',
          targetId: v.id,
          targetPath: v.orgPath,
          targetLabel: `${v.orgUnitName} ${v.year}`,
        },
        { ascii: `verification-${v.id}`, local: `${w.files.verification}-${v.orgUnitName}-${v.year}` },
      );
    },

    /** 验证汇总表 of a county (or any unit above schools): one line per school, those not started too. */
    async verificationSummary(
      ctx: RequestContext,
      q: { orgUnitId: number; cycleId: number; year: number },
      format: FormFormat,
      locale: Locale,
    ) {
      const action = 'credit.print_verification_summary';
      const unit = await requireAdminAtUnit(db, ctx, q.orgUnitId, action, 'credit.read');
      const cycle = await ledger.cycle(q.cycleId);
      if (!cycle || cycle.provinceId !== unit.provinceId) throw new AppError('NOT_FOUND');
      const w = WORDS[locale];
      const rows = await verifications.under(unit.path, cycle.id, q.year, undefined, 10_000);
      const unopened = await forms.unopenedSchools(unit.path, cycle.id, q.year);
      const lines = [
        ...rows.map((v) => ({
          name: v.orgUnitName,
          teachers: v.teachers,
          verified: v.verified,
          status: w.verificationStatus[v.status],
        })),
        ...unopened.map((u) => ({ name: u.orgUnitName, teachers: u.teachers, verified: null, status: w.unopened })),
      ];
      const teachers = lines.reduce((s, l) => s + l.teachers, 0);
      const verified = rows.reduce((s, v) => s + v.verified, 0);
      const doc: FormDocument = {
        unitName: unit.name,
        title: w.verification(q.year),
        facts: [
          [w.cycle, cycle.name],
          [w.year, String(q.year)],
        ],
        columns: [
          { header: w.no, width: 0.07, numeric: true, align: 'center' },
          { header: w.school, width: 0.37 },
          { header: w.teachers, width: 0.12, numeric: true },
          { header: w.verified, width: 0.12, numeric: true },
          { header: w.rate, width: 0.12, numeric: true, numFmt: '0.0%' },
          { header: w.status, width: 0.2, align: 'center' },
        ],
        rows: lines.map((l, i) => [
          i + 1,
          l.name,
          l.teachers,
          l.verified,
          l.verified === null || l.teachers === 0 ? null : l.verified / l.teachers,
          l.status,
        ]),
        summary: w.countySummary(lines.length, teachers, verified, unopened.length),
        printedOn: today(env),
        locale,
      };
      return print(
        ctx,
        doc,
        format,
        {
          action,
          targetType: 'org_unit',
          targetId: unit.id,
          targetPath: unit.path,
          targetLabel: `${unit.name} ${q.year}`,
        },
        { ascii: `verification-summary-${unit.id}-${q.year}`, local: `${w.files.verification}-${unit.name}-${q.year}` },
      );
    },
  };
}

export type PrintFormService = ReturnType<typeof createPrintFormService>;
