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
let otherCounty: Session;
const people = makeRoster(4, { seed: 41, offset: 700_000 });
const PASSWORD = 'Teacher-pass-2026';

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.S1, 'school_admin', 'acc-school');
  await addUser(t.db, tree.K2, 'county_admin', 'acc-k2');
  app = await buildTestApp(t);
  school = await login(app, 'acc-school');
  otherCounty = await login(app, 'acc-k2');
  const checked = (
    await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/org-units/${tree.S1.id}/teacher-imports`,
      ...multipartFile(await rosterXlsx(people), { filename: 'r.xlsx' }),
    })
  ).json();
  await as(app, school)({ method: 'POST', url: `/api/teacher-imports/${checked.importId}/commit`, payload: {} });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const activate = (idNumber: string, code: string, password = PASSWORD) =>
  app.inject({ method: 'POST', url: '/api/auth/activate', payload: { idNumber, code, password } });
const loginAs = (username: string, password = PASSWORD) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('teacher accounts by activation code', () => {
  let codes: Array<{ teacherId: number; name: string; code: string; idNumberMasked: string }>;

  it('prints one-time codes for every teacher of the school without an account, stored only as hashes', async () => {
    const res = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/org-units/${tree.S1.id}/activation-codes`, payload: {} });
    expect(res.statusCode).toBe(200);
    codes = res.json().items;
    expect(codes.map((c) => c.name).sort()).toEqual(people.map((p) => p.name).sort());
    for (const c of codes) expect(c.code).toMatch(/^[A-HJ-KM-NP-Z2-9]{8}$/);
    const stored = await t.db.selectFrom('teacher').select('activation_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(codes[0]!.code);
    // another county cannot issue codes for this school
    expect(
      (
        await as(
          app,
          otherCounty,
        )({ method: 'POST', url: `/api/org-units/${tree.S1.id}/activation-codes`, payload: {} })
      ).statusCode,
    ).toBe(404);
  });

  it('lets a teacher activate with ID number and code, then log in with the ID number', async () => {
    const p = people[0]!;
    const c = codes.find((x) => x.name === p.name)!;
    expect((await activate(p.idNumber, c.code.toLowerCase().replace(/(.{4})/, '$1-'), 'short')).json().error.code).toBe(
      'PASSWORD_TOO_WEAK',
    );
    const ok = await activate(` ${p.idNumber.toLowerCase()} `, c.code.toLowerCase().replace(/(.{4})/, '$1-'));
    expect(ok.statusCode, ok.body).toBe(200);
    const logged = await loginAs(p.idNumber);
    expect(logged.statusCode).toBe(200);
    expect(logged.json().user).toMatchObject({ role: 'teacher', displayName: p.name, orgUnit: { id: tree.S1.id } });
    // the code is used up
    expect((await activate(p.idNumber, c.code)).json().error.code).toBe('ACTIVATION_INVALID');
    // the ID number never reaches the audit log in clear
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['target_label', 'details'])
      .where('action', 'in', ['auth.login', 'auth.activate'])
      .execute();
    expect(JSON.stringify(audit)).not.toContain(p.idNumber);
  });

  it('gives one answer for a wrong ID number or code, and locks a teacher after five failures', async () => {
    const p = people[1]!;
    const c = codes.find((x) => x.name === p.name)!;
    const unknown = await activate('110105197901090016', c.code);
    const wrong = await activate(p.idNumber, 'AAAAAAAA');
    expect(unknown.json().error).toEqual(wrong.json().error);
    for (let i = 0; i < 4; i++) await activate(p.idNumber, 'BBBBBBBB');
    const locked = await activate(p.idNumber, c.code);
    expect(locked.json().error.code).toBe('AUTH_ACCOUNT_LOCKED');
  });

  it("a reset by the school ends the account's sessions until the teacher activates again", async () => {
    const p = people[0]!;
    const s = await login(app, p.idNumber, PASSWORD);
    const me = await as(app, s)({ method: 'GET', url: '/api/me/teacher' });
    expect(me.statusCode).toBe(200);
    const reset = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/teachers/${me.json().teacher.id}/reset-activation` });
    expect(reset.json().item).toMatchObject({ hadAccount: true });
    expect((await as(app, s)({ method: 'GET', url: '/api/me/teacher' })).statusCode).toBe(401);
    expect((await loginAs(p.idNumber)).statusCode).toBe(401);
    expect((await activate(p.idNumber, reset.json().item.code, 'Another-pass-2027')).statusCode).toBe(200);
    expect((await loginAs(p.idNumber, 'Another-pass-2027')).statusCode).toBe(200);
  });
});

describe('codes and logins beyond the resident ID card', () => {
  it('gives a teacher with an account a new code only through a reset', async () => {
    const me = (
      await as(
        app,
        await login(app, people[0]!.idNumber, 'Another-pass-2027'),
      )({ method: 'GET', url: '/api/me/teacher' })
    ).json();
    const named = await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/org-units/${tree.S1.id}/activation-codes`,
      payload: { teacherIds: [me.teacher.id] },
    });
    expect(named.json().items).toEqual([]);
    expect((await loginAs(people[0]!.idNumber, 'Another-pass-2027')).statusCode).toBe(200);
  });

  it('lets a teacher with a passport activate and log in with the passport number', async () => {
    const created = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/teachers',
      payload: {
        orgUnitId: tree.S1.id,
        name: 'Anna Weber',
        idType: 'passport',
        idNumber: 'C01X00T47',
        gender: 'female',
        stage: 'senior',
        employment: 'substitute',
      },
    });
    expect(created.statusCode).toBe(201);
    const code = (
      await as(
        app,
        school,
      )({
        method: 'POST',
        url: `/api/org-units/${tree.S1.id}/activation-codes`,
        payload: { teacherIds: [created.json().teacher.id] },
      })
    ).json().items[0].code;
    expect((await activate('c01x00t47', code)).statusCode).toBe(200);
    const res = await loginAs('C01X00T47');
    expect(res.statusCode).toBe(200);
    expect(res.json().user.displayName).toBe('Anna Weber');
  });
});

