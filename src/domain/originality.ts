/**
 * Originality of a text (R-35: reflections that count must be original; forum posts too): near-duplicate
 * detection that works for Chinese, where words are not separated by spaces.
 *
 * 1. Normalise: NFKC per character (full-width letters and compatibility ideographs fold), lower case,
 *    and only letters and digits kept (punctuation, symbols and spaces dropped), each kept character
 *    remembering where it stood in the original text.
 * 2. Shingles: every run of SHINGLE_CHARS consecutive kept characters, hashed to 32 bits.
 * 3. MinHash: MINHASH_SIZE deterministic hash functions; the signature holds each one's minimum over the
 *    shingles, so two signatures agree at a position with probability equal to the Jaccard similarity.
 * 4. LSH: the signature cut into LSH_BANDS bands of LSH_ROWS values; each band is hashed to a key. Two
 *    texts sharing a key are candidates: probability 1 − (1 − J⁴)³² (J = 0.3: 23 %, 0.5: 87 %, 0.7: 100 %).
 * 5. Exact: against each candidate the shingle sets are compared exactly (Jaccard and containment), and
 *    the passages of the checked text whose shingles occur in a similar text are located.
 *
 * Why characters and not words. `Intl.Segmenter('zh', { granularity: 'word' })` (ICU's dictionary
 * segmentation in Node 20) was measured against character n-grams by `npm run bench:originality` on
 * 1,000-character reflections built from the word list of test/support/reflection-corpus.ts (400
 * stored; 300 paraphrases with 5–10 % of the characters inserted or deleted or the paragraphs shuffled;
 * 200 new texts), threshold 0.5, through the same MinHash LSH, on 2 shared cores: word 2-shingles take
 * 1.1–2.4 ms a text to normalise, segment and hash, character 3-grams 0.12–0.26 ms; recall 0.997 against
 * 1.000 (both precise: no new text flagged), and unrelated texts of the same course come closer with
 * words (up to 0.11 against 0.06). Single words flag every text of the course (precision 0.002: they
 * share the course's vocabulary); 4-character shingles miss paraphrases (recall at 10 % edits 0.88). A
 * segmentation also follows the ICU dictionary of the Node version, so signatures stored before an
 * upgrade could stop matching; character 3-grams never change. Hence character 3-grams.
 */

/** Characters per shingle. */
export const SHINGLE_CHARS = 3;
export const MINHASH_SIZE = 128;
export const LSH_BANDS = 32;
export const LSH_ROWS = 4;
/** A matched passage shorter than this many kept characters is not shown (common phrases). */
export const MIN_PASSAGE_CHARS = 8;
/** Texts sharing less than this with the checked one, either way round, show no passages (LSH lets through some that share little). */
export const PASSAGE_FLOOR = 0.1;

/** A text reduced to its letters and digits, each with the span of the original text it came from. */
export interface Normalised {
  /** code points of the kept characters, folded */
  cps: Int32Array;
  /** UTF-16 offset in the original text where each kept character begins, and where it ends */
  from: Int32Array;
  to: Int32Array;
}

/** A range of the original text (UTF-16 offsets, `end` exclusive), as String.prototype.slice takes it. */
export interface TextRange {
  start: number;
  end: number;
}

const isAsciiAlnum = (cp: number) => (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * The letters and digits of a text, folded (NFKC, lower case), with their place in the original.
 * @example normalise('Ａ，b').cps // [0x61, 0x62]: 'a' from 0..1, 'b' from 2..3
 */
export function normalise(text: string): Normalised {
  // typed arrays grown as needed: this runs on every text checked and every candidate compared
  let cap = Math.max(16, text.length);
  let cps = new Int32Array(cap);
  let from = new Int32Array(cap);
  let to = new Int32Array(cap);
  let n = 0;
  const push = (cp: number, start: number, end: number) => {
    if (n === cap) {
      cap *= 2;
      const grow = (a: Int32Array) => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      cps = grow(cps);
      from = grow(from);
      to = grow(to);
    }
    cps[n] = cp;
    from[n] = start;
    to[n] = end;
    n++;
  };
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (cp >= 0x4e00 && cp <= 0x9fff) {
      // CJK unified ideographs: unchanged by NFKC and by case
      push(cp, i, i + width);
    } else if (cp < 0x80) {
      const lower = cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
      if (isAsciiAlnum(lower)) push(lower, i, i + width);
    } else {
      for (const ch of String.fromCodePoint(cp).normalize('NFKC').toLowerCase())
        if (LETTER_OR_DIGIT.test(ch)) push(ch.codePointAt(0)!, i, i + width);
    }
    i += width;
  }
  return { cps: cps.slice(0, n), from: from.slice(0, n), to: to.slice(0, n) };
}

