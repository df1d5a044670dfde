import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { QuestionKey, QuestionKind, QuestionOption } from '../domain/question.js';
import { pathPrefixes } from './course.repository.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** What a version of a question says: its content, tags and whether options may be shuffled. */
export interface QuestionFields {
  kind: QuestionKind;
  stem: string;
  options: QuestionOption[];
  answer: QuestionKey;
  explanation: string;
  module: string;
  subject: string;
  stage: string;
  difficulty: number;
  shuffleOptions: boolean;
}

/** A question of a bank with its current version. */
export interface QuestionRow extends QuestionFields {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  version: number;
  versionId: number;
  frozen: boolean;
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface QuestionVersionRow extends QuestionFields {
  id: number;
  questionId: number;
  version: number;
  frozen: boolean;
  createdBy: number | null;
  createdByName: string | null;
  createdAt: Date;
}

export interface QuestionFilter {
  provinceId: number;
  /** the bank's unit */
  unitPath: string;
  /** the banks of the units above it too (read-only for the reader) */
  includeInherited?: boolean;
  kind?: QuestionKind;
  module?: string;
  subject?: string;
  stage?: string;
  difficulty?: number;
  q?: string;
  status: 'active' | 'archived' | 'all';
}

function selectQuestions(db: Q) {
  return db
    .selectFrom('question as q')
    .innerJoin('question_version as v', (j) =>
      j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'),
    )
    .innerJoin('org_unit as o', 'o.id', 'q.org_unit_id')
    .select([
      'q.id',
      'q.province_id as provinceId',
      'q.org_unit_id as orgUnitId',
      'o.name as orgUnitName',
      'q.org_path as orgPath',
      'q.current_version as version',
      'v.id as versionId',
      'v.frozen',
      'q.archived',
      'q.created_at as createdAt',
      'q.updated_at as updatedAt',
      'v.kind',
      'v.stem',
      'v.options',
      'v.answer',
      'v.explanation',
      'v.module',
      'v.subject',
      'v.stage',
      'v.difficulty',
      'v.shuffle_options as shuffleOptions',
    ]);
}

/** Options with their keys in one order (jsonb keeps its own). */
const options = (v: unknown): QuestionOption[] =>
  ((v ?? []) as QuestionOption[]).map((o) => ({ key: o.key, text: o.text }));
const toRow = (r: Record<string, unknown>): QuestionRow =>
  ({ ...r, options: options(r['options']), answer: (r['answer'] ?? null) as QuestionKey }) as QuestionRow;

const versionValues = (f: QuestionFields) => ({
  kind: f.kind,
  stem: f.stem,
  options: JSON.stringify(f.options),
  answer: f.answer === null ? null : JSON.stringify(f.answer),
  explanation: f.explanation,
  module: f.module,
  subject: f.subject,
  stage: f.stage,
  difficulty: f.difficulty,
  shuffle_options: f.shuffleOptions,
});

/** Question banks: all SQL of `question`, `question_version` and `question_bank_editor`. */
export function createQuestionRepository(db: Q) {
  function filtered(f: QuestionFilter) {
    let q = selectQuestions(db).where('q.province_id', '=', f.provinceId);
    q = f.includeInherited
      ? q.where('q.org_path', 'in', pathPrefixes(f.unitPath))
      : q.where('q.org_path', '=', f.unitPath);
    if (f.status !== 'all') q = q.where('q.archived', '=', f.status === 'archived');
    if (f.kind) q = q.where('v.kind', '=', f.kind);
    if (f.module) q = q.where('v.module', '=', f.module);
    if (f.subject) q = q.where('v.subject', '=', f.subject);
    if (f.stage) q = q.where('v.stage', '=', f.stage);
    if (f.difficulty) q = q.where('v.difficulty', '=', f.difficulty);
    if (f.q) {
      const pattern = `%${escapeLike(f.q)}%`;
      q = q.where((eb) => eb.or([eb('v.stem', 'ilike', pattern), eb('v.explanation', 'ilike', pattern)]));
    }
    return q;
  }

  return {
    async find(id: number): Promise<QuestionRow | undefined> {
      const r = await selectQuestions(db).where('q.id', '=', id).executeTakeFirst();
      return r ? toRow(r) : undefined;
    },

    /** One page of a bank, the banks above first, then newest first. */
    async list(
      f: QuestionFilter,
      page: { limit: number; offset: number },
    ): Promise<{ items: QuestionRow[]; total: number }> {
      const [rows, count] = await Promise.all([
        filtered(f)
          .orderBy(sql`length(q.org_path)`)
          .orderBy('q.id', 'desc')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        filtered(f)
          .clearSelect()
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRow), total: Number(count.n) };
    },

    /** Every question of a filter, in pages of `batch`, oldest first (exports). */
    async *iterate(f: QuestionFilter, batch = 1_000): AsyncGenerator<QuestionRow[]> {
      let lastId = 0;
      for (;;) {
        const rows = await filtered(f).where('q.id', '>', lastId).orderBy('q.id').limit(batch).execute();
        if (rows.length === 0) return;
        yield rows.map(toRow);
        lastId = rows[rows.length - 1]!.id;
      }
    },

    /** The modules, subjects and stages in use in a bank (and the banks above it), for filters. */
    async tags(f: Pick<QuestionFilter, 'provinceId' | 'unitPath' | 'includeInherited'>): Promise<{
      modules: string[];
      subjects: string[];
      stages: string[];
    }> {
      const base = filtered({ ...f, status: 'active' }).clearSelect();
      const column = async (c: 'v.module' | 'v.subject' | 'v.stage') =>
        (await base.select(`${c} as tag`).distinct().where(c, '<>', '').orderBy('tag').limit(500).execute()).map(
          (r) => r.tag,
        );
      const [modules, subjects, stages] = await Promise.all([
        column('v.module'),
        column('v.subject'),
        column('v.stage'),
      ]);
      return { modules, subjects, stages };
    },

    /** The current versions of a bank's questions with these stems (an import's matches). */
    async findByStems(unitId: number, stems: string[]): Promise<QuestionRow[]> {
      if (stems.length === 0) return [];
      const rows = await selectQuestions(db)
        .where('q.org_unit_id', '=', unitId)
        .where('q.archived', '=', false)
        .where('v.stem', 'in', stems)
        .execute();
      return rows.map(toRow);
    },

    async versions(questionId: number): Promise<QuestionVersionRow[]> {
      const rows = await db
        .selectFrom('question_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.created_by')
        .select([
          'v.id',
          'v.question_id as questionId',
          'v.version',
          'v.frozen',
          'v.created_by as createdBy',
          'u.display_name as createdByName',
          'v.created_at as createdAt',
          'v.kind',
          'v.stem',
          'v.options',
          'v.answer',
          'v.explanation',
          'v.module',
          'v.subject',
          'v.stage',
          'v.difficulty',
          'v.shuffle_options as shuffleOptions',
        ])
        .where('v.question_id', '=', questionId)
        .orderBy('v.version', 'desc')
        .execute();
      return rows.map(
        (r) => ({ ...r, options: options(r.options), answer: (r.answer ?? null) as QuestionKey }) as QuestionVersionRow,
      );
    },

    /** A new question and its first version. */
    async insert(
      q: QuestionFields & { provinceId: number; orgUnitId: number; orgPath: string; createdBy: number | null },
    ): Promise<number> {
      const r = await db
        .insertInto('question')
        .values({
          province_id: q.provinceId,
          org_unit_id: q.orgUnitId,
          org_path: q.orgPath,
          current_version: 1,
          created_by: q.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('question_version')
        .values({ question_id: r.id, version: 1, created_by: q.createdBy, ...versionValues(q) })
        .execute();
      return r.id;
    },

    /** The question row locked for a change, with its current version's number and whether it is frozen. */
    async lock(id: number): Promise<{ version: number; frozen: boolean } | undefined> {
      await db.selectFrom('question').select('id').where('id', '=', id).forUpdate().execute();
      return db
        .selectFrom('question as q')
        .innerJoin('question_version as v', (j) =>
          j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'),
        )
        .select(['q.current_version as version', 'v.frozen'])
        .where('q.id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    /** Rewrites the current version (one no exam or attempt has used). */
    async updateVersion(id: number, version: number, f: QuestionFields): Promise<void> {
      await db
        .updateTable('question_version')
        .set(versionValues(f))
        .where('question_id', '=', id)
        .where('version', '=', version)
        .where('frozen', '=', false)
        .execute();
      await db.updateTable('question').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
    },

    /** Writes the next version and makes it the current one. */
    async addVersion(id: number, version: number, f: QuestionFields, createdBy: number | null): Promise<void> {
      await db
        .insertInto('question_version')
        .values({ question_id: id, version, created_by: createdBy, ...versionValues(f) })
        .execute();
      await db
        .updateTable('question')
        .set({ current_version: version, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async setArchived(id: number, archived: boolean): Promise<void> {
      await db.updateTable('question').set({ archived, updated_at: sql`now()` }).where('id', '=', id).execute();
    },

    /** The units whose banks a trainer was named to keep. */
    async editorUnits(userId: number): Promise<Array<{ id: number; path: string }>> {
      return db
        .selectFrom('question_bank_editor as e')
        .innerJoin('org_unit as o', 'o.id', 'e.org_unit_id')
        .select(['o.id', 'o.path'])
        .where('e.user_id', '=', userId)
        .orderBy(sql`length(o.path)`, 'desc')
        .execute();
    },

    /** The trainers named to keep a unit's bank. */
    async editors(
      unitId: number,
    ): Promise<Array<{ userId: number; username: string; displayName: string; orgUnitName: string }>> {
      return db
        .selectFrom('question_bank_editor as e')
        .innerJoin('app_user as u', 'u.id', 'e.user_id')
        .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
        .select(['u.id as userId', 'u.username', 'u.display_name as displayName', 'o.name as orgUnitName'])
        .where('e.org_unit_id', '=', unitId)
        .orderBy('u.display_name')
        .orderBy('u.id')
        .execute();
    },

    /** Of these accounts, the trainer accounts of a subtree. */
    async trainersIn(path: string, userIds: number[]): Promise<number[]> {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('app_user')
        .select('id')
        .where('id', 'in', userIds)
        .where('role', '=', 'trainer')
        .where('org_path', 'like', `${escapeLike(path)}%`)
        .execute();
      return rows.map((r) => r.id);
    },

    /** Names exactly these trainers to keep a unit's bank. */
    async setEditors(unitId: number, userIds: number[], createdBy: number | null): Promise<void> {
      let del = db.deleteFrom('question_bank_editor').where('org_unit_id', '=', unitId);
      if (userIds.length) del = del.where('user_id', 'not in', userIds);
      await del.execute();
      if (userIds.length)
        await db
          .insertInto('question_bank_editor')
          .values(userIds.map((u) => ({ org_unit_id: unitId, user_id: u, created_by: createdBy })))
          .onConflict((oc) => oc.columns(['org_unit_id', 'user_id']).doNothing())
          .execute();
    },
  };
}

export type QuestionRepository = ReturnType<typeof createQuestionRepository>;
