/**
 * Who may enrol in a training project, and who completed a class. Pure: every
 * refusal names the condition that failed, so a teacher is told why.
 */
import type { Stage } from './org-tree.js';
import type { TeacherFlag } from './cycle-rules.js';

export interface Eligibility {
  /** whole years since the teaching start year, on the project's year (R-14: ≥ 1 for the all-staff training) */
  minServiceYears?: number;
  stages?: Stage[];
  subjects?: string[];
  /** the teacher must carry every one of these (班主任, 骨干教师, …) */
  flags?: TeacherFlag[];
}

export interface EnrolmentFacts {
  stage: Stage;
  subject: string | null;
  teachingStartYear: number | null;
  flags: TeacherFlag[];
}

export type IneligibleReason =
  | { code: 'service_years'; required: number; actual: number | null }
  | { code: 'stage'; allowed: Stage[]; actual: Stage }
  | { code: 'subject'; allowed: string[]; actual: string | null }
  | { code: 'flag'; missing: TeacherFlag[] };

/** Every condition the teacher fails; empty when they may enrol. */
export function ineligibility(e: Eligibility, t: EnrolmentFacts, year: number): IneligibleReason[] {
  const out: IneligibleReason[] = [];
  if (e.minServiceYears !== undefined && e.minServiceYears > 0) {
    const years = t.teachingStartYear === null ? null : year - t.teachingStartYear;
    if (years === null || years < e.minServiceYears)
      out.push({ code: 'service_years', required: e.minServiceYears, actual: years });
  }
  if (e.stages?.length && !e.stages.includes(t.stage)) out.push({ code: 'stage', allowed: e.stages, actual: t.stage });
  if (e.subjects?.length && (t.subject === null || !e.subjects.includes(t.subject)))
    out.push({ code: 'subject', allowed: e.subjects, actual: t.subject });
  const missing = (e.flags ?? []).filter((f) => !t.flags.includes(f));
  if (missing.length) out.push({ code: 'flag', missing });
  return out;
}

export interface CompletionRule {
  /** share of the class's sessions attended, 0–100 */
  minAttendancePct: number;
  assessmentRequired: boolean;
}

export type CompletionOutcome =
  | { completed: true }
  | {
      completed: false;
      reasons: Array<
        { code: 'attendance'; attended: number; sessions: number; requiredPct: number } | { code: 'assessment' }
      >;
    };

/**
 * Whether a teacher completed a class: attended at least the share of sessions the rule asks for
 * (rounded up: 80 % of 6 sessions is 5) and, when required, passed the assessment.
 *
 * @example completionOf({ minAttendancePct: 80, assessmentRequired: false }, 5, 6, null) // { completed: true }
 */
export function completionOf(
  rule: CompletionRule,
  attended: number,
  sessions: number,
  assessmentPassed: boolean | null,
): CompletionOutcome {
  const reasons: Extract<CompletionOutcome, { completed: false }>['reasons'] = [];
  const needed = Math.ceil((rule.minAttendancePct * sessions) / 100);
  if (attended < needed) reasons.push({ code: 'attendance', attended, sessions, requiredPct: rule.minAttendancePct });
  if (rule.assessmentRequired && assessmentPassed !== true) reasons.push({ code: 'assessment' });
  return reasons.length ? { completed: false, reasons } : { completed: true };
}

// ------------------------------------------------------------------ projects, places and reasons

