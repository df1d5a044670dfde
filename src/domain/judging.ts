/**
 * Judging (评审, R-42 competitions; the backbone panels use the same trimmed mean). Pure and deterministic:
 * every function sorts its input into a canonical order first, so the order in which judges or scores arrive
 * never changes a result (not even in the last floating-point digit).
 *
 * The rules, as published with every list:
 * - A judge's score of an entry is the weighted rubric total on a 0–100 scale:
 *   Σ weightᵢ × (scoreᵢ / maxᵢ) × 100 / Σ weightᵢ (`rubricTotal`).
 * - A judge recused from an entry (conflict of interest, 回避) never counts for it: their score of that entry is
 *   left out before anything else, also from their own normalisation statistics.
 * - Per-judge normalisation (`normalise`, optional per competition): when panels see different entries, each
 *   judge's totals are turned into z-scores over that judge's own totals and rescaled to the pool's mean and
 *   standard deviation: v' = poolMean + (v − judgeMean) / judgeSd × poolSd (a judge whose totals are all equal
 *   gets poolMean). It is applied only when there are at least two judges and EVERY judge has at least
 *   `minPerJudge` scores (default `NORMALISE_MIN_DEFAULT` = 10); otherwise it is reported as not applied, with
 *   the reason, and the raw totals are used.
 * - The entry's score is the trimmed mean (`trimmedMean`) of its judges' (normalised, when applied) totals: with
 *   `trimAt` or more scores (default `TRIM_AT_DEFAULT` = 5; a competition may set 3–10) the highest and the
 *   lowest are dropped (去掉一个最高分、一个最低分) and the rest averaged; with fewer, all are averaged.
 *   Published finals are rounded to 2 decimals.
 * - Disagreement (`disagreements`): an entry whose judges' raw totals spread (max − min) more than the threshold
 *   (default `SPREAD_DEFAULT` = 20 points of 100) is flagged to the panel lead.
 * - Ranking (`rank`), tie-break in this order: the higher final (2 decimals) → the higher mean of all raw totals
 *   without trimming (2 decimals) → the earlier submission → the lower entry id. Entries without any counted
 *   score are not ranked (rank null) and come last.
 * - Advancement (`advance`): within each unit, the best-ranked entries up to the unit's quota (a unit without a
 *   quota advances none), optionally only those with a final ≥ minFinal. A quota is never exceeded.
 */

export const TRIM_AT_DEFAULT = 5;
export const TRIM_AT_MIN = 3;
export const TRIM_AT_MAX = 10;
export const NORMALISE_MIN_DEFAULT = 10;
export const SPREAD_DEFAULT = 20;

export interface RubricItem {
  key: string;
  /** relative weight, > 0 */
  weight: number;
  /** the most points a judge may give for the item, > 0 */
  max: number;
}

export interface TrimmedMean {
  value: number | null;
  /** the scores averaged, ascending */
  used: number[];
  droppedHigh: number | null;
  droppedLow: number | null;
}

const byNumber = (a: number, b: number) => a - b;

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation around `m`. */
function sd(xs: readonly number[], m: number): number {
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / xs.length);
}

export function round2(x: number): number {
  return Math.round((x + Number.EPSILON * Math.sign(x)) * 100) / 100;
}

/**
 * The mean after dropping the highest and the lowest score when there are at least `trimAt` scores.
 *
 * @example trimmedMean([80, 90, 70, 85, 60]).value // 78.33…: 90 and 60 dropped
 * @example trimmedMean([80, 90, 70]).value // 80: fewer than 5 scores, nothing dropped
 */
export function trimmedMean(scores: readonly number[], opts?: { trimAt?: number }): TrimmedMean {
  const trimAt = opts?.trimAt ?? TRIM_AT_DEFAULT;
  const sorted = [...scores].sort(byNumber);
  if (sorted.length === 0) return { value: null, used: [], droppedHigh: null, droppedLow: null };
  if (sorted.length >= trimAt && sorted.length >= 3) {
    const used = sorted.slice(1, -1);
    return { value: mean(used), used, droppedLow: sorted[0] as number, droppedHigh: sorted.at(-1) as number };
  }
  return { value: mean(sorted), used: sorted, droppedHigh: null, droppedLow: null };
}