/** MurmurHash3's finaliser: a bijection of 32-bit integers that mixes every bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit hash of the shingle of `k` code points starting at `at`. */
function shingleHash(cps: Int32Array, at: number, k: number): number {
  let h = 0x811c9dc5;
  for (let j = at; j < at + k; j++) h = Math.imul(h ^ cps[j]!, 0x01000193);
  return fmix32(h ^ k);
}

/** A text's shingles: one hash per position (a text shorter than a shingle is one shingle of itself). */
export interface Shingles {
  normalised: Normalised;
  /** the hash of the shingle starting at each kept character */
  hashes: Uint32Array;
  /** how many kept characters each shingle covers */
  width: number;
  set: Set<number>;
}

export function shingles(text: string, k = SHINGLE_CHARS): Shingles {
  const normalised = normalise(text);
  const n = normalised.cps.length;
  const width = Math.min(k, n);
  const count = n === 0 ? 0 : n - width + 1;
  const hashes = new Uint32Array(count);
  for (let i = 0; i < count; i++) hashes[i] = shingleHash(normalised.cps, i, width);
  return { normalised, hashes, width, set: new Set(hashes) };
}

/** The shingle set alone (what a text compared against needs). */
export const shingleSet = (text: string, k = SHINGLE_CHARS): Set<number> => shingles(text, k).set;

/** Deterministic seeds of the hash functions (splitmix32 from a fixed start): the same on every server, forever. */
const SEEDS = (() => {
  const out = new Uint32Array(MINHASH_SIZE);
  let s = 0x5eed1e55;
  for (let i = 0; i < MINHASH_SIZE; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    out[i] = (z ^ (z >>> 15)) >>> 0;
  }
  return out;
})();

/**
 * The MinHash signature of a shingle set: for each of the MINHASH_SIZE hash functions, the least value
 * it gives over the set (0xffffffff for an empty set).
 */
export function minhash(set: Iterable<number>): Uint32Array {
  const xs = Uint32Array.from(set);
  const sig = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j]!;
    for (let i = 0; i < MINHASH_SIZE; i++) {
      // fmix32(x ^ seed), written out: the hot loop of every fingerprint (128 per shingle)
      let h = x ^ SEEDS[i]!;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      h >>>= 0;
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

/** The share of positions where two signatures agree: an estimate of the Jaccard similarity. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (a[i] === b[i]) same++;
  return same / MINHASH_SIZE;
}

/**
 * The LSH keys of a signature, one per band: band number × 2³² + the band's 32-bit hash, so every key
 * is an integer below 2³⁷ (exact in a JavaScript number, stored as bigint). Two texts sharing any key
 * are candidates. An empty text has none.
 */
export function bandKeys(sig: Uint32Array): number[] {
  if (sig.length !== LSH_BANDS * LSH_ROWS) throw new Error(`a signature has ${LSH_BANDS * LSH_ROWS} values`);
  if (sig.every((v) => v === 0xffffffff)) return [];
  const keys: number[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = Math.imul(b + 1, 0x9e3779b1);
    for (let r = 0; r < LSH_ROWS; r++) h = fmix32(h ^ sig[b * LSH_ROWS + r]!);
    keys.push(b * 2 ** 32 + h);
  }
  return keys;
}

function intersectionSize(a: Set<number>, b: Set<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return n;
}

/** |A ∩ B| / |A ∪ B|: symmetric; 0 when either is empty. */
export function jaccard(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const i = intersectionSize(a, b);
  return i / (a.size + b.size - i);
}

/** |A ∩ B| / |A|: how much of A is found in B; 0 when either is empty. */
export function containment(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  return intersectionSize(a, b) / a.size;
}

/**
 * How similar a checked text is to another: the share of its shingles found in the other (containment,
 * never less than their Jaccard similarity). A text that copies another, or an excerpt of it, or
 * only the course's prompt, is close to 1; padding a copy with as much text again of one's own
 * halves it.
 */
export const similarity = containment;

/**
 * The passages of the checked text whose shingles occur in any of `others`: ranges of the original
 * text, sorted and apart, each at least MIN_PASSAGE_CHARS kept characters long.
 */
export function matchedRanges(
  text: Shingles,
  others: readonly Set<number>[],
  minChars = MIN_PASSAGE_CHARS,
): TextRange[] {
  const { normalised, hashes, width } = text;
  const n = normalised.cps.length;
  if (n === 0 || others.length === 0) return [];
  const covered = new Uint8Array(n);
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i]!;
    if (others.some((o) => o.has(h))) covered.fill(1, i, i + width);
  }
  const out: TextRange[] = [];
  let i = 0;
  while (i < n) {
    if (!covered[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && covered[j]) j++;
    if (j - i >= Math.min(minChars, n)) out.push({ start: normalised.from[i]!, end: normalised.to[j - 1]! });
    i = j;
  }
  return out;
}

