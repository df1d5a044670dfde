import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Flags a teacher's active backbone titles for the certifying unit's decision (keep or revoke), inside
 * the caller's transaction: a duty of the year not done, or a pairing agreement not fulfilled (R-40,
 * A title already flagged keeps its first flag. Writes the title's history; the caller audits
 * its own decision. Answers the ids of the titles flagged now (none when the teacher holds no active title).
 *
 * @example await flagBackboneTitles(trx, { teacherId, reason: '师徒结对协议未履行', source: { kind: 'pair', id: pairId }, by: actor.userId })
 */
export async function flagBackboneTitles(
  trx: Kysely<DB>,
  f: {
    teacherId: number;
    reason: string;
    source: { kind: 'duty' | 'pair' | 'admin'; id: number | null };
    by: number | null;
  },
): Promise<number[]> {
  const rows = await trx
    .updateTable('backbone_title')
    .set({
      flagged_at: new Date(),
      flag_reason: f.reason,
      flag_source_kind: f.source.kind,
      flag_source_id: f.source.id,
    })
    .where('teacher_id', '=', f.teacherId)
    .where('status', '=', 'active')
    .where('flagged_at', 'is', null)
    .returning('id')
    .execute();
  const ids = rows.map((r) => Number(r.id));
  if (ids.length > 0)
    await trx
      .insertInto('backbone_title_event')
      .values(
        ids.map((id) => ({
          title_id: id,
          kind: 'flagged',
          reason: f.reason,
          actor_id: f.by,
          details: JSON.stringify({ source: f.source.kind, sourceId: f.source.id }),
        })),
      )
      .execute();
  return ids;
}
