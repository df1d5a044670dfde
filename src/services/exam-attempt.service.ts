import crypto from 'node:crypto';
import { sql } from 'kysely';
import { chinaDay } from '../config/env.js';
import { entryMissing, type EntryMissing } from '../domain/exam-gate.js';
import { buildPaper, paperMaxScore } from '../domain/exam-paper.js';
import type { EXAM_LEVELS } from '../domain/exam-score.js';
import { candidateView, toBankAnswer, toPaperKey, gradeAnswer, isManual } from '../domain/question.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import {
  createExamAttemptRepository,
  type AttemptRow,
  type SaveItem,
} from '../repositories/exam-attempt.repository.js';
import { createExamRepository, type ExamRow } from '../repositories/exam.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';
import { gradeAttempts, recomputeResults } from './exam-grading.js';

/** What the study capability answers for the study gate: a teacher's shortfalls in an online class. */
export type StudyShortfalls = (classId: number, teacherId: number) => Promise<EntryMissing[] | null>;

export const EVENT_KINDS = ['left', 'returned', 'offline', 'online'] as const;

const randomAnon = () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * A candidate's side of an exam (R-31, R-33): who may start, one attempt open at a time whatever the
 * device, answers saved one by one against the server's deadline, submission by the candidate or by
 * the clock, and the result as the exam allows it to be seen.
 */
