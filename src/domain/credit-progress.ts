/**
 * The rule engine: what a teacher's ledger entries amount to under a cycle's rules. Pure and
 * deterministic; every number it returns can be traced to entries and rules through `lines`.
 *
 * Counting (all in tenths of an hour):
 * - An entry that has been reversed, and the reversal itself, cancel out: neither counts.
 * - Entries are taken in date order (then id); an entry counts against the first cap (in the
 *   rules' order) that matches it, and only while that cap has room left, so the counted total
 *   never exceeds a cap and registering more never lowers it.
 * - A category minimum is met by the counted hours of the entries tagged with the category.
 * - Status: complete (total and every applicable minimum met); else at risk in the last year of
 *   the cycle or later; else behind when the counted total is below the yearly minimum times the
 *   cycle's finished years (or the pro-rata share of the total when there is no yearly minimum);
 *   else below the yearly minimum when the current year's counted hours are under it (what the
 *   year's verification will check: in the first year of a cycle nobody is behind yet); else on
 *   track. Out of scope (R-14) overrides all.
 */
import type { Stage } from './org-tree.js';
import type { Gender } from './teacher.js';
import {
  formatCredits,
  formatTenths,
  SOURCE_LABELS,
  type CapRule,
  type Condition,
  type CycleRules,
  type CycleSpan,
  type MinimumRule,
  type SourceType,
  type TeacherFlag,
} from './cycle-rules.js';

export interface TeacherFacts {
  gender: Gender | null;
  birthDate: string | null;
  stage: Stage;
  subject: string | null;
  teachingStartYear: number | null;
  flags: TeacherFlag[];
}

/** The flags conditions can ask for, from the registry's columns. */
export function flagsOf(t: {
  headTeacher: boolean;
  newTeacher: boolean;
  backboneLevel: string | null;
  subjectLeader: boolean;
  masterTeacher: boolean;
}): TeacherFlag[] {
  const flags: TeacherFlag[] = [];
  if (t.headTeacher) flags.push('headTeacher');
  if (t.newTeacher) flags.push('newTeacher');
  if (t.backboneLevel) flags.push('backbone');
  if (t.subjectLeader) flags.push('subjectLeader');
  if (t.masterTeacher) flags.push('masterTeacher');
  return flags;
}

export interface LedgerEntry {
  id: number;
  year: number;
  hours: number;
  categories: string[];
  sourceType: SourceType;
  occurredOn: string;
  reversesId: number | null;
}

export type ProgressStatus = 'complete' | 'on_track' | 'behind' | 'below_yearly' | 'at_risk' | 'out_of_scope';
export const PROGRESS_STATUSES: readonly ProgressStatus[] = [
  'complete',
  'on_track',
  'behind',
  'below_yearly',
  'at_risk',
  'out_of_scope',
];
/** The statuses a report lists as needing attention (需要关注) unless asked for others. */
export const ATTENTION_STATUSES: readonly ProgressStatus[] = ['behind', 'below_yearly', 'at_risk'];

/** One line of the explanation: a message key, its values, and the entries it was computed from. */
export interface ExplanationLine {
  key: string;
  params: Record<string, string | number>;
  entryIds?: number[];
}

export interface EntryOutcome {
  id: number;
  hours: number;
  counted: number;
  /** the cap that held back (part of) the entry */
  cappedBy: string | null;
  cancelled: 'reversed' | 'reversal' | null;
}

export interface MinimumOutcome {
  id: string;
  name: string;
  category: string;
  required: number;
  counted: number;
  applies: boolean;
  met: boolean;
  /** why it applies or not: the condition that held, or the facts that ruled it out */
  why: ExplanationLine;
}

