/**
 * "Did you mean": the known names closest to one that matched none, for names as people write
 * them in Chinese (a character left out, swapped or mistyped; 市 or 县 omitted). Pure.
 */

/** Edit distance over whole characters (𠮷 counts once). */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Characters the two have in common, each counted as often as both have it. */
function shared(a: readonly string[], b: readonly string[]): number {
  const left = new Map<string, number>();
  for (const c of a) left.set(c, (left.get(c) ?? 0) + 1);
  let n = 0;
  for (const c of b) {
    const k = left.get(c);
    if (k) {
      n++;
      left.set(c, k - 1);
    }
  }
  return n;
}

/**
 * Up to `max` of `names` closest to `query`: fewest edits first, then most characters in common.
 * A name qualifies when it shares at least half of the characters of the two (Dice ≥ 0.5) or is
 * at most two edits away; names sharing little are left out rather than offered at random.
 *
 * @example closestNames('桦甸第一实验小学', ['桦甸市第一实验小学', '蛟河市第二中学']) → ['桦甸市第一实验小学']
 */
export function closestNames(query: string, names: Iterable<string>, max = 3): string[] {
  const q = [...query];
  if (q.length === 0) return [];
  const scored: Array<{ name: string; distance: number; dice: number }> = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) || name === query) continue;
    seen.add(name);
    const n = [...name];
    const dice = (2 * shared(q, n)) / (q.length + n.length);
    // the cheap test first: a name with few characters in common cannot be two edits away either
    if (dice < 0.5 && Math.abs(n.length - q.length) > 2) continue;
    const distance = editDistance(q, n);
    if (dice >= 0.5 || distance <= 2) scored.push({ name, distance, dice });
  }
  scored.sort((x, y) => x.distance - y.distance || y.dice - x.dice || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}
