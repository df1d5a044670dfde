/**
 * The class forum (班级研讨, R-31): whether a post counts toward a teacher's participation. A post counts
 * when it is long enough, counted in Chinese characters (`countedChars`, the course's `minPostChars`),
 * original (below the course's `similarityThreshold`) and not hidden by a moderator.
 */

/** Why a post does not count. */
export const POST_WHY_NOT = ['too_short', 'not_original', 'hidden'] as const;
export type PostWhyNot = (typeof POST_WHY_NOT)[number];

/** Open reports, and the two answers a moderator gives to one. */
export const REPORT_STATUSES = ['open', 'dismissed', 'hidden'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** At most this many teachers of a class moderate its forum beside its tutors. */
export const MAX_MODERATORS = 20;

export interface PostFacts {
  /** countedChars(body) */
  chars: number;
  minChars: number;
  /** the highest similarity an originality check found, null when none was made */
  similarity: number | null;
  threshold: number;
  hidden: boolean;
}

/**
 * Whether a post counts, and if not the first reason a teacher should hear: hidden, then too short,
 * then not original.
 *
 * @example postCounts({ chars: 8, minChars: 8, similarity: null, threshold: 0.5, hidden: false }) // { counts: true, whyNot: null }
 */
export function postCounts(p: PostFacts): { counts: boolean; whyNot: PostWhyNot | null } {
  const whyNot: PostWhyNot | null = p.hidden
    ? 'hidden'
    : p.chars < p.minChars
      ? 'too_short'
      : p.similarity !== null && p.similarity >= p.threshold
        ? 'not_original'
        : null;
  return { counts: whyNot === null, whyNot };
}
