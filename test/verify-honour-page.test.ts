/**
 * The public verify page `/verify/<code>` for an honour's code (荣誉, 'H' and 14 characters): no login,
 * the honour, its grade and year, who awarded it and when, the recipient's name masked (a unit's name
 * in full) — never an ID number or phone — and, once revoked, "revoked on <day>". The page keeps the
 * strict content policy of the certificates' page: no script, no image, no form.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber } from '../src/domain/id-number.js';
import { chinaDay } from '../src/config/env.js';
import { VERIFY_PAGE_CSP } from '../src/http/routes/verify-page.routes.js';
import type { PublicHonour } from '../src/services/honour.service.js';
import { recordHonour, revokeHonour } from '../src/services/honour.js';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildTree, type Tree } from './support/fixtures.js';
import { seedTeacher } from './support/ledger.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
const codes = { person: '', unit: '', revoked: '' };
let idNumber = '';

const page = (code: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/verify/${encodeURIComponent(code)}`, headers });

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  app = await buildTestApp(t);
  const teacherId = await seedTeacher(t.db, t.env, tree.S1);
  await t.db.updateTable('teacher').set({ name: '张晓明' }).where('id', '=', teacherId).execute();
  idNumber = (
    await t.db.selectFrom('teacher').select('id_number_masked').where('id', '=', teacherId).executeTakeFirstOrThrow()
  ).id_number_masked;
  const common = {
    provinceId: tree.K1.provinceId,
    awardedByUnitId: tree.K1.id,
    awardedByPath: tree.K1.path,
    year: 2026,
    source: { kind: 'competition' as const, id: 1 },
    awardedOn: '2026-12-01',
    createdBy: null,
  };
  codes.person = (
    await recordHonour(t.db, {
      ...common,
      kind: 'competition_award',
      teacherId,
      orgUnitId: tree.S1.id,
      orgPath: tree.S1.path,
      recipientName: '张晓明',
      title: '2026 年优秀教学案例评比',
      grade: 'first',
    })
  ).code;
  codes.unit = (
    await recordHonour(t.db, {
      ...common,
      kind: 'advanced_unit',
      orgUnitId: tree.S2.id,
      orgPath: tree.S2.path,
      recipientName: tree.S2.name,
      title: '2026年度继续教育先进单位',
      source: { kind: 'commendation', id: 1 },
    })
  ).code;
  const revoked = await recordHonour(t.db, {
    ...common,
    kind: 'outstanding_trainee',
    teacherId,
    orgUnitId: tree.S1.id,
    orgPath: tree.S1.path,
    recipientName: '张晓明',
    title: '2026年度继续教育优秀学员',
    source: { kind: 'commendation', id: 1 },
  });
  codes.revoked = revoked.code;
  await revokeHonour(t.db, { id: revoked.id, reason: '内部原因：学时造假', by: null });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('verify page of an honour', () => {
  it('answers a valid honour without login, with the masked name, grade, awarding unit and day', async () => {
    const res = await page(codes.person);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toBe(VERIFY_PAGE_CSP);
    expect(res.headers['cache-control']).toBe('no-store');
    const html = res.body;
    expect(html).toContain('data-status="valid"');
    expect(html).toContain('荣誉有效');
    expect(html).toContain('张**');
    expect(html).toContain('一等奖');
    expect(html).toContain('2026年12月1日');
    expect(html).toContain(tree.K1.name);
    for (const leak of ['张晓明', '晓明', idNumber, maskIdNumber(idNumber), '<script', '<img', '<form'])
      expect(html, leak).not.toContain(leak);
    expect((await page(codes.person, { 'accept-language': 'en' })).body).toContain('Valid honour');
  });

  it("shows a unit's name in full", async () => {
    const html = (await page(codes.unit)).body;
    expect(html).toContain(tree.S2.name);
    expect(html).toContain('2026年度继续教育先进单位');
  });

  it('says when a revoked honour was revoked, and never why', async () => {
    const res = await page(` ${codes.revoked.toLowerCase()} `);
    expect(res.statusCode).toBe(200);
    const day = chinaDay(new Date());
    const [y, m, d] = day.split('-').map(Number);
    expect(res.body).toContain('data-status="revoked"');
    expect(res.body).toContain(`该荣誉已于 ${y}年${m}月${d}日 撤销`);
    expect(res.body).not.toContain('学时造假');
    expect((await page(codes.revoked, { 'accept-language': 'en' })).body).toContain(
      `This honour was revoked on ${day}`,
    );
  });

  it('answers JSON with the public fields only, and 404 for an unknown honour', async () => {
    const res = await page(codes.revoked, { accept: 'application/json' });
    const { honour } = res.json() as { honour: PublicHonour };
    expect(Object.keys(honour).sort()).toEqual(
      [
        'awardedBy',
        'awardedOn',
        'code',
        'grade',
        'kind',
        'recipient',
        'revokedOn',
        'status',
        'title',
        'unitName',
        'year',
      ].sort(),
    );
    expect(honour).toMatchObject({ status: 'revoked', recipient: '张**' });
    const unknown = await page('HABCDEFGHJKMNPQ');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('未找到该荣誉');
    expect((await page('HABCDEFGHJKMNPQ', { accept: 'application/json' })).statusCode).toBe(404);
  });
});