export interface Progress {
  asOfYear: number;
  inScope: boolean;
  status: ProgressStatus;
  required: number;
  raw: number;
  counted: number;
  credits: string;
  /** counted hours per year of the cycle, from the start year */
  years: Array<{ year: number; counted: number; minimum: number | null; met: boolean | null }>;
  minima: MinimumOutcome[];
  caps: Array<{ id: string; name: string; limit: number; matched: number; counted: number }>;
  entries: EntryOutcome[];
  /** expected by the end of the previous year (what "behind" compares with) */
  expectedByNow: number;
  /** the current year when it lies in the cycle: its counted hours against the yearly minimum */
  thisYear: { year: number; counted: number; minimum: number | null; below: boolean } | null;
  lines: ExplanationLine[];
}

/**
 * Whole years of age (周岁) on a date. The age goes up on the birthday itself; someone born on
 * 29 February turns a year older on 1 March in other years.
 *
 * @example ageOn('1971-06-30', '2026-06-30') // 55
 * @example ageOn('1971-06-30', '2026-06-29') // 54
 */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

/**
 * The days left in the year of a day, that day included: what a teacher below the yearly minimum
 * still has to make it up.
 *
 * @example daysLeftInYear('2026-12-07') // 25
 * @example daysLeftInYear('2026-12-31') // 1
 */
export function daysLeftInYear(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(y, 11, 31) - Date.UTC(y, m - 1, d)) / 86_400_000) + 1;
}

/** Whether one condition holds; `missing` names the facts that were not on record. */
function conditionHolds(c: Condition, t: TeacherFacts, on: string): { holds: boolean; missing: string[] } {
  const missing: string[] = [];
  let holds = true;
  if (c.gender !== undefined) {
    if (t.gender === null) missing.push('gender');
    else if (t.gender !== c.gender) holds = false;
  }
  if (c.ageUnder !== undefined || c.ageAtLeast !== undefined) {
    if (t.birthDate === null) missing.push('birthDate');
    else {
      const age = ageOn(t.birthDate, on);
      if (c.ageUnder !== undefined && age >= c.ageUnder) holds = false;
      if (c.ageAtLeast !== undefined && age < c.ageAtLeast) holds = false;
    }
  }
  if (c.stages && !c.stages.includes(t.stage)) holds = false;
  if (c.subjects && (t.subject === null || !c.subjects.includes(t.subject))) holds = false;
  if (c.flags && !c.flags.every((f) => t.flags.includes(f))) holds = false;
  return { holds, missing };
}

/**
 * Whether a minimum applies to the teacher. A condition that cannot be decided because a fact is
 * not on record (no birth date) counts as holding: the requirement is shown rather than hidden,
 * with the missing fact named so the school can complete the record.
 */
export function minimumApplies(m: MinimumRule, t: TeacherFacts): { applies: boolean; why: ExplanationLine } {
  if (m.appliesTo === null) return { applies: true, why: { key: 'minimum.applies_all', params: {} } };
  for (let i = 0; i < m.appliesTo.length; i++) {
    const c = m.appliesTo[i]!;
    const { holds, missing } = conditionHolds(c, t, m.evaluatedOn);
    if (holds && missing.length)
      return {
        applies: true,
        why: { key: 'minimum.applies_missing', params: { missing: missing.join(','), date: m.evaluatedOn } },
      };
    if (holds) {
      const age = t.birthDate ? ageOn(t.birthDate, m.evaluatedOn) : -1;
      return {
        applies: true,
        why: {
          key: 'minimum.applies_condition',
          params: { condition: describeCondition(c), date: m.evaluatedOn, age },
        },
      };
    }
  }
  const age = t.birthDate ? ageOn(t.birthDate, m.evaluatedOn) : -1;
  return {
    applies: false,
    why: {
      key: 'minimum.not_applies',
      params: { conditions: m.appliesTo.map(describeCondition).join(' | '), date: m.evaluatedOn, age },
    },
  };
}

