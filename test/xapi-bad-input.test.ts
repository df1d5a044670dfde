import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultipart } from '../src/domain/xapi-multipart.js';
import { XAPI_BODY_LIMIT } from '../src/http/xapi-request.js';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildTree, type Tree } from './support/fixtures.js';
import { addLrsClient, asClient, statementAbout, type TestLrsClient } from './support/lrs.js';

/**
 * Bad statements get the status the xAPI specification requires (400, 413 for a body over the
 * limit) and leave nothing stored: not a statement of the batch, not an attachment.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let k1: TestLrsClient;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xapi-bad-')) });
  tree = await buildTree(t.db);
  app = await buildTestApp(t);
  k1 = await addLrsClient(t.db, tree.K1);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function counts(): Promise<{ statements: number; attachments: number }> {
  const { rows } = await t.pool.query<{ s: string; a: string }>(
    'SELECT (SELECT count(*) FROM xapi_statement) AS s, (SELECT count(*) FROM xapi_attachment) AS a',
  );
  return { statements: Number(rows[0]!.s), attachments: Number(rows[0]!.a) };
}

/** Sends a request and checks its status and that nothing was stored by it. */
async function refused(opts: InjectOptions, status: number, version = '2.0.0') {
  const before = await counts();
  const res = await asClient(app, k1, version)(opts);
  expect(res.statusCode, `${opts.method} ${opts.url}: ${res.body.slice(0, 300)}`).toBe(status);
  expect(await counts(), 'nothing stored').toEqual(before);
  return res;
}

const post = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: '/xapi/statements',
  payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
  headers: { 'content-type': 'application/json', ...headers },
});

const good = (extra: Record<string, unknown> = {}) => statementAbout('bad-input@x.cn', extra);

const attachmentOf = (content: Buffer, extra: Record<string, unknown> = {}) => ({
  usageType: 'http://id.tincanapi.com/attachment/certificate',
  display: { 'zh-CN': '结业证书' },
  contentType: 'text/plain',
  length: content.length,
  sha2: crypto.createHash('sha256').update(content).digest('hex'),
  ...extra,
});

function multipart(statements: unknown, parts: Array<{ headers: Record<string, string>; body: Buffer }>) {
  const m = writeMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(statements)) },
    ...parts,
  ]);
  return { payload: m.body, headers: { 'content-type': m.contentType } };
}

