import { chinaTime } from '../config/env.js';
import { EXAM_LEVEL_LABELS, rate, type ExamLevel } from '../domain/exam-score.js';
import { isWithin, STAGES, type OrgUnitKind } from '../domain/org-tree.js';
import {
  drawSample,
  LIST_FORMAT,
  listSha256,
  maskName,
  newSeed,
  rateToBp,
  sampleSize,
  seedSha256,
  type DrawList,
} from '../domain/spot-check-draw.js';
import { EMPLOYMENTS } from '../domain/teacher.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createSpotCheckRepository,
  type CandidateRow,
  type ResultRow,
  type SpotCheckCriteria,
  type SpotCheckFields,
  type SpotCheckRow,
  type SpotCheckUnitRow,
} from '../repositories/spot-check.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { notify } from './notify.js';
import { requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { neutraliseCell } from './roster-file.js';

/** Units that may organise a spot-check: the bureaus. */
const ORGANISER_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county'];

export interface SpotCheckInput extends SpotCheckFields {
  /** the organiser: the actor's unit, or (province, city) a bureau below it */
  orgUnitId?: number;
}

/** A spot-check as the API shows it: the seed only once drawn. */
export interface SpotCheckView extends Omit<SpotCheckRow, 'seed' | 'provinceId'> {
  seed: string | null;
  /** the reader may run the steps (create, commit, draw, publish) */
  manage: boolean;
}

export interface DrawnTeacher {
  listKey: string;
  /** in full for the reader's own subtree, else masked (张*明) */
  name: string;
  schoolName: string;
}

export interface UnitView extends Omit<SpotCheckUnitRow, 'path'> {
  drawn: DrawnTeacher[];
}

/** The published list (名单): what anyone may download and check the draw against. */
export interface PublishedList {
  format: typeof LIST_FORMAT;
  spotCheck: { id: number; title: string; year: number; organiserId: number; organiser: string };
  ratePercent: number;
  rateBp: number;
  minPerUnit: number;
  criteria: SpotCheckCriteria;
  committedAt: string | null;
  listSha256: string;
  seedSha256: string;
  units: {
    unitId: number;
    name: string;
    eligible: number;
    sampleSize: number;
    teachers: { key: string; name: string }[];
  }[];
  /** from the draw on */
  seed?: string;
  drawnAt?: string;
  sample?: { unitId: number; drawn: string[] }[];
}

export interface PersonResult {
  rank: number | null;
  listKey: string;
  name: string;
  unitId: number;
  unitName: string;
  schoolName: string;
  examScore: number | null;
  composite: number | null;
  level: ExamLevel | null;
  passed: boolean;
}

export interface UnitResult {
  rank: number | null;
  unitId: number;
  unitName: string;
  drawn: number;
  /** drawn teachers with a composite */
  assessed: number;
  absent: number;
  meanComposite: number | null;
  passed: number;
  excellent: number;
  /** percent of the assessed, one decimal; null when none was assessed */
  passRate: number | null;
  excellentRate: number | null;
}

export interface SpotCheckResults {
  published: boolean;
  exam: { id: number; title: string; status: string } | null;
  people: PersonResult[];
  units: UnitResult[];
  overall: { drawn: number; assessed: number; passRate: number | null; excellentRate: number | null };
}

/** The command that recomputes the draw from the downloaded list; with the seed once it is revealed. */
export const VERIFY_COMMAND = (id: number, seed: string | null) =>
  `npx peixun draw verify --list spot-check-${id}-list.json --seed ${seed ?? '<种子>'}`;

/** Checks a draft's fields; answers the problems by field (empty when fine). */
export function spotCheckProblems(f: SpotCheckFields): Record<string, string> {
  const p: Record<string, string> = {};
  if (!f.title.trim() || f.title.length > 200) p['title'] = 'invalid';
  if (!Number.isInteger(f.year) || f.year < 2000 || f.year > 2100) p['year'] = 'invalid';
  if (
    !Number.isFinite(f.ratePercent) ||
    f.ratePercent <= 0 ||
    f.ratePercent > 100 ||
    Math.abs(rateToBp(f.ratePercent) - f.ratePercent * 100) > 1e-6
  )
    p['ratePercent'] = 'invalid';
  if (!Number.isInteger(f.minPerUnit) || f.minPerUnit < 0 || f.minPerUnit > 1000) p['minPerUnit'] = 'invalid';
  const c = f.criteria;
  if (c.stages?.some((s) => !(STAGES as readonly string[]).includes(s))) p['stages'] = 'invalid';
  if (c.employments?.some((s) => !(EMPLOYMENTS as readonly string[]).includes(s))) p['employments'] = 'invalid';
  if (c.subjects?.some((s) => !s.trim() || s.length > 40) || (c.subjects?.length ?? 0) > 50) p['subjects'] = 'invalid';
  return p;
}

/** Ranks in a list sorted best first: equal values share a rank (1, 2, 2, 4); no value, no rank. */
function ranks<T>(xs: readonly T[], value: (x: T) => number | null): (number | null)[] {
  const out: (number | null)[] = [];
  xs.forEach((x, i) => {
    const v = value(x);
    const prev = i > 0 ? value(xs[i - 1] as T) : null;
    out.push(v === null ? null : i > 0 && prev === v ? (out[i - 1] as number) : i + 1);
  });
  return out;
}

const byCompositeDesc = (a: number | null, b: number | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : b - a;

/**
 * The spot-check draw (抽测, R-34): a bureau freezes the list of its units' eligible teachers and
 * publishes its hash with the hash of a secret seed; the draw reveals the seed, so anyone holding the
 * list recomputes the sample (`npx peixun draw verify`); the unified exam's results are then published
 * per person and per unit, best first, with pass and excellence rates.
 */
export function createSpotCheckService({ db }: ServiceDeps) {
  const repo = createSpotCheckRepository(db);

  const view = (actor: Actor, s: SpotCheckRow): SpotCheckView => {
    const { seed, provinceId: _p, ...rest } = s;
    return {
      ...rest,
      // the seed stays secret until the draw
      seed: s.status === 'drawn' || s.status === 'published' ? seed : null,
      manage: can(actor, 'spotcheck.manage', { path: s.orgPath }),
    };
  };

  /** A spot-check the actor may read: outside the subtree (or a draft above it) is "not found". */
  async function readable(
    ctx: RequestContext,
    id: number,
    action: string,
  ): Promise<{ actor: Actor; s: SpotCheckRow; manage: boolean }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const s = await repo.find(id);
    if (!s) throw new AppError('NOT_FOUND');
    const inside = isWithin(actor.orgPath, s.orgPath);
    if (
      s.provinceId !== actor.provinceId ||
      !can(actor, 'spotcheck.read', { path: s.orgPath }) ||
      (!inside && s.status === 'draft')
    ) {
      return auditRefusal(db, ctx, { action, targetType: 'spot_check', targetId: id }, notFoundDenied());
    }
    return { actor, s, manage: can(actor, 'spotcheck.manage', { path: s.orgPath }) };
  }

  async function manageable(ctx: RequestContext, id: number, action: string) {
    const r = await readable(ctx, id, action);
    if (!r.manage) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: r.s.orgPath, targetLabel: r.s.title },
        new AppError('FORBIDDEN'),
      );
    }
    return r;
  }

  function requireState(s: SpotCheckRow, status: SpotCheckRow['status']): void {
    if (s.status !== status) throw new AppError('SPOT_CHECK_STATE', { details: { status: s.status } });
  }

  function checkFields(f: SpotCheckFields): void {
    const problems = spotCheckProblems(f);
    if (Object.keys(problems).length) throw new AppError('SPOT_CHECK_INVALID', { details: { problems } });
  }

  const clean = (input: SpotCheckFields): SpotCheckFields => ({
    title: input.title.trim(),
    year: input.year,
    ratePercent: input.ratePercent,
    minPerUnit: input.minPerUnit,
    criteria: {
      ...(input.criteria.stages?.length ? { stages: [...new Set(input.criteria.stages)] } : {}),
      ...(input.criteria.subjects?.length
        ? { subjects: [...new Set(input.criteria.subjects.map((x) => x.trim()))] }
        : {}),
      ...(input.criteria.employments?.length ? { employments: [...new Set(input.criteria.employments)] } : {}),
    },
  });

  /** Names as the reader may see them: in full inside their subtree, masked elsewhere. */
  const shownName = (actor: Actor, name: string, orgPath: string) =>
    isWithin(actor.orgPath, orgPath) ? name : maskName(name);

  async function buildList(s: SpotCheckRow): Promise<PublishedList> {
    const [units, candidates] = await Promise.all([repo.units(s.id), repo.candidates(s.id)]);
    const byUnit = new Map<number, CandidateRow[]>();
    for (const c of candidates) byUnit.set(c.unitId, [...(byUnit.get(c.unitId) ?? []), c]);
    const revealed = (s.status === 'drawn' || s.status === 'published') && s.seed !== null;
    return {
      format: LIST_FORMAT,
      spotCheck: { id: s.id, title: s.title, year: s.year, organiserId: s.orgUnitId, organiser: s.orgUnitName },
      ratePercent: s.ratePercent,
      rateBp: rateToBp(s.ratePercent),
      minPerUnit: s.minPerUnit,
      criteria: s.criteria,
      committedAt: s.committedAt?.toISOString() ?? null,
      listSha256: s.listSha256 ?? '',
      seedSha256: s.seedSha256 ?? '',
      units: units.map((u) => ({
        unitId: u.unitId,
        name: u.name,
        eligible: u.eligible,
        sampleSize: u.sampleSize,
        teachers: (byUnit.get(u.unitId) ?? []).map((c) => ({ key: c.listKey, name: maskName(c.name) })),
      })),
      ...(revealed
        ? {
            seed: s.seed as string,
            drawnAt: s.drawnAt?.toISOString(),
            sample: units.map((u) => ({
              unitId: u.unitId,
              drawn: (byUnit.get(u.unitId) ?? []).filter((c) => c.drawn).map((c) => c.listKey),
            })),
          }
        : {}),
    };
  }

  async function computeResults(actor: Actor, s: SpotCheckRow): Promise<Omit<SpotCheckResults, 'published'>> {
    const exam = (await repo.exam(s.id)) ?? null;
    const [units, rows] = await Promise.all([
      repo.units(s.id),
      exam ? repo.results(s.id, exam.id) : Promise.resolve([] as ResultRow[]),
    ]);
    const unitName = new Map(units.map((u) => [u.unitId, u.name]));
    const keyOf = (r: ResultRow) => String(r.teacherId);
    const sorted = [...rows].sort(
      (a, b) =>
        byCompositeDesc(a.composite, b.composite) || a.name.localeCompare(b.name, 'zh') || a.teacherId - b.teacherId,
    );
    const personRanks = ranks(sorted, (r) => r.composite);
    const people: PersonResult[] = sorted.map((r, i) => ({
      rank: personRanks[i] ?? null,
      listKey: keyOf(r),
      name: shownName(actor, r.name, r.orgPath),
      unitId: r.unitId,
      unitName: unitName.get(r.unitId) ?? '',
      schoolName: r.schoolName,
      examScore: r.examScore,
      composite: r.composite,
      level: r.composite === null ? null : (r.level as ExamLevel | null),
      passed: r.composite !== null && r.passed,
    }));
    const unitRows = units.map((u) => {
      const mine = rows.filter((r) => r.unitId === u.unitId);
      const assessed = mine.filter((r) => r.composite !== null);
      const passed = assessed.filter((r) => r.passed).length;
      const excellent = assessed.filter((r) => r.level === 'excellent').length;
      const mean = assessed.length
        ? Math.round((assessed.reduce((t, r) => t + (r.composite as number), 0) / assessed.length) * 100) / 100
        : null;
      return {
        unitId: u.unitId,
        unitName: u.name,
        drawn: mine.length,
        assessed: assessed.length,
        absent: mine.length - assessed.length,
        meanComposite: mean,
        passed,
        excellent,
        passRate: rate(passed, assessed.length),
        excellentRate: rate(excellent, assessed.length),
      };
    });
    unitRows.sort(
      (a, b) =>
        byCompositeDesc(a.meanComposite, b.meanComposite) ||
        byCompositeDesc(a.passRate, b.passRate) ||
        a.unitName.localeCompare(b.unitName, 'zh'),
    );
    const unitRanks = ranks(unitRows, (u) => u.meanComposite);
    const assessed = people.filter((p) => p.composite !== null);
    return {
      exam,
      people,
      units: unitRows.map((u, i) => ({ rank: unitRanks[i] ?? null, ...u })),
      overall: {
        drawn: people.length,
        assessed: assessed.length,
        passRate: rate(assessed.filter((p) => p.passed).length, assessed.length),
        excellentRate: rate(assessed.filter((p) => p.level === 'excellent').length, assessed.length),
      },
    };
  }

  /**
   * Results per person and per unit, best first. Before publication only the organisers see them
   * (to check); the units drawn from see them once published.
   */
  async function results(ctx: RequestContext, id: number, action: string) {
    const { actor, s, manage } = await readable(ctx, id, action);
    const published = s.status === 'published';
    if (!published && !(manage && s.status === 'drawn'))
      throw new AppError('SPOT_CHECK_STATE', { details: { status: s.status } });
    return { s, results: { published, ...(await computeResults(actor, s)) } satisfies SpotCheckResults };
  }

  return {
    async list(
      ctx: RequestContext,
      q: { year?: number; page: number; pageSize: number },
    ): Promise<{ items: SpotCheckView[]; total: number }> {
      const actor = await requireRegistryRole(db, ctx, 'spotcheck.list');
      const r = await repo.list(actor.orgPath, { year: q.year, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
      return {
        items: r.items.filter((s) => s.provinceId === actor.provinceId).map((s) => view(actor, s)),
        total: r.total,
      };
    },

    async create(ctx: RequestContext, input: SpotCheckInput): Promise<SpotCheckView> {
      const action = 'spotcheck.create';
      const actor = await requireRegistryRole(db, ctx, action);
      const unit = await requireAdminAtUnit(db, ctx, input.orgUnitId ?? actor.orgUnitId, action, 'spotcheck.manage');
      const fields = clean(input);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'spot_check', targetPath: unit.path, targetLabel: fields.title },
        async (trx, meta) => {
          // a county organises its own; province and city may organise for a bureau below them
          if (!ORGANISER_KINDS.includes(unit.kind) || (actor.role === 'county_admin' && unit.id !== actor.orgUnitId)) {
            throw new AppError('SPOT_CHECK_INVALID', { details: { problems: { orgUnitId: 'unit_kind' } } });
          }
          checkFields(fields);
          const id = await createSpotCheckRepository(trx).insert({
            ...fields,
            provinceId: unit.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            createdBy: actor.userId,
          });
          meta.targetId = id;
          meta.details = { year: fields.year, ratePercent: fields.ratePercent, minPerUnit: fields.minPerUnit };
          return view(actor, (await createSpotCheckRepository(trx).find(id)) as SpotCheckRow);
        },
      );
    },

    async update(ctx: RequestContext, id: number, input: SpotCheckFields): Promise<SpotCheckView> {
      const action = 'spotcheck.update';
      const { actor, s } = await manageable(ctx, id, action);
      const fields = clean(input);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: s.orgPath, targetLabel: fields.title },
        async (trx) => {
          const r = createSpotCheckRepository(trx);
          await r.lock(id);
          requireState((await r.find(id)) as SpotCheckRow, 'draft');
          checkFields(fields);
          await r.update(id, fields);
          return view(actor, (await r.find(id)) as SpotCheckRow);
        },
      );
    },

    async get(
      ctx: RequestContext,
      id: number,
    ): Promise<{
      spotCheck: SpotCheckView;
      units: UnitView[];
      exam: { id: number; title: string; status: string } | null;
    }> {
      const { actor, s } = await readable(ctx, id, 'spotcheck.read');
      const [units, drawn, exam] = await Promise.all([
        repo.units(id),
        s.status === 'drawn' || s.status === 'published' ? repo.candidates(id, { drawnOnly: true }) : [],
        repo.exam(id),
      ]);
      return {
        spotCheck: view(actor, s),
        units: units.map(({ path: _path, ...u }) => ({
          ...u,
          drawn: drawn
            .filter((c) => c.unitId === u.unitId)
            .map((c) => ({ listKey: c.listKey, name: shownName(actor, c.name, c.orgPath), schoolName: c.schoolName })),
        })),
        exam: exam ?? null,
      };
    },

    /**
     * 公示: freezes the list of eligible teachers, sizes each unit's sample, and commits to a secret
     * seed by publishing its hash with the list's. Nothing of the list changes afterwards.
     */
    async commit(ctx: RequestContext, id: number): Promise<SpotCheckView> {
      const action = 'spotcheck.commit';
      const { actor, s } = await manageable(ctx, id, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: s.orgPath, targetLabel: s.title },
        async (trx, meta) => {
          const r = createSpotCheckRepository(trx);
          await r.lock(id);
          const cur = (await r.find(id)) as SpotCheckRow;
          requireState(cur, 'draft');
          const counts = await r.freezeCandidates(cur, cur.criteria);
          if (counts.length === 0) throw new AppError('SPOT_CHECK_EMPTY');
          const rateBp = rateToBp(cur.ratePercent);
          const units = counts.map((c) => ({ ...c, sampleSize: sampleSize(c.eligible, rateBp, cur.minPerUnit) }));
          await r.insertUnits(id, units);
          const list = toDrawList(cur, await r.drawList(id));
          const seed = newSeed();
          const hashes = { listSha256: listSha256(list), seedSha256: seedSha256(seed) };
          await r.markCommitted(id, { ...hashes, seed });
          meta.details = {
            ...hashes,
            units: units.length,
            eligible: units.reduce((t, u) => t + u.eligible, 0),
            sample: units.reduce((t, u) => t + u.sampleSize, 0),
          };
          return view(actor, (await r.find(id)) as SpotCheckRow);
        },
      );
    },

    /** 抽取: reveals the seed, marks the drawn teachers, tells them and their schools. */
    async draw(ctx: RequestContext, id: number): Promise<SpotCheckView> {
      const action = 'spotcheck.draw';
      const { actor, s } = await manageable(ctx, id, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: s.orgPath, targetLabel: s.title },
        async (trx, meta) => {
          const r = createSpotCheckRepository(trx);
          await r.lock(id);
          const cur = (await r.find(id)) as SpotCheckRow;
          requireState(cur, 'committed');
          const list = toDrawList(cur, await r.drawList(id));
          // the list must still be the one whose hash was published
          if (listSha256(list) !== cur.listSha256)
            throw new AppError('SPOT_CHECK_STATE', { details: { list: 'changed' } });
          const sample = drawSample(cur.seed as string, list);
          const keys = sample.flatMap((u) => u.drawn);
          await r.markDrawn(id, keys);
          const drawn = await r.candidates(id, { drawnOnly: true });
          const params = { title: cur.title, year: cur.year, organiser: cur.orgUnitName };
          await notify(trx, {
            to: { users: drawn.flatMap((c) => (c.userId ? [c.userId] : [])) },
            kind: 'spot_check_drawn',
            params,
            link: null,
            senderId: actor.userId,
          });
          const schools = [...new Set(drawn.map((c) => Number(c.orgPath.split('/').filter(Boolean).at(-1))))];
          await notify(trx, {
            to: { adminsAt: schools },
            kind: 'spot_check_unit_drawn',
            params,
            link: `/spot-checks/${id}`,
            senderId: actor.userId,
          });
          meta.details = { seed: cur.seed, seedSha256: cur.seedSha256, listSha256: cur.listSha256, drawn: keys.length };
          return view(actor, (await r.find(id)) as SpotCheckRow);
        },
      );
    },

    /** 公布成绩: once the unified exam has results, they are published per person and per unit. */
    async publishResults(ctx: RequestContext, id: number): Promise<SpotCheckView> {
      const action = 'spotcheck.publish_results';
      const { actor, s } = await manageable(ctx, id, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: s.orgPath, targetLabel: s.title },
        async (trx, meta) => {
          const r = createSpotCheckRepository(trx);
          await r.lock(id);
          const cur = (await r.find(id)) as SpotCheckRow;
          requireState(cur, 'drawn');
          const exam = await r.exam(id);
          const n = exam ? await r.resultCount(id, exam.id) : 0;
          if (!exam || n === 0) throw new AppError('SPOT_CHECK_NO_RESULTS');
          await r.markPublished(id);
          meta.details = { examId: exam.id, results: n };
          return view(actor, (await r.find(id)) as SpotCheckRow);
        },
      );
    },

    /** The published list as a file (JSON): masked names, never ID numbers; the seed from the draw on. */
    async listFile(ctx: RequestContext, id: number): Promise<PublishedList> {
      const { s } = await readable(ctx, id, 'spotcheck.export_list');
      if (s.status === 'draft') throw new AppError('SPOT_CHECK_STATE', { details: { status: s.status } });
      return buildList(s);
    },

    async listXlsx(ctx: RequestContext, id: number): Promise<{ buffer: Buffer; s: SpotCheckRow }> {
      const action = 'spotcheck.export_list';
      const { s } = await readable(ctx, id, action);
      if (s.status === 'draft') throw new AppError('SPOT_CHECK_STATE', { details: { status: s.status } });
      const list = await buildList(s);
      const wb = new ExcelJS.Workbook();
      const info = wb.addWorksheet('说明');
      info.columns = [
        { header: '项目', key: 'k', width: 16 },
        { header: '内容', key: 'v', width: 80 },
      ];
      for (const [k, v] of [
        ['抽测', neutraliseCell(s.title)],
        ['组织单位', neutraliseCell(s.orgUnitName)],
        ['年度', s.year],
        ['抽取比例', `${s.ratePercent}%（每单位至少 ${s.minPerUnit} 人）`],
        ['公示时间', s.committedAt ? chinaTime(s.committedAt) : ''],
        ['名单哈希 SHA-256', list.listSha256],
        ['种子哈希 SHA-256', list.seedSha256],
        ['种子', list.seed ?? '（抽取时公布）'],
        ['核验命令', VERIFY_COMMAND(s.id, list.seed ?? null)],
      ] as const)
        info.addRow({ k, v });
      const ws = wb.addWorksheet('名单');
      ws.columns = [
        { header: '单位', key: 'unit', width: 28 },
        { header: '单位编号', key: 'unitId', width: 10 },
        { header: '名单编号', key: 'key', width: 12 },
        { header: '姓名', key: 'name', width: 10 },
        { header: '是否抽中', key: 'drawn', width: 10 },
      ];
      const drawn = new Set(list.sample?.flatMap((u) => u.drawn) ?? []);
      for (const u of list.units)
        for (const t of u.teachers)
          ws.addRow({
            unit: neutraliseCell(u.name),
            unitId: u.unitId,
            key: t.key,
            name: neutraliseCell(t.name),
            drawn: list.sample ? (drawn.has(t.key) ? '是' : '') : '',
          });
      ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: s.orgPath, targetLabel: s.title },
        'success',
      );
      return { buffer, s };
    },

    async results(ctx: RequestContext, id: number): Promise<SpotCheckResults> {
      return (await results(ctx, id, 'spotcheck.results')).results;
    },

    async resultsXlsx(ctx: RequestContext, id: number): Promise<{ buffer: Buffer; s: SpotCheckRow }> {
      const action = 'spotcheck.export_results';
      const { s, results: r } = await results(ctx, id, action);
      const wb = new ExcelJS.Workbook();
      const level = (l: ExamLevel | null) => (l ? EXAM_LEVEL_LABELS[l] : '');
      const pct = (v: number | null) => (v === null ? '—' : v);
      const units = wb.addWorksheet('单位成绩');
      units.columns = [
        { header: '名次', key: 'rank', width: 6 },
        { header: '单位', key: 'unit', width: 28 },
        { header: '抽测人数', key: 'drawn', width: 10 },
        { header: '参考人数', key: 'assessed', width: 10 },
        { header: '缺考', key: 'absent', width: 8 },
        { header: '平均成绩', key: 'mean', width: 10 },
        { header: '合格人数', key: 'passed', width: 10 },
        { header: '合格率(%)', key: 'passRate', width: 10 },
        { header: '优秀人数', key: 'excellent', width: 10 },
        { header: '优秀率(%)', key: 'excellentRate', width: 10 },
      ];
      for (const u of r.units)
        units.addRow({
          rank: u.rank ?? '',
          unit: neutraliseCell(u.unitName),
          drawn: u.drawn,
          assessed: u.assessed,
          absent: u.absent,
          mean: u.meanComposite ?? '—',
          passed: u.passed,
          passRate: pct(u.passRate),
          excellent: u.excellent,
          excellentRate: pct(u.excellentRate),
        });
      const people = wb.addWorksheet('个人成绩');
      people.columns = [
        { header: '名次', key: 'rank', width: 6 },
        { header: '名单编号', key: 'key', width: 12 },
        { header: '姓名', key: 'name', width: 10 },
        { header: '单位', key: 'unit', width: 24 },
        { header: '学校', key: 'school', width: 24 },
        { header: '考试成绩', key: 'exam', width: 10 },
        { header: '综合成绩', key: 'composite', width: 10 },
        { header: '等级', key: 'level', width: 10 },
        { header: '是否合格', key: 'passed', width: 10 },
      ];
      for (const p of r.people)
        people.addRow({
          rank: p.rank ?? '',
          key: p.listKey,
          name: neutraliseCell(p.name),
          unit: neutraliseCell(p.unitName),
          school: neutraliseCell(p.schoolName),
          exam: p.examScore ?? '',
          composite: p.composite ?? '缺考',
          level: level(p.level),
          passed: p.composite === null ? '' : p.passed ? '合格' : '不合格',
        });
      for (const ws of [units, people]) ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        { action, targetType: 'spot_check', targetId: id, targetPath: s.orgPath, targetLabel: s.title },
        'success',
      );
      return { buffer, s };
    },
  };
}

function toDrawList(s: SpotCheckRow, rows: { unitId: number; listKey: string }[]): DrawList {
  const units = new Map<number, string[]>();
  for (const r of rows) {
    const keys = units.get(r.unitId);
    if (keys) keys.push(r.listKey);
    else units.set(r.unitId, [r.listKey]);
  }
  return {
    rateBp: rateToBp(s.ratePercent),
    minPerUnit: s.minPerUnit,
    units: [...units].map(([unitId, keys]) => ({ unitId, keys })),
  };
}

export type SpotCheckService = ReturnType<typeof createSpotCheckService>;