/** A condition as a compact, language-neutral string for explanation lines: 'gender=male;age<55'. */
export function describeCondition(c: Condition): string {
  const parts: string[] = [];
  if (c.gender) parts.push(`gender=${c.gender}`);
  if (c.ageAtLeast !== undefined) parts.push(`age>=${c.ageAtLeast}`);
  if (c.ageUnder !== undefined) parts.push(`age<${c.ageUnder}`);
  if (c.stages) parts.push(`stage=${c.stages.join('/')}`);
  if (c.subjects) parts.push(`subject=${c.subjects.join('/')}`);
  if (c.flags) parts.push(`flags=${c.flags.join('+')}`);
  return parts.join(';');
}

/** in the all-staff training in `year` when the whole years since the teaching start year reach the minimum. Unknown start year: in scope. */
export function inScopeIn(rules: CycleRules, t: TeacherFacts, year: number): boolean {
  if (t.teachingStartYear === null) return true;
  return year - t.teachingStartYear >= rules.scope.minServiceYears;
}

const capMatches = (cap: { category?: string; source?: SourceType }, e: LedgerEntry) =>
  (cap.category === undefined || e.categories.includes(cap.category)) &&
  (cap.source === undefined || cap.source === e.sourceType);

/** Entries that count: reversed entries and their reversals cancel out. */
export function cancelledIds(entries: readonly LedgerEntry[]): Map<number, 'reversed' | 'reversal'> {
  const out = new Map<number, 'reversed' | 'reversal'>();
  for (const e of entries) {
    if (e.reversesId !== null) {
      out.set(e.id, 'reversal');
      out.set(e.reversesId, 'reversed');
    }
  }
  return out;
}

const byDateThenId = (a: LedgerEntry, b: LedgerEntry) =>
  a.occurredOn < b.occurredOn ? -1 : a.occurredOn > b.occurredOn ? 1 : a.id - b.id;

/**
 * Evaluates a teacher's entries of one cycle as of a calendar year.
 *
 * @example evaluateProgress(rules, { startYear: 2026, endYear: 2030 }, facts, entries, 2027).counted
 */
