import { AppError, notFoundDenied } from '../errors/app-error.js';
import { childKindsOf, pathIds, type OrgUnitKind, type Stage } from '../domain/org-tree.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createOrgUnitRepository, type NewOrgUnit, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { lookupCaches } from './lookup-cache.js';
import { translatePgError } from './pg-errors.js';
import { parseSchoolSheet, schoolImportTemplate } from './school-import.js';

const UNIQUE = { org_unit_code_idx: 'ORG_CODE_TAKEN', org_unit_division_code_idx: 'DIVISION_CODE_TAKEN' } as const;

export interface OrgUnitPermissions {
  canEdit: boolean;
  canCreateChild: boolean;
  childKinds: OrgUnitKind[];
  canImportSchools: boolean;
}

export type CreateOrgUnitInput = Omit<NewOrgUnit, 'isDemo'> & { parentId: number };
export type UpdateOrgUnitInput = Partial<
  Pick<NewOrgUnit, 'name' | 'code' | 'stages' | 'address' | 'contactName' | 'contactPhone'>
>;

export function createOrgUnitService({ db }: ServiceDeps) {
  const units = createOrgUnitRepository(db);
  const { unitPaths } = lookupCaches(db);

  /** The unit, when the actor may read it; "not found" (audited as denied) when it lies outside their subtree. */
  async function loadInScope(ctx: RequestContext, id: number, action: string): Promise<OrgUnitRow> {
    const actor = requireActor(ctx);
    const unit = await units.findById(id);
    if (!unit) throw new AppError('NOT_FOUND');
    if (!can(actor, 'org.read', { path: unit.path })) {
      return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: id }, notFoundDenied());
    }
    return unit;
  }

  /**
   * The path of a unit the actor may read, with the same refusal as loadInScope. Kept in memory
   * once seen: a unit's path is fixed when it is created (units are never moved or deleted).
   */
  async function pathInScope(ctx: RequestContext, id: number, action: string): Promise<string> {
    const actor = requireActor(ctx);
    const key = String(id);
    const epoch = unitPaths.epoch();
    let path = unitPaths.get(key);
    if (path === undefined) {
      path = await units.pathOf(id);
      if (path === undefined) throw new AppError('NOT_FOUND');
      unitPaths.set(key, path, epoch);
    }
    if (!can(actor, 'org.read', { path })) {
      return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: id }, notFoundDenied());
    }
    return path;
  }

  async function deny(ctx: RequestContext, action: string, unit: OrgUnitRow): Promise<never> {
    return auditRefusal(
      db,
      ctx,
      { action, targetType: 'org_unit', targetId: unit.id, targetPath: unit.path, targetLabel: unit.name },
      new AppError('FORBIDDEN'),
    );
  }

  /** Schools are imported into a county or a township centre school, by an admin over it. */
  function mayImportSchools(actor: Actor, unit: OrgUnitRow): boolean {
    return (
      can(actor, 'org.import_schools', { path: unit.path }) && (unit.kind === 'county' || unit.kind === 'township')
    );
  }

  function permissions(actor: Actor, unit: OrgUnitRow): OrgUnitPermissions {
    const childKinds = can(actor, 'org.create_child', { path: unit.path }) ? [...childKindsOf(unit.kind)] : [];
    return {
      canEdit: can(actor, 'org.update', { path: unit.path }),
      canCreateChild: childKinds.length > 0,
      childKinds,
      canImportSchools: mayImportSchools(actor, unit),
    };
  }

  async function createInTrx(
    trx: Parameters<Parameters<typeof auditedWrite>[3]>[0],
    parent: OrgUnitRow,
    input: CreateOrgUnitInput,
    isDemo = false,
  ): Promise<OrgUnitRow> {
    if (!childKindsOf(parent.kind).includes(input.kind)) {
      throw new AppError('ORG_KIND_NOT_ALLOWED', {
        details: { parentKind: parent.kind, kind: input.kind, allowed: childKindsOf(parent.kind) },
      });
    }
    try {
      return await createOrgUnitRepository(trx).insert({ ...input, isDemo }, parent);
    } catch (e) {
      throw translatePgError(e, UNIQUE);
    }
  }

  return {
    permissions,

    async roots(ctx: RequestContext): Promise<OrgUnitRow[]> {
      const actor = requireActor(ctx);
      const own = await units.findById(actor.orgUnitId);
      return own ? [own] : [];
    },

    async get(
      ctx: RequestContext,
      id: number,
    ): Promise<{
      unit: OrgUnitRow;
      breadcrumb: Array<Pick<OrgUnitRow, 'id' | 'name' | 'kind'>>;
      permissions: OrgUnitPermissions;
    }> {
      const actor = requireActor(ctx);
      const unit = await loadInScope(ctx, id, 'org_unit.read');
      const ownDepth = pathIds(actor.orgPath).length;
      const ids = pathIds(unit.path).slice(ownDepth - 1);
      const byId = new Map((await units.findByIds(ids)).map((u) => [u.id, u]));
      const breadcrumb = ids
        .map((i) => byId.get(i))
        .filter((u): u is OrgUnitRow => !!u)
        .map(({ id: uid, name, kind }) => ({ id: uid, name, kind }));
      return { unit, breadcrumb, permissions: permissions(actor, unit) };
    },

    async children(
      ctx: RequestContext,
      id: number,
      q: { kind?: OrgUnitKind; q?: string; page: number; pageSize: number },
    ) {
      const actor = requireActor(ctx);
      const path = await pathInScope(ctx, id, 'org_unit.list_children');
      if (!can(actor, 'org.list_children', { path }))
        return deny(ctx, 'org_unit.list_children', (await units.findById(id))!);
      return units.children(id, { kind: q.kind, q: q.q, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    },

    async search(ctx: RequestContext, q: string, opts: { kind?: OrgUnitKind; limit: number }): Promise<OrgUnitRow[]> {
      const actor = requireActor(ctx);
      if (!can(actor, 'org.search', { path: actor.orgPath })) {
        return auditRefusal(
          db,
          ctx,
          { action: 'org_unit.search', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      }
      return units.search(actor.orgPath, q, opts);
    },

    async create(ctx: RequestContext, input: CreateOrgUnitInput): Promise<OrgUnitRow> {
      const actor = requireActor(ctx);
      const parent = await loadInScope(ctx, input.parentId, 'org_unit.create');
      if (!can(actor, 'org.create_child', { path: parent.path })) return deny(ctx, 'org_unit.create', parent);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'org_unit.create',
          targetType: 'org_unit',
          targetLabel: input.name,
          targetPath: parent.path,
          details: { parentId: parent.id, kind: input.kind },
        },
        async (trx, meta) => {
          const unit = await createInTrx(trx, parent, input);
          meta.targetId = unit.id;
          meta.targetPath = unit.path;
          return unit;
        },
      );
    },

    async update(ctx: RequestContext, id: number, patch: UpdateOrgUnitInput): Promise<OrgUnitRow> {
      const actor = requireActor(ctx);
      const unit = await loadInScope(ctx, id, 'org_unit.update');
      const identity = patch.name !== undefined || patch.code !== undefined;
      if (!can(actor, identity ? 'org.update_identity' : 'org.update', { path: unit.path }))
        return deny(ctx, 'org_unit.update', unit);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [k, v] of Object.entries(patch) as Array<[keyof UpdateOrgUnitInput, unknown]>) {
        if (v !== undefined && JSON.stringify(unit[k]) !== JSON.stringify(v)) changes[k] = { from: unit[k], to: v };
      }
      return auditedWrite(
        db,
        ctx,
        {
          action: 'org_unit.update',
          targetType: 'org_unit',
          targetId: id,
          targetPath: unit.path,
          targetLabel: unit.name,
          details: { changes },
        },
        async (trx) => {
          try {
            await createOrgUnitRepository(trx).update(id, patch);
          } catch (e) {
            throw translatePgError(e, UNIQUE);
          }
          return (await createOrgUnitRepository(trx).findById(id))!;
        },
      );
    },

    async schoolImportTemplate(ctx: RequestContext, id: number): Promise<Buffer> {
      const actor = requireActor(ctx);
      const unit = await loadInScope(ctx, id, 'org_unit.import_template');
      if (!mayImportSchools(actor, unit)) return deny(ctx, 'org_unit.import_template', unit);
      return schoolImportTemplate();
    },

    /** Validates every row first; commits all schools in one transaction, or nothing. */
    async importSchools(ctx: RequestContext, id: number, file: Buffer, maxBytes: number): Promise<{ created: number }> {
      const actor = requireActor(ctx);
      const parent = await loadInScope(ctx, id, 'org_unit.import_schools');
      if (!mayImportSchools(actor, parent)) return deny(ctx, 'org_unit.import_schools', parent);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'org_unit.import_schools',
          targetType: 'org_unit',
          targetId: id,
          targetPath: parent.path,
          targetLabel: parent.name,
        },
        async (trx, meta) => {
          const repo = createOrgUnitRepository(trx);
          const parsed = await parseSchoolSheet(file, maxBytes);
          const errors = [...parsed.errors];
          // townships named in the sheet must be children of this county
          const townships =
            parent.kind === 'county'
              ? new Map(
                  (await repo.children(parent.id, { kind: 'township', limit: 10_000, offset: 0 })).items.map((t) => [
                    t.name,
                    t,
                  ]),
                )
              : new Map<string, OrgUnitRow>();
          const existingNames = await repo.namesUnder(parent.id);
          const takenCodes = await repo.codesIn(
            parent.provinceId,
            parsed.rows.flatMap((r) => (r.code ? [r.code] : [])),
          );
          for (const r of parsed.rows) {
            if (r.township && !townships.has(r.township))
              errors.push({ row: r.row, column: 'township', code: 'unknown_township', value: r.township });
            if (!r.township && existingNames.has(r.name))
              errors.push({ row: r.row, column: 'name', code: 'name_exists', value: r.name });
            if (r.code && takenCodes.has(r.code))
              errors.push({ row: r.row, column: 'code', code: 'code_taken', value: r.code });
          }
          if (errors.length > 0) {
            meta.details = { errors: errors.length };
            throw new AppError('IMPORT_INVALID', { details: { errors: errors.sort((a, b) => a.row - b.row) } });
          }
          for (const r of parsed.rows) {
            const under = r.township ? townships.get(r.township)! : parent;
            await createInTrx(trx, under, {
              parentId: under.id,
              kind: 'school',
              name: r.name,
              code: r.code,
              stages: r.stages as Stage[],
              address: r.address,
              contactName: r.contactName,
              contactPhone: r.contactPhone,
            });
          }
          meta.details = { created: parsed.rows.length };
          return { created: parsed.rows.length };
        },
      );
    },

    /** For administration commands: create a unit under a parent without an acting user. */
    createInTrx,
  };
}

export type OrgUnitService = ReturnType<typeof createOrgUnitService>;
