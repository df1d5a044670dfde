import { chinaDay, currentYear, today } from '../config/env.js';
import { addDays } from '../domain/calendar.js';
import type { ProgressStatus } from '../domain/credit-progress.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { pathPrefixes } from '../repositories/course.repository.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createExamRepository } from '../repositories/exam.repository.js';
import { createForumRepository } from '../repositories/forum.repository.js';
import { createHomeRepository } from '../repositories/home.repository.js';
import { createHomeworkRepository } from '../repositories/homework.repository.js';
import { createDevelopmentPlanRepository } from '../repositories/development-plan.repository.js';
import { createCompetitionRepository } from '../repositories/competition.repository.js';
import { createLrsReviewRepository } from '../repositories/lrs-review.repository.js';
import { createOnlineClassRepository } from '../repositories/online-class.repository.js';
import { createPairRepository } from '../repositories/pair.repository.js';
import { createPublicityRepository } from '../repositories/publicity.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import type { createAttendanceService } from './attendance.service.js';
import type { createCreditLedgerService } from './credit-ledger.service.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { createEnrolmentService } from './enrolment.service.js';
import { publicityNow } from './publicity.service.js';
import type { createSurveyService } from './survey.service.js';
import type { createBackboneService } from './backbone.service.js';

/** Days ahead in which a registration closing counts as "closing soon". */
export const CLOSING_SOON_DAYS = 7;

export const TODO_KINDS = [
  'verification_review',
  'plan_review',
  'reversal_request',
  'review_request',
  'correction',
  'registration_closing',
  'verification_not_opened',
  'verification_to_submit',
  // online classes (研修作业, 班级研讨): work waiting for its tutors, reports waiting for the moderators
  'homework_to_grade',
  'forum_reports',
  // the public notice (公示): objections waiting for the organiser's answer, lists whose period is over
  'publicity_objections',
  'publicity_to_finalise',
  // essays of exams waiting for a mark: the markers named, and the organiser's admins (who also settle disputes)
  'exam_marking',
  // learning records from other platforms whose actor matched no teacher (待匹配学习记录)
  'lrs_review',
  // mentoring pairs (师徒结对, R-40): applications for the school to recommend, recommendations for the county
  'pair_recommend',
  'pair_register',
  // backbone teachers (骨干教师): quotas still open, nominations to score, flagged titles, duties to confirm
  'backbone_nominate',
  'backbone_score',
  'backbone_flagged',
  'backbone_duties',
  // development plans of the school's teachers waiting for its review (个人专业发展规划)
  'development_plan_review',
  // competitions (评比): rounds open above a unit that has entered nothing yet; entries waiting for a judge
  'competition_entries',
  'competition_scoring',
] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

/** One to-do of an administrator: how many things wait, and the year and cycle its list is filtered by. */
export interface Todo {
  kind: TodoKind;
  count: number;
  year: number | null;
  cycleId: number | null;
}

export interface SessionRef {
  sessionId: number;
  classId: number;
  className: string;
  projectTitle: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
}

export type Home =
  | { kind: 'admin'; today: string; cycleId: number | null; todos: Todo[] }
  | {
      kind: 'teacher';
      today: string;
      linked: boolean;
      hours: {
        cycleId: number;
        cycleName: string;
        counted: number;
        required: number;
        status: ProgressStatus;
        year: number;
        yearCounted: number;
        yearMinimum: number | null;
        minimaUnmet: number;
      } | null;
      nextSession: SessionRef | null;
      surveysPending: number;
      /** assignments of the teacher's online classes still to hand in (none sent, returned, failed), per class */
      homeworkToDo: Array<{ classId: number; className: string; count: number }>;
      /** open reports of the forums the teacher moderates, per class */
      forumReports: Array<{ classId: number; className: string; count: number }>;
      /** mentoring pairs: agreements and the partner's activities waiting for the teacher's confirmation */
      pairsToConfirm: number;
      /** entries of competitions and nominations of backbone rounds waiting for this teacher's score as a judge */
      toScore: { competitions: number; backbone: number };
    }
  | { kind: 'trainer'; today: string; sessions: SessionRef[]; next: SessionRef | null; todos: Todo[] }
  | { kind: 'member'; today: string };

interface Collaborators {
  credits: ReturnType<typeof createCreditLedgerService>;
  enrolments: ReturnType<typeof createEnrolmentService>;
  surveys: ReturnType<typeof createSurveyService>;
  attendance: ReturnType<typeof createAttendanceService>;
  backbone: Pick<ReturnType<typeof createBackboneService>, 'todos'>;
}

/**
 * The home page (工作台) of each role: an administrator's to-dos in their subtree with counts, a
 * teacher's hours, next session and what is missing, a trainer's sessions of the day. Read only.
 */
