// Where the server bundle lives and whether it is current; shared by bin/peixun.js and the build.
// The bundle sits two folders below the project root, as the sources do (src/<folder>/), so paths
// the code resolves from its own location (migrations/, web/dist/) are the same in both.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(root, 'dist/server/peixun.mjs');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The modification time of the newest server source file (tests excluded). */
export function newestSource() {
  return Math.max(newest(path.join(root, 'src')), fs.statSync(path.join(root, 'package-lock.json')).mtimeMs);
}

/** True when dist/server/peixun.mjs exists and no source file is newer. */
export function bundleIsCurrent() {
  try {
    return fs.statSync(BUNDLE).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}