export function createExamAttemptService(
  deps: ServiceDeps,
  credits: CreditLedgerService,
  study: StudyShortfalls,
  now: () => number = Date.now,
) {
  const { db } = deps;
  const exams = createExamRepository(db);
  const attempts = createExamAttemptRepository(db);

  async function teacherOf(ctx: RequestContext, action: string) {
    const actor = requireActor(ctx);
    const t =
      actor.role === 'teacher'
        ? await db
            .selectFrom('teacher')
            .select(['id', 'org_path as orgPath', 'name', 'province_id as provinceId'])
            .where('user_id', '=', actor.userId)
            .executeTakeFirst()
        : undefined;
    if (!t) return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    return { actor, teacher: t };
  }

  /** The exam as its candidate sees it; not found for anyone who is not one. */
  async function candidateExam(ctx: RequestContext, examId: number, action: string) {
    const { actor, teacher } = await teacherOf(ctx, action);
    const e = await exams.exam(examId);
    if (!e || e.provinceId !== actor.provinceId || e.status === 'draft' || !(await exams.isCandidate(e, teacher)))
      return auditRefusal(db, ctx, { action, targetType: 'exam', targetId: examId }, notFoundDenied());
    return { actor, teacher, exam: e };
  }

  /** The teacher's own attempt; anyone else's does not exist for them. */
  async function ownAttempt(ctx: RequestContext, attemptId: number, action: string) {
    const { actor, teacher } = await teacherOf(ctx, action);
    const a = await attempts.attempt(attemptId);
    if (!a || a.teacherId !== teacher.id)
      return auditRefusal(db, ctx, { action, targetType: 'exam_attempt', targetId: attemptId }, notFoundDenied());
    const e = (await exams.exam(a.examId))!;
    return { actor, teacher, attempt: a, exam: e };
  }

  async function missingFor(e: ExamRow, teacher: { id: number; orgPath: string }, all: readonly AttemptRow[]) {
    const open = all.find((a) => a.status === 'open');
    const gates = e.gates;
    let studyShort: EntryMissing[] | null = null;
    if (gates.studyComplete && !open) {
      const classId =
        e.classId ?? (e.courseId !== null ? await exams.teacherClassOfCourse(teacher.id, e.courseId) : undefined);
      studyShort = classId !== undefined ? await study(classId, teacher.id) : null;
    }
    const ledgerTenths =
      gates.minLedgerHours && !open
        ? await exams.ledgerTenths(
            teacher.id,
            Number(chinaDay(new Date(now())).slice(0, 4)),
            gates.ledgerCategory ?? null,
          )
        : null;
    return entryMissing({
      now: now(),
      status: e.status,
      opensAt: e.opensAt.getTime(),
      closesAt: e.closesAt.getTime(),
      isCandidate: true,
      attemptsUsed: all.length,
      attemptsAllowed: e.attemptsAllowed,
      hasOpenAttempt: open !== undefined,
      gates,
      study: studyShort as never,
      ledgerTenths,
    });
  }

  /** Submits attempts (the candidate's, or the clock's) and grades them in one transaction. */
  async function submitAndGrade(
    e: ExamRow,
    ids: readonly number[],
    how: 'candidate' | 'time_up',
  ): Promise<AttemptRow[]> {
    return db.transaction().execute(async (trx) => {
      const r = createExamAttemptRepository(trx);
      const done = await r.markSubmitted(ids, how);
      if (done.length === 0) return [];
      const graded = await gradeAttempts(trx, e, done);
      await recomputeResults(
        trx,
        credits,
        e,
        graded.map((a) => a.teacherId),
      );
      if (how === 'time_up') for (const id of done) await r.addEvent(id, 'time_up', null);
      return graded;
    });
  }

  /** Attempts whose time is up are submitted with what was saved (called before reading one, and by the sweeper). */
  async function closeIfTimeUp(_ctx: RequestContext, a: AttemptRow, e: ExamRow): Promise<AttemptRow> {
    if (a.status !== 'open' || a.deadlineAt.getTime() > now()) return a;
    await submitAndGrade(e, [a.id], 'time_up');
    return (await attempts.attempt(a.id))!;
  }

  const answersShown = (e: ExamRow, a: AttemptRow) =>
    a.status !== 'open' &&
    (e.showAnswers === 'after_submit' ||
      (e.showAnswers === 'after_close' && (e.status === 'closed' || e.closesAt.getTime() <= now())));

  /**
   * Saves arriving together (many phones answering at once) are written in one statement at the next
   * turn of the event loop; each request still waits for its own answer, and is acknowledged only
   * once that statement has committed.
   */
  type Waiting = {
    attemptId: number;
    userId: number;
    items: readonly SaveItem[];
    done: (r: { deadlineAt: Date; now: Date } | undefined) => void;
    fail: (e: unknown) => void;
  };
  let waiting: Waiting[] = [];
  const saveTogether = (attemptId: number, userId: number, items: readonly SaveItem[]) =>
    new Promise<{ deadlineAt: Date; now: Date } | undefined>((done, fail) => {
      waiting.push({ attemptId, userId, items, done, fail });
      if (waiting.length > 1) return;
      setImmediate(() => {
        const batch = waiting;
        waiting = [];
        attempts.saveMany(batch).then(
          (r) => batch.forEach((b, i) => b.done(r[i])),
          (e: unknown) => {
            for (const b of batch) b.fail(e);
          },
        );
      });
    });

  /** Saves answers as they are given; each is on disk when acknowledged. */
  async function save(ctx: RequestContext, attemptId: number, items: SaveItem[]) {
    const actor = requireActor(ctx);
    if (actor.role !== 'teacher')
      return auditRefusal(
        db,
        ctx,
        { action: 'exam.save_answers', targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    const r = await saveTogether(attemptId, actor.userId, items);
    if (r)
      return {
        saved: items.map((i) => ({ position: i.position, clientSeq: i.clientSeq })),
        serverNow: r.now,
        deadlineAt: r.deadlineAt,
      };
    const a = await attempts.saveRefusal(attemptId, actor.userId);
    if (!a)
      return auditRefusal(
        db,
        ctx,
        { action: 'exam.save_answers', targetType: 'exam_attempt', targetId: attemptId },
        notFoundDenied(),
      );
    if (a.status === 'open' && items.some((i) => i.position >= a.paperLength))
      throw new AppError('EXAM_ANSWER_INVALID');
    if (a.status === 'open') {
      const found = await ownAttempt(ctx, attemptId, 'exam.save_answers');
      await closeIfTimeUp(ctx, found.attempt, found.exam);
      throw new AppError('EXAM_TIME_UP');
    }
    throw new AppError(a.deadlineAt.getTime() <= now() ? 'EXAM_TIME_UP' : 'EXAM_ATTEMPT_CLOSED');
  }

  return {
    /** The exams a teacher is a candidate of, with where they stand in each. */
    async mine(ctx: RequestContext) {
      const { teacher } = await teacherOf(ctx, 'exam.list_mine');
      const list = await exams.examsOfTeacher(teacher);
      const mine = await attempts.attemptsOfTeacher(
        teacher.id,
        list.map((e) => e.id),
      );
      const results = await db
        .selectFrom('exam_result')
        .select(['exam_id as examId', 'exam_score as examScore', 'composite', 'level', 'passed'])
        .where('teacher_id', '=', teacher.id)
        .where('exam_id', 'in', list.map((e) => e.id).concat([0]))
        .execute();
      const t = now();
      return {
        items: list.map((e) => {
          const a = mine.filter((x) => x.examId === e.id);
          const r = results.find((x) => x.examId === e.id);
          const pending = a.filter((x) => x.status === 'submitted').length;
          return {
            id: e.id,
            title: e.title,
            target: e.target,
            orgUnitName: e.orgUnitName,
            opensAt: e.opensAt,
            closesAt: e.closesAt,
            durationMinutes: e.durationMinutes,
            attemptsAllowed: e.attemptsAllowed,
            attemptsUsed: a.length,
            openAttemptId: a.find((x) => x.status === 'open')?.id ?? null,
            lastAttemptId: a.length ? Math.max(...a.map((x) => x.id)) : null,
            state:
              e.status === 'closed' || e.closesAt.getTime() <= t
                ? ('closed' as const)
                : e.opensAt.getTime() > t
                  ? ('upcoming' as const)
                  : ('open' as const),
            result: r
              ? {
                  examScore: r.examScore === null ? null : Number(r.examScore),
                  composite: r.composite === null ? null : Number(r.composite),
                  level: r.level as (typeof EXAM_LEVELS)[number] | null,
                  passed: r.passed,
                  pendingMarks: pending,
                }
              : pending
                ? { examScore: null, composite: null, level: null, passed: false, pendingMarks: pending }
                : null,
          };
        }),
      };
    },

    /** Whether the teacher may start now, and every item still missing. */
    async entry(ctx: RequestContext, examId: number) {
      const { teacher, exam: e } = await candidateExam(ctx, examId, 'exam.entry');
      let all = await attempts.attemptsOf(e.id, teacher.id);
      const open = all.find((a) => a.status === 'open');
      if (open) await closeIfTimeUp(ctx, open, e);
      all = await attempts.attemptsOf(e.id, teacher.id);
      const missing = await missingFor(e, teacher, all);
      const questionCount =
        e.paper.mode === 'fixed' ? e.paper.items.length : e.paper.pools.reduce((s, p) => s + p.count, 0);
      return {
        exam: {
          id: e.id,
          title: e.title,
          instructions: e.instructions,
          orgUnitName: e.orgUnitName,
          opensAt: e.opensAt,
          closesAt: e.closesAt,
          durationMinutes: e.durationMinutes,
          attemptsAllowed: e.attemptsAllowed,
          gradePolicy: e.gradePolicy,
          questionCount,
          maxScore:
            e.paper.mode === 'fixed'
              ? paperMaxScore(e.paper.items)
              : paperMaxScore(e.paper.pools.map((p) => ({ points: p.points * p.count }))),
        },
        canStart: missing.length === 0,
        missing,
        attemptsUsed: all.length,
        openAttemptId: all.find((a) => a.status === 'open')?.id ?? null,
        lastAttemptId: all.length ? (all[all.length - 1] as AttemptRow).id : null,
        serverNow: new Date(now()),
      };
    },

    /** Starts an attempt, or resumes the one in progress (from any device). */
    async start(ctx: RequestContext, examId: number): Promise<{ attemptId: number; resumed: boolean }> {
      const { teacher, exam: e } = await candidateExam(ctx, examId, 'exam.start');
      const all = await attempts.attemptsOf(e.id, teacher.id);
      const open = all.find((a) => a.status === 'open');
      if (open && (await closeIfTimeUp(ctx, open, e)).status === 'open') {
        await attempts.addEvent(open.id, 'resumed', null);
        return { attemptId: open.id, resumed: true };
      }
      return auditedWrite(
        db,
        ctx,
        { action: 'exam.start', targetType: 'exam', targetId: e.id, targetLabel: e.title, targetPath: teacher.orgPath },
        async (trx, meta) => {
          // one start at a time per candidate and exam: a second device waits here and then resumes
          await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`exam:${e.id}:teacher:${teacher.id}`}, 0))`.execute(
            trx,
          );
          const r = createExamAttemptRepository(trx);
          const now2 = await r.attemptsOf(e.id, teacher.id);
          const already = now2.find((a) => a.status === 'open');
          if (already) {
            meta.details = { resumed: already.id };
            return { attemptId: already.id, resumed: true };
          }
          const missing = await missingFor(e, teacher, now2);
          if (missing.length) throw new AppError('EXAM_CANNOT_START', { details: { missing } });
          const seed = crypto.randomBytes(16).toString('hex');
          const paper = buildPaper(e.paperPool!, seed, e.shuffleQuestions);
          const deadline = new Date(Math.min(now() + e.durationMinutes * 60_000, e.closesAt.getTime()));
          for (let tries = 0; ; tries++) {
            // a savepoint, so a clash of the six-digit code leaves the transaction usable for the next draw
            await sql`SAVEPOINT anon_code`.execute(trx);
            try {
              const id = await r.insert({
                provinceId: e.provinceId,
                examId: e.id,
                teacherId: teacher.id,
                orgPath: teacher.orgPath,
                attemptNo: now2.length + 1,
                seed,
                paper,
                anonCode: randomAnon(),
                deadlineAt: deadline,
                maxScore: paperMaxScore(paper),
              });
              if (id === undefined) throw new AppError('EXAM_ATTEMPT_CLOSED');
              meta.targetId = e.id;
              meta.details = { attemptId: id, attemptNo: now2.length + 1, seed };
              return { attemptId: id, resumed: false };
            } catch (err) {
              // the six-digit code is unique per exam: draw again on the rare clash
              if (
                tries < 5 &&
                err instanceof Error &&
                /anon_code/.test(String((err as { constraint?: string }).constraint))
              ) {
                await sql`ROLLBACK TO SAVEPOINT anon_code`.execute(trx);
                continue;
              }
              throw err;
            }
          }
        },
      );
    },

    /** The paper as its candidate sees it (no key), with the answers saved and the server's clock. */
    async load(ctx: RequestContext, attemptId: number) {
      const found = await ownAttempt(ctx, attemptId, 'exam.read_attempt');
      const a = await closeIfTimeUp(ctx, found.attempt, found.exam);
      const versions = await exams.versions(a.paper.map((p) => p.questionVersionId));
      const answers = await attempts.answers(a.id);
      return {
        attempt: {
          id: a.id,
          examId: a.examId,
          title: found.exam.title,
          status: a.status,
          attemptNo: a.attemptNo,
          startedAt: a.startedAt,
          deadlineAt: a.deadlineAt,
          serverNow: new Date(now()),
          maxScore: a.maxScore,
        },
        questions: a.paper.map((p) => ({
          position: p.position,
          points: p.points,
          ...candidateView(versions.get(p.questionVersionId)!, p.optionOrder),
        })),
        answers: answers
          .filter((x) => x.clientSeq > 0 || x.answer !== null)
          .map((x) => ({ position: x.position, answer: x.answer, clientSeq: x.clientSeq })),
      };
    },

    save,

    /** Records what the invigilator should know (the page left, the network lost); never a penalty. */
    async event(ctx: RequestContext, attemptId: number, kind: (typeof EVENT_KINDS)[number], clientAt: Date | null) {
      const { attempt } = await ownAttempt(ctx, attemptId, 'exam.event');
      await attempts.addEvent(attempt.id, kind, clientAt);
    },

    /** The candidate hands in (with any answers not yet sent); graded at once but for essays. */
    async submit(ctx: RequestContext, attemptId: number, items: SaveItem[]) {
      const found = await ownAttempt(ctx, attemptId, 'exam.submit');
      if (found.attempt.status !== 'open') throw new AppError('EXAM_ATTEMPT_CLOSED');
      if (items.length) await save(ctx, attemptId, items);
      if (found.attempt.deadlineAt.getTime() <= now()) {
        await closeIfTimeUp(ctx, found.attempt, found.exam);
        throw new AppError('EXAM_TIME_UP');
      }
      return auditedWrite(
        db,
        ctx,
        {
          action: 'exam.submit',
          targetType: 'exam',
          targetId: found.exam.id,
          targetLabel: found.exam.title,
          targetPath: found.teacher.orgPath,
          details: { attemptId },
        },
        async (trx) => {
          const r = createExamAttemptRepository(trx);
          const done = await r.markSubmitted([attemptId], 'candidate');
          if (done.length === 0) throw new AppError('EXAM_ATTEMPT_CLOSED');
          const graded = await gradeAttempts(trx, found.exam, done);
          await recomputeResults(trx, credits, found.exam, [found.teacher.id]);
          return { status: graded[0]?.status ?? 'submitted' };
        },
      );
    },

    /** The result of an attempt, with the key and explanations only when the exam allows it now. */
    async result(ctx: RequestContext, attemptId: number) {
      const found = await ownAttempt(ctx, attemptId, 'exam.read_result');
      const a = await closeIfTimeUp(ctx, found.attempt, found.exam);
      const e = found.exam;
      const shown = answersShown(e, a);
      const versions = await exams.versions(a.paper.map((p) => p.questionVersionId));
      const answers = new Map((await attempts.answers(a.id)).map((x) => [x.position, x]));
      const r = await exams.result(e.id, found.teacher.id);
      return {
        attempt: {
          id: a.id,
          examId: e.id,
          title: e.title,
          status: a.status,
          attemptNo: a.attemptNo,
          score: a.score,
          maxScore: a.maxScore,
          examScore: a.score === null ? null : Math.round((a.score / a.maxScore) * 10000) / 100,
          pendingMarks: a.pendingMarks,
          submittedAt: a.submittedAt,
          submittedHow: a.submittedHow,
        },
        result: r
          ? {
              composite: r.composite,
              level: r.level,
              passed: r.passed,
              credited: r.credited,
              countingAttemptId: r.attemptId,
            }
          : null,
        answersShown: shown,
        questions:
          a.status === 'open'
            ? []
            : a.paper.map((p) => {
                const v = versions.get(p.questionVersionId)!;
                const x = answers.get(p.position);
                const earned = isManual(v.kind)
                  ? x?.markState === 'marked'
                    ? x.manualScore
                    : (x?.autoScore ?? null)
                  : (x?.autoScore ?? (x ? gradeAnswer(v, toBankAnswer(v.kind, x.answer, p.optionOrder), p.points) : 0));
                return {
                  position: p.position,
                  points: p.points,
                  ...candidateView(v, p.optionOrder),
                  yourAnswer: x?.answer ?? null,
                  earned,
                  key: shown ? toPaperKey(v.kind, v.answer, p.optionOrder) : null,
                  explanation: shown ? v.explanation : null,
                };
              }),
      };
    },

    /** Submits every attempt whose time is up (the sweeper); returns how many. */
    async sweepTimeUp(limit = 2_000): Promise<number> {
      const due = await attempts.overdue(limit);
      const byExam = new Map<number, number[]>();
      for (const d of due) byExam.set(d.examId, [...(byExam.get(d.examId) ?? []), d.id]);
      let n = 0;
      for (const [examId, ids] of byExam) {
        const e = (await exams.exam(examId))!;
        n += (await submitAndGrade(e, ids, 'time_up')).length;
      }
      return n;
    },
  };
}

export type ExamAttemptService = ReturnType<typeof createExamAttemptService>;
