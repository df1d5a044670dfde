import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { buildTree, type Tree } from '../../../test/support/fixtures.js';
import { addLrsClient, type TestLrsClient } from '../../../test/support/lrs.js';
import { recordActivities } from '../../services/xapi-activity.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let platform: TestLrsClient;
let samePlatformRenewed: TestLrsClient;
let otherCounty: TestLrsClient;
let city: TestLrsClient;
let school: TestLrsClient;
let otherProvince: TestLrsClient;

const ACTIVITY = 'https://www.smartedu.cn/course/7/lesson/3';
const AGENT = {
  objectType: 'Agent',
  name: '张老师',
  account: { homePage: 'https://www.smartedu.cn', name: 'zhang01' },
};
const REGISTRATION = '6e0b3d4c-7a2b-4f5e-9c1d-2b3a4c5d6e7f';

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  platform = await addLrsClient(t.db, tree.K1, { name: '国家智慧教育平台' });
  samePlatformRenewed = await addLrsClient(t.db, tree.K1, { name: '国家智慧教育平台（新密钥）' });
  otherCounty = await addLrsClient(t.db, tree.K2, { name: '蛟河市平台' });
  city = await addLrsClient(t.db, tree.C1, { name: '吉林市平台' });
  school = await addLrsClient(t.db, tree.S1, { name: '学校平台' });
  otherProvince = await addLrsClient(t.db, tree.K3, { name: '辽宁平台' });
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

interface Call {
  method?: InjectOptions['method'];
  path: string;
  query: Record<string, unknown>;
  body?: string | Buffer | object;
  type?: string;
  headers?: Record<string, string>;
  version?: string;
}

function call(client: TestLrsClient, c: Call) {
  const body =
    c.body === undefined || typeof c.body === 'string' || Buffer.isBuffer(c.body) ? c.body : JSON.stringify(c.body);
  return app.inject({
    method: c.method ?? 'GET',
    url: `/xapi${c.path}?${xapiQuery(c.query)}`,
    headers: {
      authorization: client.authorization,
      'x-experience-api-version': c.version ?? '2.0.0',
      ...(body !== undefined ? { 'content-type': c.type ?? 'application/json' } : {}),
      ...(c.headers ?? {}),
    },
    ...(body !== undefined ? { payload: body } : {}),
  });
}

const state = (stateId: string, extra: Record<string, unknown> = {}) => ({
  path: '/activities/state',
  query: { activityId: ACTIVITY, agent: AGENT, stateId, ...extra },
});
const agentProfile = (profileId: string) => ({ path: '/agents/profile', query: { agent: AGENT, profileId } });
const activityProfile = (profileId: string) => ({
  path: '/activities/profile',
  query: { activityId: ACTIVITY, profileId },
});

