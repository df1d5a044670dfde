import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { today } from '../config/env.js';
import { onlineCompletionOf, studyRuleOf, type OnlineCompletionRule, type StudyRule } from '../domain/online-course.js';
import { readMp4Info, sniffStudyFile, SNIFF_BYTES, STUDY_FILE_MIME, type StudyFileKind } from '../domain/study-file.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createCourseRepository, type CourseRow } from '../repositories/course.repository.js';
import {
  createOnlineCourseRepository,
  type ChapterRow,
  type ItemFields,
  type ItemRow,
  type StudyFileRow,
} from '../repositories/online-course.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { auditedWrite, auditRefusal, type AuditMeta } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { requireCourse } from './course.service.js';

export interface CourseOnlineSettings {
  studyRule: StudyRule;
  completionRule: OnlineCompletionRule;
}

export interface ContentChapter extends ChapterRow {
  items: ItemRow[];
}

export interface CourseContent {
  chapters: ContentChapter[];
  files: StudyFileRow[];
  canManage: boolean;
}

/** An uploaded file as the route hands it over: its name and its bytes as they arrive. */
export interface IncomingFile {
  name: string;
  stream: Readable;
}

const invalid = (field: string, kind = 'invalid') =>
  new AppError('VALIDATION_FAILED', { details: { issues: [{ path: field, kind }] } });

/** A file name as stored and sent back: NFC, no path separators or control characters. */
function cleanFileName(name: string, kind: StudyFileKind): string {
  const cleaned = name
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
    .replace(/[\\/\u0000-\u001f\u007f]/g, '_')
    .trim()
    .slice(0, 200);
  return cleaned || (kind === 'video' ? 'video.mp4' : 'document.pdf');
}

/**
 * A course's online content (R-20 网络): its study and completion rules, chapters, items (video,
 * document, text page) and the files they show. Kept by whoever keeps the course in the catalogue
 * (`requireCourse`), read by the admins who read the course. Files are checked by their bytes,
 * written to the data dir by their SHA-256 as they arrive, and read back by the admins who read the
 * course, the trainers of an online class of it and the teachers enrolled in one whose window has opened.
 */
