import dayjs, { type Dayjs } from 'dayjs';
import type { CycleRules, Gender, RuleCondition, SourceType, Stage, TeacherFlag } from '../../api/types';
import { formatHours, parseHours } from '../../lib/hours';

/** One condition as the form holds it: empty inputs are absent, ages may be cleared to null. */
export interface ConditionValues {
  gender?: Gender | null;
  ageAtLeast?: number | null;
  ageUnder?: number | null;
  stages?: Stage[];
  flags?: TeacherFlag[];
  subjects?: string[];
}

export interface MinimumValues {
  id: string;
  name: string;
  category?: string;
  hours: string;
  evaluatedOn: Dayjs | null;
  /** 'all': everyone in scope; 'conditions': when any one condition holds */
  appliesTo: 'all' | 'conditions';
  conditions: ConditionValues[];
}

export interface CapValues {
  id: string;
  name: string;
  category?: string | null;
  source?: SourceType | null;
  hours: string;
}

/** The rules as the form edits them: hours as decimal text, dates as Dayjs. */
export interface RulesFormValues {
  totalHours: string;
  hoursPerCredit: string;
  /** empty: the province sets no yearly minimum */
  yearlyMinimum: string;
  maxEntryHours: string;
  scope: { minServiceYears: number | null };
  categories: Array<{ code: string; name: string; nameEn?: string }>;
  minima: MinimumValues[];
  caps: CapValues[];
  note?: string;
}

/** A category or rule code as the server accepts it. */
export const CODE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export function rulesToForm(rules: CycleRules): RulesFormValues {
  return {
    totalHours: formatHours(rules.totalHours),
    hoursPerCredit: formatHours(rules.hoursPerCredit),
    yearlyMinimum: rules.yearlyMinimum === null ? '' : formatHours(rules.yearlyMinimum),
    maxEntryHours: formatHours(rules.maxEntryHours),
    scope: { minServiceYears: rules.scope.minServiceYears },
    categories: rules.categories.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn ?? '' })),
    minima: rules.minima.map((m) => ({
      id: m.id,
      name: m.name,
      category: m.category,
      hours: formatHours(m.hours),
      evaluatedOn: dayjs(m.evaluatedOn),
      appliesTo: m.appliesTo === null ? 'all' : 'conditions',
      conditions: (m.appliesTo ?? []).map((c) => ({ ...c })),
    })),
    caps: rules.caps.map((c) => ({
      id: c.id,
      name: c.name,
      category: c.category ?? null,
      source: c.source ?? null,
      hours: formatHours(c.hours),
    })),
  };
}

function conditionFromForm(c: ConditionValues): RuleCondition {
  const out: RuleCondition = {};
  if (c.gender) out.gender = c.gender;
  if (typeof c.ageAtLeast === 'number') out.ageAtLeast = c.ageAtLeast;
  if (typeof c.ageUnder === 'number') out.ageUnder = c.ageUnder;
  if (c.stages && c.stages.length > 0) out.stages = c.stages;
  if (c.flags && c.flags.length > 0) out.flags = c.flags;
  const subjects = (c.subjects ?? []).map((s) => s.trim()).filter(Boolean);
  if (subjects.length > 0) out.subjects = subjects;
  return out;
}

/** Hours text that did not parse becomes 0, which the server refuses with the field's path. */
const tenths = (text: string | undefined) => parseHours(text ?? '') ?? 0;

/**
 * The rules the form describes, in the API's shape (hours in tenths). The form's own validators
 * check the text first; whatever still does not fit is refused by the server field by field.
 */
export function rulesFromForm(v: RulesFormValues): CycleRules {
  return {
    totalHours: tenths(v.totalHours),
    hoursPerCredit: tenths(v.hoursPerCredit),
    yearlyMinimum: (v.yearlyMinimum ?? '').trim() === '' ? null : tenths(v.yearlyMinimum),
    maxEntryHours: tenths(v.maxEntryHours),
    scope: { minServiceYears: v.scope?.minServiceYears ?? 0 },
    categories: (v.categories ?? []).map((c) => ({
      code: c.code.trim(),
      name: c.name.trim(),
      ...(c.nameEn?.trim() ? { nameEn: c.nameEn.trim() } : {}),
    })),
    minima: (v.minima ?? []).map((m) => ({
      id: m.id.trim(),
      name: m.name.trim(),
      category: m.category ?? '',
      hours: tenths(m.hours),
      appliesTo: m.appliesTo === 'all' ? null : (m.conditions ?? []).map(conditionFromForm),
      evaluatedOn: m.evaluatedOn ? m.evaluatedOn.format('YYYY-MM-DD') : '',
    })),
    caps: (v.caps ?? []).map((c) => ({
      id: c.id.trim(),
      name: c.name.trim(),
      ...(c.category ? { category: c.category } : {}),
      ...(c.source ? { source: c.source } : {}),
      hours: tenths(c.hours),
    })),
  };
}

/** Leaf fields of the form: a problem at such a path goes next to its input. */
const LEAF_FIELDS = new Set([
  'totalHours',
  'hoursPerCredit',
  'yearlyMinimum',
  'maxEntryHours',
  'minServiceYears',
  'code',
  'name',
  'nameEn',
  'id',
  'category',
  'hours',
  'evaluatedOn',
  'source',
]);

/**
 * Where a server path ('minima.0.appliesTo.1', 'caps.2.hours') lands in the form: the field's
 * name path when it is an input, else null (a whole row or list: shown under that row).
 * Conditions live under `conditions` in the form, not `appliesTo`.
 */
export function formNameOf(path: string): Array<string | number> | null {
  const parts = path.replace(/^rules\./, '').split('.');
  const last = parts[parts.length - 1] ?? '';
  if (!LEAF_FIELDS.has(last)) return null;
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p === 'appliesTo' ? 'conditions' : p));
}

/** A row-level path in the form's terms ('minima.0.appliesTo.1' → 'minima.0.conditions.1'). */
export function rowKeyOf(path: string): string {
  return path.replace(/^rules\./, '').replace(/\.appliesTo(\.|$)/, '.conditions$1');
}
