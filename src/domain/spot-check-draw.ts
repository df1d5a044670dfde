/**
 * The spot-check draw (抽测, R-34): which teachers of each unit sit the unified exam. Pure and
 * deterministic, so anyone holding the published list and the revealed seed gets the same teachers
 * (`npx peixun draw verify`, docs/spot-check-draw.md describes it for a reimplementation).
 *
 * - Sample size of a unit: max(minPerUnit, round-half-up(eligible × rate)), never more than eligible.
 *   The rate is kept in basis points (1/100 of a percent: 10 % = 1000), so the arithmetic is on integers.
 * - The list hash: SHA-256 of the canonical text (`canonicalListText`) in UTF-8, lower-case hex.
 * - The seed: 32 random bytes as 64 lower-case hex characters; its commitment, published before the
 *   draw, is SHA-256 of those 64 ASCII characters (not of the 32 bytes), lower-case hex.
 * - The draw, per unit: every teacher's rank is HMAC-SHA256(key = the 32 seed bytes,
 *   message = "<unitId>:<listKey>" in UTF-8); the teachers are sorted by rank ascending (bytewise, which
 *   is the order of the hex strings; a tie, never seen in practice, by listKey) and the first n are drawn.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const LIST_FORMAT = 'peixun-spot-check-list/1';

export interface DrawUnit {
  /** the org unit's id */
  unitId: number;
  /** the teachers' public list keys (the teacher's id as a decimal string) */
  keys: readonly string[];
}

export interface DrawList {
  /** basis points: 10 % = 1000 */
  rateBp: number;
  minPerUnit: number;
  units: readonly DrawUnit[];
}

export interface UnitSample {
  unitId: number;
  eligible: number;
  sampleSize: number;
  /** the drawn keys in rank order */
  drawn: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const KEY = /^[\x21-\x7e]{1,64}$/;

/** A percentage with at most two decimals (the column's numeric(5,2)) as basis points. */
export function rateToBp(ratePercent: number): number {
  return Math.round(ratePercent * 100);
}

export function bpToRate(bp: number): number {
  return bp / 100;
}

/**
 * The number drawn from a unit of `eligible` teachers.
 *
 * @example sampleSize(25, 1000, 1) // 3: 2.5 rounds half up
 * @example sampleSize(4, 1000, 1) // 1: at least one per unit
 */
export function sampleSize(eligible: number, rateBp: number, minPerUnit: number): number {
  if (eligible <= 0) return 0;
  // round-half-up of eligible × rateBp / 10000, on integers
  const byRate = Math.floor((eligible * rateBp + 5000) / 10000);
  return Math.min(eligible, Math.max(minPerUnit, byRate));
}

/** Whether a list is well formed: keys printable ASCII without spaces, unique in the list; units unique. */
export function listProblems(list: DrawList): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(list.rateBp) || list.rateBp <= 0 || list.rateBp > 10000) problems.push('rate');
  if (!Number.isInteger(list.minPerUnit) || list.minPerUnit < 0) problems.push('minPerUnit');
  const units = new Set<number>();
  const keys = new Set<string>();
  for (const u of list.units) {
    if (!Number.isSafeInteger(u.unitId) || u.unitId <= 0 || units.has(u.unitId)) problems.push(`unit ${u.unitId}`);
    units.add(u.unitId);
    for (const k of u.keys) {
      if (!KEY.test(k) || keys.has(k)) problems.push(`key ${k}`);
      keys.add(k);
    }
  }
  return problems;
}

/** JavaScript's default string order (UTF-16 code units; for ASCII keys, byte order). */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical text the list hash covers, one line each, every line ending in "\n":
 *
 *     peixun-spot-check-list/1
 *     rate_bp:<rate in basis points>
 *     min_per_unit:<minimum per unit>
 *     unit:<unitId>            (units by id, ascending as numbers)
 *     <listKey>                (that unit's keys, ascending by code unit, i.e. byte order for ASCII)
 *
 * The order of units and keys given does not matter.
 */
export function canonicalListText(list: DrawList): string {
  const lines = [LIST_FORMAT, `rate_bp:${list.rateBp}`, `min_per_unit:${list.minPerUnit}`];
  for (const u of [...list.units].sort((a, b) => a.unitId - b.unitId)) {
    lines.push(`unit:${u.unitId}`);
    for (const k of [...u.keys].sort(byCodeUnit)) lines.push(k);
  }
  return `${lines.join('\n')}\n`;
}

export function listSha256(list: DrawList): string {
  return createHash('sha256').update(canonicalListText(list), 'utf8').digest('hex');
}

/** A new secret seed: 32 random bytes, 64 lower-case hex characters. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

export function isSeed(seed: string): boolean {
  return HEX64.test(seed);
}

/** The seed's published commitment: SHA-256 of the 64 hex characters as ASCII, lower-case hex. */
export function seedSha256(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}

/** A teacher's rank in the draw: HMAC-SHA256(seed bytes, "<unitId>:<key>"), lower-case hex. */
export function drawRank(seedKey: Buffer, unitId: number, key: string): string {
  return createHmac('sha256', seedKey).update(`${unitId}:${key}`, 'utf8').digest('hex');
}

/**
 * Draws every unit's sample. Same seed and list → same sample, whatever the order of units and keys.
 *
 * @example drawSample(seed, { rateBp: 1000, minPerUnit: 1, units: [{ unitId: 7, keys: ['101', '102'] }] })
 *   // [{ unitId: 7, eligible: 2, sampleSize: 1, drawn: ['102'] }] (which one depends on the seed)
 */
export function drawSample(seed: string, list: DrawList): UnitSample[] {
  if (!isSeed(seed)) throw new Error('the seed must be 64 lower-case hex characters');
  const seedKey = Buffer.from(seed, 'hex');
  const out: UnitSample[] = [];
  for (const u of [...list.units].sort((a, b) => a.unitId - b.unitId)) {
    const n = sampleSize(u.keys.length, list.rateBp, list.minPerUnit);
    const ranked = u.keys.map((key) => ({ key, rank: drawRank(seedKey, u.unitId, key) }));
    ranked.sort((a, b) => byCodeUnit(a.rank, b.rank) || byCodeUnit(a.key, b.key));
    out.push({ unitId: u.unitId, eligible: u.keys.length, sampleSize: n, drawn: ranked.slice(0, n).map((r) => r.key) });
  }
  return out;
}

/** The units whose drawn keys differ (as sets) between two samples, by unit id. */
export function sampleDifferences(
  expected: readonly { unitId: number; drawn: readonly string[] }[],
  actual: readonly { unitId: number; drawn: readonly string[] }[],
): number[] {
  const a = new Map(actual.map((u) => [u.unitId, [...u.drawn].sort(byCodeUnit).join('\n')]));
  const e = new Map(expected.map((u) => [u.unitId, [...u.drawn].sort(byCodeUnit).join('\n')]));
  const ids = new Set([...a.keys(), ...e.keys()]);
  return [...ids].filter((id) => a.get(id) !== e.get(id)).sort((x, y) => x - y);
}

/**
 * A name as the published list shows it: the first and last characters kept, those between
 * starred (张*明, 欧阳**锋); two characters keep the first (李*); one is starred.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
