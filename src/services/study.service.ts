import { today } from '../config/env.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createAttendanceRepository } from '../repositories/attendance.repository.js';
import { createOnlineCourseRepository, type ItemKind } from '../repositories/online-course.repository.js';
import { createStudyRepository, type OnlineClassRow } from '../repositories/study.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';

/** Where a study window stands on a day (China time): not yet open, open, or over. */
export interface StudyWindow {
  studyOpensOn: string;
  studyClosesOn: string;
  /** today lies in the window */
  openNow: boolean;
  /** the window has begun (teachers may open the content, also after it closed) */
  opened: boolean;
}

export interface MyOnlineClass extends OnlineClassRow, StudyWindow {
  /** the course's items not archived, and their required minutes together */
  itemCount: number;
  requiredMinutes: number;
}

export interface OutlineItem {
  id: number;
  kind: ItemKind;
  title: string;
  requiredMinutes: number;
  fileId: number | null;
  durationSeconds: number | null;
}

export interface Outline {
  cls: OnlineClassRow & StudyWindow;
  /** who is reading: an enrolled teacher, a trainer (辅导老师) of the class, or an organiser's admin */
  viewer: 'teacher' | 'trainer' | 'admin';
  chapters: Array<{ id: number; title: string; items: OutlineItem[] }>;
  itemCount: number;
  requiredMinutes: number;
}

export interface StudyItem extends OutlineItem {
  /** a text page's content */
  body: string | null;
  fileName: string | null;
  sizeBytes: number | null;
}

/** The window of an online class as it stands on `day`. */
export function studyWindow(c: { studyOpensOn: string; studyClosesOn: string }, day: string): StudyWindow {
  return {
    studyOpensOn: c.studyOpensOn,
    studyClosesOn: c.studyClosesOn,
    openNow: c.studyOpensOn <= day && day <= c.studyClosesOn,
    opened: c.studyOpensOn <= day,
  };
}

/**
 * The teacher's side of online study (R-20 网络): their online classes, and a class's outline (chapters
 * and items) for its enrolled teachers, its trainers (辅导老师) and the organiser's admins. The player
 * that counts minutes is elsewhere; these answers carry no progress.
 */
export function createStudyService(deps: ServiceDeps) {
  const { db, env } = deps;
  const study = createStudyRepository(db);
  const content = createOnlineCourseRepository(db);

  async function teacherIdOf(actor: Actor): Promise<number | null> {
    return (await createTeacherRepository(db).findByUserId(actor.userId))?.id ?? null;
  }

  /**
   * An online class the actor may read, and as whom. Anyone else, and any class that is not online,
   * is "not found" (refusals audited): a teacher learns nothing of classes they are not in.
   */
  async function readable(
    ctx: RequestContext,
    classId: number,
    action: string,
  ): Promise<{ actor: Actor; cls: OnlineClassRow; viewer: Outline['viewer'] }> {
    const actor = requireActor(ctx);
    const cls = await study.onlineClass(classId);
    if (!cls) throw new AppError('NOT_FOUND');
    let viewer: Outline['viewer'] | null = null;
    if (cls.provinceId === actor.provinceId) {
      if (actor.role === 'teacher') {
        const teacherId = await teacherIdOf(actor);
        if (teacherId !== null && (await study.isEnrolled(classId, teacherId))) viewer = 'teacher';
      } else if (actor.role === 'trainer') {
        if (await createAttendanceRepository(db).isTrainer(classId, actor.userId)) viewer = 'trainer';
      } else if (isAdmin(actor.role) && can(actor, 'training.manage', { path: cls.projectPath })) viewer = 'admin';
    }
    if (!viewer)
      return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, notFoundDenied());
    return { actor, cls, viewer };
  }

  return {
    /** The online classes the teacher holds a place in, with their course, window and what the course asks. */
    async mine(ctx: RequestContext): Promise<MyOnlineClass[]> {
      const actor = requireActor(ctx);
      if (actor.role !== 'teacher')
        return auditRefusal(
          db,
          ctx,
          { action: 'study.list_mine', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const teacherId = await teacherIdOf(actor);
      if (teacherId === null) return [];
      const classes = await study.enrolledClasses(teacherId);
      const totals = await content.totals([...new Set(classes.map((c) => c.courseId))]);
      const day = today(env);
      return classes.map((c) => ({
        ...c,
        ...studyWindow(c, day),
        itemCount: totals.get(c.courseId)?.items ?? 0,
        requiredMinutes: totals.get(c.courseId)?.minutes ?? 0,
      }));
    },

    /** A class's course outline: chapters in order with their items (archived ones and empty chapters left out). */
    async outline(ctx: RequestContext, classId: number): Promise<Outline> {
      const { cls, viewer } = await readable(ctx, classId, 'study.read_outline');
      const [chapters, items] = await Promise.all([
        content.chapters(cls.courseId),
        content.items(cls.courseId, { archived: false }),
      ]);
      const outline = chapters
        .map((ch) => ({
          id: ch.id,
          title: ch.title,
          items: items
            .filter((i) => i.chapterId === ch.id)
            .map((i) => ({
              id: i.id,
              kind: i.kind,
              title: i.title,
              requiredMinutes: i.requiredMinutes,
              fileId: i.fileId,
              durationSeconds: i.durationSeconds,
            })),
        }))
        .filter((ch) => ch.items.length > 0);
      return {
        cls: { ...cls, ...studyWindow(cls, today(env)) },
        viewer,
        chapters: outline,
        itemCount: items.length,
        requiredMinutes: items.reduce((s, i) => s + i.requiredMinutes, 0),
      };
    },

    /** One item of a class's course, with a text page's body; a teacher opens it once the window has begun. */
    async item(ctx: RequestContext, classId: number, itemId: number): Promise<StudyItem> {
      const action = 'study.read_item';
      const { cls, viewer } = await readable(ctx, classId, action);
      const item = await content.item(itemId);
      if (!item || item.courseId !== cls.courseId || item.archived) throw new AppError('NOT_FOUND');
      if (viewer === 'teacher' && !studyWindow(cls, today(env)).opened)
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'training_class', targetId: classId, targetPath: cls.projectPath },
          new AppError('STUDY_NOT_OPEN', { params: { opensOn: cls.studyOpensOn, closesOn: cls.studyClosesOn } }),
        );
      return {
        id: item.id,
        kind: item.kind,
        title: item.title,
        requiredMinutes: item.requiredMinutes,
        fileId: item.fileId,
        durationSeconds: item.durationSeconds,
        body: item.body,
        fileName: item.fileName,
        sizeBytes: item.sizeBytes,
      };
    },
  };
}

export type StudyService = ReturnType<typeof createStudyService>;
