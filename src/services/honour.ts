import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { newCertificateCode } from './certificate.service.js';

/** What an honour is (see migrations/0025_programmes.sql `honour`). */
export type HonourKind =
  | 'competition_award'
  | 'organisation_award'
  | 'advanced_unit'
  | 'outstanding_admin'
  | 'outstanding_trainee'
  | 'pair_award';
export type HonourGrade = 'first' | 'second' | 'third' | 'excellent' | 'organisation';

export interface HonourInput {
  provinceId: number;
  kind: HonourKind;
  /** a teacher's honour names the teacher; an administrator's the account; a unit's neither */
  teacherId?: number | null;
  userId?: number | null;
  /** the honoured unit, or the teacher's school (the row is scoped by its path) */
  orgUnitId: number;
  orgPath: string;
  recipientName: string;
  awardedByUnitId: number;
  awardedByPath: string;
  title: string;
  grade?: HonourGrade | null;
  year: number;
  source: { kind: 'competition' | 'commendation' | 'pair'; id: number };
  awardedOn: string;
  createdBy: number | null;
}

/**
 * Records an honour inside the caller's transaction (it commits with the decision that gives it) and
 * answers its id and the code the public /verify/<code> page checks. The caller audits the decision.
 *
 * @example await recordHonour(trx, { provinceId, kind: 'competition_award', teacherId, ..., grade: 'first' })
 */
export async function recordHonour(trx: Kysely<DB>, h: HonourInput): Promise<{ id: number; code: string }> {
  const code = `H${newCertificateCode()}`;
  const row = await trx
    .insertInto('honour')
    .values({
      province_id: h.provinceId,
      kind: h.kind,
      teacher_id: h.teacherId ?? null,
      user_id: h.userId ?? null,
      org_unit_id: h.orgUnitId,
      org_path: h.orgPath,
      recipient_name: h.recipientName,
      awarded_by_unit_id: h.awardedByUnitId,
      awarded_by_path: h.awardedByPath,
      title: h.title,
      grade: h.grade ?? null,
      year: h.year,
      source_kind: h.source.kind,
      source_id: h.source.id,
      code,
      awarded_on: h.awardedOn,
      created_by: h.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), code };
}

/**
 * Revokes an honour, keeping its row: the verify page shows it as revoked with the date. Answers
 * false when it was already revoked (nothing changes then).
 */
export async function revokeHonour(
  trx: Kysely<DB>,
  r: { id: number; reason: string; by: number | null },
): Promise<boolean> {
  const res = await trx
    .updateTable('honour')
    .set({ revoked_at: new Date(), revoked_by: r.by, revoke_reason: r.reason })
    .where('id', '=', r.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
