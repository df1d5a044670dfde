/**
 * Cycle rules as data (R-10 … R-14): what a province requires of each teacher in one
 * continuing-education cycle. Set by a province administrator, versioned, never hard-coded.
 * All hours are integers in tenths of an hour (2400 = 240 学时).
 */
import type { Stage } from './org-tree.js';
import type { Gender } from './teacher.js';

export const SOURCE_TYPES = ['project', 'course', 'school_activity', 'import', 'external'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
export const SOURCE_LABELS: Record<SourceType, { 'zh-CN': string; en: string }> = {
  project: { 'zh-CN': '培训项目', en: 'Training project' },
  course: { 'zh-CN': '课程', en: 'Course' },
  school_activity: { 'zh-CN': '校本研修', en: 'School-based activity' },
  import: { 'zh-CN': '批量导入', en: 'Import batch' },
  external: { 'zh-CN': '外部记录', en: 'External record' },
};

export const TEACHER_FLAGS = ['headTeacher', 'newTeacher', 'backbone', 'subjectLeader', 'masterTeacher'] as const;
export type TeacherFlag = (typeof TEACHER_FLAGS)[number];

/** One condition: every stated field must hold. Ages are whole years (周岁) on the rule's date. */
export interface Condition {
  gender?: Gender;
  /** younger than this on the date */
  ageUnder?: number;
  /** at least this old on the date */
  ageAtLeast?: number;
  stages?: Stage[];
  subjects?: string[];
  /** the teacher carries every one of these flags */
  flags?: TeacherFlag[];
}

export interface CategoryDef {
  /** stable code used as the tag on ledger entries, e.g. 'edu_tech' */
  code: string;
  name: string;
  nameEn?: string;
}

/** A category minimum, e.g. ≥ 50 h educational technology for men under 55 and women under 50. */
export interface MinimumRule {
  id: string;
  name: string;
  category: string;
  hours: number;
  /** null: everyone in scope; otherwise the minimum applies when any one condition holds */
  appliesTo: Condition[] | null;
  /** the stated date the conditions are evaluated on ('YYYY-MM-DD'), e.g. the cycle's deadline */
  evaluatedOn: string;
}

/**
 * At most `hours` of the matching entries count toward the cycle (e.g. online courses ≤ 120 h).
 * An entry that several caps match counts against the first of them in the rules' order.
 */
export interface CapRule {
  id: string;
  name: string;
  category?: string;
  source?: SourceType;
  hours: number;
}

export interface CycleRules {
  /** required in the cycle (R-10: 240 h) */
  totalHours: number;
  /** hours per credit (R-11: 10 h = 1 学分) */
  hoursPerCredit: number;
  /** expected every year (R-11: e.g. 72 h); null when the province sets none */
  yearlyMinimum: number | null;
  /** one registration above this is refused */
  maxEntryHours: number;
  categories: CategoryDef[];
  minima: MinimumRule[];
  caps: CapRule[];
  /** R-14: who is in the all-staff training, counted in whole years since the teaching start year */
  scope: { minServiceYears: number };
}

export interface CycleSpan {
  startYear: number;
  endYear: number;
}

export type RuleProblem = { path: string; code: string; params?: Record<string, string | number> };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Checks a rule set against its cycle before it is saved. Shape is checked by the request schema;
 * these are the rules between fields. Returns every problem, each with the path of the field.
 *
 * @example validateRules(defaultRules({ startYear: 2026, endYear: 2030 }), { startYear: 2026, endYear: 2030 }) // []
 */
export function validateRules(r: CycleRules, span: CycleSpan): RuleProblem[] {
  const out: RuleProblem[] = [];
  const positive = (path: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) out.push({ path, code: 'positive_tenths' });
  };
  positive('totalHours', r.totalHours);
  positive('hoursPerCredit', r.hoursPerCredit);
  positive('maxEntryHours', r.maxEntryHours);
  if (r.yearlyMinimum !== null) {
    positive('yearlyMinimum', r.yearlyMinimum);
    if (r.yearlyMinimum > r.totalHours) out.push({ path: 'yearlyMinimum', code: 'yearly_above_total' });
  }
  if (!Number.isInteger(r.scope.minServiceYears) || r.scope.minServiceYears < 0 || r.scope.minServiceYears > 10)
    out.push({ path: 'scope.minServiceYears', code: 'out_of_range', params: { min: 0, max: 10 } });
  const codes = new Set<string>();
  r.categories.forEach((c, i) => {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(c.code))
      out.push({ path: `categories.${i}.code`, code: 'category_code_format' });
    if (codes.has(c.code)) out.push({ path: `categories.${i}.code`, code: 'duplicate', params: { value: c.code } });
    codes.add(c.code);
  });
  const ids = new Set<string>();
  const idOnce = (path: string, id: string) => {
    if (ids.has(id)) out.push({ path, code: 'duplicate', params: { value: id } });
    ids.add(id);
  };
  r.minima.forEach((m, i) => {
    idOnce(`minima.${i}.id`, m.id);
    if (!codes.has(m.category))
      out.push({ path: `minima.${i}.category`, code: 'unknown_category', params: { value: m.category } });
    positive(`minima.${i}.hours`, m.hours);
    if (m.hours > r.totalHours) out.push({ path: `minima.${i}.hours`, code: 'minimum_above_total' });
    if (!isIsoDate(m.evaluatedOn)) out.push({ path: `minima.${i}.evaluatedOn`, code: 'date_format' });
    else if (
      Number(m.evaluatedOn.slice(0, 4)) < span.startYear - 1 ||
      Number(m.evaluatedOn.slice(0, 4)) > span.endYear + 1
    )
      out.push({ path: `minima.${i}.evaluatedOn`, code: 'date_outside_cycle' });
    (m.appliesTo ?? []).forEach((c, j) => {
      const p = `minima.${i}.appliesTo.${j}`;
      if (Object.keys(c).length === 0) out.push({ path: p, code: 'empty_condition' });
      if (c.ageUnder !== undefined && c.ageAtLeast !== undefined && c.ageAtLeast >= c.ageUnder)
        out.push({ path: p, code: 'age_range_empty' });
    });
    if (m.appliesTo !== null && m.appliesTo.length === 0)
      out.push({ path: `minima.${i}.appliesTo`, code: 'empty_condition' });
  });
  r.caps.forEach((c, i) => {
    idOnce(`caps.${i}.id`, c.id);
    if (c.category === undefined && c.source === undefined)
      out.push({ path: `caps.${i}`, code: 'cap_matches_nothing' });
    if (c.category !== undefined && !codes.has(c.category))
      out.push({ path: `caps.${i}.category`, code: 'unknown_category', params: { value: c.category } });
    positive(`caps.${i}.hours`, c.hours);
  });
  return out;
}

