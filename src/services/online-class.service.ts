import { isAdmin } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { createForumRepository } from '../repositories/forum.repository.js';
import { createHomeworkRepository } from '../repositories/homework.repository.js';
import { createOnlineClassRepository, type ClassSummaryRow } from '../repositories/online-class.repository.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';

export interface TutoringClass extends ClassSummaryRow {
  /** submissions waiting to be graded */
  waiting: number;
  /** forum reports waiting for an answer */
  reports: number;
}

export interface MyOnlineClass extends ClassSummaryRow {
  assignments: number;
  passed: number;
  /** assignments still to hand in: none sent yet, returned, or failed */
  toDo: number;
  countedPosts: number;
  postsRequired: number;
  moderator: boolean;
  /** open reports, for a moderator */
  reports: number;
}

/**
 * The online classes one works in: a tutor's (the classes a trainer teaches, or those of the projects an
 * admin's unit organises) with what waits in each, and a teacher's with their homework and posts.
 */
export function createOnlineClassService(deps: ServiceDeps) {
  const { db } = deps;
  const classes = createOnlineClassRepository(db);
  const homework = createHomeworkRepository(db);
  const forum = createForumRepository(db);

  return {
    async tutoring(ctx: RequestContext): Promise<TutoringClass[]> {
      const actor = requireActor(ctx);
      let ids: number[];
      if (actor.role === 'trainer') ids = await classes.taughtBy(actor.userId);
      else if (isAdmin(actor.role)) ids = await classes.organisedAt(actor.orgUnitId);
      else
        return auditRefusal(
          db,
          ctx,
          { action: 'study.tutoring', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const [rows, waiting, reports] = await Promise.all([
        classes.summaries(ids),
        homework.waitingIn(ids),
        forum.openReportsIn(ids),
      ]);
      return rows.map((r) => ({ ...r, waiting: waiting.get(r.classId) ?? 0, reports: reports.get(r.classId) ?? 0 }));
    },

    async mine(ctx: RequestContext): Promise<MyOnlineClass[]> {
      const actor = requireActor(ctx);
      const t = actor.role === 'teacher' ? await classes.teacherOfUser(actor.userId) : undefined;
      if (!t)
        return auditRefusal(
          db,
          ctx,
          { action: 'study.my_classes', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const ids = await classes.enrolledIn(t.id);
      const [rows, standing, posts, moderated] = await Promise.all([
        classes.summaries(ids),
        homework.standing(t.id, ids),
        forum.countedIn(t.id, ids),
        forum.openReportsForModerator(t.id),
      ]);
      const rules = await Promise.all(ids.map((id) => classes.classById(id)));
      const moderatorOf = await Promise.all(ids.map((id) => classes.isModerator(id, t.id)));
      return rows.map((r) => {
        const i = ids.indexOf(r.classId);
        const s = standing.find((x) => x.classId === r.classId);
        return {
          ...r,
          assignments: s?.assignments ?? 0,
          passed: s?.passed ?? 0,
          toDo: s?.toDo ?? 0,
          countedPosts: posts.get(r.classId) ?? 0,
          postsRequired: rules[i]?.completion.postsRequired ?? 0,
          moderator: moderatorOf[i] ?? false,
          reports: moderated.find((m) => m.classId === r.classId)?.n ?? 0,
        };
      });
    },
  };
}

export type OnlineClassService = ReturnType<typeof createOnlineClassService>;
