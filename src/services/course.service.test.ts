import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { multipartFile } from '../../test/support/upload.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import type { CourseInput } from './course.service.js';
import ExcelJS from './excel.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let province: RequestContext;
let city: RequestContext;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let teacher: RequestContext;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );
const course = (title: string, extra: Partial<CourseInput> = {}): CourseInput => ({
  title,
  category: 'required',
  module: '师德',
  form: 'online',
  hours: 150,
  ...extra,
});
const titles = async (ctx: RequestContext, q: Parameters<Services['courses']['list']>[1] = {}) =>
  (await s.courses.list(ctx, q, { limit: 100, offset: 0 })).items.map((c) => c.title).sort();
const courseCount = async () =>
  Number((await t.db.selectFrom('course').select(t.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const lastAudit = (action: string) =>
  t.db
    .selectFrom('audit_log')
    .select(['outcome', 'error_code'])
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();

async function sheet(
  rows: Array<Array<string | number | null>>,
  header: string[] = [
    '所属单位',
    '课程名称',
    '课程类别',
    '课程模块',
    '培训形式',
    '学时',
    '计入学时类别',
    '适用学段',
    '适用学科',
    '课程简介',
    '资料链接',
  ],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('课程目录');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
async function readBack(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0]!.eachRow((r) =>
    out.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))),
  );
  return out;
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-01' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await ctxAt(tree.P1, 'province_admin', 'p1-admin');
  city = await ctxAt(tree.C1, 'city_admin', 'c1-admin');
  county = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'k2-admin');
  school = await ctxAt(tree.S1, 'school_admin', 's1-admin');
  teacher = await ctxAt(tree.S1, 'teacher', 's1-teacher');
  // the current cycle's rules give the ledger categories (ethics, edu_tech, …)
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
});
afterAll(async () => {
  await t?.close();
});

