import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type CompetitionKind = 'essay' | 'case' | 'lesson' | 'blog' | 'skills' | 'reading' | 'other';
export type RoundLevel = 'school' | 'county' | 'city' | 'province';
export type RoundStatus = 'open' | 'judging' | 'scored' | 'published' | 'finalised';
export type AwardGrade = 'first' | 'second' | 'third';

export interface RubricItemRow {
  key: string;
  label: string;
  weight: number;
  max: number;
}

export interface CompetitionRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  title: string;
  kind: CompetitionKind;
  year: number;
  description: string | null;
  categories: string[];
  rubric: RubricItemRow[];
  trimAt: number;
  normalise: boolean;
  normaliseMin: number;
  spreadThreshold: number;
  status: 'open' | 'closed';
  createdAt: Date;
}

export interface RoundRow {
  id: number;
  competitionId: number;
  provinceId: number;
  level: RoundLevel;
  position: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  deadline: string;
  quotaDefault: number;
  quotas: Record<string, number>;
  awardSpec: unknown;
  status: RoundStatus;
  aggregate: unknown;
  aggregatedAt: Date | null;
}

export interface EntryRoundRow {
  id: number;
  roundId: number;
  entryId: number;
  quotaUnitId: number;
  quotaUnitName: string;
  panelId: number | null;
  finalScore: number | null;
  rawMean: number | null;
  rank: number | null;
  scorecard: unknown;
  disagreement: boolean;
  award: AwardGrade | null;
  advanced: boolean;
  title: string;
  category: string | null;
  blindCode: string;
  schoolUnitId: number;
  schoolName: string;
  orgPath: string;
  submittedAt: Date;
  entrants: string[];
  entrantIds: number[];
}

