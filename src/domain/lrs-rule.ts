/**
 * Mapping rules of the LRS: which accepted xAPI statements become ledger hours (pure).
 *
 * A rule names a verb, optionally an activity type and/or an activity id pattern, the sending
 * platform (client), and result conditions (completion, success, a minimum scaled score, a minimum
 * duration). It gives fixed hours or hours per so many minutes of the statement's duration (with a
 * cap), the ledger categories, and the entry's title.
 *
 * Precedence: rules are tried in `compareRules` order — higher priority first, then the rule of the
 * deeper unit (the more specific), then the older rule — and the first rule that matches a statement
 * AND gives it more than zero hours credits it. No statement is credited by two rules.
 */

export const LRS_HOURS_KINDS = ['fixed', 'per_duration'] as const;
export type LrsHoursKind = (typeof LRS_HOURS_KINDS)[number];

/** Hours in tenths of an hour, like the ledger. */
export type LrsHours =
  | { kind: 'fixed'; tenths: number }
  | { kind: 'per_duration'; tenths: number; perMinutes: number; maxTenths: number | null };

export interface LrsRuleDef {
  verbId: string;
  /** object.definition.type must equal this */
  activityType: string | null;
  /** object.id must match: `*` stands for any run of characters (`https://x.cn/course/*` is a prefix) */
  activityPattern: string | null;
  /** only statements sent by this LRS client (platform) */
  clientId: number | null;
  /** result.completion must be true */
  completion: boolean;
  /** result.success must be true */
  success: boolean;
  /** result.score.scaled must be at least this (0 … 1) */
  minScaled: number | null;
  /** result.duration must be at least this many minutes */
  minDurationMinutes: number | null;
  hours: LrsHours;
  categories: string[];
  /** the entry's title: {activity} {verb} {platform} {date} are replaced */
  titleTemplate: string;
}

/** What a rule looks at in a statement (see `statementFacts`). */
export interface StatementFacts {
  id: string;
  verbId: string;
  verbName: string | null;
  objectId: string | null;
  activityType: string | null;
  activityName: string | null;
  clientId: number | null;
  completion: boolean | null;
  success: boolean | null;
  scaled: number | null;
  /** result.duration in seconds (null: none, or not a duration we read) */
  durationSeconds: number | null;
  /** the statement's timestamp */
  timestamp: Date;
}

export interface RuleHead {
  id: number;
  priority: number;
  orgPath: string;
  enabled: boolean;
  definition: LrsRuleDef;
}

export type RuleProblem = { path: string; code: string; params?: Record<string, string | number> };

/** The most tenths a rule may give one statement (the ledger's own per-entry cap applies too). */
export const MAX_RULE_TENTHS = 2_000;
export const DEFAULT_TITLE_TEMPLATE = '{activity}';

