import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PostWhyNot, ReportStatus } from '../domain/forum.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface TopicRow {
  id: number;
  provinceId: number;
  classId: number;
  title: string;
  authorId: number;
  authorName: string;
  authorTeacherId: number | null;
  pinned: boolean;
  locked: boolean;
  replies: number;
  lastPostAt: Date;
  createdAt: Date;
}

export interface PostRow {
  id: number;
  classId: number;
  topicId: number;
  authorId: number;
  /** the teacher's name when a teacher wrote it, else the account's display name */
  authorName: string;
  authorRole: string;
  /** the teacher's school */
  orgUnitName: string | null;
  teacherId: number | null;
  opening: boolean;
  body: string;
  chars: number;
  similarity: number | null;
  counts: boolean;
  whyNot: PostWhyNot | null;
  hiddenAt: Date | null;
  hiddenReason: string | null;
  createdAt: Date;
}

export interface ReportRow {
  id: number;
  classId: number;
  postId: number;
  topicId: number;
  topicTitle: string;
  postAuthorName: string;
  postExcerpt: string;
  postHidden: boolean;
  reporterName: string;
  reason: string;
  status: ReportStatus;
  answer: string | null;
  handledByName: string | null;
  handledAt: Date | null;
  createdAt: Date;
}

export interface ModeratorRow {
  teacherId: number;
  name: string;
  orgUnitName: string;
}

const authorName = sql<string>`coalesce(t.name, u.display_name)`;

