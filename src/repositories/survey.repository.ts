import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ResultsAfter, ResultsRelease, SurveyAnswers, SurveyQuestion } from '../domain/survey.js';

type Q = Kysely<DB>;

/** A class as the survey sees it: its project, its state and when its first session starts. */
export interface SurveyClassRow {
  id: number;
  name: string;
  projectId: number;
  projectTitle: string;
  projectPath: string;
  projectStatus: 'draft' | 'open' | 'closed';
  status: 'open' | 'closed';
  closedAt: Date | null;
  enrolled: number;
  firstSessionStartsAt: Date | null;
}

/** A class a teacher holds a place in, with whether they answered its survey. */
export interface TeacherSurveyClassRow extends SurveyClassRow {
  answered: boolean;
}

/**
 * The questionnaire of a project, who answered (survey_submission) and the answers
 * (survey_response: no teacher, the day only). Nothing here joins the two.
 */
export function createSurveyRepository(db: Q) {
  const classes = () =>
    db
      .selectFrom('training_class as c')
      .innerJoin('training_project as p', 'p.id', 'c.project_id')
      .select((eb) => [
        'c.id',
        'c.name',
        'c.project_id as projectId',
        'p.title as projectTitle',
        'p.org_path as projectPath',
        'p.status as projectStatus',
        'c.status',
        'c.closed_at as closedAt',
        'c.enrolled',
        eb
          .selectFrom('training_session as s')
          .select((e) => e.fn.min('s.starts_at').as('m'))
          .whereRef('s.class_id', '=', 'c.id')
          .as('firstSessionStartsAt'),
      ]);

  return {
    /** The questions the organiser set and when figures show, or undefined while the defaults apply. */
    async form(
      projectId: number,
    ): Promise<{ questions: SurveyQuestion[]; release: ResultsRelease; updatedAt: Date } | undefined> {
      const r = await db
        .selectFrom('survey_form')
        .select(['questions', 'results_after as after', 'results_min_answers as minAnswers', 'updated_at as updatedAt'])
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return (
        r && {
          questions: r.questions as unknown as SurveyQuestion[],
          release: { after: r.after as ResultsAfter, minAnswers: r.minAnswers },
          updatedAt: r.updatedAt,
        }
      );
    },

    async saveForm(projectId: number, questions: SurveyQuestion[], release: ResultsRelease, by: number): Promise<void> {
      const values = {
        questions: JSON.stringify(questions),
        results_after: release.after,
        results_min_answers: release.minAnswers,
        updated_by: by,
      };
      await db
        .insertInto('survey_form')
        .values({ project_id: projectId, ...values })
        .onConflict((oc) => oc.column('project_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
        .execute();
    },

    /**
     * Locks the project row: shared by an answer (so the questionnaire cannot change under it),
     * exclusive by an edit of the questionnaire (so no answer slips in while it changes).
     */
    async lockProject(projectId: number, mode: 'share' | 'update'): Promise<void> {
      const q = db.selectFrom('training_project').select('id').where('id', '=', projectId);
      await (mode === 'share' ? q.forShare() : q.forUpdate()).execute();
    },

    async hasResponses(projectId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('survey_response')
          .select('id')
          .where('project_id', '=', projectId)
          .limit(1)
          .executeTakeFirst()) !== undefined
      );
    },

    async class(classId: number): Promise<SurveyClassRow | undefined> {
      return (await classes().where('c.id', '=', classId).executeTakeFirst()) as SurveyClassRow | undefined;
    },

    /** The projects a unit ran in a year (published ones: a draft has no answers), by id. */
    async projectsOfUnit(orgUnitId: number, year: number): Promise<Array<{ id: number; title: string }>> {
      return db
        .selectFrom('training_project')
        .select(['id', 'title'])
        .where('org_unit_id', '=', orgUnitId)
        .where('year', '=', year)
        .where('status', '<>', 'draft')
        .orderBy('id')
        .execute();
    },

    async classesOfProject(projectId: number): Promise<SurveyClassRow[]> {
      return (await classes().where('c.project_id', '=', projectId).orderBy('c.id').execute()) as SurveyClassRow[];
    },

    async isTrainer(classId: number, userId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('training_class_trainer')
          .select('user_id')
          .where('class_id', '=', classId)
          .where('user_id', '=', userId)
          .executeTakeFirst()) !== undefined
      );
    },

    async teacherOfUser(userId: number): Promise<{ id: number; orgPath: string } | undefined> {
      return db
        .selectFrom('teacher')
        .select(['id', 'org_path as orgPath'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    async isEnrolled(classId: number, teacherId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('enrolment')
          .select('id')
          .where('class_id', '=', classId)
          .where('teacher_id', '=', teacherId)
          .where('status', '=', 'enrolled')
          .executeTakeFirst()) !== undefined
      );
    },

    async hasAnswered(classId: number, teacherId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('survey_submission')
          .select('class_id')
          .where('class_id', '=', classId)
          .where('teacher_id', '=', teacherId)
          .executeTakeFirst()) !== undefined
      );
    },

    /** Classes of non-draft projects where the teacher holds a place, with whether they answered. */
    async classesOfTeacher(teacherId: number): Promise<TeacherSurveyClassRow[]> {
      return (await classes()
        .innerJoin('enrolment as e', 'e.class_id', 'c.id')
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .where('p.status', '<>', 'draft')
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('survey_submission as ss')
                .select('ss.class_id')
                .whereRef('ss.class_id', '=', 'c.id')
                .where('ss.teacher_id', '=', teacherId),
            )
            .as('answered'),
        )
        .orderBy('c.id', 'desc')
        .limit(500)
        .execute()) as TeacherSurveyClassRow[];
    },

    /**
     * Records that the teacher answered; false when they already had (the primary key holds).
     * Called in the same transaction as `insertResponse`.
     */
    async insertSubmission(classId: number, teacherId: number): Promise<boolean> {
      const r = await db
        .insertInto('survey_submission')
        .values({ class_id: classId, teacher_id: teacherId })
        .onConflict((oc) => oc.doNothing())
        .returning('class_id')
        .executeTakeFirst();
      return r !== undefined;
    },

    /** The answers, without the teacher and with the day only. */
    async insertResponse(r: {
      classId: number;
      projectId: number;
      answers: SurveyAnswers;
      day: string;
    }): Promise<void> {
      await db
        .insertInto('survey_response')
        .values({
          class_id: r.classId,
          project_id: r.projectId,
          answers: JSON.stringify(r.answers),
          submitted_on: r.day,
        })
        .execute();
    },

    /** The answers of some classes, by class; in no meaningful order (callers sort what they show). */
    async responses(classIds: number[]): Promise<Map<number, SurveyAnswers[]>> {
      const out = new Map<number, SurveyAnswers[]>(classIds.map((id) => [id, []]));
      if (!classIds.length) return out;
      const rows = await db
        .selectFrom('survey_response')
        .select(['class_id as classId', 'answers'])
        .where('class_id', 'in', classIds)
        .execute();
      for (const r of rows) out.get(r.classId)?.push(r.answers as unknown as SurveyAnswers);
      return out;
    },
  };
}

export type SurveyRepository = ReturnType<typeof createSurveyRepository>;
