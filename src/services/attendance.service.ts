import type { Transaction } from 'kysely';
import { chinaDay, chinaTime, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { checkToken, issueToken, parseToken, type TokenKind } from '../domain/attendance-token.js';
import { completionOf, type CompletionOutcome } from '../domain/enrolment.js';
import type { OnlineShortfall } from '../domain/online-completion.js';
import { AppError } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import {
  createAttendanceRepository,
  postingKeyPrefix,
  type AttendanceLine,
  type ClassRow,
  type SessionRow,
} from '../repositories/attendance.repository.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireClassRunner } from './class-runner.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService, Registration } from './credit-ledger.service.js';
import { requireAdminAction } from './registry-access.js';

/** Check-out codes are accepted from the opening of check-in until this long after the session ends. */
export const CHECKOUT_GRACE_MS = 60 * 60_000;

/** A time as users in China read it: 'YYYY-MM-DD HH:mm' (UTC+8, no daylight saving). */
export type NotCompletedReason = Extract<CompletionOutcome, { completed: false }>['reasons'][number] | OnlineShortfall;

/** What each teacher of an online class still lacks online (study.service.ts `shortfallsOfClass`). */
export type OnlineAssessor = (classId: number) => Promise<Map<number, OnlineShortfall[]> | null>;

export interface CloseProblem {
  teacherId: number;
  teacherName: string;
  /**
   * reversal_requested: the teacher no longer completes but the hours lie in a year the county
   * signed off: a reversal request waits for the county's approval (as for any change to a locked year);
   * reversal_pending: such a request was already waiting.
   */
  code: 'reversal_requested' | 'reversal_pending';
  entryId: number;
  requestId: number | null;
}

/** A teacher of the class as the close would judge them. */
export interface CloseLine {
  teacherId: number;
  teacherName: string;
  attended: number;
  sessions: number;
}

/** What closing the class now would do, computed as the close computes it (nothing is written). */
export interface ClosePreview {
  classId: number;
  className: string;
  projectTitle: string;
  status: 'open' | 'closed';
  /** hours (tenths) each completing teacher gets */
  hours: number;
  sessions: number;
  lastSessionEndsAt: Date | null;
  /** the last session has ended (or the class has none): closing needs no reason */
  ended: boolean;
  enrolled: number;
  completing: CloseLine[];
  notCompleting: Array<CloseLine & { reasons: NotCompletedReason[] }>;
  /** completing teachers whose hours are posted now (the others' are in the ledger already) */
  toPost: number;
  /** postings of teachers who no longer complete, taken back (or sent to the county in a signed-off year) */
  toReverse: number;
}

export interface CloseResult {
  classId: number;
  /** the organiser's reason when the class was closed before its last session ended */
  earlyCloseReason: string | null;
  /** the class was the project's last open one: the project is closed too */
  projectClosed: boolean;
  enrolled: number;
  completed: number;
  notCompleted: number;
  /** ledger entries written now (teachers who completed and had no posting in force) */
  posted: number;
  /** postings of teachers who no longer complete, reversed now */
  reversed: number;
  teachersNotCompleted: Array<{
    teacherId: number;
    teacherName: string;
    attended: number;
    sessions: number;
    reasons: NotCompletedReason[];
  }>;
  problems: CloseProblem[];
}

/**
 * QR attendance and completion (R-15, R-45): the rotating code a trainer shows, teachers' scans,
 * corrections, assessment results, and closing a class, which posts completed hours to the ledger
 * (once per teacher, whatever the retries) and reverses them when a reopened class is corrected.
 * `now` is the clock (tests pass their own).
 */