describe('xAPI document resources', () => {
  it('guard a document with its ETag: 412 on a stale tag, 409 on a blind overwrite, If-None-Match * for creation', async () => {
    const doc = state('bookmark');
    const created = await call(platform, {
      ...doc,
      method: 'PUT',
      body: { page: 3 },
      headers: { 'if-none-match': '*' },
    });
    expect(created.statusCode).toBe(204);
    const tag = created.headers['etag'] as string;
    expect(tag).toMatch(/^"[0-9a-f]{40}"$/);

    const read = await call(platform, doc);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ page: 3 });
    expect(read.headers['etag']).toBe(tag);
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    expect(new Date(read.headers['last-modified'] as string).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const again = await call(platform, { ...doc, method: 'PUT', body: { page: 9 }, headers: { 'if-none-match': '*' } });
    expect(again.statusCode).toBe(412);
    const stale = await call(platform, { ...doc, method: 'PUT', body: { page: 9 }, headers: { 'if-match': '"1234"' } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('XAPI_PRECONDITION_FAILED');
    const blind = await call(platform, { ...doc, method: 'PUT', body: { page: 9 } });
    expect(blind.statusCode).toBe(409);
    expect(blind.json().error.code).toBe('XAPI_CONFLICT');
    expect(blind.json().error.message).toContain('If-Match');
    expect((await call(platform, doc)).json()).toEqual({ page: 3 });

    const updated = await call(platform, { ...doc, method: 'PUT', body: { page: 4 }, headers: { 'if-match': tag } });
    expect(updated.statusCode).toBe(204);
    expect(updated.headers['etag']).not.toBe(tag);
    expect((await call(platform, doc)).json()).toEqual({ page: 4 });

    // a delete with the old tag is refused and leaves the document; with the current one it goes
    expect((await call(platform, { ...doc, method: 'DELETE', headers: { 'if-match': tag } })).statusCode).toBe(412);
    const current = updated.headers['etag'] as string;
    expect((await call(platform, { ...doc, method: 'DELETE', headers: { 'if-match': current } })).statusCode).toBe(204);
    expect((await call(platform, doc)).statusCode).toBe(404);
  });

  it('let one of several simultaneous creations win, and lose none of several simultaneous merges', async () => {
    const race = state('race');
    const creations = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(platform, { ...race, method: 'PUT', body: { winner: i }, headers: { 'if-none-match': '*' } }),
      ),
    );
    expect(creations.map((r) => r.statusCode).sort()).toEqual([204, 412, 412, 412, 412, 412]);

    const merges = state('merges');
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(platform, { ...merges, method: 'POST', body: { [`part${i}`]: i } })),
    );
    expect(posts.map((r) => r.statusCode)).toEqual(Array(8).fill(204));
    expect(Object.keys((await call(platform, merges)).json()).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `part${i}`),
    );
  });

  it('follow 1.0.3 where it differs: states are overwritten freely, a profile PUT needs a precondition', async () => {
    const doc = state('v1-state');
    expect((await call(platform, { ...doc, method: 'PUT', body: { a: 1 }, version: '1.0.3' })).statusCode).toBe(204);
    expect((await call(platform, { ...doc, method: 'PUT', body: { a: 2 }, version: '1.0.3' })).statusCode).toBe(204);
    expect((await call(platform, { ...doc, version: '1.0.3' })).json()).toEqual({ a: 2 });
    // the same overwrite in 2.0 is a conflict
    expect((await call(platform, { ...doc, method: 'PUT', body: { a: 3 } })).statusCode).toBe(409);

    const profile = agentProfile('v1-profile');
    const bare = await call(platform, { ...profile, method: 'PUT', body: { a: 1 }, version: '1.0.3' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.code).toBe('XAPI_INVALID');
    expect((await call(platform, { ...profile, version: '1.0.3' })).statusCode).toBe(404);
    const guarded = await call(platform, {
      ...profile,
      method: 'PUT',
      body: { a: 1 },
      version: '1.0.3',
      headers: { 'if-none-match': '*' },
    });
    expect(guarded.statusCode).toBe(204);
    expect((await call(platform, { ...profile, method: 'PUT', body: { a: 2 }, version: '1.0.3' })).statusCode).toBe(
      409,
    );
  });

  it('take 1.0.3’s alternate request syntax: a form POSTed with ?method= standing for PUT, GET and DELETE', async () => {
    const form = (method: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/xapi/activities/state?method=${method}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          Authorization: platform.authorization,
          'X-Experience-API-Version': '1.0.3',
          activityId: ACTIVITY,
          agent: JSON.stringify(AGENT),
          stateId: 'by-form',
          ...fields,
        }).toString(),
      });
    const put = await form('PUT', { 'Content-Type': 'application/json', content: '{"via":"form"}' });
    expect(put.statusCode).toBe(204);
    const got = await form('GET', {});
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ via: 'form' });
    expect(got.headers['etag']).toBe(put.headers['etag']);
    const person = await app.inject({
      method: 'POST',
      url: '/xapi/agents?method=GET',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        Authorization: platform.authorization,
        'X-Experience-API-Version': '1.0.3',
        agent: JSON.stringify(AGENT),
      }).toString(),
    });
    expect(person.json().objectType).toBe('Person');
    expect((await form('DELETE', {})).statusCode).toBe(204);
    expect((await call(platform, { ...state('by-form'), version: '1.0.3' })).statusCode).toBe(404);
    // a plain POST to the read-only resources is no route
    expect(
      (await call(platform, { method: 'POST', path: '/agents', query: { agent: AGENT }, body: {} })).statusCode,
    ).toBe(404);
  });

  it('merge a posted JSON object into the stored one, and refuse a merge that is not of two JSON objects', async () => {
    const doc = activityProfile('progress');
    expect((await call(platform, { ...doc, method: 'POST', body: { done: ['intro'], score: 1 } })).statusCode).toBe(
      204,
    );
    expect((await call(platform, { ...doc, method: 'POST', body: { score: 2, lang: 'zh-CN' } })).statusCode).toBe(204);
    const merged = await call(platform, doc);
    expect(merged.json()).toEqual({ done: ['intro'], score: 2, lang: 'zh-CN' });

    for (const bad of [
      { body: 'plain words', type: 'text/plain' },
      { body: '[1, 2]', type: 'application/json' },
      { body: '{"score":', type: 'application/json' },
    ]) {
      const res = await call(platform, { ...doc, method: 'POST', ...bad });
      expect(res.statusCode, bad.body).toBe(400);
      expect(res.json().error.code).toBe('XAPI_INVALID');
    }
    expect((await call(platform, doc)).json()).toEqual({ done: ['intro'], score: 2, lang: 'zh-CN' });

    // a stored document that is not JSON takes no merge either
    const note = activityProfile('note');
    expect(
      (
        await call(platform, {
          ...note,
          method: 'PUT',
          body: 'first',
          type: 'text/plain',
          headers: { 'if-none-match': '*' },
        })
      ).statusCode,
    ).toBe(204);
    expect((await call(platform, { ...note, method: 'POST', body: { a: 1 } })).statusCode).toBe(400);
    const kept = await call(platform, note);
    expect(kept.body).toBe('first');
    expect(kept.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('keep any content byte for byte with its content type', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
    const doc = agentProfile('avatar');
    expect(
      (
        await call(platform, {
          ...doc,
          method: 'PUT',
          body: bytes,
          type: 'image/png',
          headers: { 'if-none-match': '*' },
        })
      ).statusCode,
    ).toBe(204);
    const read = await call(platform, doc);
    expect(read.headers['content-type']).toBe('image/png');
    expect(read.rawPayload.equals(bytes)).toBe(true);
  });

  it('list ids changed since a time, per registration, and delete all states of an activity and agent', async () => {
    for (const id of ['s-old-1', 's-old-2']) {
      await call(platform, { ...state(id), method: 'POST', body: { id } });
    }
    await new Promise((r) => setTimeout(r, 20));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await call(platform, { ...state('s-new'), method: 'POST', body: { id: 's-new' } });
    await call(platform, { ...state('s-reg', { registration: REGISTRATION }), method: 'POST', body: { r: 1 } });

    const list = (q: Record<string, unknown>) =>
      call(platform, { path: '/activities/state', query: { activityId: ACTIVITY, agent: AGENT, ...q } });
    const all = await list({});
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual(expect.arrayContaining(['s-old-1', 's-old-2', 's-new', 's-reg']));
    expect(all.headers['last-modified']).toBeTruthy();
    expect(all.headers['etag']).toMatch(/^"[0-9a-f]{40}"$/);
    expect((await list({ since })).json()).toEqual(['s-new', 's-reg']);
    expect((await list({ registration: REGISTRATION })).json()).toEqual(['s-reg']);
    // the document under a registration is not the one without
    expect((await call(platform, state('s-reg'))).statusCode).toBe(404);
    expect((await call(platform, state('s-reg', { registration: REGISTRATION }))).json()).toEqual({ r: 1 });

    const profiles = await call(platform, { path: '/agents/profile', query: { agent: AGENT, since } });
    expect(profiles.json()).toEqual([]);

    expect((await call(platform, { method: 'DELETE', ...stateScope({ registration: REGISTRATION }) })).statusCode).toBe(
      204,
    );
    expect((await list({})).json()).not.toContain('s-reg');
    expect((await list({})).json()).toContain('s-new');
    expect((await call(platform, { method: 'DELETE', ...stateScope({}) })).statusCode).toBe(204);
    expect((await list({})).json()).toEqual([]);
  });

  it('refuse bad parameters with 400 XAPI_INVALID', async () => {
    const cases: Array<[string, Call]> = [
      ['no activityId', { path: '/activities/state', query: { agent: AGENT, stateId: 'x' } }],
      ['activityId not an IRI', { path: '/activities/state', query: { activityId: 'lesson 3', agent: AGENT } }],
      ['no agent', { path: '/activities/state', query: { activityId: ACTIVITY, stateId: 'x' } }],
      ['agent not JSON', { path: '/activities/state', query: { activityId: ACTIVITY, agent: 'zhang', stateId: 'x' } }],
      [
        'agent with two identifiers',
        { path: '/agents/profile', query: { agent: { mbox: 'mailto:a@b.cn', openid: 'https://id.cn/a' } } },
      ],
      ['registration not a UUID', { ...state('x', { registration: 'abc' }) }],
      ['since not a timestamp', { path: '/agents/profile', query: { agent: AGENT, since: 'yesterday' } }],
      ['unknown parameter', { ...state('x', { stateid: 'y' }) }],
      [
        'parameter of another resource',
        { ...activityProfile('x'), query: { ...activityProfile('x').query, agent: AGENT } },
      ],
      [
        'PUT without stateId',
        { method: 'PUT', path: '/activities/state', query: { activityId: ACTIVITY, agent: AGENT }, body: {} },
      ],
      ['DELETE of profiles without profileId', { method: 'DELETE', path: '/agents/profile', query: { agent: AGENT } }],
      ['Agents without agent', { path: '/agents', query: {} }],
      ['Agents with an agent without identifier', { path: '/agents', query: { agent: { name: 'x' } } }],
      ['Activities without activityId', { path: '/activities', query: {} }],
    ];
    for (const [what, c] of cases) {
      const res = await call(platform, c);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().error.code, what).toBe('XAPI_INVALID');
    }
  });

  it('keep a document to the unit that wrote it: its clients share it, other units never see or change it', async () => {
    const doc = state('shared');
    await call(platform, { ...doc, method: 'PUT', body: { by: 'K1' }, headers: { 'if-none-match': '*' } });
    expect((await call(samePlatformRenewed, doc)).json()).toEqual({ by: 'K1' });
    const ids = { path: '/activities/state', query: { activityId: ACTIVITY, agent: AGENT } };
    for (const stranger of [school, otherCounty, city, otherProvince]) {
      expect((await call(stranger, doc)).statusCode).toBe(404);
      expect((await call(stranger, ids)).json()).toEqual([]);
      // its own document under the same names is another one
      expect(
        (await call(stranger, { ...doc, method: 'PUT', body: { by: 'other' }, headers: { 'if-none-match': '*' } }))
          .statusCode,
      ).toBe(204);
      expect((await call(stranger, { ...doc, method: 'DELETE' })).statusCode).toBe(204);
      expect((await call(stranger, { ...ids, method: 'DELETE' })).statusCode).toBe(204);
    }
    expect((await call(platform, doc)).json()).toEqual({ by: 'K1' });
  });
});

