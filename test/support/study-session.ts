import crypto from 'node:crypto';
import type { Database } from '../../src/db/database.js';
import type { Env } from '../../src/config/env.js';
import type { StudyRule } from '../../src/domain/online-course.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import { addUser } from './fixtures.js';
import { seedTeacher } from './ledger.js';

export interface OnlineClass {
  courseId: number;
  projectId: number;
  classId: number;
  /** a 10-minute video (600 s), a PDF and a text page */
  videoId: number;
  documentId: number;
  textId: number;
  teachers: Array<{ id: number; userId: number; username: string }>;
}

/**
 * An online class of a county project (organised by `county`) whose course has a 10-minute video, a
 * PDF and a text page, open for study from `opensOn` to `closesOn`, with `teacherCount` teachers of
 * `school` enrolled, each with an account `<prefix>-teacher-<i>` (password TEST_PASSWORD).
 */
export async function seedOnlineClass(
  db: Database,
  env: Env,
  opts: {
    county: OrgUnitRow;
    school: OrgUnitRow;
    prefix: string;
    teacherCount?: number;
    opensOn?: string;
    closesOn?: string;
    rule?: Partial<StudyRule>;
    completionRule?: Record<string, unknown>;
  },
): Promise<OnlineClass> {
  const { county, school, prefix } = opts;
  const course = await db
    .insertInto('course')
    .values({
      province_id: county.provinceId,
      org_unit_id: county.id,
      org_path: county.path,
      title: `${prefix} 信息技术与学科教学融合`,
      category: 'required',
      module: '教育技术',
      form: 'online',
      hours: 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('course_online')
    .values({
      course_id: course.id,
      study_rule: JSON.stringify(opts.rule ?? {}),
      completion_rule: JSON.stringify(opts.completionRule ?? {}),
    })
    .execute();
  const chapter = await db
    .insertInto('course_chapter')
    .values({ course_id: course.id, position: 0, title: '第一章 课堂里的信息技术' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const file = (kind: 'video' | 'document', duration: number | null) =>
    db
      .insertInto('study_file')
      .values({
        province_id: county.provinceId,
        course_id: course.id,
        kind,
        file_name: kind === 'video' ? '第一讲.mp4' : '讲义.pdf',
        mime_type: kind === 'video' ? 'video/mp4' : 'application/pdf',
        size_bytes: 1000,
        sha256: crypto.randomBytes(32).toString('hex'),
        duration_seconds: duration,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const item = async (position: number, kind: 'video' | 'document' | 'text', minutes: number, fileId: number | null) =>
    (
      await db
        .insertInto('course_item')
        .values({
          course_id: course.id,
          chapter_id: chapter.id,
          position,
          kind,
          title: kind === 'video' ? '第一讲 信息技术与课堂' : kind === 'document' ? '讲义' : '学习指南',
          required_minutes: minutes,
          file_id: fileId,
          body: kind === 'text' ? '本课程要求：认真观看视频，完成作业。' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const videoId = await item(0, 'video', 10, (await file('video', 600)).id);
  const documentId = await item(1, 'document', 5, (await file('document', null)).id);
  const textId = await item(2, 'text', 1, null);
  const project = await db
    .insertInto('training_project')
    .values({
      province_id: county.provinceId,
      org_unit_id: county.id,
      org_path: county.path,
      level: 'county',
      title: `${prefix} 2027年信息技术应用能力提升网络研修`,
      year: 2027,
      status: 'open',
      completion_rule: JSON.stringify({ minAttendancePct: 0, assessmentRequired: false }),
      hours: 300,
      credit_categories: [],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cls = await db
    .insertInto('training_class')
    .values({
      project_id: project.id,
      province_id: county.provinceId,
      org_path: county.path,
      name: `${prefix} 网络研修一班`,
      capacity: 1000,
      status: 'open',
      course_id: course.id,
      study_opens_on: opts.opensOn ?? '2027-09-01',
      study_closes_on: opts.closesOn ?? '2027-12-31',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const teachers: OnlineClass['teachers'] = [];
  for (let i = 0; i < (opts.teacherCount ?? 2); i++) {
    const id = await seedTeacher(db, env, school);
    const username = `${prefix}-teacher-${i}`;
    const userId = await addUser(db, school, 'teacher', username);
    await db.updateTable('teacher').set({ user_id: userId }).where('id', '=', id).execute();
    await db
      .insertInto('enrolment')
      .values({
        class_id: cls.id,
        teacher_id: id,
        province_id: school.provinceId,
        org_unit_id: school.id,
        org_path: school.path,
        status: 'enrolled',
        source: 'bulk',
      })
      .execute();
    teachers.push({ id, userId, username });
  }
  await db.updateTable('training_class').set({ enrolled: teachers.length }).where('id', '=', cls.id).execute();
  return { courseId: course.id, projectId: project.id, classId: cls.id, videoId, documentId, textId, teachers };
}

/**
 * Moves a study session's start back by `seconds`, so its first heartbeat spans them. (A service that
 * already holds the session in memory keeps its presence schedule from the old start.)
 */
export async function backdateSession(db: Database, sessionId: number, seconds: number): Promise<void> {
  await db
    .updateTable('study_session')
    .set({ started_at: new Date(Date.now() - seconds * 1000) })
    .where('id', '=', sessionId)
    .execute();
}
