import type { Database } from '../db/database.js';
import { batchDefinitions } from '../domain/xapi-document.js';
import { upsertActivityDefinitions } from '../repositories/xapi-document.repository.js';

/**
 * Keeps the definitions of the activities newly stored statements name (for the Activities
 * resource), in the transaction that stores them: the batch's definitions are merged per activity
 * first, then into the province's canonical ones by one statement (see migrations/0024).
 */
export async function recordActivities(
  trx: Database,
  provinceId: number,
  statements: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  await upsertActivityDefinitions(trx, provinceId, batchDefinitions(statements));
}
