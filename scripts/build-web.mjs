#!/usr/bin/env node
// Builds the web UI into web/dist. With --if-stale it does nothing when the build is newer
// than every source file, so `npm start` is fast after the first time. The API types
// (web/src/api/schema.gen.ts) are regenerated first when the server's sources changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'web/dist/index.html');

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
  const sources = Math.max(newest(path.join(root, 'web')), fs.statSync(path.join(root, 'vite.config.ts')).mtimeMs);
  if (fs.statSync(out).mtimeMs >= sources) process.exit(0);
}
console.log('Building the web UI / 正在构建网页界面 …');
const r = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
