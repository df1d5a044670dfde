import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { StudyFileKind } from '../domain/study-file.js';

type Q = Kysely<DB>;

export const ITEM_KINDS = ['video', 'document', 'text'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface ChapterRow {
  id: number;
  courseId: number;
  position: number;
  title: string;
}

export interface StudyFileRow {
  id: number;
  provinceId: number;
  courseId: number;
  kind: StudyFileKind;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  durationSeconds: number | null;
  createdAt: Date;
}

export interface ItemRow {
  id: number;
  courseId: number;
  chapterId: number;
  position: number;
  kind: ItemKind;
  title: string;
  requiredMinutes: number;
  fileId: number | null;
  body: string | null;
  archived: boolean;
  /** the item's file, when it has one */
  fileName: string | null;
  sizeBytes: number | null;
  durationSeconds: number | null;
}

export interface ItemFields {
  chapterId: number;
  kind: ItemKind;
  title: string;
  requiredMinutes: number;
  fileId: number | null;
  body: string | null;
}

const seconds = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const FILE_COLUMNS = [
  'f.id',
  'f.province_id as provinceId',
  'f.course_id as courseId',
  'f.kind',
  'f.file_name as fileName',
  'f.mime_type as mimeType',
  'f.size_bytes as sizeBytes',
  'f.sha256',
  'f.duration_seconds as durationSeconds',
  'f.created_at as createdAt',
] as const;

/**
 * A course's online content (R-20 网络): its settings (`course_online`), chapters, items and uploaded
 * files, and who may open those files through an online class.
 */
export function createOnlineCourseRepository(db: Q) {
  const items = () =>
    db
      .selectFrom('course_item as i')
      .leftJoin('study_file as f', 'f.id', 'i.file_id')
      .select([
        'i.id',
        'i.course_id as courseId',
        'i.chapter_id as chapterId',
        'i.position',
        'i.kind',
        'i.title',
        'i.required_minutes as requiredMinutes',
        'i.file_id as fileId',
        'i.body',
        'i.archived',
        'f.file_name as fileName',
        'f.size_bytes as sizeBytes',
        'f.duration_seconds as durationSeconds',
      ]);
  const asItem = (r: Record<string, unknown>): ItemRow =>
    ({ ...r, durationSeconds: seconds(r['durationSeconds']) }) as unknown as ItemRow;
  const asFile = (r: Record<string, unknown>): StudyFileRow =>
    ({ ...r, durationSeconds: seconds(r['durationSeconds']) }) as unknown as StudyFileRow;

  return {
    // ---------------------------------------------------------------- settings

    async settings(courseId: number): Promise<{ studyRule: unknown; completionRule: unknown } | undefined> {
      return db
        .selectFrom('course_online')
        .select(['study_rule as studyRule', 'completion_rule as completionRule'])
        .where('course_id', '=', courseId)
        .executeTakeFirst();
    },

    async saveSettings(courseId: number, studyRule: object, completionRule: object, userId: number): Promise<void> {
      const values = {
        study_rule: JSON.stringify(studyRule),
        completion_rule: JSON.stringify(completionRule),
        updated_by: userId,
        updated_at: sql<Date>`now()`,
      };
      await db
        .insertInto('course_online')
        .values({ course_id: courseId, ...values })
        .onConflict((oc) => oc.column('course_id').doUpdateSet(values))
        .execute();
    },

    // ---------------------------------------------------------------- chapters

    async chapters(courseId: number): Promise<ChapterRow[]> {
      return db
        .selectFrom('course_chapter')
        .select(['id', 'course_id as courseId', 'position', 'title'])
        .where('course_id', '=', courseId)
        .orderBy('position')
        .orderBy('id')
        .execute();
    },

    async chapter(id: number): Promise<ChapterRow | undefined> {
      return db
        .selectFrom('course_chapter')
        .select(['id', 'course_id as courseId', 'position', 'title'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** A new chapter, last of the course. */
    async insertChapter(courseId: number, title: string): Promise<number> {
      const r = await db
        .insertInto('course_chapter')
        .values({
          course_id: courseId,
          title,
          position: sql<number>`(SELECT coalesce(max(position) + 1, 0) FROM course_chapter WHERE course_id = ${courseId})`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async renameChapter(id: number, title: string): Promise<void> {
      await db.updateTable('course_chapter').set({ title }).where('id', '=', id).execute();
    },

    async deleteChapter(id: number): Promise<void> {
      await db.deleteFrom('course_chapter').where('id', '=', id).execute();
    },

    // ---------------------------------------------------------------- items

    /** The items of a course, chapter by chapter in order; archived ones only when asked. */
    async items(courseId: number, opts: { archived: boolean }): Promise<ItemRow[]> {
      let q = items().where('i.course_id', '=', courseId);
      if (!opts.archived) q = q.where('i.archived', '=', false);
      const rows = await q.orderBy('i.archived').orderBy('i.position').orderBy('i.id').execute();
      return rows.map(asItem);
    },

    async item(id: number): Promise<ItemRow | undefined> {
      const r = await items().where('i.id', '=', id).executeTakeFirst();
      return r ? asItem(r) : undefined;
    },

    /** The items of a chapter, archived ones too (a chapter holding any cannot simply go). */
    async chapterItems(chapterId: number): Promise<Array<{ id: number; archived: boolean }>> {
      return db.selectFrom('course_item').select(['id', 'archived']).where('chapter_id', '=', chapterId).execute();
    },

    /** A new item, last of its chapter. */
    async insertItem(courseId: number, f: ItemFields): Promise<number> {
      const r = await db
        .insertInto('course_item')
        .values({
          course_id: courseId,
          chapter_id: f.chapterId,
          kind: f.kind,
          title: f.title,
          required_minutes: f.requiredMinutes,
          file_id: f.fileId,
          body: f.body,
          position: sql<number>`(SELECT coalesce(max(position) + 1, 0) FROM course_item WHERE chapter_id = ${f.chapterId})`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updateItem(id: number, patch: { title?: string; requiredMinutes?: number; body?: string }): Promise<void> {
      const set = {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.requiredMinutes !== undefined ? { required_minutes: patch.requiredMinutes } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
      };
      if (Object.keys(set).length) await db.updateTable('course_item').set(set).where('id', '=', id).execute();
    },

    async archiveItem(id: number): Promise<void> {
      await db.updateTable('course_item').set({ archived: true }).where('id', '=', id).execute();
    },

    /** Items whose study has begun somewhere: a record of teachers' study, never deleted. */
    async studied(itemIds: number[]): Promise<number[]> {
      if (!itemIds.length) return [];
      const rows = await db
        .selectFrom('study_session')
        .select('item_id')
        .distinct()
        .where('item_id', 'in', itemIds)
        .execute();
      return rows.map((r) => r.item_id);
    },

    async deleteItems(ids: number[]): Promise<void> {
      if (ids.length) await db.deleteFrom('course_item').where('id', 'in', ids).execute();
    },

    /** Chapters in the order given, each holding the items given in that order (positions 0, 1, 2, …). */
    async setOrder(order: Array<{ chapterId: number; itemIds: number[] }>): Promise<void> {
      const chapterIds = order.map((c) => c.chapterId);
      if (chapterIds.length)
        await sql`UPDATE course_chapter AS c SET position = o.position
          FROM unnest(${chapterIds}::bigint[]) WITH ORDINALITY AS o(id, position)
          WHERE c.id = o.id`.execute(db);
      const rows = order.flatMap((c) => c.itemIds.map((id, i) => ({ id, chapterId: c.chapterId, position: i })));
      if (rows.length)
        await sql`UPDATE course_item AS i SET chapter_id = o.chapter_id, position = o.position
          FROM unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.chapterId)}::bigint[],
                      ${rows.map((r) => r.position)}::int[]) AS o(id, chapter_id, position)
          WHERE i.id = o.id`.execute(db);
    },

    /** The active items a class's outline counts: how many, and their required minutes together. */
    async totals(courseIds: number[]): Promise<Map<number, { items: number; minutes: number }>> {
      if (!courseIds.length) return new Map();
      const rows = await db
        .selectFrom('course_item')
        .select([
          'course_id as courseId',
          sql<number>`count(*)::int`.as('items'),
          sql<number>`coalesce(sum(required_minutes), 0)::int`.as('minutes'),
        ])
        .where('course_id', 'in', courseIds)
        .where('archived', '=', false)
        .groupBy('course_id')
        .execute();
      return new Map(rows.map((r) => [r.courseId, { items: r.items, minutes: r.minutes }]));
    },

    // ---------------------------------------------------------------- files

    async files(courseId: number): Promise<StudyFileRow[]> {
      const rows = await db
        .selectFrom('study_file as f')
        .select(FILE_COLUMNS)
        .where('f.course_id', '=', courseId)
        .orderBy('f.id', 'desc')
        .execute();
      return rows.map(asFile);
    },

    async file(id: number): Promise<StudyFileRow | undefined> {
      const r = await db.selectFrom('study_file as f').select(FILE_COLUMNS).where('f.id', '=', id).executeTakeFirst();
      return r ? asFile(r) : undefined;
    },

    async insertFile(f: Omit<StudyFileRow, 'id' | 'createdAt'> & { createdBy: number }): Promise<number> {
      const r = await db
        .insertInto('study_file')
        .values({
          province_id: f.provinceId,
          course_id: f.courseId,
          kind: f.kind,
          file_name: f.fileName,
          mime_type: f.mimeType,
          size_bytes: f.sizeBytes,
          sha256: f.sha256,
          duration_seconds: f.durationSeconds,
          created_by: f.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    // ---------------------------------------------------------------- who reads a course through a class

    /** Whether the account teaches (is a trainer of) an online class of the course. */
    async teachesCourse(userId: number, courseId: number): Promise<boolean> {
      const r = await db
        .selectFrom('training_class as c')
        .innerJoin('training_class_trainer as ct', 'ct.class_id', 'c.id')
        .select('c.id')
        .where('c.course_id', '=', courseId)
        .where('ct.user_id', '=', userId)
        .limit(1)
        .executeTakeFirst();
      return r !== undefined;
    },

    /** Whether the teacher holds a place (enrolled) in an online class of the course whose study window has opened by `today`. */
    async studiesCourse(teacherId: number, courseId: number, today: string): Promise<boolean> {
      const r = await db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .select('c.id')
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .where('c.course_id', '=', courseId)
        .where('c.study_opens_on', '<=', today)
        .limit(1)
        .executeTakeFirst();
      return r !== undefined;
    },

    /** The course row, locked: a course's content changes one at a time, so positions stay whole. */
    async lockCourse(courseId: number): Promise<void> {
      await db.selectFrom('course').select('id').where('id', '=', courseId).forUpdate().execute();
    },
  };
}

export type OnlineCourseRepository = ReturnType<typeof createOnlineCourseRepository>;
