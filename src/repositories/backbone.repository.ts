import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BackboneLevel, Duties, RoundChecks, RoundKind, RoundStatus } from '../domain/backbone.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

const under = (path: string) => `${escapeLike(path)}%`;

export interface RoundRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  level: BackboneLevel;
  kind: RoundKind;
  title: string;
  criteria: string;
  checks: RoundChecks;
  nominationDeadline: string;
  termYears: number;
  duties: Duties;
  status: RoundStatus;
  publicityId: number | null;
  finalisedAt: Date | null;
  createdAt: Date;
}

export interface QuotaRow {
  orgUnitId: number;
  orgPath: string;
  name: string;
  quota: number;
  nominated: number;
  proposed: number;
}

export interface NominationRow {
  id: number;
  provinceId: number;
  roundId: number;
  teacherId: number;
  teacherName: string;
  teacherUserId: number | null;
  orgPath: string;
  schoolName: string;
  quotaUnitId: number;
  quotaUnitName: string;
  byUnitId: number;
  statement: string;
  titleId: number | null;
  status: 'proposed' | 'nominated' | 'withdrawn';
  outcome: 'published' | 'kept' | 'removed' | 'not_selected' | null;
  createdAt: Date;
}

export interface FileRow {
  id: number;
  nominationId: number;
  sha256: Buffer;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
}

export interface TitleRow {
  id: number;
  provinceId: number;
  teacherId: number;
  teacherName: string;
  teacherUserId: number | null;
  /** the teacher's school now */
  teacherPath: string;
  schoolName: string;
  orgPath: string;
  level: BackboneLevel;
  grantedByUnitId: number;
  grantedByName: string;
  grantedPath: string;
  roundId: number | null;
  termStart: string;
  termEnd: string;
  status: 'active' | 'expired' | 'revoked';
  flaggedAt: Date | null;
  flagReason: string | null;
  flagSourceKind: string | null;
  revokedAt: Date | null;
  revokeReason: string | null;
  duties: Duties | null;
  /** the number the public /verify page answers for ('B…') */
  code: string;
}

export interface TitleEventRow {
  id: number;
  titleId: number;
  kind: string;
  reason: string | null;
  actorName: string | null;
  at: Date;
}

export interface DutyRow {
  id: number;
  titleId: number;
  teacherId: number;
  teacherName: string;
  orgPath: string;
  year: number;
  kind: 'open_lesson' | 'paper';
  subject: string;
  heldOn: string;
  link: string | null;
  sha256: Buffer | null;
  fileName: string | null;
  mimeType: string | null;
  status: 'recorded' | 'confirmed' | 'rejected';
  decisionNote: string | null;
  createdAt: Date;
}

function selectRounds(db: Q) {
  return db
    .selectFrom('backbone_round as r')
    .innerJoin('org_unit as o', 'o.id', 'r.org_unit_id')
    .select([
      'r.id',
      'r.province_id as provinceId',
      'r.org_unit_id as orgUnitId',
      'r.org_path as orgPath',
      'o.name as orgUnitName',
      'r.level',
      'r.kind',
      'r.title',
      'r.criteria',
      'r.checks',
      sql<string>`to_char(r.nomination_deadline, 'YYYY-MM-DD')`.as('nominationDeadline'),
      'r.term_years as termYears',
      'r.duties',
      'r.status',
      'r.publicity_id as publicityId',
      'r.finalised_at as finalisedAt',
      'r.created_at as createdAt',
    ]);
}

const toRound = (r: Record<string, unknown>): RoundRow =>
  ({
    ...r,
    id: Number(r['id']),
    provinceId: Number(r['provinceId']),
    orgUnitId: Number(r['orgUnitId']),
    publicityId: r['publicityId'] === null ? null : Number(r['publicityId']),
  }) as RoundRow;

