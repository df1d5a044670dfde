import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type {
  ActivityKind,
  AppliedAs,
  EndKind,
  PairHoursRule,
  PairKind,
  PairStatus,
  ReviewStage,
  Side,
} from '../domain/pair.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface PairRow {
  id: number;
  provinceId: number;
  kind: PairKind;
  countyId: number;
  countyPath: string;
  countyName: string;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  menteeOrgUnitId: number;
  menteeOrgPath: string;
  menteeOrgUnitName: string;
  mentorTeacherId: number | null;
  mentorName: string | null;
  menteeTeacherId: number | null;
  menteeName: string | null;
  /** whether the named teachers have accounts (one without confirms through the school) */
  mentorHasAccount: boolean;
  menteeHasAccount: boolean;
  appliedAs: AppliedAs;
  applicationNote: string | null;
  status: PairStatus;
  statusReason: string | null;
  goals: string | null;
  plan: string | null;
  termStart: string | null;
  termEnd: string | null;
  mentorConfirmedAt: Date | null;
  menteeConfirmedAt: Date | null;
  registeredAt: Date | null;
  endedAt: Date | null;
  endKind: EndKind | null;
  honourId: number | null;
  honourCode: string | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPair {
  provinceId: number;
  kind: PairKind;
  countyId: number;
  countyPath: string;
  orgUnitId: number;
  orgPath: string;
  menteeOrgUnitId: number;
  menteeOrgPath: string;
  mentorTeacherId: number | null;
  menteeTeacherId: number | null;
  appliedAs: AppliedAs;
  applicationNote: string | null;
  status: PairStatus;
  registeredAt: Date | null;
  registeredBy: number | null;
  createdBy: number;
}

export interface PairFilter {
  /** the reader's subtree: either side's school under it */
  path: string;
  provinceId: number;
  status?: PairStatus;
  kind?: PairKind;
  q?: string;
  /** a teacher's own pairs */
  teacherId?: number;
}

export interface ActivityRow {
  id: number;
  pairId: number;
  kind: ActivityKind;
  occurredOn: string;
  minutes: number;
  note: string;
  side: Side;
  teacherId: number | null;
  teacherName: string | null;
  loggedBy: number;
  loggedByName: string;
  status: 'logged' | 'confirmed' | 'rejected';
  decidedAt: Date | null;
  rejectReason: string | null;
  hours: number | null;
  entryId: number | null;
  postingRefused: string | null;
  createdAt: Date;
}

export interface ActivityFileRow {
  id: number;
  activityId: number;
  sha256: Buffer;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
}

export interface ReviewRow {
  id: number;
  pairId: number;
  stage: ReviewStage;
  schoolScore: number | null;
  schoolComment: string | null;
  schoolAt: Date | null;
  countyScore: number | null;
  countyComment: string | null;
  countyAt: Date | null;
}

export interface PairRuleRow extends PairHoursRule {
  countyId: number;
  countyPath: string;
  updatedAt: Date;
}

