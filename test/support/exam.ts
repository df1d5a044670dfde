import type { Database } from '../../src/db/database.js';
import type { Env } from '../../src/config/env.js';
import type { QuestionContent } from '../../src/domain/question.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import type { ExamInput } from '../../src/services/exam.service.js';
import type { RequestContext } from '../../src/services/context.js';
import { actorAt } from './fixtures.js';
import { seedTeacher } from './ledger.js';

export type SeedQuestion = Partial<QuestionContent> & {
  kind: QuestionContent['kind'];
  module?: string;
  difficulty?: number;
  shuffleOptions?: boolean;
};

/** Questions put straight into a unit's bank (version 1 each); returns their ids in order. */
export async function seedQuestions(db: Database, unit: OrgUnitRow, qs: readonly SeedQuestion[]): Promise<number[]> {
  const ids: number[] = [];
  for (const q of qs) {
    const row = await db
      .insertInto('question')
      .values({ province_id: unit.provinceId, org_unit_id: unit.id, org_path: unit.path })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('question_version')
      .values({
        question_id: row.id,
        version: 1,
        kind: q.kind,
        stem: q.stem ?? `${q.kind} 题 ${row.id}`,
        options: JSON.stringify(q.options ?? []),
        answer: JSON.stringify(q.answer ?? null),
        explanation: q.explanation ?? `解析 ${row.id}`,
        module: q.module ?? '师德',
        difficulty: q.difficulty ?? 3,
        shuffle_options: q.shuffleOptions ?? true,
      })
      .execute();
    ids.push(row.id);
  }
  return ids;
}

/** A corrected key: the question's next version, made current (as the bank does for a frozen one). */
export async function correctKey(db: Database, questionId: number, answer: unknown): Promise<void> {
  const cur = await db
    .selectFrom('question as q')
    .innerJoin('question_version as v', (j) =>
      j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'),
    )
    .selectAll('v')
    .where('q.id', '=', questionId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('question_version')
    .values({
      question_id: questionId,
      version: cur.version + 1,
      kind: cur.kind,
      stem: cur.stem,
      options: JSON.stringify(cur.options),
      answer: JSON.stringify(answer),
      explanation: cur.explanation,
      module: cur.module,
      difficulty: cur.difficulty,
      shuffle_options: cur.shuffle_options,
    })
    .execute();
  await db
    .updateTable('question')
    .set({ current_version: cur.version + 1 })
    .where('id', '=', questionId)
    .execute();
}

export const OPTIONS4 = ['甲', '乙', '丙', '丁'].map((text, i) => ({ key: 'ABCD'[i] as string, text }));

/** Four objective questions and an essay: single (B), multiple (A, C), true/false (true), fill-in, essay. */
export const MIXED: SeedQuestion[] = [
  { kind: 'single', stem: '单选：教师职业道德的核心是', options: OPTIONS4, answer: 'B' },
  { kind: 'multiple', stem: '多选：下列属于师德规范的是', options: OPTIONS4, answer: ['A', 'C'] },
  { kind: 'true_false', stem: '判断：教师应当关爱学生', answer: true },
  { kind: 'fill_in', stem: '填空：中华人民共和国成立于＿＿年', answer: [['1949', '一九四九']] },
  { kind: 'essay', stem: '简答：谈谈你对终身学习的理解', answer: '参考要点' },
];

export function examInput(unit: OrgUnitRow, over: Partial<ExamInput> = {}): ExamInput {
  const now = Date.now();
  return {
    title: '师德专题考核',
    instructions: '请独立完成',
    target: 'course',
    courseId: null,
    classId: null,
    projectId: null,
    spotCheckId: null,
    orgUnitId: unit.id,
    opensAt: new Date(now - 3_600_000),
    closesAt: new Date(now + 86_400_000),
    durationMinutes: 60,
    attemptsAllowed: 2,
    gradePolicy: 'highest',
    paper: { mode: 'fixed', items: [] },
    shuffleQuestions: false,
    showAnswers: 'after_close',
    gates: {},
    composite: { components: [{ key: 'exam', label: '考试', weight: 100 }] },
    levelCuts: { excellent: 90, good: 80, pass: 60, basic: 50 },
    passLevel: 'pass',
    targets: {},
    hours: null,
    creditCategories: [],
    blindMarking: false,
    doubleMarking: false,
    disputeThreshold: 3,
    ...over,
  };
}

/** A registry teacher with a login account at a school. */
export async function teacherWithAccount(
  db: Database,
  env: Env,
  school: OrgUnitRow,
  username: string,
): Promise<{ id: number; ctx: RequestContext; name: string }> {
  const id = await seedTeacher(db, env, school);
  const ctx = await actorAt(db, school, 'teacher', username);
  await db.updateTable('teacher').set({ user_id: ctx.actor!.userId }).where('id', '=', id).execute();
  const { name } = await db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirstOrThrow();
  return { id, ctx, name };
}

/** A course of the unit (not online), for course exams. */
export async function seedCourse(db: Database, unit: OrgUnitRow, hours = 150): Promise<number> {
  const c = await db
    .insertInto('course')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      title: `师德专题${Math.random().toString(36).slice(2, 8)}`,
      category: 'required',
      module: '师德',
      form: 'online',
      hours,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return c.id;
}
