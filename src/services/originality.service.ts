import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { onlineCompletionOf, type OnlineCompletionRule } from '../domain/online-course.js';
import {
  compareWith,
  fingerprint as fingerprintOf,
  shingleSet,
  type Comparand,
  type Fingerprint,
  type TextRange,
} from '../domain/originality.js';
import { createReflectionRepository } from '../repositories/reflection.repository.js';
import type { ServiceDeps } from './context.js';

/** At most this many stored texts are compared exactly per check (those sharing the most band keys). */
export const CANDIDATE_LIMIT = 200;

/** What a text was most similar to: a stored reflection (its id stays on the server) or a prompt of the course. */
export type OriginalityMatch = { kind: 'reflection'; reflectionId: number } | { kind: 'prompt'; prompt: number };

export interface OriginalityResult {
  /** the highest share of the text found in one other text of the course (0–1, four decimals) */
  similarity: number;
  /** the passages of the text (UTF-16 offsets into it) found in similar texts */
  matchedRanges: TextRange[];
  match: OriginalityMatch | null;
}

export interface OriginalityInput {
  courseId: number;
  text: string;
  /** reflections not to compare with (the one being edited) */
  excludeIds?: readonly number[];
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * A text checked against its course's corpus: the submitted reflections of every class and year of
 * the course (found through the LSH band index, so only candidates are read) and the course's
 * prompts (all compared). Run it in the transaction that stores the result, after `lockBands`.
 * Returns the fingerprint too, for storing, and how many texts were compared exactly.
 */
export async function checkOriginality(
  db: Kysely<DB>,
  input: OriginalityInput,
  fp: Fingerprint = fingerprintOf(input.text),
): Promise<OriginalityResult & { fingerprint: Fingerprint; compared: number }> {
  const repo = createReflectionRepository(db);
  const [candidates, prompts] = await Promise.all([
    repo.candidates(input.courseId, fp.bands, input.excludeIds ?? [], CANDIDATE_LIMIT),
    repo.prompts(input.courseId),
  ]);
  const others: Comparand<OriginalityMatch>[] = [
    ...candidates.map((c) => ({ id: { kind: 'reflection' as const, reflectionId: c.id }, set: shingleSet(c.body) })),
    ...prompts.map((p, i) => ({ id: { kind: 'prompt' as const, prompt: i }, set: shingleSet(p) })),
  ];
  const r = compareWith(fp.shingles, others);
  return {
    similarity: round4(r.similarity),
    matchedRanges: r.matchedRanges,
    match: r.best?.id ?? null,
    fingerprint: fp,
    compared: others.length,
  };
}

/** The course's rule for reflections (the defaults when the course has no online settings). */
export async function reflectionRuleOf(db: Kysely<DB>, courseId: number): Promise<OnlineCompletionRule> {
  return onlineCompletionOf(await createReflectionRepository(db).completionRuleOfCourse(courseId));
}

/**
 * Originality for the rest of the product: a check of any text (a forum post) against a course's
 * corpus, and the number of a class's reflections that count, for its completion. These take no
 * access decision: the calling use case has made it.
 */
export function createOriginalityService(deps: ServiceDeps) {
  const { db } = deps;
  const repo = createReflectionRepository(db);

  async function classRule(classId: number): Promise<OnlineCompletionRule | null> {
    const c = await repo.class(classId);
    return c?.courseId ? onlineCompletionOf(c.completionRule) : null;
  }

  return {
    /**
     * @example
     * const { similarity, matchedRanges } = await services.originality.check({ courseId, text: post.body });
     * const original = similarity < rule.similarityThreshold;
     */
    async check(input: OriginalityInput, trx: Kysely<DB> = db): Promise<OriginalityResult> {
      const r = await checkOriginality(trx, input);
      return { similarity: r.similarity, matchedRanges: r.matchedRanges, match: r.match };
    },

    /** How many of the teacher's reflections in the class count (long enough and original, by the course's rule now). */
    async countedReflections(classId: number, teacherId: number, trx: Kysely<DB> = db): Promise<number> {
      const rule = await classRule(classId);
      if (!rule) return 0;
      return createReflectionRepository(trx).counted(
        classId,
        teacherId,
        rule.minReflectionChars,
        rule.similarityThreshold,
      );
    },

    /** The same for every teacher of the class at once (a teacher with none is absent from the map). */
    async countedReflectionsOfClass(classId: number, trx: Kysely<DB> = db): Promise<Map<number, number>> {
      const rule = await classRule(classId);
      if (!rule) return new Map();
      return createReflectionRepository(trx).countedByTeacher(
        classId,
        rule.minReflectionChars,
        rule.similarityThreshold,
      );
    },
  };
}

export type OriginalityService = ReturnType<typeof createOriginalityService>;
