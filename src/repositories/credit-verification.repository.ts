import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type VerificationStatus = 'open' | 'submitted' | 'signed_off' | 'returned';
export type ItemResult = 'verified' | 'not_verified' | 'exempt' | 'not_in_scope';

export interface VerificationRow {
  id: number;
  provinceId: number;
  cycleId: number;
  year: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  status: VerificationStatus;
  teachers: number;
  verified: number;
  openedAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  decidedByName: string | null;
  decisionNote: string | null;
}

export interface VerificationItemRow {
  teacherId: number;
  teacherName: string;
  idNumberMasked: string;
  computed: 'passed' | 'failed' | 'not_in_scope';
  failures: unknown[];
  yearHours: number;
  exception: 'exempt' | 'failed' | null;
  exceptionReason: string | null;
  result: ItemResult;
}

/** A school's year as the county's list shows it: `not_started` while the school has not opened it. */
export type SchoolYearStatus = 'not_started' | VerificationStatus;
export const SCHOOL_YEAR_STATUSES: readonly SchoolYearStatus[] = [
  'not_started',
  'open',
  'returned',
  'submitted',
  'signed_off',
];

export interface SchoolYearRow {
  orgUnitId: number;
  orgUnitName: string;
  verificationId: number | null;
  status: SchoolYearStatus;
  /** the year's teachers; for a school not started, the teachers it keeps now */
  teachers: number;
  verified: number | null;
  openedAt: Date | null;
  submittedAt: Date | null;
  decidedAt: Date | null;
  decidedByName: string | null;
}

