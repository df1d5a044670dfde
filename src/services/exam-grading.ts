/**
 * Grading shared by submission, the time-up sweep, marking and key corrections: objective answers
 * graded set-based, an attempt's totals, and a candidate's result (the counting attempt, composite,
 * level) with what it means for the ledger: a course exam posts its hours once on passing and takes
 * them back when a regrade makes it fail; a class exam sets the teacher's assessment in the class,
 * which its close reads.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { chinaDay } from '../config/env.js';
import {
  compositeScore,
  countingAttempt,
  levelOf,
  levelPasses,
  outOf100,
  type ExamLevel,
} from '../domain/exam-score.js';
import { gradeAnswer, isManual, toBankAnswer, type CandidateAnswer } from '../domain/question.js';
import { AppError } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import {
  createExamAttemptRepository,
  type AnswerRow,
  type AttemptRow,
} from '../repositories/exam-attempt.repository.js';
import { createExamRepository, type ExamRow, type QuestionVersionRow } from '../repositories/exam.repository.js';
import type { RequestContext } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The points each answer of an attempt earns, by the given versions (a key correction passes new ones). */
export function scoreAttempt(
  attempt: Pick<AttemptRow, 'paper'>,
  answers: readonly Pick<AnswerRow, 'position' | 'answer' | 'manualScore' | 'markState'>[],
  versions: ReadonlyMap<number, Pick<QuestionVersionRow, 'kind' | 'answer'>>,
  multiplePartial: boolean,
) {
  const byPosition = new Map(answers.map((a) => [a.position, a]));
  let auto = 0;
  let manual = 0;
  let pending = 0;
  const lines: Array<{ position: number; autoScore: number | null; pending: boolean; blankEssay: boolean }> = [];
  for (const item of attempt.paper) {
    const v = versions.get(item.questionVersionId);
    if (!v) throw new Error(`question version ${item.questionVersionId} missing`);
    const a = byPosition.get(item.position);
    if (isManual(v.kind)) {
      const text = typeof a?.answer === 'string' ? a.answer.trim() : '';
      if (text === '') {
        // nothing written: 0, nothing to mark
        lines.push({ position: item.position, autoScore: 0, pending: false, blankEssay: a === undefined });
        continue;
      }
      if (a?.markState === 'marked' && a.manualScore !== null) manual += a.manualScore;
      else pending++;
      lines.push({ position: item.position, autoScore: null, pending: a?.markState == null, blankEssay: false });
      continue;
    }
    const given: CandidateAnswer | undefined = a ? toBankAnswer(v.kind, a.answer, item.optionOrder) : undefined;
    const s = gradeAnswer(v, given, item.points, { multiplePartial }) ?? 0;
    auto += s;
    if (a) lines.push({ position: item.position, autoScore: s, pending: false, blankEssay: false });
  }
  return { auto: round2(auto), manual: round2(manual), pending, lines };
}

/** Grades submitted attempts (objective answers, totals, essays queued), in batches; returns their ids graded. */
export async function gradeAttempts(
  db: Kysely<DB>,
  exam: Pick<ExamRow, 'paper'>,
  attemptIds: readonly number[],
  versionsOverride?: ReadonlyMap<number, Pick<QuestionVersionRow, 'kind' | 'answer'>>,
): Promise<AttemptRow[]> {
  const attempts = createExamAttemptRepository(db);
  const exams = createExamRepository(db);
  const rows = await attempts.attemptsByIds(attemptIds);
  const versionIds = new Set<number>();
  for (const a of rows) for (const p of a.paper) versionIds.add(p.questionVersionId);
  const versions = new Map<number, Pick<QuestionVersionRow, 'kind' | 'answer'>>(await exams.versions([...versionIds]));
  for (const [id, v] of versionsOverride ?? []) versions.set(id, v);
  const answers = await attempts.answersOf(attemptIds);
  const answerWrites: Array<{ attemptId: number; position: number; autoScore: number | null; pending: boolean }> = [];
  const blanks: Array<{ attemptId: number; position: number }> = [];
  const totals: Array<{ id: number; autoScore: number; manualScore: number; pending: number }> = [];
  const partial = exam.paper.multiplePartial === true;
  for (const a of rows) {
    const s = scoreAttempt(a, answers.get(a.id) ?? [], versions, partial);
    for (const l of s.lines) {
      // a blank essay gets its row (0, nothing to mark) and is written with the others
      if (l.blankEssay) blanks.push({ attemptId: a.id, position: l.position });
      answerWrites.push({ attemptId: a.id, position: l.position, autoScore: l.autoScore, pending: l.pending });
    }
    totals.push({ id: a.id, autoScore: s.auto, manualScore: s.manual, pending: s.pending });
  }
  await attempts.insertBlankAnswers(blanks);
  await attempts.writeGrades(answerWrites, totals);
  // the attempts as now written (the same rule as writeGrades' statement)
  const byId = new Map(totals.map((x) => [x.id, x]));
  return rows.map((a) => {
    const x = byId.get(a.id)!;
    if (a.status === 'open') return a;
    const done = x.pending === 0;
    return {
      ...a,
      autoScore: x.autoScore,
      manualScore: x.manualScore,
      pendingMarks: x.pending,
      score: done ? Math.round((x.autoScore + x.manualScore) * 100) / 100 : null,
      status: done ? ('graded' as const) : ('submitted' as const),
    };
  });
}

