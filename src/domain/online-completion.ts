/**
 * Whether a teacher completed a course online: the minutes of every item, every
 * assignment passed, enough qualified posts, enough original reflections. Pure: the counts in, what is
 * still missing out (empty: complete). The same list is the teacher's "still to do", the tutor's table
 * and, when the class is closed, the reasons beside the attendance rule's.
 */
import type { OnlineCompletionRule } from './online-course.js';

export interface OnlineItemFacts {
  itemId: number;
  title: string;
  requiredMinutes: number;
  countedSeconds: number;
}

export interface OnlineFacts {
  items: readonly OnlineItemFacts[];
  /** every assignment of the class passed; null: the class has no assignment */
  homeworkPassed: boolean | null;
  /** forum posts that count (long enough, original, not hidden) */
  posts: number;
  /** reflections that count (long enough, original) */
  reflections: number;
}

export type OnlineShortfall =
  | { code: 'study_minutes'; itemId: number; title: string; countedMinutes: number; requiredMinutes: number }
  | { code: 'homework' }
  | { code: 'posts'; counted: number; required: number }
  | { code: 'reflections'; counted: number; required: number };

/** Minutes as a teacher reads them: whole minutes, rounded down (59 s is not a minute). */
export const countedMinutes = (seconds: number) => Math.floor(seconds / 60 + 1e-9);

export function onlineShortfalls(rule: OnlineCompletionRule, f: OnlineFacts): OnlineShortfall[] {
  const out: OnlineShortfall[] = [];
  for (const item of f.items) {
    const minutes = countedMinutes(item.countedSeconds);
    if (minutes < item.requiredMinutes)
      out.push({
        code: 'study_minutes',
        itemId: item.itemId,
        title: item.title,
        countedMinutes: minutes,
        requiredMinutes: item.requiredMinutes,
      });
  }
  if (rule.homeworkRequired && f.homeworkPassed === false) out.push({ code: 'homework' });
  if (f.posts < rule.postsRequired) out.push({ code: 'posts', counted: f.posts, required: rule.postsRequired });
  if (f.reflections < rule.reflectionsRequired)
    out.push({ code: 'reflections', counted: f.reflections, required: rule.reflectionsRequired });
  return out;
}