describe('bad statements', () => {
  it('a statement with a property of the wrong type is refused with 400, and so is the whole batch it came in', async () => {
    const wrong: Array<[string, unknown]> = [
      ['actor as a string', { ...good(), actor: 'mailto:a@x.cn' }],
      ['verb id a number', { ...good(), verb: { id: 42 } }],
      [
        'verb display not a language map',
        { ...good(), verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: '完成' } },
      ],
      ['object a list', { ...good(), object: [{ id: 'https://edu.example.cn/course/1' }] }],
      [
        'definition name a string',
        good({ object: { id: 'https://edu.example.cn/c/1', definition: { name: '课程' } } }),
      ],
      ['score scaled as text', good({ result: { score: { scaled: '0.5' } } })],
      ['score scaled above 1', good({ result: { score: { scaled: 1.5 } } })],
      ['success as text', good({ result: { success: 'true' } })],
      ['duration not ISO 8601', good({ result: { duration: '90 minutes' } })],
      ['registration not a UUID', good({ context: { registration: 'reg-1' } })],
      ['timestamp not a timestamp', good({ timestamp: '2026年12月7日' })],
      ['id not a UUID', good({ id: 'statement-1' })],
      ['a null value', good({ result: null })],
      ['an unknown property', good({ grade: 'A' })],
      ['mbox without mailto:', { ...good(), actor: { mbox: 'a@x.cn' } }],
      ['a number instead of a statement', 7],
    ];
    for (const [name, statement] of wrong) {
      const res = await refused(post(statement), 400);
      expect((res.json() as { error: { code: string } }).error.code, name).toBe('XAPI_INVALID');
      // the same statement among good ones: the batch is all or none
      await refused(post([good(), statement, good()]), 400);
    }
    // PUT: the body's id differs from statementId, or a list is sent
    const id = crypto.randomUUID();
    await refused(
      { method: 'PUT', url: `/xapi/statements?statementId=${id}`, payload: good({ id: crypto.randomUUID() }) },
      400,
    );
    await refused({ method: 'PUT', url: `/xapi/statements?statementId=${id}`, payload: [good()] }, 400);
    await refused({ method: 'PUT', url: '/xapi/statements?statementId=not-a-uuid', payload: good() }, 400);
    // two statements with one id in a batch
    const twice = crypto.randomUUID();
    await refused(post([good({ id: twice }), good({ id: twice })]), 400);
  });

  it('a request without a known version is refused with 400', async () => {
    for (const version of ['0.95', '0.9', '1.0', '3.0.0', '2.1.0', 'latest', '']) {
      const res = await refused(post(good()), 400, version);
      expect((res.json() as { error: { code: string } }).error.code, version).toBe('XAPI_VERSION_INVALID');
    }
    // no header at all
    const before = await counts();
    const res = await app.inject({
      ...post(good()),
      headers: { 'content-type': 'application/json', authorization: k1.authorization },
    });
    expect(res.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('a body over the limit is refused with 413', async () => {
    // a valid batch padded past the limit with white space
    const batch = JSON.stringify([good(), good()]);
    const body = Buffer.alloc(XAPI_BODY_LIMIT + 1, 0x20);
    body.write(batch, 0, 'utf8');
    await refused(post(body), 413);
    // the same as multipart with a large attachment
    const big = Buffer.alloc(XAPI_BODY_LIMIT, 0x61);
    const m = multipart(
      [good({ attachments: [attachmentOf(big)] })],
      [
        {
          headers: {
            'Content-Type': 'text/plain',
            'Content-Transfer-Encoding': 'binary',
            'X-Experience-API-Hash': attachmentOf(big).sha2,
          },
          body: big,
        },
      ],
    );
    await refused({ method: 'POST', url: '/xapi/statements', ...m }, 413);
  });

  it('malformed JSON is refused with 400', async () => {
    for (const text of [
      '{"actor":',
      '[',
      '{"actor": {"mbox": "mailto:a@x.cn"}} trailing',
      "{'actor': 1}",
      'null',
      '',
    ]) {
      await refused(post(text), 400);
    }
    // the statements as something other than JSON
    await refused(post(JSON.stringify(good()), { 'content-type': 'text/plain' }), 400);
    // JSON that is not valid UTF-8
    await refused(post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400);
  });

  it('a NUL character in any text of a statement is refused with 400, not a failure of the store', async () => {
    const nul = String.fromCharCode(0);
    const named = good({
      object: { id: 'https://edu.example.cn/c/1', definition: { name: { 'zh-CN': `课${nul}程` } } },
    });
    const res = await refused(post(named), 400);
    expect(res.json().error.code).toBe('XAPI_INVALID');
    await refused(post(good({ object: { id: `https://edu.example.cn/c/1${nul}` } })), 400);
    await refused(post([good(), good({ result: { response: nul } })]), 400);
    // the six characters \u0000 written out are text like any other
    const res2 = await asClient(app, k1)(post(good({ result: { response: '\\u0000' } })));
    expect(res2.statusCode).toBe(200);
  });

  it('malformed multipart is refused with 400 and keeps no attachment', async () => {
    const content = Buffer.from('结业证书：王老师，师德师风专题 20 学时', 'utf8');
    const a = attachmentOf(content);
    const part = (headers: Record<string, string>, body = content) => ({ headers, body });
    const withHash = {
      'Content-Type': 'text/plain',
      'Content-Transfer-Encoding': 'binary',
      'X-Experience-API-Hash': a.sha2,
    };
    // sanity: the well-formed request is stored (with its attachment)
    const ok = multipart([good({ attachments: [a] })], [part(withHash)]);
    const before = await counts();
    const stored = await asClient(app, k1)({ method: 'POST', url: '/xapi/statements', ...ok });
    expect(stored.statusCode, stored.body).toBe(200);
    expect(await counts()).toEqual({ statements: before.statements + 1, attachments: before.attachments + 1 });

    const other = Buffer.from('另一份证书', 'utf8');
    const b = attachmentOf(other);
    const bad: Array<[string, InjectOptions]> = [
      [
        'no boundary',
        {
          method: 'POST',
          url: '/xapi/statements',
          payload: ok.payload,
          headers: { 'content-type': 'multipart/mixed' },
        },
      ],
      [
        'no closing delimiter',
        {
          method: 'POST',
          url: '/xapi/statements',
          payload: ok.payload.subarray(0, ok.payload.length - 10),
          headers: ok.headers,
        },
      ],
      [
        'another boundary than the header names',
        {
          method: 'POST',
          url: '/xapi/statements',
          payload: ok.payload,
          headers: { 'content-type': 'multipart/mixed; boundary=elsewhere' },
        },
      ],
      [
        'the first part not JSON',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...(() => {
            const m = writeMultipart([part(withHash, other)]);
            return { payload: m.body, headers: { 'content-type': m.contentType } };
          })(),
        },
      ],
      [
        'malformed JSON in the first part',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...(() => {
            const m = writeMultipart([
              { headers: { 'Content-Type': 'application/json' }, body: Buffer.from('[{"actor":') },
              part(withHash),
            ]);
            return { payload: m.body, headers: { 'content-type': m.contentType } };
          })(),
        },
      ],
      [
        'an attachment part without its hash header',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...multipart([good({ attachments: [a] })], [part({ 'Content-Type': 'text/plain' })]),
        },
      ],
      [
        'a part whose content is not the hash it names',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...multipart([good({ attachments: [a] })], [part(withHash, other)]),
        },
      ],
      [
        'an attachment with neither a part nor a fileUrl',
        { method: 'POST', url: '/xapi/statements', ...multipart([good({ attachments: [a, b] })], [part(withHash)]) },
      ],
      [
        'a part no statement names',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...multipart(
            [good({ attachments: [a] })],
            [part(withHash), part({ ...withHash, 'X-Experience-API-Hash': b.sha2 }, other)],
          ),
        },
      ],
      [
        'a part sent base64-encoded',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...multipart(
            [good({ attachments: [b] })],
            [
              part(
                { ...withHash, 'X-Experience-API-Hash': b.sha2, 'Content-Transfer-Encoding': 'base64' },
                Buffer.from(other.toString('base64')),
              ),
            ],
          ),
        },
      ],
      [
        'an attachment part beside a statement that is wrong',
        {
          method: 'POST',
          url: '/xapi/statements',
          ...multipart(
            [good({ attachments: [b] }), good({ verb: { id: 'completed' } })],
            [part({ ...withHash, 'X-Experience-API-Hash': b.sha2 }, other)],
          ),
        },
      ],
    ];
    for (const [name, opts] of bad) {
      const res = await refused(opts, 400);
      expect(res.statusCode, name).toBe(400);
    }
    // the attachment of a refused request is not kept, even where its statement was fine
    const { rows } = await t.pool.query('SELECT 1 FROM xapi_attachment WHERE sha2 = $1', [b.sha2]);
    expect(rows).toHaveLength(0);
  });
});
