import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { HonourGrade, HonourKind } from '../services/honour.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface HonourRow {
  id: number;
  provinceId: number;
  kind: HonourKind;
  teacherId: number | null;
  userId: number | null;
  orgUnitId: number;
  orgPath: string;
  unitName: string;
  recipientName: string;
  awardedByUnitId: number;
  awardedByPath: string;
  awardedByName: string;
  title: string;
  grade: HonourGrade | null;
  year: number;
  sourceKind: 'competition' | 'commendation' | 'pair';
  sourceId: number;
  code: string;
  awardedOn: string;
  revokedAt: Date | null;
  revokeReason: string | null;
  revokedByName: string | null;
}

export interface HonourFilter {
  provinceId: number;
  /** honours of the units under the path, and those awarded by them */
  path: string;
  kind?: HonourKind;
  year?: number;
  q?: string;
  state?: 'active' | 'revoked';
}

/** Honours (荣誉): the list of a subtree, one by id or by its public code. */
export function createHonourRepository(db: Q) {
  const base = () =>
    db
      .selectFrom('honour as h')
      .innerJoin('org_unit as o', 'o.id', 'h.org_unit_id')
      .innerJoin('org_unit as a', 'a.id', 'h.awarded_by_unit_id')
      .leftJoin('app_user as r', 'r.id', 'h.revoked_by')
      .select([
        'h.id',
        'h.province_id',
        'h.kind',
        'h.teacher_id',
        'h.user_id',
        'h.org_unit_id',
        'h.org_path',
        'o.name as unit_name',
        'h.recipient_name',
        'h.awarded_by_unit_id',
        'h.awarded_by_path',
        'a.name as awarded_by_name',
        'h.title',
        'h.grade',
        'h.year',
        'h.source_kind',
        'h.source_id',
        'h.code',
        'h.awarded_on',
        'h.revoked_at',
        'h.revoke_reason',
        'r.display_name as revoked_by_name',
      ]);
  type Raw = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;
  const toRow = (r: Raw): HonourRow => ({
    id: Number(r.id),
    provinceId: Number(r.province_id),
    kind: r.kind as HonourKind,
    teacherId: r.teacher_id === null ? null : Number(r.teacher_id),
    userId: r.user_id === null ? null : Number(r.user_id),
    orgUnitId: Number(r.org_unit_id),
    orgPath: r.org_path,
    unitName: r.unit_name,
    recipientName: r.recipient_name,
    awardedByUnitId: Number(r.awarded_by_unit_id),
    awardedByPath: r.awarded_by_path,
    awardedByName: r.awarded_by_name,
    title: r.title,
    grade: (r.grade as HonourGrade | null) ?? null,
    year: r.year,
    sourceKind: r.source_kind as HonourRow['sourceKind'],
    sourceId: Number(r.source_id),
    code: r.code,
    awardedOn: typeof r.awarded_on === 'string' ? r.awarded_on : (r.awarded_on as Date).toISOString().slice(0, 10),
    revokedAt: (r.revoked_at as Date | null) ?? null,
    revokeReason: r.revoke_reason,
    revokedByName: r.revoked_by_name ?? null,
  });

  function filtered(f: HonourFilter) {
    const like = `${escapeLike(f.path)}%`;
    let q = base()
      .where('h.province_id', '=', f.provinceId)
      .where((eb) => eb.or([eb('h.org_path', 'like', like), eb('h.awarded_by_path', 'like', like)]));
    if (f.kind) q = q.where('h.kind', '=', f.kind);
    if (f.year) q = q.where('h.year', '=', f.year);
    if (f.state === 'active') q = q.where('h.revoked_at', 'is', null);
    if (f.state === 'revoked') q = q.where('h.revoked_at', 'is not', null);
    if (f.q) {
      const text = `%${escapeLike(f.q)}%`;
      q = q.where((eb) =>
        eb.or([eb('h.recipient_name', 'like', text), eb('h.title', 'like', text), eb('o.name', 'like', text)]),
      );
    }
    return q;
  }

  return {
    async find(id: number): Promise<HonourRow | null> {
      const r = await base().where('h.id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async byCode(code: string): Promise<HonourRow | null> {
      const r = await base().where('h.code', '=', code).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async list(
      f: HonourFilter,
      page: { offset: number; limit: number },
    ): Promise<{ rows: HonourRow[]; total: number }> {
      const [rows, total] = await Promise.all([
        filtered(f)
          .orderBy('h.awarded_on', 'desc')
          .orderBy('h.id', 'desc')
          .offset(page.offset)
          .limit(page.limit)
          .execute(),
        db
          .selectFrom(filtered(f).as('x'))
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { rows: rows.map(toRow), total: Number(total.n) };
    },
  };
}