export function createOnlineCourseService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createOnlineCourseRepository(db);
  const filesDir = path.join(env.dataDir, 'study-files');
  const limitOf: Record<StudyFileKind, number> = {
    video: env.PEIXUN_STUDY_VIDEO_MAX_MB * 1_048_576,
    document: env.PEIXUN_STUDY_DOCUMENT_MAX_MB * 1_048_576,
  };
  const filePath = (sha256: string) => path.join(filesDir, sha256.slice(0, 2), sha256);

  const courseTarget = (course: CourseRow, action: string, details?: Record<string, unknown>): AuditMeta => ({
    action,
    targetType: 'course',
    targetId: course.id,
    targetPath: course.orgPath,
    targetLabel: course.title,
    details: details ?? null,
  });

  /** A chapter of the course, or "not found". */
  async function chapterOf(courseId: number, chapterId: number): Promise<ChapterRow> {
    const ch = await repo.chapter(chapterId);
    if (!ch || ch.courseId !== courseId) throw new AppError('NOT_FOUND');
    return ch;
  }

  async function itemOf(courseId: number, itemId: number): Promise<ItemRow> {
    const it = await repo.item(itemId);
    if (!it || it.courseId !== courseId) throw new AppError('NOT_FOUND');
    return it;
  }

  /**
   * Writes the incoming bytes to a temporary file of the data dir while hashing and counting them;
   * decides what the file is from its first bytes and stops as soon as it is no MP4 or PDF or grows
   * past its kind's limit. Never holds more than a chunk in memory.
   */
  async function receive(
    incoming: IncomingFile,
  ): Promise<{ tmp: string; kind: StudyFileKind; size: number; sha256: string }> {
    const incomingDir = path.join(filesDir, 'incoming');
    await fsp.mkdir(incomingDir, { recursive: true });
    await sweepIncoming(incomingDir);
    const tmp = path.join(incomingDir, `${crypto.randomUUID()}.part`);
    const hash = crypto.createHash('sha256');
    let head = Buffer.alloc(0);
    let kind: StudyFileKind | null | undefined;
    let size = 0;
    const decide = () => {
      kind = sniffStudyFile(head);
    };
    const check = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        hash.update(chunk);
        if (kind === undefined) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]);
          if (head.length >= SNIFF_BYTES) decide();
        }
        if (kind === null) return done(new AppError('STUDY_FILE_TYPE_NOT_ALLOWED'));
        if (kind && size > limitOf[kind])
          return done(new AppError('STUDY_FILE_TOO_LARGE', { params: { maxMb: limitOf[kind] / 1_048_576 } }));
        done(null, chunk);
      },
      flush(done) {
        if (kind === undefined) decide();
        done(kind ? null : new AppError('STUDY_FILE_TYPE_NOT_ALLOWED'));
      },
    });
    const out = fs.createWriteStream(tmp, { mode: 0o600 });
    try {
      await pipeline(incoming.stream, check, out);
      const fh = await fsp.open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      // a file refused at its first chunk may still be opening when the pipeline is torn down: removed
      // before the refusal is answered, not after (which left a stray .part behind under load)
      if (!out.closed) await new Promise<void>((done) => out.once('close', () => done()));
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    return { tmp, kind: kind as unknown as StudyFileKind, size, sha256: hash.digest('hex') };
  }

  /** Removes what uploads cut off by a crash left behind: temporary files older than a day. */
  async function sweepIncoming(dir: string): Promise<void> {
    const dayAgo = Date.now() - 86_400_000;
    for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(dir, name);
      const stat = await fsp.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < dayAgo) await fsp.rm(file, { force: true });
    }
  }

  /** A video's length from its MP4 header, read a few boxes at a time from the file on disk. */
  function videoDuration(file: string, size: number): number | null | 'invalid' {
    const fd = fs.openSync(file, 'r');
    try {
      const info = readMp4Info((offset, length) => {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const n = buf.length ? fs.readSync(fd, buf, 0, buf.length, offset) : 0;
        return buf.subarray(0, n);
      }, size);
      return info.ok ? info.durationSeconds : 'invalid';
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Chapters in order with their items (archived ones last, marked), and the course's uploaded files. */
  async function content(ctx: RequestContext, courseId: number): Promise<CourseContent> {
    const { actor, course } = await requireCourse(db, ctx, courseId, 'course.read_content', 'read');
    const [chapters, items, files] = await Promise.all([
      repo.chapters(courseId),
      repo.items(courseId, { archived: true }),
      repo.files(courseId),
    ]);
    return {
      chapters: chapters.map((ch) => ({ ...ch, items: items.filter((i) => i.chapterId === ch.id) })),
      files,
      canManage: can(actor, 'course.manage', { path: course.orgPath }),
    };
  }

  return {
    /** The course's study rule and online completion rule (defaults for what was never set). */
    async settings(ctx: RequestContext, courseId: number): Promise<CourseOnlineSettings & { canManage: boolean }> {
      const { actor, course } = await requireCourse(db, ctx, courseId, 'course.read_online', 'read');
      const s = await repo.settings(courseId);
      return {
        studyRule: studyRuleOf(s?.studyRule),
        completionRule: onlineCompletionOf(s?.completionRule),
        canManage: can(actor, 'course.manage', { path: course.orgPath }),
      };
    },

    async saveSettings(
      ctx: RequestContext,
      courseId: number,
      input: CourseOnlineSettings,
    ): Promise<CourseOnlineSettings> {
      const action = 'course.update_online';
      const { actor, course } = await requireCourse(db, ctx, courseId, action, 'manage');
      if (input.studyRule.presenceMaxMinutes < input.studyRule.presenceMinMinutes)
        return auditRefusal(
          db,
          ctx,
          courseTarget(course, action),
          invalid('studyRule.presenceMaxMinutes', 'below_min'),
        );
      await auditedWrite(db, ctx, courseTarget(course, action, { ...input }), async (trx) => {
        await createOnlineCourseRepository(trx).saveSettings(
          courseId,
          input.studyRule,
          input.completionRule,
          actor.userId,
        );
      });
      return { studyRule: input.studyRule, completionRule: input.completionRule };
    },

    /** Chapters in order with their items (archived ones last, marked), and the course's uploaded files. */
    content,

    async createChapter(ctx: RequestContext, courseId: number, title: string): Promise<ChapterRow> {
      const action = 'course.create_chapter';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const id = await auditedWrite(db, ctx, courseTarget(course, action, { title }), async (trx, m) => {
        const r = createOnlineCourseRepository(trx);
        await r.lockCourse(courseId);
        const chapterId = await r.insertChapter(courseId, title);
        m.details = { ...m.details, chapterId };
        return chapterId;
      });
      return (await repo.chapter(id))!;
    },

    async renameChapter(ctx: RequestContext, courseId: number, chapterId: number, title: string): Promise<ChapterRow> {
      const action = 'course.rename_chapter';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const before = await chapterOf(courseId, chapterId);
      await auditedWrite(db, ctx, courseTarget(course, action, { chapterId, from: before.title, to: title }), (trx) =>
        createOnlineCourseRepository(trx).renameChapter(chapterId, title),
      );
      return (await repo.chapter(chapterId))!;
    },

    /**
     * Removes a chapter that holds no items. Items archived in it go with it, unless a teacher has
     * studied one: that record stays, and so does the chapter.
     */
    async deleteChapter(ctx: RequestContext, courseId: number, chapterId: number): Promise<void> {
      const action = 'course.delete_chapter';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const ch = await chapterOf(courseId, chapterId);
      await auditedWrite(db, ctx, courseTarget(course, action, { chapterId, title: ch.title }), async (trx) => {
        const r = createOnlineCourseRepository(trx);
        await r.lockCourse(courseId);
        const items = await r.chapterItems(chapterId);
        const studied = await r.studied(items.map((i) => i.id));
        if (items.some((i) => !i.archived) || studied.length)
          throw new AppError('COURSE_CHAPTER_NOT_EMPTY', {
            details: { items: items.filter((i) => !i.archived).length, studied: studied.length },
          });
        await r.deleteItems(items.map((i) => i.id));
        await r.deleteChapter(chapterId);
      });
    },

    /**
     * Puts the chapters and their items in the order given; an item listed under another chapter moves
     * there. The list must name every chapter and every item not archived exactly once, as the page
     * showed them: anything else means the page is stale (another admin changed the content).
     */
    async order(
      ctx: RequestContext,
      courseId: number,
      order: Array<{ chapterId: number; itemIds: number[] }>,
    ): Promise<CourseContent> {
      const action = 'course.order_content';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      await auditedWrite(db, ctx, courseTarget(course, action, { order }), async (trx) => {
        const r = createOnlineCourseRepository(trx);
        await r.lockCourse(courseId);
        const [chapters, items] = await Promise.all([r.chapters(courseId), r.items(courseId, { archived: false })]);
        const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b).join();
        const givenItems = order.flatMap((c) => c.itemIds);
        const same =
          sorted(order.map((c) => c.chapterId)) === sorted(chapters.map((c) => c.id)) &&
          new Set(order.map((c) => c.chapterId)).size === order.length &&
          sorted(givenItems) === sorted(items.map((i) => i.id)) &&
          new Set(givenItems).size === givenItems.length;
        if (!same) throw new AppError('COURSE_CONTENT_STALE');
        await r.setOrder(order);
      });
      return content(ctx, courseId);
    },

    /** A new item, last of its chapter: a video or document showing an uploaded file of the course, or a text page. */
    async createItem(ctx: RequestContext, courseId: number, f: ItemFields): Promise<ItemRow> {
      const action = 'course.create_item';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const meta = courseTarget(course, action, { chapterId: f.chapterId, kind: f.kind, title: f.title });
      const ch = await repo.chapter(f.chapterId);
      if (!ch || ch.courseId !== courseId) return auditRefusal(db, ctx, meta, invalid('chapterId'));
      if (f.kind === 'text') {
        if (f.body === null) return auditRefusal(db, ctx, meta, invalid('body', 'required'));
        if (f.fileId !== null) return auditRefusal(db, ctx, meta, invalid('fileId'));
      } else {
        if (f.fileId === null) return auditRefusal(db, ctx, meta, invalid('fileId', 'required'));
        const file = await repo.file(f.fileId);
        // a file of another course, or a PDF for a video: not this item's file
        if (!file || file.courseId !== courseId || file.kind !== f.kind)
          return auditRefusal(db, ctx, meta, invalid('fileId'));
        if (f.body !== null) return auditRefusal(db, ctx, meta, invalid('body'));
      }
      const id = await auditedWrite(db, ctx, meta, async (trx, m) => {
        const r = createOnlineCourseRepository(trx);
        await r.lockCourse(courseId);
        // deleted meanwhile by another admin (a chapter goes only under the same lock)
        if (!(await r.chapter(f.chapterId))) throw invalid('chapterId');
        const itemId = await r.insertItem(courseId, f);
        m.details = { ...m.details, itemId };
        return itemId;
      });
      return (await repo.item(id))!;
    },

    /** Changes an item's title, required minutes or (a text page's) body. */
    async updateItem(
      ctx: RequestContext,
      courseId: number,
      itemId: number,
      patch: { title?: string; requiredMinutes?: number; body?: string },
    ): Promise<ItemRow> {
      const action = 'course.update_item';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const item = await itemOf(courseId, itemId);
      const meta = courseTarget(course, action, {
        itemId,
        changed: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined),
      });
      if (patch.body !== undefined && item.kind !== 'text') return auditRefusal(db, ctx, meta, invalid('body'));
      if (item.archived) return auditRefusal(db, ctx, meta, new AppError('COURSE_ITEM_ARCHIVED'));
      await auditedWrite(db, ctx, meta, (trx) => createOnlineCourseRepository(trx).updateItem(itemId, patch));
      return (await repo.item(itemId))!;
    },

    /**
     * Archives an item: it leaves the outline teachers see and counts no more; what teachers studied of
     * it stays on record. Cannot be undone (a new item takes its place).
     */
    async archiveItem(ctx: RequestContext, courseId: number, itemId: number): Promise<ItemRow> {
      const action = 'course.archive_item';
      const { course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const item = await itemOf(courseId, itemId);
      if (!item.archived)
        await auditedWrite(db, ctx, courseTarget(course, action, { itemId, title: item.title }), (trx) =>
          createOnlineCourseRepository(trx).archiveItem(itemId),
        );
      return (await repo.item(itemId))!;
    },

    /**
     * Takes an MP4 video or a PDF document for the course: access first, then the bytes as they come,
     * checked by content (an `.exe` renamed `.mp4` is refused at its first bytes) and by the limit of
     * its kind; a video must carry its movie header, whose length is kept. Stored once per content.
     */
    async uploadFile(
      ctx: RequestContext,
      courseId: number,
      open: () => Promise<IncomingFile | null>,
    ): Promise<StudyFileRow> {
      const action = 'course.upload_file';
      const { actor, course } = await requireCourse(db, ctx, courseId, action, 'manage');
      const meta = courseTarget(course, action);
      const incoming = await open();
      if (!incoming) return auditRefusal(db, ctx, meta, invalid('file', 'required'));
      let received: Awaited<ReturnType<typeof receive>>;
      try {
        received = await receive(incoming);
      } catch (e) {
        // the client gave up half way, or sent a broken body
        const cut =
          (e as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE' ||
          String((e as Error).message).includes('terminated early');
        const err = cut ? new AppError('BAD_REQUEST', { details: { reason: 'upload_cut_off' }, cause: e }) : e;
        if (err instanceof AppError) return auditRefusal(db, ctx, { ...meta, details: { file: incoming.name } }, err);
        throw e;
      }
      const { tmp, kind, size, sha256 } = received;
      let durationSeconds: number | null = null;
      try {
        if (kind === 'video') {
          const d = videoDuration(tmp, size);
          // awaited here, inside the try: the temporary file is removed after the refusal is recorded
          if (d === 'invalid')
            return await auditRefusal(
              db,
              ctx,
              { ...meta, details: { file: incoming.name } },
              new AppError('STUDY_FILE_TYPE_NOT_ALLOWED', { details: { reason: 'no_movie_header' } }),
            );
          durationSeconds = d;
        }
        const dest = filePath(sha256);
        await fsp.mkdir(path.dirname(dest), { recursive: true });
        // written under a temporary name and renamed: a crash never leaves half a file under the real name
        if (fs.existsSync(dest)) await fsp.rm(tmp, { force: true });
        else await fsp.rename(tmp, dest);
      } finally {
        await fsp.rm(tmp, { force: true });
      }
      const fileName = cleanFileName(incoming.name, kind);
      const id = await auditedWrite(
        db,
        ctx,
        { ...meta, details: { file: fileName, kind, size, sha256, durationSeconds } },
        async (trx, m) => {
          const fileId = await createOnlineCourseRepository(trx).insertFile({
            provinceId: course.provinceId,
            courseId,
            kind,
            fileName,
            mimeType: STUDY_FILE_MIME[kind],
            sizeBytes: size,
            sha256,
            durationSeconds,
            createdBy: actor.userId,
          });
          m.details = { ...m.details, fileId };
          return fileId;
        },
      );
      return (await repo.file(id))!;
    },

    /**
     * A course file to stream: for the admins who read the course, the trainers of an online class of
     * it, and the teachers enrolled in one whose study window has opened. Anyone else: "not found".
     * Reads are not audited (a video is fetched in many ranges); refusals are.
     */
    async readFile(ctx: RequestContext, fileId: number): Promise<{ file: StudyFileRow; path: string }> {
      const action = 'study.read_file';
      const actor = requireActor(ctx);
      const file = await repo.file(fileId);
      if (!file) throw new AppError('NOT_FOUND');
      let allowed = false;
      if (file.provinceId === actor.provinceId) {
        if (actor.role === 'teacher') {
          const teacher = await createTeacherRepository(db).findByUserId(actor.userId);
          allowed = !!teacher && (await repo.studiesCourse(teacher.id, file.courseId, today(env)));
        } else if (actor.role === 'trainer') {
          allowed = await repo.teachesCourse(actor.userId, file.courseId);
        } else {
          const course = await createCourseRepository(db).find(file.courseId);
          allowed = !!course && can(actor, 'course.read', { path: course.orgPath });
        }
      }
      if (!allowed)
        return auditRefusal(db, ctx, { action, targetType: 'study_file', targetId: fileId }, notFoundDenied());
      return { file, path: filePath(file.sha256) };
    },
  };
}

export type OnlineCourseService = ReturnType<typeof createOnlineCourseService>;
