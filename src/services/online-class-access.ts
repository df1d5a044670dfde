import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import { createOnlineClassRepository, type OnlineClassRow } from '../repositories/online-class.repository.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext } from './context.js';
import { requireAdminAction } from './registry-access.js';

/**
 * Who the actor is in an online class:
 * - a tutor (辅导老师): one of its trainers, or an admin allowed to run training where its project is
 *   organised (`trainer` says which; both grade homework and moderate the forum);
 * - a member: a teacher holding a place in it (`moderator` when its tutors chose them as 版主).
 */
export type ClassViewer =
  | { kind: 'tutor'; actor: Actor; trainer: boolean }
  | { kind: 'member'; actor: Actor; teacherId: number; teacherName: string; teacherPath: string; moderator: boolean };

/** What a use case needs the actor to be. */
export type ClassNeed = 'tutor' | 'member' | 'anyone' | 'moderator';

export interface ClassAccess {
  cls: OnlineClassRow & { courseId: number };
  viewer: ClassViewer;
}

/**
 * The class and who the actor is in it, or a refusal (audited under `action`): a class the actor has
 * no part in does not exist for them (404); a teacher asking for what only its tutors do, or a tutor
 * for what only its teachers do, is forbidden (403), as `services/class-runner.ts` answers for a
 * class's running. A class without a course (face-to-face) has no homework or forum: CLASS_NOT_ONLINE.
 */
export async function requireClassRole(
  db: Kysely<DB>,
  ctx: RequestContext,
  action: string,
  classId: number,
  need: ClassNeed,
  target: { type: string; id: number } = { type: 'training_class', id: classId },
): Promise<ClassAccess> {
  const actor = requireActor(ctx);
  const repo = createOnlineClassRepository(db);
  const refuse = (e: AppError, withPath = false) =>
    auditRefusal(
      db,
      ctx,
      { action, targetType: target.type, targetId: target.id, ...(withPath ? { targetPath: actor.orgPath } : {}) },
      e,
    );
  const cls = await repo.classById(classId);
  if (!cls) return actor.role === 'teacher' ? refuse(notFoundDenied()) : Promise.reject(new AppError('NOT_FOUND'));
  let viewer: ClassViewer;
  if (actor.role === 'teacher') {
    // what only tutors do is forbidden to teachers, as for the running of any class
    if (need === 'tutor') return refuse(new AppError('FORBIDDEN'), true);
    const t = await repo.teacherOfUser(actor.userId);
    const member = t && cls.projectStatus !== 'draft' && (await repo.isEnrolled(cls.id, t.id));
    if (!t || !member) return need === 'moderator' ? refuse(new AppError('FORBIDDEN'), true) : refuse(notFoundDenied());
    const moderator = await repo.isModerator(cls.id, t.id);
    if (need === 'moderator' && !moderator) return refuse(new AppError('FORBIDDEN'), true);
    viewer = { kind: 'member', actor, teacherId: t.id, teacherName: t.name, teacherPath: t.orgPath, moderator };
  } else {
    // what only teachers do (submitting homework) is forbidden to everyone else
    if (need === 'member') return refuse(new AppError('FORBIDDEN'), true);
    if (await repo.isTrainer(cls.id, actor.userId)) viewer = { kind: 'tutor', actor, trainer: true };
    else if (isAdmin(actor.role)) {
      await requireAdminAction(db, ctx, action, 'training.manage', {
        path: cls.projectPath,
        type: target.type,
        id: target.id,
        label: `${cls.projectTitle} / ${cls.name}`,
      });
      viewer = { kind: 'tutor', actor, trainer: false };
    } else return refuse(notFoundDenied());
  }
  if (cls.courseId === null) throw new AppError('CLASS_NOT_ONLINE');
  return { cls: { ...cls, courseId: cls.courseId }, viewer };
}

/** A closed class keeps its homework and forum to read; nothing new is written in it. */
export function requireOpen(cls: { status: 'open' | 'closed' }): void {
  if (cls.status === 'closed') throw new AppError('CLASS_CLOSED');
}

/** The moderators' side of a viewer: tutors always, teachers when chosen. */
export const moderates = (v: ClassViewer): boolean => v.kind === 'tutor' || v.moderator;
