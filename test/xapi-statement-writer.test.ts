import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildTree, type Tree } from './support/fixtures.js';
import { addLrsClient, asClient, statementAbout, type TestLrsClient } from './support/lrs.js';

/**
 * Many statements of one platform at once are written together, and still answered one by one: a
 * conflict refuses only the request that holds it, retries of one id at once are one statement.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let k1: TestLrsClient;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xapi-writer-')) });
  tree = await buildTree(t.db);
  app = await buildTestApp(t);
  k1 = await addLrsClient(t.db, tree.K1);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const statement = (n: number) =>
  statementAbout(`writer${n}@x.cn`, { id: crypto.randomUUID(), timestamp: '2026-12-07T16:30:00+08:00' });

async function stored(ids: string[]): Promise<Map<string, { n: number; verb: string }>> {
  const { rows } = await t.pool.query<{ id: string; n: number; verb_id: string }>(
    `SELECT id::text, count(*) OVER (PARTITION BY id) AS n, verb_id FROM xapi_statement WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { n: Number(r.n), verb: r.verb_id }]));
}

describe('statements of one platform arriving at once', () => {
  it('are each stored and each answered', async () => {
    const as = asClient(app, k1);
    const list = Array.from({ length: 60 }, (_, i) => statement(i));
    const answers = await Promise.all(
      list.map((s, i) =>
        i % 2 === 0
          ? as({ method: 'POST', url: '/xapi/statements', payload: s })
          : as({ method: 'PUT', url: `/xapi/statements?statementId=${s.id}`, payload: s }),
      ),
    );
    answers.forEach((a, i) => {
      expect(a.statusCode, a.body).toBe(i % 2 === 0 ? 200 : 204);
      if (i % 2 === 0) expect(a.json()).toEqual([list[i]!.id]);
    });
    const rows = await stored(list.map((s) => s.id as string));
    expect(rows.size).toBe(60);
  });

  it('a conflict among them refuses only its own request; retries of one id at once are one statement', async () => {
    const as = asClient(app, k1);
    const first = statement(100);
    expect((await as({ method: 'POST', url: '/xapi/statements', payload: first })).statusCode).toBe(200);
    const conflicting = { ...first, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
    const news = Array.from({ length: 40 }, (_, i) => statement(200 + i));
    const twice = statement(300);
    const requests = [
      ...news.slice(0, 20).map((s) => ({ s, expect: 200 })),
      { s: conflicting, expect: 409 },
      { s: first, expect: 200 },
      { s: twice, expect: 200 },
      { s: twice, expect: 200 },
      { s: twice, expect: 200 },
      ...news.slice(20).map((s) => ({ s, expect: 200 })),
    ];
    const answers = await Promise.all(
      requests.map((r) => as({ method: 'POST', url: '/xapi/statements', payload: r.s })),
    );
    answers.forEach((a, i) => {
      expect(a.statusCode, `${i}: ${a.body}`).toBe(requests[i]!.expect);
    });
    const rows = await stored([first.id as string, twice.id as string, ...news.map((s) => s.id as string)]);
    expect(rows.size).toBe(42);
    expect([...rows.values()].every((r) => r.n === 1)).toBe(true);
    expect(rows.get(first.id as string)?.verb).toBe('http://adlnet.gov/expapi/verbs/completed');
  });
});
