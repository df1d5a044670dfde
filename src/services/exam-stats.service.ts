import {
  addCounts,
  type BandCount,
  DEFAULT_BANDS,
  DISCRIMINATION_MIN_PAPERS,
  distribution,
  noLevels,
  type QuestionFlag,
  questionFigures,
  questionFlags,
  type ScoreSummary,
  summarise,
  TEN_POINT_BANDS,
  type UnitCounts,
  type UnitRates,
  unitRates,
} from '../domain/exam-stats.js';
import {
  EXAM_LEVEL_LABELS,
  EXAM_LEVELS,
  type ExamLevel,
  type LevelCuts,
  type PassLevel,
} from '../domain/exam-score.js';
import { chinaTime } from '../config/env.js';
import { isWithin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createExamStatsRepository,
  type ExamForStats,
  type ExamTarget,
  type ResultListRow,
  type StatsBase,
} from '../repositories/exam-stats.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { appendAudit, auditRefusal } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { requireRegistryRole } from './registry-access.js';
import { PERCENT_FORMAT } from './roster-file.js';

export interface ExamStatsLine extends UnitCounts, UnitRates {
  unitId: number;
  unitName: string;
  /** mean exam score of the unit's results; null without one */
  mean: number | null;
}

export interface QuestionLine {
  questionId: number;
  version: number;
  kind: string;
  /** the first 60 characters of the stem */
  stem: string;
  points: number;
  papers: number;
  answered: number;
  difficulty: number | null;
  discrimination: number | null;
  flags: QuestionFlag[];
}

export type Bins = 'bands' | 'tens';

export interface ExamStats {
  exam: {
    id: number;
    title: string;
    target: ExamTarget;
    status: string;
    opensAt: Date;
    closesAt: Date;
    organiser: { id: number; name: string };
  };
  /** the unit the lines are the children of: the organiser, the reader's unit below it, or the unit asked for */
  base: { id: number; name: string };
  cutoffs: {
    levelCuts: LevelCuts;
    passLevel: PassLevel;
    targets: { excellentShare?: number; competentShare?: number };
  };
  overall: ExamStatsLine & { summary: ScoreSummary };
  units: ExamStatsLine[];
  distribution: BandCount[];
  /** graded papers the question analysis stands on; discrimination needs DISCRIMINATION_MIN_PAPERS */
  gradedPapers: number;
  discriminationMinPapers: number;
  questions: QuestionLine[];
  /** keys of the 口径 texts that apply (examStats.def.<key> in the web's words) */
  definitions: string[];
}

/** The 口径 of each figure, as the sheets print them (the web has the same texts in its words). */
export const DEFINITIONS_ZH: Record<string, string> = {
  'candidates.class': '参考人数：本班在册学员（已录取、未退出），按学员所在学校归属单位。',
  'candidates.project': '参考人数：本项目各班在册学员（已录取、未退出），按学员所在学校归属单位。',
  'candidates.spot_check': '参考人数：抽测中被抽中的教师，按抽取名单冻结时所在学校归属单位。',
  'candidates.course':
    '参考人数：有作答记录的教师（课程考试没有预先确定的名单），因此全部交卷后参考率为100%，仅供参考。',
  sat: '实考人数：至少交卷一次的教师，按开考时所在学校归属单位。',
  participation: '参考率 = 实考人数 ÷ 参考人数；参考人数为0时显示"—"。',
  pass: '合格率 = 达到合格等级的人数 ÷ 有成绩人数（已评定等级者）；有成绩人数为0时显示"—"。',
  excellence: '优秀率 = 优秀人数 ÷ 有成绩人数；有成绩人数为0时显示"—"。',
  targets: '技能考核目标（R-37）：单位优秀率不低于优秀目标、合格率不低于合格目标为达标；未设目标或无成绩时不评定。',
  scores: '分数分布、平均分、中位数、标准差均按卷面成绩（百分制）计算；等级按综合成绩评定。',
  difficulty: '难度 P = 考生在该题的得分之和 ÷ 该题满分之和（0–1，越大越容易）；只计已全部阅完的计分试卷。',
  discrimination: `区分度 D = 总分前27%考生的 P − 后27%考生的 P；计分试卷少于${DISCRIMINATION_MIN_PAPERS}份时不计算。P>0.9 偏易，P<0.3 偏难，D<0.2 区分度差。`,
};

const STEM_EXCERPT = 60;

