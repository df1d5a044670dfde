import type { Database } from '../db/database.js';
import type { LrsClient } from './lrs-client-auth.js';

/** A stored statement's actor, as the matcher sees it. */
export interface ActorToMatch {
  seq: number;
  /** the statement's actor object as sent */
  actor: Record<string, unknown>;
}

/** The teacher a statement is about, when the client's identity rule finds one inside the client's unit. */
export interface MatchedTeacher {
  teacherId: number;
  teacherPath: string;
}

/**
 * Matches the actors of newly stored statements to teachers of the client's unit by the client's
 * identity rule, in the transaction that stores them; null where nobody matches (the statement then
 * waits in the review queue). A teacher outside the client's unit is never matched (nor revealed).
 */
export async function matchActors(
  _trx: Database,
  _client: LrsClient,
  actors: ActorToMatch[],
): Promise<Array<MatchedTeacher | null>> {
  return actors.map(() => null);
}