/** Problems of a rubric, as codes (empty when it is usable). */
export function rubricProblems(items: readonly RubricItem[]): string[] {
  const out: string[] = [];
  if (items.length === 0) out.push('rubric_empty');
  if (items.length > 30) out.push('rubric_too_long');
  const keys = new Set<string>();
  for (const it of items) {
    if (!it.key || keys.has(it.key)) out.push('rubric_key_duplicate');
    keys.add(it.key);
    if (!(Number.isFinite(it.weight) && it.weight > 0 && it.weight <= 1000)) out.push('rubric_weight');
    if (!(Number.isFinite(it.max) && it.max > 0 && it.max <= 1000)) out.push('rubric_max');
  }
  return [...new Set(out)];
}

/** Problems of one judge's item scores against the rubric (every item given, 0 ≤ score ≤ max). */
export function itemScoreProblems(items: readonly RubricItem[], scores: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  for (const it of items) {
    const v = scores[it.key];
    if (v === undefined || v === null) out.push(`missing:${it.key}`);
    else if (!Number.isFinite(v) || v < 0 || v > it.max) out.push(`range:${it.key}`);
  }
  for (const k of Object.keys(scores)) if (!items.some((i) => i.key === k)) out.push(`unknown:${k}`);
  return out;
}

/** The weighted total of one judge's item scores on a 0–100 scale. */
export function rubricTotal(items: readonly RubricItem[], scores: Readonly<Record<string, number>>): number {
  let w = 0;
  let s = 0;
  for (const it of [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    w += it.weight;
    s += it.weight * ((scores[it.key] ?? 0) / it.max);
  }
  return w > 0 ? (s * 100) / w : 0;
}

export interface JudgeTotal {
  judgeId: number;
  entryId: number;
  /** 0–100 */
  value: number;
}

export type NormalisationReason =
  | { code: 'disabled' }
  | { code: 'single_judge' }
  | { code: 'too_few_scores'; judges: number; min: number; fewest: number };

export interface Normalisation {
  applied: boolean;
  /** null when applied */
  reason: NormalisationReason | null;
  minPerJudge: number;
  poolMean: number | null;
  poolSd: number | null;
  /** "judgeId:entryId" → normalised value (only when applied) */
  values: Map<string, number>;
}

const pairKey = (judgeId: number, entryId: number) => `${judgeId}:${entryId}`;

function canonical<T extends { judgeId: number; entryId: number }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => a.judgeId - b.judgeId || a.entryId - b.entryId);
}

/** Per-judge z-score normalisation rescaled to the pool (see the module comment for when it applies). */
export function normalise(
  totals: readonly JudgeTotal[],
  opts?: { minPerJudge?: number; enabled?: boolean },
): Normalisation {
  const minPerJudge = opts?.minPerJudge ?? NORMALISE_MIN_DEFAULT;
  const base = { minPerJudge, poolMean: null, poolSd: null, values: new Map<string, number>() };
  if (opts?.enabled === false) return { ...base, applied: false, reason: { code: 'disabled' } };
  const rows = canonical(totals);
  const perJudge = new Map<number, number[]>();
  for (const r of rows) {
    const list = perJudge.get(r.judgeId);
    if (list) list.push(r.value);
    else perJudge.set(r.judgeId, [r.value]);
  }
  if (perJudge.size < 2) return { ...base, applied: false, reason: { code: 'single_judge' } };
  const short = [...perJudge.values()].filter((l) => l.length < minPerJudge);
  if (short.length > 0) {
    const fewest = Math.min(...short.map((l) => l.length));
    return {
      ...base,
      applied: false,
      reason: { code: 'too_few_scores', judges: short.length, min: minPerJudge, fewest },
    };
  }
  const all = rows.map((r) => r.value);
  const poolMean = mean(all);
  const poolSd = sd(all, poolMean);
  const stats = new Map<number, { m: number; s: number }>();
  for (const [j, l] of perJudge) {
    const m = mean(l);
    stats.set(j, { m, s: sd(l, m) });
  }
  const values = new Map<string, number>();
  for (const r of rows) {
    const st = stats.get(r.judgeId) as { m: number; s: number };
    const z = st.s > 1e-12 ? (r.value - st.m) / st.s : 0;
    values.set(pairKey(r.judgeId, r.entryId), poolMean + z * poolSd);
  }
  return { applied: true, reason: null, minPerJudge, poolMean, poolSd, values };
}

