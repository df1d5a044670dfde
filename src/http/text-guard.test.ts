import { describe, expect, it } from 'vitest';
import { hiddenCharFields } from './text-guard.js';

describe('hidden characters in a request body', () => {
  it('names every field that holds one, at any depth, keys included', () => {
    expect(
      hiddenCharFields({
        name: '第一小学',
        address: 'exe.\u202etxt',
        materials: [{ title: 'a', url: 'https://x.cn/\u200b' }],
        ['k\u2066']: 1,
        n: 3,
        b: null,
      }),
    ).toEqual(['address', 'materials.0.url', 'k\u2066']);
    expect(hiddenCharFields('\ufeff')).toEqual(['']);
    expect(hiddenCharFields({ text: '第一行\n第二行', emoji: '👩\u200d🏫' })).toEqual([]);
  });
});
