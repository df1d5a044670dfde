import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { TEACHER_UNIT_KINDS, type OrgUnitKind, type Stage } from '../domain/org-tree.js';

export interface OrgUnitRow {
  id: number;
  parentId: number | null;
  path: string;
  depth: number;
  provinceId: number;
  kind: OrgUnitKind;
  name: string;
  code: string | null;
  divisionCode: string | null;
  stages: Stage[];
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  isDemo: boolean;
  childCount: number;
}

export interface NewOrgUnit {
  parentId: number | null;
  kind: OrgUnitKind;
  name: string;
  code?: string | null;
  divisionCode?: string | null;
  stages?: Stage[];
  address?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  isDemo?: boolean;
}

type Q = Kysely<DB>;

function selectUnits(db: Q) {
  return db
    .selectFrom('org_unit as o')
    .select([
      'o.id',
      'o.parent_id as parentId',
      'o.path',
      'o.depth',
      'o.province_id as provinceId',
      'o.kind',
      'o.name',
      'o.code',
      'o.division_code as divisionCode',
      'o.stages',
      'o.address',
      'o.contact_name as contactName',
      'o.contact_phone as contactPhone',
      'o.is_demo as isDemo',
      sql<number>`(SELECT count(*) FROM org_unit c WHERE c.parent_id = o.id)::int`.as('childCount'),
    ]);
}

const asRow = (r: unknown) => r as OrgUnitRow;

