import { chinaDay, today } from '../config/env.js';
import { isAdmin } from '../domain/org-tree.js';
import {
  aggregate,
  answerWindow,
  ANSWER_DAYS_AFTER_CLOSE,
  answerWindowClosesAt,
  checkAnswers,
  checkQuestions,
  checkRelease,
  DEFAULT_QUESTIONS,
  DEFAULT_RELEASE,
  MIN_ANSWERS_FOR_DETAIL,
  projectResults,
  resultsReleased,
  withheldResults,
  type ProjectSurveyResults,
  type ResultsRelease,
  type SurveyIssue,
  type SurveyQuestion,
  type SurveyResults,
} from '../domain/survey.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createSurveyRepository, type SurveyClassRow } from '../repositories/survey.repository.js';
import { createTrainingRepository, type ProjectRow } from '../repositories/training.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { PERCENT_FORMAT } from './roster-file.js';
import { requireAdminAction, requireAdminAtUnit } from './registry-access.js';

export interface SurveyForm {
  projectId: number;
  questions: SurveyQuestion[];
  /** the organiser set no questions: the default questionnaire applies */
  isDefault: boolean;
  /** answers exist: the questions can no longer change */
  locked: boolean;
  canEdit: boolean;
  /** when a class's figures show: after its answer window closed (default), or from a number of answers on */
  release: ResultsRelease;
}

export interface SurveyClassRef {
  classId: number;
  className: string;
  projectId: number;
  projectTitle: string;
}

export interface TeacherSurvey extends SurveyClassRef {
  questions: SurveyQuestion[];
  answered: boolean;
  /** not_yet: before the first session; open: may answer; over: 30 days after the class closed */
  window: 'not_yet' | 'open' | 'over';
}

/** Whether a class's figures show yet, and from when they will. */
export interface ClassRelease {
  /** false: only the number of answers is given until the answer window closes (or enough answers came in) */
  released: boolean;
  /** when the answer window closes; null while the class is open (it closes 30 days after the class) */
  windowClosesAt: Date | null;
}

export interface ClassSurveyResults extends SurveyClassRef, ClassRelease {
  classStatus: 'open' | 'closed';
  minAnswersForDetail: number;
  release: ResultsRelease;
  results: SurveyResults;
}

/** A class as a project's figures list it. */
interface ProjectClass extends ClassRelease {
  classId: number;
  className: string;
  classStatus: 'open' | 'closed';
  enrolled: number;
}

export interface ProjectSurveyView {
  projectId: number;
  projectTitle: string;
  minAnswersForDetail: number;
  release: ResultsRelease;
  results: ProjectSurveyResults<ProjectClass>;
}

export interface UnitSurveySummary {
  unit: { id: number; name: string };
  year: number;
  minAnswersForDetail: number;
  projects: Array<{
    projectId: number;
    projectTitle: string;
    answers: number;
    enrolled: number;
    responseRate: number | null;
    /** classes with answers, but too few to be counted in the means */
    classesHidden: number;
    /** classes with answers whose figures are withheld until their answer window closes */
    classesWithheld: number;
    /** per rating question; null when no class has enough answers */
    means: Array<{ key: string; zh: string; en: string; mean: number | null }>;
  }>;
}

const invalid = (issues: SurveyIssue[]) => new AppError('VALIDATION_FAILED', { details: { issues } });
const ref = (c: SurveyClassRow): SurveyClassRef => ({
  classId: c.id,
  className: c.name,
  projectId: c.projectId,
  projectTitle: c.projectTitle,
});

/**
 * The satisfaction survey after each class. The organiser keeps a project's questionnaire;
 * each enrolled teacher answers once per class; the organiser's subtree (survey.results) and the
 * class's trainers read the figures. An answer is stored without the teacher and with the day only;
 * the row that keeps a teacher from answering twice is written in the same transaction and is not
 * linked to it, and the audit log records only that the teacher answered the class.
 * `now` is the clock (tests pass their own).
 */
