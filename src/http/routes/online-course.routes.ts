import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Env } from '../../config/env.js';
import { STUDY_RULE_LIMITS } from '../../domain/online-course.js';
import { hasForbiddenChars, normaliseText } from '../../domain/text.js';
import { AppError } from '../../errors/app-error.js';
import { ITEM_KINDS, type ItemRow, type StudyFileRow } from '../../repositories/online-course.repository.js';
import type { ContentChapter } from '../../services/online-course.service.js';
import type { Services } from '../../services/services.js';
import { byteRange } from '../byte-range.js';
import { IdParams, zBodyId, zId, zText } from '../schemas.js';
import { streamUploadedFile } from '../upload.js';

const L = STUDY_RULE_LIMITS;
const StudyRuleBody = z
  .object({
    /** the fastest playback that still counts (×) */
    maxSpeed: z.number().min(L.maxSpeed.min).max(L.maxSpeed.max),
    allowSeek: z.boolean(),
    presenceMinMinutes: z.number().int().min(L.presenceMinutes.min).max(L.presenceMinutes.max),
    presenceMaxMinutes: z.number().int().min(L.presenceMinutes.min).max(L.presenceMinutes.max),
    presenceTimeoutSeconds: z.number().int().min(L.presenceTimeoutSeconds.min).max(L.presenceTimeoutSeconds.max),
  })
  .strict()
  .refine((r) => r.presenceMaxMinutes >= r.presenceMinMinutes, {
    path: ['presenceMaxMinutes'],
    message: 'below_min',
  });
const CompletionRuleBody = z
  .object({
    homeworkRequired: z.boolean(),
    postsRequired: z.number().int().min(0).max(50),
    minPostChars: z.number().int().min(0).max(2000),
    reflectionsRequired: z.number().int().min(0).max(50),
    minReflectionChars: z.number().int().min(0).max(20_000),
    similarityThreshold: z.number().min(0.1).max(1),
  })
  .strict();
const SettingsBody = z.object({ studyRule: StudyRuleBody, completionRule: CompletionRuleBody }).strict();
const SettingsOut = z.object({
  studyRule: z.object({
    maxSpeed: z.number(),
    allowSeek: z.boolean(),
    presenceMinMinutes: z.number(),
    presenceMaxMinutes: z.number(),
    presenceTimeoutSeconds: z.number(),
  }),
  completionRule: z.object({
    homeworkRequired: z.boolean(),
    postsRequired: z.number(),
    minPostChars: z.number(),
    reflectionsRequired: z.number(),
    minReflectionChars: z.number(),
    similarityThreshold: z.number(),
  }),
});

/** A text page keeps its line breaks and tabs; other control characters are refused. */
const zBody = z
  .string()
  .max(400_000, { message: 'too_long' })
  .transform((s) => s.replace(/\r\n?/g, '\n'))
  .refine((s) => !hasForbiddenChars(s.replace(/[\n\t]/g, '')), { message: 'bad_chars' })
  .transform(normaliseText)
  .pipe(z.string().min(1, { message: 'blank' }).max(100_000, { message: 'too_long' }));
const zMinutes = z.number().int().min(0).max(6000);

const ChapterParams = z.object({ id: zId, chapterId: zId });
const ItemParams = z.object({ id: zId, itemId: zId });

