/**
 * Online courses (R-13, R-20 网络, R-35, R-36): how a course's study is counted and what completes it
 * online. Both are kept per course (`course_online`) as JSON; a key left out takes its default here,
 * so a course set up before a rule existed keeps working.
 */

/** How study minutes are counted (domain/study-minutes.ts). */
export interface StudyRule {
  /** the fastest playback that still counts, e.g. 1.5 (×) */
  maxSpeed: number;
  /** whether a teacher may jump ahead of the furthest point watched */
  allowSeek: boolean;
  /** presence checks (还在学习吗？) come at a random moment between these many minutes apart */
  presenceMinMinutes: number;
  presenceMaxMinutes: number;
  /** an unanswered check stops the clock after this many seconds, until it is answered */
  presenceTimeoutSeconds: number;
}

/** What completes a course online, beside the minutes of each item. */
export interface OnlineCompletionRule {
  /** every assignment of the class passed (研修作业) */
  homeworkRequired: boolean;
  /** forum posts (班级研讨) that count: long enough and original */
  postsRequired: number;
  /** a post counts from this many Chinese characters (letters and digits count too; punctuation and spaces do not) */
  minPostChars: number;
  /** original reflections (研修日志/心得) */
  reflectionsRequired: number;
  minReflectionChars: number;
  /** a reflection at or above this similarity (0–1) to another text does not count */
  similarityThreshold: number;
}

export const DEFAULT_STUDY_RULE: StudyRule = {
  maxSpeed: 1.5,
  allowSeek: false,
  presenceMinMinutes: 10,
  presenceMaxMinutes: 20,
  presenceTimeoutSeconds: 60,
};

export const DEFAULT_ONLINE_COMPLETION: OnlineCompletionRule = {
  homeworkRequired: true,
  postsRequired: 2,
  minPostChars: 20,
  reflectionsRequired: 5,
  minReflectionChars: 200,
  similarityThreshold: 0.5,
};

export const STUDY_RULE_LIMITS = {
  maxSpeed: { min: 1, max: 4 },
  presenceMinutes: { min: 1, max: 120 },
  presenceTimeoutSeconds: { min: 15, max: 600 },
} as const;

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The stored JSON read as a rule: missing or malformed keys take the defaults. */
export function studyRuleOf(stored: unknown): StudyRule {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const d = DEFAULT_STUDY_RULE;
  const min = num(s['presenceMinMinutes'], d.presenceMinMinutes);
  return {
    maxSpeed: num(s['maxSpeed'], d.maxSpeed),
    allowSeek: typeof s['allowSeek'] === 'boolean' ? s['allowSeek'] : d.allowSeek,
    presenceMinMinutes: min,
    presenceMaxMinutes: Math.max(min, num(s['presenceMaxMinutes'], d.presenceMaxMinutes)),
    presenceTimeoutSeconds: num(s['presenceTimeoutSeconds'], d.presenceTimeoutSeconds),
  };
}

export function onlineCompletionOf(stored: unknown): OnlineCompletionRule {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const d = DEFAULT_ONLINE_COMPLETION;
  return {
    homeworkRequired: typeof s['homeworkRequired'] === 'boolean' ? s['homeworkRequired'] : d.homeworkRequired,
    postsRequired: num(s['postsRequired'], d.postsRequired),
    minPostChars: num(s['minPostChars'], d.minPostChars),
    reflectionsRequired: num(s['reflectionsRequired'], d.reflectionsRequired),
    minReflectionChars: num(s['minReflectionChars'], d.minReflectionChars),
    similarityThreshold: num(s['similarityThreshold'], d.similarityThreshold),
  };
}

/**
 * The length of a text as a Chinese reader counts it: every character that is a letter or a digit of
 * any script (a Han character is one), without punctuation, symbols and spaces. "谢谢！你总是帮助我" is 8.
 */
export function countedChars(text: string): number {
  let n = 0;
  for (const ch of text.normalize('NFC')) if (/[\p{L}\p{N}]/u.test(ch)) n += 1;
  return n;
}