function selectVerifications(db: Q) {
  return db
    .selectFrom('credit_verification as v')
    .innerJoin('org_unit as o', 'o.id', 'v.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'v.decided_by')
    .select([
      'v.id',
      'v.province_id as provinceId',
      'v.cycle_id as cycleId',
      'v.year',
      'v.org_unit_id as orgUnitId',
      'o.name as orgUnitName',
      'v.org_path as orgPath',
      'v.status',
      'v.teachers',
      'v.verified',
      'v.opened_at as openedAt',
      'v.submitted_at as submittedAt',
      'v.decided_at as decidedAt',
      'u.display_name as decidedByName',
      'v.decision_note as decisionNote',
    ]);
}

export interface ReversalRequestRow {
  id: number;
  entryId: number;
  orgPath: string;
  reason: string;
  status: string;
  requestedBy: number | null;
}

function selectReversalRequest(db: Q, id: number) {
  return db
    .selectFrom('credit_reversal_request')
    .select(['id', 'entry_id as entryId', 'org_path as orgPath', 'reason', 'status', 'requested_by as requestedBy'])
    .where('id', '=', id);
}

/** Annual verification (年度验证, R-16) of a school's year, and its per-teacher results. */
export function createCreditVerificationRepository(db: Q) {
  return {
    async find(id: number): Promise<VerificationRow | undefined> {
      return (await selectVerifications(db).where('v.id', '=', id).executeTakeFirst()) as VerificationRow | undefined;
    },

    async findFor(cycleId: number, year: number, orgUnitId: number): Promise<VerificationRow | undefined> {
      return (await selectVerifications(db)
        .where('v.cycle_id', '=', cycleId)
        .where('v.year', '=', year)
        .where('v.org_unit_id', '=', orgUnitId)
        .executeTakeFirst()) as VerificationRow | undefined;
    },

    async lock(id: number): Promise<{ status: VerificationStatus } | undefined> {
      return (await db
        .selectFrom('credit_verification')
        .select('status')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()) as { status: VerificationStatus } | undefined;
    },

    async under(
      path: string,
      cycleId: number,
      year: number | undefined,
      status: VerificationStatus | undefined,
      limit = 500,
    ): Promise<VerificationRow[]> {
      let q = selectVerifications(db)
        .where('v.cycle_id', '=', cycleId)
        .where('v.org_path', 'like', `${escapeLike(path)}%`);
      if (year !== undefined) q = q.where('v.year', '=', year);
      if (status) q = q.where('v.status', '=', status);
      return (await q.orderBy('v.year', 'desc').orderBy('o.name').limit(limit).execute()) as VerificationRow[];
    },

    /**
     * Every school under `path` with its year, a school that has not opened it included (status
     * `not_started`): schools, and township centre schools that keep teachers themselves. One page
     * in name order, the number of matches and the count of each status over all of them.
     */
    async schoolsUnder(q: {
      provinceId: number;
      path: string;
      cycleId: number;
      year: number;
      status: SchoolYearStatus | undefined;
      limit: number;
      offset: number;
    }): Promise<{ items: SchoolYearRow[]; total: number; counts: Record<SchoolYearStatus, number> }> {
      const schools = db
        .selectFrom('org_unit as o')
        .leftJoin('credit_verification as v', (j) =>
          j.onRef('v.org_unit_id', '=', 'o.id').on('v.cycle_id', '=', q.cycleId).on('v.year', '=', q.year),
        )
        .where('o.province_id', '=', q.provinceId)
        .where('o.path', 'like', `${escapeLike(q.path)}%`)
        .where((eb) =>
          eb.or([
            eb('o.kind', '=', 'school'),
            eb.and([
              eb('o.kind', '=', 'township'),
              eb.exists(eb.selectFrom('teacher as t').select(sql`1`.as('one')).whereRef('t.org_unit_id', '=', 'o.id')),
            ]),
          ]),
        );
      const statusOf = sql<SchoolYearStatus>`coalesce(v.status, 'not_started')`;
      let page = schools
        .leftJoin('app_user as u', 'u.id', 'v.decided_by')
        .select([
          'o.id as orgUnitId',
          'o.name as orgUnitName',
          'v.id as verificationId',
          statusOf.as('status'),
          'v.teachers',
          'v.verified',
          'v.opened_at as openedAt',
          'v.submitted_at as submittedAt',
          'v.decided_at as decidedAt',
          'u.display_name as decidedByName',
        ]);
      if (q.status === 'not_started') page = page.where('v.id', 'is', null);
      else if (q.status) page = page.where('v.status', '=', q.status);
      const [rows, counted] = await Promise.all([
        page.orderBy('o.name').orderBy('o.id').limit(q.limit).offset(q.offset).execute(),
        schools
          .select([statusOf.as('status'), sql<number>`count(*)::int`.as('n')])
          .groupBy(statusOf)
          .execute(),
      ]);
      // a school not started yet shows how many teachers it keeps now
      const waiting = rows.filter((r) => r.verificationId === null).map((r) => r.orgUnitId);
      const kept = new Map<number, number>();
      if (waiting.length > 0) {
        const byUnit = await db
          .selectFrom('teacher')
          .select(['org_unit_id as orgUnitId', sql<number>`count(*)::int`.as('n')])
          .where('org_unit_id', 'in', waiting)
          .groupBy('org_unit_id')
          .execute();
        for (const r of byUnit) kept.set(r.orgUnitId, r.n);
      }
      const counts: Record<SchoolYearStatus, number> = {
        not_started: 0,
        open: 0,
        returned: 0,
        submitted: 0,
        signed_off: 0,
      };
      for (const c of counted) counts[c.status] = c.n;
      const total = q.status ? counts[q.status] : Object.values(counts).reduce((s, n) => s + n, 0);
      return {
        items: rows.map((r) => ({
          ...r,
          teachers: r.verificationId === null ? (kept.get(r.orgUnitId) ?? 0) : (r.teachers ?? 0),
          verified: r.verificationId === null ? null : (r.verified ?? 0),
        })),
        total,
        counts,
      };
    },

    /** Opens a school's year; when it exists already (opened concurrently) returns undefined. */
    async insert(v: {
      provinceId: number;
      cycleId: number;
      year: number;
      orgUnitId: number;
      orgPath: string;
      openedBy: number;
    }): Promise<number | undefined> {
      const r = await db
        .insertInto('credit_verification')
        .values({
          province_id: v.provinceId,
          cycle_id: v.cycleId,
          year: v.year,
          org_unit_id: v.orgUnitId,
          org_path: v.orgPath,
          status: 'open',
          opened_by: v.openedBy,
        })
        .onConflict((oc) => oc.columns(['cycle_id', 'year', 'org_unit_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return r?.id;
    },

    async setStatus(id: number, status: VerificationStatus, by: number, note: string | null = null): Promise<void> {
      const now = new Date();
      const stamp =
        status === 'submitted'
          ? { submitted_by: by, submitted_at: now }
          : status === 'signed_off' || status === 'returned'
            ? { decided_by: by, decided_at: now, decision_note: note }
            : { opened_by: by, opened_at: now };
      await db
        .updateTable('credit_verification')
        .set({ status, ...stamp })
        .where('id', '=', id)
        .execute();
    },

    /** Replaces the computed part of the items, keeping the school's exceptions of teachers still listed. */
    async replaceItems(
      id: number,
      items: Array<{
        teacherId: number;
        computed: 'passed' | 'failed' | 'not_in_scope';
        failures: unknown[];
        yearHours: number;
      }>,
    ): Promise<void> {
      const keep = await db
        .selectFrom('credit_verification_item')
        .select(['teacher_id', 'exception', 'exception_reason'])
        .where('verification_id', '=', id)
        .execute();
      const exceptions = new Map(keep.map((k) => [k.teacher_id, k]));
      await db.deleteFrom('credit_verification_item').where('verification_id', '=', id).execute();
      for (let i = 0; i < items.length; i += 2_000) {
        await db
          .insertInto('credit_verification_item')
          .values(
            items.slice(i, i + 2_000).map((it) => {
              const ex = exceptions.get(it.teacherId);
              const exception = (ex?.exception ?? null) as 'exempt' | 'failed' | null;
              return {
                verification_id: id,
                teacher_id: it.teacherId,
                computed: it.computed,
                failures: JSON.stringify(it.failures),
                year_hours: it.yearHours,
                exception,
                exception_reason: ex?.exception_reason ?? null,
                result: resultOf(it.computed, exception),
              };
            }),
          )
          .execute();
      }
      await this.recount(id);
    },

    async setException(
      id: number,
      teacherId: number,
      exception: 'exempt' | 'failed' | null,
      reason: string | null,
    ): Promise<boolean> {
      const row = await db
        .selectFrom('credit_verification_item')
        .select('computed')
        .where('verification_id', '=', id)
        .where('teacher_id', '=', teacherId)
        .executeTakeFirst();
      if (!row) return false;
      await db
        .updateTable('credit_verification_item')
        .set({
          exception,
          exception_reason: reason,
          result: resultOf(row.computed as 'passed' | 'failed' | 'not_in_scope', exception),
        })
        .where('verification_id', '=', id)
        .where('teacher_id', '=', teacherId)
        .execute();
      await this.recount(id);
      return true;
    },

    async recount(id: number): Promise<void> {
      await sql`UPDATE credit_verification v SET teachers = x.n, verified = x.ok
        FROM (SELECT count(*)::int AS n, count(*) FILTER (WHERE result = 'verified')::int AS ok FROM credit_verification_item WHERE verification_id = ${id}) x
        WHERE v.id = ${id}`.execute(db);
    },

    async items(id: number): Promise<VerificationItemRow[]> {
      return (await db
        .selectFrom('credit_verification_item as i')
        .innerJoin('teacher as t', 't.id', 'i.teacher_id')
        .select([
          'i.teacher_id as teacherId',
          't.name as teacherName',
          't.id_number_masked as idNumberMasked',
          'i.computed',
          'i.failures',
          'i.year_hours as yearHours',
          'i.exception',
          'i.exception_reason as exceptionReason',
          'i.result',
        ])
        .where('i.verification_id', '=', id)
        .orderBy('t.name')
        .orderBy('t.id')
        .execute()) as VerificationItemRow[];
    },

    /** Signed-off years among the given (school, year) pairs of a cycle, as 'school:year' keys. */
    async signedOff(cycleId: number, pairs: Array<{ orgUnitId: number; year: number }>): Promise<Set<string>> {
      if (pairs.length === 0) return new Set();
      const schools = [...new Set(pairs.map((p) => p.orgUnitId))];
      const years = [...new Set(pairs.map((p) => p.year))];
      const rows = await db
        .selectFrom('credit_verification')
        .select(['org_unit_id', 'year'])
        .where('cycle_id', '=', cycleId)
        .where('status', '=', 'signed_off')
        .where('org_unit_id', 'in', schools)
        .where('year', 'in', years)
        .execute();
      return new Set(rows.map((r) => `${r.org_unit_id}:${r.year}`));
    },

    // ------------------------------------------------------------------ changes to signed-off years

    /** A pending request to reverse an entry of a locked year; undefined when one is pending already. */
    async insertReversalRequest(r: {
      provinceId: number;
      entryId: number;
      orgPath: string;
      reason: string;
      requestedBy: number;
    }): Promise<number | undefined> {
      const row = await db
        .insertInto('credit_reversal_request')
        .values({
          province_id: r.provinceId,
          entry_id: r.entryId,
          org_path: r.orgPath,
          reason: r.reason,
          status: 'pending',
          requested_by: r.requestedBy,
        })
        .onConflict((oc) => oc.column('entry_id').where('status', '=', 'pending').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },

    async lockReversalRequest(id: number): Promise<ReversalRequestRow | undefined> {
      return selectReversalRequest(db, id).forUpdate().executeTakeFirst();
    },

    async findReversalRequest(id: number): Promise<ReversalRequestRow | undefined> {
      return selectReversalRequest(db, id).executeTakeFirst();
    },

    async decideReversalRequest(
      id: number,
      status: 'approved' | 'rejected',
      by: number,
      note: string | null,
    ): Promise<void> {
      await db
        .updateTable('credit_reversal_request')
        .set({ status, decided_by: by, decided_at: new Date(), decision_note: note })
        .where('id', '=', id)
        .execute();
    },

    async reversalRequestsUnder(path: string, status: 'pending' | 'approved' | 'rejected' | undefined, limit = 200) {
      let q = db
        .selectFrom('credit_reversal_request as r')
        .innerJoin('credit_entry as e', 'e.id', 'r.entry_id')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 'e.org_unit_id')
        .leftJoin('app_user as u', 'u.id', 'r.requested_by')
        .select([
          'r.id',
          'r.entry_id as entryId',
          'r.reason',
          'r.status',
          'r.requested_at as requestedAt',
          'r.decided_at as decidedAt',
          'r.decision_note as decisionNote',
          'u.display_name as requestedByName',
          't.name as teacherName',
          'o.name as orgUnitName',
          'e.title',
          'e.hours',
          'e.year',
          'e.occurred_on as occurredOn',
        ])
        .where('r.org_path', 'like', `${escapeLike(path)}%`);
      if (status) q = q.where('r.status', '=', status);
      return q.orderBy('r.id', 'desc').limit(limit).execute();
    },
  };
}

export interface TeacherYearResult {
  year: number;
  status: VerificationStatus;
  result: ItemResult;
  exceptionReason: string | null;
}

/** Verification results by year (`i` the item, `v` its verification): the caller names the teacher and the cycle. */
export function selectTeacherResults(db: Q) {
  return db
    .selectFrom('credit_verification_item as i')
    .innerJoin('credit_verification as v', 'v.id', 'i.verification_id')
    .select(['v.year', 'v.status', 'i.result', 'i.exception_reason as exceptionReason'])
    .orderBy('v.year');
}

/** The school's exception overrides what the rules computed; outside the scope stays outside. */
export function resultOf(
  computed: 'passed' | 'failed' | 'not_in_scope',
  exception: 'exempt' | 'failed' | null,
): ItemResult {
  if (computed === 'not_in_scope') return 'not_in_scope';
  if (exception === 'exempt') return 'exempt';
  if (exception === 'failed') return 'not_verified';
  return computed === 'passed' ? 'verified' : 'not_verified';
}
