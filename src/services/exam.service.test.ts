import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import {
  correctKey,
  examInput,
  MIXED,
  OPTIONS4,
  seedCourse,
  seedQuestions,
  teacherWithAccount,
} from '../../test/support/exam.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedOnlineClass } from '../../test/support/homework-class.js';
import { toPaperKey, type QuestionKind } from '../domain/question.js';
import { AppError } from '../errors/app-error.js';
import type { PaperItem } from '../domain/exam-paper.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let dataDir: string;
let province: RequestContext;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let marker: RequestContext;
let secondMarker: RequestContext;
let mixed: number[];

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

/** The right answer of every question of an attempt, under the letters its candidate was shown. */
async function rightAnswers(attemptId: number, seqBase = 1) {
  const a = await t.db.selectFrom('exam_attempt').select('paper').where('id', '=', attemptId).executeTakeFirstOrThrow();
  const paper = a.paper as PaperItem[];
  const versions = await t.db
    .selectFrom('question_version')
    .select(['id', 'kind', 'answer'])
    .where(
      'id',
      'in',
      paper.map((p) => p.questionVersionId),
    )
    .execute();
  return paper.map((p) => {
    const v = versions.find((x) => x.id === p.questionVersionId)!;
    const kind = v.kind as QuestionKind;
    let answer: unknown = toPaperKey(kind, v.answer as never, p.optionOrder);
    if (kind === 'fill_in') answer = (v.answer as string[][]).map((b) => b[0]);
    if (kind === 'essay') answer = '终身学习是教师专业发展的基础。';
    return { position: p.position, answer: answer as string, clientSeq: seqBase, kind };
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-svc-'));
  t = await createTestDatabase({ PEIXUN_DATA_DIR: dataDir });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await actorAt(t.db, tree.P1, 'province_admin', 'p1-admin');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'k2-admin');
  school = await actorAt(t.db, tree.S1, 'school_admin', 's1-admin');
  marker = await actorAt(t.db, tree.I1, 'trainer', 'i1-marker');
  secondMarker = await actorAt(t.db, tree.I1, 'trainer', 'i1-marker2');
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  // the province's bank, shared down to the county
  mixed = await seedQuestions(t.db, tree.P1, MIXED);
});

afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const fixedPaper = (ids: number[], points = [20, 20, 20, 20, 20]) => ({
  mode: 'fixed' as const,
  items: ids.map((questionId, i) => ({ questionId, points: points[i] ?? 10 })),
});