const FileOut = z.object({
  id: z.number(),
  kind: z.enum(['video', 'document']),
  fileName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number(),
  /** a video's length from its MP4 header (null when it does not say) */
  durationSeconds: z.number().nullable(),
  createdAt: z.string(),
});
const ItemOut = z.object({
  id: z.number(),
  chapterId: z.number(),
  position: z.number(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  requiredMinutes: z.number(),
  fileId: z.number().nullable(),
  /** a text page's content */
  body: z.string().nullable(),
  archived: z.boolean(),
  /** the file a video or document shows */
  file: z.object({ name: z.string(), sizeBytes: z.number(), durationSeconds: z.number().nullable() }).nullable(),
});
const ChapterOut = z.object({ id: z.number(), position: z.number(), title: z.string(), items: z.array(ItemOut) });
const ContentOut = z.object({ chapters: z.array(ChapterOut), files: z.array(FileOut), canManage: z.boolean() });

export const presentStudyFile = (f: StudyFileRow): z.infer<typeof FileOut> => ({
  id: f.id,
  kind: f.kind,
  fileName: f.fileName,
  mimeType: f.mimeType,
  sizeBytes: f.sizeBytes,
  durationSeconds: f.durationSeconds,
  createdAt: f.createdAt.toISOString(),
});
const presentItem = (i: ItemRow): z.infer<typeof ItemOut> => ({
  id: i.id,
  chapterId: i.chapterId,
  position: i.position,
  kind: i.kind,
  title: i.title,
  requiredMinutes: i.requiredMinutes,
  fileId: i.fileId,
  body: i.body,
  archived: i.archived,
  file:
    i.fileId !== null && i.fileName !== null
      ? { name: i.fileName, sizeBytes: i.sizeBytes ?? 0, durationSeconds: i.durationSeconds }
      : null,
});
const presentChapter = (c: ContentChapter): z.infer<typeof ChapterOut> => ({
  id: c.id,
  position: c.position,
  title: c.title,
  items: c.items.map(presentItem),
});
const presentContent = (c: { chapters: ContentChapter[]; files: StudyFileRow[]; canManage: boolean }) => ({
  chapters: c.chapters.map(presentChapter),
  files: c.files.map(presentStudyFile),
  canManage: c.canManage,
});

/** `inline` with an ASCII name for old clients and the real one for the rest. */
const inline = (ascii: string, name: string) =>
  `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/**
 * A course's online content (R-20 网络): rules, chapters, items and files, kept by whoever keeps the
 * course; and the files themselves, streamed with byte ranges to those who may study or run the course.
 */
export const onlineCourseRoutes: FastifyPluginAsyncZod<{ services: Services; env: Env }> = async (
  app,
  { services, env },
) => {
  const svc = services.onlineCourses;

  app.get(
    '/courses/:id/online',
    {
      config: { action: 'course.read_online' },
      schema: {
        tags: ['online study'],
        summary: "A course's study rule (speed, seeking, presence checks) and what completes it online",
        params: IdParams,
        response: { 200: SettingsOut.extend({ canManage: z.boolean() }) },
      },
    },
    async (req) => svc.settings(req.ctx, req.params.id),
  );

  app.put(
    '/courses/:id/online',
    {
      config: { action: 'course.update_online' },
      schema: {
        tags: ['online study'],
        summary: "Sets a course's study rule and online completion rule",
        params: IdParams,
        body: SettingsBody,
        response: { 200: SettingsOut },
      },
    },
    async (req) => svc.saveSettings(req.ctx, req.params.id, req.body),
  );

  app.get(
    '/courses/:id/content',
    {
      config: { action: 'course.read_content' },
      schema: {
        tags: ['online study'],
        summary: "A course's chapters in order with their items (archived ones marked), and its uploaded files",
        params: IdParams,
        response: { 200: ContentOut },
      },
    },
    async (req) => presentContent(await svc.content(req.ctx, req.params.id)),
  );

  app.put(
    '/courses/:id/content/order',
    {
      config: { action: 'course.order_content' },
      schema: {
        tags: ['online study'],
        summary:
          'Puts the chapters and their items in this order, moving items between chapters; every chapter and every item not archived, once (409 COURSE_CONTENT_STALE otherwise)',
        params: IdParams,
        body: z
          .object({
            chapters: z.array(z.object({ chapterId: zBodyId, itemIds: z.array(zBodyId).max(1000) }).strict()).max(200),
          })
          .strict(),
        response: { 200: ContentOut },
      },
    },
    async (req) => presentContent(await svc.order(req.ctx, req.params.id, req.body.chapters)),
  );

  app.post(
    '/courses/:id/chapters',
    {
      config: { action: 'course.create_chapter' },
      schema: {
        tags: ['online study'],
        summary: 'A new chapter, last of the course',
        params: IdParams,
        body: z.object({ title: zText(200) }).strict(),
        response: { 201: ChapterOut },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(presentChapter({ ...(await svc.createChapter(req.ctx, req.params.id, req.body.title)), items: [] })),
  );

  app.patch(
    '/courses/:id/chapters/:chapterId',
    {
      config: { action: 'course.rename_chapter' },
      schema: {
        tags: ['online study'],
        summary: 'Renames a chapter',
        params: ChapterParams,
        body: z.object({ title: zText(200) }).strict(),
        response: { 200: ChapterOut.omit({ items: true }) },
      },
    },
    async (req) => {
      const c = await svc.renameChapter(req.ctx, req.params.id, req.params.chapterId, req.body.title);
      return { id: c.id, position: c.position, title: c.title };
    },
  );

  app.delete(
    '/courses/:id/chapters/:chapterId',
    {
      config: { action: 'course.delete_chapter' },
      schema: {
        tags: ['online study'],
        summary: 'Deletes a chapter that holds no items (409 COURSE_CHAPTER_NOT_EMPTY otherwise)',
        params: ChapterParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await svc.deleteChapter(req.ctx, req.params.id, req.params.chapterId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/courses/:id/items',
    {
      config: { action: 'course.create_item' },
      schema: {
        tags: ['online study'],
        summary:
          'A new item, last of its chapter: a video or document showing an uploaded file of the course (fileId), or a text page (body)',
        params: IdParams,
        body: z
          .object({
            chapterId: zBodyId,
            kind: z.enum(ITEM_KINDS),
            title: zText(200),
            requiredMinutes: zMinutes,
            fileId: zBodyId.nullable().optional(),
            body: zBody.nullable().optional(),
          })
          .strict(),
        response: { 201: ItemOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const item = await svc.createItem(req.ctx, req.params.id, {
        chapterId: b.chapterId,
        kind: b.kind,
        title: b.title,
        requiredMinutes: b.requiredMinutes,
        fileId: b.fileId ?? null,
        body: b.body ?? null,
      });
      return reply.status(201).send(presentItem(item));
    },
  );

  app.patch(
    '/courses/:id/items/:itemId',
    {
      config: { action: 'course.update_item' },
      schema: {
        tags: ['online study'],
        summary: "Changes an item's title, required minutes or (a text page's) body",
        params: ItemParams,
        body: z
          .object({ title: zText(200).optional(), requiredMinutes: zMinutes.optional(), body: zBody.optional() })
          .strict(),
        response: { 200: ItemOut },
      },
    },
    async (req) => presentItem(await svc.updateItem(req.ctx, req.params.id, req.params.itemId, req.body)),
  );

  app.post(
    '/courses/:id/items/:itemId/archive',
    {
      config: { action: 'course.archive_item' },
      schema: {
        tags: ['online study'],
        summary: 'Archives an item: it leaves the outline teachers see; what they studied of it stays on record',
        params: ItemParams,
        response: { 200: ItemOut },
      },
    },
    async (req) => presentItem(await svc.archiveItem(req.ctx, req.params.id, req.params.itemId)),
  );

  app.post(
    '/courses/:id/files',
    {
      config: { action: 'course.upload_file' },
      schema: {
        tags: ['online study'],
        summary:
          'Uploads an MP4 video or a PDF document for the course (multipart field "file"), checked by its content and limited in size',
        params: IdParams,
        response: { 201: z.object({ file: FileOut }) },
      },
    },
    async (req, reply) => {
      const max = Math.max(env.PEIXUN_STUDY_VIDEO_MAX_MB, env.PEIXUN_STUDY_DOCUMENT_MAX_MB) * 1_048_576;
      const file = await svc.uploadFile(req.ctx, req.params.id, () => streamUploadedFile(req, max));
      return reply.status(201).send({ file: presentStudyFile(file) });
    },
  );

  app.get(
    '/study-files/:id',
    {
      config: { action: 'study.read_file' },
      schema: {
        tags: ['online study'],
        summary:
          'A course file, streamed with byte ranges (206, 416), for the admins who read the course, the trainers of an online class of it and the teachers enrolled in one whose window has opened',
        params: IdParams,
      },
    },
    async (req, reply) => {
      const { file, path } = await svc.readFile(req.ctx, req.params.id);
      const stat = await fs.promises.stat(path).catch(() => null);
      if (!stat) throw new AppError('NOT_FOUND');
      const size = stat.size;
      const etag = `"${file.sha256}"`;
      const ext = file.kind === 'video' ? 'mp4' : 'pdf';
      reply.header('accept-ranges', 'bytes');
      reply.header('etag', etag);
      reply.header('cache-control', 'private, max-age=300');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-type', file.mimeType);
      reply.header('content-disposition', inline(`study-file-${file.id}.${ext}`, file.fileName));
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      const ifRange = req.headers['if-range'];
      const range = ifRange && ifRange !== etag ? { kind: 'whole' as const } : byteRange(req.headers.range, size);
      if (range.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${size}`);
        return reply.status(416).send();
      }
      if (range.kind === 'part') {
        reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
        reply.header('content-length', range.end - range.start + 1);
        return reply.status(206).send(fs.createReadStream(path, { start: range.start, end: range.end }));
      }
      reply.header('content-length', size);
      return reply.send(fs.createReadStream(path));
    },
  );
};