export function evaluateProgress(
  rules: CycleRules,
  span: CycleSpan,
  t: TeacherFacts,
  entries: readonly LedgerEntry[],
  asOfYear: number,
): Progress {
  const lines: ExplanationLine[] = [];
  const cancelled = cancelledIds(entries);
  const ordered = [...entries].sort(byDateThenId);
  const capRoom = new Map(rules.caps.map((c) => [c.id, c.hours]));
  const capMatched = new Map(rules.caps.map((c) => [c.id, 0]));
  const outcomes: EntryOutcome[] = [];
  const byCategory = new Map<string, { counted: number; ids: number[] }>();
  const yearCounted = new Map<number, number>();
  let raw = 0;
  let counted = 0;
  for (const e of ordered) {
    const why = cancelled.get(e.id) ?? null;
    if (why) {
      outcomes.push({ id: e.id, hours: e.hours, counted: 0, cappedBy: null, cancelled: why });
      continue;
    }
    raw += e.hours;
    let c = e.hours;
    let cappedBy: string | null = null;
    // an entry counts against the first cap (in the rules' order) that matches it: caps never
    // overlap, so registering more can never lower the total
    const cap = rules.caps.find((k) => capMatches(k, e));
    if (cap) {
      capMatched.set(cap.id, capMatched.get(cap.id)! + e.hours);
      const room = capRoom.get(cap.id)!;
      if (room < c) {
        c = room;
        cappedBy = cap.id;
      }
      capRoom.set(cap.id, room - c);
    }
    counted += c;
    yearCounted.set(e.year, (yearCounted.get(e.year) ?? 0) + c);
    for (const cat of new Set(e.categories)) {
      const g = byCategory.get(cat) ?? { counted: 0, ids: [] };
      g.counted += c;
      g.ids.push(e.id);
      byCategory.set(cat, g);
    }
    outcomes.push({ id: e.id, hours: e.hours, counted: c, cappedBy, cancelled: null });
  }
  outcomes.sort((a, b) => a.id - b.id);

  const countingIds = outcomes.filter((o) => !o.cancelled).map((o) => o.id);
  const cancelledList = outcomes.filter((o) => o.cancelled).map((o) => o.id);
  lines.push({
    key: 'total.raw',
    params: { raw: formatTenths(raw), entries: countingIds.length },
    entryIds: countingIds,
  });
  if (cancelledList.length)
    lines.push({ key: 'total.cancelled', params: { count: cancelledList.length }, entryIds: cancelledList });
  const caps = rules.caps.map((cap) => {
    const matched = capMatched.get(cap.id)!;
    const capCounted = cap.hours - capRoom.get(cap.id)!;
    if (matched > capCounted) {
      lines.push({
        key: 'cap.applied',
        params: {
          cap: cap.name,
          capEn: capName(rules, cap, 'en'),
          limit: formatTenths(cap.hours),
          matched: formatTenths(matched),
          excess: formatTenths(matched - capCounted),
        },
        entryIds: outcomes.filter((o) => o.cappedBy === cap.id).map((o) => o.id),
      });
    }
    return { id: cap.id, name: cap.name, limit: cap.hours, matched, counted: capCounted };
  });
  lines.push({
    key: 'total.counted',
    params: {
      counted: formatTenths(counted),
      required: formatTenths(rules.totalHours),
      credits: formatCredits(counted, rules.hoursPerCredit),
      perCredit: formatTenths(rules.hoursPerCredit),
    },
  });

  const years: Progress['years'] = [];
  for (let y = span.startYear; y <= span.endYear; y++) {
    const c = yearCounted.get(y) ?? 0;
    const min = rules.yearlyMinimum;
    years.push({ year: y, counted: c, minimum: min, met: min === null || y > asOfYear ? null : c >= min });
  }

  const minima: MinimumOutcome[] = rules.minima.map((m) => {
    const { applies, why } = minimumApplies(m, t);
    const got = byCategory.get(m.category);
    const c = got?.counted ?? 0;
    const met = !applies || c >= m.hours;
    lines.push({
      key: applies ? (met ? 'minimum.met' : 'minimum.unmet') : 'minimum.skipped',
      params: {
        minimum: m.name,
        minimumEn: minimumName(rules, m, 'en'),
        counted: formatTenths(c),
        required: formatTenths(m.hours),
      },
      entryIds: got?.ids ?? [],
    });
    lines.push(why);
    return { id: m.id, name: m.name, category: m.category, required: m.hours, counted: c, applies, met, why };
  });

  const inScope = inScopeIn(rules, t, Math.min(Math.max(asOfYear, span.startYear), span.endYear));
  const finishedYears = Math.max(0, Math.min(asOfYear, span.endYear + 1) - span.startYear);
  const cycleYears = span.endYear - span.startYear + 1;
  const expectedByNow = Math.min(
    rules.totalHours,
    rules.yearlyMinimum !== null
      ? rules.yearlyMinimum * finishedYears
      : Math.floor((rules.totalHours * finishedYears) / cycleYears),
  );
  const complete = counted >= rules.totalHours && minima.every((m) => m.met);
  const current = years.find((y) => y.year === asOfYear);
  const thisYear = current
    ? {
        year: current.year,
        counted: current.counted,
        minimum: current.minimum,
        below: current.minimum !== null && current.counted < current.minimum,
      }
    : null;
  let status: ProgressStatus;
  if (!inScope) status = 'out_of_scope';
  else if (complete) status = 'complete';
  else if (asOfYear >= span.endYear) status = 'at_risk';
  else if (counted < expectedByNow) status = 'behind';
  else if (thisYear?.below) status = 'below_yearly';
  else status = 'on_track';
  if (!inScope)
    lines.push({
      key: 'status.out_of_scope',
      params: { minYears: rules.scope.minServiceYears, startYear: t.teachingStartYear ?? '' },
    });
  else
    lines.push({
      key: `status.${status}`,
      params: {
        counted: formatTenths(counted),
        expected: formatTenths(expectedByNow),
        required: formatTenths(rules.totalHours),
        endYear: span.endYear,
        unmet: minima.filter((m) => !m.met).length,
        year: asOfYear,
        yearCounted: formatTenths(thisYear?.counted ?? 0),
        yearMinimum: formatTenths(thisYear?.minimum ?? 0),
      },
    });

  return {
    asOfYear,
    inScope,
    status,
    required: rules.totalHours,
    raw,
    counted,
    credits: formatCredits(counted, rules.hoursPerCredit),
    years,
    minima,
    caps,
    entries: outcomes,
    expectedByNow,
    thisYear,
    lines,
  };
}

