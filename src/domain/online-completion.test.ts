import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ONLINE_COMPLETION } from './online-course.js';
import { onlineShortfalls } from './online-completion.js';

const rule = { ...DEFAULT_ONLINE_COMPLETION, postsRequired: 2, reflectionsRequired: 5 };
const item = (required: number, seconds: number) => ({
  itemId: required,
  title: `第${required}讲`,
  requiredMinutes: required,
  countedSeconds: seconds,
});

describe('completing a course online', () => {
  it('names each thing still missing, and nothing once all is done', () => {
    expect(
      onlineShortfalls(rule, { items: [item(10, 599), item(5, 300)], homeworkPassed: false, posts: 1, reflections: 5 }),
    ).toEqual([
      { code: 'study_minutes', itemId: 10, title: '第10讲', countedMinutes: 9, requiredMinutes: 10 },
      { code: 'homework' },
      { code: 'posts', counted: 1, required: 2 },
    ]);
    expect(
      onlineShortfalls(rule, { items: [item(10, 600), item(5, 301)], homeworkPassed: true, posts: 2, reflections: 5 }),
    ).toEqual([]);
  });

  it('asks for no homework when the class has none, or when the course does not require it', () => {
    const facts = { items: [], homeworkPassed: null, posts: 9, reflections: 9 };
    expect(onlineShortfalls(rule, facts)).toEqual([]);
    expect(onlineShortfalls({ ...rule, homeworkRequired: false }, { ...facts, homeworkPassed: false })).toEqual([]);
  });

  it('is monotone: more minutes, posts or reflections never add a shortfall', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ r: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 5000 }) }), {
          maxLength: 6,
        }),
        fc.nat(10),
        fc.nat(10),
        fc.nat(600),
        (items, posts, reflections, more) => {
          const base = {
            items: items.map((x, i) => ({ ...item(x.r, x.s), itemId: i })),
            homeworkPassed: true,
            posts,
            reflections,
          };
          const better = {
            ...base,
            items: base.items.map((x) => ({ ...x, countedSeconds: x.countedSeconds + more })),
            posts: posts + 1,
            reflections: reflections + 1,
          };
          expect(onlineShortfalls(rule, better).length).toBeLessThanOrEqual(onlineShortfalls(rule, base).length);
        },
      ),
    );
  });
});