const DURATION_RE =
  /^P(?!$)(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Seconds of an xAPI duration (ISO 8601, as `result.duration` carries it). Weeks, days, hours,
 * minutes and seconds are read (fractions too); years and months have no fixed length and make the
 * duration unreadable (null), as does anything malformed.
 *
 * @example parseDuration('PT1H30M') // 5400
 * @example parseDuration('PT45M12.5S') // 2712.5
 * @example parseDuration('P1M') // null
 */
export function parseDuration(s: string): number | null {
  if (typeof s !== 'string' || s.length > 64) return null;
  const m = DURATION_RE.exec(s);
  if (!m) return null;
  const [, w, d, h, mi, sec] = m;
  if (s.endsWith('T')) return null;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  const total = n(w) * 604_800 + n(d) * 86_400 + n(h) * 3_600 + n(mi) * 60 + n(sec);
  return Number.isFinite(total) ? total : null;
}

/**
 * Whether an activity id matches a pattern: `*` matches any run of characters (none too), every
 * other character itself. A pattern without `*` must equal the id.
 *
 * @example globMatch('https://x.cn/course/*', 'https://x.cn/course/42') // true
 */
export function globMatch(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const found = text.indexOf(p, at);
    if (found < 0 || found + p.length > end) return false;
    at = found + p.length;
  }
  return true;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;

/** A language map's best text for a Chinese reader: zh-CN, any zh, en, then the first. */
export function languageText(map: unknown): string | null {
  const m = obj(map);
  if (!m) return null;
  const keys = Object.keys(m).filter((k) => typeof m[k] === 'string' && (m[k] as string).trim() !== '');
  const pick =
    keys.find((k) => k.toLowerCase() === 'zh-cn') ??
    keys.find((k) => k.toLowerCase().startsWith('zh')) ??
    keys.find((k) => k.toLowerCase() === 'en-us') ??
    keys.find((k) => k.toLowerCase().startsWith('en')) ??
    keys[0];
  return pick === undefined ? null : (m[pick] as string).trim();
}

/** The facts of a stored statement (its JSON, parsed) that rules look at. */
export function statementFacts(statement: unknown, clientId: number | null): StatementFacts {
  const s = obj(statement) ?? {};
  const verb = obj(s['verb']) ?? {};
  const object = obj(s['object']) ?? {};
  const isActivity = object['objectType'] === undefined || object['objectType'] === 'Activity';
  const definition = isActivity ? (obj(object['definition']) ?? {}) : {};
  const result = obj(s['result']) ?? {};
  const score = obj(result['score']) ?? {};
  const ts = typeof s['timestamp'] === 'string' ? new Date(s['timestamp']) : new Date(Number.NaN);
  const stored = typeof s['stored'] === 'string' ? new Date(s['stored']) : new Date(0);
  return {
    id: typeof s['id'] === 'string' ? s['id'] : '',
    verbId: typeof verb['id'] === 'string' ? verb['id'] : '',
    verbName: languageText(verb['display']),
    objectId: isActivity && typeof object['id'] === 'string' ? object['id'] : null,
    activityType: typeof definition['type'] === 'string' ? definition['type'] : null,
    activityName: languageText(definition['name']),
    clientId,
    completion: typeof result['completion'] === 'boolean' ? result['completion'] : null,
    success: typeof result['success'] === 'boolean' ? result['success'] : null,
    scaled: typeof score['scaled'] === 'number' ? score['scaled'] : null,
    durationSeconds: typeof result['duration'] === 'string' ? parseDuration(result['duration']) : null,
    timestamp: Number.isNaN(ts.getTime()) ? stored : ts,
  };
}

/** Whether a statement meets a rule's conditions (hours aside). */
export function meetsConditions(d: LrsRuleDef, f: StatementFacts): boolean {
  if (f.verbId !== d.verbId) return false;
  if (d.clientId !== null && f.clientId !== d.clientId) return false;
  if (d.activityType !== null && f.activityType !== d.activityType) return false;
  if (d.activityPattern !== null && (f.objectId === null || !globMatch(d.activityPattern, f.objectId))) return false;
  if (d.completion && f.completion !== true) return false;
  if (d.success && f.success !== true) return false;
  if (d.minScaled !== null && (f.scaled === null || f.scaled < d.minScaled)) return false;
  if (d.minDurationMinutes !== null && (f.durationSeconds === null || f.durationSeconds < d.minDurationMinutes * 60))
    return false;
  return true;
}

/**
 * Tenths of an hour a rule gives a statement: fixed, or `tenths` per whole `perMinutes` of its
 * duration (none without a duration), capped at `maxTenths` and at MAX_RULE_TENTHS.
 *
 * @example hoursOf({ kind: 'per_duration', tenths: 10, perMinutes: 45, maxTenths: 30 }, 100 * 60) // 20
 */
export function hoursOf(h: LrsHours, durationSeconds: number | null): number {
  if (h.kind === 'fixed') return Math.min(h.tenths, MAX_RULE_TENTHS);
  if (durationSeconds === null || h.perMinutes <= 0) return 0;
  const units = Math.floor((durationSeconds + 1e-9) / (h.perMinutes * 60));
  const raw = units * h.tenths;
  return Math.min(raw, h.maxTenths ?? MAX_RULE_TENTHS, MAX_RULE_TENTHS);
}

/** Rule order: priority (higher first), the deeper unit, then the older rule. */
export function compareRules(a: Pick<RuleHead, 'id' | 'priority' | 'orgPath'>, b: typeof a): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const da = a.orgPath.split('/').length;
  const dbb = b.orgPath.split('/').length;
  if (da !== dbb) return dbb - da;
  return a.id - b.id;
}

