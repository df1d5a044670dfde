#!/usr/bin/env node
// Builds the web UI into web/dist, then writes a brotli and a gzip copy beside each text file
// (scripts/precompress.mjs) for the server to send as they are. With --if-stale it does nothing when
// the build is newer than every source file, so `npm start` is fast after the first time. The API
// types (web/src/api/schema.gen.ts) are regenerated first when the server's sources changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompressDir } from './precompress.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web/dist');
// written last, so a build cut off before its compressed copies counts as stale
const out = path.join(dist, '.built');

const types = spawnSync(process.execPath, [path.join(root, 'scripts/gen-api-types.mjs'), '--if-stale'], {
  cwd: root,
  stdio: 'inherit',
});
if (types.status !== 0) process.exit(types.status ?? 1);

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

if (process.argv.includes('--if-stale') && fs.existsSync(out)) {
  const sources = Math.max(
    newest(path.join(root, 'web')),
    ...['vite.config.ts', 'scripts/precompress.mjs'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
  );
  if (fs.statSync(out).mtimeMs >= sources) process.exit(0);
}
console.log('Building the web UI / 正在构建网页界面 …');
const r = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);
const sizes = await precompressDir(dist);
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(
  `Compressed ${sizes.files} files / 已压缩 ${sizes.files} 个文件: ${kb(sizes.raw)} → brotli ${kb(sizes.br)}, gzip ${kb(sizes.gz)}`,
);
fs.writeFileSync(out, `${new Date().toISOString()}\n`);
