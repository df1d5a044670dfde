import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RequestContext } from '../services/context.js';
import type { TeacherColumns } from './teacher.repository.js';

type Q = Kysely<DB>;

export type ImportAction = 'create' | 'update' | 'unchanged' | 'transfer';

export interface StagedRow extends TeacherColumns {
  row_no: number;
  action: ImportAction;
  teacher_id: number | null;
  org_unit_id: number;
  org_path: string;
  changes: Record<string, unknown> | null;
}

export interface ImportSummary {
  total: number;
  create: number;
  update: number;
  unchanged: number;
  transfer: number;
  error: number;
}

export interface TeacherImportRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  createdBy: number;
  createdAt: Date;
  fileName: string;
  status: 'validated' | 'committed' | 'discarded' | 'expired';
  totalRows: number;
  summary: ImportSummary;
  errors: Array<{ row: number; column: string; code: string; value?: string }>;
  extraColumns: string[];
  committedAt: Date | null;
  result: Record<string, number> | null;
}

/** Column order of the staging insert; each becomes one array parameter of an unnest(). */
const STAGED: Array<[keyof StagedRow, string]> = [
  ['row_no', 'int4'],
  ['action', 'text'],
  ['teacher_id', 'int8'],
  ['org_unit_id', 'int8'],
  ['org_path', 'text'],
  ['name', 'text'],
  ['id_type', 'text'],
  ['id_number_enc', 'bytea'],
  ['id_number_hash', 'bytea'],
  ['id_number_masked', 'text'],
  ['gender', 'text'],
  ['birth_date', 'date'],
  ['phone_enc', 'bytea'],
  ['phone_hash', 'bytea'],
  ['phone_masked', 'text'],
  ['stage', 'text'],
  ['subject', 'text'],
  ['title', 'text'],
  ['teaching_start_year', 'int2'],
  ['employment', 'text'],
  ['head_teacher', 'bool'],
  ['backbone_level', 'text'],
  ['subject_leader', 'bool'],
  ['master_teacher', 'bool'],
  ['new_teacher', 'bool'],
  ['changes', 'jsonb'],
];

/** The teacher columns copied from a staged row on create, update and transfer. */
const FIELD_COLUMNS = [
  'name',
  'id_type',
  'gender',
  'birth_date',
  'phone_enc',
  'phone_hash',
  'phone_masked',
  'stage',
  'subject',
  'title',
  'teaching_start_year',
  'employment',
  'head_teacher',
  'backbone_level',
  'subject_leader',
  'master_teacher',
  'new_teacher',
] as const;

