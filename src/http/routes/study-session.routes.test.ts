import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { backdateSession, type OnlineClass, seedOnlineClass } from '../../../test/support/study-session.js';
import { presenceNonce } from '../../domain/study-minutes.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let oc: OnlineClass;
let closed: OnlineClass;
type Call = ReturnType<typeof as>;
let teacher: Call;
let classmate: Call;
let outsider: Call;
let county: Call;
let otherCounty: Call;

const beat = (over: Record<string, unknown> = {}) => ({
  seq: 0,
  from: 0,
  to: 60,
  rate: 1,
  visible: true,
  focused: true,
  playing: true,
  ...over,
});

async function start(call: Call, classId = oc.classId, itemId = oc.videoId) {
  const r = await call({ method: 'POST', url: '/api/study/sessions', payload: { classId, itemId } });
  return r;
}
const send = (call: Call, sessionId: number, body: Record<string, unknown>) =>
  call({ method: 'POST', url: `/api/study/sessions/${sessionId}/heartbeats`, payload: body });
const state = async (call: Call, itemId = oc.videoId) =>
  (await call({ method: 'GET', url: `/api/study/classes/${oc.classId}/items/${itemId}/state` })).json() as {
    countedSeconds: number;
    resumeAt: number;
    furthest: number;
    sessions: Array<{ sessionId: number; countedSeconds: number; wall: Record<string, number> }>;
  };

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  oc = await seedOnlineClass(t.db, t.env, { county: tree.K1, school: tree.S1, prefix: 'st', teacherCount: 2 });
  closed = await seedOnlineClass(t.db, t.env, {
    county: tree.K1,
    school: tree.S1,
    prefix: 'late',
    teacherCount: 1,
    opensOn: '2027-12-01',
    closesOn: '2027-12-31',
  });
  await addUser(t.db, tree.S1, 'teacher', 'st-outsider');
  await addUser(t.db, tree.K1, 'county_admin', 'st-county');
  await addUser(t.db, tree.K2, 'county_admin', 'st-k2');
  app = await buildTestApp(t);
  teacher = as(app, await login(app, oc.teachers[0]!.username));
  classmate = as(app, await login(app, oc.teachers[1]!.username));
  outsider = as(app, await login(app, 'st-outsider'));
  county = as(app, await login(app, 'st-county'));
  otherCounty = as(app, await login(app, 'st-k2'));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('online study: the server decides the minutes', () => {
  it('counts an honest minute, and forged heartbeats add nothing to it', async () => {
    const r = await start(teacher);
    expect(r.statusCode).toBe(201);
    const { sessionId, heartbeatSeconds } = r.json() as { sessionId: number; heartbeatSeconds: number };
    expect(heartbeatSeconds).toBe(30);
    await backdateSession(t.db, sessionId, 60);
    const first = await send(teacher, sessionId, beat());
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ seq: 0, repeated: false });
    const honest = (await state(teacher)).countedSeconds;
    expect(honest).toBeGreaterThan(55);
    expect(honest).toBeLessThanOrEqual(61);

    // the same number again: acknowledged, nothing written
    expect((await send(teacher, sessionId, beat({ to: 600 }))).json()).toMatchObject({ repeated: true });
    // skipped positions: a jump to the end of the video
    expect((await send(teacher, sessionId, beat({ seq: 1, from: 500, to: 600 }))).statusCode).toBe(200);
    // 16× speed
    expect((await send(teacher, sessionId, beat({ seq: 2, from: 60, to: 540, rate: 16 }))).statusCode).toBe(200);
    // the whole video claimed at 1× within a second
    expect((await send(teacher, sessionId, beat({ seq: 3, from: 60, to: 600 }))).statusCode).toBe(200);
    const after = await state(teacher);
    expect(after.countedSeconds).toBe(honest);
    const receipt = after.sessions.find((s) => s.sessionId === sessionId)!;
    expect(receipt.countedSeconds).toBe(honest);
    // the refused heartbeats were taken (and refused by the rule), not lost
    expect((receipt as unknown as { heartbeats: number }).heartbeats).toBe(4);

    // a classmate's heartbeat replayed into this teacher's session, and this one's into the classmate's
    const other = (await start(classmate)).json() as { sessionId: number };
    await backdateSession(t.db, other.sessionId, 60);
    expect((await send(classmate, other.sessionId, beat())).statusCode).toBe(200);
    const replayed = await send(teacher, other.sessionId, beat({ seq: 7, from: 60, to: 120 }));
    expect(replayed.statusCode).toBe(404);
    expect(replayed.body).not.toContain(oc.teachers[1]!.username);
    expect((await send(teacher, sessionId, beat({ seq: 4, from: 0, to: 60 }))).statusCode).toBe(200);
    expect((await state(teacher)).countedSeconds).toBe(honest);
  });

  it('ends a session with its receipt, and an ended session takes no more heartbeats', async () => {
    const { sessionId } = (await start(teacher)).json() as { sessionId: number };
    await backdateSession(t.db, sessionId, 45);
    await send(teacher, sessionId, beat({ seq: 0, from: 0, to: 40, visible: false }));
    const end = await teacher({ method: 'POST', url: `/api/study/sessions/${sessionId}/end` });
    expect(end.statusCode).toBe(200);
    const receipt = end.json() as { wallSeconds: number; countedSeconds: number; wall: Record<string, number> };
    expect(receipt.countedSeconds).toBe(0);
    expect(receipt.wall['hidden']).toBeGreaterThan(40);
    expect(receipt.wallSeconds).toBeCloseTo(receipt.wall['hidden']!, 0);
    const late = await send(teacher, sessionId, beat({ seq: 1 }));
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ error: { code: 'STUDY_SESSION_ENDED' } });
  });

  it('asks 还在学习吗 when a presence check is due and takes the answer', async () => {
    // a fresh app: the session's schedule is read from its (backdated) start
    const { sessionId } = (await start(teacher)).json() as { sessionId: number };
    await t.db
      .updateTable('study_session')
      .set({
        rule: JSON.stringify({ maxSpeed: 1.5, allowSeek: false, presenceMinMinutes: 1, presenceMaxMinutes: 1 }),
      })
      .where('id', '=', sessionId)
      .execute();
    await backdateSession(t.db, sessionId, 75);
    const fresh = await buildTestApp(t);
    try {
      const me = as(fresh, await login(fresh, oc.teachers[0]!.username));
      const ack = (await send(me, sessionId, beat({ to: 30 }))).json() as { presence: { nonce: string } | null };
      const row = await t.db
        .selectFrom('study_session')
        .select('presence_key')
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      expect(ack.presence).toEqual({ nonce: presenceNonce(row.presence_key, 0) });
      const answered = await send(
        me,
        sessionId,
        beat({ seq: 1, from: 30, to: 31, presenceAnswer: ack.presence!.nonce }),
      );
      expect((answered.json() as { presence: unknown }).presence).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('is only for the teachers of the class, in its study window', async () => {
    const nope = await start(outsider);
    expect(nope.statusCode).toBe(404);
    // studying is a teacher's: an admin is refused whatever the class
    expect((await start(county)).statusCode).toBe(403);
    const notYet = await start(as(app, await login(app, closed.teachers[0]!.username)), closed.classId, closed.videoId);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json()).toMatchObject({ error: { code: 'STUDY_NOT_OPEN' } });
    expect(notYet.json().error.message).toContain('2027-12-01');
    // an item of another course is not an item of this class
    expect((await start(teacher, oc.classId, closed.videoId)).statusCode).toBe(404);
  });

  it("shows a session's receipt to its teacher and the class's organiser, and to no one else", async () => {
    const sessions = (await state(teacher)).sessions;
    const id = sessions[0]!.sessionId;
    const url = `/api/study/sessions/${id}/receipt`;
    expect((await teacher({ method: 'GET', url })).statusCode).toBe(200);
    expect((await county({ method: 'GET', url })).statusCode).toBe(200);
    expect((await classmate({ method: 'GET', url })).statusCode).toBe(404);
    expect((await otherCounty({ method: 'GET', url })).statusCode).toBe(404);
  });

  it('refuses malformed heartbeats with a field error', async () => {
    const { sessionId } = (await start(teacher)).json() as { sessionId: number };
    for (const bad of [{ rate: 0 }, { rate: 32 }, { from: -1 }, { seq: -1 }, { presenceAnswer: 'x' }, { extra: 1 }]) {
      const r = await send(teacher, sessionId, beat(bad));
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
  });
});
