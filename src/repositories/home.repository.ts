import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

const under = (path: string) => `${escapeLike(path)}%`;
const count = sql<number>`count(*)::int`.as('n');

/**
 * The counts of an administrator's home page (工作台): what waits for them in their subtree. Every
 * count reads existing tables with the subtree's path prefix; nothing is kept for it.
 */
export function createHomeRepository(db: Q) {
  return {
    /** Schools' years submitted for sign-off, per year of the cycle. */
    async verificationsSubmitted(path: string, cycleId: number): Promise<Array<{ year: number; n: number }>> {
      return db
        .selectFrom('credit_verification')
        .select(['year', count])
        .where('cycle_id', '=', cycleId)
        .where('status', '=', 'submitted')
        .where('org_path', 'like', under(path))
        .groupBy('year')
        .orderBy('year')
        .execute();
    },

    /** Plans of the units below `path` waiting for a decision. */
    async plansSubmitted(path: string): Promise<number> {
      const r = await db
        .selectFrom('training_plan')
        .select(count)
        .where('status', '=', 'submitted')
        .where('org_path', 'like', under(path))
        .where('org_path', '!=', path)
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async correctionsOpen(path: string): Promise<number> {
      const r = await db
        .selectFrom('teacher_correction')
        .select(count)
        .where('status', '=', 'open')
        .where('org_path', 'like', under(path))
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async reviewsOpen(path: string, cycleId: number): Promise<number> {
      const r = await db
        .selectFrom('credit_review_request')
        .select(count)
        .where('status', '=', 'open')
        .where('cycle_id', '=', cycleId)
        .where('org_path', 'like', under(path))
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async reversalsPending(path: string): Promise<number> {
      const r = await db
        .selectFrom('credit_reversal_request')
        .select(count)
        .where('status', '=', 'pending')
        .where('org_path', 'like', under(path))
        .executeTakeFirstOrThrow();
      return r.n;
    },

    /**
     * Open projects run inside `path` or above it (the ones its teachers may join) whose registration
     * closes between `from` and `to` (dates, inclusive).
     */
    async registrationsClosing(provinceId: number, linePaths: string[], path: string, from: string, to: string) {
      const r = await db
        .selectFrom('training_project')
        .select(count)
        .where('province_id', '=', provinceId)
        .where('status', '=', 'open')
        .where((eb) => eb.or([eb('org_path', 'like', under(path)), eb('org_path', 'in', linePaths)]))
        .where('registration_closes', '>=', from)
        .where('registration_closes', '<=', to)
        .executeTakeFirstOrThrow();
      return r.n;
    },

    /**
     * Units of the subtree that have not opened their year of the cycle, counted as the verification list
     * shows them `not_started`: schools, and township centre schools that keep teachers themselves.
     */
    async schoolsNotOpened(path: string, cycleId: number, year: number): Promise<number> {
      const r = await db
        .selectFrom('org_unit as o')
        .select(count)
        .where('o.path', 'like', under(path))
        .where((eb) =>
          eb.or([
            eb('o.kind', '=', 'school'),
            eb.and([
              eb('o.kind', '=', 'township'),
              eb.exists(eb.selectFrom('teacher as t').select(sql`1`.as('one')).whereRef('t.org_unit_id', '=', 'o.id')),
            ]),
          ]),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('credit_verification as v')
                .select(sql`1`.as('one'))
                .whereRef('v.org_unit_id', '=', 'o.id')
                .where('v.cycle_id', '=', cycleId)
                .where('v.year', '=', year),
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      return r.n;
    },

    /** Verifications of the year in the subtree opened (or returned) and not submitted yet. */
    async verificationsNotSubmitted(path: string, cycleId: number, year: number): Promise<number> {
      const r = await db
        .selectFrom('credit_verification as v')
        .select(count)
        .where('v.org_path', 'like', under(path))
        .where('v.cycle_id', '=', cycleId)
        .where('v.year', '=', year)
        .where('v.status', 'in', ['open', 'returned'])
        .executeTakeFirstOrThrow();
      return r.n;
    },
  };
}
