/**
 * How the built web UI travels to a phone on a slow link: the build's brotli or gzip copy of each file
 * to a browser that accepts it (the original to one that does not), files whose names carry their hash
 * kept by the browser for a year without asking again, and the page itself (index.html, also under the
 * app's own paths) asked for again each time so a new build is picked up at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../scripts/precompress.mjs';
import { buildApp } from '../src/http/app.js';
import { createServices } from '../src/services/services.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';
const SCRIPT = `${'export const greeting = "培训 · 教师继续教育";\n'.repeat(200)}console.log(greeting);\n`;
const PAGE = `<!doctype html><html lang="zh-CN"><head><title>培训</title>${'<link rel="modulepreload" href="/assets/x.js">'.repeat(40)}<script type="module" src="/assets/index-AbCd1234.js"></script></head><body><div id="root"></div></body></html>\n`;

/** the copy of the page for `/`, naming the home page's files too */
const HOME_PAGE = PAGE.replace('</head>', '<link rel="modulepreload" href="/assets/home.page-Hh12Jk34.js"></head>');

let t: TestDatabase;
let app: FastifyInstance;
let webRoot: string;

beforeAll(async () => {
  // a build as scripts/build-web.mjs leaves it: vite's files, then their compressed copies
  webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-web-'));
  fs.mkdirSync(path.join(webRoot, 'assets'));
  fs.writeFileSync(path.join(webRoot, 'index.html'), PAGE);
  fs.writeFileSync(path.join(webRoot, 'home.html'), HOME_PAGE);
  fs.writeFileSync(path.join(webRoot, 'assets/index-AbCd1234.js'), SCRIPT);
  fs.writeFileSync(path.join(webRoot, 'assets/tiny-Zz9_y8-X.js'), 'export{};\n');
  await precompressDir(webRoot);
  t = await createTestDatabase();
  app = await buildApp({
    services: createServices({ db: t.db, env: t.env }),
    db: t.db,
    env: t.env,
    databaseMode: 'external',
    logger: false,
    serveWeb: true,
    webRoot,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(webRoot, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) =>
  app.inject({ method: 'GET', url, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });

describe('a hashed script of the build', () => {
  it('comes brotli-compressed to a browser that accepts brotli, kept for a year', async () => {
    const res = await get('/assets/index-AbCd1234.js', 'gzip, deflate, br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(?:text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe(YEAR_IMMUTABLE);
    expect(res.headers['vary']).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(res.rawPayload).toString('utf8')).toBe(SCRIPT);
    // the bytes on the wire are a small share of the file
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 10);
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
  });

  it('comes gzip-compressed to a browser that accepts only gzip, and whole to one that accepts neither', async () => {
    const gz = await get('/assets/index-AbCd1234.js', 'gzip, deflate');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString('utf8')).toBe(SCRIPT);
    expect(gz.headers['cache-control']).toBe(YEAR_IMMUTABLE);

    const plain = await get('/assets/index-AbCd1234.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe(YEAR_IMMUTABLE);
  });

  it('is sent as it is when it is too small to gain from compression', async () => {
    const res = await get('/assets/tiny-Zz9_y8-X.js', 'br, gzip');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toBe('export{};\n');
    expect(res.headers['cache-control']).toBe(YEAR_IMMUTABLE);
  });

  it('that does not exist is a 404 the browser does not keep', async () => {
    const res = await get('/assets/index-Gone0000.js', 'br');
    expect(res.statusCode).toBe(404);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('the page itself', () => {
  it('is asked for again each time, compressed, at its own name and at every path of the app', async () => {
    for (const url of ['/index.html', '/me/teacher', '/my-sessions', '/checkin?t=abc', '/']) {
      const res = await get(url, 'gzip, deflate, br');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-encoding'], url).toBe('br');
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      // `/`, where everyone lands, names the home page's files too; no other address does
      const page = url === '/' ? HOME_PAGE : PAGE;
      expect(zlib.brotliDecompressSync(res.rawPayload).toString('utf8'), url).toBe(page);
    }
    const plain = await get('/me/teacher');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(PAGE);
    expect(plain.headers['cache-control']).toBe('no-cache');
  });
});