export interface ScoreRow {
  roundId: number;
  entryId: number;
  judgeId: number;
  items: Record<string, number>;
  total: number | null;
  comment: string | null;
  status: 'draft' | 'submitted' | 'recused';
  recuseReason: string | null;
  rescoreRequested: boolean;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function selectCompetitions(db: Q) {
  return db
    .selectFrom('competition as c')
    .innerJoin('org_unit as o', 'o.id', 'c.org_unit_id')
    .select([
      'c.id',
      'c.province_id',
      'c.org_unit_id',
      'o.name as org_unit_name',
      'c.org_path',
      'c.title',
      'c.kind',
      'c.year',
      'c.description',
      'c.categories',
      'c.rubric',
      'c.trim_at',
      'c.normalise',
      'c.normalise_min',
      'c.spread_threshold',
      'c.status',
      'c.created_at',
    ]);
}

type CompetitionSel = Awaited<ReturnType<ReturnType<typeof selectCompetitions>['executeTakeFirstOrThrow']>>;
const asCompetition = (r: CompetitionSel): CompetitionRow => ({
  id: Number(r.id),
  provinceId: Number(r.province_id),
  orgUnitId: Number(r.org_unit_id),
  orgUnitName: r.org_unit_name,
  orgPath: r.org_path,
  title: r.title,
  kind: r.kind as CompetitionKind,
  year: r.year,
  description: r.description,
  categories: r.categories as string[],
  rubric: r.rubric as RubricItemRow[],
  trimAt: r.trim_at,
  normalise: r.normalise,
  normaliseMin: r.normalise_min,
  spreadThreshold: Number(r.spread_threshold),
  status: r.status as 'open' | 'closed',
  createdAt: r.created_at,
});

function selectRounds(db: Q) {
  return db
    .selectFrom('competition_round as r')
    .innerJoin('org_unit as o', 'o.id', 'r.org_unit_id')
    .select([
      'r.id',
      'r.competition_id',
      'r.province_id',
      'r.level',
      'r.position',
      'r.org_unit_id',
      'o.name as org_unit_name',
      'r.org_path',
      'r.deadline',
      'r.quota_default',
      'r.quotas',
      'r.award_spec',
      'r.status',
      'r.aggregate',
      'r.aggregated_at',
    ]);
}
type RoundSel = Awaited<ReturnType<ReturnType<typeof selectRounds>['executeTakeFirstOrThrow']>>;
const asRound = (r: RoundSel): RoundRow => ({
  id: Number(r.id),
  competitionId: Number(r.competition_id),
  provinceId: Number(r.province_id),
  level: r.level as RoundLevel,
  position: r.position,
  orgUnitId: Number(r.org_unit_id),
  orgUnitName: r.org_unit_name,
  orgPath: r.org_path,
  deadline: String(r.deadline).slice(0, 10),
  quotaDefault: r.quota_default,
  quotas: (r.quotas ?? {}) as Record<string, number>,
  awardSpec: r.award_spec,
  status: r.status as RoundStatus,
  aggregate: r.aggregate,
  aggregatedAt: r.aggregated_at,
});

export function createCompetitionRepository(db: Q) {
  return {
    async find(id: number): Promise<CompetitionRow | undefined> {
      const r = await selectCompetitions(db).where('c.id', '=', id).executeTakeFirst();
      return r ? asCompetition(r) : undefined;
    },

    /** Competitions organised in the subtree, or holding a round on the line above the reader (they take part). */
    async list(
      readerPath: string,
      provinceId: number,
      q: { limit: number; offset: number },
    ): Promise<{ items: CompetitionRow[]; total: number }> {
      const where = (eb: ExpressionBuilder<DB & { c: DB['competition'] }, 'c'>) =>
        eb.and([
          eb('c.province_id', '=', provinceId),
          eb.or([
            eb('c.org_path', 'like', `${escapeLike(readerPath)}%`),
            eb.exists(
              eb
                .selectFrom('competition_round as r')
                .select(sql`1`.as('one'))
                .whereRef('r.competition_id', '=', 'c.id')
                .where(sql<boolean>`${readerPath} LIKE r.org_path || '%'`),
            ),
          ]),
        ]);
      const [items, total] = await Promise.all([
        selectCompetitions(db)
          .where(where)
          .orderBy('c.year', 'desc')
          .orderBy('c.id', 'desc')
          .limit(q.limit)
          .offset(q.offset)
          .execute(),
        db
          .selectFrom('competition as c')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where(where)
          .executeTakeFirstOrThrow(),
      ]);
      return { items: items.map(asCompetition), total: Number(total.n) };
    },

    async insert(c: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      title: string;
      kind: CompetitionKind;
      year: number;
      description: string | null;
      categories: string[];
      rubric: RubricItemRow[];
      trimAt: number;
      normalise: boolean;
      normaliseMin: number;
      spreadThreshold: number;
      createdBy: number;
    }): Promise<number> {
      const r = await db
        .insertInto('competition')
        .values({
          province_id: c.provinceId,
          org_unit_id: c.orgUnitId,
          org_path: c.orgPath,
          title: c.title,
          kind: c.kind,
          year: c.year,
          description: c.description,
          categories: JSON.stringify(c.categories),
          rubric: JSON.stringify(c.rubric),
          trim_at: c.trimAt,
          normalise: c.normalise,
          normalise_min: c.normaliseMin,
          spread_threshold: c.spreadThreshold,
          created_by: c.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    async insertRound(r: {
      competitionId: number;
      provinceId: number;
      level: RoundLevel;
      position: number;
      orgUnitId: number;
      orgPath: string;
      deadline: string;
      quotaDefault: number;
      quotas: Record<string, number>;
      awardSpec: unknown;
    }): Promise<number> {
      const row = await db
        .insertInto('competition_round')
        .values({
          competition_id: r.competitionId,
          province_id: r.provinceId,
          level: r.level,
          position: r.position,
          org_unit_id: r.orgUnitId,
          org_path: r.orgPath,
          deadline: r.deadline,
          quota_default: r.quotaDefault,
          quotas: JSON.stringify(r.quotas),
          award_spec: JSON.stringify(r.awardSpec),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    /** Units of a kind in a subtree (the organisers of a level's rounds). */
    async unitsOfKind(path: string, kinds: string[]): Promise<{ id: number; path: string }[]> {
      const rows = await db
        .selectFrom('org_unit')
        .select(['id', 'path'])
        .where('path', 'like', `${escapeLike(path)}%`)
        .where('kind', 'in', kinds)
        .orderBy('path')
        .execute();
      return rows.map((r) => ({ id: Number(r.id), path: r.path }));
    },

    async childUnits(parentId: number): Promise<number[]> {
      const rows = await db.selectFrom('org_unit').select('id').where('parent_id', '=', parentId).execute();
      return rows.map((r) => Number(r.id));
    },

    async rounds(competitionId: number): Promise<RoundRow[]> {
      const rows = await selectRounds(db)
        .where('r.competition_id', '=', competitionId)
        .orderBy('r.position')
        .orderBy('r.org_path')
        .execute();
      return rows.map(asRound);
    },

    async round(id: number): Promise<RoundRow | undefined> {
      const r = await selectRounds(db).where('r.id', '=', id).executeTakeFirst();
      return r ? asRound(r) : undefined;
    },

    async lockRound(id: number): Promise<void> {
      await db.selectFrom('competition_round').select('id').where('id', '=', id).forUpdate().execute();
    },

    async setRoundStatus(id: number, status: RoundStatus): Promise<void> {
      await db.updateTable('competition_round').set({ status }).where('id', '=', id).execute();
    },

    async entryCounts(roundIds: number[]): Promise<Map<number, number>> {
      if (roundIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('competition_entry_round')
        .select(['round_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('round_id', 'in', roundIds)
        .groupBy('round_id')
        .execute();
      return new Map(rows.map((r) => [Number(r.round_id), Number(r.n)]));
    },

    async quotaUsed(roundId: number, quotaUnitId: number): Promise<number> {
      const r = await db
        .selectFrom('competition_entry_round as er')
        .innerJoin('competition_entry as e', 'e.id', 'er.entry_id')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('er.round_id', '=', roundId)
        .where('er.quota_unit_id', '=', quotaUnitId)
        .where('e.status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async insertEntry(e: {
      competitionId: number;
      provinceId: number;
      schoolUnitId: number;
      orgPath: string;
      category: string | null;
      title: string;
      body: string | null;
      videoUrl: string | null;
      blindCode: string;
      submittedBy: number;
      teacherIds: number[];
    }): Promise<number> {
      const r = await db
        .insertInto('competition_entry')
        .values({
          competition_id: e.competitionId,
          province_id: e.provinceId,
          school_unit_id: e.schoolUnitId,
          org_path: e.orgPath,
          category: e.category,
          title: e.title,
          body: e.body,
          video_url: e.videoUrl,
          blind_code: e.blindCode,
          submitted_by: e.submittedBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(r.id);
      await db
        .insertInto('competition_entrant')
        .values(e.teacherIds.map((t, i) => ({ entry_id: id, teacher_id: t, position: i + 1 })))
        .execute();
      return id;
    },

    async insertEntryRound(roundId: number, entryId: number, quotaUnitId: number): Promise<number> {
      const r = await db
        .insertInto('competition_entry_round')
        .values({ round_id: roundId, entry_id: entryId, quota_unit_id: quotaUnitId })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    async insertFile(f: {
      entryId: number;
      fileName: string;
      mime: string;
      sizeBytes: number;
      sha256: Buffer;
    }): Promise<number> {
      const pos = await db
        .selectFrom('competition_entry_file')
        .select((eb) => eb.fn.coalesce(eb.fn.max('position'), sql<number>`0`).as('p'))
        .where('entry_id', '=', f.entryId)
        .executeTakeFirstOrThrow();
      const r = await db
        .insertInto('competition_entry_file')
        .values({
          entry_id: f.entryId,
          position: Number(pos.p) + 1,
          file_name: f.fileName,
          mime: f.mime,
          size_bytes: f.sizeBytes,
          sha256: f.sha256,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    /** The rounds an entry is in (it advances from one to the next). */
    async roundIdsOfEntry(entryId: number): Promise<number[]> {
      const rows = await db
        .selectFrom('competition_entry_round')
        .select('round_id')
        .where('entry_id', '=', entryId)
        .execute();
      return rows.map((r) => Number(r.round_id));
    },

    async files(entryId: number) {
      const rows = await db
        .selectFrom('competition_entry_file')
        .select(['id', 'position', 'file_name', 'mime', 'size_bytes', 'sha256'])
        .where('entry_id', '=', entryId)
        .orderBy('position')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        position: r.position,
        fileName: r.file_name,
        mime: r.mime,
        sizeBytes: r.size_bytes,
        sha256: r.sha256,
      }));
    },

    async entry(id: number) {
      const r = await db
        .selectFrom('competition_entry as e')
        .innerJoin('org_unit as s', 's.id', 'e.school_unit_id')
        .selectAll('e')
        .select('s.name as school_name')
        .where('e.id', '=', id)
        .executeTakeFirst();
      return r
        ? {
            id: Number(r.id),
            competitionId: Number(r.competition_id),
            provinceId: Number(r.province_id),
            schoolUnitId: Number(r.school_unit_id),
            schoolName: r.school_name,
            orgPath: r.org_path,
            category: r.category,
            title: r.title,
            body: r.body,
            videoUrl: r.video_url,
            blindCode: r.blind_code,
            status: r.status as 'submitted' | 'withdrawn',
            submittedAt: r.submitted_at,
          }
        : undefined;
    },

    async setEntryStatus(id: number, status: 'submitted' | 'withdrawn'): Promise<void> {
      await db.updateTable('competition_entry').set({ status }).where('id', '=', id).execute();
    },

    /** The entries of a round (submitted ones), with their entrants: for the organiser, never for judges. */
    async entryRounds(roundId: number, o: { underPath?: string; ids?: number[] } = {}): Promise<EntryRoundRow[]> {
      let q = db
        .selectFrom('competition_entry_round as er')
        .innerJoin('competition_entry as e', 'e.id', 'er.entry_id')
        .innerJoin('org_unit as s', 's.id', 'e.school_unit_id')
        .innerJoin('org_unit as qu', 'qu.id', 'er.quota_unit_id')
        .select([
          'er.id',
          'er.round_id',
          'er.entry_id',
          'er.quota_unit_id',
          'qu.name as quota_unit_name',
          'er.panel_id',
          'er.final_score',
          'er.raw_mean',
          'er.rank',
          'er.scorecard',
          'er.disagreement',
          'er.award',
          'er.advanced',
          'e.title',
          'e.category',
          'e.blind_code',
          'e.school_unit_id',
          's.name as school_name',
          'e.org_path',
          'e.submitted_at',
          sql<string[]>`ARRAY(SELECT t.name FROM competition_entrant x JOIN teacher t ON t.id = x.teacher_id
                  WHERE x.entry_id = e.id ORDER BY x.position)`.as('entrants'),
          sql<string[]>`ARRAY(SELECT x.teacher_id::text FROM competition_entrant x WHERE x.entry_id = e.id
                  ORDER BY x.position)`.as('entrant_ids'),
        ])
        .where('er.round_id', '=', roundId)
        .where('e.status', '=', 'submitted');
      if (o.underPath) q = q.where('e.org_path', 'like', `${escapeLike(o.underPath)}%`);
      if (o.ids) q = q.where('er.id', 'in', o.ids.length ? o.ids : [0]);
      const rows = await q.orderBy(sql`er.rank NULLS LAST`).orderBy('er.id').execute();
      return rows.map((r) => ({
        id: Number(r.id),
        roundId: Number(r.round_id),
        entryId: Number(r.entry_id),
        quotaUnitId: Number(r.quota_unit_id),
        quotaUnitName: r.quota_unit_name,
        panelId: num(r.panel_id),
        finalScore: num(r.final_score),
        rawMean: num(r.raw_mean),
        rank: r.rank,
        scorecard: r.scorecard,
        disagreement: r.disagreement,
        award: r.award as AwardGrade | null,
        advanced: r.advanced,
        title: r.title,
        category: r.category,
        blindCode: r.blind_code,
        schoolUnitId: Number(r.school_unit_id),
        schoolName: r.school_name,
        orgPath: r.org_path,
        submittedAt: r.submitted_at,
        entrants: r.entrants,
        entrantIds: r.entrant_ids.map(Number),
      }));
    },

    /** What aggregation needs of a round's entries (no entrants, no names). */
    async entryRoundsLean(roundId: number) {
      const rows = await db
        .selectFrom('competition_entry_round as er')
        .innerJoin('competition_entry as e', 'e.id', 'er.entry_id')
        .select(['er.id', 'er.entry_id', 'e.blind_code', 'e.org_path', 'e.submitted_at', 'er.rank', 'er.final_score'])
        .where('er.round_id', '=', roundId)
        .where('e.status', '=', 'submitted')
        .orderBy('er.id')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        entryId: Number(r.entry_id),
        blindCode: r.blind_code,
        orgPath: r.org_path,
        submittedAt: r.submitted_at,
        rank: r.rank,
        finalScore: num(r.final_score),
      }));
    },

    async entryRound(
      id: number,
    ): Promise<{ id: number; roundId: number; entryId: number; panelId: number | null } | undefined> {
      const r = await db
        .selectFrom('competition_entry_round')
        .select(['id', 'round_id', 'entry_id', 'panel_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      return r
        ? { id: Number(r.id), roundId: Number(r.round_id), entryId: Number(r.entry_id), panelId: num(r.panel_id) }
        : undefined;
    },

    async insertPanel(p: { roundId: number; name: string; leadUserId: number; judges: number[] }): Promise<number> {
      const r = await db
        .insertInto('competition_panel')
        .values({ round_id: p.roundId, name: p.name, lead_user_id: p.leadUserId })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(r.id);
      await db
        .insertInto('competition_judge')
        .values(p.judges.map((u, i) => ({ panel_id: id, user_id: u, seat: i + 1 })))
        .execute();
      return id;
    },

    async panels(roundId: number) {
      const rows = await db
        .selectFrom('competition_panel as p')
        .innerJoin('app_user as l', 'l.id', 'p.lead_user_id')
        .select([
          'p.id',
          'p.round_id',
          'p.name',
          'p.lead_user_id',
          'l.display_name as lead_name',
          sql<string>`(SELECT json_agg(json_build_object('userId', j.user_id, 'seat', j.seat,
                'name', u.display_name) ORDER BY j.seat) FROM competition_judge j JOIN app_user u ON u.id = j.user_id
                WHERE j.panel_id = p.id)::text`.as('judges'),
          sql<string>`(SELECT count(*) FROM competition_entry_round er WHERE er.panel_id = p.id)::text`.as('entries'),
        ])
        .where('p.round_id', '=', roundId)
        .orderBy('p.id')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        roundId: Number(r.round_id),
        name: r.name,
        leadUserId: Number(r.lead_user_id),
        leadName: r.lead_name,
        judges: (JSON.parse(r.judges ?? 'null') ?? []) as { userId: number; seat: number; name: string }[],
        entries: Number(r.entries),
      }));
    },

    async panel(id: number) {
      const r = await db
        .selectFrom('competition_panel')
        .select(['id', 'round_id', 'name', 'lead_user_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      return r
        ? { id: Number(r.id), roundId: Number(r.round_id), name: r.name, leadUserId: Number(r.lead_user_id) }
        : undefined;
    },

    async judgesOf(panelId: number): Promise<{ userId: number; seat: number }[]> {
      const rows = await db
        .selectFrom('competition_judge')
        .select(['user_id', 'seat'])
        .where('panel_id', '=', panelId)
        .orderBy('seat')
        .execute();
      return rows.map((r) => ({ userId: Number(r.user_id), seat: r.seat }));
    },

    /** Seats of every judge of a round: "judgeId" → seat label number (panel order, then seat). */
    async seatsOfRound(roundId: number): Promise<Map<number, number>> {
      const rows = await db
        .selectFrom('competition_judge as j')
        .innerJoin('competition_panel as p', 'p.id', 'j.panel_id')
        .select(['j.user_id', 'j.seat'])
        .where('p.round_id', '=', roundId)
        .orderBy('p.id')
        .orderBy('j.seat')
        .execute();
      const out = new Map<number, number>();
      for (const r of rows) if (!out.has(Number(r.user_id))) out.set(Number(r.user_id), r.seat);
      return out;
    },

    async assign(roundId: number, panelId: number, entryRoundIds: number[] | 'unassigned'): Promise<number> {
      let q = db.updateTable('competition_entry_round').set({ panel_id: panelId }).where('round_id', '=', roundId);
      q =
        entryRoundIds === 'unassigned'
          ? q.where('panel_id', 'is', null)
          : q.where('id', 'in', entryRoundIds.length ? entryRoundIds : [0]);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Users (accounts) at or under a path, by id: judges must belong to the organiser's subtree. */
    async usersUnder(path: string, ids: number[]): Promise<{ id: number; role: string; name: string }[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('app_user as u')
        .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
        .select(['u.id', 'u.role', 'u.display_name'])
        .where('u.id', 'in', ids)
        .where('o.path', 'like', `${escapeLike(path)}%`)
        .execute();
      return rows.map((r) => ({ id: Number(r.id), role: r.role, name: r.display_name }));
    },

    /** A judge's queue: entries of the panels they sit on, in rounds being judged. Nothing naming the entrant. */
    async queue(judgeId: number, q: { limit: number; offset: number; roundId?: number }) {
      let base = db
        .selectFrom('competition_judge as j')
        .innerJoin('competition_panel as p', 'p.id', 'j.panel_id')
        .innerJoin('competition_round as r', 'r.id', 'p.round_id')
        .innerJoin('competition_entry_round as er', 'er.panel_id', 'p.id')
        .innerJoin('competition_entry as e', 'e.id', 'er.entry_id')
        .innerJoin('competition as c', 'c.id', 'r.competition_id')
        .leftJoin('competition_score as s', (jn) =>
          // the judge's own scores only: an index range of 'competition_score_judge_idx', never the whole round's
          jn.onRef('s.round_id', '=', 'r.id').onRef('s.entry_id', '=', 'e.id').on('s.judge_id', '=', judgeId),
        )
        .where('j.user_id', '=', judgeId)
        .where('r.status', '=', 'judging')
        .where('e.status', '=', 'submitted');
      if (q.roundId) base = base.where('r.id', '=', q.roundId);
      const [items, total] = await Promise.all([
        base
          .select([
            'er.id',
            'e.blind_code',
            'e.category',
            'e.title',
            'c.title as competition_title',
            'r.level',
            'r.deadline',
            'p.name as panel_name',
            's.status as score_status',
            's.total',
            's.rescore_requested',
          ])
          .orderBy(sql`CASE WHEN s.status IS NULL OR s.status = 'draft' THEN 0 ELSE 1 END`)
          .orderBy('er.id')
          .limit(q.limit)
          .offset(q.offset)
          .execute(),
        base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: items.map((r) => ({
          id: Number(r.id),
          blindCode: r.blind_code,
          category: r.category,
          title: r.title,
          competitionTitle: r.competition_title,
          level: r.level as RoundLevel,
          deadline: String(r.deadline).slice(0, 10),
          panelName: r.panel_name,
          scoreStatus: (r.score_status ?? 'todo') as 'todo' | 'draft' | 'submitted' | 'recused',
          total: num(r.total),
          rescoreRequested: r.rescore_requested ?? false,
        })),
        total: Number(total.n),
      };
    },

    /** Panels a user leads (the lead's review page). */
    async ledPanels(userId: number) {
      const rows = await db
        .selectFrom('competition_panel as p')
        .innerJoin('competition_round as r', 'r.id', 'p.round_id')
        .innerJoin('competition as c', 'c.id', 'r.competition_id')
        .select(['p.id', 'p.name', 'c.title', 'r.level', 'r.status'])
        .where('p.lead_user_id', '=', userId)
        .where('r.status', 'in', ['judging', 'scored'])
        .orderBy('p.id', 'desc')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        name: r.name,
        competitionTitle: r.title,
        level: r.level,
        status: r.status,
      }));
    },

    async isJudge(panelId: number, userId: number): Promise<boolean> {
      const r = await db
        .selectFrom('competition_judge')
        .select('seat')
        .where('panel_id', '=', panelId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Boolean(r);
    },

    async score(roundId: number, entryId: number, judgeId: number): Promise<ScoreRow | undefined> {
      const r = await db
        .selectFrom('competition_score')
        .selectAll()
        .where('round_id', '=', roundId)
        .where('entry_id', '=', entryId)
        .where('judge_id', '=', judgeId)
        .executeTakeFirst();
      return r ? asScore(r) : undefined;
    },

    async upsertScore(s: Omit<ScoreRow, 'rescoreRequested'> & { rescoreRequested?: boolean }): Promise<void> {
      const values = {
        round_id: s.roundId,
        entry_id: s.entryId,
        judge_id: s.judgeId,
        items: JSON.stringify(s.items),
        total: s.total,
        comment: s.comment,
        status: s.status,
        recuse_reason: s.recuseReason,
        rescore_requested: s.rescoreRequested ?? false,
        updated_at: new Date(),
      };
      await db
        .insertInto('competition_score')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['round_id', 'entry_id', 'judge_id']).doUpdateSet({
            items: values.items,
            total: values.total,
            comment: values.comment,
            status: values.status,
            recuse_reason: values.recuse_reason,
            rescore_requested: values.rescore_requested,
            updated_at: values.updated_at,
          }),
        )
        .execute();
    },

    /** Every score of a round (submitted and recused ones count for aggregation). */
    async roundScores(roundId: number): Promise<ScoreRow[]> {
      const rows = await db
        .selectFrom('competition_score')
        .selectAll()
        .where('round_id', '=', roundId)
        .where('status', 'in', ['submitted', 'recused'])
        .execute();
      return rows.map(asScore);
    },

    async entryScores(roundId: number, entryId: number): Promise<ScoreRow[]> {
      const rows = await db
        .selectFrom('competition_score')
        .selectAll()
        .where('round_id', '=', roundId)
        .where('entry_id', '=', entryId)
        .execute();
      return rows.map(asScore);
    },

    async requestRescore(roundId: number, entryId: number, judgeIds: number[]): Promise<number> {
      if (judgeIds.length === 0) return 0;
      const r = await db
        .updateTable('competition_score')
        .set({ status: 'draft', rescore_requested: true, updated_at: new Date() })
        .where('round_id', '=', roundId)
        .where('entry_id', '=', entryId)
        .where('judge_id', 'in', judgeIds)
        .where('status', '=', 'submitted')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Writes the aggregation's results in one statement (arrays unnested: one round trip, few parameters). */
    async writeResults(
      roundId: number,
      rows: {
        id: number;
        final: number | null;
        rawMean: number | null;
        rank: number | null;
        scorecard: unknown;
        disagreement: boolean;
      }[],
    ): Promise<void> {
      if (rows.length === 0) return;
      await sql`UPDATE competition_entry_round er SET final_score = v.f, raw_mean = v.m, rank = v.r, scorecard = v.s,
                  disagreement = v.d
                FROM unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.final)}::numeric[],
                            ${rows.map((r) => r.rawMean)}::numeric[], ${rows.map((r) => r.rank)}::int[],
                            ${rows.map((r) => JSON.stringify(r.scorecard))}::jsonb[],
                            ${rows.map((r) => r.disagreement)}::boolean[]) AS v(id, f, m, r, s, d)
                WHERE er.id = v.id AND er.round_id = ${roundId}`.execute(db);
    },

    /** The counted scores of a round for aggregation: submitted totals only. */
    async submittedTotals(roundId: number): Promise<{ judgeId: number; entryId: number; value: number }[]> {
      const r = await sql<{ j: string; e: string; v: string }>`
        SELECT judge_id AS j, entry_id AS e, total AS v FROM competition_score
        WHERE round_id = ${roundId} AND status = 'submitted' AND total IS NOT NULL`.execute(db);
      return r.rows.map((x) => ({ judgeId: Number(x.j), entryId: Number(x.e), value: Number(x.v) }));
    },

    async setAggregate(roundId: number, aggregate: unknown): Promise<void> {
      await db
        .updateTable('competition_round')
        .set({ aggregate: JSON.stringify(aggregate), aggregated_at: new Date(), status: 'scored' })
        .where('id', '=', roundId)
        .execute();
    },

    async markAdvanced(ids: number[]): Promise<void> {
      if (ids.length)
        await db.updateTable('competition_entry_round').set({ advanced: true }).where('id', 'in', ids).execute();
    },

    async insertAward(a: {
      roundId: number;
      entryRoundId?: number | null;
      orgUnitId?: number | null;
      grade: string;
    }): Promise<number> {
      const r = await db
        .insertInto('competition_award')
        .values({
          round_id: a.roundId,
          entry_round_id: a.entryRoundId ?? null,
          org_unit_id: a.orgUnitId ?? null,
          grade: a.grade,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    async awards(roundId: number) {
      const rows = await db
        .selectFrom('competition_award as a')
        .leftJoin('org_unit as o', 'o.id', 'a.org_unit_id')
        .select([
          'a.id',
          'a.entry_round_id',
          'a.org_unit_id',
          'o.name as unit_name',
          'o.path as unit_path',
          'a.grade',
          'a.outcome',
        ])
        .where('a.round_id', '=', roundId)
        .orderBy('a.id')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        entryRoundId: num(r.entry_round_id),
        orgUnitId: num(r.org_unit_id),
        unitName: r.unit_name,
        unitPath: r.unit_path,
        grade: r.grade as AwardGrade | 'organisation',
        outcome: r.outcome as 'kept' | 'removed' | null,
      }));
    },

    async deleteAwards(roundId: number): Promise<void> {
      await db.deleteFrom('competition_award').where('round_id', '=', roundId).execute();
    },

    async setAwardOutcome(ids: number[], outcome: 'kept' | 'removed'): Promise<void> {
      if (ids.length) await db.updateTable('competition_award').set({ outcome }).where('id', 'in', ids).execute();
    },

    async setEntryAward(entryRoundId: number, award: AwardGrade | null): Promise<void> {
      await db.updateTable('competition_entry_round').set({ award }).where('id', '=', entryRoundId).execute();
    },

    async linkHonour(awardId: number, honourId: number): Promise<void> {
      await db.insertInto('competition_award_honour').values({ award_id: awardId, honour_id: honourId }).execute();
    },

    /** Teachers' names and schools (for honours). */
    async teachers(ids: number[]) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select(['t.id', 't.name', 't.org_unit_id', 't.org_path', 'o.name as school_name'])
        .where('t.id', 'in', ids)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        name: r.name,
        orgUnitId: Number(r.org_unit_id),
        orgPath: r.org_path,
        schoolName: r.school_name,
      }));
    },

    /** An honour of a competition with what its certificate prints. */
    async honour(id: number) {
      const r = await db
        .selectFrom('honour as h')
        .innerJoin('org_unit as by', 'by.id', 'h.awarded_by_unit_id')
        .select([
          'h.id',
          'h.province_id',
          'h.kind',
          'h.teacher_id',
          'h.org_path',
          'h.recipient_name',
          'h.title',
          'h.grade',
          'h.year',
          'h.code',
          'h.awarded_on',
          'h.revoked_at',
          'h.source_kind',
          'by.name as awarded_by',
        ])
        .where('h.id', '=', id)
        .executeTakeFirst();
      return r
        ? {
            id: Number(r.id),
            provinceId: Number(r.province_id),
            kind: r.kind,
            teacherId: num(r.teacher_id),
            orgPath: r.org_path,
            recipientName: r.recipient_name,
            title: r.title,
            grade: r.grade,
            year: r.year,
            code: r.code,
            awardedOn: String(r.awarded_on).slice(0, 10),
            revoked: r.revoked_at !== null,
            sourceKind: r.source_kind,
            awardedBy: r.awarded_by,
          }
        : undefined;
    },

    async honoursOfRound(roundId: number) {
      const rows = await db
        .selectFrom('competition_award_honour as ah')
        .innerJoin('competition_award as a', 'a.id', 'ah.award_id')
        .innerJoin('honour as h', 'h.id', 'ah.honour_id')
        .select(['a.id as award_id', 'h.id', 'h.recipient_name', 'h.code'])
        .where('a.round_id', '=', roundId)
        .orderBy('h.id')
        .execute();
      return rows.map((r) => ({
        awardId: Number(r.award_id),
        id: Number(r.id),
        recipientName: r.recipient_name,
        code: r.code,
      }));
    },

    async teacherOfUser(userId: number): Promise<number | null> {
      const r = await db.selectFrom('teacher').select('id').where('user_id', '=', userId).executeTakeFirst();
      return r ? Number(r.id) : null;
    },

    /** A teacher's entries through the rounds, for the archive. */
    async teacherResults(teacherId: number) {
      const rows = await db
        .selectFrom('competition_entrant as x')
        .innerJoin('competition_entry as e', 'e.id', 'x.entry_id')
        .innerJoin('competition as c', 'c.id', 'e.competition_id')
        .innerJoin('competition_entry_round as er', 'er.entry_id', 'e.id')
        .innerJoin('competition_round as r', 'r.id', 'er.round_id')
        .innerJoin('org_unit as o', 'o.id', 'r.org_unit_id')
        .select([
          'e.id as entry_id',
          'c.title as competition',
          'c.year',
          'e.title',
          'r.position',
          'r.level',
          'r.status',
          'o.name as organiser',
          'er.final_score',
          'er.rank',
          'er.award',
        ])
        .where('x.teacher_id', '=', teacherId)
        .where('e.status', '=', 'submitted')
        .orderBy('c.year', 'desc')
        .orderBy('e.id')
        .orderBy('r.position')
        .execute();
      return rows.map((r) => ({
        entryId: Number(r.entry_id),
        competition: r.competition,
        year: r.year,
        title: r.title,
        position: r.position,
        level: r.level as RoundLevel,
        status: r.status as RoundStatus,
        organiser: r.organiser,
        finalScore: num(r.final_score),
        rank: r.rank,
        award: r.award as AwardGrade | null,
      }));
    },

    /** Open rounds above a unit that its admins have not yet entered anything in (a to-do). */
    async openRoundsWithoutEntries(unitPath: string, unitId: number, today: string): Promise<number> {
      const r = await sql<{ n: string }>`
        SELECT count(*)::text AS n FROM competition_round r
        WHERE r.status = 'open' AND r.position = 0 AND r.deadline >= ${today}::date
          AND ${unitPath} LIKE r.org_path || '%' AND r.org_path <> ${unitPath}
          AND NOT EXISTS (SELECT 1 FROM competition_entry_round er JOIN competition_entry e ON e.id = er.entry_id
                          WHERE er.round_id = r.id AND e.org_path LIKE ${`${escapeLike(unitPath)}%`})
          AND ${unitId}::bigint IS NOT NULL`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },

    /** Entries waiting for a judge's score (a to-do). */
    async waitingForJudge(userId: number): Promise<number> {
      const r = await sql<{ n: string }>`
        SELECT count(*)::text AS n FROM competition_judge j
        JOIN competition_panel p ON p.id = j.panel_id
        JOIN competition_round r ON r.id = p.round_id AND r.status = 'judging'
        JOIN competition_entry_round er ON er.panel_id = p.id
        JOIN competition_entry e ON e.id = er.entry_id AND e.status = 'submitted'
        LEFT JOIN competition_score s ON s.round_id = r.id AND s.entry_id = e.id AND s.judge_id = j.user_id
        WHERE j.user_id = ${userId} AND (s.status IS NULL OR s.status = 'draft')`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}

function asScore(r: {
  round_id: number;
  entry_id: number;
  judge_id: number;
  items: unknown;
  total: number | null;
  comment: string | null;
  status: string;
  recuse_reason: string | null;
  rescore_requested: boolean;
}): ScoreRow {
  return {
    roundId: Number(r.round_id),
    entryId: Number(r.entry_id),
    judgeId: Number(r.judge_id),
    items: (r.items ?? {}) as Record<string, number>,
    total: num(r.total),
    comment: r.comment,
    status: r.status as ScoreRow['status'],
    recuseReason: r.recuse_reason,
    rescoreRequested: r.rescore_requested,
  };
}

export type CompetitionRepository = ReturnType<typeof createCompetitionRepository>;