describe('setting and publishing an exam', () => {
  it('is done by the admins of the organiser, and nobody outside it learns the exam exists', async () => {
    const courseId = await seedCourse(t.db, tree.K1);
    const r = await s.exams.create(county, examInput(tree.K1, { courseId, paper: fixedPaper(mixed) }));
    expect(r.exam).toMatchObject({ status: 'draft', target: 'course', hours: 150 });
    expect(r.maxScore).toBe(100);
    expect(await codeOf(s.exams.get(otherCounty, r.exam.id))).toBe('NOT_FOUND');
    // a school below the organiser does not see the county's exam at all
    expect(await codeOf(s.exams.publish(school, r.exam.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.exams.create(otherCounty, examInput(tree.K1, { courseId, paper: fixedPaper(mixed) })))).toBe(
      'NOT_FOUND',
    );
    const published = await s.exams.publish(county, r.exam.id);
    expect(published.exam.status).toBe('published');
    // what candidates were given cannot change any more
    expect(await codeOf(s.exams.update(county, r.exam.id, { paper: fixedPaper(mixed.slice(0, 2)) }))).toBe(
      'EXAM_NOT_DRAFT',
    );
    const frozen = await t.db
      .selectFrom('question_version')
      .select('frozen')
      .where('question_id', 'in', mixed)
      .execute();
    expect(frozen.every((f) => f.frozen)).toBe(true);
  });

  it('reports every problem of a paper: bad points, a pool too small, a question of another county', async () => {
    const foreign = await seedQuestions(t.db, tree.K2, [{ kind: 'true_false', answer: false }]);
    expect(
      await codeOf(s.exams.create(county, examInput(tree.K1, { paper: fixedPaper([mixed[0]!], [0]), courseId: 1 }))),
    ).toBe('EXAM_PAPER_INVALID');
    const courseId = await seedCourse(t.db, tree.K1);
    const e = await s.exams.create(
      county,
      examInput(tree.K1, { courseId, paper: fixedPaper([mixed[0]!, foreign[0]!]) }),
    );
    const err = await s.exams.publish(county, e.exam.id).catch((x: AppError) => x);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('EXAM_PAPER_INVALID');
    expect((err as AppError).details).toMatchObject({
      problems: [{ code: 'question_unavailable', questionId: foreign[0] }],
    });
    const drawn = await s.exams.create(
      county,
      examInput(tree.K1, {
        courseId,
        paper: {
          mode: 'drawn',
          pools: [{ kind: 'single', module: '师德', difficultyMin: 1, difficultyMax: 5, count: 50, points: 2 }],
        },
      }),
    );
    const e2 = (await s.exams.publish(county, drawn.exam.id).catch((x: AppError) => x)) as AppError;
    expect(e2.details).toMatchObject({ problems: [{ code: 'pool_short', wanted: 50 }] });
  });

  it('draws each candidate a paper from tagged pools that the recorded seed reproduces', async () => {
    const singles = await seedQuestions(
      t.db,
      tree.K1,
      Array.from({ length: 12 }, (_, i) => ({
        kind: 'single' as const,
        options: OPTIONS4,
        answer: 'A',
        module: '心理健康',
        difficulty: (i % 5) + 1,
      })),
    );
    expect(singles).toHaveLength(12);
    const courseId = await seedCourse(t.db, tree.K1);
    const e = await s.exams.create(
      county,
      examInput(tree.K1, {
        courseId,
        paper: {
          mode: 'drawn',
          pools: [{ kind: 'single', module: '心理健康', difficultyMin: 2, difficultyMax: 3, count: 3, points: 2 }],
        },
      }),
    );
    await s.exams.publish(county, e.exam.id);
    const a = await s.exams.paperPreview(county, e.exam.id, 'ab'.repeat(16));
    const b = await s.exams.paperPreview(county, e.exam.id, 'ab'.repeat(16));
    expect(a.questions).toEqual(b.questions);
    expect(a.maxScore).toBe(6);
    const qs = await t.db
      .selectFrom('question_version')
      .select(['question_id', 'difficulty'])
      .where(
        'question_id',
        'in',
        a.questions.map((q) => q.questionId),
      )
      .execute();
    expect(qs.every((q) => q.difficulty >= 2 && q.difficulty <= 3)).toBe(true);
    const others = new Set<string>();
    for (let i = 0; i < 8; i++)
      others.add(
        JSON.stringify(
          (await s.exams.paperPreview(county, e.exam.id)).questions.map((q) => [q.questionId, q.optionOrder]),
        ),
      );
    expect(others.size).toBeGreaterThan(1);
  });
});

describe('sitting an exam', () => {
  let examId: number;
  let courseId: number;
  let teacher: Awaited<ReturnType<typeof teacherWithAccount>>;

  beforeAll(async () => {
    courseId = await seedCourse(t.db, tree.K1, 150);
    const objective = mixed.slice(0, 4);
    const e = await s.exams.create(
      county,
      examInput(tree.K1, { courseId, paper: fixedPaper(objective, [25, 25, 25, 25]), attemptsAllowed: 2 }),
    );
    examId = e.exam.id;
    await s.exams.publish(county, examId);
    teacher = await teacherWithAccount(t.db, t.env, tree.S1, 's1-sitter');
  });

  it('keeps one attempt open whatever the devices, and resumes it', async () => {
    const [a, b] = await Promise.all([
      s.examAttempts.start(teacher.ctx, examId),
      s.examAttempts.start(teacher.ctx, examId),
    ]);
    expect(a.attemptId).toBe(b.attemptId);
    const again = await s.examAttempts.start(teacher.ctx, examId);
    expect(again).toEqual({ attemptId: a.attemptId, resumed: true });
    const open = await t.db.selectFrom('exam_attempt').select('id').where('exam_id', '=', examId).execute();
    expect(open).toHaveLength(1);
  });

  it('never shows the key on the paper, and an older save never overwrites a newer answer', async () => {
    const { attemptId } = await s.examAttempts.start(teacher.ctx, examId);
    const paper = await s.examAttempts.load(teacher.ctx, attemptId);
    expect(JSON.stringify(paper)).not.toContain('"answer":"B"');
    expect(paper.questions.every((q) => !('key' in q) && !('explanation' in q))).toBe(true);
    await s.examAttempts.save(teacher.ctx, attemptId, [{ position: 0, answer: 'C', clientSeq: 5 }]);
    await s.examAttempts.save(teacher.ctx, attemptId, [{ position: 0, answer: 'D', clientSeq: 3 }]);
    expect((await s.examAttempts.load(teacher.ctx, attemptId)).answers).toEqual([
      { position: 0, answer: 'C', clientSeq: 5 },
    ]);
    expect(
      await codeOf(s.examAttempts.save(teacher.ctx, attemptId, [{ position: 9, answer: 'A', clientSeq: 6 }])),
    ).toBe('EXAM_ANSWER_INVALID');
    const other = await teacherWithAccount(t.db, t.env, tree.S1, 's1-other');
    expect(await codeOf(s.examAttempts.save(other.ctx, attemptId, [{ position: 0, answer: 'A', clientSeq: 9 }]))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(s.examAttempts.load(other.ctx, attemptId))).toBe('NOT_FOUND');
  });

  it('grades objective answers at once and posts the course hours exactly once on passing', async () => {
    const { attemptId } = await s.examAttempts.start(teacher.ctx, examId);
    const right = await rightAnswers(attemptId, 10);
    // three right, the true/false wrong: 75 of 100
    const given = right.map((r) => (r.kind === 'true_false' ? { ...r, answer: false as never } : r));
    await s.examAttempts.save(teacher.ctx, attemptId, given);
    expect(await s.examAttempts.submit(teacher.ctx, attemptId, [])).toEqual({ status: 'graded' });
    const r = await s.examAttempts.result(teacher.ctx, attemptId);
    expect(r.attempt).toMatchObject({ score: 75, maxScore: 100, examScore: 75 });
    expect(r.result).toMatchObject({ level: 'pass', passed: true, credited: true });
    // the key waits for the exam to close
    expect(r.answersShown).toBe(false);
    expect(r.questions.every((q) => q.key === null && q.explanation === null)).toBe(true);
    const entries = await t.db
      .selectFrom('credit_entry')
      .select(['hours', 'idem_key'])
      .where('teacher_id', '=', teacher.id)
      .execute();
    expect(entries).toEqual([{ hours: 150, idem_key: `exam:${examId}:teacher:${teacher.id}` }]);
    expect(
      await codeOf(s.examAttempts.save(teacher.ctx, attemptId, [{ position: 0, answer: 'A', clientSeq: 99 }])),
    ).toBe('EXAM_ATTEMPT_CLOSED');
  });

  it('lets the second attempt count only when it is higher (grade policy: highest), posting nothing twice', async () => {
    const { attemptId } = await s.examAttempts.start(teacher.ctx, examId);
    await s.examAttempts.submit(teacher.ctx, attemptId, [{ position: 0, answer: 'A', clientSeq: 1 }]);
    const r = await s.examAttempts.result(teacher.ctx, attemptId);
    expect(r.result).toMatchObject({ composite: 75, passed: true });
    const entry = await s.examAttempts.entry(teacher.ctx, examId);
    expect(entry.canStart).toBe(false);
    expect(entry.missing).toEqual([{ code: 'no_attempts_left', allowed: 2 }]);
    const n = await t.db.selectFrom('credit_entry').select('id').where('teacher_id', '=', teacher.id).execute();
    expect(n).toHaveLength(1);
  });

  it('after a key correction regrades every affected attempt, shows the difference first, and takes back hours of who now fails', async () => {
    // the true/false key was wrong: false is right, so the 75 becomes 100, while a 50-scorer who
    // answered true drops to 25 and fails
    const weak = await teacherWithAccount(t.db, t.env, tree.S2, 's2-weak');
    const { attemptId } = await s.examAttempts.start(weak.ctx, examId);
    const right = await rightAnswers(attemptId, 1);
    await s.examAttempts.submit(
      weak.ctx,
      attemptId,
      right.filter((r) => r.kind === 'true_false' || r.kind === 'single'),
    );
    const multiple = right.find((r) => r.kind === 'multiple')!;
    expect(multiple).toBeDefined();
    const before = await s.examAttempts.result(weak.ctx, attemptId);
    expect(before.result).toMatchObject({ composite: 50, level: 'basic', passed: false });
    // a basic pass does not pass here: nothing posted yet
    await s.exams.update(county, examId, { passLevel: 'basic' });
    expect((await s.examAttempts.result(weak.ctx, attemptId)).result).toMatchObject({ passed: true, credited: true });

    const tf = mixed[2]!;
    await correctKey(t.db, tf, false);
    const preview = await s.examMarking.regrade(county, examId, tf, true);
    expect(preview).toMatchObject({ fromVersion: 1, toVersion: 2, failedNow: 1, hoursReversed: 1 });
    expect(preview.rows.find((r) => r.attemptId === attemptId)).toMatchObject({
      before: 50,
      after: 25,
      passedAfter: false,
    });
    // the preview wrote nothing
    expect((await s.examAttempts.result(weak.ctx, attemptId)).attempt.score).toBe(50);

    const applied = await s.examMarking.regrade(county, examId, tf, false);
    expect(applied.changed).toBeGreaterThanOrEqual(2);
    expect((await s.examAttempts.result(weak.ctx, attemptId)).result).toMatchObject({
      composite: 25,
      passed: false,
      credited: false,
    });
    const ledger = await t.db
      .selectFrom('credit_entry')
      .select(['hours'])
      .where('teacher_id', '=', weak.id)
      .orderBy('id')
      .execute();
    expect(ledger.map((x) => x.hours)).toEqual([150, -150]);
    const strong = await s.examAttempts.result(
      teacher.ctx,
      (
        await t.db
          .selectFrom('exam_attempt')
          .select('id')
          .where('teacher_id', '=', teacher.id)
          .where('attempt_no', '=', 1)
          .executeTakeFirstOrThrow()
      ).id,
    );
    expect(strong.attempt.score).toBe(100);
    expect(await codeOf(s.examMarking.regrade(county, examId, tf, false))).toBe('EXAM_REGRADE_NOTHING');
  });

  it('submits what was saved when the time is up, and refuses answers after it', async () => {
    const late = await teacherWithAccount(t.db, t.env, tree.S1, 's1-late');
    const { attemptId } = await s.examAttempts.start(late.ctx, examId);
    await s.examAttempts.save(late.ctx, attemptId, [{ position: 0, answer: 'B', clientSeq: 1 }]);
    await t.db
      .updateTable('exam_attempt')
      .set({ deadline_at: new Date(Date.now() - 1000) })
      .where('id', '=', attemptId)
      .execute();
    expect(await codeOf(s.examAttempts.save(late.ctx, attemptId, [{ position: 1, answer: ['A'], clientSeq: 2 }]))).toBe(
      'EXAM_TIME_UP',
    );
    const r = await s.examAttempts.result(late.ctx, attemptId);
    expect(r.attempt).toMatchObject({ status: 'graded', submittedHow: 'time_up' });
    expect(r.questions.find((q) => q.position === 1)?.yourAnswer).toBeNull();
  });

  it('is swept when the candidate never comes back', async () => {
    const gone = await teacherWithAccount(t.db, t.env, tree.S1, 's1-gone');
    const { attemptId } = await s.examAttempts.start(gone.ctx, examId);
    await s.examAttempts.save(gone.ctx, attemptId, [{ position: 0, answer: 'B', clientSeq: 1 }]);
    await t.db
      .updateTable('exam_attempt')
      .set({ deadline_at: new Date(Date.now() - 1000) })
      .where('id', '=', attemptId)
      .execute();
    expect(await s.examAttempts.sweepTimeUp()).toBeGreaterThanOrEqual(1);
    const a = await t.db
      .selectFrom('exam_attempt')
      .select(['status', 'submitted_how'])
      .where('id', '=', attemptId)
      .executeTakeFirstOrThrow();
    expect(a).toEqual({ status: 'graded', submitted_how: 'time_up' });
  });
});

describe('a pass the ledger cannot take', () => {
  it('still stands: the submission succeeds, the result passes, not credited', async () => {
    // the other province has no credit cycle yet: its ledger refuses every posting
    const p2 = await actorAt(t.db, tree.K3, 'county_admin', 'k3-admin');
    const [q] = await seedQuestions(t.db, tree.K3, [MIXED[0]!]);
    const courseId = await seedCourse(t.db, tree.K3, 100);
    const e = await s.exams.create(p2, examInput(tree.K3, { courseId, paper: fixedPaper([q!], [10]) }));
    await s.exams.publish(p2, e.exam.id);
    const teacher = await teacherWithAccount(t.db, t.env, tree.S5, 's5-no-cycle');
    const { attemptId } = await s.examAttempts.start(teacher.ctx, e.exam.id);
    expect(await s.examAttempts.submit(teacher.ctx, attemptId, await rightAnswers(attemptId))).toEqual({
      status: 'graded',
    });
    expect((await s.examAttempts.result(teacher.ctx, attemptId)).result).toMatchObject({
      passed: true,
      credited: false,
    });
    const n = await t.db.selectFrom('credit_entry').select('id').where('teacher_id', '=', teacher.id).execute();
    expect(n).toEqual([]);
  });
});

describe('entry gates (R-31)', () => {
  it('lists every missing item: the window, study minutes and homework, posts, ledger hours', async () => {
    const teacher = await teacherWithAccount(t.db, t.env, tree.S1, 's1-gated');
    const outsider = await teacherWithAccount(t.db, t.env, tree.S3, 's3-outsider');
    const { classId } = await seedOnlineClass(t.db, tree.K1, {
      teachers: [teacher.id],
      completion: { postsRequired: 2 },
    });
    const e = await s.exams.create(
      county,
      examInput(tree.K1, {
        target: 'class',
        classId,
        opensAt: new Date(Date.now() + 3_600_000),
        closesAt: new Date(Date.now() + 7_200_000),
        paper: fixedPaper([mixed[0]!]),
        gates: { studyComplete: true, minLedgerHours: 20 },
      }),
    );
    await s.exams.publish(county, e.exam.id);
    const entry = await s.examAttempts.entry(teacher.ctx, e.exam.id);
    expect(entry.canStart).toBe(false);
    // the class's default rule also asks for reflections
    expect(entry.missing.map((m) => m.code)).toEqual(['not_open', 'posts', 'reflections', 'ledger_hours']);
    expect(entry.missing[3]).toMatchObject({ required: 20, counted: 0 });
    expect(await codeOf(s.examAttempts.start(teacher.ctx, e.exam.id))).toBe('EXAM_CANNOT_START');
    // a teacher of the province but not of the class: the exam does not exist for them
    expect(await codeOf(s.examAttempts.entry(outsider.ctx, e.exam.id))).toBe('NOT_FOUND');
    expect((await s.examAttempts.mine(outsider.ctx)).items.map((x) => x.id)).not.toContain(e.exam.id);
    expect((await s.examAttempts.mine(teacher.ctx)).items.find((x) => x.id === e.exam.id)).toMatchObject({
      state: 'upcoming',
    });
  });

  it('a class exam sets the teacher’s assessment in the class, which its close reads', async () => {
    const teacher = await teacherWithAccount(t.db, t.env, tree.S1, 's1-class');
    const { classId } = await seedOnlineClass(t.db, tree.K1, { teachers: [teacher.id] });
    const e = await s.exams.create(
      county,
      examInput(tree.K1, { target: 'class', classId, paper: fixedPaper([mixed[0]!], [10]) }),
    );
    await s.exams.publish(county, e.exam.id);
    // the class's teachers hear of it in their messages
    const told = await t.db
      .selectFrom('message')
      .select(['link', 'params'])
      .where('recipient_id', '=', teacher.ctx.actor!.userId)
      .where('kind', '=', 'exam_published')
      .execute();
    expect(told).toEqual([expect.objectContaining({ link: `/exams/${e.exam.id}/entry` })]);
    const { attemptId } = await s.examAttempts.start(teacher.ctx, e.exam.id);
    const [right] = await rightAnswers(attemptId);
    await s.examAttempts.submit(teacher.ctx, attemptId, [right!]);
    const n = await t.db
      .selectFrom('enrolment')
      .select('assessment_passed')
      .where('class_id', '=', classId)
      .where('teacher_id', '=', teacher.id)
      .executeTakeFirstOrThrow();
    expect(n.assessment_passed).toBe(true);
  });
});

describe('marking essays', () => {
  it('queues essays by question, blind, with a second marker and the arbiter for a disputed mark', async () => {
    const courseId = await seedCourse(t.db, tree.K1);
    const e = await s.exams.create(
      county,
      examInput(tree.K1, {
        courseId,
        paper: fixedPaper([mixed[0]!, mixed[4]!], [10, 20]),
        blindMarking: true,
        doubleMarking: true,
        disputeThreshold: 3,
        composite: {
          components: [
            { key: 'exam', label: '考试', weight: 70 },
            { key: 'process', label: '过程', weight: 30 },
          ],
        },
      }),
    );
    const examId = e.exam.id;
    await s.exams.publish(county, examId);
    await s.exams.setMarkers(county, examId, [marker.actor!.userId, secondMarker.actor!.userId]);
    const named = await t.db
      .selectFrom('message')
      .select('link')
      .where('recipient_id', '=', marker.actor!.userId)
      .where('kind', '=', 'exam_marker_named')
      .execute();
    expect(named).toEqual([{ link: `/exams/${examId}/marking` }]);
    const teacher = await teacherWithAccount(t.db, t.env, tree.S1, 's1-essay');
    const { attemptId } = await s.examAttempts.start(teacher.ctx, examId);
    expect(await s.examAttempts.submit(teacher.ctx, attemptId, await rightAnswers(attemptId))).toEqual({
      status: 'submitted',
    });

    // the essay reaches its markers and the organiser's admins as something to do
    expect((await s.exams.myMarking(marker)).items).toEqual([
      expect.objectContaining({ examId, pending: 1, disputed: 0, named: true }),
    ]);
    expect((await s.exams.myMarking(county)).items.map((x) => x.examId)).toContain(examId);
    expect((await s.exams.myMarking(otherCounty)).items.map((x) => x.examId)).not.toContain(examId);
    expect(await codeOf(s.exams.myMarking(teacher.ctx))).toBe('FORBIDDEN');
    const home = await s.home.get(marker);
    expect(home.kind === 'trainer' && home.todos).toEqual([
      { kind: 'exam_marking', count: 1, year: null, cycleId: null },
    ]);
    const queue = await s.examMarking.summary(marker, examId);
    expect(queue.questions).toEqual([expect.objectContaining({ position: 1, pending: 1, points: 20 })]);
    const list = await s.examMarking.answers(marker, examId, 1, 'pending', 1, 20);
    expect(list.items[0]!.candidate).toMatch(/^\d{6}$/);
    expect(JSON.stringify(list)).not.toContain(teacher.name);
    expect(await codeOf(s.examMarking.mark(marker, examId, { attemptId, position: 1, score: 25, comment: null }))).toBe(
      'EXAM_MARK_INVALID',
    );
    expect(
      await s.examMarking.mark(marker, examId, { attemptId, position: 1, score: 18, comment: null }),
    ).toMatchObject({ round: 1, state: 'pending' });
    // the same marker cannot be the second one
    expect(await codeOf(s.examMarking.mark(marker, examId, { attemptId, position: 1, score: 18, comment: null }))).toBe(
      'EXAM_MARKING_STATE',
    );
    expect(
      await s.examMarking.mark(secondMarker, examId, { attemptId, position: 1, score: 10, comment: '要点不全' }),
    ).toMatchObject({
      round: 2,
      state: 'disputed',
    });
    // only the organiser's admin settles it
    expect(await codeOf(s.examMarking.mark(marker, examId, { attemptId, position: 1, score: 14, comment: null }))).toBe(
      'EXAM_MARKING_STATE',
    );
    expect(
      await s.examMarking.mark(county, examId, { attemptId, position: 1, score: 14, comment: null }),
    ).toMatchObject({
      round: 3,
      state: 'marked',
      score: 14,
    });
    const r = await s.examAttempts.result(teacher.ctx, attemptId);
    expect(r.attempt).toMatchObject({ status: 'graded', score: 24, examScore: 80 });
    const out = await t.db
      .selectFrom('message')
      .select('link')
      .where('recipient_id', '=', teacher.ctx.actor!.userId)
      .where('kind', '=', 'exam_graded')
      .execute();
    expect(out).toEqual([{ link: `/exam-attempts/${attemptId}/result` }]);
    // the composite waits for the process score
    expect(r.result).toMatchObject({ composite: null, passed: false });
    await s.examMarking.setComponents(county, examId, [{ teacherId: teacher.id, component: 'process', score: 90 }]);
    expect((await s.examAttempts.result(teacher.ctx, attemptId)).result).toMatchObject({
      composite: 83,
      level: 'good',
      passed: true,
    });
    // a marker of another exam, or another county, sees nothing
    expect(await codeOf(s.examMarking.summary(otherCounty, examId))).toBe('NOT_FOUND');
    const audit = await t.db.selectFrom('audit_log').select('details').where('action', '=', 'exam.mark').execute();
    expect(JSON.stringify(audit)).not.toContain(teacher.name);
  });

  it('is not shown to a school’s admin when organised above the school (results come through the statistics)', async () => {
    const courseId = await seedCourse(t.db, tree.K1);
    const e = await s.exams.create(county, examInput(tree.K1, { courseId, paper: fixedPaper([mixed[0]!]) }));
    expect(await codeOf(s.exams.get(school, e.exam.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.exams.get(province, e.exam.id))).toBe('OK');
  });
});
