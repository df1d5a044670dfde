/**
 * The access matrix of the Learning Record Store (/xapi): every route × every kind of caller. The
 * callers are not roles but LRS clients, placed in the tree:
 *
 * - none: no credentials; wrong: a known key with a wrong secret; revoked: a client whose credentials
 *   were revoked — all three get 401 everywhere but the About resource and CORS preflights;
 * - own: the client of county K1 that wrote the data;
 * - sibling: a client of county K2 (same province), parent: a client of the province P1, other: a client
 *   of another province — none of them reads what K1's client wrote about a person who is not a teacher of
 *   their unit: 404 for one statement or document, an empty list for queries, and a write under the same
 *   id elsewhere never changes K1's data.
 *
 * Documents (State, Activity Profile, Agent Profile) belong to the unit of the client that wrote them:
 * every client of K1 shares them, a client of any other unit (below, beside, above, another province)
 * meets none of them. Activity definitions are the province's; the Agents resource stores nothing.
 *
 * Expected answers are written here from those rules, not read from the server's code.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { createServices } from '../src/services/services.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildTree, type Tree } from './support/fixtures.js';
import { addLrsClient, asClient, statementAbout, type TestLrsClient } from './support/lrs.js';

type Caller = 'none' | 'wrong' | 'revoked' | 'own' | 'sibling' | 'parent' | 'other';
const CALLERS: Caller[] = ['none', 'wrong', 'revoked', 'own', 'sibling', 'parent', 'other'];

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
const registered: Array<{ method: string; url: string }> = [];
const clients = new Map<Caller, TestLrsClient>();

/** What K1's client wrote before the matrix runs. */
const data = {
  statementId: crypto.randomUUID(),
  agent: { objectType: 'Agent', mbox: `mailto:matrix-${crypto.randomUUID().slice(0, 8)}@x.cn` },
  /** an activity only K1's client's statement defines */
  activityId: `https://edu.example.cn/matrix/${crypto.randomUUID()}`,
};

/** K1's documents: one per document resource, with the query naming it and the query naming its list. */
const DOCUMENTS = [
  {
    path: '/xapi/activities/state',
    one: () => `activityId=${encodeURIComponent(data.activityId)}&${agentQuery()}&stateId=matrix`,
    list: () => `activityId=${encodeURIComponent(data.activityId)}&${agentQuery()}`,
  },
  {
    path: '/xapi/activities/profile',
    one: () => `activityId=${encodeURIComponent(data.activityId)}&profileId=matrix`,
    list: () => `activityId=${encodeURIComponent(data.activityId)}`,
  },
  {
    path: '/xapi/agents/profile',
    one: () => `${agentQuery()}&profileId=matrix`,
    list: () => agentQuery(),
  },
];
const K1_DOCUMENT = '{"by":"K1"}';
/** a caller whose unit is K1 */
const ofK1 = (c: Caller) => c === 'own';
/** a 1.0.x alternate-syntax GET: a form POSTed with ?method=GET */
const alternateGet = (path: string, params: Record<string, string>) => ({
  method: 'POST',
  url: `${path}?method=GET`,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ ...params, 'X-Experience-API-Version': '1.0.3' }).toString(),
});

interface Row {
  route: string;
  /** the request, given the caller */
  request: (c: Caller) => { method: string; url: string; headers?: Record<string, string>; payload?: string };
  /** the status expected for a caller that passed authentication */
  expect: (c: Caller) => number;
  /** for 200 answers, what the caller must (not) see */
  check?: (c: Caller, res: LightMyRequestResponse) => void;
  /** the route answers without credentials */
  open?: boolean;
}

const agentQuery = () => `agent=${encodeURIComponent(JSON.stringify(data.agent))}`;
const json = { 'content-type': 'application/json' };

