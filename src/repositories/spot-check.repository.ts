import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { linePaths } from '../domain/message.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type SpotCheckStatus = 'draft' | 'committed' | 'drawn' | 'published';

/** Which teachers of the subtree are eligible; an empty or missing list means any. */
export interface SpotCheckCriteria {
  stages?: string[];
  subjects?: string[];
  employments?: string[];
}

export interface SpotCheckFields {
  title: string;
  year: number;
  ratePercent: number;
  minPerUnit: number;
  criteria: SpotCheckCriteria;
}

export interface SpotCheckRow extends SpotCheckFields {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  status: SpotCheckStatus;
  listSha256: string | null;
  seedSha256: string | null;
  /** secret until the draw: the service never lets it out before */
  seed: string | null;
  committedAt: Date | null;
  drawnAt: Date | null;
  resultsPublishedAt: Date | null;
  createdAt: Date;
}

export interface SpotCheckUnitRow {
  unitId: number;
  name: string;
  path: string;
  eligible: number;
  sampleSize: number;
}

export interface CandidateRow {
  unitId: number;
  teacherId: number;
  listKey: string;
  name: string;
  /** the teacher's school at the time of the list */
  orgPath: string;
  schoolName: string;
  drawn: boolean;
  userId: number | null;
}

export interface ExamLinkRow {
  id: number;
  title: string;
  status: string;
}

export interface ResultRow {
  teacherId: number;
  name: string;
  orgPath: string;
  unitId: number;
  schoolName: string;
  examScore: number | null;
  composite: number | null;
  level: string | null;
  passed: boolean;
}

function selectSpotChecks(db: Q) {
  return db
    .selectFrom('spot_check as s')
    .innerJoin('org_unit as o', 'o.id', 's.org_unit_id')
    .select([
      's.id',
      's.province_id as provinceId',
      's.org_unit_id as orgUnitId',
      's.org_path as orgPath',
      'o.name as orgUnitName',
      's.title',
      's.year',
      sql<number>`s.rate_percent::float8`.as('ratePercent'),
      's.min_per_unit as minPerUnit',
      sql<SpotCheckCriteria>`s.criteria`.as('criteria'),
      sql<SpotCheckStatus>`s.status`.as('status'),
      's.list_sha256 as listSha256',
      's.seed_sha256 as seedSha256',
      's.seed',
      's.committed_at as committedAt',
      's.drawn_at as drawnAt',
      's.results_published_at as resultsPublishedAt',
      's.created_at as createdAt',
    ]);
}