/** A text the checked one is compared with. */
export interface Comparand<Id> {
  id: Id;
  set: Set<number>;
}

export interface CheckResult<Id> {
  /** the highest similarity to any text compared (0 when none) */
  similarity: number;
  /** the text it was highest with, and their Jaccard similarity */
  best: { id: Id; similarity: number; jaccard: number } | null;
  /** passages of the checked text found in the texts it shares at least PASSAGE_FLOOR with, either way round */
  matchedRanges: TextRange[];
}

/**
 * A text checked against others (the candidates LSH found and the course's prompts): its highest
 * similarity, with which text, and the passages of it that match.
 */
export function compareWith<Id>(text: Shingles, others: readonly Comparand<Id>[]): CheckResult<Id> {
  let best: CheckResult<Id>['best'] = null;
  const similar: Set<number>[] = [];
  for (const o of others) {
    const s = similarity(text.set, o.set);
    // a text much of which is found in this one (a prompt it quotes) shows its passages too
    if (s >= PASSAGE_FLOOR || containment(o.set, text.set) >= PASSAGE_FLOOR) similar.push(o.set);
    if (!best || s > best.similarity) best = { id: o.id, similarity: s, jaccard: jaccard(text.set, o.set) };
  }
  return {
    similarity: best?.similarity ?? 0,
    best: best && best.similarity > 0 ? best : null,
    matchedRanges: matchedRanges(text, similar),
  };
}

/**
 * Groups of near-identical texts: the connected parts of the graph whose edges are the pairs at or
 * above `threshold`, each of at least two texts, largest first, members in the order given.
 */
export function clusters<Id>(
  ids: readonly Id[],
  pairs: ReadonlyArray<readonly [Id, Id, number]>,
  threshold: number,
): Id[][] {
  const parent = new Map<Id, Id>(ids.map((id) => [id, id]));
  const root = (x: Id): Id => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let y = x;
    while (parent.get(y) !== r) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  for (const [a, b, s] of pairs) {
    if (s < threshold || !parent.has(a) || !parent.has(b)) continue;
    const ra = root(a);
    const rb = root(b);
    if (ra !== rb) parent.set(rb, ra);
  }
  const groups = new Map<Id, Id[]>();
  for (const id of ids) {
    const r = root(id);
    const g = groups.get(r);
    if (g) g.push(id);
    else groups.set(r, [id]);
  }
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => b.length - a.length);
}

/** A text's stored fingerprint: its signature and band keys. */
export interface Fingerprint {
  shingles: Shingles;
  signature: Uint32Array;
  bands: number[];
}

export function fingerprint(text: string): Fingerprint {
  const s = shingles(text);
  const signature = minhash(s.set);
  return { shingles: s, signature, bands: bandKeys(signature) };
}

/** A signature as bytes (little-endian uint32s) to store, and back. */
export function signatureBytes(sig: Uint32Array): Buffer {
  const out = Buffer.alloc(sig.length * 4);
  for (let i = 0; i < sig.length; i++) out.writeUInt32LE(sig[i]!, i * 4);
  return out;
}

export function signatureOf(bytes: Uint8Array): Uint32Array {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readUInt32LE(i * 4);
  return out;
}

/**
 * An index of signatures in memory, by band key: what the database's band table does, for tests and
 * the quality measurement.
 */
export class LshIndex<Id> {
  private readonly byKey = new Map<number, Id[]>();

  add(id: Id, bands: readonly number[]): void {
    for (const k of bands) {
      const list = this.byKey.get(k);
      if (list) list.push(id);
      else this.byKey.set(k, [id]);
    }
  }

  /** The ids sharing at least one band key with `bands`. */
  candidates(bands: readonly number[]): Set<Id> {
    const out = new Set<Id>();
    for (const k of bands) for (const id of this.byKey.get(k) ?? []) out.add(id);
    return out;
  }
}