function selectPairs(db: Q) {
  return db
    .selectFrom('pair as p')
    .innerJoin('org_unit as k', 'k.id', 'p.county_id')
    .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
    .innerJoin('org_unit as m', 'm.id', 'p.mentee_org_unit_id')
    .leftJoin('teacher as tm', 'tm.id', 'p.mentor_teacher_id')
    .leftJoin('teacher as te', 'te.id', 'p.mentee_teacher_id')
    .leftJoin('honour as h', 'h.id', 'p.honour_id')
    .select([
      sql<number>`p.id::int`.as('id'),
      sql<number>`p.province_id::int`.as('provinceId'),
      'p.kind',
      sql<number>`p.county_id::int`.as('countyId'),
      'p.county_path as countyPath',
      'k.name as countyName',
      sql<number>`p.org_unit_id::int`.as('orgUnitId'),
      'p.org_path as orgPath',
      'o.name as orgUnitName',
      sql<number>`p.mentee_org_unit_id::int`.as('menteeOrgUnitId'),
      'p.mentee_org_path as menteeOrgPath',
      'm.name as menteeOrgUnitName',
      sql<number | null>`p.mentor_teacher_id::int`.as('mentorTeacherId'),
      'tm.name as mentorName',
      sql<number | null>`p.mentee_teacher_id::int`.as('menteeTeacherId'),
      'te.name as menteeName',
      sql<boolean>`tm.user_id IS NOT NULL`.as('mentorHasAccount'),
      sql<boolean>`te.user_id IS NOT NULL`.as('menteeHasAccount'),
      'p.applied_as as appliedAs',
      'p.application_note as applicationNote',
      'p.status',
      'p.status_reason as statusReason',
      'p.goals',
      'p.plan',
      sql<string | null>`to_char(p.term_start, 'YYYY-MM-DD')`.as('termStart'),
      sql<string | null>`to_char(p.term_end, 'YYYY-MM-DD')`.as('termEnd'),
      'p.mentor_confirmed_at as mentorConfirmedAt',
      'p.mentee_confirmed_at as menteeConfirmedAt',
      'p.registered_at as registeredAt',
      'p.ended_at as endedAt',
      'p.end_kind as endKind',
      sql<number | null>`p.honour_id::int`.as('honourId'),
      sql<string | null>`CASE WHEN h.revoked_at IS NULL THEN h.code END`.as('honourCode'),
      sql<number | null>`p.created_by::int`.as('createdBy'),
      'p.created_at as createdAt',
      'p.updated_at as updatedAt',
    ]);
}

const asPair = (r: unknown) => r as PairRow;