function line(
  unitId: number,
  unitName: string,
  c: UnitCounts,
  mean: number | null,
  targets: ExamStats['cutoffs']['targets'],
): ExamStatsLine {
  return { unitId, unitName, ...c, ...unitRates(c, targets), mean };
}

/** A rate as a sheet keeps it: the fraction, shown with PERCENT_FORMAT; empty for "—". */
const fraction = (r: number | null) => (r === null ? null : r / 100);
const met = (m: boolean | null) => (m === null ? '—' : m ? '达标' : '未达标');

/**
 * Results and statistics of an exam for the admins on its line of the tree: the
 * organiser's side (exam.results on the organiser's unit) reads every unit; an admin of a unit below
 * the organiser reads the rows of their own subtree only. Every figure is read by path below the base.
 */
export function createExamStatsService({ db }: ServiceDeps) {
  const repo = createExamStatsRepository(db);
  const units = createOrgUnitRepository(db);

  async function open(
    ctx: RequestContext,
    examId: number,
    action: string,
    unitId?: number,
  ): Promise<{ actor: Actor; exam: ExamForStats; base: StatsBase & { name: string } }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const exam = await repo.exam(examId);
    const refuse = () => auditRefusal(db, ctx, { action, targetType: 'exam', targetId: examId }, notFoundDenied());
    if (!exam) throw new AppError('NOT_FOUND');
    const organiserSide = isWithin(actor.orgPath, exam.orgPath);
    const below = !organiserSide && isWithin(exam.orgPath, actor.orgPath);
    if (!organiserSide && !below) return refuse();
    if (!can(actor, 'exam.results', { path: below ? actor.orgPath : exam.orgPath })) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'exam', targetId: examId, targetPath: exam.orgPath, targetLabel: exam.title },
        new AppError('FORBIDDEN'),
      );
    }
    let base: StatsBase & { name: string } = below
      ? { id: actor.orgUnitId, path: actor.orgPath, name: (await units.findById(actor.orgUnitId))!.name }
      : { id: exam.orgUnitId, path: exam.orgPath, name: exam.orgUnitName };
    if (unitId !== undefined && unitId !== base.id) {
      const unit = await units.findById(unitId);
      if (!unit || !isWithin(base.path, unit.path)) return refuse();
      base = { id: unit.id, path: unit.path, name: unit.name };
    }
    return { actor, exam, base };
  }

  async function compute(ctx: RequestContext, examId: number, action: string, unitId?: number, bins: Bins = 'bands') {
    const { exam, base } = await open(ctx, examId, action, unitId);
    const [candidates, sat, results, scores, sums] = await Promise.all([
      repo.candidatesByUnit(exam, base),
      repo.satByUnit(exam.id, base),
      repo.resultsByUnit(exam.id, base),
      repo.examScores(exam.id, base.path),
      repo.questionSums(exam.id, base.path),
    ]);
    const ids = new Set([...candidates, ...sat, ...results].map((r) => r.unitId));
    const names = new Map((await units.findByIds([...ids])).map((u) => [u.id, u.name]));
    const targets = exam.targets ?? {};
    const lines: ExamStatsLine[] = [...ids].map((id) => {
      const r = results.find((x) => x.unitId === id);
      const levels = noLevels();
      if (r) for (const l of EXAM_LEVELS) levels[l] = r[l];
      const counts: UnitCounts = {
        candidates: candidates.find((x) => x.unitId === id)?.n ?? 0,
        sat: sat.find((x) => x.unitId === id)?.n ?? 0,
        assessed: r?.assessed ?? 0,
        passed: r?.passed ?? 0,
        levels,
      };
      return line(id, names.get(id) ?? String(id), counts, r?.mean ?? null, targets);
    });
    lines.sort((a, b) => a.unitName.localeCompare(b.unitName, 'zh-CN') || a.unitId - b.unitId);
    const summary = summarise(scores);
    const overall = {
      ...line(base.id, base.name, addCounts(lines), summary.mean, targets),
      summary,
    };

    const figures = sums.questions.map((q) => ({ ...questionFigures(q, sums.paperCount), points: q.points }));
    const info = new Map((await repo.questionVersions(figures.map((f) => f.questionVersionId))).map((v) => [v.id, v]));
    const questions: QuestionLine[] = figures.map((f) => {
      const v = info.get(f.questionVersionId);
      const stem = v?.stem ?? '';
      return {
        questionId: v?.questionId ?? 0,
        version: v?.version ?? 0,
        kind: v?.kind ?? '',
        stem: stem.length > STEM_EXCERPT ? `${stem.slice(0, STEM_EXCERPT)}…` : stem,
        points: f.points,
        papers: f.papers,
        answered: f.answered,
        difficulty: f.difficulty,
        discrimination: f.discrimination,
        flags: questionFlags(f),
      };
    });

    const stats: ExamStats = {
      exam: {
        id: exam.id,
        title: exam.title,
        target: exam.target,
        status: exam.status,
        opensAt: exam.opensAt,
        closesAt: exam.closesAt,
        organiser: { id: exam.orgUnitId, name: exam.orgUnitName },
      },
      base: { id: base.id, name: base.name },
      cutoffs: { levelCuts: exam.levelCuts, passLevel: exam.passLevel as PassLevel, targets },
      overall,
      units: lines,
      distribution: distribution(scores, bins === 'tens' ? TEN_POINT_BANDS : DEFAULT_BANDS),
      gradedPapers: sums.paperCount,
      discriminationMinPapers: DISCRIMINATION_MIN_PAPERS,
      questions,
      definitions: [
        `candidates.${exam.target}`,
        'sat',
        'participation',
        'pass',
        'excellence',
        'targets',
        'scores',
        'difficulty',
        'discrimination',
      ],
    };
    return { stats, base };
  }

  async function audited(ctx: RequestContext, action: string, exam: ExamStats['exam'], details: object) {
    await appendAudit(
      db,
      ctx,
      {
        action,
        targetType: 'exam',
        targetId: exam.id,
        targetPath: ctx.actor?.orgPath ?? null,
        targetLabel: exam.title,
        details: details as Record<string, unknown>,
      },
      'success',
    );
  }

  return {
    async stats(ctx: RequestContext, examId: number, q: { unitId?: number; bins?: Bins } = {}): Promise<ExamStats> {
      return (await compute(ctx, examId, 'exam.read_stats', q.unitId, q.bins)).stats;
    },

    /** The statistics as a workbook: 单位统计 (with the 口径), 成绩分布, 试题分析. */
    async exportStats(
      ctx: RequestContext,
      examId: number,
      q: { unitId?: number; bins?: Bins } = {},
    ): Promise<{ buffer: Buffer; stats: ExamStats }> {
      const action = 'exam.export_stats';
      const { stats: s } = await compute(ctx, examId, action, q.unitId, q.bins);
      const wb = new ExcelJS.Workbook();
      const t = s.cutoffs.targets;

      const ws = wb.addWorksheet('单位统计');
      ws.addRow([`${s.exam.title} — 按单位成绩统计（${s.base.name}）`]).font = { bold: true, size: 13 };
      ws.addRow([
        `目标：优秀率 ${t.excellentShare ?? '—'}%，合格率 ${t.competentShare ?? '—'}%；等级线：优秀 ${s.cutoffs.levelCuts.excellent}，良好 ${s.cutoffs.levelCuts.good}，合格 ${s.cutoffs.levelCuts.pass}，基本合格 ${s.cutoffs.levelCuts.basic}`,
      ]);
      ws.addRow([]);
      ws.addRow([
        '单位',
        '参考人数',
        '实考人数',
        '参考率',
        '有成绩人数',
        ...EXAM_LEVELS.map((l) => EXAM_LEVEL_LABELS[l]),
        '合格人数',
        '合格率',
        '优秀率',
        '平均分',
        '优秀目标',
        '合格目标',
      ]).font = { bold: true };
      const row = (x: ExamStatsLine, name: string) => [
        name,
        x.candidates,
        x.sat,
        fraction(x.participationRate),
        x.assessed,
        ...EXAM_LEVELS.map((l) => x.levels[l]),
        x.passed,
        fraction(x.passRate),
        fraction(x.excellentRate),
        x.mean,
        met(x.excellentMet),
        met(x.competentMet),
      ];
      for (const x of s.units) ws.addRow(row(x, x.unitName));
      ws.addRow(row(s.overall, '合计')).font = { bold: true };
      ws.addRow([]);
      ws.addRow(['统计口径']).font = { bold: true };
      for (const k of s.definitions) ws.addRow([DEFINITIONS_ZH[k] ?? k]);
      ws.columns.forEach((c, i) => {
        c.width = i === 0 ? 30 : 11;
      });
      for (const col of [4, 12, 13]) ws.getColumn(col).numFmt = PERCENT_FORMAT;

      const wd = wb.addWorksheet('成绩分布');
      wd.addRow(['分数段', '人数', '占比']).font = { bold: true };
      for (const b of s.distribution) wd.addRow([`${b.from}–${b.to}`, b.count, fraction(b.share)]);
      wd.addRow([]);
      const m = s.overall.summary;
      wd.addRow(['人数', m.count]);
      wd.addRow(['平均分', m.mean]);
      wd.addRow(['中位数', m.median]);
      wd.addRow(['最高分', m.max]);
      wd.addRow(['最低分', m.min]);
      wd.addRow(['标准差', m.sd]);
      wd.getColumn(1).width = 14;
      wd.getColumn(3).numFmt = PERCENT_FORMAT;

      const wq = wb.addWorksheet('试题分析');
      wq.addRow(['题号', '版本', '题型', '题干', '分值', '试卷数', '作答数', '难度P', '区分度D', '提示']).font = {
        bold: true,
      };
      const FLAG_ZH: Record<QuestionFlag, string> = {
        too_easy: '偏易',
        too_hard: '偏难',
        poor_discrimination: '区分度差',
      };
      for (const x of s.questions)
        wq.addRow([
          x.questionId,
          x.version,
          x.kind,
          x.stem,
          x.points,
          x.papers,
          x.answered,
          x.difficulty,
          x.discrimination ?? '—',
          x.flags.map((f) => FLAG_ZH[f]).join('、'),
        ]);
      if (s.gradedPapers < DISCRIMINATION_MIN_PAPERS)
        wq.addRow([`计分试卷 ${s.gradedPapers} 份，少于 ${DISCRIMINATION_MIN_PAPERS} 份，不计算区分度。`]);
      wq.getColumn(4).width = 50;

      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await audited(ctx, action, s.exam, { units: s.units.length, baseId: s.base.id });
      return { buffer, stats: s };
    },

    /** One page of the results below the reader's base (or a unit of it), best composite first. */
    async results(
      ctx: RequestContext,
      examId: number,
      q: { unitId?: number; level?: ExamLevel; passed?: boolean; q?: string; page: number; pageSize: number },
    ): Promise<{ items: ResultListRow[]; total: number; base: { id: number; name: string } }> {
      const { base } = await open(ctx, examId, 'exam.read_results', q.unitId);
      const r = await repo.results(
        examId,
        { path: base.path, level: q.level, passed: q.passed, q: q.q },
        { limit: q.pageSize, offset: (q.page - 1) * q.pageSize },
      );
      return { ...r, base: { id: base.id, name: base.name } };
    },

    /** The whole filtered list as a sheet (成绩名单); no ID numbers. */
    async exportResults(
      ctx: RequestContext,
      examId: number,
      q: { unitId?: number; level?: ExamLevel; passed?: boolean; q?: string },
    ): Promise<{ buffer: Buffer; title: string }> {
      const action = 'exam.export_results';
      const { exam, base } = await open(ctx, examId, action, q.unitId);
      const r = await repo.results(examId, { path: base.path, level: q.level, passed: q.passed, q: q.q }, null);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('成绩名单');
      ws.addRow([`${exam.title} — 成绩名单（${base.name}）`]).font = { bold: true, size: 13 };
      ws.addRow([]);
      ws.addRow(['序号', '姓名', '学校', '卷面成绩', '综合成绩', '等级', '是否合格', '交卷次数', '交卷时间']).font = {
        bold: true,
      };
      r.items.forEach((x, i) => {
        ws.addRow([
          i + 1,
          x.name,
          x.schoolName ?? '',
          x.examScore,
          x.composite,
          x.level ? EXAM_LEVEL_LABELS[x.level as ExamLevel] : '',
          x.level === null ? '待阅卷' : x.passed ? '合格' : '不合格',
          x.attempts,
          x.submittedAt ? chinaTime(x.submittedAt) : '',
        ]);
      });
      ws.columns.forEach((c, i) => {
        c.width = i === 2 ? 28 : i === 8 ? 20 : 11;
      });
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await audited(ctx, action, { id: exam.id, title: exam.title } as ExamStats['exam'], {
        rows: r.items.length,
        baseId: base.id,
      });
      return { buffer, title: exam.title };
    },
  };
}

export type ExamStatsService = ReturnType<typeof createExamStatsService>;