export function createHomeService(deps: ServiceDeps, c: Collaborators) {
  const { db, env } = deps;
  const home = createHomeRepository(db);
  const ledger = createCreditLedgerRepository(db);
  const homework = createHomeworkRepository(db);
  const forum = createForumRepository(db);
  const onlineClasses = createOnlineClassRepository(db);

  /** The year a school verifies now: the last finished one inside the cycle (as the verification page picks it). */
  const verificationYear = (cycle: { startYear: number; endYear: number }) =>
    Math.min(cycle.endYear, Math.max(cycle.startYear, currentYear(env) - 1));

  async function adminHome(actor: Actor): Promise<Home> {
    const day = today(env);
    const path = actor.orgPath;
    const at = { path };
    const cycle = await ledger.cycleForYear(actor.provinceId, currentYear(env));
    const todos: Todo[] = [];
    const add = (kind: TodoKind, count: number, year: number | null = null) => {
      if (count > 0) todos.push({ kind, count, year, cycleId: year === null ? null : (cycle?.id ?? null) });
    };
    const signs = can(actor, 'credit.sign_off', at);
    const registers = can(actor, 'credit.register', at);
    // a school checks its own year and submits it: open (or returned) and not submitted waits on it
    const submits = actor.role === 'school_admin' && can(actor, 'credit.verify', at);
    const [submitted, plans, reversals, reviews, corrections, closing, notOpened, toSubmit, toGrade, reports] =
      await Promise.all([
        signs && cycle ? home.verificationsSubmitted(path, cycle.id) : [],
        actor.role === 'county_admin' ? home.plansSubmitted(path) : 0,
        signs ? home.reversalsPending(path) : 0,
        registers && cycle ? home.reviewsOpen(path, cycle.id) : 0,
        can(actor, 'teacher.manage', at) ? home.correctionsOpen(path) : 0,
        home.registrationsClosing(actor.provinceId, pathPrefixes(path), path, day, addDays(day, CLOSING_SOON_DAYS)),
        cycle ? home.schoolsNotOpened(path, cycle.id, verificationYear(cycle)) : 0,
        submits && cycle ? home.verificationsNotSubmitted(path, cycle.id, verificationYear(cycle)) : 0,
        // the online classes of the unit's own projects: its admins are their tutors too
        homework.waitingAtUnit(actor.orgUnitId),
        forum.openReportsAtUnit(actor.orgUnitId),
      ]);
    for (const s of submitted) add('verification_review', s.n, s.year);
    add('plan_review', plans);
    add('reversal_request', reversals);
    add('review_request', reviews);
    add('correction', corrections);
    add('registration_closing', closing);
    if (cycle) add('verification_not_opened', notOpened, verificationYear(cycle));
    if (cycle) add('verification_to_submit', toSubmit, verificationYear(cycle));
    add('homework_to_grade', toGrade);
    add('forum_reports', reports);
    const marking = await createExamRepository(db).markingOf(actor.userId, actor.orgPath);
    add(
      'exam_marking',
      marking.reduce((n, x) => n + x.pending + x.disputed, 0),
    );
    if (can(actor, 'lrs.manage', at)) add('lrs_review', await createLrsReviewRepository(db).waitingUnder(path));
    if (actor.role === 'school_admin' || actor.role === 'county_admin')
      add('pair_recommend', await createPairRepository(db).waitingForSchool(path));
    if (actor.role === 'county_admin') add('pair_register', await createPairRepository(db).waitingForCounty(path));
    if (actor.role === 'school_admin')
      add('development_plan_review', await createDevelopmentPlanRepository(db).waitingUnder(actor.provinceId, path));
    const backbone = await c.backbone.todos(actor);
    add('backbone_nominate', backbone.nominate);
    add('backbone_score', backbone.score);
    add('backbone_flagged', backbone.flagged);
    add('backbone_duties', backbone.duties);
    const publicity = createPublicityRepository(db);
    add('publicity_objections', await publicity.openObjectionsAtUnit(actor.orgUnitId));
    add('publicity_to_finalise', await publicity.readyToFinaliseAtUnit(actor.orgUnitId, publicityNow(env)));
    const competitions = createCompetitionRepository(db);
    add('competition_entries', await competitions.openRoundsWithoutEntries(path, actor.orgUnitId, day));
    add('competition_scoring', await competitions.waitingForJudge(actor.userId));
    return { kind: 'admin', today: day, cycleId: cycle?.id ?? null, todos };
  }

  async function teacherHome(ctx: RequestContext, actor: Actor): Promise<Home> {
    const day = today(env);
    const teacher = await createTeacherRepository(db).findByUserId(actor.userId);
    if (!teacher)
      return {
        kind: 'teacher',
        today: day,
        linked: false,
        hours: null,
        nextSession: null,
        surveysPending: 0,
        homeworkToDo: [],
        forumReports: [],
        pairsToConfirm: 0,
        toScore: await toScoreOf(actor),
      };
    const progress = c.credits.progress(ctx, {}).catch((e: unknown) => {
      // no cycle covers this year yet: nothing to count against
      if (e instanceof AppError && e.code === 'CYCLE_NOT_FOUND_FOR_YEAR') return null;
      throw e;
    });
    const onlineIds = await onlineClasses.enrolledIn(teacher.id);
    const [p, timetable, surveys, standing, online, reports] = await Promise.all([
      progress,
      c.enrolments.timetable(ctx),
      c.surveys.pending(ctx),
      homework.standing(teacher.id, onlineIds),
      onlineClasses.summaries(onlineIds),
      forum.openReportsForModerator(teacher.id),
    ]);
    const year = currentYear(env);
    const thisYear = p?.progress.years.find((y) => y.year === year);
    const next = timetable.find((s) => s.endsAt.getTime() > Date.now()) ?? null;
    return {
      kind: 'teacher',
      today: day,
      linked: true,
      hours: p
        ? {
            cycleId: p.cycle.id,
            cycleName: p.cycle.name,
            counted: p.progress.counted,
            required: p.progress.required,
            status: p.progress.status,
            year,
            yearCounted: thisYear?.counted ?? 0,
            yearMinimum: thisYear?.minimum ?? null,
            minimaUnmet: p.progress.minima.filter((m) => m.applies && !m.met).length,
          }
        : null,
      nextSession: next && {
        sessionId: next.sessionId,
        classId: next.classId,
        className: next.className,
        projectTitle: next.projectTitle,
        startsAt: next.startsAt,
        endsAt: next.endsAt,
        place: next.place,
      },
      surveysPending: surveys.length,
      homeworkToDo: standing
        .filter((x) => x.toDo > 0)
        .map((x) => ({
          classId: x.classId,
          className: online.find((o) => o.classId === x.classId)?.className ?? '',
          count: x.toDo,
        })),
      forumReports: reports.map((r) => ({ classId: r.classId, className: r.className, count: r.n })),
      pairsToConfirm: await createPairRepository(db).waitingForTeacher(teacher.id),
      toScore: await toScoreOf(actor),
    };
  }

  /** What waits for the account's score as a judge or a panel member (any account may be named one). */
  async function toScoreOf(actor: Actor): Promise<{ competitions: number; backbone: number }> {
    const [competitions, backbone] = await Promise.all([
      createCompetitionRepository(db).waitingForJudge(actor.userId),
      c.backbone.todos(actor),
    ]);
    return { competitions, backbone: backbone.score };
  }

  async function trainerHome(ctx: RequestContext, actor: Actor): Promise<Home> {
    const day = today(env);
    const [toGrade, reports] = await Promise.all([
      homework.waitingForTrainer(actor.userId),
      forum.openReportsForTrainer(actor.userId),
    ]);
    const todos: Todo[] = [];
    if (toGrade > 0) todos.push({ kind: 'homework_to_grade', count: toGrade, year: null, cycleId: null });
    // a trainer marks what they were named for; disputes wait for the organiser's admins
    const marking = (await createExamRepository(db).markingOf(actor.userId, null)).reduce((n, x) => n + x.pending, 0);
    if (marking > 0) todos.push({ kind: 'exam_marking', count: marking, year: null, cycleId: null });
    if (reports > 0) todos.push({ kind: 'forum_reports', count: reports, year: null, cycleId: null });
    const toScore = (await c.backbone.todos(actor)).score;
    if (toScore > 0) todos.push({ kind: 'backbone_score', count: toScore, year: null, cycleId: null });
    const judging = await createCompetitionRepository(db).waitingForJudge(actor.userId);
    if (judging > 0) todos.push({ kind: 'competition_scoring', count: judging, year: null, cycleId: null });
    const all = (await c.attendance.mySessions(ctx)).map((s) => ({
      sessionId: s.id,
      classId: s.classId,
      className: s.className,
      projectTitle: s.projectTitle,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      place: s.place,
    }));
    const sessions = all.filter((s) => chinaDay(s.startsAt) === day).sort((a, b) => +a.startsAt - +b.startsAt);
    const next = all.filter((s) => chinaDay(s.startsAt) > day).sort((a, b) => +a.startsAt - +b.startsAt)[0] ?? null;
    return { kind: 'trainer', today: day, sessions, next, todos };
  }

  return {
    async get(ctx: RequestContext): Promise<Home> {
      const actor = requireActor(ctx);
      if (isAdmin(actor.role)) return adminHome(actor);
      if (actor.role === 'teacher') return teacherHome(ctx, actor);
      if (actor.role === 'trainer') return trainerHome(ctx, actor);
      return { kind: 'member', today: today(env) };
    },
  };
}
