import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildTree, type Tree } from './support/fixtures.js';
import { addLrsClient, asClient, statementAbout, type TestLrsClient } from './support/lrs.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let k1: TestLrsClient;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xapi-st-')) });
  tree = await buildTree(t.db);
  app = await buildTestApp(t);
  k1 = await addLrsClient(t.db, tree.K1);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('the Statement resource', () => {
  it('stores a posted statement and answers it by id', async () => {
    const post = await asClient(
      app,
      k1,
    )({ method: 'POST', url: '/xapi/statements', payload: statementAbout('a@x.cn') });
    expect(post.statusCode, post.body).toBe(200);
    const [id] = post.json() as string[];
    const get = await asClient(app, k1)({ method: 'GET', url: `/xapi/statements?statementId=${id}` });
    expect(get.statusCode, get.body).toBe(200);
    expect(get.json()).toMatchObject({ id, actor: { mbox: 'mailto:a@x.cn' } });
  });
});
