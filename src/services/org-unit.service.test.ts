import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { buildTree, type Tree } from '../../test/support/fixtures.js';
import { AppError } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import type { RequestContext } from './context.js';
import { createOrgUnitService } from './org-unit.service.js';

let t: TestDatabase;
let tree: Tree;
let svc: ReturnType<typeof createOrgUnitService>;

const ctxAt = (unit: Tree[keyof Tree], role: Actor['role']): RequestContext => ({
  actor: {
    userId: 0,
    username: `${role}@${unit.name}`,
    role,
    orgUnitId: unit.id,
    orgPath: unit.path,
    provinceId: unit.provinceId,
  },
  ip: '127.0.0.1',
});

async function xlsx(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学校');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const errorOf = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  svc = createOrgUnitService({ db: t.db, env: t.env });
});
afterAll(() => t.close());

describe('org unit use cases', () => {
  it('creates a school under a county with its path below the county, and audits it in the same transaction', async () => {
    const ctx = ctxAt(tree.K1, 'county_admin');
    const unit = await svc.create(ctx, {
      parentId: tree.K1.id,
      kind: 'school',
      name: '桦甸市第九小学',
      code: '2122009999',
      stages: ['primary'],
    });
    expect(unit.path).toBe(`${tree.K1.path}${unit.id}/`);
    expect(unit.provinceId).toBe(tree.P1.id);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'org_unit.create')
      .where('target_id', '=', String(unit.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'success', ip: '127.0.0.1', target_path: unit.path });
  });

  it('refuses a kind that does not belong under the parent, naming the allowed kinds', async () => {
    const e = await errorOf(
      svc.create(ctxAt(tree.K1, 'county_admin'), { parentId: tree.S1.id, kind: 'school', name: '学校下的学校' }),
    );
    expect(e.code).toBe('ORG_KIND_NOT_ALLOWED');
    const e2 = await errorOf(
      svc.create(ctxAt(tree.C1, 'city_admin'), { parentId: tree.C1.id, kind: 'school', name: '市直属学校' }),
    );
    expect(e2.details?.['allowed']).toEqual(['county', 'institution']);
  });

  it('answers "not found" for a sibling county and records the denial', async () => {
    const e = await errorOf(svc.get(ctxAt(tree.K1, 'county_admin'), tree.K2.id));
    expect(e.code).toBe('NOT_FOUND');
    const denied = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('outcome', '=', 'denied')
      .where('target_id', '=', String(tree.K2.id))
      .execute();
    expect(denied.length).toBeGreaterThan(0);
  });

  it('keeps a duplicate school code out with a clear code and no half-written row', async () => {
    const ctx = ctxAt(tree.K1, 'county_admin');
    await svc.create(ctx, { parentId: tree.K1.id, kind: 'school', name: '代码学校甲', code: 'DUP-1' });
    const e = await errorOf(
      svc.create(ctx, { parentId: tree.K1.id, kind: 'school', name: '代码学校乙', code: 'DUP-1' }),
    );
    expect(e.code).toBe('ORG_CODE_TAKEN');
    expect(await t.db.selectFrom('org_unit').select('id').where('name', '=', '代码学校乙').execute()).toHaveLength(0);
  });

  it('lets an admin change the contact details of their own unit but not its name', async () => {
    const ctx = ctxAt(tree.S1, 'school_admin');
    const u = await svc.update(ctx, tree.S1.id, { contactName: '李老师', contactPhone: '0432-6622 1234' });
    expect(u.contactName).toBe('李老师');
    expect((await errorOf(svc.update(ctx, tree.S1.id, { name: '改名小学' }))).code).toBe('FORBIDDEN');
    const renamed = await svc.update(ctxAt(tree.K1, 'county_admin'), tree.S1.id, {
      name: '桦甸市第一实验小学（新址）',
    });
    expect(renamed.name).toBe('桦甸市第一实验小学（新址）');
  });

  it("shows the breadcrumb only from the actor's own unit down", async () => {
    const r = await svc.get(ctxAt(tree.K1, 'county_admin'), tree.S4.id);
    expect(r.breadcrumb.map((b) => b.name)).toEqual(['桦甸市', '夹皮沟镇中心校', '夹皮沟镇中心小学']);
  });
});