/** The spot-checks (抽测) of R-34: drafts, the frozen list of candidates, the draw, the results. */
export function createSpotCheckRepository(db: Q) {
  return {
    async find(id: number): Promise<SpotCheckRow | undefined> {
      return selectSpotChecks(db).where('s.id', '=', id).executeTakeFirst();
    },

    /** Locks the row for a change of state. */
    async lock(id: number): Promise<void> {
      await db.selectFrom('spot_check').select('id').where('id', '=', id).forUpdate().execute();
    },

    /**
     * The spot-checks a reader sees: organised in their subtree, or above them (what their unit was
     * drawn from), drafts only in their subtree; newest year first.
     */
    async list(
      readerPath: string,
      opts: { year?: number; limit: number; offset: number },
    ): Promise<{ items: SpotCheckRow[]; total: number }> {
      const above = linePaths(readerPath).filter((p) => p !== readerPath);
      let q = selectSpotChecks(db).where((eb) =>
        eb.or([
          eb('s.org_path', 'like', `${escapeLike(readerPath)}%`),
          ...(above.length ? [eb.and([eb('s.org_path', 'in', above), eb('s.status', '<>', 'draft')])] : []),
        ]),
      );
      if (opts.year !== undefined) q = q.where('s.year', '=', opts.year);
      const items = await q
        .orderBy('s.year', 'desc')
        .orderBy('s.id', 'desc')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute();
      const count = await db
        .selectFrom('spot_check as s')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) =>
          eb.or([
            eb('s.org_path', 'like', `${escapeLike(readerPath)}%`),
            ...(above.length ? [eb.and([eb('s.org_path', 'in', above), eb('s.status', '<>', 'draft')])] : []),
          ]),
        )
        .$if(opts.year !== undefined, (qb) => qb.where('s.year', '=', opts.year as number))
        .executeTakeFirstOrThrow();
      return { items, total: Number(count.n) };
    },

    async insert(
      f: SpotCheckFields & { provinceId: number; orgUnitId: number; orgPath: string; createdBy: number },
    ): Promise<number> {
      const r = await db
        .insertInto('spot_check')
        .values({
          province_id: f.provinceId,
          org_unit_id: f.orgUnitId,
          org_path: f.orgPath,
          title: f.title,
          year: f.year,
          rate_percent: f.ratePercent,
          min_per_unit: f.minPerUnit,
          criteria: JSON.stringify(f.criteria),
          status: 'draft',
          created_by: f.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async update(id: number, f: SpotCheckFields): Promise<void> {
      await db
        .updateTable('spot_check')
        .set({
          title: f.title,
          year: f.year,
          rate_percent: f.ratePercent,
          min_per_unit: f.minPerUnit,
          criteria: JSON.stringify(f.criteria),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Freezes the eligible list: every teacher of the organiser's subtree matching the criteria, under
     * the organiser's direct child unit holding them (the organiser itself for teachers kept at it),
     * keyed by the teacher's id. One statement; answers the count per unit.
     */
    async freezeCandidates(
      s: { id: number; orgUnitId: number; orgPath: string },
      criteria: SpotCheckCriteria,
    ): Promise<{ unitId: number; eligible: number }[]> {
      const depth = s.orgPath.split('/').filter(Boolean).length;
      // '/1/7/42/100/'.split('/') = ['', '1', '7', '42', '100', '']: the child of a depth-3 organiser is part 5
      const part = depth + 2;
      const filters = [
        criteria.stages?.length ? sql`AND t.stage = ANY(${criteria.stages}::text[])` : sql``,
        criteria.subjects?.length ? sql`AND t.subject = ANY(${criteria.subjects}::text[])` : sql``,
        criteria.employments?.length ? sql`AND t.employment = ANY(${criteria.employments}::text[])` : sql``,
      ];
      await sql`
        INSERT INTO spot_check_candidate (spot_check_id, teacher_id, org_unit_id, org_path, list_key)
        SELECT ${s.id}::bigint, t.id,
               CASE WHEN t.org_path = ${s.orgPath} THEN ${s.orgUnitId}::bigint
                    ELSE split_part(t.org_path, '/', ${part}::int)::bigint END,
               t.org_path, t.id::text
        FROM teacher t
        WHERE t.org_path LIKE ${`${escapeLike(s.orgPath)}%`} ${sql.join(filters, sql` `)}
      `.execute(db);
      const counts = await db
        .selectFrom('spot_check_candidate')
        .select(['org_unit_id as unitId', (eb) => eb.fn.countAll<number>().as('eligible')])
        .where('spot_check_id', '=', s.id)
        .groupBy('org_unit_id')
        .orderBy('org_unit_id')
        .execute();
      return counts.map((c) => ({ unitId: c.unitId, eligible: Number(c.eligible) }));
    },

    async insertUnits(spotCheckId: number, units: { unitId: number; eligible: number; sampleSize: number }[]) {
      if (units.length === 0) return;
      await sql`
        INSERT INTO spot_check_unit (spot_check_id, org_unit_id, org_path, eligible, sample_size)
        SELECT ${spotCheckId}::bigint, u.id, u.path, x.eligible, x.sample_size
        FROM unnest(${units.map((u) => u.unitId)}::bigint[], ${units.map((u) => u.eligible)}::int[],
                    ${units.map((u) => u.sampleSize)}::int[]) AS x(unit_id, eligible, sample_size)
        JOIN org_unit u ON u.id = x.unit_id
      `.execute(db);
    },

    async markCommitted(id: number, v: { listSha256: string; seedSha256: string; seed: string }): Promise<void> {
      await db
        .updateTable('spot_check')
        .set({
          status: 'committed',
          list_sha256: v.listSha256,
          seed_sha256: v.seedSha256,
          seed: v.seed,
          committed_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    async markDrawn(id: number, drawnKeys: string[]): Promise<void> {
      if (drawnKeys.length) {
        await sql`UPDATE spot_check_candidate SET drawn = true
                  WHERE spot_check_id = ${id} AND list_key = ANY(${drawnKeys}::text[])`.execute(db);
      }
      await db
        .updateTable('spot_check')
        .set({ status: 'drawn', drawn_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async markPublished(id: number): Promise<void> {
      await db
        .updateTable('spot_check')
        .set({ status: 'published', results_published_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async units(spotCheckId: number): Promise<SpotCheckUnitRow[]> {
      return db
        .selectFrom('spot_check_unit as x')
        .innerJoin('org_unit as u', 'u.id', 'x.org_unit_id')
        .select(['x.org_unit_id as unitId', 'u.name', 'u.path', 'x.eligible', 'x.sample_size as sampleSize'])
        .where('x.spot_check_id', '=', spotCheckId)
        .orderBy('u.division_code')
        .orderBy('u.code')
        .orderBy('u.name')
        .orderBy('u.id')
        .execute();
    },

    /** The frozen list (only the drawn ones with `drawnOnly`), in list-key order. */
    async candidates(spotCheckId: number, opts: { drawnOnly?: boolean } = {}): Promise<CandidateRow[]> {
      return db
        .selectFrom('spot_check_candidate as c')
        .innerJoin('teacher as t', 't.id', 'c.teacher_id')
        .innerJoin('org_unit as s', (j) =>
          j.on(sql`s.id`, '=', sql`split_part(rtrim(c.org_path, '/'), '/', -1)::bigint`),
        )
        .select([
          'c.org_unit_id as unitId',
          'c.teacher_id as teacherId',
          'c.list_key as listKey',
          't.name',
          'c.org_path as orgPath',
          's.name as schoolName',
          'c.drawn',
          't.user_id as userId',
        ])
        .where('c.spot_check_id', '=', spotCheckId)
        .$if(Boolean(opts.drawnOnly), (q) => q.where('c.drawn', '=', true))
        .orderBy('c.org_unit_id')
        .orderBy(sql`length(c.list_key)`)
        .orderBy('c.list_key')
        .execute();
    },

    /** Only what the draw needs: unit and key of every candidate. */
    async drawList(spotCheckId: number): Promise<{ unitId: number; listKey: string }[]> {
      return db
        .selectFrom('spot_check_candidate')
        .select(['org_unit_id as unitId', 'list_key as listKey'])
        .where('spot_check_id', '=', spotCheckId)
        .execute();
    },

    /** The unified exam built for the spot-check (the latest, should there be several). */
    async exam(spotCheckId: number): Promise<ExamLinkRow | undefined> {
      return db
        .selectFrom('exam')
        .select(['id', 'title', 'status'])
        .where('spot_check_id', '=', spotCheckId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** Every drawn teacher with their result in the exam (null where none yet). */
    async results(spotCheckId: number, examId: number): Promise<ResultRow[]> {
      const r = await sql<ResultRow>`
        SELECT c.teacher_id AS "teacherId", t.name, c.org_path AS "orgPath", c.org_unit_id AS "unitId",
               s.name AS "schoolName", r.exam_score::float8 AS "examScore", r.composite::float8 AS composite,
               r.level, coalesce(r.passed, false) AS passed
        FROM spot_check_candidate c
        JOIN teacher t ON t.id = c.teacher_id
        JOIN org_unit s ON s.id = split_part(rtrim(c.org_path, '/'), '/', -1)::bigint
        LEFT JOIN exam_result r ON r.exam_id = ${examId} AND r.teacher_id = c.teacher_id
        WHERE c.spot_check_id = ${spotCheckId} AND c.drawn
      `.execute(db);
      return r.rows;
    },

    /** How many drawn teachers have a composite in the exam. */
    async resultCount(spotCheckId: number, examId: number): Promise<number> {
      const r = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM spot_check_candidate c
        JOIN exam_result r ON r.exam_id = ${examId} AND r.teacher_id = c.teacher_id
        WHERE c.spot_check_id = ${spotCheckId} AND c.drawn AND r.composite IS NOT NULL
      `.execute(db);
      return r.rows[0]?.n ?? 0;
    },
  };
}

export type SpotCheckRepository = ReturnType<typeof createSpotCheckRepository>;
