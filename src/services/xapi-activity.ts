import type { Database } from '../db/database.js';

/**
 * Keeps the definitions of the activities newly stored statements name (for the Activities
 * resource), in the transaction that stores them.
 */
export async function recordActivities(
  _trx: Database,
  _provinceId: number,
  _statements: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {}