export function createSurveyService(deps: ServiceDeps, now: () => number = Date.now) {
  const { db, env } = deps;
  const repo = createSurveyRepository(db);
  const training = createTrainingRepository(db);

  async function projectOrNotFound(id: number): Promise<ProjectRow> {
    const p = await training.project(id);
    if (!p) throw new AppError('NOT_FOUND');
    return p;
  }

  async function classOrNotFound(id: number): Promise<SurveyClassRow> {
    const c = await repo.class(id);
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  const questionsOf = async (projectId: number) =>
    (await repo.form(projectId))?.questions ?? DEFAULT_QUESTIONS.map((q) => ({ ...q }));
  const formOf = async (projectId: number): Promise<{ questions: SurveyQuestion[]; release: ResultsRelease }> => {
    const f = await repo.form(projectId);
    return f ?? { questions: DEFAULT_QUESTIONS.map((q) => ({ ...q })), release: { ...DEFAULT_RELEASE } };
  };
  const classRelease = (release: ResultsRelease, c: SurveyClassRow, answers: number, at: number): ClassRelease => ({
    released: resultsReleased(release, c, answers, at),
    windowClosesAt: answerWindowClosesAt(c),
  });

  /** The teacher record of a teacher account enrolled in the class; anyone else is refused. */
  async function enrolledTeacher(
    ctx: RequestContext,
    action: string,
    classId: number,
  ): Promise<{ teacherId: number; teacherPath: string; cls: SurveyClassRow }> {
    const actor = requireActor(ctx);
    const t = actor.role === 'teacher' ? await repo.teacherOfUser(actor.userId) : undefined;
    if (!t)
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'training_class', targetId: classId, targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    const cls = await repo.class(classId);
    // a class the teacher holds no place in does not exist for them
    if (!cls || cls.projectStatus === 'draft' || !(await repo.isEnrolled(classId, t.id))) {
      return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, notFoundDenied());
    }
    return { teacherId: t.id, teacherPath: t.orgPath, cls };
  }

  /** A trainer of the class, or an administrator allowed survey.results where the project runs. */
  async function requireResultsReader(ctx: RequestContext, action: string, cls: SurveyClassRow): Promise<void> {
    const actor = requireActor(ctx);
    if (actor.role === 'trainer') {
      if (await repo.isTrainer(cls.id, actor.userId)) return;
      return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: cls.id }, notFoundDenied());
    }
    if (!isAdmin(actor.role))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'training_class', targetId: cls.id, targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    await requireAdminAction(db, ctx, action, 'survey.results', {
      path: cls.projectPath,
      type: 'training_class',
      id: cls.id,
      label: `${cls.projectTitle} / ${cls.name}`,
    });
  }

  async function projectView(projectId: number, project: Pick<ProjectRow, 'title'>): Promise<ProjectSurveyView> {
    const [{ questions, release }, classes] = await Promise.all([formOf(projectId), repo.classesOfProject(projectId)]);
    const responses = await repo.responses(classes.map((c) => c.id));
    const at = now();
    const results = projectResults(
      questions,
      classes.map((c) => {
        const answers = responses.get(c.id) ?? [];
        const r = classRelease(release, c, answers.length, at);
        return {
          classId: c.id,
          className: c.name,
          classStatus: c.status,
          enrolled: c.enrolled,
          ...r,
          responses: answers,
        };
      }),
    );
    return { projectId, projectTitle: project.title, minAnswersForDetail: MIN_ANSWERS_FOR_DETAIL, release, results };
  }

  return {
    /** The questionnaire of a project, for its organiser's subtree. */
    async form(ctx: RequestContext, projectId: number): Promise<SurveyForm> {
      const project = await projectOrNotFound(projectId);
      const actor = await requireAdminAction(db, ctx, 'survey.read_form', 'survey.results', {
        path: project.orgPath,
        type: 'training_project',
        id: projectId,
        label: project.title,
      });
      const [form, locked] = await Promise.all([repo.form(projectId), repo.hasResponses(projectId)]);
      return {
        projectId,
        questions: form?.questions ?? DEFAULT_QUESTIONS.map((q) => ({ ...q })),
        isDefault: !form,
        locked,
        canEdit: !locked && can(actor, 'training.manage', { path: project.orgPath }),
        release: form?.release ?? { ...DEFAULT_RELEASE },
      };
    },

    /**
     * Sets the questions, and when figures show (`release`: { after, minAnswers }; the default when left
     * out), while nobody has answered for the project yet (after that: SURVEY_LOCKED): teachers answer
     * under the rule they were given.
     */
    async saveForm(
      ctx: RequestContext,
      projectId: number,
      input: unknown,
      releaseInput?: unknown,
    ): Promise<SurveyForm> {
      const action = 'survey.save_form';
      const project = await projectOrNotFound(projectId);
      const actor = await requireAdminAction(db, ctx, action, 'training.manage', {
        path: project.orgPath,
        type: 'training_project',
        id: projectId,
        label: project.title,
      });
      const { questions, issues } = checkQuestions(input);
      const { release, issues: releaseIssues } = checkRelease(releaseInput);
      const meta = {
        action,
        targetType: 'training_project',
        targetId: projectId,
        targetPath: project.orgPath,
        targetLabel: project.title,
        details: { questions: questions.length, resultsAfter: release.after, resultsMinAnswers: release.minAnswers },
      };
      await auditedWrite(db, ctx, meta, async (trx) => {
        if (issues.length || releaseIssues.length) throw invalid([...issues, ...releaseIssues]);
        const r = createSurveyRepository(trx);
        await r.lockProject(projectId, 'update');
        if (await r.hasResponses(projectId)) throw new AppError('SURVEY_LOCKED');
        await r.saveForm(projectId, questions, release, actor.userId);
      });
      return { projectId, questions, isDefault: false, locked: false, canEdit: true, release };
    },

    /** The classes where the teacher's answer is awaited now. */
    async pending(ctx: RequestContext): Promise<SurveyClassRef[]> {
      const actor = requireActor(ctx);
      const t = actor.role === 'teacher' ? await repo.teacherOfUser(actor.userId) : undefined;
      if (!t)
        return auditRefusal(
          db,
          ctx,
          { action: 'survey.pending', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const at = now();
      return (await repo.classesOfTeacher(t.id)).filter((c) => !c.answered && answerWindow(c, at) === 'open').map(ref);
    },

    /** What a teacher's form shows: the questions, whether they answered, whether they may now. */
    async classForm(ctx: RequestContext, classId: number): Promise<TeacherSurvey> {
      const { teacherId, cls } = await enrolledTeacher(ctx, 'survey.read_class_form', classId);
      const [questions, answered] = await Promise.all([
        questionsOf(cls.projectId),
        repo.hasAnswered(classId, teacherId),
      ]);
      return { ...ref(cls), questions, answered, window: answerWindow(cls, now()) };
    },

    /**
     * A teacher's answer: once per class, from the first session on. The answer goes to
     * survey_response without the teacher, the fact of answering to survey_submission, in one
     * transaction; the audit row says only that the teacher answered this class.
     */
    async answer(ctx: RequestContext, classId: number, input: unknown): Promise<{ classId: number; answered: true }> {
      const action = 'survey.answer';
      const { teacherId, teacherPath, cls } = await enrolledTeacher(ctx, action, classId);
      // nothing of the answer goes into the audit row, not even on failure, and of its time only the day
      const meta = {
        action,
        targetType: 'training_class',
        targetId: classId,
        targetPath: teacherPath,
        targetLabel: `${cls.projectTitle} / ${cls.name}`,
        day: today(env),
      };
      await auditedWrite(db, ctx, meta, async (trx) => {
        const r = createSurveyRepository(trx);
        await r.lockProject(cls.projectId, 'share');
        const current = (await r.class(classId))!;
        if (answerWindow(current, now()) !== 'open')
          throw new AppError('SURVEY_NOT_OPEN', { params: { days: ANSWER_DAYS_AFTER_CLOSE } });
        const questions = (await r.form(cls.projectId))?.questions ?? [...DEFAULT_QUESTIONS];
        const { answers, issues } = checkAnswers(questions, input);
        if (issues.length) throw invalid(issues);
        if (!(await r.insertSubmission(classId, teacherId))) throw new AppError('SURVEY_ALREADY_ANSWERED');
        await r.insertResponse({ classId, projectId: cls.projectId, answers, day: today(env) });
      });
      return { classId, answered: true };
    },

    /**
     * One class's figures, for its trainers and the organiser's subtree: until its answer window
     * closes (or the organiser's number of answers came in) only how many answered.
     */
    async classResults(ctx: RequestContext, classId: number): Promise<ClassSurveyResults> {
      const cls = await classOrNotFound(classId);
      await requireResultsReader(ctx, 'survey.class_results', cls);
      const [{ questions, release }, responses] = await Promise.all([formOf(cls.projectId), repo.responses([classId])]);
      const answers = responses.get(classId) ?? [];
      const r = classRelease(release, cls, answers.length, now());
      return {
        ...ref(cls),
        classStatus: cls.status,
        minAnswersForDetail: MIN_ANSWERS_FOR_DETAIL,
        release,
        ...r,
        results: r.released
          ? aggregate(questions, answers, cls.enrolled)
          : withheldResults(questions, answers.length, cls.enrolled),
      };
    },

    /** A project's figures: per class, and over the classes with enough answers to show them. */
    async projectResults(ctx: RequestContext, projectId: number): Promise<ProjectSurveyView> {
      const project = await projectOrNotFound(projectId);
      await requireAdminAction(db, ctx, 'survey.project_results', 'survey.results', {
        path: project.orgPath,
        type: 'training_project',
        id: projectId,
        label: project.title,
      });
      return projectView(projectId, project);
    },

    /**
     * The figures of the projects a unit ran in a year, one line each (R-43: they feed the next
     * year's plan): answers, response rate, and the mean of each rating over the classes that show them.
     */
    async unitSummary(ctx: RequestContext, orgUnitId: number, year: number): Promise<UnitSurveySummary> {
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId, 'survey.unit_summary', 'survey.results');
      const projects = await repo.projectsOfUnit(unit.id, year);
      const lines: UnitSurveySummary['projects'] = [];
      for (const p of projects) {
        const view = await projectView(p.id, p);
        const r = view.results;
        lines.push({
          projectId: p.id,
          projectTitle: p.title,
          answers: r.answers,
          enrolled: r.enrolled,
          responseRate: r.responseRate,
          classesHidden: r.classesHidden,
          classesWithheld: r.classesWithheld,
          means: r.overall.questions
            .filter((q) => q.kind === 'rating')
            .map((q) => ({ key: q.key, zh: q.zh, en: q.en, mean: q.mean })),
        });
      }
      return {
        unit: { id: unit.id, name: unit.name },
        year,
        minAnswersForDetail: MIN_ANSWERS_FOR_DETAIL,
        projects: lines,
      };
    },

    /** The project's figures as an .xlsx: per class and question the mean and the counts; the texts of the classes that show them. */
    async exportProject(ctx: RequestContext, projectId: number): Promise<{ buffer: Buffer; projectTitle: string }> {
      const action = 'survey.export_results';
      const project = await projectOrNotFound(projectId);
      const actor = await requireAdminAction(db, ctx, action, 'survey.results', {
        path: project.orgPath,
        type: 'training_project',
        id: projectId,
        label: project.title,
      });
      const view = await projectView(projectId, project);
      const questions = view.results.overall.questions;
      const ratingKeys = questions.filter((q) => q.kind === 'rating');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('满意度汇总');
      ws.columns = [
        { header: '班次', key: 'name', width: 24 },
        { header: '状态', key: 'status', width: 8 },
        { header: '报名人数', key: 'enrolled', width: 10 },
        { header: '答卷数', key: 'answers', width: 10 },
        { header: '答卷率', key: 'rate', width: 10 },
        ...ratingKeys.flatMap((q) => [
          { header: `${q.zh}（均分）`, key: `${q.key}_mean`, width: 14 },
          { header: `${q.zh}（1/2/3/4/5 分人数）`, key: `${q.key}_dist`, width: 22 },
        ]),
      ];
      const row = (name: string, status: string, r: SurveyResults) => {
        const out: Record<string, string | number> = {
          name,
          status,
          enrolled: r.enrolled,
          answers: r.answers,
          rate: r.responseRate ?? '',
        };
        for (const q of r.questions.filter((x) => x.kind === 'rating')) {
          out[`${q.key}_mean`] = q.mean ?? (r.detailShown ? '' : `不足 ${MIN_ANSWERS_FOR_DETAIL} 份，不显示`);
          out[`${q.key}_dist`] = q.distribution ? q.distribution.join(' / ') : '';
        }
        return out;
      };
      for (const c of view.results.classes) {
        const line = row(c.className, c.classStatus === 'closed' ? '已结班' : '进行中', c.results);
        if (!c.released) {
          const when = c.windowClosesAt ? `（${chinaDay(c.windowClosesAt)}）` : '';
          for (const q of ratingKeys) line[`${q.key}_mean`] = `结果将在答题截止后公布${when}`;
        }
        ws.addRow(line);
      }
      const total = row('全项目（答卷不少于 3 份的班次）', '', view.results.overall);
      Object.assign(total, {
        enrolled: view.results.enrolled,
        answers: view.results.answers,
        rate: view.results.responseRate ?? '',
      });
      ws.addRow(total).font = { bold: true };
      ws.getRow(1).font = { bold: true };
      // the answer rate is a number shown as a percentage (0.75 → 75.0%)
      ws.getColumn('rate').numFmt = PERCENT_FORMAT;
      const texts = wb.addWorksheet('意见和建议');
      texts.columns = [
        { header: '班次', key: 'name', width: 24 },
        { header: '问题', key: 'question', width: 16 },
        { header: '内容', key: 'text', width: 80 },
      ];
      for (const c of view.results.classes) {
        for (const group of c.results.texts) {
          const label = questions.find((q) => q.key === group.key)?.zh ?? group.key;
          for (const text of group.items) texts.addRow({ name: c.className, question: label, text });
        }
      }
      texts.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'training_project',
          targetId: projectId,
          targetPath: actor.orgPath,
          targetLabel: project.title,
          details: { classes: view.results.classes.length },
        },
        'success',
      );
      return { buffer, projectTitle: project.title };
    },
  };
}

export type SurveyService = ReturnType<typeof createSurveyService>;
