import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let projectId: number;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-07-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  // a city project with one class and two sessions: one held, one still to come
  const project = await t.db
    .insertInto('training_project')
    .values({
      province_id: tree.C1.provinceId,
      org_unit_id: tree.C1.id,
      org_path: tree.C1.path,
      level: 'city',
      title: '2027年吉林市班主任培训',
      year: 2027,
      status: 'open',
      hours: 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  projectId = project.id;
  const cls = await t.db
    .insertInto('training_class')
    .values({
      project_id: projectId,
      province_id: tree.C1.provinceId,
      org_path: tree.C1.path,
      name: '一班',
      capacity: 50,
      status: 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const session = async (startsAt: Date) =>
    (
      await t.db
        .insertInto('training_session')
        .values({
          class_id: cls.id,
          starts_at: startsAt,
          ends_at: new Date(startsAt.getTime() + 3_600_000),
          place: '吉林市教育学院',
          checkin_opens_at: startsAt,
          checkin_closes_at: new Date(startsAt.getTime() + 3_600_000),
          token_secret: crypto.randomBytes(32),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const held = await session(new Date(Date.now() - 86_400_000));
  await session(new Date(Date.now() + 86_400_000));
  // 桦甸市: two enrolled at 第一实验小学 (one completed, present once), one at 夹皮沟镇中心小学 (under its township), one waiting; 蛟河市: one withdrawn
  const place = async (
    school: OrgUnitRow,
    status: 'enrolled' | 'waitlisted' | 'withdrawn',
    outcome: 'completed' | 'not_completed' | null = null,
  ) => {
    const teacherId = await seedTeacher(t.db, t.env, school);
    await t.db
      .insertInto('enrolment')
      .values({
        class_id: cls.id,
        teacher_id: teacherId,
        province_id: school.provinceId,
        org_unit_id: school.id,
        org_path: school.path,
        status,
        source: 'bulk',
        outcome,
      })
      .execute();
    return teacherId;
  };
  const first = await place(tree.S1, 'enrolled', 'completed');
  await place(tree.S1, 'enrolled', 'not_completed');
  await place(tree.S4, 'enrolled');
  await place(tree.S2, 'waitlisted');
  await place(tree.S3, 'withdrawn');
  await t.db
    .insertInto('attendance')
    .values({ session_id: held, teacher_id: first, present: true, method: 'qr', checked_in_at: new Date() })
    .execute();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('participation of a project by unit', () => {
  it('shows the city its counties, with completion and attendance of the sessions held so far', async () => {
    const r = await s.trainingStats.byUnit(await ctxAt(tree.C1, 'city_admin', 'c1-admin'), projectId);
    expect(r.base).toEqual({ id: tree.C1.id, name: '吉林市' });
    expect(
      r.lines.map((l) => [
        l.unitName,
        l.enrolled,
        l.waitlisted,
        l.withdrawn,
        l.completed,
        l.notCompleted,
        l.completionPct,
        l.sessionsExpected,
        l.sessionsAttended,
        l.attendancePct,
      ]),
    ).toEqual([
      ['桦甸市', 3, 1, 0, 1, 1, 50, 3, 1, 33.3],
      ['蛟河市', 0, 0, 1, 0, 0, null, 0, 0, null],
    ]);
    expect(r.total).toMatchObject({
      unitName: '吉林市',
      enrolled: 3,
      waitlisted: 1,
      withdrawn: 1,
      completed: 1,
      completionPct: 50,
    });
  });

  it("shows a county below the organiser its own schools only, a township's school under the township", async () => {
    const r = await s.trainingStats.byUnit(await ctxAt(tree.K1, 'county_admin', 'k1-admin'), projectId);
    expect(r.base.name).toBe('桦甸市');
    expect(r.lines.map((l) => [l.unitName, l.enrolled, l.waitlisted])).toEqual([
      ['夹皮沟镇中心校', 1, 0],
      ['桦甸市第一中学', 0, 1],
      ['桦甸市第一实验小学', 2, 0],
    ]);
    const school = await s.trainingStats.byUnit(await ctxAt(tree.S1, 'school_admin', 's1-admin'), projectId);
    expect(school.lines.map((l) => [l.unitName, l.enrolled, l.completed])).toEqual([['桦甸市第一实验小学', 2, 1]]);
  });

  it("is not found for another city's county, and forbidden to teachers and trainers", async () => {
    expect(await codeOf(s.trainingStats.byUnit(await ctxAt(tree.K4, 'county_admin', 'k4-admin'), projectId))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(s.trainingStats.byUnit(await ctxAt(tree.S1, 'teacher', 's1-teacher'), projectId))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(s.trainingStats.byUnit(await ctxAt(tree.I1, 'trainer', 'i1-trainer'), projectId))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(s.trainingStats.byUnit(await ctxAt(tree.C1, 'city_admin', 'c1-b'), 999_999))).toBe('NOT_FOUND');
  });

  it('exports the same lines with a totals row', async () => {
    const r = await s.trainingStats.exportByUnit(await ctxAt(tree.C1, 'city_admin', 'c1-export'), projectId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.buffer as unknown as ArrayBuffer);
    const rows = wb
      .getWorksheet('参训统计')!
      .getSheetValues()
      .filter(Boolean)
      .map((row) => (row as unknown[]).slice(1));
    expect(rows.at(-1)).toEqual(['合计', 3, 1, 1, 1, 1, 0.5, 3, 1, 1 / 3]);
    expect(rows.find((row) => row[0] === '桦甸市')).toEqual(['桦甸市', 3, 1, 0, 1, 1, 0.5, 3, 1, 1 / 3]);
    // the rates are numbers a sheet can sort and sum, shown as percentages (50.0%, 33.3%)
    const sheet = wb.getWorksheet('参训统计')!;
    const total = sheet.getRow(sheet.rowCount);
    for (const [col, value] of [
      [7, 0.5],
      [10, 1 / 3],
    ] as const) {
      expect(total.getCell(col).type).toBe(ExcelJS.ValueType.Number);
      expect(total.getCell(col).value).toBe(value);
      expect(total.getCell(col).numFmt).toBe('0.0%');
    }
    expect(sheet.getRow(3).getCell(7).value).toBe('结业率');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('action', '=', 'training.export_stats')
      .execute();
    expect(audit).toEqual([{ action: 'training.export_stats', outcome: 'success' }]);
  });
});