export type YearFailure = {
  item: 'yearly_minimum' | 'cycle_total' | 'minimum';
  id?: string;
  counted: number;
  required: number;
};

/**
 * The annual verification of one year: passed when the year's counted hours reach the
 * yearly minimum and, in the last year of the cycle, when the cycle is complete.
 */
export function verifyYear(
  rules: CycleRules,
  span: CycleSpan,
  t: TeacherFacts,
  entries: readonly LedgerEntry[],
  year: number,
): { computed: 'passed' | 'failed' | 'not_in_scope'; yearHours: number; failures: YearFailure[] } {
  const p = evaluateProgress(rules, span, t, entries, year);
  const yearHours = p.years.find((y) => y.year === year)?.counted ?? 0;
  if (!inScopeIn(rules, t, year)) return { computed: 'not_in_scope', yearHours, failures: [] };
  const failures: YearFailure[] = [];
  if (rules.yearlyMinimum !== null && yearHours < rules.yearlyMinimum)
    failures.push({ item: 'yearly_minimum', counted: yearHours, required: rules.yearlyMinimum });
  if (year >= span.endYear) {
    if (p.counted < rules.totalHours)
      failures.push({ item: 'cycle_total', counted: p.counted, required: rules.totalHours });
    for (const m of p.minima)
      if (!m.met) failures.push({ item: 'minimum', id: m.id, counted: m.counted, required: m.required });
  }
  return { computed: failures.length ? 'failed' : 'passed', yearHours, failures };
}

const categoryName = (rules: CycleRules, code: string, locale: 'zh-CN' | 'en'): string => {
  const c = rules.categories.find((x) => x.code === code);
  return (locale === 'en' ? c?.nameEn : c?.name) ?? code;
};

/**
 * A category minimum's name in the reader's language. The rules name it in Chinese; in English it
 * is said from its category's English name: 'Educational technology: at least 50 hours'.
 */
export function minimumName(
  rules: CycleRules,
  m: Pick<MinimumRule, 'name' | 'category' | 'hours'>,
  locale: 'zh-CN' | 'en',
): string {
  if (locale === 'zh-CN') return m.name;
  return `${categoryName(rules, m.category, 'en')}: at least ${formatTenths(m.hours)} hours`;
}

/** A cap's name in the reader's language: 'Online study: at most 120 hours count'. */
export function capName(rules: CycleRules, cap: CapRule, locale: 'zh-CN' | 'en'): string {
  if (locale === 'zh-CN') return cap.name;
  const what = [
    cap.category !== undefined ? categoryName(rules, cap.category, 'en') : null,
    cap.source !== undefined ? SOURCE_LABELS[cap.source].en : null,
  ].filter((x): x is string => x !== null);
  return `${what.join(', ')}: at most ${formatTenths(cap.hours)} hours count`;
}