export interface ResultChange {
  teacherId: number;
  before: { composite: number | null; level: ExamLevel | null; passed: boolean };
  after: { composite: number | null; level: ExamLevel | null; passed: boolean };
  posted: boolean;
  reversed: boolean;
  /** why the ledger refused the posting (e.g. 'year_locked', 'no_cycle'); the result stands, not credited */
  postingRefused?: string;
}

/** The account the exam's postings are made under: its organiser's (whoever triggered the grading). */
async function organiserActor(trx: Kysely<DB>, e: ExamRow): Promise<Actor | null> {
  const u = await trx
    .selectFrom('exam as e')
    .innerJoin('app_user as u', 'u.id', 'e.created_by')
    .select([
      'u.id',
      'u.username',
      'u.role',
      'u.org_unit_id as orgUnitId',
      'u.org_path as orgPath',
      'u.province_id as provinceId',
    ])
    .where('e.id', '=', e.id)
    .executeTakeFirst();
  return u
    ? {
        userId: u.id,
        username: u.username,
        role: u.role as Actor['role'],
        orgUnitId: u.orgUnitId,
        orgPath: u.orgPath,
        provinceId: u.provinceId,
      }
    : null;
}

/**
 * Rewrites the results of these teachers in an exam from their graded attempts and component scores,
 * and applies what changed to the ledger (course exams) or the class (class exams). Run inside the
 * caller's transaction.
 */
export async function recomputeResults(
  trx: Kysely<DB>,
  credits: CreditLedgerService,
  e: ExamRow,
  teacherIds: readonly number[],
  opts: { dryRun?: boolean } = {},
): Promise<ResultChange[]> {
  const exams = createExamRepository(trx);
  const attempts = createExamAttemptRepository(trx);
  const out: ResultChange[] = [];
  let actor: Actor | null | undefined;
  for (const teacherId of [...new Set(teacherIds)].sort((a, b) => a - b)) {
    const all = await attempts.attemptsOf(e.id, teacherId);
    const before = await exams.result(e.id, teacherId);
    const graded = all
      .filter((a) => a.status === 'graded' && a.score !== null)
      .map((a) => ({ ...a, score: a.score as number }));
    const counting = countingAttempt(graded, e.gradePolicy);
    const examScore = counting ? outOf100(counting.score, counting.maxScore) : null;
    const components = await exams.componentScores(e.id, teacherId);
    const composite =
      examScore === null ? null : compositeScore(e.composite.components, { ...components, exam: examScore });
    const level = composite === null ? null : levelOf(composite, e.levelCuts);
    const passed = level !== null && levelPasses(level, e.passLevel);
    const change: ResultChange = {
      teacherId,
      before: { composite: before?.composite ?? null, level: before?.level ?? null, passed: before?.passed ?? false },
      after: { composite, level, passed },
      posted: false,
      reversed: false,
    };
    let credited = before?.credited ?? false;
    if (e.target === 'course' && e.hours !== null) {
      if (passed && !credited) change.posted = true;
      if (!passed && credited) change.reversed = true;
    }
    out.push(change);
    if (opts.dryRun) continue;
    if (change.posted || change.reversed) {
      actor ??= await organiserActor(trx, e);
      if (!actor) throw new AppError('NOT_FOUND');
      const ctx: RequestContext = { actor, ip: null, via: 'http' };
      const postings = await exams.postings(e.provinceId, e.id, teacherId);
      if (change.posted) {
        const day = chinaDay(counting?.submittedAt ?? new Date());
        const today = chinaDay(new Date());
        // the ledger may refuse (no cycle covers the day, the school's year is signed off): the result
        // stands all the same, not credited, and says why; the savepoint keeps the transaction usable
        await sql`SAVEPOINT exam_posting`.execute(trx);
        const refused = await credits
          .postInTransaction(trx, ctx, [
            {
              teacherId,
              hours: e.hours as number,
              occurredOn: [day, today].sort()[0] as string,
              title: `${e.title}（考核合格）`,
              categories: e.creditCategories,
              sourceType: 'course',
              sourceRef: e.courseId !== null ? `course:${e.courseId}` : `exam:${e.id}`,
              idemKey: `exam:${e.id}:teacher:${teacherId}${postings.length === 0 ? '' : `:${postings.length + 1}`}`,
            },
          ])
          .then(
            () => null,
            (err: unknown) => {
              if (err instanceof AppError && err.code === 'ENTRY_INVALID') return err;
              throw err;
            },
          );
        if (refused) {
          await sql`ROLLBACK TO SAVEPOINT exam_posting`.execute(trx);
          change.posted = false;
          change.postingRefused =
            (refused.details?.['problems'] as Array<{ code: string }> | undefined)?.[0]?.code ?? 'refused';
        } else credited = true;
      } else {
        const standing = postings.filter((p) => !p.reversed);
        const ledger = createCreditLedgerRepository(trx);
        for (const p of standing) {
          const entry = await ledger.entry(p.id);
          if (entry) await credits.reverseOrRequest(trx, entry, `成绩复核后未达合格：${e.title}`, actor.userId);
        }
        credited = false;
      }
    }
    if (e.target === 'class' && e.classId !== null && (before?.passed ?? null) !== passed)
      await exams.setClassAssessment(e.classId, teacherId, graded.length ? passed : null);
    const orgPath =
      all[all.length - 1]?.orgPath ??
      (await trx.selectFrom('teacher').select('org_path').where('id', '=', teacherId).executeTakeFirstOrThrow())
        .org_path;
    await exams.writeResult({
      examId: e.id,
      teacherId,
      orgPath,
      attemptId: counting?.id ?? null,
      examScore,
      composite,
      level,
      passed,
      credited,
    });
  }
  return out;
}