function selectNominations(db: Q) {
  return db
    .selectFrom('backbone_nomination as n')
    .innerJoin('teacher as t', 't.id', 'n.teacher_id')
    .innerJoin('org_unit as s', 's.id', 't.org_unit_id')
    .innerJoin('org_unit as qu', 'qu.id', 'n.quota_unit_id')
    .select([
      'n.id',
      'n.province_id as provinceId',
      'n.round_id as roundId',
      'n.teacher_id as teacherId',
      't.name as teacherName',
      't.user_id as teacherUserId',
      'n.org_path as orgPath',
      's.name as schoolName',
      'n.quota_unit_id as quotaUnitId',
      'qu.name as quotaUnitName',
      'n.by_unit_id as byUnitId',
      'n.statement',
      'n.title_id as titleId',
      'n.status',
      'n.outcome',
      'n.created_at as createdAt',
    ]);
}

const toNomination = (r: Record<string, unknown>): NominationRow =>
  ({
    ...r,
    id: Number(r['id']),
    provinceId: Number(r['provinceId']),
    roundId: Number(r['roundId']),
    teacherId: Number(r['teacherId']),
    teacherUserId: r['teacherUserId'] === null ? null : Number(r['teacherUserId']),
    quotaUnitId: Number(r['quotaUnitId']),
    byUnitId: Number(r['byUnitId']),
    titleId: r['titleId'] === null ? null : Number(r['titleId']),
  }) as NominationRow;

function selectTitles(db: Q) {
  return db
    .selectFrom('backbone_title as b')
    .innerJoin('teacher as t', 't.id', 'b.teacher_id')
    .innerJoin('org_unit as s', 's.id', 't.org_unit_id')
    .innerJoin('org_unit as g', 'g.id', 'b.granted_by_unit_id')
    .leftJoin('backbone_round as r', 'r.id', 'b.round_id')
    .select([
      'b.id',
      'b.province_id as provinceId',
      'b.teacher_id as teacherId',
      't.name as teacherName',
      't.user_id as teacherUserId',
      't.org_path as teacherPath',
      's.name as schoolName',
      'b.org_path as orgPath',
      'b.level',
      'b.granted_by_unit_id as grantedByUnitId',
      'g.name as grantedByName',
      'b.granted_path as grantedPath',
      'b.round_id as roundId',
      sql<string>`to_char(b.term_start, 'YYYY-MM-DD')`.as('termStart'),
      sql<string>`to_char(b.term_end, 'YYYY-MM-DD')`.as('termEnd'),
      'b.status',
      'b.flagged_at as flaggedAt',
      'b.flag_reason as flagReason',
      'b.flag_source_kind as flagSourceKind',
      'b.revoked_at as revokedAt',
      'b.revoke_reason as revokeReason',
      'r.duties',
      'b.code',
    ]);
}

const toTitle = (r: Record<string, unknown>): TitleRow =>
  ({
    ...r,
    id: Number(r['id']),
    provinceId: Number(r['provinceId']),
    teacherId: Number(r['teacherId']),
    teacherUserId: r['teacherUserId'] === null ? null : Number(r['teacherUserId']),
    grantedByUnitId: Number(r['grantedByUnitId']),
    roundId: r['roundId'] === null ? null : Number(r['roundId']),
    duties: (r['duties'] as Duties | null) ?? null,
  }) as TitleRow;

function selectDuties(db: Q) {
  return db
    .selectFrom('backbone_duty as d')
    .innerJoin('teacher as t', 't.id', 'd.teacher_id')
    .select([
      'd.id',
      'd.title_id as titleId',
      'd.teacher_id as teacherId',
      't.name as teacherName',
      'd.org_path as orgPath',
      'd.year',
      'd.kind',
      'd.subject',
      sql<string>`to_char(d.held_on, 'YYYY-MM-DD')`.as('heldOn'),
      'd.link',
      'd.sha256',
      'd.file_name as fileName',
      'd.mime_type as mimeType',
      'd.status',
      'd.decision_note as decisionNote',
      'd.created_at as createdAt',
    ]);
}

const toDuty = (r: Record<string, unknown>): DutyRow =>
  ({ ...r, id: Number(r['id']), titleId: Number(r['titleId']), teacherId: Number(r['teacherId']) }) as DutyRow;

