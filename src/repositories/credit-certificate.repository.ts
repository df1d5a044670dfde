import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type CertificateStatus = 'valid' | 'revoked' | 'superseded';
/** 'cycle': certificate of a finished cycle (学时证书); 'record': hours so far (学时证明); 'year': a year's sheet */
export type CertificateKind = 'cycle' | 'year' | 'record';

export interface CertificateRow {
  id: number;
  provinceId: number;
  code: string;
  teacherId: number;
  cycleId: number;
  kind: CertificateKind;
  year: number | null;
  orgUnitId: number;
  orgPath: string;
  status: CertificateStatus;
  supersededBy: number | null;
  snapshot: unknown;
  issuedAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
}

const COLUMNS = [
  'c.id',
  'c.province_id as provinceId',
  'c.code',
  'c.teacher_id as teacherId',
  'c.cycle_id as cycleId',
  'c.kind',
  'c.year',
  'c.org_unit_id as orgUnitId',
  'c.org_path as orgPath',
  'c.status',
  'c.superseded_by as supersededBy',
  'c.snapshot',
  'c.issued_at as issuedAt',
  'c.revoked_at as revokedAt',
  'c.revoke_reason as revokeReason',
] as const;

/** Certificates: frozen snapshots; revoked and superseded ones keep answering at their code. */
export function createCreditCertificateRepository(db: Q) {
  const select = () => db.selectFrom('credit_certificate as c').select(COLUMNS);
  return {
    async find(id: number): Promise<CertificateRow | undefined> {
      return (await select().where('c.id', '=', id).executeTakeFirst()) as CertificateRow | undefined;
    },

    async findByCode(code: string): Promise<(CertificateRow & { supersededByCode: string | null }) | undefined> {
      return (await select()
        .leftJoin('credit_certificate as n', 'n.id', 'c.superseded_by')
        .select('n.code as supersededByCode')
        .where('c.code', '=', code)
        .executeTakeFirst()) as (CertificateRow & { supersededByCode: string | null }) | undefined;
    },

    /**
     * The valid certificates of a teacher for a cycle of the given kinds (or for a year of it), locked
     * for replacement: one at most per kind.
     */
    async lockValid(
      teacherId: number,
      cycleId: number,
      kinds: readonly CertificateKind[],
      year: number | null,
    ): Promise<CertificateRow[]> {
      let q = select()
        .where('c.teacher_id', '=', teacherId)
        .where('c.cycle_id', '=', cycleId)
        .where('c.kind', 'in', kinds)
        .where('c.status', '=', 'valid');
      q = year === null ? q.where('c.year', 'is', null) : q.where('c.year', '=', year);
      return (await q.orderBy('c.id').forUpdate().execute()) as CertificateRow[];
    },

    /**
     * The unit that organised each entry's training, by entry id: the project's organiser for hours
     * a project posted, the school for school-based training, else the unit of whoever registered it
     * (the entry's school when nobody did).
     */
    async organisers(entryIds: readonly number[]): Promise<Map<number, string>> {
      if (entryIds.length === 0) return new Map();
      const rows = await sql<{ id: number; name: string }>`
        SELECT e.id, coalesce(
            CASE WHEN e.source_type = 'project' THEN pu.name END,
            CASE WHEN e.source_type = 'school_activity' THEN o.name END,
            ru.name,
            o.name) AS name
          FROM credit_entry e
          JOIN org_unit o ON o.id = e.org_unit_id
          LEFT JOIN training_project p ON e.source_type = 'project'
            -- a CASE, so that no plan casts a reference typed by hand ("县教培〔2027〕12号") to a number
            AND p.id = CASE WHEN e.source_ref ~ '^project:[0-9]{1,18}$' THEN substring(e.source_ref FROM 9)::bigint END
          LEFT JOIN org_unit pu ON pu.id = p.org_unit_id
          LEFT JOIN app_user u ON u.id = e.created_by
          LEFT JOIN org_unit ru ON ru.id = u.org_unit_id
         WHERE e.id = ANY(${sql.val([...entryIds])}::bigint[])`.execute(db);
      return new Map(rows.rows.map((r) => [Number(r.id), r.name]));
    },

    async insert(c: {
      provinceId: number;
      code: string;
      teacherId: number;
      cycleId: number;
      kind: CertificateKind;
      year: number | null;
      orgUnitId: number;
      orgPath: string;
      snapshot: unknown;
      issuedBy: number | null;
    }): Promise<number> {
      const r = await db
        .insertInto('credit_certificate')
        .values({
          province_id: c.provinceId,
          code: c.code,
          teacher_id: c.teacherId,
          cycle_id: c.cycleId,
          kind: c.kind,
          year: c.year,
          org_unit_id: c.orgUnitId,
          org_path: c.orgPath,
          status: 'valid',
          snapshot: JSON.stringify(c.snapshot),
          issued_by: c.issuedBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async supersede(id: number, by: number | null): Promise<void> {
      await db
        .updateTable('credit_certificate')
        .set({ status: 'superseded', superseded_by: by })
        .where('id', '=', id)
        .execute();
    },

    async revoke(id: number, reason: string): Promise<boolean> {
      const r = await db
        .updateTable('credit_certificate')
        .set({ status: 'revoked', revoked_at: new Date(), revoke_reason: reason })
        .where('id', '=', id)
        .where('status', '=', 'valid')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async forTeacher(teacherId: number): Promise<CertificateRow[]> {
      return (await select()
        .where('c.teacher_id', '=', teacherId)
        .orderBy('c.id', 'desc')
        .limit(100)
        .execute()) as CertificateRow[];
    },

    async under(
      path: string,
      cycleId: number | undefined,
      page: { limit: number; offset: number },
      q?: string,
    ): Promise<Array<CertificateRow & { teacherName: string }>> {
      let query = select()
        .innerJoin('teacher as t', 't.id', 'c.teacher_id')
        .select('t.name as teacherName')
        .where('c.org_path', 'like', `${escapeLike(path)}%`);
      if (cycleId !== undefined) query = query.where('c.cycle_id', '=', cycleId);
      // a certificate's number exactly (typed in any case), or a part of its teacher's name
      if (q)
        query = query.where((eb) =>
          eb.or([eb('c.code', '=', q.toUpperCase()), eb('t.name', 'ilike', `%${escapeLike(q)}%`)]),
        );
      return (await query.orderBy('c.id', 'desc').limit(page.limit).offset(page.offset).execute()) as Array<
        CertificateRow & { teacherName: string }
      >;
    },
  };
}
