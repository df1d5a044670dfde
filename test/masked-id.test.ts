import ExcelJS from 'exceljs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/services.js';
import { as, buildTestApp, login, type Session } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { actorAt, addUser, buildTree, type Tree } from './support/fixtures.js';
import { makeIdNumber } from './support/roster.js';

/**
 * A masked ID number hides the 8 digits of the birth date. Whoever sees it masked must not find
 * those digits in any other field of the same answer: lists, details, exports, reports, audit
 * rows, correction requests. Each answer is searched as text for the birth date in every usual
 * spelling.
 */

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
const sessions: Record<string, Session> = {};
let cycleId: number;
let classId: number;
let residentId: number;
let passportId: number;

// the first ID number is replaced, so the audit row of the change holds both birth dates
const FIRST_BIRTH = '1978-09-23';
const BIRTH = '1979-04-17';
const PASSPORT_BIRTH = '1981-11-05';
const firstId = makeIdNumber('220282', new Date(`${FIRST_BIRTH}T00:00:00Z`), 513, 'female');
const idNumber = makeIdNumber('220282', new Date(`${BIRTH}T00:00:00Z`), 513, 'female');
const HIDDEN = [FIRST_BIRTH, BIRTH, PASSPORT_BIRTH];

/** Every way a birth date can be written: 19790417, 1979-04-17, 1979/04/17, 1979.04.17, 1979年4月17日, 1979年04月17日. */
function spellings(date: string): string[] {
  const [y, m, d] = date.split('-') as [string, string, string];
  return [
    `${y}${m}${d}`,
    `${y}-${m}-${d}`,
    `${y}/${m}/${d}`,
    `${y}.${m}.${d}`,
    `${y}年${Number(m)}月${Number(d)}日`,
    `${y}年${m}月${d}日`,
  ];
}

function leaks(text: string): string[] {
  return HIDDEN.flatMap(spellings).filter((s) => text.includes(s));
}

/** All cell values of every sheet, dates written out as ISO text. */
async function xlsxText(res: LightMyRequestResponse): Promise<string> {
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((c) => {
        const v = c.value;
        if (v instanceof Date) cells.push(v.toISOString());
        else cells.push(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
      }),
    ),
  );
  return cells.join('\n');
}

