import { sql } from 'kysely';
import { poolVersionIds, replaceVersions } from '../domain/exam-paper.js';
import { markOutcome } from '../domain/exam-score.js';
import { candidateView } from '../domain/question.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createExamAttemptRepository } from '../repositories/exam-attempt.repository.js';
import { createExamRepository, type ExamRow } from '../repositories/exam.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';
import { gradeAttempts, recomputeResults } from './exam-grading.js';
import { requireExam } from './exam.service.js';
import { notify } from './notify.js';

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/**
 * Marking essays (by question, optionally blind, with a second marker and an arbiter for disputed
 * marks), correcting a key and regrading every affected attempt, and the composite's other components.
 */
export function createExamMarkingService(deps: ServiceDeps, credits: CreditLedgerService) {
  const { db } = deps;
  const exams = createExamRepository(db);
  const attempts = createExamAttemptRepository(db);

  /** Who marks: a named marker, or an admin reading the exam's results; the arbiter is an admin who manages it. */
  async function requireMarker(
    ctx: RequestContext,
    id: number,
    action: string,
  ): Promise<{ actor: Actor; exam: ExamRow; admin: boolean }> {
    const actor = requireActor(ctx);
    const exam = await exams.exam(id);
    if (exam && exam.provinceId === actor.provinceId && (await exams.isMarker(id, actor.userId)))
      return { actor, exam, admin: isAdmin(actor.role) && can(actor, 'exam.manage', { path: exam.orgPath }) };
    if (!isAdmin(actor.role))
      return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    const r = await requireExam(deps, ctx, id, action, 'exam.manage');
    return { ...r, admin: true };
  }

  async function questionAt(exam: ExamRow, position: number) {
    // every attempt of a fixed paper has the same question at a position; a drawn paper is marked by position too
    const a = await db
      .selectFrom('exam_attempt')
      .select('paper')
      .where('exam_id', '=', exam.id)
      .where(sql<boolean>`jsonb_array_length(paper) > ${position}`)
      .limit(1)
      .executeTakeFirst();
    const item = (
      a?.paper as Array<{ questionVersionId: number; points: number; optionOrder: string[] }> | undefined
    )?.[position];
    if (!item) return undefined;
    const v = (await exams.versions([item.questionVersionId])).get(item.questionVersionId)!;
    return { item, version: v };
  }

  return {
    async summary(ctx: RequestContext, id: number) {
      const { exam } = await requireMarker(ctx, id, 'exam.marking');
      const rows = await attempts.markingSummary(id);
      const questions = [];
      for (const r of rows) {
        const q = await questionAt(exam, r.position);
        questions.push({
          position: r.position,
          questionId: q?.version.questionId ?? null,
          stem: q?.version.stem ?? '',
          points: q?.item.points ?? 0,
          pending: r.pending,
          disputed: r.disputed,
          marked: r.marked,
        });
      }
      return { blind: exam.blindMarking, doubleMarking: exam.doubleMarking, questions };
    },

    async answers(
      ctx: RequestContext,
      id: number,
      position: number,
      state: 'pending' | 'disputed' | 'marked',
      page: number,
      pageSize: number,
    ) {
      const { exam, actor } = await requireMarker(ctx, id, 'exam.marking');
      const rows = await attempts.markingList(id, position, state, pageSize, (page - 1) * pageSize);
      const marks = await attempts.marksOf(
        rows.map((r) => r.attemptId),
        position,
      );
      const q = await questionAt(exam, position);
      return {
        question: q
          ? {
              position,
              points: q.item.points,
              ...candidateView(q.version, q.item.optionOrder),
              reference: q.version.answer,
              explanation: q.version.explanation,
            }
          : null,
        total: rows[0]?.total ?? 0,
        items: rows.map((r) => ({
          attemptId: r.attemptId,
          // under blind marking the marker sees the six-digit code only
          candidate: exam.blindMarking ? r.anonCode : r.teacherName,
          anonCode: r.anonCode,
          answer: r.answer,
          marks: marks
            .filter((m) => m.attemptId === r.attemptId)
            .map((m) => ({
              round: m.round,
              score: m.score,
              markerName: m.markerName,
              mine: m.markerId === actor.userId,
              comment: m.comment,
            })),
        })),
      };
    },

    async mark(
      ctx: RequestContext,
      id: number,
      input: { attemptId: number; position: number; score: number; comment: string | null },
    ) {
      const { exam, actor, admin } = await requireMarker(ctx, id, 'exam.mark');
      return auditedWrite(
        db,
        ctx,
        {
          action: 'exam.mark',
          targetType: 'exam',
          targetId: id,
          targetLabel: exam.title,
          targetPath: exam.orgPath,
          // blind: the audit row names the code, never the candidate
          details: { attemptId: input.attemptId, position: input.position, score: input.score },
        },
        async (trx, meta) => {
          const r = createExamAttemptRepository(trx);
          const a = await r.attempt(input.attemptId, true);
          if (!a || a.examId !== id || a.status === 'open') throw new AppError('NOT_FOUND');
          const item = a.paper[input.position];
          if (!item) throw new AppError('NOT_FOUND');
          if (!(input.score >= 0 && input.score <= item.points && Math.round(input.score * 100) === input.score * 100))
            throw new AppError('EXAM_MARK_INVALID', { params: { points: item.points } });
          const ans = await r.answerForMarking(a.id, input.position, true);
          if (!ans || ans.markState === null || ans.markState === 'marked') throw new AppError('EXAM_MARKING_STATE');
          const existing = await r.marksOf([a.id], input.position);
          let round: number;
          if (ans.markState === 'disputed') {
            if (!admin) throw new AppError('EXAM_MARKING_STATE');
            round = 3;
          } else if (existing.length === 0) round = 1;
          else if (exam.doubleMarking && existing.length === 1 && existing[0]!.markerId !== actor.userId) round = 2;
          else throw new AppError('EXAM_MARKING_STATE');
          await r.insertMark({
            attemptId: a.id,
            position: input.position,
            round,
            markerId: actor.userId,
            score: input.score,
            comment: input.comment,
          });
          const outcome = markOutcome(
            new Map([...existing.map((m) => [m.round, m.score] as const), [round, input.score]]),
            exam.doubleMarking,
            exam.disputeThreshold,
          );
          await r.setMarkState(a.id, input.position, outcome.state, outcome.state === 'marked' ? outcome.score : null);
          meta.details = { ...meta.details, round, state: outcome.state, anonCode: a.anonCode };
          if (outcome.state === 'marked') {
            const [graded] = await gradeAttempts(trx, exam, [a.id]);
            await recomputeResults(trx, credits, exam, [a.teacherId]);
            // the last mark of an attempt: its candidate hears the result is out
            if (graded?.status === 'graded') {
              const account = await trx
                .selectFrom('teacher')
                .select('user_id')
                .where('id', '=', a.teacherId)
                .executeTakeFirst();
              if (account?.user_id)
                await notify(trx, {
                  to: { users: [account.user_id] },
                  kind: 'exam_graded',
                  params: { title: exam.title },
                  link: `/exam-attempts/${a.id}/result`,
                  senderId: actor.userId,
                });
            }
          }
          return { round, state: outcome.state, score: outcome.state === 'marked' ? outcome.score : null };
        },
      );
    },

    /**
     * A key correction: the question's current version replaces the one the exam used, every submitted
     * attempt holding it is graded again and results (and ledger hours) follow. `dryRun` shows the
     * difference and writes nothing.
     */
    async regrade(ctx: RequestContext, id: number, questionId: number, dryRun: boolean) {
      const { exam } = await requireExam(deps, ctx, id, dryRun ? 'exam.regrade_preview' : 'exam.regrade');
      const run = async () => {
        return db.transaction().execute(async (trx) => {
          const r = createExamRepository(trx);
          const ar = createExamAttemptRepository(trx);
          const e = (await r.exam(id, true))!;
          const current = await r.currentVersion(questionId);
          if (!current || !e.paperPool) throw new AppError('EXAM_REGRADE_NOTHING');
          const older = await trx
            .selectFrom('question_version')
            .select(['id', 'version', 'kind'])
            .where('question_id', '=', questionId)
            .where('version', '<', current.version)
            .execute();
          const olderIds = older.filter((o) => o.kind === current.kind).map((o) => o.id);
          const affected = olderIds.length ? await ar.attemptsWithVersions(id, olderIds) : [];
          const poolHas = poolVersionIds(e.paperPool).some((v) => olderIds.includes(v));
          if (affected.length === 0 && !poolHas) throw new AppError('EXAM_REGRADE_NOTHING');
          const fromVersion =
            older.find((o) => affected.length && olderIds.includes(o.id))?.version ?? current.version - 1;
          // the attempts and the pool point at the corrected version
          const before = new Map(
            (await ar.attemptsByIds(affected)).map((a) => [a.id, { score: a.score, teacherId: a.teacherId }]),
          );
          const resultsBefore = new Map<number, boolean>();
          for (const b of before.values())
            resultsBefore.set(b.teacherId, (await r.result(id, b.teacherId))?.passed ?? false);
          await sql`
            UPDATE exam_attempt SET paper = (
              SELECT jsonb_agg(CASE WHEN (p->>'questionVersionId')::bigint = ANY(${olderIds}::bigint[])
                                    THEN jsonb_set(p, '{questionVersionId}', to_jsonb(${current.id}::bigint)) ELSE p END
                               ORDER BY (p->>'position')::int)
              FROM jsonb_array_elements(paper) p)
            WHERE id = ANY(${affected}::bigint[])`.execute(trx);
          const pool = replaceVersions(e.paperPool, new Set(olderIds), current.id);
          await sql`UPDATE exam SET paper_pool = ${JSON.stringify(pool)}::jsonb, updated_at = now() WHERE id = ${id}`.execute(
            trx,
          );
          await r.freezeVersions([current.id]);
          const graded = affected.length ? await gradeAttempts(trx, e, affected) : [];
          const changes = await recomputeResults(
            trx,
            credits,
            { ...e, paperPool: pool },
            [...new Set(graded.map((g) => g.teacherId))],
            {
              dryRun,
            },
          );
          const names = new Map(
            (
              await trx
                .selectFrom('teacher')
                .select(['id', 'name'])
                .where('id', 'in', [0, ...graded.map((g) => g.teacherId)])
                .execute()
            ).map((t) => [t.id, t.name]),
          );
          const rows = graded.map((g) => {
            const b = before.get(g.id)!;
            const c = changes.find((x) => x.teacherId === g.teacherId)!;
            return {
              attemptId: g.id,
              teacherName: exam.blindMarking ? g.anonCode : (names.get(g.teacherId) ?? ''),
              before: b.score,
              after: g.score,
              passedBefore: resultsBefore.get(g.teacherId) ?? false,
              passedAfter: c.after.passed,
            };
          });
          const summary = {
            fromVersion,
            toVersion: current.version,
            attempts: affected.length,
            changed: rows.filter((x) => x.before !== x.after).length,
            passedNow: rows.filter((x) => !x.passedBefore && x.passedAfter).length,
            failedNow: rows.filter((x) => x.passedBefore && !x.passedAfter).length,
            hoursPosted: changes.filter((c) => c.posted).length,
            hoursReversed: changes.filter((c) => c.reversed).length,
            rows,
          };
          if (dryRun) throw new Rollback(summary);
          await trx
            .insertInto('exam_regrade')
            .values({
              exam_id: id,
              question_id: questionId,
              from_version: fromVersion,
              to_version: current.version,
              summary: JSON.stringify({ ...summary, rows: rows.slice(0, 5_000) }),
              created_by: requireActor(ctx).userId,
            })
            .execute();
          return summary;
        });
      };
      if (dryRun) {
        try {
          await run();
        } catch (e) {
          if (e instanceof Rollback) return e.value as Awaited<ReturnType<typeof run>>;
          throw e;
        }
        throw new AppError('INTERNAL');
      }
      return auditedWrite(
        db,
        ctx,
        { action: 'exam.regrade', targetType: 'exam', targetId: id, targetLabel: exam.title, targetPath: exam.orgPath },
        async (_trx, meta) => {
          const s = await run();
          meta.details = {
            questionId,
            fromVersion: s.fromVersion,
            toVersion: s.toVersion,
            changed: s.changed,
            passedNow: s.passedNow,
            failedNow: s.failedNow,
          };
          return s;
        },
      );
    },

    /** Scores of the composite's other components (process, school review…), out of 100. */
    async setComponents(
      ctx: RequestContext,
      id: number,
      rows: Array<{ teacherId: number; component: string; score: number }>,
    ) {
      const { exam, actor } = await requireExam(deps, ctx, id, 'exam.set_components');
      return auditedWrite(
        db,
        ctx,
        {
          action: 'exam.set_components',
          targetType: 'exam',
          targetId: id,
          targetLabel: exam.title,
          targetPath: exam.orgPath,
        },
        async (trx, meta) => {
          const keys = new Set(exam.composite.components.map((c) => c.key).filter((k) => k !== 'exam'));
          const bad = rows.filter((r) => !keys.has(r.component) || !(r.score >= 0 && r.score <= 100));
          if (bad.length) throw new AppError('VALIDATION_FAILED', { details: { rows: bad.slice(0, 50) } });
          const teachers = await trx
            .selectFrom('teacher')
            .select(['id', 'org_path as orgPath'])
            .where('id', 'in', [0, ...rows.map((r) => r.teacherId)])
            .execute();
          const known = new Map(teachers.map((t) => [t.id, t.orgPath]));
          const r = createExamRepository(trx);
          const outside: number[] = [];
          for (const row of rows) {
            const p = known.get(row.teacherId);
            if (!p?.startsWith(exam.orgPath) || !(await r.isCandidate(exam, { id: row.teacherId, orgPath: p })))
              outside.push(row.teacherId);
          }
          if (outside.length) throw new AppError('NOT_FOUND');
          await r.upsertComponentScores(id, rows, actor.userId);
          await recomputeResults(
            trx,
            credits,
            exam,
            rows.map((x) => x.teacherId),
          );
          meta.details = { rows: rows.length };
          return { updated: rows.length };
        },
      );
    },
  };
}

export type ExamMarkingService = ReturnType<typeof createExamMarkingService>;