/**
 * The rule that credits a statement about a teacher at `teacherPath`, and its hours: the first in
 * `compareRules` order of the enabled rules of the teacher's units that matches with hours > 0.
 * `rules` may come in any order.
 */
export function pickRule<R extends RuleHead>(
  rules: readonly R[],
  f: StatementFacts,
  teacherPath: string,
): { rule: R; tenths: number } | null {
  let best: { rule: R; tenths: number } | null = null;
  for (const r of rules) {
    if (!r.enabled || !teacherPath.startsWith(r.orgPath)) continue;
    if (best && compareRules(best.rule, r) < 0) continue;
    if (!meetsConditions(r.definition, f)) continue;
    const tenths = hoursOf(r.definition.hours, f.durationSeconds);
    if (tenths > 0) best = { rule: r, tenths };
  }
  return best;
}

/** The day of an instant in China (UTC+8, no daylight saving), as the ledger dates its entries. */
export function chinaDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The entry's title from the template, at most 200 characters (never empty). */
export function renderTitle(template: string, f: StatementFacts, platform: string): string {
  const values: Record<string, string> = {
    activity: f.activityName ?? f.objectId ?? f.verbId,
    verb: f.verbName ?? f.verbId,
    platform,
    date: chinaDate(f.timestamp),
  };
  const out = template.replace(/\{(activity|verb|platform|date)\}/g, (_, k: string) => values[k] ?? '').trim();
  return [...(out || values['activity']!)].slice(0, 200).join('');
}

/** The evidence line of an xAPI entry: names the statement and the platform behind it (≤ 200 characters). */
export function evidenceRefOf(statementId: string, platform: string): string {
  return [...`xAPI 学习记录 ${statementId} · ${platform}`].slice(0, 200).join('');
}

const IRI_RE = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** Problems of a rule's definition; `categories` are the codes the province's cycles know. */
export function validateRuleDef(d: LrsRuleDef, categories: ReadonlySet<string> | null): RuleProblem[] {
  const p: RuleProblem[] = [];
  if (!IRI_RE.test(d.verbId) || d.verbId.length > 300) p.push({ path: 'verbId', code: 'iri' });
  if (d.activityType !== null && (!IRI_RE.test(d.activityType) || d.activityType.length > 300))
    p.push({ path: 'activityType', code: 'iri' });
  if (d.activityPattern !== null && (d.activityPattern.trim() === '' || d.activityPattern.length > 300))
    p.push({ path: 'activityPattern', code: 'pattern' });
  if (d.minScaled !== null && !(d.minScaled >= -1 && d.minScaled <= 1))
    p.push({ path: 'minScaled', code: 'range', params: { min: -1, max: 1 } });
  if (d.minDurationMinutes !== null && !(Number.isInteger(d.minDurationMinutes) && d.minDurationMinutes >= 1))
    p.push({ path: 'minDurationMinutes', code: 'range', params: { min: 1, max: 100_000 } });
  const h = d.hours;
  if (!Number.isInteger(h.tenths) || h.tenths < 1 || h.tenths > MAX_RULE_TENTHS)
    p.push({ path: 'hours.tenths', code: 'range', params: { min: 1, max: MAX_RULE_TENTHS } });
  if (h.kind === 'per_duration') {
    if (!Number.isInteger(h.perMinutes) || h.perMinutes < 1 || h.perMinutes > 1_440)
      p.push({ path: 'hours.perMinutes', code: 'range', params: { min: 1, max: 1_440 } });
    if (h.maxTenths !== null && (!Number.isInteger(h.maxTenths) || h.maxTenths < h.tenths))
      p.push({ path: 'hours.maxTenths', code: 'range', params: { min: h.tenths, max: MAX_RULE_TENTHS } });
  }
  if (d.categories.length > 10 || new Set(d.categories).size !== d.categories.length)
    p.push({ path: 'categories', code: 'duplicate' });
  if (categories) {
    const unknown = d.categories.filter((c) => !categories.has(c));
    if (unknown.length) p.push({ path: 'categories', code: 'unknown_category', params: { value: unknown.join(',') } });
  }
  if (d.titleTemplate.trim() === '' || d.titleTemplate.length > 200) p.push({ path: 'titleTemplate', code: 'length' });
  return p;
}
