/**
 * The public certificate verification page `/verify/<code>` (the QR code on every certificate):
 * no login, and nothing beyond what verification needs — the masked name, unit, cycle, kind, total,
 * number, date and status (valid / revoked / superseded; an unknown number is 404). Never an ID
 * number, a phone number, the full name or the entries. In Chinese by default, in English when
 * asked, and as JSON for `Accept: application/json`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber, maskPhone } from '../src/domain/id-number.js';
import type { Role } from '../src/domain/org-tree.js';
import { runJobsUntilIdle } from '../src/jobs/job-runner.js';
import type { OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { createTeacherRepository } from '../src/repositories/teacher.repository.js';
import { closeCertificatePool, type PublicVerification } from '../src/services/certificate.service.js';
import type { RequestContext } from '../src/services/context.js';
import { personalDataCipher } from '../src/services/personal-data.js';
import { createServices, type Services } from '../src/services/services.js';
import { toColumns } from '../src/services/teacher.service.js';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { actorAt, buildTree, type Tree } from './support/fixtures.js';
import { makeRoster } from './support/roster.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let s: Services;
let dataDir: string;

interface Person {
  id: number;
  name: string;
  idNumber: string;
  phone: string;
}
let wang: Person;
let li: Person;
/**
 * wang's cycle 2026—2030 is under way (today is 2027-11-20): asked for a cycle certificate, he gets a
 * record of hours so far (学时证明), twice (the first superseded by the second, which is valid); li's
 * (revoked); wang's sheet of 2026 (valid); wang's certificate of the ended cycle 2021—2025, not met.
 */
const codes = { superseded: '', valid: '', revoked: '', year: '', ended: '' };
const SECRET_TITLE = '仅档案可见的培训名称';

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);

/** A teacher with a phone on record, named as given (three characters: the page shows '王**'). */
async function person(school: OrgUnitRow, name: string, offset: number): Promise<Person> {
  const p = makeRoster(1, { seed: 77, offset })[0]!;
  const repo = createTeacherRepository(t.db);
  const id = await repo.insert({
    ...toColumns(
      {
        name,
        idType: 'resident',
        idNumber: p.idNumber,
        gender: p.gender,
        birthDate: p.birthDate,
        phone: p.phone,
        stage: 'primary',
        subject: p.subject,
        title: null,
        teachingStartYear: 2010,
        employment: 'staff',
        headTeacher: false,
        backboneLevel: null,
        subjectLeader: false,
        masterTeacher: false,
        newTeacher: false,
      },
      personalDataCipher(t.env),
    ),
    orgUnitId: school.id,
    orgPath: school.path,
    provinceId: school.provinceId,
  });
  await repo.openPosting({
    teacherId: id,
    provinceId: school.provinceId,
    orgUnitId: school.id,
    orgPath: school.path,
    startedOn: '2015-09-01',
    reason: null,
    createdBy: null,
  });
  return { id, name, idNumber: p.idNumber, phone: p.phone };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-verify-'));
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20', PEIXUN_DATA_DIR: dataDir });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  wang = await person(tree.S1, '王晓明', 70_001);
  li = await person(tree.S1, '李春梅', 70_002);
  const province = await ctxAt(tree.P1, 'province_admin', 'vp-province');
  const school = await ctxAt(tree.S1, 'school_admin', 'vp-school');
  const cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  const ended = (await s.cycles.create(province, { name: '2021—2025年', startYear: 2021, endYear: 2025 })).id;
  await runJobsUntilIdle(t.db);
  await s.credits.register(school, [
    {
      teacherId: wang.id,
      hours: 605,
      occurredOn: '2026-08-01',
      title: SECRET_TITLE,
      categories: ['ethics'],
      sourceType: 'project',
    },
    { teacherId: li.id, hours: 240, occurredOn: '2027-03-01', title: SECRET_TITLE, categories: [] },
    { teacherId: wang.id, hours: 730, occurredOn: '2025-06-01', title: SECRET_TITLE, categories: [] },
  ]);
  const first = await s.certificates.issue(school, { teacherId: wang.id, cycleId, kind: 'cycle', year: null });
  const second = await s.certificates.issue(school, { teacherId: wang.id, cycleId, kind: 'cycle', year: null });
  const revoked = await s.certificates.issue(school, { teacherId: li.id, cycleId, kind: 'cycle', year: null });
  await s.certificates.revoke(school, revoked.id, '信息有误');
  const year = await s.certificates.issue(school, { teacherId: wang.id, cycleId, kind: 'year', year: 2026 });
  const endedCycle = await s.certificates.issue(school, {
    teacherId: wang.id,
    cycleId: ended,
    kind: 'cycle',
    year: null,
  });
  Object.assign(codes, {
    superseded: first.code,
    valid: second.code,
    revoked: revoked.code,
    year: year.code,
    ended: endedCycle.code,
  });
  app = await buildTestApp(t);
});