export function createTeacherImportRepository(db: Q) {
  return {
    async insert(i: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      createdBy: number;
      fileName: string;
      fileSha256: Buffer;
      totalRows: number;
      summary: ImportSummary;
      errors: unknown[];
    }): Promise<number> {
      const r = await db
        .insertInto('teacher_import')
        .values({
          province_id: i.provinceId,
          org_unit_id: i.orgUnitId,
          org_path: i.orgPath,
          created_by: i.createdBy,
          file_name: i.fileName,
          file_sha256: i.fileSha256,
          status: 'validated',
          total_rows: i.totalRows,
          summary: JSON.stringify(i.summary),
          errors: JSON.stringify(i.errors),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /** Stages validated rows in chunks, each chunk one INSERT … SELECT FROM unnest(arrays). */
    async stageRows(importId: number, rows: StagedRow[], chunk = 5_000): Promise<void> {
      for (let start = 0; start < rows.length; start += chunk) {
        const part = rows.slice(start, start + chunk);
        const arrays = STAGED.map(([col, type]) => {
          const values = part.map((r) => (col === 'changes' ? (r.changes ? JSON.stringify(r.changes) : null) : r[col]));
          return sql`${values}::${sql.raw(type)}[]`;
        });
        await sql`INSERT INTO teacher_import_row (import_id, ${sql.join(STAGED.map(([c]) => sql.ref(c)))})
          SELECT ${importId}, u.* FROM unnest(${sql.join(arrays)}) AS u`.execute(db);
      }
    },

    /** The outcome of the check, once every chunk is staged. */
    async finish(
      id: number,
      r: { totalRows: number; summary: ImportSummary; errors: unknown[]; extraColumns: string[] },
    ): Promise<void> {
      await db
        .updateTable('teacher_import')
        .set({
          total_rows: r.totalRows,
          summary: JSON.stringify(r.summary),
          errors: JSON.stringify(r.errors),
          extra_columns: JSON.stringify(r.extraColumns),
        })
        .where('id', '=', id)
        .execute();
    },

    async find(id: number): Promise<TeacherImportRow | undefined> {
      const r = await db
        .selectFrom('teacher_import')
        .select([
          'id',
          'province_id as provinceId',
          'org_unit_id as orgUnitId',
          'org_path as orgPath',
          'created_by as createdBy',
          'created_at as createdAt',
          'file_name as fileName',
          'status',
          'total_rows as totalRows',
          'summary',
          'errors',
          'extra_columns as extraColumns',
          'committed_at as committedAt',
          'result',
        ])
        .where('id', '=', id)
        .executeTakeFirst();
      return r as TeacherImportRow | undefined;
    },

    async lockForCommit(id: number): Promise<TeacherImportRow | undefined> {
      const r = await db
        .selectFrom('teacher_import')
        .select([
          'id',
          'province_id as provinceId',
          'org_unit_id as orgUnitId',
          'org_path as orgPath',
          'created_by as createdBy',
          'created_at as createdAt',
          'file_name as fileName',
          'status',
          'total_rows as totalRows',
          'summary',
          'errors',
          'extra_columns as extraColumns',
          'committed_at as committedAt',
          'result',
        ])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return r as TeacherImportRow | undefined;
    },

    async stagedTransfers(
      id: number,
      limit: number,
    ): Promise<
      Array<{
        row: number;
        name: string;
        idNumberMasked: string;
        fromPath: string | null;
        fromUnitName: string | null;
        toUnitName: string;
      }>
    > {
      return db
        .selectFrom('teacher_import_row as r')
        .innerJoin('org_unit as dest', 'dest.id', 'r.org_unit_id')
        .leftJoin('teacher as t', 't.id', 'r.teacher_id')
        .leftJoin('org_unit as src', 'src.id', 't.org_unit_id')
        .select([
          'r.row_no as row',
          'r.name',
          'r.id_number_masked as idNumberMasked',
          't.org_path as fromPath',
          'src.name as fromUnitName',
          'dest.name as toUnitName',
        ])
        .where('r.import_id', '=', id)
        .where('r.action', '=', 'transfer')
        .orderBy('r.row_no')
        .limit(limit)
        .execute();
    },

    /**
     * Whether anything the import relies on changed since it was checked: a teacher it would
     * create now exists, or a teacher it would change or keep was changed meanwhile.
     */
    async isStale(id: number, checkedAt: Date): Promise<boolean> {
      const r = await sql<{ stale: boolean }>`SELECT EXISTS (
          SELECT 1 FROM teacher_import_row r JOIN teacher t ON t.id_number_hash = r.id_number_hash
           WHERE r.import_id = ${id} AND (r.action = 'create' OR t.id IS DISTINCT FROM r.teacher_id OR t.updated_at > ${checkedAt})
        ) AS stale`.execute(db);
      return r.rows[0]!.stale;
    },

    /** Inserts the staged new teachers and opens their postings in one statement; returns how many. */
    async commitCreates(id: number, provinceId: number, actorId: number, today: string): Promise<number> {
      const cols = sql.join(FIELD_COLUMNS.map((c) => sql.ref(c)));
      const r = await sql`WITH created AS (
            INSERT INTO teacher (province_id, org_unit_id, org_path, id_number_enc, id_number_hash, id_number_masked, import_id, ${cols})
            SELECT ${provinceId}, r.org_unit_id, r.org_path, r.id_number_enc, r.id_number_hash, r.id_number_masked, ${id}, ${sql.join(FIELD_COLUMNS.map((c) => sql.ref(`r.${c}`)))}
              FROM teacher_import_row r WHERE r.import_id = ${id} AND r.action = 'create' ORDER BY r.row_no
            RETURNING id, province_id, org_unit_id, org_path)
          INSERT INTO teacher_posting (teacher_id, province_id, org_unit_id, org_path, started_on, reason, created_by)
          SELECT c.id, c.province_id, c.org_unit_id, c.org_path, ${today}::date, ${'import'}, ${actorId} FROM created c`.execute(
        db,
      );
      return Number(r.numAffectedRows ?? 0);
    },

    /** The teachers a commit created, changed or (when confirmed) moved. */
    async committedTeacherIds(id: number, withTransfers: boolean): Promise<number[]> {
      const r = await sql<{ id: number }>`SELECT id FROM teacher WHERE import_id = ${id}
          UNION SELECT teacher_id FROM teacher_import_row WHERE import_id = ${id} AND teacher_id IS NOT NULL
            AND (action = 'update' OR (action = 'transfer' AND ${withTransfers}))`.execute(db);
      return r.rows.map((x) => Number(x.id));
    },

    /** Applies the staged changes to existing teachers of the same school; returns how many. */
    async commitUpdates(id: number): Promise<number> {
      const r =
        await sql`UPDATE teacher t SET ${sql.join(FIELD_COLUMNS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`r.${c}`)}`))}, updated_at = now()
          FROM teacher_import_row r WHERE r.import_id = ${id} AND r.action = 'update' AND t.id = r.teacher_id`.execute(
          db,
        );
      return Number(r.numAffectedRows ?? 0);
    },

    /** Moves the staged transfers to their new school, closing and opening postings; returns how many. */
    async commitTransfers(id: number, actorId: number, today: string): Promise<number> {
      await sql`UPDATE teacher_posting p SET ended_on = greatest(p.started_on, ${today}::date)
          FROM teacher_import_row r WHERE r.import_id = ${id} AND r.action = 'transfer' AND p.teacher_id = r.teacher_id AND p.ended_on IS NULL`.execute(
        db,
      );
      const r = await sql`UPDATE teacher t SET org_unit_id = r.org_unit_id, org_path = r.org_path,
            ${sql.join(FIELD_COLUMNS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`r.${c}`)}`))}, updated_at = now()
          FROM teacher_import_row r WHERE r.import_id = ${id} AND r.action = 'transfer' AND t.id = r.teacher_id`.execute(
        db,
      );
      await sql`INSERT INTO teacher_posting (teacher_id, province_id, org_unit_id, org_path, started_on, reason, created_by)
          SELECT r.teacher_id, t.province_id, r.org_unit_id, r.org_path, ${today}::date, ${'transfer (import)'}, ${actorId}
            FROM teacher_import_row r JOIN teacher t ON t.id = r.teacher_id WHERE r.import_id = ${id} AND r.action = 'transfer'`.execute(
        db,
      );
      return Number(r.numAffectedRows ?? 0);
    },

    /**
     * One audit row per changed or moved teacher, with the field changes of its row: set-based, in
     * the commit's transaction. Transfers are also recorded under the school the teacher left.
     */
    async auditRows(id: number, ctx: RequestContext, actions: Array<'update' | 'transfer'>): Promise<void> {
      if (actions.length === 0) return;
      const a = ctx.actor;
      await sql`INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_path, target_path, action, target_type, target_id, target_label, ip, outcome, details)
          SELECT ${a?.userId ?? null}, ${a?.username ?? null}, ${a?.role ?? null}, ${a?.orgPath ?? null}, r.org_path,
                 CASE r.action WHEN 'update' THEN 'teacher.update' ELSE 'teacher.transfer' END, 'teacher', r.teacher_id::text, r.name, ${ctx.ip}, 'success',
                 jsonb_build_object('importId', ${id}::bigint, 'row', r.row_no, 'changes', coalesce(r.changes, '{}'::jsonb))
            FROM teacher_import_row r WHERE r.import_id = ${id} AND r.action = ANY(${actions}::text[])
           ORDER BY r.row_no`.execute(db);
      if (!actions.includes('transfer')) return;
      await sql`INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_path, target_path, action, target_type, target_id, target_label, ip, outcome, details)
          SELECT ${a?.userId ?? null}, ${a?.username ?? null}, ${a?.role ?? null}, ${a?.orgPath ?? null}, t.org_path,
                 'teacher.transfer_out', 'teacher', r.teacher_id::text, r.name, ${ctx.ip}, 'success',
                 jsonb_build_object('importId', ${id}::bigint, 'toOrgUnitId', r.org_unit_id)
            FROM teacher_import_row r JOIN teacher t ON t.id = r.teacher_id WHERE r.import_id = ${id} AND r.action = 'transfer'
           ORDER BY r.row_no`.execute(db);
    },

    async markCommitted(id: number, userId: number, result: Record<string, number>): Promise<void> {
      await db
        .updateTable('teacher_import')
        .set({ status: 'committed', committed_at: sql`now()`, committed_by: userId, result: JSON.stringify(result) })
        .where('id', '=', id)
        .execute();
      // the staged copies of identifiers are not kept once they are in the registry
      await db.deleteFrom('teacher_import_row').where('import_id', '=', id).execute();
    },

    /**
     * Marks the checked uploads made before `cutoff` and never committed as expired and deletes
     * their staged rows; answers which.
     */
    async expireCheckedBefore(cutoff: Date): Promise<Array<{ id: number; orgPath: string; fileName: string }>> {
      const gone = await db
        .updateTable('teacher_import')
        .set({ status: 'expired' })
        .where('status', '=', 'validated')
        .where('created_at', '<', cutoff)
        .returning(['id', 'org_path as orgPath', 'file_name as fileName'])
        .execute();
      if (gone.length === 0) return gone;
      await db
        .deleteFrom('teacher_import_row')
        .where(
          'import_id',
          'in',
          gone.map((g) => g.id),
        )
        .execute();
      return gone;
    },

    async markDiscarded(id: number): Promise<void> {
      await db.updateTable('teacher_import').set({ status: 'discarded' }).where('id', '=', id).execute();
      await db.deleteFrom('teacher_import_row').where('import_id', '=', id).execute();
    },
  };
}

export type TeacherImportRepository = ReturnType<typeof createTeacherImportRepository>;