async function json(res: LightMyRequestResponse): Promise<string> {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-10' });
  tree = await buildTree(t.db);
  await addUser(t.db, tree.S1, 'school_admin', 'mask-school');
  await addUser(t.db, tree.K1, 'county_admin', 'mask-county');
  await addUser(t.db, tree.C1, 'city_admin', 'mask-city');
  await addUser(t.db, tree.P1, 'province_admin', 'mask-province');
  app = await buildTestApp(t);
  for (const role of ['school', 'county', 'city', 'province']) sessions[role] = await login(app, `mask-${role}`);
  const school = as(app, sessions['school']!);

  const s = createServices({ db: t.db, env: t.env });
  const cycles = await actorAt(t.db, tree.P1, 'province_admin', 'mask-cycles');
  cycleId = (await s.cycles.create(cycles, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;

  const base = { orgUnitId: tree.S1.id, stage: 'primary', employment: 'staff', phone: '13912345678' };
  let res = await school({
    method: 'POST',
    url: '/api/teachers',
    payload: { ...base, name: '孙晓雯', idNumber: firstId },
  });
  expect(res.statusCode, res.body).toBe(201);
  residentId = res.json().teacher.id;
  // a corrected ID number: the audit row records the change of birth date
  res = await school({ method: 'PATCH', url: `/api/teachers/${residentId}`, payload: { idNumber } });
  expect(res.statusCode, res.body).toBe(200);
  res = await school({
    method: 'POST',
    url: '/api/teachers',
    payload: {
      ...base,
      name: '周海燕',
      idType: 'passport',
      idNumber: 'E98765432',
      gender: 'female',
      birthDate: PASSPORT_BIRTH,
      phone: null,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  passportId = res.json().teacher.id;

  // the teacher activates an account and asks for a correction of her birth date
  res = await school({
    method: 'POST',
    url: `/api/org-units/${tree.S1.id}/activation-codes`,
    payload: { teacherIds: [residentId] },
  });
  expect(res.statusCode, res.body).toBe(200);
  const code = res.json().items[0].code as string;
  const password = 'Qv7#Lm2x-Rt9p!';
  res = await app.inject({ method: 'POST', url: '/api/auth/activate', payload: { idNumber, code, password } });
  expect(res.statusCode, res.body).toBe(200);
  const teacher = await login(app, res.json().username, password);
  res = await as(
    app,
    teacher,
  )({
    method: 'POST',
    url: '/api/me/teacher/corrections',
    payload: { field: 'birthDate', proposed: BIRTH, reason: '档案核对' },
  });
  expect(res.statusCode, res.body).toBe(201);

  // a county class she is enrolled in
  const adminId = (
    await t.db.selectFrom('app_user').select('id').where('username', '=', 'mask-county').executeTakeFirstOrThrow()
  ).id;
  const projectId = (
    await t.db
      .insertInto('training_project')
      .values({
        province_id: tree.K1.provinceId,
        org_unit_id: tree.K1.id,
        org_path: tree.K1.path,
        level: 'county',
        title: '新课标培训',
        year: 2027,
        status: 'open',
        completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
        hours: 120,
        credit_categories: [],
        created_by: adminId,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  classId = (
    await t.db
      .insertInto('training_class')
      .values({
        project_id: projectId,
        province_id: tree.K1.provinceId,
        org_path: tree.K1.path,
        name: '一班',
        capacity: 50,
        status: 'open',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.db
    .insertInto('enrolment')
    .values({
      class_id: classId,
      teacher_id: residentId,
      province_id: tree.S1.provinceId,
      org_unit_id: tree.S1.id,
      org_path: tree.S1.path,
      status: 'enrolled',
      source: 'bulk',
      created_by: adminId,
    })
    .execute();

  // an audit row written before birth dates were masked in recorded changes
  await t.db
    .insertInto('audit_log')
    .values({
      actor_username: 'mask-school',
      actor_role: 'school_admin',
      actor_path: tree.S1.path,
      target_path: tree.S1.path,
      action: 'teacher.update',
      target_type: 'teacher',
      target_id: String(passportId),
      target_label: '周海燕',
      outcome: 'success',
      details: JSON.stringify({ changes: { birthDate: { from: '1981-11-06', to: PASSPORT_BIRTH } } }),
    })
    .execute();

  // the school opens its year for verification
  res = await school({
    method: 'POST',
    url: '/api/verifications',
    payload: { orgUnitId: tree.S1.id, cycleId, year: 2026 },
  });
  expect(res.statusCode, res.body).toBe(200);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe.each(['city', 'province'] as const)('a %s admin sees ID numbers masked', (role) => {
  const get = (url: string) => as(app, sessions[role]!)({ method: 'GET', url });
  const unitOf = () => (role === 'city' ? tree.C1 : tree.P1);

  it('the teacher list and search show region and last four, and the birth year only', async () => {
    const body = await json(await get(`/api/teachers?orgUnitId=${unitOf().id}&pageSize=200`));
    expect(body).toContain(`${idNumber.slice(0, 6)}********${idNumber.slice(14)}`);
    const items = JSON.parse(body).items as Array<{ id: number; birthDate: string | null; birthYear: number | null }>;
    expect(items.find((i) => i.id === residentId)).toMatchObject({ birthDate: null, birthYear: 1979 });
    expect(leaks(body)).toEqual([]);
    const search = await as(
      app,
      sessions[role]!,
    )({
      method: 'POST',
      url: '/api/teachers/search',
      payload: { q: '孙晓雯' },
    });
    expect(leaks(await json(search))).toEqual([]);
  });

  it('the teacher detail shows no birth date beside the masked number', async () => {
    for (const id of [residentId, passportId]) expect(leaks(await json(await get(`/api/teachers/${id}`)))).toEqual([]);
  });

  it('the roster export gives the birth year in the column beside the masked number', async () => {
    const text = await xlsxText(await get(`/api/teachers/export?orgUnitId=${unitOf().id}`));
    expect(text).toContain(`${idNumber.slice(0, 6)}********${idNumber.slice(14)}`);
    expect(text).toContain('出生年份');
    expect(leaks(text)).toEqual([]);
  });

  it('reports and exports with teacher rows, enrolments, verification items, progress: no birth date', async () => {
    const texts = [
      await json(await get(`/api/reports/credits/teachers?orgUnitId=${tree.S1.id}&cycleId=${cycleId}&pageSize=200`)),
      await xlsxText(await get(`/api/reports/credits/teachers/export?orgUnitId=${tree.S1.id}&cycleId=${cycleId}`)),
      await json(await get(`/api/credits/progress?teacherId=${residentId}&cycleId=${cycleId}`)),
      await json(await get(`/api/enrolments?classId=${classId}`)),
      await xlsxText(await get(`/api/enrolments/export?classId=${classId}`)),
      await json(await get(`/api/verifications?orgUnitId=${tree.S1.id}&cycleId=${cycleId}`)),
    ];
    const verification = JSON.parse(texts[5]!).items[0] as { id: number };
    texts.push(await json(await get(`/api/verifications/${verification.id}`)));
    for (const [i, text] of texts.entries()) expect(leaks(text), `answer ${i}`).toEqual([]);
  });

  it('audit rows of teacher changes carry the birth year only', async () => {
    const body = await json(await get(`/api/audit-log?orgUnitId=${unitOf().id}&pageSize=200`));
    expect(body).toContain('teacher.update');
    expect(leaks(body)).toEqual([]);
  });

  it('a correction request of the birth date does not show the date asked for', async () => {
    const body = await json(await get(`/api/teacher-corrections?orgUnitId=${unitOf().id}`));
    expect(JSON.parse(body).items).toHaveLength(1);
    expect(leaks(body)).toEqual([]);
  });
});

describe('school and county admins', () => {
  it('see the birth year only beside the masked number; unmasking gives the date with the number', async () => {
    for (const role of ['school', 'county'] as const) {
      const get = (url: string) => as(app, sessions[role]!)({ method: 'GET', url });
      expect(leaks(await json(await get('/api/teachers?pageSize=200')))).toEqual([]);
      expect(leaks(await json(await get(`/api/teachers/${residentId}`)))).toEqual([]);
      expect(leaks(await xlsxText(await get('/api/teachers/export')))).toEqual([]);
    }
    const res = await as(app, sessions['school']!)({ method: 'POST', url: `/api/teachers/${residentId}/unmask` });
    expect(res.json()).toEqual({ idNumber, birthDate: BIRTH, phone: '13912345678' });
    const fullExport = await as(app, sessions['county']!)({ method: 'GET', url: '/api/teachers/export?full=1' });
    // the file's name warns whoever finds it saved or forwarded what it holds
    expect(decodeURIComponent(String(fullExport.headers['content-disposition']))).toContain(
      '教师名册（含完整证件号码）.xlsx',
    );
    const full = await xlsxText(fullExport);
    expect(full).toContain(idNumber);
    expect(full).toContain(BIRTH);
  });

  it('a new passport number keeps the birth date the editor cannot see', async () => {
    const res = await as(
      app,
      sessions['county']!,
    )({
      method: 'PATCH',
      url: `/api/teachers/${passportId}`,
      payload: { idNumber: 'E98765433' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().teacher).toMatchObject({ idNumberMasked: 'E9*****33', birthDate: null, birthYear: 1981 });
    const unmasked = await as(app, sessions['county']!)({ method: 'POST', url: `/api/teachers/${passportId}/unmask` });
    expect(unmasked.json()).toMatchObject({ idNumber: 'E98765433', birthDate: PASSPORT_BIRTH });
  });

  it("the teacher's own record keeps the full date", async () => {
    const own = await t.db
      .selectFrom('teacher')
      .select('user_id')
      .where('id', '=', residentId)
      .executeTakeFirstOrThrow();
    const user = await t.db
      .selectFrom('app_user')
      .select('username')
      .where('id', '=', own.user_id!)
      .executeTakeFirstOrThrow();
    const session = await login(app, user.username, 'Qv7#Lm2x-Rt9p!');
    const res = await as(app, session)({ method: 'GET', url: '/api/me/teacher' });
    expect(res.json().teacher).toMatchObject({ birthDate: BIRTH, birthYear: 1979 });
  });
});