type Texts = Record<string, { 'zh-CN': string; en: string }>;
const LINE_TEXT: Texts = {
  'total.raw': { 'zh-CN': '有效登记 {entries} 条，合计 {raw} 学时', en: '{entries} valid entries, {raw} hours in all' },
  'total.cancelled': {
    'zh-CN': '{count} 条记录已冲销或为冲销记录，不计入',
    en: '{count} entries were reversed or are reversals and do not count',
  },
  'cap.applied': {
    'zh-CN': '“{cap}”：相关登记 {matched} 学时，上限 {limit} 学时，超出的 {excess} 学时不计入',
    en: '“{cap}”: {matched} hours registered, limit {limit}, the {excess} hours above it do not count',
  },
  'total.counted': {
    'zh-CN': '计入总学时 {counted} / 应修 {required} 学时；每 {perCredit} 学时计 1 学分，合 {credits} 学分',
    en: '{counted} of {required} required hours count; {perCredit} hours make 1 credit: {credits} credits',
  },
  'minimum.met': {
    'zh-CN': '“{minimum}”：已修 {counted} / {required} 学时，已达标',
    en: '“{minimum}”: {counted} of {required} hours, met',
  },
  'minimum.unmet': {
    'zh-CN': '“{minimum}”：已修 {counted} / {required} 学时，未达标',
    en: '“{minimum}”: {counted} of {required} hours, not yet met',
  },
  'minimum.skipped': {
    'zh-CN': '“{minimum}”：不适用于您（已修 {counted} 学时）',
    en: '“{minimum}”: does not apply to you ({counted} hours)',
  },
  'minimum.applies_all': { 'zh-CN': '适用于全体参训教师', en: 'Applies to every teacher in scope' },
  'minimum.applies_condition': {
    'zh-CN': '适用原因：截至 {date} 符合条件 {condition}（年龄 {age} 周岁）',
    en: 'Applies because on {date} you meet {condition} (age {age})',
  },
  'minimum.applies_missing': {
    'zh-CN': '按适用处理：档案缺少 {missing}，截至 {date} 无法判断，请联系学校补全',
    en: 'Treated as applying: {missing} is not on record, so it cannot be decided for {date}; ask your school to complete it',
  },
  'minimum.not_applies': {
    'zh-CN': '不适用原因：截至 {date} 不符合 {conditions}（年龄 {age} 周岁）',
    en: 'Does not apply: on {date} you meet none of {conditions} (age {age})',
  },
  'status.complete': {
    'zh-CN': '状态：已完成——总学时和各项适用的最低要求均已达到',
    en: 'Status: complete — the total and every applicable minimum are met',
  },
  'status.on_track': {
    'zh-CN': '状态：进度正常——已计 {counted} 学时，不低于截至上年末应完成的 {expected} 学时',
    en: 'Status: on track — {counted} hours, not below the {expected} expected by the end of last year',
  },
  'status.behind': {
    'zh-CN': '状态：进度落后——已计 {counted} 学时，低于截至上年末应完成的 {expected} 学时',
    en: 'Status: behind — {counted} hours, below the {expected} expected by the end of last year',
  },
  'status.below_yearly': {
    'zh-CN':
      '状态：本年度未达标——{year} 年已计 {yearCounted} 学时，低于每年不少于 {yearMinimum} 学时的要求（年度验证按此核验）',
    en: 'Status: below this year’s minimum — {yearCounted} hours in {year}, below the {yearMinimum} required each year (what the annual verification checks)',
  },
  'status.at_risk': {
    'zh-CN': '状态：有风险——周期最后一年（{endYear} 年）仍未完成（总学时 {counted}/{required}，未达标项 {unmet} 项）',
    en: 'Status: at risk — the cycle ends in {endYear} and it is not complete ({counted}/{required} hours, {unmet} minima unmet)',
  },
  'status.out_of_scope': {
    'zh-CN': '状态：不在本周期全员培训范围内——任教满 {minYears} 年后纳入（任教起始年 {startYear}）',
    en: 'Status: not in this cycle’s all-staff training — included after {minYears} year(s) of service (started {startYear})',
  },
};

const MISSING_TEXT: Texts = {
  gender: { 'zh-CN': '性别', en: 'gender' },
  birthDate: { 'zh-CN': '出生日期', en: 'birth date' },
};