afterAll(async () => {
  await app?.close();
  await closeCertificatePool();
  await t?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const page = (code: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/verify/${encodeURIComponent(code)}`, headers });

/** Nothing personal beyond the masked name: no ID number (in full or masked), no phone, no full name, no entries. */
function leaks(body: string, who: Person, code: string): string[] {
  const out: string[] = [];
  const forms = {
    'ID number': who.idNumber,
    'masked ID number': maskIdNumber(who.idNumber),
    'last four of the ID number': `********${who.idNumber.slice(14)}`,
    phone: who.phone,
    'masked phone': maskPhone(who.phone),
    'full name': who.name,
    'given name': who.name.slice(1),
    'entry title': SECRET_TITLE,
  };
  for (const [what, v] of Object.entries(forms)) if (body.includes(v)) out.push(what);
  // an ID or phone number is a run of 11+ digits; the certificate number itself is the one long token allowed
  if (/\d{11,}/.test(body.split(code).join(''))) out.push('a long run of digits');
  if (/"(teacherId|idNumber|idNumberMasked|phone|entries|categories|issuerName|snapshot)"/.test(body))
    out.push('an internal field');
  return out;
}

function htmlOf(res: LightMyRequestResponse): string {
  expect(String(res.headers['content-type'])).toMatch(/^text\/html; charset=utf-8/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-robots-tag']).toBe('noindex');
  expect(res.headers['set-cookie']).toBeUndefined();
  return res.body;
}

describe('GET /verify/:code (public)', () => {
  it('answers a valid record of hours without login, in Chinese by default, with its conclusion and freeze date', async () => {
    const res = await page(codes.valid);
    expect(res.statusCode).toBe(200);
    const html = htmlOf(res);
    expect(html).toContain('<html lang="zh-CN">');
    // mid-cycle: a record of hours so far, never a green "certificate valid"
    expect(html).toContain('data-status="valid" data-result="record"');
    expect(html).not.toContain('证书有效');
    for (const shown of [
      '学时证明有效',
      '学时证明：截至 2027年11月20日 累计 60.5 学时',
      '数据截至 2027年11月20日',
      '王**',
      tree.S1.name,
      '2026—2030年',
      '继续教育学时证明（周期未结束）',
      '60.5 学时',
      '240 学时',
      '2027-11-20',
      codes.valid,
      '本页只显示核验所需信息',
    ])
      expect(html).toContain(shown);
    expect(leaks(html, wang, codes.valid)).toEqual([]);
    // a logged-out browser and a bogus session cookie get the same page
    const bogus = await page(codes.valid, { cookie: 'peixun_session=not-a-session' });
    expect(bogus.statusCode).toBe(200);
    expect(bogus.body).toBe(html);
  });

  it('states the conclusion of a cycle certificate: an ended cycle not met is valid but says 未达标', async () => {
    const html = htmlOf(await page(codes.ended));
    expect(html).toContain('data-status="valid" data-result="incomplete"');
    for (const shown of ['证书有效', '未达标（73 / 240 学时）', '数据截至 2027年11月20日', '继续教育证书（周期）'])
      expect(html).toContain(shown);
    expect(html).not.toContain('data-result="complete"');
    const en = htmlOf(await page(codes.ended, { 'accept-language': 'en' }));
    for (const shown of ['Valid certificate', 'Requirement not met (73 of 240 hours)', 'Figures as of 2027-11-20'])
      expect(en).toContain(shown);
    expect(leaks(html, wang, codes.ended)).toEqual([]);
  });

  it('answers in English when asked', async () => {
    const res = await page(codes.valid, { 'accept-language': 'en-US,en;q=0.9' });
    expect(res.statusCode).toBe(200);
    const html = htmlOf(res);
    expect(html).toContain('<html lang="en">');
    for (const shown of [
      'Certificate verification',
      'Valid record of hours',
      'Record of hours: 60.5 hours as of 2027-11-20',
      'Name',
      'Unit',
      'Cycle',
      'Record of hours (cycle not finished)',
      '60.5 hours',
      'Issued on',
      'Certificate number',
      '王**',
      codes.valid,
    ])
      expect(html).toContain(shown);
    expect(html).not.toContain('学时证明有效');
    expect(leaks(html, wang, codes.valid)).toEqual([]);
  });

  it('shows a yearly record sheet with its year', async () => {
    const zh = htmlOf(await page(codes.year));
    expect(zh).toContain('2026 年度学时登记');
    expect(zh).toContain('60.5 学时');
    // the year's requirement is 0 hours: met, as of the day it was issued
    expect(zh).toContain('data-result="complete"');
    expect(zh).toContain('数据截至 2027年11月20日');
    const en = htmlOf(await page(codes.year, { 'accept-language': 'en' }));
    expect(en).toContain('Record of 2026');
    expect(leaks(zh, wang, codes.year)).toEqual([]);
  });

  it('keeps a superseded number answering, naming the newer certificate', async () => {
    const res = await page(codes.superseded);
    expect(res.statusCode).toBe(200);
    const html = htmlOf(res);
    expect(html).toContain('data-status="superseded"');
    expect(html).toContain('证书已被新证书替换');
    expect(html).toContain('新证书编号');
    expect(html).toContain(codes.valid);
    expect(leaks(html.split(codes.valid).join(''), wang, codes.superseded)).toEqual([]);
    expect(htmlOf(await page(codes.superseded, { 'accept-language': 'en' }))).toContain(
      'This certificate was replaced by a newer one',
    );
  });

  it('keeps a revoked number answering "revoked"', async () => {
    const res = await page(codes.revoked);
    expect(res.statusCode).toBe(200);
    const html = htmlOf(res);
    expect(html).toContain('data-status="revoked"');
    expect(html).toContain('证书已作废');
    expect(html).toContain('李**');
    expect(html).not.toContain('信息有误');
    expect(leaks(html, li, codes.revoked)).toEqual([]);
    expect(htmlOf(await page(codes.revoked, { 'accept-language': 'en' }))).toContain('This certificate was revoked');
  });

  it('reads the number case-insensitively and with surrounding spaces', async () => {
    expect((await page(codes.valid.toLowerCase())).body).toContain('data-status="valid"');
    expect((await page(` ${codes.valid} `)).body).toContain('data-status="valid"');
  });

  it('answers an unknown number with 404 in both languages, the number escaped', async () => {
    const unknown = await page('NOSUCHCODE42');
    expect(unknown.statusCode).toBe(404);
    const html = htmlOf(unknown);
    expect(html).toContain('data-status="unknown"');
    expect(html).toContain('未找到该证书');
    expect(html).toContain('NOSUCHCODE42');
    const en = await page('NOSUCHCODE42', { 'accept-language': 'en' });
    expect(en.statusCode).toBe(404);
    expect(en.body).toContain('No such certificate');
    for (const code of [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "'; DROP TABLE credit_certificate; --",
      '../../etc/passwd',
      '证书',
      'x',
      'A'.repeat(100),
    ]) {
      const res = await page(code);
      expect(res.statusCode, code).toBe(404);
      expect(res.body, code).not.toContain('<script>alert');
      expect(res.body, code).not.toContain('<img');
    }
    const tooLong = await page('A'.repeat(101));
    expect(tooLong.statusCode).toBeGreaterThanOrEqual(400);
    expect(tooLong.statusCode).toBeLessThan(500);
    // the certificate table is still there
    expect((await page(codes.valid)).statusCode).toBe(200);
  });

  it('answers JSON for Accept: application/json with the same fields and nothing more', async () => {
    const res = await page(codes.valid, { accept: 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toContain('application/json');
    const { certificate } = res.json() as { certificate: PublicVerification };
    expect(certificate).toEqual({
      code: codes.valid,
      status: 'valid',
      nameMasked: '王**',
      unitName: tree.S1.name,
      cycleName: '2026—2030年',
      kind: 'record',
      year: null,
      totalHours: 605,
      requiredHours: 2400,
      result: null,
      asOf: '2027-11-20',
      issuedOn: '2027-11-20',
      supersededByCode: null,
    });
    expect((await page(codes.ended, { accept: 'application/json' })).json().certificate).toMatchObject({
      kind: 'cycle',
      result: 'incomplete',
      totalHours: 730,
      requiredHours: 2400,
      asOf: '2027-11-20',
    });
    expect(leaks(res.body, wang, codes.valid)).toEqual([]);
    const old = (await page(codes.superseded, { accept: 'application/json' })).json().certificate;
    expect(old).toMatchObject({ status: 'superseded', supersededByCode: codes.valid });
    expect((await page(codes.revoked, { accept: 'application/json' })).json().certificate).toMatchObject({
      status: 'revoked',
      nameMasked: '李**',
    });
    expect((await page(codes.year, { accept: 'application/json' })).json().certificate).toMatchObject({
      kind: 'year',
      year: 2026,
      totalHours: 605,
    });
    const unknown = await page('NOSUCHCODE42', { accept: 'application/json' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'NOT_FOUND' } });
  });

  it('is the only page without login: the API behind it still wants one', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/certificates/unit?orgUnitId=1&cycleId=1' });
    expect(res.statusCode).toBe(401);
  });
});
