import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { MANUAL_DIR, MANUAL_SECTIONS } from '../../services/manual.js';

let t: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('the help pages (/help)', () => {
  it('serve every section of the manual without login, with its contents and the other sections beside', async () => {
    for (const s of MANUAL_SECTIONS) {
      const res = await app.inject({ method: 'GET', url: `/help/${s.slug}` });
      expect(res.statusCode, s.slug).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain(`<h1 id="${s.title}">${s.title}</h1>`);
      for (const other of MANUAL_SECTIONS) expect(res.body).toContain(`href="/help/${other.slug}"`);
    }
    const index = await app.inject({ method: 'GET', url: '/help' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('操作手册');
  });

  it("explain the teachers' password rule and why it differs from the administrators'", async () => {
    const res = await app.inject({ method: 'GET', url: '/help/accounts' });
    expect(res.body).toContain('chun tian hua kai');
    expect(res.body).toContain('为什么教师和管理员规则不同？');
    expect(res.body).toMatch(/<td>教师<\/td><td>至少 8 个字符/);
  });

  it('show only the manual’s own pictures, each of which exists, under a policy that allows nothing else', async () => {
    for (const s of MANUAL_SECTIONS) {
      const md = fs.readFileSync(path.join(MANUAL_DIR, `${s.slug}.md`), 'utf8');
      for (const m of md.matchAll(/!\[[^\]]*\]\(images\/([^)]+)\)/g)) {
        const img = await app.inject({ method: 'GET', url: `/help/images/${m[1]}` });
        expect(img.statusCode, `${s.slug}: ${m[1]}`).toBe(200);
        expect(img.headers['content-type']).toBe('image/png');
        expect(img.rawPayload.subarray(1, 4).toString()).toBe('PNG');
      }
    }
    const page = await app.inject({ method: 'GET', url: '/help/teachers' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src 'self'");
    expect(csp).not.toContain('script-src');
  });

  it('answer 404 for a section or picture that is not there, and never read outside the manual', async () => {
    expect((await app.inject({ method: 'GET', url: '/help/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/help/images/nope.png' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/help/images/teachers.md' })).statusCode).toBe(404);
    const traversal = await app.inject({ method: 'GET', url: '/help/images/..%2f..%2fpackage.json' });
    expect([400, 404]).toContain(traversal.statusCode);
  });

  it('say in English that the manual is in Chinese', async () => {
    const res = await app.inject({ method: 'GET', url: '/help/credits', headers: { 'accept-language': 'en' } });
    expect(res.body).toContain('The manual is written in Chinese');
    expect(res.body).toContain('Registering hours · 学时登记');
  });
});
