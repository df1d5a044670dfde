import dayjs, { type Dayjs } from 'dayjs';
import type {
  CompositeComponent,
  Exam,
  ExamInput,
  ExamTarget,
  GradePolicy,
  LevelCuts,
  PassLevel,
  PaperPool,
  QuestionKind,
  ShowAnswers,
} from '../../api/exam-admin';
import { chinaInstant, formatDateTime } from '../../lib/format';

/**
 * The exam form's values and their checks, apart from the page: what the form holds (pickers' values,
 * a window of two China wall-clock times), how it becomes the API's ExamInput and back, and the problems
 * the form shows before anything is sent (weights that do not add up to 100, cut-offs that do not fall,
 * an empty paper). The server checks the same again.
 */

/** A question of a fixed paper, with what the builder shows of it (known once picked from the bank). */
export interface FixedRow {
  questionId: number;
  points: number;
  kind?: QuestionKind;
  stem?: string;
  version?: number;
}

export interface ExamFormValues {
  title: string;
  instructions?: string;
  orgUnitId: number;
  target: ExamTarget;
  courseId?: number;
  projectId?: number;
  classId?: number;
  spotCheckId?: number;
  window?: [Dayjs, Dayjs];
  durationMinutes: number;
  attemptsAllowed: number;
  gradePolicy: GradePolicy;
  showAnswers: ShowAnswers;
  shuffleQuestions: boolean;
  paperMode: 'fixed' | 'drawn';
  items: FixedRow[];
  pools: PaperPool[];
  studyComplete: boolean;
  /** whole hours of the current year in the ledger */
  minLedgerHours?: number | null;
  ledgerCategory?: string;
  components: CompositeComponent[];
  levelCuts: LevelCuts;
  passLevel: PassLevel;
  excellentShare?: number | null;
  competentShare?: number | null;
  /** hours as typed, posted on passing (course target) */
  hours?: number | null;
  creditCategories: string[];
  blindMarking: boolean;
  doubleMarking: boolean;
  disputeThreshold: number;
  multiplePartial: boolean;
}

export const DEFAULT_CUTS: LevelCuts = { excellent: 90, good: 80, pass: 60, basic: 50 };

export const EMPTY_POOL: PaperPool = { kind: 'single', difficultyMin: 1, difficultyMax: 5, count: 10, points: 2 };

/** A new exam's values: one attempt of 60 minutes, the exam alone counting, the usual cut-offs. */
export function newExamValues(orgUnitId: number): Partial<ExamFormValues> {
  return {
    orgUnitId,
    target: 'course',
    durationMinutes: 60,
    attemptsAllowed: 1,
    gradePolicy: 'highest',
    showAnswers: 'after_close',
    shuffleQuestions: false,
    paperMode: 'fixed',
    items: [],
    pools: [],
    studyComplete: false,
    components: [{ key: 'exam', label: '考试', weight: 100 }],
    levelCuts: { ...DEFAULT_CUTS },
    passLevel: 'pass',
    creditCategories: [],
    blindMarking: false,
    doubleMarking: false,
    disputeThreshold: 3,
    multiplePartial: false,
  };
}

/** Tenths of an hour (the API's unit) from hours as typed, and back. */
const toTenths = (h: number | null | undefined) => (h === null || h === undefined ? undefined : Math.round(h * 10));
const fromTenths = (t: number | null | undefined) => (t === null || t === undefined ? null : t / 10);

