import fs from 'node:fs';
import {
  type DrawList,
  drawSample,
  isSeed,
  LIST_FORMAT,
  listProblems,
  listSha256,
  sampleDifferences,
  seedSha256,
} from '../domain/spot-check-draw.js';

/** The parts of a published list (`GET /api/spot-checks/:id/list.json`) the check reads. */
interface ListFile {
  format?: unknown;
  spotCheck?: { title?: unknown };
  rateBp?: unknown;
  minPerUnit?: unknown;
  listSha256?: unknown;
  seedSha256?: unknown;
  seed?: unknown;
  units?: { unitId?: unknown; name?: unknown; teachers?: { key?: unknown; name?: unknown }[] }[];
  sample?: { unitId?: unknown; drawn?: unknown }[];
}

export interface VerifyOutcome {
  /** 0 identical, 1 a difference, 2 the file or the seed cannot be read */
  code: number;
  lines: string[];
}

/**
 * `npx peixun draw verify --list <list.json> --seed <hex>`: checks the seed against the published seed
 * hash and the list against its own hash, recomputes every unit's sample (docs/spot-check-draw.md) and,
 * when the file carries the published sample, compares them.
 */
export function verifyDraw(listPath: string, seedArg: string | undefined): VerifyOutcome {
  const lines: string[] = [];
  let file: ListFile;
  try {
    file = JSON.parse(fs.readFileSync(listPath, 'utf8')) as ListFile;
  } catch (e) {
    return { code: 2, lines: [`Cannot read the list / 无法读取名单文件 ${listPath}: ${(e as Error).message}`] };
  }
  if (file.format !== LIST_FORMAT || !Array.isArray(file.units)) {
    return { code: 2, lines: [`Not a published spot-check list / 不是抽测公示名单 (format ${String(file.format)})`] };
  }
  const seed = (seedArg ?? (typeof file.seed === 'string' ? file.seed : '')).trim().toLowerCase();
  if (!isSeed(seed)) {
    return {
      code: 2,
      lines: ['Give the revealed seed: --seed <64 hex characters> / 请用 --seed 给出公布的种子（64 位十六进制）'],
    };
  }
  const list: DrawList = {
    rateBp: Number(file.rateBp),
    minPerUnit: Number(file.minPerUnit),
    units: file.units.map((u) => ({
      unitId: Number(u.unitId),
      keys: (u.teachers ?? []).map((t) => String(t.key)),
    })),
  };
  const problems = listProblems(list);
  if (problems.length)
    return { code: 2, lines: [`The list is malformed / 名单格式有误: ${problems.slice(0, 10).join(', ')}`] };

  let ok = true;
  const check = (label: string, pass: boolean, detail: string) => {
    lines.push(`${pass ? 'OK  ' : 'FAIL'} ${label}${detail ? `: ${detail}` : ''}`);
    if (!pass) ok = false;
  };
  const seedHash = seedSha256(seed);
  check(
    'seed hash / 种子哈希',
    seedHash === file.seedSha256,
    `sha256(seed) = ${seedHash}, published ${String(file.seedSha256)}`,
  );
  const listHash = listSha256(list);
  check(
    'list hash / 名单哈希',
    listHash === file.listSha256,
    `computed ${listHash}, published ${String(file.listSha256)}`,
  );

  const sample = drawSample(seed, list);
  const names = new Map(
    file.units.flatMap((u) => (u.teachers ?? []).map((t) => [String(t.key), typeof t.name === 'string' ? t.name : ''])),
  );
  const unitNames = new Map(file.units.map((u) => [Number(u.unitId), typeof u.name === 'string' ? u.name : '']));
  lines.push('');
  lines.push(
    `Recomputed sample / 重新计算的抽取结果 (${sample.reduce((t, u) => t + u.drawn.length, 0)} teachers / 人):`,
  );
  for (const u of sample) {
    lines.push(`  ${unitNames.get(u.unitId) ?? ''} [${u.unitId}] ${u.sampleSize}/${u.eligible}:`);
    lines.push(`    ${u.drawn.map((k) => `${k} ${names.get(k) ?? ''}`.trim()).join(', ') || '—'}`);
  }
  lines.push('');
  if (Array.isArray(file.sample)) {
    const published = file.sample.map((u) => ({
      unitId: Number(u.unitId),
      drawn: Array.isArray(u.drawn) ? u.drawn.map(String) : [],
    }));
    const diff = sampleDifferences(sample, published);
    check(
      'published sample / 公布的抽取结果',
      diff.length === 0,
      diff.length ? `differs in unit(s) / 以下单位不一致 ${diff.join(', ')}` : 'identical / 一致',
    );
  } else {
    lines.push('The file carries no published sample to compare / 文件中没有公布的抽取结果，仅重新计算');
  }
  lines.push(ok ? 'VERIFIED / 核验通过' : 'NOT VERIFIED / 核验未通过');
  return { code: ok ? 0 : 1, lines };
}
