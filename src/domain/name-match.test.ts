import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from './name-match.js';

const SCHOOLS = [
  '桦甸市第一实验小学',
  '桦甸市第二实验小学',
  '桦甸市第一中学',
  '桦甸市红石镇中心校',
  '蛟河市实验小学',
  '舒兰市第一高级中学',
];

describe('closest names', () => {
  it('counts edits in whole characters', () => {
    expect(editDistance([...'𠮷野家'], [...'吉野家'])).toBe(1);
    expect(editDistance([...'abc'], [...''])).toBe(3);
  });

  it('offers the names of a left-out, mistyped or swapped character first, three at most', () => {
    expect(closestNames('桦甸第一实验小学', SCHOOLS)).toEqual([
      '桦甸市第一实验小学',
      '桦甸市第二实验小学',
      '桦甸市第一中学',
    ]);
    expect(closestNames('华甸市第一中学', SCHOOLS)[0]).toBe('桦甸市第一中学');
    expect(closestNames('红石镇中心学校', SCHOOLS)).toEqual(['桦甸市红石镇中心校']);
  });

  it('offers nothing for a name that shares little with any', () => {
    expect(closestNames('长春市朝阳区幼儿园', SCHOOLS)).toEqual([]);
    expect(closestNames('', SCHOOLS)).toEqual([]);
  });
});