export const PROJECT_LEVELS = ['national', 'province', 'city', 'county', 'school'] as const;
export type ProjectLevel = (typeof PROJECT_LEVELS)[number];
export const PROJECT_STATUSES = ['draft', 'open', 'closed'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/**
 * The levels a project run by a unit of this kind may have: a province runs provincial
 * projects and the national ones (国培) it delivers, a city city projects, a county county projects,
 * a school (or township centre school) school-based ones. Training institutions hold no admins.
 */
export function levelsForUnit(kind: string): ProjectLevel[] {
  switch (kind) {
    case 'province':
      return ['national', 'province'];
    case 'city':
      return ['city'];
    case 'county':
      return ['county'];
    case 'township':
    case 'school':
      return ['school'];
    default:
      return [];
  }
}

/** Status changes an organiser may make: draft → open → closed. */
export function canMoveProject(from: ProjectStatus, to: ProjectStatus): boolean {
  return (from === 'draft' && to === 'open') || (from === 'open' && to === 'closed');
}

/**
 * Whether a teacher may enrol now: the project is open and today lies in the registration window
 * (an unset bound leaves that side open). Dates are ISO days, compared as strings.
 *
 * @example registrationOpen({ status: 'open', opens: '2027-03-01', closes: '2027-03-15' }, '2027-03-15') // true
 */
export function registrationOpen(
  p: { status: string; opens: string | null; closes: string | null },
  today: string,
): boolean {
  if (p.status !== 'open') return false;
  if (p.opens !== null && today < p.opens) return false;
  if (p.closes !== null && today > p.closes) return false;
  return true;
}

/**
 * The quota a teacher's place is taken from: the row of the deepest unit on the school's path
 * (a school's own row before its county's); none when no row covers the school.
 */
export function coveringQuota<Q extends { orgPath: string }>(quotas: readonly Q[], schoolPath: string): Q | undefined {
  let best: Q | undefined;
  for (const q of quotas)
    if (schoolPath.startsWith(q.orgPath) && (!best || q.orgPath.length > best.orgPath.length)) best = q;
  return best;
}

const STAGE_NAMES: Record<Stage, { 'zh-CN': string; en: string }> = {
  kindergarten: { 'zh-CN': '幼儿园', en: 'kindergarten' },
  primary: { 'zh-CN': '小学', en: 'primary' },
  junior: { 'zh-CN': '初中', en: 'junior secondary' },
  senior: { 'zh-CN': '高中', en: 'senior secondary' },
  vocational: { 'zh-CN': '中职', en: 'vocational' },
};
const FLAG_NAMES: Record<TeacherFlag, { 'zh-CN': string; en: string }> = {
  headTeacher: { 'zh-CN': '班主任', en: 'head teacher' },
  newTeacher: { 'zh-CN': '新入职教师', en: 'new teacher' },
  backbone: { 'zh-CN': '骨干教师', en: 'backbone teacher' },
  subjectLeader: { 'zh-CN': '学科带头人', en: 'subject leader' },
  masterTeacher: { 'zh-CN': '名师', en: 'master teacher' },
};

/**
 * One reason in the reader's language, naming what is required and what the teacher has
 * (like `explainLine` of the credit engine: the words of a pure rule live beside it).
 *
 * @example describeReason({ code: 'service_years', required: 1, actual: 0 }, 'zh-CN') // '教龄须满 1 年（您的教龄为 0 年）'
 */
export function describeReason(r: IneligibleReason, locale: 'zh-CN' | 'en'): string {
  const zh = locale === 'zh-CN';
  switch (r.code) {
    case 'service_years':
      if (r.actual === null)
        return zh
          ? `教龄须满 ${r.required} 年（您的档案未填从教年份）`
          : `at least ${r.required} year(s) of service required (your record has no teaching start year)`;
      return zh
        ? `教龄须满 ${r.required} 年（您的教龄为 ${r.actual} 年）`
        : `at least ${r.required} year(s) of service required (you have ${r.actual})`;
    case 'stage':
      return zh
        ? `学段须为${r.allowed.map((s) => STAGE_NAMES[s][locale]).join('、')}（您的学段为${STAGE_NAMES[r.actual][locale]}）`
        : `stage must be ${r.allowed.map((s) => STAGE_NAMES[s][locale]).join(' or ')} (yours is ${STAGE_NAMES[r.actual][locale]})`;
    case 'subject':
      return zh
        ? `学科须为${r.allowed.join('、')}（您的学科为${r.actual ?? '未填'}）`
        : `subject must be ${r.allowed.join(' or ')} (yours is ${r.actual ?? 'not recorded'})`;
    case 'flag':
      return zh
        ? `须为${r.missing.map((f) => FLAG_NAMES[f][locale]).join('、')}`
        : `you must be a ${r.missing.map((f) => FLAG_NAMES[f][locale]).join(' and a ')}`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

/** Every reason joined into one sentence part, for the ENROLMENT_NOT_ELIGIBLE message. */
export function describeIneligibility(reasons: readonly IneligibleReason[], locale: 'zh-CN' | 'en'): string {
  return reasons.map((r) => describeReason(r, locale)).join(locale === 'zh-CN' ? '；' : '; ');
}