export function createOrgUnitRepository(db: Q) {
  return {
    async findById(id: number): Promise<OrgUnitRow | undefined> {
      return asRow(await selectUnits(db).where('o.id', '=', id).executeTakeFirst()) ?? undefined;
    },

    /** Only the materialized path: the one fact access checks need. */
    async pathOf(id: number): Promise<string | undefined> {
      const r = await db.selectFrom('org_unit').select('path').where('id', '=', id).executeTakeFirst();
      return r?.path;
    },

    async findByIds(ids: number[]): Promise<OrgUnitRow[]> {
      if (ids.length === 0) return [];
      return (await selectUnits(db).where('o.id', 'in', ids).execute()).map(asRow);
    },

    async findByCode(code: string): Promise<OrgUnitRow | undefined> {
      const r = await selectUnits(db)
        .where((eb) => eb.or([eb('o.code', '=', code), eb('o.division_code', '=', code)]))
        .orderBy('o.depth')
        .limit(1)
        .executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    async findByDivisionCodes(codes: string[]): Promise<Map<string, OrgUnitRow>> {
      if (codes.length === 0) return new Map();
      const rows = (await selectUnits(db).where('o.division_code', 'in', codes).execute()).map(asRow);
      return new Map(rows.map((r) => [r.divisionCode!, r]));
    },

    /**
     * One page of child units and the number of all matching children, in one query: the total
     * comes from a window count over the filtered rows. Only a page past the end (no rows, so no
     * count) needs a second query.
     */
    async children(
      parentId: number,
      opts: { kind?: OrgUnitKind; q?: string; limit: number; offset: number },
    ): Promise<{ items: OrgUnitRow[]; total: number }> {
      let base = db.selectFrom('org_unit as o').where('o.parent_id', '=', parentId);
      if (opts.kind) base = base.where('o.kind', '=', opts.kind);
      if (opts.q)
        base = base.where((eb) =>
          eb.or([eb('o.name', 'like', `%${escapeLike(opts.q!)}%`), eb('o.code', '=', opts.q!)]),
        );
      let items = selectUnits(db)
        .select(sql<number>`(count(*) OVER ())::int`.as('fullCount'))
        .where('o.parent_id', '=', parentId);
      if (opts.kind) items = items.where('o.kind', '=', opts.kind);
      if (opts.q)
        items = items.where((eb) =>
          eb.or([eb('o.name', 'like', `%${escapeLike(opts.q!)}%`), eb('o.code', '=', opts.q!)]),
        );
      const rows = await items
        .orderBy('o.kind')
        .orderBy('o.name')
        .orderBy('o.id')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute();
      let total = rows[0]?.fullCount ?? 0;
      if (rows.length === 0 && opts.offset > 0) {
        total = (await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
      }
      return { items: rows.map(({ fullCount: _, ...r }) => asRow(r)), total };
    },

    /** Name or code search inside a subtree. */
    async search(scopePath: string, q: string, opts: { kind?: OrgUnitKind; limit: number }): Promise<OrgUnitRow[]> {
      let query = selectUnits(db)
        .where('o.path', 'like', `${scopePath}%`)
        .where((eb) =>
          eb.or([eb('o.name', 'like', `%${escapeLike(q)}%`), eb('o.code', '=', q), eb('o.division_code', '=', q)]),
        );
      if (opts.kind) query = query.where('o.kind', '=', opts.kind);
      return (await query.orderBy('o.depth').orderBy('o.name').limit(opts.limit).execute()).map(asRow);
    },

    /** Inserts a unit and sets its path from the parent's; returns the new row. */
    async insert(
      unit: NewOrgUnit,
      parent: { path: string; depth: number; provinceId: number } | null,
    ): Promise<OrgUnitRow> {
      const { id } = await db
        .insertInto('org_unit')
        .values({
          parent_id: unit.parentId,
          // the real path needs the id: a unique placeholder first, fixed in the same transaction
          path: `/pending-${process.hrtime.bigint()}-${Math.random()}/`,
          depth: parent ? parent.depth + 1 : 1,
          province_id: parent?.provinceId ?? 0,
          kind: unit.kind,
          name: unit.name,
          code: unit.code ?? null,
          division_code: unit.divisionCode ?? null,
          stages: unit.stages ?? [],
          address: unit.address ?? null,
          contact_name: unit.contactName ?? null,
          contact_phone: unit.contactPhone ?? null,
          is_demo: unit.isDemo ?? false,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const path = `${parent?.path ?? '/'}${id}/`;
      await db
        .updateTable('org_unit')
        .set({ path, province_id: parent ? parent.provinceId : id })
        .where('id', '=', id)
        .execute();
      return (await this.findById(id))!;
    },

    async update(
      id: number,
      patch: Partial<
        Pick<NewOrgUnit, 'name' | 'code' | 'divisionCode' | 'stages' | 'address' | 'contactName' | 'contactPhone'>
      >,
    ): Promise<void> {
      const set: Record<string, unknown> = { updated_at: sql`now()` };
      if (patch.name !== undefined) set['name'] = patch.name;
      if (patch.code !== undefined) set['code'] = patch.code;
      if (patch.divisionCode !== undefined) set['division_code'] = patch.divisionCode;
      if (patch.stages !== undefined) set['stages'] = patch.stages;
      if (patch.address !== undefined) set['address'] = patch.address;
      if (patch.contactName !== undefined) set['contact_name'] = patch.contactName;
      if (patch.contactPhone !== undefined) set['contact_phone'] = patch.contactPhone;
      await db.updateTable('org_unit').set(set).where('id', '=', id).execute();
    },

    /** The schools of a subtree: id, name, code and path. */
    /** The units of a subtree (itself included) that hold teachers: schools and township centre schools. */
    async teacherUnitsUnder(
      path: string,
    ): Promise<Array<{ id: number; name: string; code: string | null; path: string }>> {
      return db
        .selectFrom('org_unit')
        .select(['id', 'name', 'code', 'path'])
        .where('kind', 'in', [...TEACHER_UNIT_KINDS])
        .where('path', 'like', `${escapeLike(path)}%`)
        .execute();
    },

    async countAll(): Promise<number> {
      const r = await db.selectFrom('org_unit').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      return r.n;
    },

    async namesUnder(parentId: number): Promise<Set<string>> {
      const rows = await db.selectFrom('org_unit').select('name').where('parent_id', '=', parentId).execute();
      return new Set(rows.map((r) => r.name));
    },

    async codesIn(provinceId: number, codes: string[]): Promise<Set<string>> {
      if (codes.length === 0) return new Set();
      const rows = await db
        .selectFrom('org_unit')
        .select('code')
        .where('province_id', '=', provinceId)
        .where('code', 'in', codes)
        .execute();
      return new Set(rows.map((r) => r.code!));
    },
  };
}

export type OrgUnitRepository = ReturnType<typeof createOrgUnitRepository>;

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
