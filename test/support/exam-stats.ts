import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { DEFAULT_LEVEL_CUTS, levelOf, levelPasses } from '../../src/domain/exam-score.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';

/**
 * Exams, sittings and results written straight to the tables, as the exam core leaves them once
 * papers are graded: enough for the statistics to be read without sitting an exam.
 */

export async function seedQuestion(
  db: Database,
  unit: OrgUnitRow,
  kind: 'single' | 'essay' | 'true_false',
  stem: string,
): Promise<{ questionId: number; versionId: number }> {
  const q = await db
    .insertInto('question')
    .values({ province_id: unit.provinceId, org_unit_id: unit.id, org_path: unit.path })
    .returning('id')
    .executeTakeFirstOrThrow();
  const v = await db
    .insertInto('question_version')
    .values({
      question_id: q.id,
      version: 1,
      kind,
      stem,
      options: JSON.stringify(
        kind === 'single'
          ? [
              { key: 'A', text: '是' },
              { key: 'B', text: '否' },
            ]
          : [],
      ),
      answer: JSON.stringify(kind === 'single' ? 'A' : kind === 'true_false' ? true : null),
      frozen: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { questionId: q.id, versionId: v.id };
}

export type ExamTargetRef =
  | { target: 'project'; projectId: number }
  | { target: 'class'; classId: number; projectId?: number }
  | { target: 'spot_check'; spotCheckId: number }
  | { target: 'course'; courseId: number };

export async function seedExam(
  db: Database,
  unit: OrgUnitRow,
  ref: ExamTargetRef,
  opts: { title?: string; targets?: { excellentShare?: number; competentShare?: number } } = {},
): Promise<number> {
  const r = await db
    .insertInto('exam')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      title: opts.title ?? `${unit.name}统一考核`,
      target: ref.target,
      course_id: ref.target === 'course' ? ref.courseId : null,
      class_id: ref.target === 'class' ? ref.classId : null,
      project_id: ref.target === 'project' ? ref.projectId : ref.target === 'class' ? (ref.projectId ?? null) : null,
      spot_check_id: ref.target === 'spot_check' ? ref.spotCheckId : null,
      status: 'closed',
      opens_at: new Date(Date.now() - 3 * 86_400_000),
      closes_at: new Date(Date.now() - 86_400_000),
      duration_minutes: 60,
      paper: JSON.stringify({ mode: 'fixed', items: [] }),
      paper_pool: null,
      targets: JSON.stringify(opts.targets ?? {}),
      published_at: new Date(Date.now() - 4 * 86_400_000),
      closed_at: new Date(Date.now() - 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface SittingItem {
  versionId: number;
  points: number;
  /** null: left unanswered */
  earned: number | null;
  essay?: boolean;
}

/**
 * A graded attempt of a teacher (the next attempt number), and the teacher's result pointing at it:
 * exam score = composite = the paper's score out of 100, level and pass from the default cut-offs.
 * `open` leaves the attempt under way with no result.
 */
export async function seedSitting(
  db: Database,
  examId: number,
  teacherId: number,
  school: OrgUnitRow,
  items: readonly SittingItem[],
  opts: { open?: boolean; at?: Date } = {},
): Promise<number> {
  const max = items.reduce((s, x) => s + x.points, 0);
  const score = items.reduce((s, x) => s + (x.earned ?? 0), 0);
  const prev = await db
    .selectFrom('exam_attempt')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('exam_id', '=', examId)
    .where('teacher_id', '=', teacherId)
    .executeTakeFirstOrThrow();
  const submittedAt = opts.at ?? new Date(Date.now() - 2 * 86_400_000);
  const a = await db
    .insertInto('exam_attempt')
    .values({
      province_id: school.provinceId,
      exam_id: examId,
      teacher_id: teacherId,
      org_path: school.path,
      attempt_no: prev.n + 1,
      seed: crypto.randomBytes(16).toString('hex'),
      paper: JSON.stringify(items.map((x, i) => ({ position: i, questionVersionId: x.versionId, points: x.points }))),
      anon_code: String(crypto.randomInt(0, 1_000_000)).padStart(6, '0'),
      status: opts.open ? 'open' : 'graded',
      deadline_at: new Date(submittedAt.getTime() + 3_600_000),
      submitted_at: opts.open ? null : submittedAt,
      submitted_how: opts.open ? null : 'candidate',
      max_score: max,
      score: opts.open ? null : score,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const answered = items.map((x, i) => ({ x, i })).filter(({ x }) => x.earned !== null);
  if (answered.length > 0)
    await db
      .insertInto('exam_answer')
      .values(
        answered.map(({ x, i }) => ({
          attempt_id: a.id,
          position: i,
          answer: JSON.stringify(x.essay ? '答' : 'A'),
          client_seq: 1,
          auto_score: x.essay ? null : x.earned,
          manual_score: x.essay ? x.earned : null,
          mark_state: x.essay ? 'marked' : null,
        })),
      )
      .execute();
  if (opts.open) return a.id;
  const examScore = Math.round((score / max) * 10000) / 100;
  const level = levelOf(examScore, DEFAULT_LEVEL_CUTS);
  await db
    .insertInto('exam_result')
    .values({
      exam_id: examId,
      teacher_id: teacherId,
      org_path: school.path,
      attempt_id: a.id,
      exam_score: examScore,
      composite: examScore,
      level,
      passed: levelPasses(level, 'pass'),
    })
    .onConflict((oc) =>
      oc.columns(['exam_id', 'teacher_id']).doUpdateSet({
        attempt_id: a.id,
        exam_score: examScore,
        composite: examScore,
        level,
        passed: levelPasses(level, 'pass'),
      }),
    )
    .execute();
  return a.id;
}