/** Mentoring pairs and school pairings: pairs, their activities and evidence, reviews, the county's rule. */
export function createPairRepository(db: Q) {
  return {
    async insert(p: NewPair): Promise<number> {
      const row = await db
        .insertInto('pair')
        .values({
          province_id: p.provinceId,
          kind: p.kind,
          county_id: p.countyId,
          county_path: p.countyPath,
          org_unit_id: p.orgUnitId,
          org_path: p.orgPath,
          mentee_org_unit_id: p.menteeOrgUnitId,
          mentee_org_path: p.menteeOrgPath,
          mentor_teacher_id: p.mentorTeacherId,
          mentee_teacher_id: p.menteeTeacherId,
          applied_as: p.appliedAs,
          application_note: p.applicationNote,
          status: p.status,
          registered_at: p.registeredAt,
          registered_by: p.registeredBy,
          created_by: p.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async find(id: number, opts: { lock?: boolean } = {}): Promise<PairRow | undefined> {
      if (opts.lock) await db.selectFrom('pair').select('id').where('id', '=', id).forUpdate().execute();
      return asPair(await selectPairs(db).where('p.id', '=', id).executeTakeFirst());
    },

    async list(f: PairFilter, page: { limit: number; offset: number }): Promise<{ items: PairRow[]; total: number }> {
      let q = selectPairs(db)
        .where('p.province_id', '=', f.provinceId)
        .where((eb) =>
          eb.or([
            eb('p.org_path', 'like', `${escapeLike(f.path)}%`),
            eb('p.mentee_org_path', 'like', `${escapeLike(f.path)}%`),
          ]),
        );
      if (f.status) q = q.where('p.status', '=', f.status);
      if (f.kind) q = q.where('p.kind', '=', f.kind);
      if (f.teacherId !== undefined) {
        const tid = f.teacherId;
        q = q.where((eb) => eb.or([eb('p.mentor_teacher_id', '=', tid), eb('p.mentee_teacher_id', '=', tid)]));
      }
      if (f.q) {
        const like = `%${escapeLike(f.q)}%`;
        q = q.where((eb) =>
          eb.or([
            eb('tm.name', 'like', like),
            eb('te.name', 'like', like),
            eb('o.name', 'like', like),
            eb('m.name', 'like', like),
          ]),
        );
      }
      const rows = await q
        .select(sql<number>`(count(*) OVER ())::int`.as('fullCount'))
        .orderBy('p.id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return {
        items: rows.map(({ fullCount: _, ...r }) => asPair(r)),
        total: rows[0]?.fullCount ?? 0,
      };
    },

    /** A teacher's pairs (either side), newest first: for their own page and their archive. */
    async ofTeacher(teacherId: number): Promise<PairRow[]> {
      return (
        await selectPairs(db)
          .where((eb) => eb.or([eb('p.mentor_teacher_id', '=', teacherId), eb('p.mentee_teacher_id', '=', teacherId)]))
          .orderBy('p.id', 'desc')
          .execute()
      ).map(asPair);
    },

    async update(
      id: number,
      set: Partial<{
        status: PairStatus;
        status_reason: string | null;
        mentor_teacher_id: number | null;
        mentee_teacher_id: number | null;
        application_note: string | null;
        goals: string | null;
        plan: string | null;
        term_start: string | null;
        term_end: string | null;
        mentor_confirmed_at: Date | null;
        mentee_confirmed_at: Date | null;
        registered_at: Date | null;
        registered_by: number | null;
        ended_at: Date | null;
        end_kind: EndKind | null;
        honour_id: number | null;
      }>,
    ): Promise<void> {
      await db
        .updateTable('pair')
        .set({ ...set, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    /** Whether a teacher already has a pair of the same role that is not refused or ended (one at a time). */
    async openPairOf(teacherId: number, side: Side, exceptId: number | null = null): Promise<number | null> {
      let q = db
        .selectFrom('pair')
        .select('id')
        .where(side === 'mentor' ? 'mentor_teacher_id' : 'mentee_teacher_id', '=', teacherId)
        .where('status', 'not in', ['refused', 'ended']);
      if (exceptId !== null) q = q.where('id', '<>', exceptId);
      const row = await q.executeTakeFirst();
      return row ? Number(row.id) : null;
    },

    // ------------------------------------------------------------------ activities

    async insertActivity(a: {
      pairId: number;
      kind: ActivityKind;
      occurredOn: string;
      minutes: number;
      note: string;
      side: Side;
      teacherId: number | null;
      loggedBy: number;
    }): Promise<number> {
      const row = await db
        .insertInto('pair_activity')
        .values({
          pair_id: a.pairId,
          kind: a.kind,
          occurred_on: a.occurredOn,
          minutes: a.minutes,
          note: a.note,
          side: a.side,
          teacher_id: a.teacherId,
          logged_by: a.loggedBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async activities(pairId: number, activityId?: number): Promise<ActivityRow[]> {
      let q = db
        .selectFrom('pair_activity as a')
        .innerJoin('app_user as u', 'u.id', 'a.logged_by')
        .leftJoin('teacher as t', 't.id', 'a.teacher_id')
        .select([
          sql<number>`a.id::int`.as('id'),
          sql<number>`a.pair_id::int`.as('pairId'),
          'a.kind',
          sql<string>`to_char(a.occurred_on, 'YYYY-MM-DD')`.as('occurredOn'),
          'a.minutes',
          'a.note',
          'a.side',
          sql<number | null>`a.teacher_id::int`.as('teacherId'),
          't.name as teacherName',
          sql<number>`a.logged_by::int`.as('loggedBy'),
          sql<string>`coalesce(u.display_name, u.username)`.as('loggedByName'),
          'a.status',
          'a.decided_at as decidedAt',
          'a.reject_reason as rejectReason',
          'a.hours',
          sql<number | null>`a.entry_id::int`.as('entryId'),
          'a.posting_refused as postingRefused',
          'a.created_at as createdAt',
        ])
        .where('a.pair_id', '=', pairId);
      if (activityId !== undefined) q = q.where('a.id', '=', activityId);
      return (await q.orderBy('a.occurred_on', 'desc').orderBy('a.id', 'desc').execute()) as ActivityRow[];
    },

    async lockActivity(id: number): Promise<{ pairId: number } | undefined> {
      const row = await db
        .selectFrom('pair_activity')
        .select('pair_id')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return row ? { pairId: Number(row.pair_id) } : undefined;
    },

    async decideActivity(
      id: number,
      d: {
        status: 'confirmed' | 'rejected';
        by: number;
        rejectReason: string | null;
        hours: number | null;
        entryId: number | null;
        postingRefused: string | null;
      },
    ): Promise<void> {
      await db
        .updateTable('pair_activity')
        .set({
          status: d.status,
          decided_by: d.by,
          decided_at: new Date(),
          reject_reason: d.rejectReason,
          hours: d.hours,
          entry_id: d.entryId,
          posting_refused: d.postingRefused,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Tenths of an hour a teacher's pair activities already posted in a calendar year (the cap counts these). */
    async postedTenths(teacherId: number, year: number): Promise<number> {
      const row = await db
        .selectFrom('pair_activity')
        .select(sql<number>`coalesce(sum(hours), 0)::int`.as('n'))
        .where('teacher_id', '=', teacherId)
        .where('entry_id', 'is not', null)
        .where(sql<boolean>`extract(year FROM occurred_on) = ${year}`)
        .executeTakeFirstOrThrow();
      return row.n;
    },

    async insertFile(f: {
      activityId: number;
      sha256: Buffer;
      fileName: string;
      mimeType: string;
      sizeBytes: number;
      createdBy: number;
    }): Promise<number> {
      const row = await db
        .insertInto('pair_activity_file')
        .values({
          activity_id: f.activityId,
          sha256: f.sha256,
          file_name: f.fileName,
          mime_type: f.mimeType,
          size_bytes: f.sizeBytes,
          created_by: f.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async files(activityIds: number[]): Promise<ActivityFileRow[]> {
      if (activityIds.length === 0) return [];
      return (await db
        .selectFrom('pair_activity_file')
        .select([
          sql<number>`id::int`.as('id'),
          sql<number>`activity_id::int`.as('activityId'),
          'sha256',
          'file_name as fileName',
          'mime_type as mimeType',
          sql<number>`size_bytes::int`.as('sizeBytes'),
        ])
        .where('activity_id', 'in', activityIds)
        .orderBy('id')
        .execute()) as ActivityFileRow[];
    },

    async file(id: number): Promise<(ActivityFileRow & { pairId: number }) | undefined> {
      return (await db
        .selectFrom('pair_activity_file as f')
        .innerJoin('pair_activity as a', 'a.id', 'f.activity_id')
        .select([
          sql<number>`f.id::int`.as('id'),
          sql<number>`f.activity_id::int`.as('activityId'),
          sql<number>`a.pair_id::int`.as('pairId'),
          'f.sha256',
          'f.file_name as fileName',
          'f.mime_type as mimeType',
          sql<number>`f.size_bytes::int`.as('sizeBytes'),
        ])
        .where('f.id', '=', id)
        .executeTakeFirst()) as (ActivityFileRow & { pairId: number }) | undefined;
    },

    // ------------------------------------------------------------------ reviews

    async reviews(pairIds: number[]): Promise<ReviewRow[]> {
      if (pairIds.length === 0) return [];
      return (await db
        .selectFrom('pair_review')
        .select([
          sql<number>`id::int`.as('id'),
          sql<number>`pair_id::int`.as('pairId'),
          'stage',
          'school_score as schoolScore',
          'school_comment as schoolComment',
          'school_at as schoolAt',
          'county_score as countyScore',
          'county_comment as countyComment',
          'county_at as countyAt',
        ])
        .where('pair_id', 'in', pairIds)
        .orderBy('pair_id')
        .orderBy('stage')
        .execute()) as ReviewRow[];
    },

    async scoreReview(
      pairId: number,
      stage: ReviewStage,
      by: 'school' | 'county',
      s: { score: number; comment: string | null; userId: number },
    ): Promise<void> {
      const now = new Date();
      const cols =
        by === 'school'
          ? { school_score: s.score, school_comment: s.comment, school_by: s.userId, school_at: now }
          : { county_score: s.score, county_comment: s.comment, county_by: s.userId, county_at: now };
      await db
        .insertInto('pair_review')
        .values({ pair_id: pairId, stage, ...cols })
        .onConflict((oc) => oc.columns(['pair_id', 'stage']).doUpdateSet(cols))
        .execute();
    },

    // ------------------------------------------------------------------ the county's rule

    async rule(countyId: number): Promise<PairRuleRow | undefined> {
      const r = await db.selectFrom('pair_rule').selectAll().where('county_id', '=', countyId).executeTakeFirst();
      return r
        ? {
            countyId: Number(r.county_id),
            countyPath: r.county_path,
            enabled: r.enabled,
            tenths: {
              observation: r.observation_tenths,
              guidance: r.guidance_tenths,
              coteaching: r.coteaching_tenths,
              other: r.other_tenths,
            },
            capTenths: r.cap_tenths,
            category: r.category,
            updatedAt: r.updated_at as Date,
          }
        : undefined;
    },

    async saveRule(
      c: { countyId: number; provinceId: number; countyPath: string },
      r: PairHoursRule,
      by: number,
    ): Promise<void> {
      const cols = {
        enabled: r.enabled,
        observation_tenths: r.tenths.observation,
        guidance_tenths: r.tenths.guidance,
        coteaching_tenths: r.tenths.coteaching,
        other_tenths: r.tenths.other,
        cap_tenths: r.capTenths,
        category: r.category,
        updated_by: by,
        updated_at: new Date(),
      };
      await db
        .insertInto('pair_rule')
        .values({ county_id: c.countyId, province_id: c.provinceId, county_path: c.countyPath, ...cols })
        .onConflict((oc) => oc.column('county_id').doUpdateSet(cols))
        .execute();
    },

    // ------------------------------------------------------------------ to-dos

    /** Applications waiting for a school's recommendation, in the subtree. */
    async waitingForSchool(path: string): Promise<number> {
      const row = await db
        .selectFrom('pair')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('status', '=', 'applied')
        // the applicant's school recommends
        .where(
          sql<string>`CASE WHEN applied_as = 'mentee' THEN mentee_org_path ELSE org_path END`,
          'like',
          `${escapeLike(path)}%`,
        )
        .executeTakeFirstOrThrow();
      return row.n;
    },

    /** Recommended pairs waiting for the county's registration, in the subtree. */
    async waitingForCounty(path: string): Promise<number> {
      const row = await db
        .selectFrom('pair')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('status', '=', 'recommended')
        .where('county_path', 'like', `${escapeLike(path)}%`)
        .executeTakeFirstOrThrow();
      return row.n;
    },

    /** What waits on a teacher: agreements to confirm, partners' activities to confirm. */
    async waitingForTeacher(teacherId: number): Promise<number> {
      const row = await db
        .selectFrom('pair as p')
        .select(
          sql<number>`(
            count(*) FILTER (WHERE p.status = 'registered' AND p.goals IS NOT NULL AND (
              (p.mentor_teacher_id = ${teacherId} AND p.mentor_confirmed_at IS NULL) OR
              (p.mentee_teacher_id = ${teacherId} AND p.mentee_confirmed_at IS NULL)))
            + coalesce(sum((SELECT count(*) FROM pair_activity a WHERE a.pair_id = p.id AND a.status = 'logged'
                AND a.side <> CASE WHEN p.mentor_teacher_id = ${teacherId} THEN 'mentor' ELSE 'mentee' END)), 0)
          )::int`.as('n'),
        )
        .where((eb) => eb.or([eb('p.mentor_teacher_id', '=', teacherId), eb('p.mentee_teacher_id', '=', teacherId)]))
        .executeTakeFirstOrThrow();
      return row.n;
    },
  };
}

export type PairRepository = ReturnType<typeof createPairRepository>;