/** The class forum (班级研讨): topics, posts, reports and moderators. */
export function createForumRepository(db: Q) {
  const topics = () =>
    db
      .selectFrom('forum_topic as ft')
      .innerJoin('app_user as u', 'u.id', 'ft.author_id')
      .leftJoin('teacher as t', 't.user_id', 'ft.author_id')
      .select([
        'ft.id',
        'ft.province_id as provinceId',
        'ft.class_id as classId',
        'ft.title',
        'ft.author_id as authorId',
        authorName.as('authorName'),
        't.id as authorTeacherId',
        'ft.pinned',
        'ft.locked',
        'ft.replies',
        'ft.last_post_at as lastPostAt',
        'ft.created_at as createdAt',
      ]);
  const posts = () =>
    db
      .selectFrom('forum_post as p')
      .innerJoin('app_user as u', 'u.id', 'p.author_id')
      .leftJoin('teacher as t', 't.id', 'p.teacher_id')
      .leftJoin('org_unit as o', 'o.id', 't.org_unit_id')
      .select([
        'p.id',
        'p.class_id as classId',
        'p.topic_id as topicId',
        'p.author_id as authorId',
        authorName.as('authorName'),
        'u.role as authorRole',
        'o.name as orgUnitName',
        'p.teacher_id as teacherId',
        'p.opening',
        'p.body',
        'p.chars',
        'p.similarity',
        'p.counts',
        'p.why_not as whyNot',
        'p.hidden_at as hiddenAt',
        'p.hidden_reason as hiddenReason',
        'p.created_at as createdAt',
      ]);
  const toPost = (r: Record<string, unknown>): PostRow =>
    ({ ...r, similarity: r['similarity'] === null ? null : Number(r['similarity']) }) as PostRow;

  return {
    // ---------------------------------------------------------------- topics

    /** One page of a class's topics: pinned first, then the latest activity. */
    async topics(
      classId: number,
      page: { limit: number; offset: number },
    ): Promise<{ items: TopicRow[]; total: number }> {
      const [items, total] = await Promise.all([
        topics()
          .where('ft.class_id', '=', classId)
          .orderBy('ft.pinned', 'desc')
          .orderBy('ft.last_post_at', 'desc')
          .orderBy('ft.id', 'desc')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        db
          .selectFrom('forum_topic')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('class_id', '=', classId)
          .executeTakeFirstOrThrow(),
      ]);
      return { items: items as TopicRow[], total: total.n };
    },

    async topic(id: number, lock = false): Promise<TopicRow | undefined> {
      let q = topics().where('ft.id', '=', id);
      if (lock) q = q.forUpdate('ft');
      return (await q.executeTakeFirst()) as TopicRow | undefined;
    },

    async insertTopic(t: { provinceId: number; classId: number; title: string; authorId: number }): Promise<number> {
      const r = await db
        .insertInto('forum_topic')
        .values({ province_id: t.provinceId, class_id: t.classId, title: t.title, author_id: t.authorId })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async setTopicFlags(id: number, f: { pinned?: boolean; locked?: boolean }): Promise<void> {
      await db
        .updateTable('forum_topic')
        .set({
          ...(f.pinned === undefined ? {} : { pinned: f.pinned }),
          ...(f.locked === undefined ? {} : { locked: f.locked }),
        })
        .where('id', '=', id)
        .execute();
    },

    // ---------------------------------------------------------------- posts

    async insertPost(p: {
      provinceId: number;
      classId: number;
      topicId: number;
      authorId: number;
      teacherId: number | null;
      opening: boolean;
      body: string;
      chars: number;
      similarity: number | null;
      counts: boolean;
      whyNot: PostWhyNot | null;
    }): Promise<number> {
      const r = await db
        .insertInto('forum_post')
        .values({
          province_id: p.provinceId,
          class_id: p.classId,
          topic_id: p.topicId,
          author_id: p.authorId,
          teacher_id: p.teacherId,
          opening: p.opening,
          body: p.body,
          chars: p.chars,
          similarity: p.similarity,
          counts: p.counts,
          why_not: p.whyNot,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (!p.opening)
        await db
          .updateTable('forum_topic')
          .set((eb) => ({ replies: eb('replies', '+', 1), last_post_at: new Date() }))
          .where('id', '=', p.topicId)
          .execute();
      return r.id;
    },

    async posts(
      topicId: number,
      page: { limit: number; offset: number },
    ): Promise<{ items: PostRow[]; total: number }> {
      const [items, total] = await Promise.all([
        posts().where('p.topic_id', '=', topicId).orderBy('p.id').limit(page.limit).offset(page.offset).execute(),
        db
          .selectFrom('forum_post')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('topic_id', '=', topicId)
          .executeTakeFirstOrThrow(),
      ]);
      return { items: items.map(toPost), total: total.n };
    },

    async post(id: number, lock = false): Promise<PostRow | undefined> {
      let q = posts().where('p.id', '=', id);
      if (lock) q = q.forUpdate('p');
      const r = await q.executeTakeFirst();
      return r && toPost(r);
    },

    async hide(id: number, h: { reason: string; by: number }): Promise<void> {
      await db
        .updateTable('forum_post')
        .set({ hidden_at: new Date(), hidden_by: h.by, hidden_reason: h.reason, counts: false, why_not: 'hidden' })
        .where('id', '=', id)
        .execute();
    },

    /** Shown again, counting as decided anew by the caller. */
    async unhide(id: number, d: { counts: boolean; whyNot: PostWhyNot | null }): Promise<void> {
      await db
        .updateTable('forum_post')
        .set({ hidden_at: null, hidden_by: null, hidden_reason: null, counts: d.counts, why_not: d.whyNot })
        .where('id', '=', id)
        .execute();
    },

    // ---------------------------------------------------------------- reports

    async insertReport(r: {
      provinceId: number;
      classId: number;
      postId: number;
      reporterId: number;
      reason: string;
    }): Promise<number | undefined> {
      const row = await db
        .insertInto('forum_report')
        .values({
          province_id: r.provinceId,
          class_id: r.classId,
          post_id: r.postId,
          reporter_id: r.reporterId,
          reason: r.reason,
        })
        .onConflict((oc) => oc.columns(['post_id', 'reporter_id']).where('status', '=', 'open').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },

    async reports(
      classId: number,
      q: { status?: ReportStatus; limit: number; offset: number },
    ): Promise<{ items: ReportRow[]; total: number }> {
      let base = db.selectFrom('forum_report as r').where('r.class_id', '=', classId);
      if (q.status) base = base.where('r.status', '=', q.status);
      const [items, total] = await Promise.all([
        base
          .innerJoin('forum_post as p', 'p.id', 'r.post_id')
          .innerJoin('forum_topic as ft', 'ft.id', 'p.topic_id')
          .innerJoin('app_user as pu', 'pu.id', 'p.author_id')
          .leftJoin('teacher as pt', 'pt.id', 'p.teacher_id')
          .innerJoin('app_user as ru', 'ru.id', 'r.reporter_id')
          .leftJoin('teacher as rt', 'rt.user_id', 'r.reporter_id')
          .leftJoin('app_user as hu', 'hu.id', 'r.handled_by')
          .select([
            'r.id',
            'r.class_id as classId',
            'r.post_id as postId',
            'p.topic_id as topicId',
            'ft.title as topicTitle',
            sql<string>`coalesce(pt.name, pu.display_name)`.as('postAuthorName'),
            sql<string>`left(p.body, 200)`.as('postExcerpt'),
            sql<boolean>`p.hidden_at IS NOT NULL`.as('postHidden'),
            sql<string>`coalesce(rt.name, ru.display_name)`.as('reporterName'),
            'r.reason',
            'r.status',
            'r.answer',
            'hu.display_name as handledByName',
            'r.handled_at as handledAt',
            'r.created_at as createdAt',
          ])
          .orderBy(sql`r.status = 'open'`, 'desc')
          .orderBy('r.id', 'desc')
          .limit(q.limit)
          .offset(q.offset)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ReportRow[], total: total.n };
    },

    async report(id: number, lock = false) {
      let q = db
        .selectFrom('forum_report')
        .select(['id', 'class_id as classId', 'post_id as postId', 'status', 'reason'])
        .where('id', '=', id);
      if (lock) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    /** Answers the open reports of a post (the given one, or all of them when the post is hidden). */
    async answerReports(
      where: { reportId: number } | { postId: number },
      a: { status: 'dismissed' | 'hidden'; answer: string | null; by: number },
    ): Promise<number> {
      const r = await db
        .updateTable('forum_report')
        .set({ status: a.status, answer: a.answer, handled_by: a.by, handled_at: new Date() })
        .where('status', '=', 'open')
        .where('reportId' in where ? 'id' : 'post_id', '=', 'reportId' in where ? where.reportId : where.postId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async openReportsIn(classIds: number[]): Promise<Map<number, number>> {
      if (!classIds.length) return new Map();
      const rows = await db
        .selectFrom('forum_report')
        .select(['class_id as classId', sql<number>`count(*)::int`.as('n')])
        .where('class_id', 'in', classIds)
        .where('status', '=', 'open')
        .groupBy('class_id')
        .execute();
      return new Map(rows.map((r) => [r.classId, r.n]));
    },

    /** Open reports of the classes a trainer teaches. */
    async openReportsForTrainer(userId: number): Promise<number> {
      const r = await db
        .selectFrom('forum_report as r')
        .innerJoin('training_class_trainer as ct', 'ct.class_id', 'r.class_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('ct.user_id', '=', userId)
        .where('r.status', '=', 'open')
        .executeTakeFirstOrThrow();
      return r.n;
    },

    /** Open reports of the classes a teacher moderates (still holding a place there), per class. */
    async openReportsForModerator(
      teacherId: number,
    ): Promise<Array<{ classId: number; className: string; n: number }>> {
      return db
        .selectFrom('forum_report as r')
        .innerJoin('forum_moderator as m', 'm.class_id', 'r.class_id')
        .innerJoin('enrolment as e', (j) =>
          j.onRef('e.class_id', '=', 'm.class_id').onRef('e.teacher_id', '=', 'm.teacher_id'),
        )
        .innerJoin('training_class as c', 'c.id', 'r.class_id')
        .select(['r.class_id as classId', 'c.name as className', sql<number>`count(*)::int`.as('n')])
        .where('m.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .where('r.status', '=', 'open')
        .groupBy(['r.class_id', 'c.name'])
        .execute();
    },

    /** Open reports of the online classes of the projects a unit organises. */
    async openReportsAtUnit(orgUnitId: number): Promise<number> {
      const r = await db
        .selectFrom('forum_report as r')
        .innerJoin('training_class as c', 'c.id', 'r.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('p.org_unit_id', '=', orgUnitId)
        .where('r.status', '=', 'open')
        .executeTakeFirstOrThrow();
      return r.n;
    },

    // ---------------------------------------------------------------- moderators

    async moderators(classId: number): Promise<ModeratorRow[]> {
      return db
        .selectFrom('forum_moderator as m')
        .innerJoin('teacher as t', 't.id', 'm.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select(['t.id as teacherId', 't.name', 'o.name as orgUnitName'])
        .where('m.class_id', '=', classId)
        .orderBy('t.name')
        .execute();
    },

    /** Enrolled teachers of the class, by name, for the moderator picker. */
    async members(classId: number, q: { name?: string; limit: number }): Promise<ModeratorRow[]> {
      let base = db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select(['t.id as teacherId', 't.name', 'o.name as orgUnitName'])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled');
      if (q.name) base = base.where('t.name', 'like', `%${escapeLike(q.name)}%`);
      return base.orderBy('t.name').orderBy('t.id').limit(q.limit).execute();
    },

    /** Of these teachers, those enrolled in the class. */
    async enrolledAmong(classId: number, teacherIds: number[]): Promise<Set<number>> {
      if (!teacherIds.length) return new Set();
      const rows = await db
        .selectFrom('enrolment')
        .select('teacher_id')
        .where('class_id', '=', classId)
        .where('status', '=', 'enrolled')
        .where('teacher_id', 'in', teacherIds)
        .execute();
      return new Set(rows.map((r) => r.teacher_id));
    },

    async setModerators(classId: number, teacherIds: number[], by: number): Promise<void> {
      await db.deleteFrom('forum_moderator').where('class_id', '=', classId).execute();
      if (teacherIds.length)
        await db
          .insertInto('forum_moderator')
          .values(teacherIds.map((teacher_id) => ({ class_id: classId, teacher_id, created_by: by })))
          .execute();
    },

    // ---------------------------------------------------------------- participation

    /** Per teacher of the class (or one of them): the posts that count. */
    async countedByTeacher(classId: number, teacherId?: number): Promise<Array<{ teacherId: number; n: number }>> {
      let q = db
        .selectFrom('forum_post')
        .select([sql<number>`teacher_id`.as('teacherId'), sql<number>`count(*)::int`.as('n')])
        .where('class_id', '=', classId)
        .where('counts', '=', true)
        .where('teacher_id', 'is not', null);
      if (teacherId !== undefined) q = q.where('teacher_id', '=', teacherId);
      return q.groupBy('teacher_id').execute();
    },

    async countedIn(teacherId: number, classIds: number[]): Promise<Map<number, number>> {
      if (!classIds.length) return new Map();
      const rows = await db
        .selectFrom('forum_post')
        .select(['class_id as classId', sql<number>`count(*)::int`.as('n')])
        .where('teacher_id', '=', teacherId)
        .where('class_id', 'in', classIds)
        .where('counts', '=', true)
        .groupBy('class_id')
        .execute();
      return new Map(rows.map((r) => [r.classId, r.n]));
    },
  };
}