describe("the teacher's own record and corrections (PIPL)", () => {
  it('shows a teacher only their own record, masked, and sends a correction to the school, which applies it', async () => {
    const p = people[2]!;
    const codes = (
      await as(app, school)({ method: 'POST', url: `/api/org-units/${tree.S1.id}/activation-codes`, payload: {} })
    ).json().items as Array<{ name: string; code: string }>;
    await activate(p.idNumber, codes.find((c) => c.name === p.name)!.code);
    const s = await login(app, p.idNumber, PASSWORD);
    const me = (await as(app, s)({ method: 'GET', url: '/api/me/teacher' })).json();
    expect(me.teacher).toMatchObject({ name: p.name, idNumberMasked: expect.stringContaining('********') });
    expect(JSON.stringify(me)).not.toContain(p.idNumber);
    // the registry itself stays closed to teachers
    expect((await as(app, s)({ method: 'GET', url: `/api/teachers/${me.teacher.id}` })).statusCode).toBe(403);

    const asked = await as(
      app,
      s,
    )({
      method: 'POST',
      url: '/api/me/teacher/corrections',
      payload: { field: 'phone', proposed: '13911112222', reason: '换了新号码' },
    });
    expect(asked.statusCode).toBe(201);
    expect(asked.json().correction).toMatchObject({ status: 'open', proposed: null, proposedHidden: true });
    const inbox = (await as(app, school)({ method: 'GET', url: '/api/teacher-corrections?status=open' })).json().items;
    expect(inbox).toEqual([expect.objectContaining({ teacherName: p.name, field: 'phone', reason: '换了新号码' })]);
    expect(
      (await as(app, otherCounty)({ method: 'GET', url: `/api/teacher-corrections?orgUnitId=${tree.S1.id}` }))
        .statusCode,
    ).toBe(404);

    const decided = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/teacher-corrections/${inbox[0].id}/decide`, payload: { accept: true } });
    expect(decided.json().correction.status).toBe('accepted');
    expect((await as(app, s)({ method: 'GET', url: '/api/me/teacher' })).json().teacher.phoneMasked).toBe(
      '139****2222',
    );
    expect(
      (
        await as(
          app,
          school,
        )({ method: 'POST', url: `/api/teacher-corrections/${inbox[0].id}/decide`, payload: { accept: false } })
      ).statusCode,
    ).toBe(409);

    const bad = (
      await as(
        app,
        s,
      )({
        method: 'POST',
        url: '/api/me/teacher/corrections',
        payload: { field: 'teachingStartYear', proposed: '明年', reason: '填错了' },
      })
    ).json().correction;
    const refused = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/teacher-corrections/${bad.id}/decide`, payload: { accept: true } });
    expect(refused.json().error.code).toBe('TEACHER_INVALID');
    const rejected = await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/teacher-corrections/${bad.id}/decide`,
      payload: { accept: false, note: '请填写四位年份' },
    });
    expect(rejected.json().correction).toMatchObject({ status: 'rejected', decisionNote: '请填写四位年份' });
  });

  it("checks a correction's value when it is accepted: a bad value is a clear 400, never stored", async () => {
    const p = people[2]!;
    const s = await login(app, p.idNumber, PASSWORD);
    for (const [field, proposed, problem] of [
      ['stage', '大学', 'invalid_choice'],
      ['birthDate', '2020-13-45', 'birth_date_invalid'],
      ['subject', '语'.repeat(40), 'text_too_long'],
    ] as const) {
      const asked = (
        await as(
          app,
          s,
        )({ method: 'POST', url: '/api/me/teacher/corrections', payload: { field, proposed, reason: '测试' } })
      ).json().correction;
      const res = await as(
        app,
        school,
      )({ method: 'POST', url: `/api/teacher-corrections/${asked.id}/decide`, payload: { accept: true } });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'TEACHER_INVALID', details: { problems: { [field]: problem } } });
    }
  });

  it('refuses the teacher pages to accounts that are not teachers', async () => {
    expect((await as(app, school)({ method: 'GET', url: '/api/me/teacher' })).statusCode).toBe(403);
  });
});

describe('no enumeration of registered ID numbers, no lock-out by strangers', () => {
  const activateFrom = async (ip: string, idNumber: string, code: string, password = PASSWORD) => {
    const started = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/activate',
      remoteAddress: ip,
      payload: { idNumber, code, password },
    });
    const ms = performance.now() - started;
    const error =
      res.statusCode === 200 ? null : (res.json().error as { code: string; message: string; details?: object });
    return {
      ms,
      status: res.statusCode,
      answer: error && {
        status: res.statusCode,
        code: error.code,
        message: error.message,
        details: Object.keys(error.details ?? {}),
      },
    };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('answers a registered and an unregistered ID number alike, locks included, in about the same time', async () => {
    const registered: Awaited<ReturnType<typeof activateFrom>>[] = [];
    const unknown: Awaited<ReturnType<typeof activateFrom>>[] = [];
    for (let i = 0; i < 7; i++) {
      registered.push(await activateFrom('10.5.0.1', people[2]!.idNumber, 'AAAAAAAA'));
      unknown.push(await activateFrom('10.5.0.1', '110105197901090016', 'AAAAAAAA'));
    }
    expect(registered.map((r) => r.answer)).toEqual(unknown.map((r) => r.answer));
    expect(registered.map((r) => r.status)).toEqual([400, 400, 400, 400, 423, 423, 423]);
    const [a, b] = [median(registered.map((r) => r.ms)), median(unknown.map((r) => r.ms))];
    expect(a).toBeGreaterThan(b * 0.4);
    expect(b).toBeGreaterThan(a * 0.4);
  });

  it('a lock from one address does not stop the teacher activating from another', async () => {
    const p = people[3]!;
    const teacher = await t.db.selectFrom('teacher').select('id').where('name', '=', p.name).executeTakeFirstOrThrow();
    const code = (await as(app, school)({ method: 'POST', url: `/api/teachers/${teacher.id}/reset-activation` })).json()
      .item.code as string;
    for (let i = 0; i < 5; i++) await activateFrom('10.6.0.1', p.idNumber, 'BBBBBBBB');
    expect((await activateFrom('10.6.0.1', p.idNumber, code)).status).toBe(423);
    expect((await activateFrom('10.6.0.2', p.idNumber, code)).status).toBe(200);
  });
});