export interface JudgeItemScores {
  judgeId: number;
  entryId: number;
  items: Readonly<Record<string, number>>;
}

export interface Recusal {
  judgeId: number;
  entryId: number;
}

export interface EntryRaw {
  judgeId: number;
  /** the rubric total, 0–100 */
  value: number;
  /** the normalised total when normalisation applied, else null */
  normalised: number | null;
  dropped: 'high' | 'low' | null;
}

export interface EntryResult {
  entryId: number;
  /** counted judges in judge id order */
  raw: EntryRaw[];
  /** the final score (trimmed mean of the normalised or raw totals), full precision; null without scores */
  final: number | null;
  /** the mean of all raw totals without trimming, null without scores */
  rawMean: number | null;
  /** max − min of the raw totals (0 with fewer than two) */
  spread: number;
}

export interface ScoreOptions {
  trimAt?: number;
  normalise?: { enabled?: boolean; minPerJudge?: number };
}

export interface Scored {
  entries: EntryResult[];
  normalisation: Normalisation;
}

/** Totals of every (judge, entry) pair that counts: recusals removed, the judge's items through the rubric. */
export function countedTotals(
  rubric: readonly RubricItem[],
  scores: readonly JudgeItemScores[],
  recusals: readonly Recusal[],
): JudgeTotal[] {
  const recused = new Set(recusals.map((r) => pairKey(r.judgeId, r.entryId)));
  const seen = new Set<string>();
  const out: JudgeTotal[] = [];
  for (const s of canonical(scores)) {
    const k = pairKey(s.judgeId, s.entryId);
    if (recused.has(k) || seen.has(k)) continue;
    seen.add(k);
    out.push({ judgeId: s.judgeId, entryId: s.entryId, value: rubricTotal(rubric, s.items) });
  }
  return out;
}

/**
 * The scores of entries from the judges' item scores. `entryIds` lists the entries to report (entries nobody
 * scored get final null); scores of entries not listed still count for the judges' normalisation statistics.
 */
export function scoreEntries(input: {
  rubric: readonly RubricItem[];
  scores: readonly JudgeItemScores[];
  recusals?: readonly Recusal[];
  entryIds?: readonly number[];
  options?: ScoreOptions;
}): Scored {
  return scoreTotals({
    totals: countedTotals(input.rubric, input.scores, input.recusals ?? []),
    entryIds: input.entryIds,
    options: input.options,
  });
}

/** As `scoreEntries`, from totals already computed (recusals must already be removed). */
export function scoreTotals(input: {
  totals: readonly JudgeTotal[];
  entryIds?: readonly number[];
  options?: ScoreOptions;
}): Scored {
  const trimAt = input.options?.trimAt ?? TRIM_AT_DEFAULT;
  const totals = canonical(input.totals);
  const norm = normalise(totals, input.options?.normalise);
  const byEntry = new Map<number, JudgeTotal[]>();
  for (const t of totals) {
    const list = byEntry.get(t.entryId);
    if (list) list.push(t);
    else byEntry.set(t.entryId, [t]);
  }
  const ids = [...new Set(input.entryIds ?? [...byEntry.keys()])].sort(byNumber);
  const entries: EntryResult[] = ids.map((entryId) => {
    const list = byEntry.get(entryId) ?? [];
    const raw: EntryRaw[] = list.map((t) => ({
      judgeId: t.judgeId,
      value: t.value,
      normalised: norm.applied ? (norm.values.get(pairKey(t.judgeId, t.entryId)) as number) : null,
      dropped: null,
    }));
    if (raw.length === 0) return { entryId, raw, final: null, rawMean: null, spread: 0 };
    const counted = (r: EntryRaw) => r.normalised ?? r.value;
    const tm = trimmedMean(raw.map(counted), { trimAt });
    if (tm.droppedLow !== null) {
      // mark one judge each: among equal values the lower judge id is the dropped low, the higher the dropped high
      const order = [...raw].sort((a, b) => counted(a) - counted(b) || a.judgeId - b.judgeId);
      (order[0] as EntryRaw).dropped = 'low';
      (order.at(-1) as EntryRaw).dropped = 'high';
    }
    const values = raw.map((r) => r.value).sort(byNumber);
    return {
      entryId,
      raw,
      final: tm.value,
      rawMean: mean(values),
      spread: (values.at(-1) as number) - (values[0] as number),
    };
  });
  return { entries, normalisation: norm };
}