const MATRIX: Row[] = [
  {
    route: 'GET /xapi/about',
    open: true,
    request: () => ({ method: 'GET', url: '/xapi/about' }),
    expect: () => 200,
  },
  {
    route: 'OPTIONS /xapi/*',
    open: true,
    request: () => ({ method: 'OPTIONS', url: '/xapi/statements' }),
    expect: () => 204,
  },
  {
    route: 'GET /xapi/statements',
    request: () => ({ method: 'GET', url: `/xapi/statements?statementId=${data.statementId}` }),
    expect: (c) => (c === 'own' ? 200 : 404),
  },
  {
    route: 'GET /xapi/statements',
    request: () => ({ method: 'GET', url: `/xapi/statements?${agentQuery()}` }),
    expect: () => 200,
    check: (c, res) => expect(res.json().statements.length > 0, `${c} sees K1's statements`).toBe(c === 'own'),
  },
  {
    route: 'PUT /xapi/statements',
    // the same id with other content: a conflict for the writer; elsewhere in the province the id is taken
    // too (ids are unique per province: 409 says nothing of the content); another province stores its own
    request: () => ({
      method: 'PUT',
      url: `/xapi/statements?statementId=${data.statementId}`,
      headers: json,
      payload: JSON.stringify(statementAbout('someone-else@x.cn')),
    }),
    expect: (c) => (c === 'other' ? 204 : 409),
  },
  {
    route: 'POST /xapi/statements',
    request: (c) => ({
      method: 'POST',
      url: '/xapi/statements',
      headers: json,
      payload: JSON.stringify({
        actor: { mbox: 'mailto:voider@x.cn' },
        ...(c === 'own' ? { object: { id: 'https://edu.example.cn/x' } } : {}),
        verb: {
          id: c === 'own' ? 'http://adlnet.gov/expapi/verbs/experienced' : 'http://adlnet.gov/expapi/verbs/voided',
        },
        ...(c === 'own' ? {} : { object: { objectType: 'StatementRef', id: data.statementId } }),
      }),
    }),
    // stored, but it voids nothing the caller cannot read (checked after the matrix)
    expect: () => 200,
  },
  ...DOCUMENTS.flatMap((d): Row[] => [
    {
      route: `GET ${d.path}`,
      request: () => ({ method: 'GET', url: `${d.path}?${d.one()}` }),
      expect: (c) => (ofK1(c) ? 200 : 404),
      check: (c, res) => expect(res.body, c).toBe(K1_DOCUMENT),
    },
    {
      route: `GET ${d.path}`,
      request: () => ({ method: 'GET', url: `${d.path}?${d.list()}` }),
      expect: () => 200,
      check: (c, res) => expect(res.json(), c).toEqual(ofK1(c) ? ['matrix'] : []),
    },
    {
      // If-Match * holds only where the document is: K1's clients rewrite it (with the same content)
      route: `PUT ${d.path}`,
      request: () => ({
        method: 'PUT',
        url: `${d.path}?${d.one()}`,
        headers: { ...json, 'if-match': '*' },
        payload: K1_DOCUMENT,
      }),
      expect: (c) => (ofK1(c) ? 204 : 412),
    },
    {
      // If-None-Match * fails only where the document is (before anyone else wrote one): nothing is deleted
      route: `DELETE ${d.path}`,
      request: () => ({ method: 'DELETE', url: `${d.path}?${d.one()}`, headers: { 'if-none-match': '*' } }),
      expect: (c) => (ofK1(c) ? 412 : 204),
    },
    {
      // elsewhere the merge makes the caller's own document; K1's is checked after the matrix
      route: `POST ${d.path}`,
      request: (c) => ({
        method: 'POST',
        url: `${d.path}?${d.one()}`,
        headers: json,
        payload: ofK1(c) ? '{}' : '{"by":"stranger"}',
      }),
      expect: () => 204,
    },
  ]),
  {
    route: 'GET /xapi/agents',
    request: () => ({ method: 'GET', url: `/xapi/agents?${agentQuery()}` }),
    expect: () => 200,
    check: (c, res) => expect(res.json(), c).toEqual({ objectType: 'Person', name: [], mbox: [data.agent.mbox] }),
  },
  {
    route: 'POST /xapi/agents',
    request: () => alternateGet('/xapi/agents', { agent: JSON.stringify(data.agent) }),
    expect: () => 200,
  },
  {
    route: 'GET /xapi/activities',
    request: () => ({ method: 'GET', url: `/xapi/activities?activityId=${encodeURIComponent(data.activityId)}` }),
    expect: () => 200,
    // the province's definition: every client of P1 reads it, another province knows only the id
    check: (c, res) =>
      expect(res.json().definition, c).toEqual(c === 'other' ? undefined : { name: { 'zh-CN': '矩阵课' } }),
  },
  {
    route: 'POST /xapi/activities',
    request: () => alternateGet('/xapi/activities', { activityId: data.activityId }),
    expect: () => 200,
  },
];

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xapi-matrix-')) });
  tree = await buildTree(t.db);
  app = await buildApp({
    services: createServices({ db: t.db, env: t.env }),
    db: t.db,
    env: t.env,
    databaseMode: 'external',
    logger: false,
    serveWeb: false,
    onRoute: (r: RouteOptions) => {
      for (const m of [r.method].flat()) registered.push({ method: m, url: r.url });
    },
  });
  await app.ready();
  const own = await addLrsClient(t.db, tree.K1);
  clients.set('own', own);
  clients.set('wrong', { ...own, authorization: `Basic ${Buffer.from(`${own.key}:wrong`).toString('base64')}` });
  const revoked = await addLrsClient(t.db, tree.K1);
  await t.db.updateTable('lrs_client').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
  clients.set('revoked', revoked);
  clients.set('sibling', await addLrsClient(t.db, tree.K2));
  clients.set('parent', await addLrsClient(t.db, tree.P1));
  clients.set('other', await addLrsClient(t.db, tree.K3));
  const res = await asClient(
    app,
    own,
  )({
    method: 'PUT',
    url: `/xapi/statements?statementId=${data.statementId}`,
    payload: { ...statementAbout(data.agent.mbox.slice(7)), actor: data.agent },
  });
  expect(res.statusCode, res.body).toBe(204);
  const defining = await asClient(
    app,
    own,
  )({
    method: 'POST',
    url: '/xapi/statements',
    payload: {
      ...statementAbout(data.agent.mbox.slice(7)),
      object: { objectType: 'Activity', id: data.activityId, definition: { name: { 'zh-CN': '矩阵课' } } },
    },
  });
  expect(defining.statusCode, defining.body).toBe(200);
  for (const d of DOCUMENTS) {
    const put = await asClient(
      app,
      own,
    )({
      method: 'PUT',
      url: `${d.path}?${d.one()}`,
      headers: { ...json, 'if-none-match': '*' },
      payload: K1_DOCUMENT,
    });
    expect(put.statusCode, put.body).toBe(204);
  }
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('LRS access matrix', () => {
  it('has a row for every /xapi route', () => {
    const routes = registered
      .filter((r) => r.method !== 'HEAD' && r.url.startsWith('/xapi'))
      .map((r) => `${r.method} ${r.url}`);
    const declared = new Set(MATRIX.map((r) => r.route));
    expect(
      routes.filter((r) => !declared.has(r)),
      'routes without a row',
    ).toEqual([]);
  });

  it('answers every caller as the rules say', async () => {
    const wrong: string[] = [];
    for (const row of MATRIX) {
      for (const caller of CALLERS) {
        const req = row.request(caller);
        const client = clients.get(caller);
        const res = await app.inject({
          method: req.method as 'GET',
          url: req.url,
          payload: req.payload,
          headers: {
            'x-experience-api-version': '2.0.0',
            ...(client ? { authorization: client.authorization } : {}),
            ...(req.headers ?? {}),
          },
        });
        const unauthenticated = caller === 'none' || caller === 'wrong' || caller === 'revoked';
        const expected = unauthenticated && !row.open ? 401 : row.expect(caller);
        if (res.statusCode !== expected) {
          wrong.push(`${row.route} ${req.url.slice(0, 60)} as ${caller}: ${res.statusCode}, expected ${expected}`);
          continue;
        }
        if (res.statusCode === 200 && row.check && !unauthenticated) row.check(caller, res);
        if (res.statusCode >= 400) {
          // a refusal names nothing of what K1's client wrote
          expect(res.body).not.toContain(data.agent.mbox);
          expect(res.body).not.toContain('K1');
        }
      }
    }
    expect(wrong).toEqual([]);
    // the voiding statements of the other clients voided nothing of K1's
    const own = clients.get('own') as TestLrsClient;
    const still = await asClient(app, own)({ method: 'GET', url: `/xapi/statements?statementId=${data.statementId}` });
    expect(still.statusCode).toBe(200);
    // nor did anyone's writes change K1's documents
    for (const d of DOCUMENTS) {
      const doc = await asClient(app, own)({ method: 'GET', url: `${d.path}?${d.one()}` });
      expect(doc.body, d.path).toBe(K1_DOCUMENT);
    }
  });
});
