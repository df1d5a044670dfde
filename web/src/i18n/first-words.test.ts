import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIRST_WORDS, splitWords } from './first-words';
import zhCN from './zh-CN.json';

type Words = { [key: string]: string | Words };

function merged(a: Words, b: Words): Words {
  const out: Words = structuredClone(a);
  for (const [k, v] of Object.entries(b)) {
    const mine = out[k];
    out[k] = typeof v === 'object' && typeof mine === 'object' ? merged(mine, v) : v;
  }
  return out;
}

function at(words: Words, key: string): string | Words | undefined {
  let node: string | Words | undefined = words;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return node;
}

const WEB = path.resolve(import.meta.dirname, '..');
/** the files the app's script and the home page's own chunk carry, whose words must come with them */
const FIRST_PAGE_FILES = [
  'app.tsx',
  'router.tsx',
  'main.tsx',
  'lib/error-message.ts',
  'lib/hours.ts',
  'components/page-states.tsx',
  'components/language-switch.tsx',
  'components/credit-labels.tsx',
  ...fs.readdirSync(path.join(WEB, 'layout')).map((f) => `layout/${f}`),
  ...fs.readdirSync(path.join(WEB, 'auth')).map((f) => `auth/${f}`),
  ...fs.readdirSync(path.join(WEB, 'pages/home')).map((f) => `pages/home/${f}`),
].filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'));

describe('the Chinese words of the first page', () => {
  const { first, rest } = splitWords(zhCN, FIRST_WORDS);

  test('the two halves give all the words again, and the app script carries a third of them at most', () => {
    expect(merged(first, rest)).toEqual(zhCN);
    expect(JSON.stringify(first).length).toBeLessThan(JSON.stringify(zhCN).length / 3);
  });

  test('every word the shell and the home page name is in the half the app script carries', () => {
    const missing: string[] = [];
    for (const file of FIRST_PAGE_FILES) {
      const source = fs.readFileSync(path.join(WEB, file), 'utf8');
      // 'ns.key.sub' in quotes, or the fixed start of a template literal: `ns.key.${…}`
      for (const m of source.matchAll(/['"`]([a-zA-Z]+(?:\.[a-zA-Z0-9_]+)+)(['"]|\.\$\{)/g)) {
        const key = m[1]!;
        if (at(zhCN, key) === undefined) continue; // not a word (a property path, a file name)
        if (at(first, key) === undefined || JSON.stringify(at(first, key)) !== JSON.stringify(at(zhCN, key)))
          missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('a path that is not in zh-CN.json is refused at build time', () => {
    expect(() => splitWords(zhCN, ['home.noSuchWord'])).toThrow(/home\.noSuchWord/);
  });
});
