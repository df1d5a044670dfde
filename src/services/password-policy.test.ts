import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { makeRoster, rosterXlsx } from '../../test/support/roster.js';
import { multipartFile } from '../../test/support/upload.js';

/**
 * The password rule per role: a teacher sets 8 characters of any kind (a passphrase in pinyin), an
 * administrator keeps the configured rule (10 characters mixing 3 classes by default); both refuse
 * common passwords, and a teacher's password may not hold the birth date of the ID number.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let school: Session;
let codes: Array<{ name: string; code: string }>;
const people = makeRoster(3, { seed: 57, offset: 710_000 });
const PASSPHRASE = 'chun tian hua kai';

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.S1, 'school_admin', 'pw-school');
  app = await buildTestApp(t);
  school = await login(app, 'pw-school');
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
  codes = (
    await as(app, school)({ method: 'POST', url: `/api/org-units/${tree.S1.id}/activation-codes`, payload: {} })
  ).json().items;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const activate = (i: number, password: string) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/activate',
    payload: { idNumber: people[i]!.idNumber, code: codes.find((c) => c.name === people[i]!.name)!.code, password },
  });

describe('the password rule per role', () => {
  it('tells the forms both rules: the configured one and the teachers’ own', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/auth/password-policy' });
    expect(res.json()).toEqual({
      minLength: 10,
      maxLength: 128,
      minClasses: 3,
      teacher: { minLength: 8, minClasses: 1 },
    });
  });

  it('lets a teacher activate with a passphrase of four pinyin words, no capitals, digits or symbols needed', async () => {
    const res = await activate(0, PASSPHRASE);
    expect(res.statusCode).toBe(200);
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: people[0]!.idNumber, password: PASSPHRASE },
    });
    expect(signIn.statusCode).toBe(200);
  });

  it('still refuses a teacher a short, a common or a birth-date password, saying which rule', async () => {
    const short = await activate(1, 'huakai7');
    expect(short.json().error).toMatchObject({
      code: 'PASSWORD_TOO_WEAK',
      details: { rule: 'too_short', minLength: 8 },
    });
    expect(short.json().error.message).toContain('至少 8 位');
    // a teacher is asked for no mix of character kinds, and the message does not mention one
    expect(short.json().error.message).not.toMatch(/种/);
    expect((await activate(1, 'password')).json().error.details.rule).toBe('common');
    expect((await activate(1, '12345678')).json().error.details.rule).toBe('common');
    const birth = people[1]!.idNumber.slice(6, 14);
    expect((await activate(1, `wang${birth}`)).json().error.details.rule).toBe('contains_id_number');
    expect((await activate(1, 'mei tian jin bu')).statusCode).toBe(200);
  });

  it("keeps the configured, stricter rule for an administrator's new password", async () => {
    await addUser(t.db, tree.K1, 'county_admin', 'pw-county');
    const county = await login(app, 'pw-county');
    const change = (newPassword: string) =>
      as(
        app,
        county,
      )({
        method: 'POST',
        url: '/api/auth/change-password',
        payload: { currentPassword: 'Correct-horse-42', newPassword },
      });
    const weak = await change(PASSPHRASE);
    expect(weak.json().error).toMatchObject({
      code: 'PASSWORD_TOO_WEAK',
      details: { rule: 'too_simple', minLength: 10, minClasses: 3 },
    });
    expect(weak.json().error.message).toContain('至少 3 种');
    expect((await change('Chun-tian-2026')).statusCode).toBe(204);
  });

  it("applies the teachers' rule when a teacher changes the password", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: people[0]!.idNumber, password: PASSPHRASE },
    });
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const teacher: Session = { cookie, csrf: res.json().csrfToken };
    const changed = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: '/api/auth/change-password',
      payload: { currentPassword: PASSPHRASE, newPassword: 'qiu feng luo ye' },
    });
    expect(changed.statusCode).toBe(204);
  });
});