export function createBackboneRepository(db: Q) {
  return {
    // ------------------------------------------------------------------ rounds
    async insertRound(r: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      level: BackboneLevel;
      kind: RoundKind;
      title: string;
      criteria: string;
      checks: RoundChecks;
      nominationDeadline: string;
      termYears: number;
      duties: Duties;
      by: number;
    }): Promise<number> {
      const row = await db
        .insertInto('backbone_round')
        .values({
          province_id: r.provinceId,
          org_unit_id: r.orgUnitId,
          org_path: r.orgPath,
          level: r.level,
          kind: r.kind,
          title: r.title,
          criteria: r.criteria,
          checks: JSON.stringify(r.checks),
          nomination_deadline: r.nominationDeadline,
          term_years: r.termYears,
          duties: JSON.stringify(r.duties),
          created_by: r.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async insertQuotas(roundId: number, quotas: { orgUnitId: number; orgPath: string; quota: number }[]) {
      if (quotas.length)
        await db
          .insertInto('backbone_quota')
          .values(
            quotas.map((q) => ({ round_id: roundId, org_unit_id: q.orgUnitId, org_path: q.orgPath, quota: q.quota })),
          )
          .execute();
    },

    async round(id: number): Promise<RoundRow | undefined> {
      const r = await selectRounds(db).where('r.id', '=', id).executeTakeFirst();
      return r ? toRound(r) : undefined;
    },

    async lockRound(id: number): Promise<void> {
      await db.selectFrom('backbone_round').select('id').where('id', '=', id).forUpdate().execute();
    },

    async setRoundStatus(id: number, status: RoundStatus, extra: { publicityId?: number | null } = {}) {
      await db
        .updateTable('backbone_round')
        .set({
          status,
          updated_at: new Date(),
          ...(extra.publicityId !== undefined ? { publicity_id: extra.publicityId } : {}),
          ...(status === 'finalised' ? { finalised_at: new Date() } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Rounds that concern a unit: organised in its subtree, or above it with a quota for a unit on its
     * line (the county's round a school nominates to). Newest first.
     */
    async rounds(
      provinceId: number,
      path: string,
      q: { status?: RoundStatus; limit: number; offset: number },
    ): Promise<{ items: RoundRow[]; total: number }> {
      let base = selectRounds(db)
        .where('r.province_id', '=', provinceId)
        .where((eb) =>
          eb.or([
            eb('r.org_path', 'like', under(path)),
            eb.exists(
              eb
                .selectFrom('backbone_quota as q')
                .select('q.round_id')
                .whereRef('q.round_id', '=', 'r.id')
                .where((e2) =>
                  e2.or([e2('q.org_path', 'like', under(path)), sql<boolean>`starts_with(${path}, q.org_path)`]),
                ),
            ),
          ]),
        )
        .where((eb) => eb.or([eb('r.status', '<>', 'cancelled'), eb('r.org_path', 'like', under(path))]));
      if (q.status) base = base.where('r.status', '=', q.status);
      const rows = await base
        .select(sql<number>`(count(*) OVER ())::int`.as('fullCount'))
        .orderBy('r.id', 'desc')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return { items: rows.map(({ fullCount: _, ...r }) => toRound(r)), total: rows[0]?.fullCount ?? 0 };
    },

    async quotas(roundId: number): Promise<QuotaRow[]> {
      const rows = await db
        .selectFrom('backbone_quota as q')
        .innerJoin('org_unit as o', 'o.id', 'q.org_unit_id')
        .select([
          'q.org_unit_id as orgUnitId',
          'q.org_path as orgPath',
          'o.name',
          'q.quota',
          (eb) =>
            eb
              .selectFrom('backbone_nomination as n')
              .select(sql<number>`count(*)::int`.as('n'))
              .whereRef('n.round_id', '=', 'q.round_id')
              .whereRef('n.quota_unit_id', '=', 'q.org_unit_id')
              .where('n.status', '=', 'nominated')
              .as('nominated'),
          (eb) =>
            eb
              .selectFrom('backbone_nomination as n')
              .select(sql<number>`count(*)::int`.as('n'))
              .whereRef('n.round_id', '=', 'q.round_id')
              .whereRef('n.quota_unit_id', '=', 'q.org_unit_id')
              .where('n.status', '=', 'proposed')
              .as('proposed'),
        ])
        .where('q.round_id', '=', roundId)
        .orderBy('o.name')
        .execute();
      return rows.map((r) => ({
        ...r,
        orgUnitId: Number(r.orgUnitId),
        nominated: Number(r.nominated ?? 0),
        proposed: Number(r.proposed ?? 0),
      }));
    },

    /** Locks a unit's quota row so two nominations for it take turns. */
    async lockQuota(roundId: number, unitId: number): Promise<number | undefined> {
      const r = await db
        .selectFrom('backbone_quota')
        .select('quota')
        .where('round_id', '=', roundId)
        .where('org_unit_id', '=', unitId)
        .forUpdate()
        .executeTakeFirst();
      return r?.quota;
    },

    async nominatedCount(roundId: number, unitId: number): Promise<number> {
      const r = await db
        .selectFrom('backbone_nomination')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('round_id', '=', roundId)
        .where('quota_unit_id', '=', unitId)
        .where('status', '=', 'nominated')
        .executeTakeFirstOrThrow();
      return r.n;
    },

    // ------------------------------------------------------------------ nominations
    async insertNomination(n: {
      provinceId: number;
      roundId: number;
      teacherId: number;
      orgPath: string;
      quotaUnitId: number;
      byUnitId: number;
      statement: string;
      titleId: number | null;
      status: 'proposed' | 'nominated';
      by: number;
    }): Promise<number> {
      const row = await db
        .insertInto('backbone_nomination')
        .values({
          province_id: n.provinceId,
          round_id: n.roundId,
          teacher_id: n.teacherId,
          org_path: n.orgPath,
          quota_unit_id: n.quotaUnitId,
          by_unit_id: n.byUnitId,
          statement: n.statement,
          title_id: n.titleId,
          status: n.status,
          created_by: n.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async nomination(id: number): Promise<NominationRow | undefined> {
      const r = await selectNominations(db).where('n.id', '=', id).executeTakeFirst();
      return r ? toNomination(r) : undefined;
    },

    async nominations(roundId: number, opts: { underPath?: string } = {}): Promise<NominationRow[]> {
      let q = selectNominations(db).where('n.round_id', '=', roundId).where('n.status', '<>', 'withdrawn');
      if (opts.underPath) {
        const p = opts.underPath;
        q = q.where((eb) =>
          eb.or([
            eb('n.org_path', 'like', under(p)),
            eb.exists(
              eb
                .selectFrom('org_unit as u')
                .select('u.id')
                .whereRef('u.id', '=', 'n.quota_unit_id')
                .where('u.path', 'like', under(p)),
            ),
          ]),
        );
      }
      return (await q.orderBy('qu.name').orderBy('n.id').execute()).map(toNomination);
    },

    async setNominationStatus(id: number, status: 'nominated' | 'withdrawn') {
      await db.updateTable('backbone_nomination').set({ status }).where('id', '=', id).execute();
    },

    async setOutcomes(ids: number[], outcome: NonNullable<NominationRow['outcome']> | null) {
      if (ids.length) await db.updateTable('backbone_nomination').set({ outcome }).where('id', 'in', ids).execute();
    },

    async clearOutcomes(roundId: number) {
      await db.updateTable('backbone_nomination').set({ outcome: null }).where('round_id', '=', roundId).execute();
    },

    async insertFile(f: {
      nominationId: number;
      sha256: Buffer;
      fileName: string;
      mimeType: string;
      sizeBytes: number;
      by: number;
    }): Promise<number> {
      const row = await db
        .insertInto('backbone_nomination_file')
        .values({
          nomination_id: f.nominationId,
          sha256: f.sha256,
          file_name: f.fileName,
          mime_type: f.mimeType,
          size_bytes: f.sizeBytes,
          created_by: f.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async files(nominationIds: number[]): Promise<FileRow[]> {
      if (!nominationIds.length) return [];
      const rows = await db
        .selectFrom('backbone_nomination_file')
        .select([
          'id',
          'nomination_id as nominationId',
          'sha256',
          'file_name as fileName',
          'mime_type as mimeType',
          'size_bytes as sizeBytes',
        ])
        .where('nomination_id', 'in', nominationIds)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        ...r,
        id: Number(r.id),
        nominationId: Number(r.nominationId),
        sizeBytes: Number(r.sizeBytes),
      }));
    },

    async file(id: number): Promise<FileRow | undefined> {
      return (
        await db
          .selectFrom('backbone_nomination_file')
          .select([
            'id',
            'nomination_id as nominationId',
            'sha256',
            'file_name as fileName',
            'mime_type as mimeType',
            'size_bytes as sizeBytes',
          ])
          .where('id', '=', id)
          .execute()
      ).map((r) => ({
        ...r,
        id: Number(r.id),
        nominationId: Number(r.nominationId),
        sizeBytes: Number(r.sizeBytes),
      }))[0];
    },

    // ------------------------------------------------------------------ panel and scores
    async panel(roundId: number): Promise<{ userId: number; username: string; displayName: string; role: string }[]> {
      const rows = await db
        .selectFrom('backbone_panel_member as p')
        .innerJoin('app_user as u', 'u.id', 'p.user_id')
        .select(['u.id as userId', 'u.username', 'u.display_name as displayName', 'u.role'])
        .where('p.round_id', '=', roundId)
        .orderBy('p.added_at')
        .orderBy('u.id')
        .execute();
      return rows.map((r) => ({ ...r, userId: Number(r.userId) }));
    },

    async setPanel(roundId: number, userIds: number[], by: number) {
      await db.deleteFrom('backbone_panel_member').where('round_id', '=', roundId).execute();
      if (userIds.length)
        await db
          .insertInto('backbone_panel_member')
          .values(userIds.map((u) => ({ round_id: roundId, user_id: u, added_by: by })))
          .execute();
    },

    async usersByIds(ids: number[]): Promise<{ id: number; orgPath: string; role: string; provinceId: number }[]> {
      if (!ids.length) return [];
      const rows = await db
        .selectFrom('app_user')
        .select(['id', 'org_path as orgPath', 'role', 'province_id as provinceId'])
        .where('id', 'in', ids)
        .where('disabled', '=', false)
        .execute();
      return rows.map((r) => ({ ...r, id: Number(r.id), provinceId: Number(r.provinceId) }));
    },

    async isPanelMember(roundId: number, userId: number): Promise<boolean> {
      return Boolean(
        await db
          .selectFrom('backbone_panel_member')
          .select('user_id')
          .where('round_id', '=', roundId)
          .where('user_id', '=', userId)
          .executeTakeFirst(),
      );
    },

    async panelRounds(userId: number): Promise<RoundRow[]> {
      const rows = await selectRounds(db)
        .innerJoin('backbone_panel_member as p', 'p.round_id', 'r.id')
        .where('p.user_id', '=', userId)
        .where('r.status', '<>', 'cancelled')
        .orderBy('r.id', 'desc')
        .execute();
      return rows.map(toRound);
    },

    async upsertScore(s: { nominationId: number; userId: number; score: number; comment: string | null }) {
      await db
        .insertInto('backbone_score')
        .values({ nomination_id: s.nominationId, user_id: s.userId, score: s.score, comment: s.comment })
        .onConflict((oc) =>
          oc
            .columns(['nomination_id', 'user_id'])
            .doUpdateSet({ score: s.score, comment: s.comment, scored_at: new Date() }),
        )
        .execute();
    },

    async scores(
      roundId: number,
    ): Promise<{ nominationId: number; userId: number; score: number; comment: string | null }[]> {
      const rows = await db
        .selectFrom('backbone_score as s')
        .innerJoin('backbone_nomination as n', 'n.id', 's.nomination_id')
        .innerJoin('backbone_panel_member as p', (j) =>
          j.onRef('p.round_id', '=', 'n.round_id').onRef('p.user_id', '=', 's.user_id'),
        )
        .select(['s.nomination_id as nominationId', 's.user_id as userId', 's.score', 's.comment'])
        .where('n.round_id', '=', roundId)
        .where('n.status', '=', 'nominated')
        .execute();
      return rows.map((r) => ({ ...r, nominationId: Number(r.nominationId), userId: Number(r.userId) }));
    },

    // ------------------------------------------------------------------ teachers and titles
    async teacher(id: number) {
      const r = await db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as s', 's.id', 't.org_unit_id')
        .select([
          't.id',
          't.province_id as provinceId',
          't.name',
          't.org_path as orgPath',
          't.org_unit_id as orgUnitId',
          's.name as schoolName',
          't.stage',
          't.subject',
          't.teaching_start_year as teachingStartYear',
          't.user_id as userId',
        ])
        .where('t.id', '=', id)
        .executeTakeFirst();
      return r
        ? {
            ...r,
            id: Number(r.id),
            provinceId: Number(r.provinceId),
            orgUnitId: Number(r.orgUnitId),
            userId: r.userId === null ? null : Number(r.userId),
          }
        : undefined;
    },

    async teacherByUser(userId: number): Promise<number | undefined> {
      const r = await db.selectFrom('teacher').select('id').where('user_id', '=', userId).executeTakeFirst();
      return r ? Number(r.id) : undefined;
    },

    async insertTitle(t: {
      provinceId: number;
      teacherId: number;
      orgPath: string;
      level: BackboneLevel;
      grantedByUnitId: number;
      grantedPath: string;
      roundId: number;
      termStart: string;
      termEnd: string;
      by: number;
      code: string;
    }): Promise<number> {
      const row = await db
        .insertInto('backbone_title')
        .values({
          province_id: t.provinceId,
          teacher_id: t.teacherId,
          org_path: t.orgPath,
          level: t.level,
          granted_by_unit_id: t.grantedByUnitId,
          granted_path: t.grantedPath,
          round_id: t.roundId,
          term_start: t.termStart,
          term_end: t.termEnd,
          created_by: t.by,
          code: t.code,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async event(e: { titleId: number; kind: string; reason: string | null; by: number | null; details?: unknown }) {
      await db
        .insertInto('backbone_title_event')
        .values({
          title_id: e.titleId,
          kind: e.kind,
          reason: e.reason,
          actor_id: e.by,
          details: e.details === undefined ? null : JSON.stringify(e.details),
        })
        .execute();
    },

    /** A title by its public number (the /verify page). */
    async titleByCode(code: string): Promise<TitleRow | undefined> {
      const r = await selectTitles(db).where('b.code', '=', code).executeTakeFirst();
      return r ? toTitle(r) : undefined;
    },

    async title(id: number): Promise<TitleRow | undefined> {
      const r = await selectTitles(db).where('b.id', '=', id).executeTakeFirst();
      return r ? toTitle(r) : undefined;
    },

    async lockTitle(id: number) {
      await db.selectFrom('backbone_title').select('id').where('id', '=', id).forUpdate().execute();
    },

    async titlesOfTeacher(teacherId: number): Promise<TitleRow[]> {
      return (await selectTitles(db).where('b.teacher_id', '=', teacherId).orderBy('b.id', 'desc').execute()).map(
        toTitle,
      );
    },

    /** Titles of the teachers of a subtree, or granted by a unit of it. */
    async titles(
      provinceId: number,
      path: string,
      q: {
        level?: BackboneLevel;
        status?: string;
        flagged?: boolean;
        grantedUnder?: string;
        q?: string;
        limit: number;
        offset: number;
      },
    ): Promise<{ items: TitleRow[]; total: number }> {
      let base = selectTitles(db)
        .where('b.province_id', '=', provinceId)
        .where((eb) => eb.or([eb('t.org_path', 'like', under(path)), eb('b.granted_path', 'like', under(path))]));
      if (q.level) base = base.where('b.level', '=', q.level);
      if (q.status) base = base.where('b.status', '=', q.status);
      if (q.flagged) base = base.where('b.flagged_at', 'is not', null).where('b.status', '=', 'active');
      if (q.grantedUnder) base = base.where('b.granted_path', 'like', under(q.grantedUnder));
      if (q.q) base = base.where('t.name', 'like', `%${escapeLike(q.q)}%`);
      const rows = await base
        .select(sql<number>`(count(*) OVER ())::int`.as('fullCount'))
        .orderBy('b.level', 'desc')
        .orderBy('b.id', 'desc')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return { items: rows.map(({ fullCount: _, ...r }) => toTitle(r)), total: rows[0]?.fullCount ?? 0 };
    },

    /** Flagged active titles granted by units of a subtree (the keep-or-revoke to-do). */
    async flaggedCount(provinceId: number, grantedPath: string): Promise<number> {
      const r = await db
        .selectFrom('backbone_title')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('province_id', '=', provinceId)
        .where('granted_path', 'like', under(grantedPath))
        .where('status', '=', 'active')
        .where('flagged_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async events(titleIds: number[]): Promise<TitleEventRow[]> {
      if (!titleIds.length) return [];
      const rows = await db
        .selectFrom('backbone_title_event as e')
        .leftJoin('app_user as u', 'u.id', 'e.actor_id')
        .select(['e.id', 'e.title_id as titleId', 'e.kind', 'e.reason', 'u.display_name as actorName', 'e.at'])
        .where('e.title_id', 'in', titleIds)
        .orderBy('e.id')
        .execute();
      return rows.map((r) => ({ ...r, id: Number(r.id), titleId: Number(r.titleId) }));
    },

    async clearFlag(id: number) {
      await db
        .updateTable('backbone_title')
        .set({ flagged_at: null, flag_reason: null, flag_source_kind: null, flag_source_id: null })
        .where('id', '=', id)
        .execute();
    },

    async revoke(id: number, reason: string, by: number) {
      await db
        .updateTable('backbone_title')
        .set({ status: 'revoked', revoke_reason: reason, revoked_at: new Date(), revoked_by: by })
        .where('id', '=', id)
        .execute();
    },

    async renew(id: number, termEnd: string, roundId: number) {
      await db
        .updateTable('backbone_title')
        .set({ term_end: termEnd, round_id: roundId, flagged_at: null, flag_reason: null, flag_source_kind: null })
        .where('id', '=', id)
        .execute();
    },

    async expire(ids: number[]) {
      if (ids.length)
        await db.updateTable('backbone_title').set({ status: 'expired' }).where('id', 'in', ids).execute();
    },

    /** Active titles of a province (or of a subtree), for the yearly sweep. */
    async activeTitles(provinceId: number | null, path: string | null): Promise<TitleRow[]> {
      let q = selectTitles(db).where('b.status', '=', 'active');
      if (provinceId !== null) q = q.where('b.province_id', '=', provinceId);
      if (path)
        q = q.where((eb) => eb.or([eb('t.org_path', 'like', under(path)), eb('b.granted_path', 'like', under(path))]));
      return (await q.orderBy('b.id').execute()).map(toTitle);
    },

    /** Active titles due for re-review: those of a level granted in a subtree whose term ends by `until`. */
    async dueForReview(
      provinceId: number,
      level: BackboneLevel,
      grantedPath: string,
      until: string,
    ): Promise<TitleRow[]> {
      return (
        await selectTitles(db)
          .where('b.province_id', '=', provinceId)
          .where('b.level', '=', level)
          .where('b.status', '=', 'active')
          .where('b.granted_path', '=', grantedPath)
          .where('b.term_end', '<=', until)
          .orderBy('b.id')
          .execute()
      ).map(toTitle);
    },

    async activeLevels(teacherId: number): Promise<{ level: BackboneLevel; status: string }[]> {
      return (await db
        .selectFrom('backbone_title')
        .select(['level', 'status'])
        .where('teacher_id', '=', teacherId)
        .execute()) as { level: BackboneLevel; status: string }[];
    },

    async setTeacherLevel(teacherId: number, level: BackboneLevel | null): Promise<boolean> {
      const r = await db
        .updateTable('teacher')
        .set({ backbone_level: level, updated_at: new Date() })
        .where('id', '=', teacherId)
        .where(sql<boolean>`backbone_level IS DISTINCT FROM ${level}`)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    // ------------------------------------------------------------------ duties
    async insertDuty(d: {
      provinceId: number;
      titleId: number;
      teacherId: number;
      orgPath: string;
      year: number;
      kind: 'open_lesson' | 'paper';
      subject: string;
      heldOn: string;
      link: string | null;
      file: { sha256: Buffer; fileName: string; mimeType: string; sizeBytes: number } | null;
      by: number;
    }): Promise<number> {
      const row = await db
        .insertInto('backbone_duty')
        .values({
          province_id: d.provinceId,
          title_id: d.titleId,
          teacher_id: d.teacherId,
          org_path: d.orgPath,
          year: d.year,
          kind: d.kind,
          subject: d.subject,
          held_on: d.heldOn,
          link: d.link,
          sha256: d.file?.sha256 ?? null,
          file_name: d.file?.fileName ?? null,
          mime_type: d.file?.mimeType ?? null,
          size_bytes: d.file?.sizeBytes ?? null,
          created_by: d.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async duty(id: number): Promise<DutyRow | undefined> {
      const r = await selectDuties(db).where('d.id', '=', id).executeTakeFirst();
      return r ? toDuty(r) : undefined;
    },

    async dutiesOfTitles(titleIds: number[]): Promise<DutyRow[]> {
      if (!titleIds.length) return [];
      return (await selectDuties(db).where('d.title_id', 'in', titleIds).orderBy('d.held_on', 'desc').execute()).map(
        toDuty,
      );
    },

    /** Duties recorded by the teachers of a subtree waiting for their school's decision. */
    async dutiesWaiting(provinceId: number, path: string): Promise<DutyRow[]> {
      return (
        await selectDuties(db)
          .where('d.province_id', '=', provinceId)
          .where('d.org_path', 'like', under(path))
          .where('d.status', '=', 'recorded')
          .orderBy('d.id')
          .limit(500)
          .execute()
      ).map(toDuty);
    },

    async dutiesWaitingCount(provinceId: number, path: string): Promise<number> {
      const r = await db
        .selectFrom('backbone_duty')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('province_id', '=', provinceId)
        .where('org_path', 'like', under(path))
        .where('status', '=', 'recorded')
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async decideDuty(id: number, status: 'confirmed' | 'rejected', note: string | null, by: number) {
      await db
        .updateTable('backbone_duty')
        .set({ status, decision_note: note, decided_by: by, decided_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'recorded')
        .execute();
    },

    /** Confirmed duties per title and year. */
    async confirmedCounts(
      titleIds: number[],
      year: number,
    ): Promise<Map<number, { openLessons: number; papers: number }>> {
      const out = new Map<number, { openLessons: number; papers: number }>();
      if (!titleIds.length) return out;
      const rows = await db
        .selectFrom('backbone_duty')
        .select(['title_id as titleId', 'kind', sql<number>`count(*)::int`.as('n')])
        .where('title_id', 'in', titleIds)
        .where('year', '=', year)
        .where('status', '=', 'confirmed')
        .groupBy(['title_id', 'kind'])
        .execute();
      for (const r of rows) {
        const cur = out.get(Number(r.titleId)) ?? { openLessons: 0, papers: 0 };
        if (r.kind === 'open_lesson') cur.openLessons += r.n;
        else cur.papers += r.n;
        out.set(Number(r.titleId), cur);
      }
      return out;
    },

    async dutyYears(
      titleIds: number[],
      year: number,
    ): Promise<Map<number, { remindedOn: string | null; flaggedOn: string | null }>> {
      const out = new Map<number, { remindedOn: string | null; flaggedOn: string | null }>();
      if (!titleIds.length) return out;
      const rows = await db
        .selectFrom('backbone_duty_year')
        .select([
          'title_id as titleId',
          sql<string | null>`to_char(reminded_on, 'YYYY-MM-DD')`.as('remindedOn'),
          sql<string | null>`to_char(flagged_on, 'YYYY-MM-DD')`.as('flaggedOn'),
        ])
        .where('title_id', 'in', titleIds)
        .where('year', '=', year)
        .execute();
      for (const r of rows) out.set(Number(r.titleId), { remindedOn: r.remindedOn, flaggedOn: r.flaggedOn });
      return out;
    },

    async markDutyYear(titleId: number, year: number, what: 'reminded_on' | 'flagged_on', day: string) {
      await db
        .insertInto('backbone_duty_year')
        .values({ title_id: titleId, year, [what]: day })
        .onConflict((oc) => oc.columns(['title_id', 'year']).doUpdateSet({ [what]: day }))
        .execute();
    },
  };
}

export type BackboneRepository = ReturnType<typeof createBackboneRepository>;
