/**
 * The Statement resource of the LRS (/xapi/statements), as a reporting platform uses it: storing
 * statements once, conflicts, voiding, queries and their pages, formats, attachments and signatures,
 * versions, and what each client may read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultipart } from '../src/domain/xapi-multipart.js';
import { flushLrsTraffic } from '../src/services/lrs-traffic.js';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildTree, type Tree } from './support/fixtures.js';
import { addLrsClient, asClient, statementAbout, type TestLrsClient } from './support/lrs.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let k1: TestLrsClient;
let k2: TestLrsClient;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xapi-st-')) });
  tree = await buildTree(t.db);
  app = await buildTestApp(t);
  k1 = await addLrsClient(t.db, tree.K1);
  k2 = await addLrsClient(t.db, tree.K2);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const rows = async () =>
  Number(
    (
      await t.db
        .selectFrom('xapi_statement')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const post = (c: TestLrsClient, payload: unknown, version = '2.0.0') =>
  asClient(app, c, version)({ method: 'POST', url: '/xapi/statements', payload: payload as object });
const get = (c: TestLrsClient, query: string, headers: Record<string, string> = {}) =>
  asClient(app, c)({ method: 'GET', url: `/xapi/statements?${query}`, headers });

describe('storing statements', () => {
  it('stores a statement and answers it by id, with the time it was stored and the client as authority', async () => {
    const res = await post(k1, statementAbout('a@x.cn'));
    expect(res.statusCode, res.body).toBe(200);
    const [id] = res.json() as string[];
    const one = await get(k1, `statementId=${id}`);
    expect(one.statusCode).toBe(200);
    const s = one.json();
    expect(s).toMatchObject({ id, actor: { mbox: 'mailto:a@x.cn' }, version: '2.0.0' });
    expect(s.authority.account.name).toBe(`client-${k1.id}`);
    expect(Date.parse(one.headers['last-modified'] as string)).toBe(Math.floor(Date.parse(s.stored) / 1000) * 1000);
    expect(one.headers['x-experience-api-consistent-through']).toBeTruthy();
    const unknown = await get(k1, `statementId=${crypto.randomUUID()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['x-experience-api-consistent-through']).toBeTruthy();
  });

  it('keeps a retried statement once and refuses another statement under a stored id', async () => {
    const id = crypto.randomUUID();
    const s = { ...statementAbout('retry@x.cn'), id };
    expect((await post(k1, s)).statusCode).toBe(200);
    const before = await rows();
    expect((await post(k1, s)).statusCode).toBe(200);
    const put = await asClient(app, k1)({ method: 'PUT', url: `/xapi/statements?statementId=${id}`, payload: s });
    expect(put.statusCode).toBe(204);
    expect(await rows()).toBe(before);
    const other = await post(k1, { ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('XAPI_CONFLICT');
    expect(await rows()).toBe(before);
  });

  it('stores a batch all or nothing', async () => {
    const before = await rows();
    const bad = await post(k1, [statementAbout('b1@x.cn'), { ...statementAbout('b2@x.cn'), actor: { mbox: 'b2' } }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('statement 1: actor.mbox');
    expect(await rows()).toBe(before);
    const dup = crypto.randomUUID();
    const twice = await post(k1, [
      { ...statementAbout('b3@x.cn'), id: dup },
      { ...statementAbout('b4@x.cn'), id: dup },
    ]);
    expect(twice.statusCode).toBe(400);
    expect(await rows()).toBe(before);
    const ok = await post(k1, [statementAbout('b1@x.cn'), statementAbout('b2@x.cn')]);
    expect(ok.json()).toHaveLength(2);
    expect(await rows()).toBe(before + 2);
  });

  it('puts a statement under its statementId and refuses a different id in the body', async () => {
    const id = crypto.randomUUID();
    const put = (q: string, payload: unknown) =>
      asClient(app, k1)({ method: 'PUT', url: `/xapi/statements${q}`, payload: payload as object });
    expect((await put('', statementAbout('p@x.cn'))).statusCode).toBe(400);
    expect((await put(`?statementId=${id}`, { ...statementAbout('p@x.cn'), id: crypto.randomUUID() })).statusCode).toBe(
      400,
    );
    expect((await put(`?statementId=${id}`, statementAbout('p@x.cn'))).statusCode).toBe(204);
    expect((await get(k1, `statementId=${id}`)).json().id).toBe(id);
  });

  it('asks for the version header and for credentials, and refuses a revoked client', async () => {
    const noVersion = await app.inject({
      method: 'GET',
      url: '/xapi/statements',
      headers: { authorization: k1.authorization },
    });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().error.code).toBe('XAPI_VERSION_INVALID');
    const anonymous = await app.inject({
      method: 'GET',
      url: '/xapi/statements',
      headers: { 'x-experience-api-version': '2.0.0' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    const wrong = await asClient(app, {
      ...k1,
      authorization: `Basic ${Buffer.from(`${k1.key}:nope`).toString('base64')}`,
    })({
      method: 'GET',
      url: '/xapi/statements',
    });
    expect(wrong.statusCode).toBe(401);
    const gone = await addLrsClient(t.db, tree.K1);
    await t.db.updateTable('lrs_client').set({ revoked_at: new Date() }).where('id', '=', gone.id).execute();
    expect((await asClient(app, gone)({ method: 'GET', url: '/xapi/statements' })).statusCode).toBe(401);
    const about = await app.inject({ method: 'GET', url: '/xapi/about' });
    expect(about.json().version).toContain('2.0.0');
  });
});

describe('voiding', () => {
  it('hides a voided statement from queries and answers it by voidedStatementId only', async () => {
    const [target] = (await post(k1, statementAbout('void@x.cn'))).json() as string[];
    const voiding = {
      actor: { mbox: 'mailto:admin@x.cn' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: target },
    };
    const [voidingId] = (await post(k1, voiding)).json() as string[];
    expect((await get(k1, `statementId=${target}`)).statusCode).toBe(404);
    expect((await get(k1, `voidedStatementId=${target}`)).json().id).toBe(target);
    // the query finds the voiding statement through its target, never the voided statement itself
    const list = (await get(k1, `agent=${encodeURIComponent(JSON.stringify({ mbox: 'mailto:void@x.cn' }))}`)).json();
    expect(list.statements.map((s: { id: string }) => s.id)).toEqual([voidingId]);
    // a voiding statement is not voided by another
    await post(k1, { ...voiding, object: { objectType: 'StatementRef', id: voidingId } });
    expect((await get(k1, `statementId=${voidingId}`)).statusCode).toBe(200);
  });

  it('lets no client void what it cannot read', async () => {
    const [target] = (await post(k1, statementAbout('keep@x.cn'))).json() as string[];
    const res = await post(k2, {
      actor: { mbox: 'mailto:other@x.cn' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: target },
    });
    expect(res.statusCode).toBe(200);
    expect((await get(k1, `statementId=${target}`)).statusCode).toBe(200);
  });
});

describe('queries', () => {
  const agent = { mbox: `mailto:q-${crypto.randomUUID().slice(0, 8)}@x.cn` };
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      const [id] = (
        await post(
          k1,
          statementAbout(agent.mbox.slice(7), {
            verb: { id: i % 2 ? 'http://adlnet.gov/expapi/verbs/passed' : 'http://adlnet.gov/expapi/verbs/attempted' },
            context: { contextActivities: { grouping: { id: 'https://edu.example.cn/programme/9' } } },
          }),
        )
      ).json() as string[];
      ids.push(id as string);
    }
  });
  const agentParam = () => `agent=${encodeURIComponent(JSON.stringify(agent))}`;

  it('filters by agent and verb, newest first or ascending', async () => {
    const all = (await get(k1, agentParam())).json();
    expect(all.statements.map((s: { id: string }) => s.id)).toEqual([...ids].reverse());
    expect(all.more).toBe('');
    const passed = (await get(k1, `${agentParam()}&verb=http://adlnet.gov/expapi/verbs/passed&ascending=true`)).json();
    expect(passed.statements.map((s: { id: string }) => s.id)).toEqual([ids[1], ids[3]]);
  });

  it('finds statements through related activities only when asked', async () => {
    const activity = `activity=${encodeURIComponent('https://edu.example.cn/programme/9')}`;
    expect((await get(k1, activity)).json().statements).toHaveLength(0);
    expect((await get(k1, `${activity}&related_activities=true&${agentParam()}`)).json().statements).toHaveLength(5);
  });

  it('pages with more links until the last page', async () => {
    const seen: string[] = [];
    let page = (await get(k1, `${agentParam()}&limit=2`)).json();
    for (;;) {
      seen.push(...page.statements.map((s: { id: string }) => s.id));
      if (!page.more) break;
      expect(page.statements).toHaveLength(2);
      page = (await asClient(app, k1)({ method: 'GET', url: page.more })).json();
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by the time statements were stored', async () => {
    const first = (await get(k1, `statementId=${ids[0]}`)).json();
    const since = (await get(k1, `${agentParam()}&since=${encodeURIComponent(first.stored)}`)).json();
    expect(since.statements.map((s: { id: string }) => s.id)).not.toContain(ids[0]);
    const until = (await get(k1, `${agentParam()}&until=${encodeURIComponent(first.stored)}`)).json();
    expect(until.statements.map((s: { id: string }) => s.id)).toContain(ids[0]);
  });

  it('answers the ids and canonical formats', async () => {
    const ids0 = (await get(k1, `statementId=${ids[0]}&format=ids`)).json();
    expect(ids0.actor).toEqual({ objectType: 'Agent', mbox: agent.mbox });
    expect(ids0.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/attempted' });
    const [both] = (await post(k1, statementAbout('lang@x.cn'))).json() as string[];
    const zh = (await get(k1, `statementId=${both}&format=canonical`, { 'accept-language': 'zh-CN' })).json();
    expect(zh.verb.display).toEqual({ 'zh-CN': '完成' });
    const en = (await get(k1, `statementId=${both}&format=canonical`, { 'accept-language': 'en-US;q=0.9, fr' })).json();
    expect(en.verb.display).toEqual({ 'en-US': 'completed' });
    const exact = (await get(k1, `statementId=${both}`, { 'accept-language': 'zh-CN' })).json();
    expect(Object.keys(exact.verb.display)).toHaveLength(2);
  });

  it('refuses unknown parameters and statementId with filters', async () => {
    expect((await get(k1, 'colour=red')).statusCode).toBe(400);
    expect((await get(k1, `statementId=${ids[0]}&${agentParam()}`)).statusCode).toBe(400);
    expect((await get(k1, 'since=yesterday')).statusCode).toBe(400);
    expect((await get(k1, `agent=${encodeURIComponent('{"name":"x"}')}`)).statusCode).toBe(400);
  });

  it('shows a client only its own statements and those about teachers of its unit', async () => {
    expect((await get(k2, `statementId=${ids[0]}`)).statusCode).toBe(404);
    expect((await get(k2, agentParam())).json().statements).toHaveLength(0);
    await t.db
      .updateTable('xapi_statement')
      .set({ teacher_path: tree.S1.path, match_status: 'matched' })
      .where('id', '=', ids[0] as string)
      .execute();
    const p1 = await addLrsClient(t.db, tree.P1);
    expect((await get(p1, `statementId=${ids[0]}`)).statusCode).toBe(200);
    expect((await get(k2, `statementId=${ids[0]}`)).statusCode).toBe(404);
  });
});

describe('attachments and signatures', () => {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jws = (payload: object, alg = 'RS256') => {
    const h = Buffer.from(JSON.stringify({ alg })).toString('base64url');
    const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const sig = crypto.sign(alg === 'RS256' ? 'sha256' : 'sha384', Buffer.from(`${h}.${p}`), privateKey);
    return `${h}.${p}.${sig.toString('base64url')}`;
  };
  const multipart = (statement: object, files: Array<{ type: string; body: Buffer }>) => {
    const { contentType, body } = writeMultipart([
      { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(statement)) },
      ...files.map((f) => ({
        headers: {
          'Content-Type': f.type,
          'Content-Transfer-Encoding': 'binary',
          'X-Experience-API-Hash': crypto.createHash('sha256').update(f.body).digest('hex'),
        },
        body: f.body,
      })),
    ]);
    return { contentType, body };
  };
  const attachment = (body: Buffer, type: string, usageType = 'https://peixun.cn/xapi/certificate') => ({
    usageType,
    display: { 'zh-CN': '附件' },
    contentType: type,
    length: body.length,
    sha2: crypto.createHash('sha256').update(body).digest('hex'),
  });
  const send = (m: { contentType: string; body: Buffer }) =>
    asClient(
      app,
      k1,
    )({
      method: 'POST',
      url: '/xapi/statements',
      headers: { 'content-type': m.contentType },
      payload: m.body,
    });

  it('keeps an attachment and sends it back with attachments=true', async () => {
    const pdf = Buffer.from('%PDF-1.4 结业证书');
    const s = {
      ...statementAbout('att@x.cn'),
      id: crypto.randomUUID(),
      attachments: [attachment(pdf, 'application/pdf')],
    };
    expect((await send(multipart(s, [{ type: 'application/pdf', body: pdf }]))).statusCode).toBe(200);
    const res = await get(k1, `statementId=${s.id}&attachments=true`);
    expect(res.headers['content-type']).toMatch(/^multipart\/mixed; boundary=/);
    expect(res.rawPayload.includes(pdf)).toBe(true);
  });

  it('refuses an attachment that is missing, unclaimed or not what its hash says, storing nothing', async () => {
    const pdf = Buffer.from('%PDF-1.4 x');
    const before = await rows();
    const s = { ...statementAbout('att2@x.cn'), attachments: [attachment(pdf, 'application/pdf')] };
    expect((await post(k1, s)).statusCode).toBe(400);
    expect(
      (await send(multipart(statementAbout('att3@x.cn'), [{ type: 'application/pdf', body: pdf }]))).statusCode,
    ).toBe(400);
    const broken = multipart(s, [{ type: 'application/pdf', body: pdf }]);
    expect((await send({ ...broken, body: broken.body.subarray(0, broken.body.length - 20) })).statusCode).toBe(400);
    expect(await rows()).toBe(before);
  });

  it('checks a signed statement: its algorithm and that the signature is of this statement', async () => {
    const s = { ...statementAbout('signed@x.cn'), id: crypto.randomUUID() };
    const signed = (payload: object, alg?: string) => {
      const sig = Buffer.from(jws(payload, alg));
      return multipart(
        {
          ...s,
          attachments: [attachment(sig, 'application/octet-stream', 'http://adlnet.gov/expapi/attachments/signature')],
        },
        [{ type: 'application/octet-stream', body: sig }],
      );
    };
    expect((await send(signed({ ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }))).statusCode).toBe(400);
    const h = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    const hs = Buffer.from(`${h}.${Buffer.from(JSON.stringify(s)).toString('base64url')}.abc`);
    const bad = multipart(
      {
        ...s,
        attachments: [attachment(hs, 'application/octet-stream', 'http://adlnet.gov/expapi/attachments/signature')],
      },
      [{ type: 'application/octet-stream', body: hs }],
    );
    expect((await send(bad)).statusCode).toBe(400);
    expect((await send(signed(s, 'RS384'))).statusCode).toBe(200);
  });
});

describe('xAPI 1.0.3', () => {
  it('stores version 1.0.0 statements, refuses 2.0 properties and takes the alternate request syntax', async () => {
    const [id] = (await post(k1, statementAbout('old@x.cn'), '1.0.3')).json() as string[];
    expect((await get(k1, `statementId=${id}`)).json().version).toBe('1.0.0');
    const twoOh = statementAbout('old@x.cn', {
      context: { contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:t@x.cn' } }] },
    });
    expect((await post(k1, twoOh, '1.0.3')).statusCode).toBe(400);
    const putId = crypto.randomUUID();
    const form = new URLSearchParams({
      statementId: putId,
      content: JSON.stringify(statementAbout('alt@x.cn')),
      Authorization: k1.authorization,
      'X-Experience-API-Version': '1.0.3',
    });
    const alt = await app.inject({
      method: 'POST',
      url: '/xapi/statements?method=PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    expect(alt.statusCode, alt.body).toBe(204);
    expect((await get(k1, `statementId=${putId}`)).statusCode).toBe(200);
    // xAPI 2.0 has no alternate syntax
    form.set('X-Experience-API-Version', '2.0.0');
    form.set('statementId', crypto.randomUUID());
    const refused = await app.inject({
      method: 'POST',
      url: '/xapi/statements?method=PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    expect(refused.statusCode).toBe(400);
  });
});

describe('browsers', () => {
  it('answers a preflight without credentials and lets any origin read the answers', async () => {
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/xapi/statements',
      headers: { origin: 'https://course.example.cn', 'access-control-request-method': 'POST' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('X-Experience-API-Version');
    const res = await get(k1, 'limit=1', { origin: 'https://course.example.cn' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toContain('X-Experience-API-Consistent-Through');
  });
});

describe('statements about statements', () => {
  it('answers a statement that refers to a matching statement with the query, not a voiding one', async () => {
    const agent = { mbox: `mailto:ref-${crypto.randomUUID().slice(0, 8)}@x.cn` };
    const [target] = (await post(k1, statementAbout(agent.mbox.slice(7)))).json() as string[];
    const [comment] = (
      await post(k1, {
        actor: { mbox: 'mailto:mentor@x.cn' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/commented' },
        object: { objectType: 'StatementRef', id: target },
      })
    ).json() as string[];
    const found = (await get(k1, `agent=${encodeURIComponent(JSON.stringify(agent))}`)).json();
    expect(found.statements.map((s: { id: string }) => s.id)).toEqual([comment, target]);
    const other = (await get(k2, `agent=${encodeURIComponent(JSON.stringify(agent))}`)).json();
    expect(other.statements).toHaveLength(0);
  });
});

describe('a request without a version', () => {
  it('is refused in the terms of the version its client last spoke', async () => {
    const c = await addLrsClient(t.db, tree.K1);
    const bare = () =>
      app.inject({ method: 'GET', url: '/xapi/statements', headers: { authorization: c.authorization } });
    expect((await bare()).headers['x-experience-api-version']).toBe('2.0.0');
    await asClient(app, c, '1.0.3')({ method: 'GET', url: '/xapi/statements?limit=1' });
    const res = await bare();
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-experience-api-version']).toBe('1.0.3');
  });
});

describe('traffic', () => {
  it('counts the requests, the statements stored (a retry is not stored again) and the statements read', async () => {
    const c = await addLrsClient(t.db, tree.K1);
    const s = { ...statementAbout('traffic@x.cn'), id: crypto.randomUUID() };
    await post(c, [s, statementAbout('traffic@x.cn')]);
    await post(c, s);
    await get(c, `statementId=${s.id}`);
    await get(c, `agent=${encodeURIComponent(JSON.stringify({ mbox: 'mailto:traffic@x.cn' }))}`);
    await flushLrsTraffic(t.db);
    const row = await t.db
      .selectFrom('lrs_client_traffic')
      .selectAll()
      .where('client_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect({
      requests: Number(row.requests),
      stored: Number(row.statements_stored),
      read: Number(row.statements_read),
    }).toEqual({ requests: 4, stored: 2, read: 3 });
  });
});