describe('xAPI Agents and Activities resources', () => {
  it('answer the Person object of an agent', async () => {
    const res = await call(platform, { path: '/agents', query: { agent: AGENT } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      objectType: 'Person',
      name: ['张老师'],
      account: [{ homePage: 'https://www.smartedu.cn', name: 'zhang01' }],
    });
  });

  it('answer the province’s canonical definition of an activity, merged over the statements that defined it', async () => {
    const statement = (definition: object) => ({ object: { objectType: 'Activity', id: ACTIVITY, definition } });
    await t.db
      .transaction()
      .execute((trx) =>
        recordActivities(trx, tree.P1.provinceId, [
          statement({ name: { 'zh-CN': '第三课' }, type: 'http://adlnet.gov/expapi/activities/lesson' }),
          statement({ name: { 'en-US': 'Lesson 3' } }),
        ]),
      );
    await t.db
      .transaction()
      .execute((trx) =>
        recordActivities(trx, tree.P1.provinceId, [statement({ description: { 'zh-CN': '课堂提问' } })]),
      );
    const res = await call(otherCounty, { path: '/activities', query: { activityId: ACTIVITY } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      objectType: 'Activity',
      id: ACTIVITY,
      definition: {
        name: { 'zh-CN': '第三课', 'en-US': 'Lesson 3' },
        description: { 'zh-CN': '课堂提问' },
        type: 'http://adlnet.gov/expapi/activities/lesson',
      },
    });
    // another province has its own definitions: here it knows only the id
    expect((await call(otherProvince, { path: '/activities', query: { activityId: ACTIVITY } })).json()).toEqual({
      objectType: 'Activity',
      id: ACTIVITY,
    });
  });
});

/** A resource's query string: JSON for the agent, the rest as they are. */
function xapiQuery(params: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString();
}

function stateScope(extra: Record<string, unknown>) {
  return { path: '/activities/state', query: { activityId: ACTIVITY, agent: AGENT, ...extra } };
}
