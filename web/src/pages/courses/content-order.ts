/**
 * The up and down buttons of a course's content: the order the server is sent after one move. An item
 * at the top of its chapter moving up goes to the end of the chapter before; at the bottom moving down,
 * to the start of the next. Archived items keep their place and are not sent.
 */
export interface OrderChapter {
  id: number;
  items: ReadonlyArray<{ id: number; archived: boolean }>;
}

export type Order = Array<{ chapterId: number; itemIds: number[] }>;

const current = (chapters: readonly OrderChapter[]): Order =>
  chapters.map((c) => ({ chapterId: c.id, itemIds: c.items.filter((i) => !i.archived).map((i) => i.id) }));

/** The order with one chapter moved up (-1) or down (+1); null when it cannot move that way. */
export function moveChapter(chapters: readonly OrderChapter[], chapterId: number, dir: -1 | 1): Order | null {
  const order = current(chapters);
  const at = order.findIndex((c) => c.chapterId === chapterId);
  const to = at + dir;
  if (at < 0 || to < 0 || to >= order.length) return null;
  [order[at], order[to]] = [order[to]!, order[at]!];
  return order;
}

/** The order with one item moved up (-1) or down (+1), across chapters at their ends; null when it cannot move. */
export function moveItem(chapters: readonly OrderChapter[], itemId: number, dir: -1 | 1): Order | null {
  const order = current(chapters);
  const c = order.findIndex((x) => x.itemIds.includes(itemId));
  if (c < 0) return null;
  const items = order[c]!.itemIds;
  const at = items.indexOf(itemId);
  const to = at + dir;
  if (to >= 0 && to < items.length) {
    [items[at], items[to]] = [items[to]!, items[at]!];
    return order;
  }
  const next = order[c + dir];
  if (!next) return null;
  items.splice(at, 1);
  if (dir < 0) next.itemIds.push(itemId);
  else next.itemIds.unshift(itemId);
  return order;
}