export function createAttendanceService(
  deps: ServiceDeps,
  credits: CreditLedgerService,
  now: () => number = Date.now,
  online?: OnlineAssessor,
) {
  const { db, env } = deps;
  const repo = createAttendanceRepository(db);

  /** A class the actor runs: one of its trainers, or an admin of the organiser's subtree. */
  const requireRunner = (ctx: RequestContext, action: string, cls: ClassRow, target: { type: string; id: number }) =>
    requireClassRunner(db, ctx, action, cls, target);

  async function sessionOrNotFound(id: number) {
    const s = await repo.session(id);
    if (!s) throw new AppError('NOT_FOUND');
    return s;
  }

  async function classOrNotFound(id: number) {
    const c = await repo.classById(id);
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  /** When scans of a kind are accepted. */
  const scanWindow = (s: SessionRow, kind: TokenKind) =>
    kind === 'in'
      ? { opensAt: s.checkinOpensAt.getTime(), closesAt: s.checkinClosesAt.getTime() }
      : { opensAt: s.checkinOpensAt.getTime(), closesAt: s.endsAt.getTime() + CHECKOUT_GRACE_MS };

  const presentSession = (s: SessionRow & { class: ClassRow }) => ({
    id: s.id,
    classId: s.classId,
    className: s.class.name,
    projectTitle: s.class.projectTitle,
    classStatus: s.class.status,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    place: s.place,
    checkinOpensAt: s.checkinOpensAt,
    checkinClosesAt: s.checkinClosesAt,
  });

  /** The end of the class's last session, and whether it has passed (a class without sessions has nothing to wait for). */
  const timing = (sessions: Array<{ endsAt: Date }>) => {
    const last = sessions.reduce<Date | null>((a, x) => (a === null || x.endsAt > a ? x.endsAt : a), null);
    return { lastSessionEndsAt: last, ended: last === null || last.getTime() <= now() };
  };

  /** Each enrolled teacher judged by the completion rule, with the class's postings in force: what a close decides. */
  async function assess(r: ReturnType<typeof createAttendanceRepository>, cls: ClassRow) {
    const sessions = await r.sessionsOf(cls.id);
    const facts = await r.enrolledFacts(cls.id);
    const inForce = new Map((await r.postingsInForce(cls.provinceId, cls.id)).map((p) => [p.teacherId, p]));
    const completing: CloseLine[] = [];
    const notCompleting: ClosePreview['notCompleting'] = [];
    // an online class: its course's requirements (minutes, homework, posts, reflections) as well
    const shortfalls = cls.courseId !== null && online ? await online(cls.id) : null;
    for (const f of facts) {
      const o = completionOf(cls.completionRule, f.attended, sessions.length, f.assessmentPassed);
      const line = {
        teacherId: f.teacherId,
        teacherName: f.teacherName,
        attended: f.attended,
        sessions: sessions.length,
      };
      const reasons: NotCompletedReason[] = [
        ...(o.completed ? [] : o.reasons),
        ...(shortfalls?.get(f.teacherId) ?? []),
      ];
      if (reasons.length === 0) completing.push(line);
      else notCompleting.push({ ...line, reasons });
    }
    const completed = new Set(completing.map((c) => c.teacherId));
    return {
      sessions,
      facts,
      inForce,
      completing,
      notCompleting,
      completed,
      toPost: completing.filter((c) => !inForce.has(c.teacherId)).length,
      toReverse: [...inForce.keys()].filter((id) => !completed.has(id)).length,
    };
  }

  /** Close (or re-close) a class inside `trx`: outcomes, postings, reversals. */
  async function closeIn(
    trx: Transaction<DB>,
    ctx: RequestContext,
    actor: Actor,
    classId: number,
    earlyReason: string | null,
  ): Promise<CloseResult> {
    const r = createAttendanceRepository(trx);
    const cls = await r.classById(classId, true);
    if (!cls) throw new AppError('NOT_FOUND');
    if (cls.status === 'closed') throw new AppError('CLASS_CLOSED');
    const a = await assess(r, cls);
    const { sessions, facts, inForce, completed } = a;
    // before the last session has ended, only with the organiser's reason for closing early
    const { lastSessionEndsAt, ended } = timing(sessions);
    if (!ended && earlyReason === null)
      throw new AppError('CLASS_NOT_ENDED', { params: { endsAt: chinaTime(lastSessionEndsAt!) } });
    const counts = await r.postingCounts(cls.provinceId, classId);
    // the hours count on the day of the last session; never a day after today
    const last = sessions.length ? chinaDay(sessions[sessions.length - 1]!.startsAt) : today(env);
    const occurredOn = [last, today(env)].sort()[0]!;

    const outcomes: Array<{ teacherId: number; outcome: 'completed' | 'not_completed'; reason: string | null }> = [];
    const toPost: Registration[] = [];
    for (const c of a.completing) {
      outcomes.push({ teacherId: c.teacherId, outcome: 'completed', reason: null });
      if (inForce.has(c.teacherId)) continue;
      // the first posting takes the plain key; after a reversal the next one is numbered
      const n = counts.get(c.teacherId) ?? 0;
      toPost.push({
        teacherId: c.teacherId,
        hours: cls.hours,
        occurredOn,
        title: `${cls.projectTitle} ${cls.name}`,
        categories: cls.creditCategories,
        sourceType: 'project',
        sourceRef: `project:${cls.projectId}`,
        idemKey: `${postingKeyPrefix(classId)}${c.teacherId}${n === 0 ? '' : `:${n + 1}`}`,
      });
    }
    for (const x of a.notCompleting)
      outcomes.push({ teacherId: x.teacherId, outcome: 'not_completed', reason: JSON.stringify(x.reasons) });
    const notCompleted: CloseResult['teachersNotCompleted'] = a.notCompleting;

    const posted = await credits.postInTransaction(trx, ctx, toPost);

    // postings of teachers who no longer complete (or left the class) are taken back
    let reversed = 0;
    const problems: CloseProblem[] = [];
    const names = new Map(facts.map((f) => [f.teacherId, f.teacherName]));
    const ledger = createCreditLedgerRepository(trx);
    for (const p of inForce.values()) {
      if (completed.has(p.teacherId)) continue;
      const entry = (await ledger.entry(p.entryId))!;
      const teacherName = names.get(p.teacherId) ?? (await r.teacherName(p.teacherId)) ?? '';
      if (p.pendingRequestId !== null) {
        problems.push({
          teacherId: p.teacherId,
          teacherName,
          code: 'reversal_pending',
          entryId: p.entryId,
          requestId: p.pendingRequestId,
        });
        continue;
      }
      const reason = `结班复核：未达结业要求（${cls.projectTitle} ${cls.name}）`;
      // a signed-off year is changed only with the county's approval: the close files the request
      // and reports it instead of failing (the other teachers' results still count)
      try {
        const done = await credits.reverseOrRequest(trx, entry, reason, actor.userId);
        if (done.locked)
          problems.push({
            teacherId: p.teacherId,
            teacherName,
            code: done.requestId === null ? 'reversal_pending' : 'reversal_requested',
            entryId: entry.id,
            requestId: done.requestId,
          });
        else reversed++;
      } catch (e) {
        // reversed meanwhile by someone else: nothing left to take back
        if (!(e instanceof AppError && e.code === 'ENTRY_ALREADY_REVERSED')) throw e;
      }
    }

    await r.setOutcomes(classId, outcomes);
    const earlyCloseReason = ended ? null : earlyReason;
    await r.setClassStatus(classId, 'closed', actor.userId, earlyCloseReason);
    const projectClosed = await r.followClasses(cls.projectId, 'class_closed');
    return {
      classId,
      earlyCloseReason,
      projectClosed,
      enrolled: facts.length,
      completed: completed.size,
      notCompleted: notCompleted.length,
      posted: posted.created,
      reversed,
      teachersNotCompleted: notCompleted,
      problems,
    };
  }

  return {
    /** The code to show now (and when it changes), with the address a phone opens. */
    async checkinCode(ctx: RequestContext, sessionId: number, kind: TokenKind, origin: string) {
      const s = await sessionOrNotFound(sessionId);
      await requireRunner(ctx, 'attendance.read_code', s.class, { type: 'training_session', id: s.id });
      const { token, rotatesAt } = issueToken(s.tokenSecret, s.id, now(), kind);
      const base = (env.PEIXUN_PUBLIC_URL ?? origin).replace(/\/+$/, '');
      const w = scanWindow(s, kind);
      return {
        token,
        kind,
        rotatesAt: new Date(rotatesAt),
        url: `${base}/checkin?t=${encodeURIComponent(token)}`,
        acceptedFrom: new Date(w.opensAt),
        acceptedUntil: new Date(w.closesAt),
        session: presentSession(s),
      };
    },

    /** A teacher's scan: checked in (or out) once; a second scan answers the same. */
    async scan(ctx: RequestContext, token: string, expectedSessionId?: number) {
      const actor = requireActor(ctx);
      const action = 'attendance.scan';
      const refuse = (e: AppError, targetId: number | null = null): Promise<never> =>
        auditRefusal(db, ctx, { action, targetType: 'training_session', targetId }, e);
      if (actor.role !== 'teacher') return refuse(new AppError('FORBIDDEN'));
      const claim = parseToken(token);
      if (!claim) return refuse(new AppError('CHECKIN_TOKEN_INVALID'));
      if (expectedSessionId !== undefined && expectedSessionId !== claim.sessionId)
        return refuse(new AppError('CHECKIN_WRONG_SESSION'), claim.sessionId);
      const s = await repo.session(claim.sessionId);
      // a session that does not exist is told from a forged code by nobody
      if (!s) return refuse(new AppError('CHECKIN_TOKEN_INVALID'), claim.sessionId);
      const at = now();
      const w = scanWindow(s, claim.kind);
      const problem = checkToken(s.tokenSecret, s.id, token, at, w, claim.kind);
      if (problem === 'malformed' || problem === 'forged' || problem === 'not_yet' || problem === 'other_session')
        return refuse(new AppError('CHECKIN_TOKEN_INVALID'), s.id);
      // once the class is closed its codes stop working, whatever window they were made for
      if (s.class.status === 'closed') return refuse(new AppError('CHECKIN_CLASS_CLOSED'), s.id);
      if (problem === 'expired') return refuse(new AppError('CHECKIN_TOKEN_EXPIRED'), s.id);
      const teacher = await repo.teacherOfUser(actor.userId);
      const enrolment = teacher && (await repo.enrolmentStatus(s.classId, teacher.id));
      if (!teacher || enrolment?.status !== 'enrolled') {
        // the code of the room next door: say so, rather than "not enrolled"
        const mine = teacher && (await repo.openSessionOfTeacher(teacher.id, new Date(at)));
        return refuse(
          new AppError(mine !== undefined && mine !== s.id ? 'CHECKIN_WRONG_SESSION' : 'NOT_ENROLLED'),
          s.id,
        );
      }
      if (problem === 'outside_checkin')
        return refuse(
          new AppError('CHECKIN_OUTSIDE_WINDOW', {
            params: { opens: chinaTime(new Date(w.opensAt)), closes: chinaTime(new Date(w.closesAt)) },
          }),
          s.id,
        );
      const row = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_session',
          targetId: s.id,
          targetPath: enrolment.orgPath,
          targetLabel: `${s.class.name} ${chinaTime(s.startsAt)}`,
          details: { kind: claim.kind, teacherId: teacher.id },
        },
        (trx) => createAttendanceRepository(trx).recordScan(s.id, teacher.id, claim.kind, new Date(at)),
      );
      return {
        kind: claim.kind,
        teacherName: teacher.name,
        checkedInAt: row.checkedInAt,
        checkedOutAt: row.checkedOutAt,
        session: presentSession(s),
      };
    },

    /** The session's enrolled teachers with their check-in and check-out times. */
    /** A trainer's own sessions (from yesterday on), each with its QR page. Only trainers have a teaching timetable. */
    async mySessions(ctx: RequestContext) {
      const actor = requireActor(ctx);
      if (actor.role !== 'trainer')
        return auditRefusal(
          db,
          ctx,
          { action: 'attendance.my_sessions', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      return repo.sessionsTaughtBy(actor.userId);
    },

    async sessionAttendance(
      ctx: RequestContext,
      sessionId: number,
    ): Promise<{ session: ReturnType<typeof presentSession>; items: AttendanceLine[] }> {
      const s = await sessionOrNotFound(sessionId);
      await requireRunner(ctx, 'attendance.read', s.class, { type: 'training_session', id: s.id });
      return { session: presentSession(s), items: await repo.sessionAttendance(s.id, s.classId) };
    },

    /** The trainer's correction of one teacher's attendance, with the reason (audited). */
    async correct(
      ctx: RequestContext,
      sessionId: number,
      teacherId: number,
      input: { present: boolean; checkedInAt?: Date | null; checkedOutAt?: Date | null; reason: string },
    ) {
      const s = await sessionOrNotFound(sessionId);
      const actor = await requireRunner(ctx, 'attendance.correct', s.class, { type: 'training_session', id: s.id });
      const enrolment = await repo.enrolmentStatus(s.classId, teacherId);
      const meta = {
        action: 'attendance.correct',
        targetType: 'teacher',
        targetId: teacherId,
        targetPath: enrolment?.orgPath ?? null,
        targetLabel: enrolment?.teacherName ?? null,
        details: { sessionId: s.id, present: input.present, reason: input.reason },
      };
      await auditedWrite(db, ctx, meta, async (trx, m) => {
        const r = createAttendanceRepository(trx);
        const cls = await r.classById(s.classId, true);
        if (cls?.status === 'closed') throw new AppError('CLASS_CLOSED');
        if (enrolment?.status !== 'enrolled') throw new AppError('NOT_ENROLLED');
        const before = await r.attendanceOf(s.id, teacherId);
        m.details = { ...m.details, before: before ? { present: before.present, method: before.method } : null };
        // "present" without a time takes the session's start; "absent" clears the times unless given
        const checkedInAt =
          input.checkedInAt !== undefined
            ? input.checkedInAt
            : input.present
              ? (before?.checkedInAt ?? s.startsAt)
              : null;
        const checkedOutAt =
          input.checkedOutAt !== undefined ? input.checkedOutAt : input.present ? (before?.checkedOutAt ?? null) : null;
        await r.correct({
          sessionId: s.id,
          teacherId,
          present: input.present,
          checkedInAt,
          checkedOutAt,
          by: actor.userId,
          reason: input.reason,
        });
      });
      return (await repo.sessionAttendance(s.id, s.classId)).find((l) => l.teacherId === teacherId)!;
    },

    /** Records whether an enrolled teacher passed the class's assessment (null: not assessed). */
    async setAssessment(ctx: RequestContext, classId: number, teacherId: number, passed: boolean | null) {
      const cls = await classOrNotFound(classId);
      await requireRunner(ctx, 'attendance.set_assessment', cls, { type: 'training_class', id: cls.id });
      const enrolment = await repo.enrolmentStatus(classId, teacherId);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'attendance.set_assessment',
          targetType: 'teacher',
          targetId: teacherId,
          targetPath: enrolment?.orgPath ?? null,
          targetLabel: enrolment?.teacherName ?? null,
          details: { classId, passed },
        },
        async (trx) => {
          const r = createAttendanceRepository(trx);
          const c = await r.classById(classId, true);
          if (c?.status === 'closed') throw new AppError('CLASS_CLOSED');
          if (!(await r.setAssessment(classId, teacherId, passed))) throw new AppError('NOT_ENROLLED');
        },
      );
      return { classId, teacherId, assessmentPassed: passed };
    },

    /**
     * What closing the class now would do: who completes and who does not (with the reasons), how
     * many postings it writes and takes back, and whether the last session has ended. Computed as
     * the close computes it; nothing is written.
     */
    async previewClose(ctx: RequestContext, classId: number): Promise<ClosePreview> {
      const cls = await classOrNotFound(classId);
      await requireAdminAction(db, ctx, 'training.preview_close', 'training.manage', {
        path: cls.projectPath,
        type: 'training_class',
        id: cls.id,
        label: cls.name,
      });
      const a = await assess(repo, cls);
      return {
        classId: cls.id,
        className: cls.name,
        projectTitle: cls.projectTitle,
        status: cls.status,
        hours: cls.hours,
        sessions: a.sessions.length,
        ...timing(a.sessions),
        enrolled: a.facts.length,
        completing: a.completing,
        notCompleting: a.notCompleting,
        toPost: a.toPost,
        toReverse: a.toReverse,
      };
    },

    /**
     * Closes a class in one transaction: each enrolled teacher's outcome, hours posted for those who
     * completed (once: a posting in force is never posted again), postings of those who no longer
     * complete reversed. Closing a closed class is refused with CLASS_CLOSED and changes nothing;
     * before its last session has ended, with CLASS_NOT_ENDED unless the organiser gives the reason
     * for closing early (kept on the class and in the audit row). The project closes with its last
     * open class.
     */
    async close(ctx: RequestContext, classId: number, input: { earlyCloseReason?: string } = {}): Promise<CloseResult> {
      const cls = await classOrNotFound(classId);
      const actor = await requireAdminAction(db, ctx, 'training.close_class', 'training.manage', {
        path: cls.projectPath,
        type: 'training_class',
        id: cls.id,
        label: cls.name,
      });
      return auditedWrite(
        db,
        ctx,
        {
          action: 'training.close_class',
          targetType: 'training_class',
          targetId: cls.id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.projectTitle} ${cls.name}`,
        },
        async (trx, m) => {
          const r = await closeIn(trx, ctx, actor, classId, input.earlyCloseReason ?? null);
          m.details = {
            enrolled: r.enrolled,
            completed: r.completed,
            notCompleted: r.notCompleted,
            posted: r.posted,
            reversed: r.reversed,
            problems: r.problems.length,
            ...(r.earlyCloseReason === null ? {} : { earlyCloseReason: r.earlyCloseReason }),
            ...(r.projectClosed ? { projectClosed: true } : {}),
          };
          return r;
        },
      );
    },

    /** Reopens a closed class for corrections (attendance, assessment results), with the reason. */
    async reopen(ctx: RequestContext, classId: number, reason: string) {
      const cls = await classOrNotFound(classId);
      const actor = await requireAdminAction(db, ctx, 'training.reopen_class', 'training.manage', {
        path: cls.projectPath,
        type: 'training_class',
        id: cls.id,
        label: cls.name,
      });
      await auditedWrite(
        db,
        ctx,
        {
          action: 'training.reopen_class',
          targetType: 'training_class',
          targetId: cls.id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.projectTitle} ${cls.name}`,
          details: { reason },
        },
        async (trx, m) => {
          const r = createAttendanceRepository(trx);
          const c = await r.classById(classId, true);
          if (c?.status !== 'closed') throw new AppError('CONFLICT');
          await r.setClassStatus(classId, 'open', actor.userId);
          if (await r.followClasses(c.projectId, 'class_reopened')) m.details = { ...m.details, projectReopened: true };
        },
      );
      return { classId, status: 'open' as const };
    },
  };
}

export type AttendanceService = ReturnType<typeof createAttendanceService>;