/** The form's values of a stored exam (the window as the China wall clock the pickers show). */
export function examToValues(exam: Exam, known: ReadonlyMap<number, FixedRow> = new Map()): ExamFormValues {
  return {
    title: exam.title,
    instructions: exam.instructions ?? '',
    orgUnitId: exam.orgUnitId,
    target: exam.target,
    courseId: exam.courseId ?? undefined,
    projectId: exam.projectId ?? undefined,
    classId: exam.classId ?? undefined,
    spotCheckId: exam.spotCheckId ?? undefined,
    window: [dayjs(formatDateTime(exam.opensAt)), dayjs(formatDateTime(exam.closesAt))],
    durationMinutes: exam.durationMinutes,
    attemptsAllowed: exam.attemptsAllowed,
    gradePolicy: exam.gradePolicy,
    showAnswers: exam.showAnswers,
    shuffleQuestions: exam.shuffleQuestions,
    paperMode: exam.paper.mode,
    items:
      exam.paper.mode === 'fixed'
        ? exam.paper.items.map((i) => ({ ...known.get(i.questionId), questionId: i.questionId, points: i.points }))
        : [],
    pools:
      exam.paper.mode === 'drawn'
        ? exam.paper.pools.map((p) => ({
            ...p,
            module: p.module ?? undefined,
            subject: p.subject ?? undefined,
            stage: p.stage ?? undefined,
          }))
        : [],
    studyComplete: exam.gates.studyComplete ?? false,
    minLedgerHours: exam.gates.minLedgerHours ?? null,
    ledgerCategory: exam.gates.ledgerCategory,
    components: exam.composite.components.map((c) => ({ ...c })),
    levelCuts: { ...exam.levelCuts },
    passLevel: exam.passLevel,
    excellentShare: exam.targets.excellentShare ?? null,
    competentShare: exam.targets.competentShare ?? null,
    hours: fromTenths(exam.hours),
    creditCategories: exam.creditCategories ?? [],
    blindMarking: exam.blindMarking,
    doubleMarking: exam.doubleMarking,
    disputeThreshold: exam.disputeThreshold,
    multiplePartial: exam.paper.multiplePartial ?? false,
  };
}

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/** The API's body from the form's values (only the target's own id is sent). */
export function valuesToInput(v: ExamFormValues): ExamInput {
  const [opens, closes] = v.window ?? [];
  const gates: ExamInput['gates'] = {};
  if (v.studyComplete) gates.studyComplete = true;
  if (given(v.minLedgerHours) && v.minLedgerHours > 0) {
    gates.minLedgerHours = v.minLedgerHours;
    if (v.ledgerCategory) gates.ledgerCategory = v.ledgerCategory;
  }
  const targets: ExamInput['targets'] = {};
  if (given(v.excellentShare)) targets.excellentShare = v.excellentShare;
  if (given(v.competentShare)) targets.competentShare = v.competentShare;
  return {
    title: v.title.trim(),
    instructions: v.instructions?.trim() ?? '',
    target: v.target,
    ...(v.target === 'course' && given(v.courseId) ? { courseId: v.courseId } : {}),
    ...((v.target === 'project' || v.target === 'class') && given(v.projectId) ? { projectId: v.projectId } : {}),
    ...(v.target === 'class' && given(v.classId) ? { classId: v.classId } : {}),
    ...(v.target === 'spot_check' && given(v.spotCheckId) ? { spotCheckId: v.spotCheckId } : {}),
    orgUnitId: v.orgUnitId,
    opensAt: opens ? chinaInstant(opens) : '',
    closesAt: closes ? chinaInstant(closes) : '',
    durationMinutes: v.durationMinutes,
    attemptsAllowed: v.attemptsAllowed,
    gradePolicy: v.gradePolicy,
    paper:
      v.paperMode === 'fixed'
        ? {
            mode: 'fixed',
            items: v.items.map((i) => ({ questionId: i.questionId, points: i.points })),
            multiplePartial: v.multiplePartial,
          }
        : {
            mode: 'drawn',
            multiplePartial: v.multiplePartial,
            pools: v.pools.map((p) => ({
              kind: p.kind,
              ...(p.module ? { module: p.module } : {}),
              ...(p.subject ? { subject: p.subject } : {}),
              ...(p.stage ? { stage: p.stage } : {}),
              difficultyMin: p.difficultyMin,
              difficultyMax: p.difficultyMax,
              count: p.count,
              points: p.points,
            })),
          },
    shuffleQuestions: v.shuffleQuestions,
    showAnswers: v.showAnswers,
    gates,
    composite: {
      components: v.components.map((c) => ({ key: c.key.trim(), label: c.label.trim(), weight: c.weight })),
    },
    levelCuts: v.levelCuts,
    passLevel: v.passLevel,
    targets,
    hours: v.target === 'course' ? (toTenths(v.hours) ?? null) : null,
    creditCategories: v.creditCategories,
    blindMarking: v.blindMarking,
    doubleMarking: v.doubleMarking,
    disputeThreshold: v.disputeThreshold,
  };
}

