import type { Kysely } from 'kysely';
import { currentYear, today, type Env } from '../config/env.js';
import { addDays } from '../domain/calendar.js';
import type { DB } from '../db/schema.js';
import { countedChars, DEFAULT_ONLINE_COMPLETION } from '../domain/online-course.js';
import { createEnrolmentRepository } from '../repositories/enrolment.repository.js';
import { createTrainingRepository } from '../repositories/training.repository.js';

type Unit = { id: number; path: string; provinceId: number };

const OPENING =
  '请大家结合自己的教育教学经历，分享一个体现师德师风的小故事：当时的情境、你的做法，以及事后的反思。' +
  '回帖请写出自己的真实经历，不少于规定字数才计入研讨次数。';

/**
 * The demo county's online class (网络研修): the province's 师德师风 course opened to demo-teacher and
 * some colleagues for a study window around today, taught by demo-trainer, with one assignment due in
 * two weeks and one forum topic, so homework and the forum can be tried at once.
 */
export async function seedDemoStudy(
  trx: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  units: { province: Unit; county: Unit },
  users: { county: number; trainer: number },
  teachers: Array<{ id: number; orgUnitId: number; orgPath: string }>,
  demoTeacherId: number,
): Promise<{ projectId: number; classId: number }> {
  const { county } = units;
  const training = createTrainingRepository(trx);
  const day = today(env);
  const year = currentYear(env);
  const course = await trx
    .selectFrom('course')
    .select('id')
    .where('org_unit_id', '=', units.province.id)
    .where('title', '=', '师德师风建设专题')
    .executeTakeFirstOrThrow();
  // its online content: a chapter of text pages, so the study page, its clock and its receipt can be tried
  // (videos are uploaded by the course's keepers; the demo ships none)
  const chapter = await trx
    .insertInto('course_chapter')
    .values({ course_id: course.id, position: 0, title: '第一章 新时代教师职业行为准则' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('course_item')
    .values([
      {
        course_id: course.id,
        chapter_id: chapter.id,
        position: 0,
        kind: 'text',
        title: '学习指南',
        required_minutes: 2,
        body:
          '本课程共一章。请在学习时间内读完每一节：页面在前台时才计时，切换到其他页面或应用的时间不计入；' +
          '学习中会弹出“还在学习吗？”，请及时点击继续。学完后完成研修作业、参加班级研讨并写研修心得。',
      },
      {
        course_id: course.id,
        chapter_id: chapter.id,
        position: 1,
        kind: 'text',
        title: '十项准则导读',
        required_minutes: 5,
        body:
          '《新时代中小学教师职业行为十项准则》要求教师坚定政治方向、自觉爱国守法、传播优秀文化、潜心教书育人、' +
          '关心爱护学生、加强安全防范、坚持言行雅正、秉持公平诚信、坚守廉洁自律、规范从教行为。\n\n' +
          '请结合自己的教育教学实践，想一想每一条准则在日常工作中意味着什么。',
      },
    ])
    .execute();
  const projectId = await training.insertProject({
    provinceId: county.provinceId,
    orgUnitId: county.id,
    orgPath: county.path,
    createdBy: users.county,
    level: 'county',
    year,
    title: `桦甸市${year}年师德师风网络研修`,
    description: '网络研修：观看师德专题课程，完成研修作业并参加班级研讨。',
    // registration is over: the class is under way
    registrationOpens: addDays(day, -30),
    registrationCloses: addDays(day, -8),
    eligibility: {},
    completionRule: { minAttendancePct: 0, assessmentRequired: false },
    hours: 200,
    creditCategories: ['ethics', 'online'],
  });
  await training.moveProject(projectId, 'draft', 'open');
  const classId = await training.insertClass({
    projectId,
    provinceId: county.provinceId,
    orgPath: county.path,
    name: '网络研修一班',
    capacity: 100,
  });
  await trx
    .updateTable('training_class')
    .set({ course_id: course.id, study_opens_on: addDays(day, -7), study_closes_on: addDays(day, 60) })
    .where('id', '=', classId)
    .execute();
  await training.setTrainers(classId, [users.trainer]);
  const picked = [
    teachers.find((t) => t.id === demoTeacherId)!,
    ...teachers
      .filter((t) => t.id !== demoTeacherId)
      .filter((_, i) => i % 23 === 1)
      .slice(0, 24),
  ];
  const enrolments = createEnrolmentRepository(trx);
  await enrolments.insert(
    picked.map((t) => ({
      classId,
      teacherId: t.id,
      provinceId: county.provinceId,
      orgUnitId: t.orgUnitId,
      orgPath: t.orgPath,
      status: 'enrolled' as const,
      source: 'bulk' as const,
      quotaUnitId: null,
      createdBy: users.county,
    })),
  );
  await enrolments.addToCounters(classId, picked.length, 0);
  await trx
    .insertInto('homework_assignment')
    .values({
      province_id: county.provinceId,
      class_id: classId,
      title: '师德案例分析',
      instructions:
        '选取一个发生在身边的师德案例，分析其中体现的职业道德规范，并写出自己的做法与反思（不少于 800 字），' +
        '可附教学设计或相关材料。',
      due_at: new Date(`${addDays(day, 14)}T23:59:00+08:00`),
      grading: 'grade',
      created_by: users.trainer,
    })
    .execute();
  const topic = await trx
    .insertInto('forum_topic')
    .values({
      province_id: county.provinceId,
      class_id: classId,
      title: '分享一个师德小故事',
      author_id: users.trainer,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('forum_post')
    .values({
      province_id: county.provinceId,
      class_id: classId,
      topic_id: topic.id,
      author_id: users.trainer,
      teacher_id: null,
      opening: true,
      body: OPENING,
      chars: countedChars(OPENING),
      counts: countedChars(OPENING) >= DEFAULT_ONLINE_COMPLETION.minPostChars,
      why_not: countedChars(OPENING) >= DEFAULT_ONLINE_COMPLETION.minPostChars ? null : 'too_short',
    })
    .execute();
  return { projectId, classId };
}
