import type { Database } from '../db/database.js';

/**
 * Applies the mapping rules to statements (by seq) that became matched after they were stored (a
 * review-queue decision), in the caller's transaction.
 */
export async function applyMappingRules(_trx: Database, _provinceId: number, _seqs: number[]): Promise<void> {}
