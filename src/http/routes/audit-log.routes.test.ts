import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { makeRoster, rosterXlsx } from '../../../test/support/roster.js';
import { multipartFile } from '../../../test/support/upload.js';
import { appendAudit } from '../../services/audit.js';
import type { RequestContext } from '../../services/context.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let schoolA: Session;
let countyA: Session;
let countyB: Session;
let otherUserId: number;
let otherTeacherId: number;
// county B (蛟河市): an account and a teacher whose names county A must never learn
const OTHER_USERNAME = 'shulan-county';
const [otherTeacher] = makeRoster(1, { seed: 77, offset: 810_000 });

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.S1, 'school_admin', 'a-school');
  await addUser(t.db, tree.K1, 'county_admin', 'a-county');
  await addUser(t.db, tree.K2, 'county_admin', 'b-county');
  otherUserId = await addUser(t.db, tree.S3, 'school_admin', OTHER_USERNAME);
  app = await buildTestApp(t);
  schoolA = await login(app, 'a-school');
  countyA = await login(app, 'a-county');
  countyB = await login(app, 'b-county');
  const checked = (
    await as(
      app,
      countyB,
    )({
      method: 'POST',
      url: `/api/org-units/${tree.S3.id}/teacher-imports`,
      ...multipartFile(await rosterXlsx([otherTeacher!]), { filename: 'r.xlsx' }),
    })
  ).json();
  await as(app, countyB)({ method: 'POST', url: `/api/teacher-imports/${checked.importId}/commit`, payload: {} });
  const row = await t.db
    .selectFrom('teacher')
    .select('id')
    .where('name', '=', otherTeacher!.name)
    .executeTakeFirstOrThrow();
  otherTeacherId = row.id;
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const auditLog = (s: Session) => as(app, s)({ method: 'GET', url: '/api/audit-log?pageSize=200' });

describe("the audit log keeps what lies outside the reader's subtree to itself", () => {
  it("a school admin's refused calls on another county leave no name of it in their own log", async () => {
    const update = await as(
      app,
      schoolA,
    )({ method: 'PATCH', url: `/api/users/${otherUserId}`, payload: { displayName: '改名' } });
    expect(update.statusCode).toBe(404);
    const activate = await as(
      app,
      schoolA,
    )({
      method: 'POST',
      url: '/api/auth/activate',
      payload: { idNumber: otherTeacher!.idNumber, code: 'AAAAAAAA', password: 'Teacher-pass-2026' },
    });
    expect(activate.statusCode).toBe(400);

    for (const reader of [schoolA, countyA]) {
      const res = await auditLog(reader);
      expect(res.statusCode).toBe(200);
      const text = res.body;
      expect(text).not.toContain(OTHER_USERNAME);
      expect(text).not.toContain(otherTeacher!.name);
      // the refusals are there, but without their target
      const items = res.json().items as Array<{
        action: string;
        actorUsername: string;
        targetType: string | null;
        targetId: string | null;
      }>;
      const own = items.filter(
        (i) => i.actorUsername === 'a-school' && ['user.update', 'auth.activate'].includes(i.action),
      );
      expect(own.map((i) => i.action).sort()).toEqual(['auth.activate', 'user.update']);
      expect(own.map((i) => i.targetId)).toEqual([null, null]);
      expect(
        items.some(
          (i) =>
            (i.targetType === 'user' && i.targetId === String(otherUserId)) ||
            (i.targetType === 'teacher' && i.targetId === String(otherTeacherId)),
        ),
      ).toBe(false);
    }
    // nor are the names kept in the rows at all
    const stored = await t.db
      .selectFrom('audit_log')
      .select(['target_label', 'details'])
      .where('actor_username', '=', 'a-school')
      .execute();
    expect(JSON.stringify(stored)).not.toContain(OTHER_USERNAME);
    expect(JSON.stringify(stored)).not.toContain(otherTeacher!.name);
  });

  it('a county admin reads no rows about the targets of another county', async () => {
    // county B's own admin acts on its own teacher and account
    expect(
      (
        await as(
          app,
          countyB,
        )({ method: 'PATCH', url: `/api/users/${otherUserId}`, payload: { displayName: '舒兰校管' } })
      ).statusCode,
    ).toBe(200);
    const a = await auditLog(countyA);
    expect(a.body).not.toContain(OTHER_USERNAME);
    expect(a.body).not.toContain('舒兰校管');
    expect((a.json().items as Array<{ actorUsername: string }>).some((i) => i.actorUsername === 'b-county')).toBe(
      false,
    );
    // B's admin sees the attempts on its targets (without the name the refusal withheld)
    const b = (await auditLog(countyB)).json().items as Array<{
      action: string;
      outcome: string;
      targetId: string | null;
    }>;
    expect(b).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'user.update', outcome: 'denied', targetId: String(otherUserId) }),
        expect.objectContaining({ action: 'auth.activate', outcome: 'failure', targetId: String(otherTeacherId) }),
      ]),
    );
  });

  it('a row whose time was kept to the day says so, and carries that day, not the moment', async () => {
    const ctx: RequestContext = { actor: null, ip: '127.0.0.1', via: 'cli' };
    const meta = { action: 'survey.answer', targetType: 'training_class', targetId: 1, targetPath: tree.S1.path };
    await appendAudit(t.db, ctx, { ...meta, day: '2026-05-04' }, 'success');
    await appendAudit(t.db, ctx, { ...meta, action: 'survey.save_form' }, 'success');
    const items = (await auditLog(countyA)).json().items as Array<{ action: string; at: string; dayOnly: boolean }>;
    const answer = items.find((i) => i.action === 'survey.answer')!;
    expect(answer).toMatchObject({ dayOnly: true, at: '2026-05-03T16:00:00.000Z' });
    expect(items.find((i) => i.action === 'survey.save_form')).toMatchObject({ dayOnly: false });
  });
});