export interface Disagreement {
  entryId: number;
  spread: number;
  min: number;
  max: number;
}

/** Entries whose raw totals spread more than `threshold` points, widest first (then by entry id). */
export function disagreements(entries: readonly EntryResult[], threshold = SPREAD_DEFAULT): Disagreement[] {
  return entries
    .filter((e) => e.raw.length >= 2 && e.spread > threshold)
    .map((e) => {
      const vs = e.raw.map((r) => r.value);
      return { entryId: e.entryId, spread: e.spread, min: Math.min(...vs), max: Math.max(...vs) };
    })
    .sort((a, b) => b.spread - a.spread || a.entryId - b.entryId);
}

export interface RankInput {
  entryId: number;
  final: number | null;
  rawMean: number | null;
  /** epoch milliseconds of the submission (earlier wins a tie) */
  submittedAt: number;
}

export interface Ranked extends RankInput {
  /** 1-based; null for entries without a score */
  rank: number | null;
}

/** Ranking with the tie-break of the module comment; every scored entry gets a distinct rank. */
export function rank<T extends RankInput>(entries: readonly T[]): (T & { rank: number | null })[] {
  const scored = entries.filter((e) => e.final !== null);
  const unscored = entries.filter((e) => e.final === null).sort((a, b) => a.entryId - b.entryId);
  scored.sort(
    (a, b) =>
      round2(b.final as number) - round2(a.final as number) ||
      round2(b.rawMean ?? 0) - round2(a.rawMean ?? 0) ||
      a.submittedAt - b.submittedAt ||
      a.entryId - b.entryId,
  );
  return [...scored.map((e, i) => ({ ...e, rank: i + 1 })), ...unscored.map((e) => ({ ...e, rank: null }))];
}

export interface AdvanceInput {
  entryId: number;
  /** the unit whose quota the entry uses in the next round */
  unitId: number;
  rank: number | null;
  final: number | null;
}

export interface AdvanceResult {
  /** advancing entry ids, in rank order */
  advanced: number[];
  perUnit: { unitId: number; quota: number; advanced: number; candidates: number }[];
}

/** The best-ranked entries of each unit up to its quota (see the module comment). */
export function advance(
  entries: readonly AdvanceInput[],
  quotas: ReadonlyMap<number, number> | Readonly<Record<number, number>>,
  opts?: { minFinal?: number | null },
): AdvanceResult {
  const quotaOf = (u: number) => {
    const q = quotas instanceof Map ? quotas.get(u) : (quotas as Record<number, number>)[u];
    return q !== undefined && Number.isInteger(q) && q > 0 ? q : 0;
  };
  const ranked = entries
    .filter((e) => e.rank !== null && e.final !== null)
    .sort((a, b) => (a.rank as number) - (b.rank as number) || a.entryId - b.entryId);
  const taken = new Map<number, number>();
  const candidates = new Map<number, number>();
  const advanced: number[] = [];
  for (const e of entries) candidates.set(e.unitId, (candidates.get(e.unitId) ?? 0) + 1);
  for (const e of ranked) {
    if (opts?.minFinal != null && round2(e.final as number) < opts.minFinal) continue;
    const n = taken.get(e.unitId) ?? 0;
    if (n >= quotaOf(e.unitId)) continue;
    taken.set(e.unitId, n + 1);
    advanced.push(e.entryId);
  }
  const perUnit = [...candidates.keys()].sort(byNumber).map((unitId) => ({
    unitId,
    quota: quotaOf(unitId),
    advanced: taken.get(unitId) ?? 0,
    candidates: candidates.get(unitId) ?? 0,
  }));
  return { advanced, perUnit };
}