/** Points add up in hundredths, so 0.1 + 0.2 shows as 0.3. */
const sumHundredths = (xs: readonly number[]) => Math.round(xs.reduce((s, x) => s + Math.round(x * 100), 0)) / 100;

/** The paper's total score and question count as the form holds it now. */
export function paperTotal(
  mode: 'fixed' | 'drawn',
  items: readonly Partial<FixedRow>[] | undefined,
  pools: readonly Partial<PaperPool>[] | undefined,
): { questions: number; points: number } {
  if (mode === 'fixed') {
    const rows = items ?? [];
    return { questions: rows.length, points: sumHundredths(rows.map((r) => r.points ?? 0)) };
  }
  const rows = pools ?? [];
  return {
    questions: rows.reduce((s, p) => s + (p.count ?? 0), 0),
    points: sumHundredths(rows.map((p) => (p.count ?? 0) * (p.points ?? 0))),
  };
}

export type CompositeProblem = 'empty' | 'no_exam' | 'duplicate_key' | 'label_missing' | 'weight_range' | 'sum';

/** What is wrong with the composite's components, in the order the form says it. */
export function compositeProblems(components: readonly Partial<CompositeComponent>[] | undefined): {
  problems: CompositeProblem[];
  sum: number;
} {
  const rows = components ?? [];
  const sum = sumHundredths(rows.map((c) => c.weight ?? 0));
  const problems: CompositeProblem[] = [];
  if (rows.length === 0) problems.push('empty');
  const keys = rows.map((c) => (c.key ?? '').trim());
  if (rows.length > 0 && !keys.includes('exam')) problems.push('no_exam');
  if (new Set(keys).size !== keys.length) problems.push('duplicate_key');
  if (rows.some((c) => !(c.label ?? '').trim() || !(c.key ?? '').trim())) problems.push('label_missing');
  if (rows.some((c) => c.weight === undefined || c.weight === null || c.weight <= 0 || c.weight > 100))
    problems.push('weight_range');
  if (rows.length > 0 && Math.abs(sum - 100) > 1e-9) problems.push('sum');
  return { problems, sum };
}

/** The first pair of cut-offs that does not fall from 优秀 to 基本合格 (equal is allowed), or null. */
export function cutsProblem(
  cuts: Partial<LevelCuts> | undefined,
): { upper: keyof LevelCuts; lower: keyof LevelCuts } | 'range' | null {
  const order: (keyof LevelCuts)[] = ['excellent', 'good', 'pass', 'basic'];
  const v = order.map((k) => cuts?.[k]);
  if (v.some((x) => x === undefined || x === null || !Number.isFinite(x) || x < 0 || x > 100)) return 'range';
  for (let i = 1; i < order.length; i++)
    if ((v[i] as number) > (v[i - 1] as number)) return { upper: order[i - 1]!, lower: order[i]! };
  return null;
}

/** A new component's key: `process`, then `process2` … so keys stay unique. */
export function nextComponentKey(components: readonly Partial<CompositeComponent>[]): string {
  const keys = new Set(components.map((c) => c.key));
  if (!keys.has('process')) return 'process';
  let n = 2;
  while (keys.has(`process${n}`)) n++;
  return `process${n}`;
}