describe('who sees which courses', () => {
  beforeAll(async () => {
    await s.courses.create(province, course('省级师德必修课', { creditCategories: ['ethics'] }));
    await s.courses.create(
      city,
      course('吉林市信息技术应用', { module: '教育技术', creditCategories: ['edu_tech'], category: 'elective' }),
    );
    await s.courses.create(
      county,
      course('桦甸市校本研修指南', {
        category: 'research',
        form: 'school_based',
        module: '学科与专业标准',
        stages: ['primary', 'junior'],
      }),
    );
    await s.courses.create(otherCounty, course('蛟河市心理健康讲座', { module: '心理健康', form: 'centralised' }));
  });

  it('a school sees the courses of every unit above it, not those of a neighbouring county', async () => {
    expect(await titles(school)).toEqual(['吉林市信息技术应用', '桦甸市校本研修指南', '省级师德必修课'].sort());
  });

  it('a county sees its own and the inherited courses; a city also sees those of its counties', async () => {
    expect(await titles(county)).toEqual(['吉林市信息技术应用', '桦甸市校本研修指南', '省级师德必修课'].sort());
    expect(await titles(city)).toEqual(
      ['吉林市信息技术应用', '桦甸市校本研修指南', '省级师德必修课', '蛟河市心理健康讲座'].sort(),
    );
    expect(await titles(city, { origin: 'below' })).toEqual(['桦甸市校本研修指南', '蛟河市心理健康讲座'].sort());
    expect(await titles(city, { origin: 'above' })).toEqual(['省级师德必修课']);
    expect(await titles(city, { origin: 'own' })).toEqual(['吉林市信息技术应用']);
  });

  it('marks inherited courses and those the reader may change', async () => {
    const items = (await s.courses.list(county, {}, { limit: 10, offset: 0 })).items;
    const byTitle = new Map(items.map((c) => [c.title, c]));
    expect(byTitle.get('省级师德必修课')).toMatchObject({ inherited: true, canManage: false });
    expect(byTitle.get('桦甸市校本研修指南')).toMatchObject({ inherited: false, canManage: true });
    expect((await s.courses.list(school, {}, { limit: 10, offset: 0 })).canCreate).toBe(false);
    expect((await s.courses.list(county, {}, { limit: 10, offset: 0 })).canCreate).toBe(true);
  });

  it('a course of a neighbouring county is "not found" (audited as denied); teachers are refused', async () => {
    const [other] = (await s.courses.list(otherCounty, { origin: 'own' }, { limit: 1, offset: 0 })).items;
    expect(await codeOf(s.courses.get(county, other!.id))).toBe('NOT_FOUND');
    expect(await lastAudit('course.read')).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
    expect(await codeOf(s.courses.get(school, other!.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.courses.list(teacher, {}, { limit: 10, offset: 0 }))).toBe('FORBIDDEN');
    expect(await codeOf(s.courses.list(county, { orgUnitId: tree.K2.id }, { limit: 10, offset: 0 }))).toBe('NOT_FOUND');
  });

  it('filters by search text, category, form, stage and ledger category, and pages', async () => {
    expect(await titles(city, { q: '研修' })).toEqual(['桦甸市校本研修指南']);
    expect(await titles(city, { category: 'elective' })).toEqual(['吉林市信息技术应用']);
    expect(await titles(city, { form: 'centralised' })).toEqual(['蛟河市心理健康讲座']);
    expect(await titles(city, { stage: 'junior' })).toEqual(['桦甸市校本研修指南']);
    expect(await titles(city, { creditCategory: 'ethics' })).toEqual(['省级师德必修课']);
    expect(await titles(city, { q: '%' })).toEqual([]);
    const page = await s.courses.list(city, {}, { limit: 2, offset: 2 });
    expect(page.total).toBe(4);
    expect(page.items).toHaveLength(2);
    // the units above first
    expect((await s.courses.list(city, {}, { limit: 1, offset: 0 })).items[0]!.title).toBe('省级师德必修课');
  });
});

describe('keeping courses', () => {
  it('only province, city and county admins add courses, and only to their subtree', async () => {
    expect(await codeOf(s.courses.create(school, course('学校自建课')))).toBe('FORBIDDEN');
    expect(await lastAudit('course.create')).toEqual({ outcome: 'denied', error_code: 'FORBIDDEN' });
    expect(await codeOf(s.courses.create(county, { ...course('越界课'), orgUnitId: tree.K2.id }))).toBe('NOT_FOUND');
    expect(await codeOf(s.courses.create(county, { ...course('学校里的课'), orgUnitId: tree.S1.id }))).toBe(
      'COURSE_INVALID',
    );
    const made = await s.courses.create(city, { ...course('由市里建在县里的课'), orgUnitId: tree.K1.id });
    expect(made.orgUnitName).toBe('桦甸市');
  });

  it("refuses ledger categories that are not in the current cycle's rules, and unknown evidence files", async () => {
    const e = await errorOf(s.courses.create(county, course('类别有误的课', { creditCategories: ['nope'] })));
    expect(e?.code).toBe('COURSE_INVALID');
    expect(e?.details?.['problems']).toEqual({ creditCategories: 'unknown_category' });
    const f = await errorOf(
      s.courses.create(
        county,
        course('资料有误的课', { materials: [{ kind: 'file', title: '讲义', evidenceId: 999_999 }] }),
      ),
    );
    expect(f?.details?.['problems']).toEqual({ materials: 'evidence_not_found' });
    expect(await titles(county, { q: '有误' })).toEqual([]);
  });

  it('a second course with the same title in the same unit is refused; another unit may use the title', async () => {
    expect(await codeOf(s.courses.create(county, course('桦甸市校本研修指南')))).toBe('COURSE_TITLE_TAKEN');
    expect(await lastAudit('course.create')).toEqual({ outcome: 'failure', error_code: 'COURSE_TITLE_TAKEN' });
    expect(await codeOf(s.courses.create(otherCounty, course('桦甸市校本研修指南')))).toBe('OK');
  });

  it("edits change only the fields given; others' courses are refused (403 when visible, 404 when not)", async () => {
    const c = await s.courses.create(
      county,
      course('可编辑的课', {
        description: '第一行\n第二行',
        materials: [{ kind: 'link', title: '课程平台', url: 'https://example.edu.cn/c/1' }],
      }),
    );
    const edited = await s.courses.update(county, c.id, { hours: 25, stages: ['senior', 'primary'] });
    expect(edited).toMatchObject({
      hours: 25,
      stages: ['primary', 'senior'],
      description: '第一行\n第二行',
      title: '可编辑的课',
      module: '师德',
    });
    expect(edited.materials).toEqual([{ kind: 'link', title: '课程平台', url: 'https://example.edu.cn/c/1' }]);
    expect(await codeOf(s.courses.update(school, c.id, { hours: 10 }))).toBe('FORBIDDEN');
    expect(await codeOf(s.courses.update(otherCounty, c.id, { hours: 10 }))).toBe('NOT_FOUND');
    expect(await lastAudit('course.update')).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
    const [provincial] = (await s.courses.list(county, { origin: 'above', q: '省级' }, { limit: 1, offset: 0 })).items;
    expect(await codeOf(s.courses.update(county, provincial!.id, { hours: 10 }))).toBe('FORBIDDEN');
    expect((await s.courses.get(county, c.id)).hours).toBe(25);
  });

  it('an archived course leaves the list, frees its title, and cannot come back while the title is taken', async () => {
    const c = await s.courses.create(county, course('将归档的课'));
    expect((await s.courses.setArchived(county, c.id, true)).archived).toBe(true);
    expect(await titles(county, { q: '将归档' })).toEqual([]);
    expect(await titles(county, { q: '将归档', status: 'archived' })).toEqual(['将归档的课']);
    await s.courses.create(county, course('将归档的课'));
    expect(await codeOf(s.courses.setArchived(county, c.id, false))).toBe('COURSE_TITLE_TAKEN');
    expect(await codeOf(s.courses.setArchived(school, c.id, false))).toBe('FORBIDDEN');
  });
});

describe('sheets', () => {
  it('the template has the import columns and the drop-downs', async () => {
    const buf = await s.courses.template(county, tree.K1.id);
    const [header] = await readBack(buf);
    expect(header).toEqual([
      '所属单位',
      '课程名称',
      '课程类别',
      '课程模块',
      '培训形式',
      '学时',
      '计入学时类别',
      '适用学段',
      '适用学科',
      '课程简介',
      '资料链接',
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getCell('C2').dataValidation.formulae).toEqual(['"必修,研修,选修"']);
    expect(await codeOf(s.courses.template(school, tree.S1.id))).toBe('FORBIDDEN');
  });

  it('a sheet with errors is refused whole, every problem named by row and column', async () => {
    const before = await courseCount();
    const e = await errorOf(
      s.courses.import(county, tree.K1.id, {
        name: 'bad.xlsx',
        data: await sheet([
          [null, '导入好课一', '必修', '师德', '网络', 3, '师德', '小学', '语文', null, null],
          [null, '导入坏课', '必读', '师德', '函授', 'abc', '不存在', '大学', null, null, 'ftp://x'],
          [null, null, '选修', '师德', '网络', 2, null, null, null, null, null],
          ['沈阳市', '别省的课', '必修', '师德', '网络', 2, null, null, null, null, null],
          [null, '导入好课一', '必修', '师德', '网络', 3, null, null, null, null, null],
        ]),
      }),
    );
    expect(e?.code).toBe('COURSE_SHEET_INVALID');
    const problems = ((e?.details?.['problems'] ?? []) as Array<{ row: number; column: string; code: string }>).map(
      (p) => `${p.row}:${p.column}:${p.code}`,
    );
    expect(problems).toEqual([
      '3:课程类别:unknown_category',
      '3:培训形式:unknown_form',
      '3:学时:bad_hours',
      '3:适用学段:unknown_stage',
      '3:资料链接:bad_link',
      '4:课程名称:required',
      '5:所属单位:unit_unknown',
      '6:课程名称:duplicate_in_file',
    ]);
    expect(await courseCount()).toBe(before);
    expect(await lastAudit('course.import')).toEqual({ outcome: 'failure', error_code: 'COURSE_SHEET_INVALID' });
  });

  it('imports a good sheet; the same file again creates nothing twice', async () => {
    const file = {
      name: 'good.xlsx',
      data: await sheet([
        [
          null,
          '导入好课一',
          '必修',
          '师德',
          '网络',
          3,
          '师德、教育技术',
          '小学、初中',
          '语文、数学',
          '简介',
          '平台 | https://example.edu.cn/a\nhttps://example.edu.cn/b',
        ],
        ['蛟河市', '越界的课', '选修', '心理健康', '集中', 1.5, null, null, null, null, null],
      ]),
    };
    // 蛟河市 is not below 桦甸市: the row is refused and nothing is written
    expect(await codeOf(s.courses.import(county, tree.K1.id, file))).toBe('COURSE_SHEET_INVALID');
    const good = {
      name: 'good.xlsx',
      data: await sheet([
        [
          null,
          '导入好课一',
          '必修',
          '师德',
          '网络',
          3,
          '师德、教育技术',
          '小学、初中',
          '语文、数学',
          '简介',
          '平台 | https://example.edu.cn/a\nhttps://example.edu.cn/b',
        ],
        ['桦甸市', '导入好课二', '选修', '心理健康', '集中', 1.5, null, null, null, null, null],
      ]),
    };
    expect(await s.courses.import(county, tree.K1.id, good)).toEqual({ rows: 2, created: 2, updated: 0, unchanged: 0 });
    expect(await s.courses.import(county, tree.K1.id, good)).toEqual({ rows: 2, created: 0, updated: 0, unchanged: 2 });
    const [imported] = (await s.courses.list(county, { q: '导入好课一' }, { limit: 1, offset: 0 })).items;
    expect(imported).toMatchObject({
      hours: 30,
      creditCategories: ['edu_tech', 'ethics'],
      stages: ['primary', 'junior'],
      subjects: ['语文', '数学'],
      description: '简介',
    });
    expect(imported!.materials).toEqual([
      { kind: 'link', title: '平台', url: 'https://example.edu.cn/a' },
      { kind: 'link', title: 'https://example.edu.cn/b', url: 'https://example.edu.cn/b' },
    ]);
  });

  it('export → import changes nothing, from a county and from the city above (inherited rows stay untouched)', async () => {
    for (const [ctx, unit] of [
      [county, tree.K1],
      [city, tree.C1],
    ] as const) {
      const before = await t.db.selectFrom('course').select(['id', 'updated_at']).orderBy('id').execute();
      const exported = await s.courses.export(ctx, { orgUnitId: unit.id });
      const rows = await readBack(exported.data);
      expect(rows.length - 1).toBe((await s.courses.list(ctx, {}, { limit: 200, offset: 0 })).total);
      const r = await s.courses.import(ctx, unit.id, { name: `${exported.unitName}.xlsx`, data: exported.data });
      expect(r).toMatchObject({ created: 0, updated: 0, unchanged: rows.length - 1 });
      expect(await t.db.selectFrom('course').select(['id', 'updated_at']).orderBy('id').execute()).toEqual(before);
    }
  });

  it('an edited export updates the changed course and keeps its files; an inherited course cannot be changed by a sheet', async () => {
    const exported = await readBack((await s.courses.export(county, { orgUnitId: tree.K1.id, q: '导入好课二' })).data);
    const row = exported[1]!;
    row[5] = '4.5';
    const r = await s.courses.import(county, tree.K1.id, { name: 'edited.xlsx', data: await sheet([row]) });
    expect(r).toEqual({ rows: 1, created: 0, updated: 1, unchanged: 0 });
    expect((await s.courses.list(county, { q: '导入好课二' }, { limit: 1, offset: 0 })).items[0]!.hours).toBe(45);

    const inherited = (
      await readBack((await s.courses.export(county, { orgUnitId: tree.K1.id, origin: 'above', q: '省级' })).data)
    )[1]!;
    inherited[5] = '99';
    const e = await errorOf(s.courses.import(county, tree.K1.id, { name: 'x.xlsx', data: await sheet([inherited]) }));
    expect(((e?.details?.['problems'] ?? []) as Array<{ code: string }>).map((p) => p.code)).toEqual([
      'unit_not_manageable',
    ]);
  });

  it('a sheet without the required headers says which are missing', async () => {
    const e = await errorOf(
      s.courses.import(county, tree.K1.id, { name: 'x.xlsx', data: await sheet([['a']], ['课程名称', '学时']) }),
    );
    expect(e?.code).toBe('IMPORT_MISSING_COLUMNS');
    expect(e?.details?.['missing']).toEqual(['课程类别', '课程模块', '培训形式']);
  });
});

describe('over HTTP', () => {
  it('creates, lists, edits, archives, exports and imports through the routes, with 4xx answers for bad input', async () => {
    const app = await buildTestApp(t);
    try {
      const k1 = as(app, await login(app, 'k1-admin'));
      const created = await k1({
        method: 'POST',
        url: '/api/courses',
        payload: {
          title: 'HTTP 课程',
          category: 'elective',
          module: '教育技术',
          form: 'practice',
          hours: 35,
          materials: [{ kind: 'link', title: '平台', url: 'https://example.edu.cn' }],
        },
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { course: { id: number } }).course.id;
      const list = await k1({ method: 'GET', url: '/api/courses?q=HTTP&page=1&pageSize=10' });
      expect(list.json()).toMatchObject({
        total: 1,
        canCreate: true,
        items: [{ id, hours: 35, inherited: false, canManage: true }],
      });
      const bad = await k1({
        method: 'PATCH',
        url: `/api/courses/${id}`,
        headers: { 'accept-language': 'en' },
        payload: { hours: 0, form: 'postal', materials: [{ kind: 'link', title: 'x', url: 'javascript:alert(1)' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(
        (bad.json() as { error: { code: string; details: { issues: Array<{ path: string }> } } }).error.details.issues
          .map((i) => i.path)
          .sort(),
      ).toEqual(['form', 'hours', 'materials.0.url']);
      expect(
        (await k1({ method: 'PATCH', url: `/api/courses/${id}`, payload: { description: '新的简介' } })).json(),
      ).toMatchObject({ course: { description: '新的简介', hours: 35 } });
      expect((await k1({ method: 'POST', url: `/api/courses/${id}/archive` })).json()).toMatchObject({
        course: { archived: true },
      });
      expect((await k1({ method: 'POST', url: `/api/courses/${id}/unarchive` })).json()).toMatchObject({
        course: { archived: false },
      });
      const s1 = as(app, await login(app, 's1-admin'));
      expect((await s1({ method: 'POST', url: `/api/courses/${id}/archive` })).statusCode).toBe(403);
      expect((await s1({ method: 'GET', url: `/api/courses/${id}` })).statusCode).toBe(200);
      const k2 = as(app, await login(app, 'k2-admin'));
      expect((await k2({ method: 'GET', url: `/api/courses/${id}` })).statusCode).toBe(404);

      const exported = await k1({ method: 'GET', url: `/api/courses/export?orgUnitId=${tree.K1.id}` });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toContain('spreadsheetml');
      const upload = multipartFile(exported.rawPayload, { filename: 'courses.xlsx' });
      const imported = await k1({
        method: 'POST',
        url: `/api/courses/import?orgUnitId=${tree.K1.id}`,
        payload: upload.payload,
        headers: upload.headers,
      });
      expect(imported.json()).toMatchObject({ created: 0, updated: 0 });
      expect((await k1({ method: 'GET', url: `/api/courses/template?orgUnitId=${tree.K1.id}` })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