/**
 * The explanation line in words. A value named in the rules' language (a minimum, a cap) is said
 * in English from its `…En` companion when the reader reads English.
 */
export function explainLine(line: ExplanationLine, locale: 'zh-CN' | 'en'): string {
  const template = LINE_TEXT[line.key]?.[locale] ?? line.key;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = (locale === 'en' ? line.params[`${k}En`] : undefined) ?? line.params[k];
    if (k === 'missing' && typeof v === 'string')
      return v
        .split(',')
        .map((m) => MISSING_TEXT[m]?.[locale] ?? m)
        .join(locale === 'en' ? ', ' : '、');
    if (k === 'condition' || k === 'conditions') return conditionWords(String(v ?? ''), locale);
    return v === undefined ? '' : String(v);
  });
}

const STAGE_TEXT: Texts = {
  kindergarten: { 'zh-CN': '幼儿园', en: 'kindergarten' },
  primary: { 'zh-CN': '小学', en: 'primary' },
  junior: { 'zh-CN': '初中', en: 'junior secondary' },
  senior: { 'zh-CN': '高中', en: 'senior secondary' },
  vocational: { 'zh-CN': '中职', en: 'vocational' },
};
const FLAG_TEXT: Texts = {
  headTeacher: { 'zh-CN': '班主任', en: 'head teacher' },
  newTeacher: { 'zh-CN': '新入职教师', en: 'new teacher' },
  backbone: { 'zh-CN': '骨干教师', en: 'backbone teacher' },
  subjectLeader: { 'zh-CN': '学科带头人', en: 'subject leader' },
  masterTeacher: { 'zh-CN': '名师', en: 'master teacher' },
};
const SUBJECT_EN: Record<string, string> = {
  语文: 'Chinese',
  数学: 'Mathematics',
  英语: 'English',
  物理: 'Physics',
  化学: 'Chemistry',
  生物: 'Biology',
  历史: 'History',
  地理: 'Geography',
  道德与法治: 'Morality and Law',
  思想政治: 'Ideology and Politics',
  科学: 'Science',
  信息技术: 'Information Technology',
  音乐: 'Music',
  美术: 'Fine Arts',
  体育与健康: 'PE and Health',
  心理健康: 'Mental Health',
  劳动: 'Labour Education',
  综合实践: 'Integrated Practice',
  学前教育: 'Preschool Education',
  特殊教育: 'Special Education',
  专业课: 'Vocational Subjects',
};

/** 'gender=male;age<55' → '男、未满 55 周岁' / 'male, under 55'. */
function conditionWords(s: string, locale: 'zh-CN' | 'en'): string {
  const zh = locale === 'zh-CN';
  const list = (v: string, sep: string, word: (x: string) => string) =>
    v
      .split(sep)
      .map(word)
      .join(zh ? '或' : ' or ');
  return s
    .split(' | ')
    .map((cond) =>
      cond
        .split(';')
        .map((part) => {
          const [k, v = ''] = part.split(/=|>=|</);
          if (k === 'gender') return zh ? (v === 'male' ? '男' : '女') : v;
          if (part.startsWith('age>=')) return zh ? `年满 ${part.slice(5)} 周岁` : `aged ${part.slice(5)} or more`;
          if (part.startsWith('age<')) return zh ? `未满 ${part.slice(4)} 周岁` : `under ${part.slice(4)}`;
          if (k === 'stage') return list(v, '/', (x) => STAGE_TEXT[x]?.[locale] ?? x);
          if (k === 'subject')
            return zh ? `学科为${list(v, '/', (x) => x)}` : `teaching ${list(v, '/', (x) => SUBJECT_EN[x] ?? x)}`;
          if (k === 'flags')
            return v
              .split('+')
              .map((x) => FLAG_TEXT[x]?.[locale] ?? x)
              .join(zh ? '、' : ' and ');
          return `${k}: ${v}`;
        })
        .join(zh ? '、' : ', '),
    )
    .join(zh ? '；或 ' : '; or ');
}