export type AwardLevel = 1 | 2 | 3;

export type AwardSpec =
  /** the first n1 ranks get 一等奖, the next n2 二等奖, the next n3 三等奖 */
  | { by: 'ranks'; counts: [number, number, number] }
  /** percentages of the ranked entries, each rounded half up, cumulative: 10/20/30 → top 10 %, next 20 %, … */
  | { by: 'proportions'; percents: [number, number, number] };

/** Award levels by rank: entry id → level (1 = 一等奖). Entries without a rank get none. */
export function awardLevels(entries: readonly { entryId: number; rank: number | null }[], spec: AwardSpec) {
  const ranked = entries.filter((e) => e.rank !== null).sort((a, b) => (a.rank as number) - (b.rank as number));
  const n = ranked.length;
  const counts =
    spec.by === 'ranks'
      ? spec.counts.map((c) => Math.max(0, Math.floor(c)))
      : spec.percents.map((p, level) => {
          const c = Math.floor((n * Math.max(0, p)) / 100 + 0.5);
          // a small round still has a winner: the first level is never empty while anything is ranked
          return level === 0 && p > 0 && n > 0 ? Math.max(1, c) : c;
        });
  const out = new Map<number, AwardLevel>();
  let i = 0;
  counts.forEach((c, level) => {
    for (let k = 0; k < c && i < n; k++, i++)
      out.set((ranked[i] as { entryId: number }).entryId, (level + 1) as AwardLevel);
  });
  return out;
}

/** The scorecard published with a list (the shape every programme's public notice shows). */
export interface Scorecard {
  raw: { label: string; value: number; dropped?: 'high' | 'low' | null }[];
  normalised?: number | null;
  normalisationNote?: string | null;
  final: number | null;
  rank?: number | null;
  lines?: string[];
}

const f2 = (x: number) => round2(x).toFixed(2);
const LABEL_ORDER = new Intl.Collator('zh-CN', { numeric: true });

/** Chinese note for a normalisation that was not applied (null when applied). */
export function normalisationNote(n: Normalisation): string | null {
  if (n.applied) return null;
  const r = n.reason;
  if (!r || r.code === 'disabled') return '未采用评委标准化（本评比未启用）';
  if (r.code === 'single_judge') return '未采用评委标准化：只有一位评委评分';
  return `未采用评委标准化：${r.judges} 位评委的评分少于 ${r.min} 份（最少 ${r.fewest} 份）`;
}

/**
 * The scorecard of one entry. `labelOf` names a judge anonymously ("评委1" …), never by name; the raw scores are
 * listed in label order.
 */
export function scorecard(
  e: EntryResult,
  n: Normalisation,
  opts: { labelOf: (judgeId: number) => string; rank?: number | null },
): Scorecard {
  const rows = e.raw
    .map((r) => ({ r, label: opts.labelOf(r.judgeId) }))
    .sort((a, b) => LABEL_ORDER.compare(a.label, b.label));
  const lines: string[] = [];
  const hi = rows.find((x) => x.r.dropped === 'high');
  const lo = rows.find((x) => x.r.dropped === 'low');
  if (hi && lo) lines.push(`去掉最高分（${hi.label}）和最低分（${lo.label}），其余取平均`);
  else if (rows.length > 0) lines.push(`${rows.length} 位评委评分，不足去掉最高分和最低分的人数，全部取平均`);
  if (n.applied) {
    lines.push(
      `评委标准化：各评委评分换算为本组平均 ${f2(n.poolMean ?? 0)}、标准差 ${f2(n.poolSd ?? 0)} 下的分数`,
      ...rows.map((x) => `${x.label}：原始 ${f2(x.r.value)} → 标准化 ${f2(x.r.normalised ?? x.r.value)}`),
    );
  }
  return {
    raw: rows.map((x) => ({ label: x.label, value: round2(x.r.value), dropped: x.r.dropped })),
    normalised: n.applied && e.final !== null ? round2(e.final) : null,
    normalisationNote: normalisationNote(n),
    final: e.final === null ? null : round2(e.final),
    rank: opts.rank ?? null,
    lines,
  };
}