describe('school import from Excel', () => {
  it('imports nothing when any row is bad, and reports each bad row and column', async () => {
    const file = await xlsx([
      ['学校名称*', '学校代码', '学段', '所属乡镇中心校', '地址', '联系人', '联系电话'],
      ['桦甸市红旗小学', 'HQ-001', '小学', '', '', '', ''],
      ['', 'HQ-002', '小学', '', '', '', ''],
      ['桦甸市育才学校', 'HQ-003', '大学', '', '', '', ''],
      ['某镇小学', '', '小学', '不存在镇中心校', '', '', ''],
      ['桦甸市红旗小学', '', '初中', '', '', '', '电话abc'],
    ]);
    const e = await errorOf(svc.importSchools(ctxAt(tree.K1, 'county_admin'), tree.K1.id, file, 5_000_000));
    expect(e.code).toBe('IMPORT_INVALID');
    const errors = e.details?.['errors'] as Array<{ row: number; column: string; code: string }>;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'name', code: 'required' }),
        expect.objectContaining({ row: 4, column: 'stages', code: 'unknown_stage' }),
        expect.objectContaining({ row: 5, column: 'township', code: 'unknown_township' }),
        expect.objectContaining({ row: 6, column: 'contactPhone', code: 'invalid_phone' }),
        expect.objectContaining({ row: 6, column: 'name', code: 'duplicate_in_file' }),
      ]),
    );
    expect(await t.db.selectFrom('org_unit').select('id').where('name', '=', '桦甸市红旗小学').execute()).toHaveLength(
      0,
    );
  });

  it('imports every good row in one go, under the county or the named township, normalising full-width digits and spaces', async () => {
    const file = await xlsx([
      ['学校名称*', '学校代码', '学段', '所属乡镇中心校', '地址', '联系人', '联系电话'],
      ['  桦甸市红旗小学 ', '２１２２００００８８', '九年一贯制', '', '', '王老师', '０４３２－６６１２３４５６'],
      ['夹皮沟镇第二小学', '', '小学、初中', '夹皮沟镇中心校', '', '', ''],
    ]);
    const r = await svc.importSchools(ctxAt(tree.K1, 'county_admin'), tree.K1.id, file, 5_000_000);
    expect(r.created).toBe(2);
    const hq = await t.db
      .selectFrom('org_unit')
      .selectAll()
      .where('name', '=', '桦甸市红旗小学')
      .executeTakeFirstOrThrow();
    expect(hq).toMatchObject({
      code: '2122000088',
      stages: ['primary', 'junior'],
      parent_id: tree.K1.id,
      contact_phone: '0432-66123456',
    });
    const township = await t.db
      .selectFrom('org_unit')
      .selectAll()
      .where('name', '=', '夹皮沟镇第二小学')
      .executeTakeFirstOrThrow();
    expect(township.parent_id).toBe(tree.T1.id);
  });

  it('refuses a file that is not a workbook, with a row-0 error instead of a crash', async () => {
    const e = await errorOf(
      svc.importSchools(ctxAt(tree.K1, 'county_admin'), tree.K1.id, Buffer.from('not a zip file'), 5_000_000),
    );
    expect(((e.details?.['errors'] ?? []) as Array<{ code: string }>)[0]?.code).toBe('not_xlsx');
  });

  it('serves a template whose headers the importer accepts', async () => {
    const buf = await svc.schoolImportTemplate(ctxAt(tree.K1, 'county_admin'), tree.K1.id);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const headers = (wb.worksheets[0]!.getRow(1).values as unknown[]).filter(Boolean);
    expect(headers[0]).toBe('学校名称*');
    expect(wb.worksheets[0]!.getCell('C2').dataValidation?.type).toBe('list');
  });
});
