/**
 * Summaries of V8 CPU profiles for the ledger benchmark: the functions with the most self time,
 * self time by package / source file, inclusive time of the frames that matter, and a breakdown
 * of a request's CPU by stage (GC, response serialisation, pg wire protocol, Kysely, the engine …).
 *
 *   npx tsx bench/ledger-profile.ts <file.cpuprofile> [top=40]
 *
 * (`npm run bench:ledger -- --cpu-prof` writes the server's profile and one of the progress route
 * run in the benchmark process.) A profile of a process that shares the cores with PostgreSQL counts
 * the time it was preempted inside a system call (e.g. `writev` right after waking a backend) as
 * that call's: `perf` on-CPU samples tell the two apart.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL = ['(idle)', '(program)', '(garbage collector)'];

function where(url: string): string {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  if (url.includes('dist/server/peixun.mjs')) return 'peixun bundle';
  const src = url.match(/\/(src\/.*)$/);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '') || '(native / vm)';
}

/**
 * Stages of a request, matched on the frames of a sample from the leaf up (the first match wins,
 * so e.g. JSON work under the serializer counts as serialisation).
 */
const STAGES: Array<[string, (fn: string, pkg: string) => boolean]> = [
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  [
    'response serialisation (zod schema check + JSON)',
    (fn, pkg) => pkg === 'fastify-type-provider-zod' || (pkg === 'fastify' && /serialize/i.test(fn)),
  ],
  [
    'pg wire protocol (parse rows, types)',
    (_fn, pkg) =>
      ['pg-protocol', 'pg-types', 'postgres-date', 'postgres-array', 'postgres-interval', 'postgres-bytea'].includes(
        pkg,
      ),
  ],
  ['kysely (build + compile SQL)', (_fn, pkg) => pkg === 'kysely'],
  ['pg client + pool', (_fn, pkg) => pkg === 'pg' || pkg === 'pg-pool'],
  [
    'rule engine + explanation',
    (fn) =>
      [
        'evaluateProgress',
        'explainLine',
        'minimumApplies',
        'conditionWords',
        'formatTenths',
        'formatCredits',
        'ageOn',
        'cancelledIds',
        'verifyYear',
      ].includes(fn),
  ],
  ['zod (request schemas)', (_fn, pkg) => pkg === 'zod'],
  [
    'fastify + light-my-request',
    (_fn, pkg) => pkg === 'fastify' || pkg === 'light-my-request' || pkg === 'find-my-way' || pkg === 'avvio',
  ],
  ['node streams / net / http', (_fn, pkg) => pkg.startsWith('node:')],
  ['product code (routes, services, repositories)', (_fn, pkg) => pkg === 'peixun bundle' || pkg.startsWith('src/')],
];

export function summarise(
  p: CpuProfile,
  top = 30,
): { lines: string[]; busyMs: number; stages: Record<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fnOf = (id: number) => byId.get(id)!.callFrame.functionName || '(anonymous)';
  const pkgOf = (id: number) => where(byId.get(id)!.callFrame.url);
  const key = (id: number) => `${fnOf(id)}  ${pkgOf(id)}:${byId.get(id)!.callFrame.lineNumber + 1}`;
  // samples whose leaf is the native `writev` binding are not CPU: strace shows the call takes ~2 µs,
  // but a sampled thread that was preempted right after it (waking a PostgreSQL backend) or sits in
  // the event loop is booked there; they count as idle
  const isIdle = (id: number) => fnOf(id) === '(idle)' || fnOf(id) === 'writev';
  const idleUs = [...selfUs].filter(([id]) => isIdle(id)).reduce((a, [, us]) => a + us, 0);
  const writevUs = [...selfUs].filter(([id]) => fnOf(id) === 'writev').reduce((a, [, us]) => a + us, 0);
  const busy = total - idleUs;
  const agg = (k: (id: number) => string) => {
    const m = new Map<string, number>();
    for (const [id, us] of selfUs) if (!isIdle(id)) m.set(k(id), (m.get(k(id)) ?? 0) + us);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pc = (us: number) => ((us * 100) / busy).toFixed(1).padStart(5);
  const lines: string[] = [];
  lines.push(
    `${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages below are of the busy time; ${(writevUs / 1e6).toFixed(1)} s booked on native writev counted as idle)`,
  );

  const stages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (isIdle(id)) continue;
    let stage = 'other';
    for (let cur: number | undefined = id; cur !== undefined && stage === 'other'; cur = parent.get(cur)) {
      for (const [name, test] of STAGES)
        if (test(fnOf(cur), pkgOf(cur))) {
          stage = name;
          break;
        }
    }
    stages.set(stage, (stages.get(stage) ?? 0) + us);
  }
  lines.push('by stage (leaf-up first match):');
  for (const [k, us] of [...stages].sort((a, b) => b[1] - a[1])) lines.push(`${ms(us)} ms ${pc(us)} %  ${k}`);
  lines.push('self time by package / file:');
  for (const [k, us] of agg((id) => (SPECIAL.includes(fnOf(id)) ? fnOf(id) : pkgOf(id))).slice(0, 15))
    lines.push(`${ms(us)} ms ${pc(us)} %  ${k}`);
  lines.push(`top ${top} functions by self time:`);
  for (const [k, us] of agg(key).slice(0, top)) lines.push(`${ms(us)} ms ${pc(us)} %  ${k}`);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (isIdle(id)) continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(cur);
      if (!seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      }
    }
  }
  lines.push(`top ${top} functions by inclusive time:`);
  for (const [k, us] of [...inclusive]
    .sort((a, b) => b[1] - a[1])
    .filter(([k]) => !k.startsWith('(root)'))
    .slice(0, top))
    lines.push(`${ms(us)} ms ${pc(us)} %  ${k}`);
  return {
    lines,
    busyMs: busy / 1000,
    stages: Object.fromEntries([...stages].map(([k, us]) => [k, Math.round(us / 1000)])),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/ledger-profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const s = summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 40));
  console.log(`${file}: ${s.lines.join('\n')}`);
}