/**
 * Rules of the source documents (R-10 … R-14), offered as the starting point of a new cycle:
 * 240 h, 10 h per credit, 72 h a year, ≥ 50 h educational technology for men under 55 and
 * women under 50 at the deadline, ≥ 1 year of service.
 */
export function defaultRules(span: CycleSpan): CycleRules {
  return {
    totalHours: 2400,
    hoursPerCredit: 100,
    yearlyMinimum: 480,
    maxEntryHours: 1200,
    categories: [
      { code: 'ethics', name: '师德', nameEn: 'Professional ethics' },
      { code: 'edu_tech', name: '教育技术', nameEn: 'Educational technology' },
      { code: 'student_education', name: '学生教育', nameEn: 'Student education' },
      { code: 'mental_health', name: '心理健康', nameEn: 'Mental health' },
      { code: 'subject', name: '学科与专业标准', nameEn: 'Subject and standards' },
      { code: 'new_curriculum', name: '新课程岗前培训', nameEn: 'New-curriculum pre-service' },
      { code: 'online', name: '网络研修', nameEn: 'Online study' },
    ],
    minima: [
      {
        id: 'edu_tech_50',
        name: '教育技术不少于 50 学时',
        category: 'edu_tech',
        hours: 500,
        appliesTo: [
          { gender: 'male', ageUnder: 55 },
          { gender: 'female', ageUnder: 50 },
        ],
        evaluatedOn: `${span.endYear}-12-31`,
      },
      {
        id: 'ethics_20',
        name: '师德不少于 20 学时',
        category: 'ethics',
        hours: 200,
        appliesTo: null,
        evaluatedOn: `${span.endYear}-12-31`,
      },
    ],
    caps: [{ id: 'online_cap', name: '网络研修最多计 120 学时', category: 'online', hours: 1200 }],
    scope: { minServiceYears: 1 },
  };
}

/** Tenths of an hour as the decimal people read: 2415 → '241.5', -5 → '-0.5'. */
export function formatTenths(tenths: number): string {
  const sign = tenths < 0 ? '-' : '';
  const a = Math.abs(tenths);
  const whole = Math.floor(a / 10);
  const frac = a % 10;
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** Credits with one decimal, rounded down (credits are earned, not rounded up): 2415 h/10 at 100 → '24.1'. */
export function formatCredits(tenths: number, hoursPerCredit: number): string {
  const tenthsOfCredit = Math.floor((Math.max(0, tenths) * 10) / hoursPerCredit);
  return `${Math.floor(tenthsOfCredit / 10)}.${tenthsOfCredit % 10}`;
}

/** Parses '241.5' (or 241.5) into tenths; null when it is not a number with at most one decimal. */
export function parseHours(v: string | number): number | null {
  const s = typeof v === 'number' ? String(v) : v.trim();
  const m = /^(\d{1,5})(?:\.(\d)0*)?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 10 + Number(m[2] ?? 0);
}
