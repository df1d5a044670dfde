import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let trainer: Session;
let county: Session;
let sessionId: number;
let classId: number;
let projectId: number;
let sessionEndsAt: Date;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  const trainerId = await addUser(t.db, tree.I1, 'trainer', 'ar-trainer');
  await addUser(t.db, tree.K1, 'county_admin', 'ar-county');
  const p = await t.db
    .insertInto('training_project')
    .values({
      province_id: tree.K1.provinceId,
      org_unit_id: tree.K1.id,
      org_path: tree.K1.path,
      level: 'county',
      title: '师德专题培训',
      year: 2027,
      status: 'open',
      hours: 120,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  classId = (
    await t.db
      .insertInto('training_class')
      .values({
        project_id: p.id,
        province_id: tree.K1.provinceId,
        org_path: tree.K1.path,
        name: '一班',
        capacity: 10,
        status: 'open',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.db.insertInto('training_class_trainer').values({ class_id: classId, user_id: trainerId }).execute();
  projectId = p.id;
  const now = Date.now();
  sessionEndsAt = new Date(now + 3_600_000);
  sessionId = (
    await t.db
      .insertInto('training_session')
      .values({
        class_id: classId,
        starts_at: new Date(now),
        ends_at: new Date(now + 3_600_000),
        checkin_opens_at: new Date(now - 600_000),
        checkin_closes_at: new Date(now + 600_000),
        token_secret: crypto.randomBytes(32),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  app = await buildTestApp(t);
  trainer = await login(app, 'ar-trainer');
  county = await login(app, 'ar-county');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('attendance routes', () => {
  it('give the trainer the current code with the address phones open, and the attendance list', async () => {
    const res = await as(app, trainer)({ method: 'GET', url: `/api/sessions/${sessionId}/checkin-code?kind=out` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'out', session: { id: sessionId, className: '一班', classStatus: 'open' } });
    expect(body.url).toMatch(/\/checkin\?t=o\d+\.\d+\./);
    expect(Date.parse(body.rotatesAt)).toBeGreaterThan(Date.now() - 1_000);
    const list = await as(app, trainer)({ method: 'GET', url: `/api/sessions/${sessionId}/attendance` });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([]);
  });

  it("refuse bad input with a coded 400 and an admin's scan with 403", async () => {
    expect(
      (await as(app, county)({ method: 'POST', url: '/api/attendance/scan', payload: { token: 5 } })).statusCode,
    ).toBe(400);
    expect(
      (await as(app, county)({ method: 'POST', url: '/api/attendance/scan', payload: { token: 'x' } })).json().error
        .code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await as(
          app,
          trainer,
        )({ method: 'PUT', url: `/api/sessions/${sessionId}/attendance/1`, payload: { present: true, reason: '' } })
      ).statusCode,
    ).toBe(400);
    expect(
      (await as(app, county)({ method: 'POST', url: `/api/classes/${classId}/reopen`, payload: {} })).statusCode,
    ).toBe(400);
  });

  it('preview the close, and refuse it before the last session has ended unless a reason is given', async () => {
    const preview = await as(app, county)({ method: 'GET', url: `/api/classes/${classId}/close-preview` });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({
      classId,
      className: '一班',
      projectTitle: '师德专题培训',
      status: 'open',
      hours: 120,
      sessions: 1,
      lastSessionEndsAt: sessionEndsAt.toISOString(),
      ended: false,
      enrolled: 0,
      completing: [],
      notCompleting: [],
      toPost: 0,
      toReverse: 0,
    });
    expect((await as(app, trainer)({ method: 'GET', url: `/api/classes/${classId}/close-preview` })).statusCode).toBe(
      403,
    );
    const endsAt = new Date(sessionEndsAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const early = await as(app, county)({ method: 'POST', url: `/api/classes/${classId}/close` });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: 'CLASS_NOT_ENDED',
      message: `该班次的最后一场培训 ${endsAt} 才结束，现在还不能结班；如确需提前结班，请填写提前结班的原因`,
    });
    const en = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/close`,
      payload: {},
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().error.message).toBe(
      `The class's last session ends at ${endsAt}, so it cannot be closed yet; to close it early, give the reason`,
    );
    const blank = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/close`,
      payload: { earlyCloseReason: '   ' },
    });
    expect(blank.statusCode).toBe(400);
    const status = await t.db
      .selectFrom('training_class')
      .select('status')
      .where('id', '=', classId)
      .executeTakeFirst();
    expect(status?.status).toBe('open');
  });

  it("close and reopen a class for the organiser's admins", async () => {
    const closed = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/close`,
      payload: { earlyCloseReason: '场地停电，改期另行通知' },
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({
      classId,
      enrolled: 0,
      posted: 0,
      teachersNotCompleted: [],
      problems: [],
      earlyCloseReason: '场地停电，改期另行通知',
      projectClosed: true,
    });
    const detail = (await as(app, county)({ method: 'GET', url: `/api/training/projects/${projectId}` })).json();
    expect(detail.project.status).toBe('closed');
    expect(detail.classes[0]).toMatchObject({ status: 'closed', earlyCloseReason: '场地停电，改期另行通知' });
    expect(Date.parse(detail.classes[0].closedAt)).toBeGreaterThan(Date.now() - 60_000);
    const code = await as(app, trainer)({ method: 'GET', url: `/api/sessions/${sessionId}/checkin-code` });
    expect(code.json().session.classStatus).toBe('closed');
    expect((await as(app, county)({ method: 'POST', url: `/api/classes/${classId}/close` })).json().error.code).toBe(
      'CLASS_CLOSED',
    );
    expect(
      (await as(app, trainer)({ method: 'POST', url: `/api/classes/${classId}/reopen`, payload: { reason: '补录' } }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await as(app, county)({ method: 'POST', url: `/api/classes/${classId}/reopen`, payload: { reason: '补录' } })
      ).json(),
    ).toEqual({ classId, status: 'open' });
  });
});
