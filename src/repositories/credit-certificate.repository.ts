import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type CertificateStatus = 'valid' | 'revoked' | 'superseded';

export interface CertificateRow {
  id: number;
  provinceId: number;
  code: string;
  teacherId: number;
  cycleId: number;
  kind: 'cycle' | 'year';
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

    /** The valid certificate of a teacher for a cycle (or a year of it), locked for replacement. */
    async lockValid(
      teacherId: number,
      cycleId: number,
      kind: 'cycle' | 'year',
      year: number | null,
    ): Promise<CertificateRow | undefined> {
      let q = select()
        .where('c.teacher_id', '=', teacherId)
        .where('c.cycle_id', '=', cycleId)
        .where('c.kind', '=', kind)
        .where('c.status', '=', 'valid');
      q = year === null ? q.where('c.year', 'is', null) : q.where('c.year', '=', year);
      return (await q.forUpdate().executeTakeFirst()) as CertificateRow | undefined;
    },

    async insert(c: {
      provinceId: number;
      code: string;
      teacherId: number;
      cycleId: number;
      kind: 'cycle' | 'year';
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
