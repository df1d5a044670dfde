import { describe, expect, it } from 'vitest';
import { moveChapter, moveItem, type OrderChapter } from './content-order';

const item = (id: number, archived = false) => ({ id, archived });
const chapters: OrderChapter[] = [
  { id: 1, items: [item(11), item(12), item(19, true)] },
  { id: 2, items: [] },
  { id: 3, items: [item(31)] },
];

describe('the up and down buttons of a course’s content', () => {
  it('swap an item with its neighbour, leaving archived items out', () => {
    expect(moveItem(chapters, 12, -1)).toEqual([
      { chapterId: 1, itemIds: [12, 11] },
      { chapterId: 2, itemIds: [] },
      { chapterId: 3, itemIds: [31] },
    ]);
  });

  it('move an item into the next or previous chapter at its end, through empty chapters one at a time', () => {
    expect(moveItem(chapters, 12, 1)).toEqual([
      { chapterId: 1, itemIds: [11] },
      { chapterId: 2, itemIds: [12] },
      { chapterId: 3, itemIds: [31] },
    ]);
    expect(moveItem(chapters, 31, -1)).toEqual([
      { chapterId: 1, itemIds: [11, 12] },
      { chapterId: 2, itemIds: [31] },
      { chapterId: 3, itemIds: [] },
    ]);
    expect(moveItem(chapters, 11, -1)).toBeNull();
    expect(moveItem(chapters, 31, 1)).toBeNull();
  });

  it('swap chapters, not past the ends', () => {
    expect(moveChapter(chapters, 3, -1)?.map((c) => c.chapterId)).toEqual([1, 3, 2]);
    expect(moveChapter(chapters, 1, -1)).toBeNull();
    expect(moveChapter(chapters, 3, 1)).toBeNull();
  });

  it('leave what they were given unchanged', () => {
    const before = JSON.stringify(chapters);
    moveItem(chapters, 12, 1);
    moveChapter(chapters, 1, 1);
    expect(JSON.stringify(chapters)).toBe(before);
  });
});
