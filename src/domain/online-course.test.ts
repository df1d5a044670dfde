import { describe, expect, it } from 'vitest';
import { countedChars, DEFAULT_STUDY_RULE, onlineCompletionOf, studyRuleOf } from './online-course.js';

describe('online course rules', () => {
  it('reads a stored rule with the defaults for what it leaves out or gets wrong', () => {
    expect(studyRuleOf({})).toEqual(DEFAULT_STUDY_RULE);
    expect(studyRuleOf({ maxSpeed: 2, allowSeek: true, presenceMinMinutes: 'x' })).toMatchObject({
      maxSpeed: 2,
      allowSeek: true,
      presenceMinMinutes: 10,
    });
    // a maximum below the minimum is raised to it
    expect(studyRuleOf({ presenceMinMinutes: 30, presenceMaxMinutes: 5 }).presenceMaxMinutes).toBe(30);
    expect(onlineCompletionOf(null).reflectionsRequired).toBe(5);
  });

  it('counts Chinese characters, letters and digits, not punctuation or spaces', () => {
    expect(countedChars('谢谢！你总是帮助我')).toBe(8);
    expect(countedChars('  ，。！？……  ')).toBe(0);
    expect(countedChars('用 AI 备课 3 次')).toBe(7);
  });
});
