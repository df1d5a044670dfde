import { describe, expect, test } from 'vitest';
import { ERROR_STATUS } from '../../../src/errors/app-error';
import { ORG_UNIT_KINDS, ROLES, STAGES } from '../api/types';
import en from './en.json';
import zhCN from './zh-CN.json';

type Tree = { [key: string]: string | Tree };

/** Flattened keys; English plural forms (`x_one`, `x_other`) count as `x`. */
function keys(tree: Tree, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key.replace(/_(one|other)$/, '')}`;
    if (typeof value === 'string') out.add(path);
    else keys(value, `${path}.`).forEach((k) => out.add(k));
  }
  return out;
}

const zhKeys = keys(zhCN as Tree);
const enKeys = keys(en as Tree);

describe('UI translations', () => {
  test('Chinese and English have the same keys', () => {
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  test('every server error code has a message in both languages', () => {
    const missing = Object.keys(ERROR_STATUS).filter((code) => !zhKeys.has(`errors.${code}`) || !enKeys.has(`errors.${code}`));
    expect(missing).toEqual([]);
  });

  test('every role, unit kind and stage has a label', () => {
    const wanted = [
      ...ROLES.map((r) => `roles.${r}`),
      ...ORG_UNIT_KINDS.map((k) => `kinds.${k}`),
      ...STAGES.map((s) => `stages.${s}`),
    ];
    expect(wanted.filter((k) => !zhKeys.has(k) || !enKeys.has(k))).toEqual([]);
  });
});
