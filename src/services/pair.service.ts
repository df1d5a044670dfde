import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { chinaDay, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { isAdmin, isWithin } from '../domain/org-tree.js';
import {
  activityHours,
  agreementGaps,
  awardable,
  initialStatus,
  nextStatus,
  pairWorks,
  reviewScore,
  scoreValid,
  stepsFrom,
  termValid,
  type ActivityKind,
  type AgreementFields,
  type EndKind,
  type PairHoursRule,
  type PairKind,
  type PairStatus,
  type PairStep,
  type ReviewStage,
  type Side,
} from '../domain/pair.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import type { Actor } from '../policies/access.policy.js';
import { createOrgUnitRepository, escapeLike, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import {
  createPairRepository,
  type ActivityFileRow,
  type ActivityRow,
  type PairRow,
  type PairRuleRow,
  type ReviewRow,
} from '../repositories/pair.repository.js';
import { createTeacherRepository, type TeacherRow } from '../repositories/teacher.repository.js';
import { registerArchiveSection } from './archive-sections.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { flagBackboneTitles } from './backbone-flag.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';
import ExcelJS from './excel.js';
import { recordHonour } from './honour.js';
import { renderFormPdf } from './print-forms/form-pdf.js';
import { notify } from './notify.js';
import { neutraliseCell } from './roster-file.js';
import { cleanFileName, storeBySha256, storedPath, uploadType } from './stored-file.js';

/** Evidence files of an activity: at most this size each, and this many per activity. */
export const PAIR_FILE_MAX_BYTES = 20 * 1024 * 1024;
export const PAIR_FILES_PER_ACTIVITY = 10;

/** What the reader may do with a pair now: the page shows these buttons and no others. */
export interface PairAbilities {
  recommend: boolean;
  register: boolean;
  resubmit: boolean;
  editAgreement: boolean;
  confirm: boolean;
  logActivity: boolean;
  decideActivities: boolean;
  scoreAsSchool: boolean;
  scoreAsCounty: boolean;
  award: boolean;
  end: boolean;
}

export interface PairView extends PairRow {
  /** the reader's side when they are a member (a named teacher, or a school admin of a school pairing) */
  side: Side | null;
  can: PairAbilities;
  /** the named teacher a school admin confirms the agreement for, having no account yet */
  confirmsFor: string | null;
  reviews: ReviewRow[];
}

export interface ActivityView extends ActivityRow {
  files: Array<Omit<ActivityFileRow, 'sha256' | 'activityId'>>;
  /** the reader may confirm or reject it */
  decidable: boolean;
}

export interface PairDetail {
  pair: PairView;
  activities: ActivityView[];
  /** hours posted from the pair's confirmed activities (tenths) */
  postedTenths: number;
}

export interface CreatePairInput {
  kind: PairKind;
  /** a teacher applying: as mentor or mentee */
  as?: Side | null;
  /** a teacher applying: the other teacher (same county), or none to ask the school to find one */
  partnerTeacherId?: number | null;
  /** an admin pairing teachers (both), or naming them in a school pairing (optional) */
  mentorTeacherId?: number | null;
  menteeTeacherId?: number | null;
  /** a school pairing: the urban (mentor side) and the rural (mentee side) school */
  orgUnitId?: number | null;
  menteeOrgUnitId?: number | null;
  note?: string | null;
}

export interface PairListQuery {
  status?: PairStatus;
  kind?: PairKind;
  q?: string;
  page?: number;
  pageSize?: number;
}

const KIND_LABEL: Record<ActivityKind, { 'zh-CN': string; en: string }> = {
  observation: { 'zh-CN': '听课', en: 'lesson observation' },
  guidance: { 'zh-CN': '指导', en: 'guidance' },
  coteaching: { 'zh-CN': '同课异构/共同备课', en: 'co-teaching' },
  other: { 'zh-CN': '其他', en: 'other' },
};
const STATUS_LABEL: Record<PairStatus, { 'zh-CN': string; en: string }> = {
  applied: { 'zh-CN': '待学校推荐', en: 'Waiting for the school' },
  returned: { 'zh-CN': '已退回', en: 'Returned' },
  recommended: { 'zh-CN': '待县区审核', en: 'Waiting for the county' },
  refused: { 'zh-CN': '未通过', en: 'Refused' },
  registered: { 'zh-CN': '已登记（待签协议）', en: 'Registered (agreement to sign)' },
  active: { 'zh-CN': '结对中', en: 'Working' },
  ended: { 'zh-CN': '已结束', en: 'Ended' },
};
const END_LABEL: Record<EndKind, { 'zh-CN': string; en: string }> = {
  completed: { 'zh-CN': '期满完成', en: 'completed' },
  not_fulfilled: { 'zh-CN': '未履行协议', en: 'agreement not fulfilled' },
  other: { 'zh-CN': '其他原因', en: 'other reason' },
};

const reasonText = (s: string | null | undefined) => (s ?? '').trim();

/** The county a school lies in: the nearest unit of kind county on its line. */
async function countyOf(db: Kysely<DB>, school: { path: string }): Promise<OrgUnitRow | undefined> {
  const ids = school.path.split('/').filter(Boolean).map(Number);
  const units = await createOrgUnitRepository(db).findByIds(ids);
  return units.filter((u) => u.kind === 'county').sort((a, b) => b.depth - a.depth)[0];
}

/**
 * Mentoring pairs (师徒结对 / 青蓝工程) and urban–rural school pairing (城乡对口帮扶), R-40: a teacher
 * applies (or a school pairs its teachers, or a county pairs two schools); the school recommends; the
 * county's training department registers; both sides sign an agreement, log activities the other side
 * confirms (hours under the county's rule); mid-term and year-end reviews are scored by the school, then
 * the county; the county awards good pairs and ends pairs with a reason (an unfulfilled agreement flags
 * the mentor's backbone titles).
 */
export function createPairService(deps: ServiceDeps, credits: CreditLedgerService) {
  const { db, env } = deps;
  const repo = createPairRepository(db);
  const teachers = createTeacherRepository(db);
  const fileDir = path.join(env.dataDir, 'pairs');

  registerArchiveSection('pairs', async (q, { teacherId, locale }) => {
    const pairs = await createPairRepository(q).ofTeacher(teacherId);
    const shown = pairs.filter((p) => p.status === 'registered' || p.status === 'active' || p.status === 'ended');
    if (shown.length === 0) return null;
    const reviews = await createPairRepository(q).reviews(shown.map((p) => p.id));
    return archiveSection(shown, reviews, teacherId, locale);
  });

  // ------------------------------------------------------------------ who the reader is to a pair

  async function teacherOfActor(actor: Actor): Promise<TeacherRow | undefined> {
    return actor.role === 'teacher' ? teachers.findByUserId(actor.userId) : undefined;
  }

  function sideOf(actor: Actor, teacher: TeacherRow | undefined, p: PairRow): Side | null {
    if (teacher && teacher.id === p.mentorTeacherId) return 'mentor';
    if (teacher && teacher.id === p.menteeTeacherId) return 'mentee';
    if (p.kind === 'school' && actor.role === 'school_admin') {
      if (isWithin(actor.orgPath, p.orgPath)) return 'mentor';
      if (isWithin(actor.orgPath, p.menteeOrgPath)) return 'mentee';
    }
    return null;
  }

  /** The school that recommends a teacher's application: the applicant's. */
  const applicantPath = (p: PairRow) => (p.appliedAs === 'mentee' ? p.menteeOrgPath : p.orgPath);
  const applicantUnit = (p: PairRow) => (p.appliedAs === 'mentee' ? p.menteeOrgUnitId : p.orgUnitId);
  const insidePair = (actor: Actor, p: PairRow) =>
    isWithin(actor.orgPath, p.orgPath) || isWithin(actor.orgPath, p.menteeOrgPath);
  const schoolStep = (actor: Actor, p: PairRow) =>
    (actor.role === 'school_admin' || actor.role === 'county_admin') && isWithin(actor.orgPath, applicantPath(p));
  const countyStep = (actor: Actor, p: PairRow) =>
    actor.role === 'county_admin' && isWithin(actor.orgPath, p.countyPath);
  const schoolScorer = (actor: Actor, p: PairRow) => actor.role === 'school_admin' && insidePair(actor, p);

  /**
   * The side a school admin confirms the agreement for: a named teacher of the admin's school who has no
   * account yet (recorded as confirmed on their behalf), so a pair never waits for a login that cannot come.
   */
  function proxySide(actor: Actor, p: PairRow): Side | null {
    if (p.kind !== 'mentoring' || actor.role !== 'school_admin') return null;
    const open = (side: Side) =>
      side === 'mentor'
        ? p.mentorTeacherId !== null &&
          !p.mentorHasAccount &&
          !p.mentorConfirmedAt &&
          isWithin(actor.orgPath, p.orgPath)
        : p.menteeTeacherId !== null &&
          !p.menteeHasAccount &&
          !p.menteeConfirmedAt &&
          isWithin(actor.orgPath, p.menteeOrgPath);
    return open('mentor') ? 'mentor' : open('mentee') ? 'mentee' : null;
  }

  function abilities(actor: Actor, side: Side | null, p: PairRow, reviews: ReviewRow[]): PairAbilities {
    const steps = stepsFrom(p.status);
    const member = side !== null;
    const confirmSide = side ?? proxySide(actor, p);
    const admin = (actor.role === 'school_admin' || actor.role === 'county_admin') && insidePair(actor, p);
    const confirmedMine =
      confirmSide === 'mentor'
        ? p.mentorConfirmedAt !== null
        : confirmSide === 'mentee'
          ? p.menteeConfirmedAt !== null
          : true;
    return {
      recommend: steps.includes('recommend') && schoolStep(actor, p),
      register: steps.includes('register') && countyStep(actor, p),
      resubmit: steps.includes('resubmit') && p.createdBy === actor.userId,
      editAgreement: p.status === 'registered' && (member || admin),
      confirm:
        p.status === 'registered' &&
        confirmSide !== null &&
        !confirmedMine &&
        agreementGaps(p).length === 0 &&
        namedFor(p, confirmSide),
      logActivity: pairWorks(p.status) && member,
      decideActivities: pairWorks(p.status) && (member || admin),
      scoreAsSchool: pairWorks(p.status) && schoolScorer(actor, p),
      scoreAsCounty:
        pairWorks(p.status) &&
        countyStep(actor, p) &&
        reviews.some((r) => r.schoolScore !== null && r.countyScore === null),
      award: awardable(p.status, p.endKind) && countyStep(actor, p) && p.honourId === null,
      end: steps.includes('end') && countyStep(actor, p),
    };
  }

  /** A mentoring pair's side is confirmed by its named teacher; a school pairing's by its school. */
  const namedFor = (p: PairRow, side: Side) =>
    p.kind === 'school' || (side === 'mentor' ? p.mentorTeacherId !== null : p.menteeTeacherId !== null);

  /**
   * A pair the reader may see: its members, and the admins whose subtree holds either side's school.
   * Trainers are refused; anyone else (another school, another teacher) is told "not found".
   */
  async function readable(
    ctx: RequestContext,
    id: number,
    action: string,
    lock = false,
    q: Kysely<DB> = db,
  ): Promise<{ actor: Actor; p: PairRow; side: Side | null; teacher: TeacherRow | undefined }> {
    const actor = requireActor(ctx);
    if (actor.role === 'trainer')
      return auditRefusal(db, ctx, { action, targetType: 'pair', targetId: id }, new AppError('FORBIDDEN'));
    const p = await createPairRepository(q).find(id, { lock });
    const teacher = await teacherOfActor(actor);
    const side = p ? sideOf(actor, teacher, p) : null;
    const visible =
      p && p.provinceId === actor.provinceId && (side !== null || (isAdmin(actor.role) && insidePair(actor, p)));
    if (!visible) return auditRefusal(db, ctx, { action, targetType: 'pair', targetId: id }, notFoundDenied());
    return { actor, p, side, teacher };
  }

  const deny = (ctx: RequestContext, action: string, p: PairRow): Promise<never> =>
    auditRefusal(
      db,
      ctx,
      { action, targetType: 'pair', targetId: p.id, targetPath: p.orgPath, targetLabel: label(p) },
      new AppError('FORBIDDEN'),
    );

  const label = (p: PairRow) =>
    p.kind === 'school'
      ? `${p.orgUnitName} ↔ ${p.menteeOrgUnitName}`
      : `${p.mentorName ?? '（待定）'} → ${p.menteeName ?? '（待定）'}`;

  /** A state change of a pair, in one audited transaction with the pair's row locked. */
  async function change<T>(
    ctx: RequestContext,
    id: number,
    action: string,
    allowed: (r: { actor: Actor; p: PairRow; side: Side | null; teacher: TeacherRow | undefined }) => boolean,
    fn: (
      trx: Kysely<DB>,
      r: { actor: Actor; p: PairRow; side: Side | null; teacher: TeacherRow | undefined },
      meta: { details?: Record<string, unknown> | null },
    ) => Promise<T>,
    details: Record<string, unknown> = {},
  ): Promise<T> {
    const first = await readable(ctx, id, action);
    if (!allowed(first)) return deny(ctx, action, first.p);
    return auditedWrite(
      db,
      ctx,
      {
        action,
        targetType: 'pair',
        targetId: id,
        targetPath: first.p.orgPath,
        targetLabel: label(first.p),
        details,
      },
      async (trx, meta) => {
        const r = await readable(ctx, id, action, true, trx);
        return fn(trx, r, meta);
      },
    );
  }

  function step(p: PairRow, s: PairStep): PairStatus {
    const to = nextStatus(p.status, s);
    if (!to) throw new AppError('PAIR_STATE', { details: { status: p.status, step: s } });
    return to;
  }

  /** The members and both schools' admins hear of a decision about the pair. */
  async function tellPair(
    trx: Kysely<DB>,
    p: PairRow,
    kind: Parameters<typeof notify>[1]['kind'],
    by: number,
    params: Record<string, string | number | null> = {},
  ): Promise<void> {
    const base = { pairId: p.id, pair: label(p), ...params };
    const link = `/programmes/pairs/${p.id}`;
    for (const tid of [p.mentorTeacherId, p.menteeTeacherId])
      if (tid !== null)
        await notify(trx, { to: { teacherOf: tid }, kind, params: base, link: `/me/pairs/${p.id}`, senderId: by });
    await notify(trx, {
      to: { adminsAt: [...new Set([p.orgUnitId, p.menteeOrgUnitId])] },
      kind,
      params: base,
      link,
      senderId: by,
    });
  }

  /** Tells one side of the pair (its teacher, or its school's admins when none is named). */
  async function tellSide(
    trx: Kysely<DB>,
    p: PairRow,
    side: Side,
    kind: Parameters<typeof notify>[1]['kind'],
    by: number,
    params: Record<string, string | number | null> = {},
  ): Promise<void> {
    const tid = side === 'mentor' ? p.mentorTeacherId : p.menteeTeacherId;
    const base = { pairId: p.id, pair: label(p), ...params };
    if (tid !== null)
      await notify(trx, { to: { teacherOf: tid }, kind, params: base, link: `/me/pairs/${p.id}`, senderId: by });
    else
      await notify(trx, {
        to: { adminsAt: [side === 'mentor' ? p.orgUnitId : p.menteeOrgUnitId] },
        kind,
        params: base,
        link: `/programmes/pairs/${p.id}`,
        senderId: by,
      });
  }

  async function view(actor: Actor, side: Side | null, p: PairRow): Promise<PairView> {
    const reviews = await repo.reviews([p.id]);
    const proxy = side === null ? proxySide(actor, p) : null;
    const confirmsFor = proxy === 'mentor' ? p.mentorName : proxy === 'mentee' ? p.menteeName : null;
    return { ...p, side, can: abilities(actor, side, p, reviews), confirmsFor, reviews };
  }

  async function detailOf(actor: Actor, side: Side | null, p: PairRow): Promise<PairDetail> {
    const activities = await repo.activities(p.id);
    const files = await repo.files(activities.map((a) => a.id));
    const pv = await view(actor, side, p);
    return {
      pair: pv,
      activities: activities.map((a) => ({
        ...a,
        files: files.filter((f) => f.activityId === a.id).map(({ sha256: _s, activityId: _a, ...f }) => f),
        decidable: a.status === 'logged' && activityDecider(actor, side, p, a),
      })),
      postedTenths: activities.reduce((n, a) => n + (a.entryId !== null ? (a.hours ?? 0) : 0), 0),
    };
  }

  /** The other side confirms a logged activity; so may the admins of either school or the county. */
  function activityDecider(actor: Actor, side: Side | null, p: PairRow, a: ActivityRow): boolean {
    if (!pairWorks(p.status)) return false;
    if (side !== null && side !== a.side) return true;
    return (actor.role === 'school_admin' || actor.role === 'county_admin') && insidePair(actor, p) && side === null;
  }

  /** A teacher the actor may name at a recommendation: of the actor's subtree and the pair's county, else "not found". */
  async function teacherInReach(actor: Actor, id: number, countyPath: string): Promise<TeacherRow> {
    const t = await teachers.findById(id);
    if (
      !t ||
      t.provinceId !== actor.provinceId ||
      !isWithin(actor.orgPath, t.orgPath) ||
      !isWithin(countyPath, t.orgPath)
    )
      throw new AppError('NOT_FOUND', { details: { teacherId: id } });
    return t;
  }

  // ------------------------------------------------------------------ hours

  /** Posts a confirmed activity's hours to the ledger under the county's rule (a refusal is kept, not thrown). */
  async function post(
    trx: Kysely<DB>,
    ctx: RequestContext,
    p: PairRow,
    a: ActivityRow,
  ): Promise<{ hours: number | null; entryId: number | null; refused: string | null }> {
    if (a.teacherId === null) return { hours: null, entryId: null, refused: null };
    const rule = await createPairRepository(trx).rule(p.countyId);
    if (!rule?.enabled) return { hours: null, entryId: null, refused: null };
    // the teacher's row is locked: two confirmations at once count the cap one after the other
    await trx.selectFrom('teacher').select('id').where('id', '=', a.teacherId).forUpdate().execute();
    const used = await createPairRepository(trx).postedTenths(a.teacherId, Number(a.occurredOn.slice(0, 4)));
    const hours = activityHours(rule, a.kind, used);
    if (hours === 0) return { hours: 0, entryId: null, refused: null };
    const partner = a.side === 'mentor' ? (p.menteeName ?? p.menteeOrgUnitName) : (p.mentorName ?? p.orgUnitName);
    await sql`SAVEPOINT pair_posting`.execute(trx);
    try {
      const r = await credits.postInTransaction(trx, ctx, [
        {
          teacherId: a.teacherId,
          hours,
          occurredOn: a.occurredOn,
          title: `师徒结对·${KIND_LABEL[a.kind]['zh-CN']}（${partner}）`.slice(0, 200),
          categories: rule.category ? [rule.category] : [],
          sourceType: 'school_activity',
          sourceRef: `pair:${p.id}`,
          idemKey: `pair:${a.id}`,
        },
      ]);
      return { hours, entryId: r.entries[0]?.id ?? null, refused: null };
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'ENTRY_INVALID' && err.code !== 'YEAR_LOCKED')) throw err;
      await sql`ROLLBACK TO SAVEPOINT pair_posting`.execute(trx);
      const code =
        err.code === 'YEAR_LOCKED'
          ? 'year_locked'
          : ((err.details?.['problems'] as Array<{ code: string }> | undefined)?.[0]?.code ?? 'refused');
      return { hours, entryId: null, refused: code };
    }
  }

  /** A step on a pair: access, the change in one audited transaction, then the pair as the reader now sees it. */
  async function stepped(
    ctx: RequestContext,
    id: number,
    action: string,
    fn: (
      trx: Kysely<DB>,
      r: { actor: Actor; p: PairRow; side: Side | null; teacher: TeacherRow | undefined },
      meta: { details?: Record<string, unknown> | null },
    ) => Promise<void>,
    allowed: (r: { actor: Actor; p: PairRow; side: Side | null; teacher: TeacherRow | undefined }) => boolean,
    details: Record<string, unknown> = {},
  ): Promise<PairDetail> {
    await change(ctx, id, action, allowed, fn, details);
    const { actor, p, side } = await readable(ctx, id, action);
    return detailOf(actor, side, p);
  }

  /** A county the reader may read (its subtree's admins, and the admins below it) or set (its own admins) the rule of. */
  async function countyFor(ctx: RequestContext, countyId: number, action: string, write: boolean): Promise<OrgUnitRow> {
    const actor = requireActor(ctx);
    if (!isAdmin(actor.role))
      return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: countyId }, new AppError('FORBIDDEN'));
    const unit = await createOrgUnitRepository(db).findById(countyId);
    const reads = unit && (isWithin(actor.orgPath, unit.path) || isWithin(unit.path, actor.orgPath));
    if (!unit || unit.provinceId !== actor.provinceId || !isWithin(actor.orgPath, unit.path))
      if (!(unit && !write && reads))
        return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: countyId }, notFoundDenied());
    if (unit!.kind !== 'county') throw new AppError('PAIR_INVALID', { details: { countyId: 'not_county' } });
    if (write && !(actor.role === 'county_admin' && actor.orgPath === unit!.path))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'org_unit', targetId: countyId, targetPath: unit!.path, targetLabel: unit!.name },
        new AppError('FORBIDDEN'),
      );
    return unit!;
  }

  // ------------------------------------------------------------------ use cases

  return {
    /** The pairs of the reader's subtree (either side's school under it), with filters. */
    async list(
      ctx: RequestContext,
      q: PairListQuery,
    ): Promise<{ items: PairRow[]; total: number; page: number; pageSize: number }> {
      const actor = requireActor(ctx);
      if (!isAdmin(actor.role))
        return auditRefusal(db, ctx, { action: 'pair.list', targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const page = Math.max(1, q.page ?? 1);
      const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 20));
      const r = await repo.list(
        {
          path: actor.orgPath,
          provinceId: actor.provinceId,
          status: q.status,
          kind: q.kind,
          q: q.q?.trim() || undefined,
        },
        { limit: pageSize, offset: (page - 1) * pageSize },
      );
      return { ...r, page, pageSize };
    },

    /** The county's pairs as a sheet (.xlsx): members, schools, term, status, scores, award. */
    async exportXlsx(ctx: RequestContext, q: PairListQuery, locale: Locale): Promise<Buffer> {
      const actor = requireActor(ctx);
      if (!isAdmin(actor.role))
        return auditRefusal(db, ctx, { action: 'pair.export', targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const { items } = await repo.list(
        {
          path: actor.orgPath,
          provinceId: actor.provinceId,
          status: q.status,
          kind: q.kind,
          q: q.q?.trim() || undefined,
        },
        { limit: 50_000, offset: 0 },
      );
      const reviews = await repo.reviews(items.map((p) => p.id));
      const zh = locale === 'zh-CN';
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(zh ? '结对' : 'Pairs');
      ws.columns = [
        { header: zh ? '编号' : 'No.', key: 'id', width: 8 },
        { header: zh ? '类型' : 'Kind', key: 'kind', width: 14 },
        { header: zh ? '师傅/帮扶校' : 'Mentor / urban school', key: 'mentor', width: 20 },
        { header: zh ? '师傅学校' : "Mentor's school", key: 'mentorSchool', width: 24 },
        { header: zh ? '徒弟/受援校' : 'Mentee / rural school', key: 'mentee', width: 20 },
        { header: zh ? '徒弟学校' : "Mentee's school", key: 'menteeSchool', width: 24 },
        { header: zh ? '协议期限' : 'Term', key: 'term', width: 24 },
        { header: zh ? '状态' : 'Status', key: 'status', width: 18 },
        { header: zh ? '中期得分' : 'Mid-term', key: 'mid', width: 10 },
        { header: zh ? '年终得分' : 'Year-end', key: 'end', width: 10 },
        { header: zh ? '表彰' : 'Award', key: 'award', width: 10 },
      ];
      for (const p of items) {
        const rv = (s: ReviewStage) => {
          const r = reviews.find((x) => x.pairId === p.id && x.stage === s);
          return r ? reviewScore(r) : null;
        };
        ws.addRow({
          id: p.id,
          kind: p.kind === 'school' ? (zh ? '城乡对口帮扶' : 'School pairing') : zh ? '师徒结对' : 'Mentoring',
          mentor: neutraliseCell(p.kind === 'school' ? (p.mentorName ?? p.orgUnitName) : (p.mentorName ?? '')),
          mentorSchool: neutraliseCell(p.orgUnitName),
          mentee: neutraliseCell(p.kind === 'school' ? (p.menteeName ?? p.menteeOrgUnitName) : (p.menteeName ?? '')),
          menteeSchool: neutraliseCell(p.menteeOrgUnitName),
          term: p.termStart && p.termEnd ? `${p.termStart} ~ ${p.termEnd}` : '',
          status: STATUS_LABEL[p.status][locale],
          mid: rv('midterm'),
          end: rv('yearend'),
          award: p.honourId !== null ? (zh ? '是' : 'yes') : '',
        });
      }
      ws.getRow(1).font = { bold: true };
      return Buffer.from(await wb.xlsx.writeBuffer());
    },

    /** A teacher's own pairs (either side), for their phone page. */
    async mine(ctx: RequestContext): Promise<PairView[]> {
      const actor = requireActor(ctx);
      const teacher = await teacherOfActor(actor);
      if (!teacher)
        return auditRefusal(db, ctx, { action: 'pair.mine', targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const rows = await repo.ofTeacher(teacher.id);
      return Promise.all(rows.map((p) => view(actor, sideOf(actor, teacher, p), p)));
    },

    /** Teachers a reader may name as the other member: a teacher's county, an admin's subtree (20 by name). */
    async candidates(
      ctx: RequestContext,
      q: string,
    ): Promise<Array<{ id: number; name: string; schoolName: string; subject: string | null }>> {
      const actor = requireActor(ctx);
      let within = actor.orgPath;
      let self: number | null = null;
      if (actor.role === 'teacher') {
        const teacher = await teacherOfActor(actor);
        const county = teacher ? await countyOf(db, { path: teacher.orgPath }) : undefined;
        if (!teacher || !county)
          return auditRefusal(
            db,
            ctx,
            { action: 'pair.candidates', targetPath: actor.orgPath },
            new AppError('FORBIDDEN'),
          );
        within = county.path;
        self = teacher.id;
      } else if (!isAdmin(actor.role))
        return auditRefusal(
          db,
          ctx,
          { action: 'pair.candidates', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const rows = await db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select([sql<number>`t.id::int`.as('id'), 't.name', 'o.name as schoolName', 't.subject'])
        .where('t.province_id', '=', actor.provinceId)
        .where('t.org_path', 'like', `${escapeLike(within)}%`)
        .where('t.name', 'like', `%${escapeLike(q.trim())}%`)
        .$if(self !== null, (qb) => qb.where('t.id', '<>', self as number))
        .orderBy('t.name')
        .limit(20)
        .execute();
      return rows;
    },

    /**
     * Starts a pair: a teacher applies (as mentor or mentee, naming the other teacher of the county or
     * not); a school pairs two of its teachers (waits for the county); a county pairs two teachers or two
     * schools (registered at once).
     */
    async create(ctx: RequestContext, input: CreatePairInput): Promise<PairView> {
      const action = 'pair.create';
      const actor = requireActor(ctx);
      const note = reasonText(input.note) || null;
      if (note && note.length > 2000) throw new AppError('PAIR_INVALID', { details: { note: 'too_long' } });
      let mentor: TeacherRow | null = null;
      let mentee: TeacherRow | null = null;
      let mentorSchool: OrgUnitRow | undefined;
      let menteeSchool: OrgUnitRow | undefined;
      let appliedAs: 'mentor' | 'mentee' | 'school' | 'county';
      const units = createOrgUnitRepository(db);
      if (actor.role === 'teacher') {
        const self = await teacherOfActor(actor);
        if (!self || input.kind !== 'mentoring')
          return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
        if (input.as !== 'mentor' && input.as !== 'mentee')
          throw new AppError('PAIR_INVALID', { details: { as: 'required' } });
        const county = await countyOf(db, { path: self.orgPath });
        if (!county) throw new AppError('PAIR_INVALID', { details: { partnerTeacherId: 'no_county' } });
        let partner: TeacherRow | null = null;
        if (input.partnerTeacherId) {
          const t = await teachers.findById(input.partnerTeacherId);
          // a teacher outside the county is not one the applicant may know of
          if (!t || t.provinceId !== actor.provinceId || !isWithin(county.path, t.orgPath))
            return auditRefusal(
              db,
              ctx,
              { action, targetType: 'teacher', targetId: input.partnerTeacherId },
              notFoundDenied(),
            );
          if (t.id === self.id) throw new AppError('PAIR_INVALID', { details: { partnerTeacherId: 'self' } });
          partner = t;
        }
        appliedAs = input.as;
        mentor = input.as === 'mentor' ? self : partner;
        mentee = input.as === 'mentee' ? self : partner;
        const own = await units.findById(self.orgUnitId);
        const other = partner ? await units.findById(partner.orgUnitId) : own;
        mentorSchool = input.as === 'mentor' ? own : other;
        menteeSchool = input.as === 'mentee' ? own : other;
      } else {
        if (actor.role !== 'school_admin' && actor.role !== 'county_admin')
          return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
        if (input.kind === 'school' && actor.role !== 'county_admin')
          return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
        appliedAs = actor.role === 'county_admin' ? 'county' : 'school';
        const pick = async (id: number | null | undefined): Promise<TeacherRow | null> => {
          if (!id) return null;
          const t = await teachers.findById(id);
          if (!t || t.provinceId !== actor.provinceId || !isWithin(actor.orgPath, t.orgPath))
            return auditRefusal(db, ctx, { action, targetType: 'teacher', targetId: id }, notFoundDenied());
          return t;
        };
        mentor = await pick(input.mentorTeacherId);
        mentee = await pick(input.menteeTeacherId);
        if (input.kind === 'mentoring') {
          const problems: Record<string, string> = {};
          if (!mentor) problems['mentorTeacherId'] = 'required';
          if (!mentee) problems['menteeTeacherId'] = 'required';
          if (Object.keys(problems).length) throw new AppError('PAIR_INVALID', { details: problems });
          mentorSchool = await units.findById(mentor!.orgUnitId);
          menteeSchool = await units.findById(mentee!.orgUnitId);
        } else {
          const school = async (id: number | null | undefined, field: string) => {
            if (!id) throw new AppError('PAIR_INVALID', { details: { [field]: 'required' } });
            const u = await units.findById(id);
            if (!u || u.provinceId !== actor.provinceId || !isWithin(actor.orgPath, u.path))
              return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: id }, notFoundDenied());
            if (u.kind !== 'school') throw new AppError('PAIR_INVALID', { details: { [field]: 'not_school' } });
            return u;
          };
          mentorSchool = await school(input.orgUnitId, 'orgUnitId');
          menteeSchool = await school(input.menteeOrgUnitId, 'menteeOrgUnitId');
          if (mentorSchool.id === menteeSchool.id)
            throw new AppError('PAIR_INVALID', { details: { menteeOrgUnitId: 'same_school' } });
          if (mentor && mentor.orgUnitId !== mentorSchool.id)
            throw new AppError('PAIR_INVALID', { details: { mentorTeacherId: 'other_school' } });
          if (mentee && mentee.orgUnitId !== menteeSchool.id)
            throw new AppError('PAIR_INVALID', { details: { menteeTeacherId: 'other_school' } });
        }
      }
      if (mentor && mentee && mentor.id === mentee.id)
        throw new AppError('PAIR_INVALID', { details: { menteeTeacherId: 'same_teacher' } });
      if (!mentorSchool || !menteeSchool) throw new AppError('NOT_FOUND');
      const county = await countyOf(db, mentorSchool);
      if (!county || !isWithin(county.path, menteeSchool.path))
        throw new AppError('PAIR_INVALID', { details: { menteeTeacherId: 'other_county' } });
      const status = initialStatus(appliedAs);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'pair',
          targetPath: mentorSchool.path,
          targetLabel:
            input.kind === 'school'
              ? `${mentorSchool.name} ↔ ${menteeSchool.name}`
              : `${mentor?.name ?? '（待定）'} → ${mentee?.name ?? '（待定）'}`,
          details: { kind: input.kind, appliedAs, status },
        },
        async (trx, meta) => {
          const r = createPairRepository(trx);
          if (mentor && mentee) {
            const dup = await trx
              .selectFrom('pair')
              .select('id')
              .where('mentor_teacher_id', '=', mentor.id)
              .where('mentee_teacher_id', '=', mentee.id)
              .where('status', 'not in', ['refused', 'ended'])
              .executeTakeFirst();
            if (dup) throw new AppError('PAIR_TAKEN', { details: { pairId: Number(dup.id) } });
          }
          const newId = await r.insert({
            provinceId: actor.provinceId,
            kind: input.kind,
            countyId: county.id,
            countyPath: county.path,
            orgUnitId: mentorSchool!.id,
            orgPath: mentorSchool!.path,
            menteeOrgUnitId: menteeSchool!.id,
            menteeOrgPath: menteeSchool!.path,
            mentorTeacherId: mentor?.id ?? null,
            menteeTeacherId: mentee?.id ?? null,
            appliedAs,
            applicationNote: note,
            status,
            registeredAt: status === 'registered' ? new Date() : null,
            registeredBy: status === 'registered' ? actor.userId : null,
            createdBy: actor.userId,
          });
          meta.targetId = newId;
          const p = (await r.find(newId))!;
          if (status === 'applied')
            await notify(trx, {
              to: { adminsAt: [applicantUnit(p)] },
              kind: 'pair_applied',
              params: { pairId: newId, pair: label(p) },
              link: `/programmes/pairs/${newId}`,
              senderId: actor.userId,
            });
          else if (status === 'recommended')
            await notify(trx, {
              to: { adminsAt: [county.id] },
              kind: 'pair_recommended',
              params: { pairId: newId, pair: label(p) },
              link: `/programmes/pairs/${newId}`,
              senderId: actor.userId,
            });
          else await tellPair(trx, p, 'pair_registered', actor.userId);
          return newId;
        },
      );
      const p = (await repo.find(id))!;
      return view(actor, sideOf(actor, await teacherOfActor(actor), p), p);
    },

    async detail(ctx: RequestContext, id: number): Promise<PairDetail> {
      const { actor, p, side } = await readable(ctx, id, 'pair.read');
      return detailOf(actor, side, p);
    },

    /** The applicant sends a returned application again, optionally with a new note. */
    async resubmit(ctx: RequestContext, id: number, note: string | null): Promise<PairDetail> {
      return stepped(
        ctx,
        id,
        'pair.resubmit',
        async (trx, { actor, p }) => {
          if (p.createdBy !== actor.userId) throw new AppError('FORBIDDEN');
          await createPairRepository(trx).update(p.id, {
            status: step(p, 'resubmit'),
            status_reason: null,
            application_note: reasonText(note) || p.applicationNote,
          });
          await notify(trx, {
            to: { adminsAt: [applicantUnit(p)] },
            kind: 'pair_applied',
            params: { pairId: p.id, pair: label(p) },
            link: `/programmes/pairs/${p.id}`,
            senderId: actor.userId,
          });
        },
        (r) => r.p.createdBy === r.actor.userId,
      );
    },

    /** The school recommends an application to the county (naming the partner if the applicant asked it to). */
    async recommend(ctx: RequestContext, id: number, partnerTeacherId: number | null): Promise<PairDetail> {
      return stepped(
        ctx,
        id,
        'pair.recommend',
        async (trx, { actor, p }, meta) => {
          const to = step(p, 'recommend');
          const set: Parameters<ReturnType<typeof createPairRepository>['update']>[1] = {
            status: to,
            status_reason: null,
          };
          const missing: Side | null =
            p.kind === 'mentoring'
              ? p.mentorTeacherId === null
                ? 'mentor'
                : p.menteeTeacherId === null
                  ? 'mentee'
                  : null
              : null;
          if (missing) {
            if (!partnerTeacherId) throw new AppError('PAIR_INVALID', { details: { partnerTeacherId: 'required' } });
            const t = await teacherInReach(actor, partnerTeacherId, p.countyPath);
            if (t.id === p.mentorTeacherId || t.id === p.menteeTeacherId)
              throw new AppError('PAIR_INVALID', { details: { partnerTeacherId: 'same_teacher' } });
            if (missing === 'mentor') Object.assign(set, { mentor_teacher_id: t.id });
            else Object.assign(set, { mentee_teacher_id: t.id });
            await trx
              .updateTable('pair')
              .set(
                missing === 'mentor'
                  ? { org_unit_id: t.orgUnitId, org_path: t.orgPath }
                  : { mentee_org_unit_id: t.orgUnitId, mentee_org_path: t.orgPath },
              )
              .where('id', '=', p.id)
              .execute();
            meta.details = { ...meta.details, partnerTeacherId: t.id };
          }
          await createPairRepository(trx).update(p.id, set);
          const now = (await createPairRepository(trx).find(p.id))!;
          await notify(trx, {
            to: { adminsAt: [p.countyId] },
            kind: 'pair_recommended',
            params: { pairId: p.id, pair: label(now) },
            link: `/programmes/pairs/${p.id}`,
            senderId: actor.userId,
          });
        },
        (r) => schoolStep(r.actor, r.p),
      );
    },

    /** The school returns an application with a reason (the applicant may change it and send it again). */
    async returnApplication(ctx: RequestContext, id: number, reason: string): Promise<PairDetail> {
      if (!reasonText(reason)) throw new AppError('PAIR_INVALID', { details: { reason: 'required' } });
      return stepped(
        ctx,
        id,
        'pair.return',
        async (trx, { actor, p }) => {
          await createPairRepository(trx).update(p.id, {
            status: step(p, 'return'),
            status_reason: reasonText(reason),
          });
          await tellPair(trx, p, 'pair_returned', actor.userId, { reason: reasonText(reason) });
        },
        (r) => schoolStep(r.actor, r.p),
        { reason: reasonText(reason) },
      );
    },

    /** The county registers a recommended pair (both teachers must be named for a mentoring pair). */
    async register(ctx: RequestContext, id: number): Promise<PairDetail> {
      return stepped(
        ctx,
        id,
        'pair.register',
        async (trx, { actor, p }) => {
          const to = step(p, 'register');
          if (p.kind === 'mentoring' && (p.mentorTeacherId === null || p.menteeTeacherId === null))
            throw new AppError('PAIR_INVALID', { details: { partnerTeacherId: 'required' } });
          await createPairRepository(trx).update(p.id, {
            status: to,
            status_reason: null,
            registered_at: new Date(),
            registered_by: actor.userId,
          });
          await tellPair(trx, p, 'pair_registered', actor.userId);
        },
        (r) => countyStep(r.actor, r.p),
      );
    },

    /** The county refuses a recommended pair with a reason. */
    async refuse(ctx: RequestContext, id: number, reason: string): Promise<PairDetail> {
      if (!reasonText(reason)) throw new AppError('PAIR_INVALID', { details: { reason: 'required' } });
      return stepped(
        ctx,
        id,
        'pair.refuse',
        async (trx, { actor, p }) => {
          await createPairRepository(trx).update(p.id, {
            status: step(p, 'refuse'),
            status_reason: reasonText(reason),
          });
          await tellPair(trx, p, 'pair_refused', actor.userId, { reason: reasonText(reason) });
        },
        (r) => countyStep(r.actor, r.p),
        { reason: reasonText(reason) },
      );
    },

    /** Writes the agreement (goals, plan, term) while the pair is registered; a change clears both confirmations. */
    async saveAgreement(ctx: RequestContext, id: number, a: AgreementFields): Promise<PairDetail> {
      const problems: Record<string, string> = {};
      if (a.goals !== null && a.goals.length > 5000) problems['goals'] = 'too_long';
      if (a.plan !== null && a.plan.length > 5000) problems['plan'] = 'too_long';
      if (a.termStart && a.termEnd && !termValid(a.termStart, a.termEnd)) problems['termEnd'] = 'invalid';
      if (Object.keys(problems).length) throw new AppError('PAIR_INVALID', { details: problems });
      return stepped(
        ctx,
        id,
        'pair.agreement',
        async (trx, { actor, p, side }) => {
          if (p.status !== 'registered') throw new AppError('PAIR_STATE', { details: { status: p.status } });
          await createPairRepository(trx).update(p.id, {
            goals: reasonText(a.goals) || null,
            plan: reasonText(a.plan) || null,
            term_start: a.termStart,
            term_end: a.termEnd,
            mentor_confirmed_at: null,
            mentee_confirmed_at: null,
          });
          const now = (await createPairRepository(trx).find(p.id))!;
          if (agreementGaps(now).length === 0)
            for (const s of ['mentor', 'mentee'] as const)
              if (s !== side) await tellSide(trx, now, s, 'pair_agreement', actor.userId);
        },
        (r) =>
          r.side !== null ||
          ((r.actor.role === 'school_admin' || r.actor.role === 'county_admin') && insidePair(r.actor, r.p)),
      );
    },

    /** A member confirms the agreement; once both have, it is signed and the pair works. */
    async confirmAgreement(ctx: RequestContext, id: number): Promise<PairDetail> {
      return stepped(
        ctx,
        id,
        'pair.confirm',
        async (trx, { actor, p, side: member }, meta) => {
          if (p.status !== 'registered') throw new AppError('PAIR_STATE', { details: { status: p.status } });
          const side = member ?? proxySide(actor, p);
          if (side === null) throw new AppError('PAIR_STATE', { details: { confirmed: 'both' } });
          const gaps = agreementGaps(p);
          if (gaps.length)
            throw new AppError('PAIR_INVALID', { details: Object.fromEntries(gaps.map((g) => [g, 'required'])) });
          if (!namedFor(p, side as Side)) throw new AppError('PAIR_STATE', { details: { side } });
          const mine = side === 'mentor' ? p.mentorConfirmedAt : p.menteeConfirmedAt;
          if (mine) throw new AppError('PAIR_STATE', { details: { confirmed: side } });
          const other = side === 'mentor' ? p.menteeConfirmedAt : p.mentorConfirmedAt;
          const now = new Date();
          const set = side === 'mentor' ? { mentor_confirmed_at: now } : { mentee_confirmed_at: now };
          const signed = other !== null;
          await createPairRepository(trx).update(p.id, signed ? { ...set, status: step(p, 'sign') } : set);
          meta.details = { side, signed, ...(member === null ? { onBehalfOfTeacher: true } : {}) };
          if (signed) await tellPair(trx, p, 'pair_signed', actor.userId);
          else await tellSide(trx, p, side === 'mentor' ? 'mentee' : 'mentor', 'pair_agreement', actor.userId);
        },
        (r) => r.side !== null || proxySide(r.actor, r.p) !== null,
      );
    },

    /** The agreement as a printable form for the schools to seal (both sides' confirmations shown). */
    async agreementPdf(ctx: RequestContext, id: number): Promise<Buffer> {
      const { p } = await readable(ctx, id, 'pair.agreement_pdf');
      const when = (d: Date | null) => (d ? chinaDay(d) : '未确认');
      return renderFormPdf({
        unitName: p.countyName,
        title: p.kind === 'school' ? '城乡学校对口帮扶协议书' : '师徒结对协议书',
        facts: [
          ['编号', String(p.id)],
          [
            p.kind === 'school' ? '帮扶学校' : '师傅',
            p.mentorName ? `${p.mentorName}（${p.orgUnitName}）` : p.orgUnitName,
          ],
          [
            p.kind === 'school' ? '受援学校' : '徒弟',
            p.menteeName ? `${p.menteeName}（${p.menteeOrgUnitName}）` : p.menteeOrgUnitName,
          ],
          ['协议期限', p.termStart && p.termEnd ? `${p.termStart} 至 ${p.termEnd}` : '未填写'],
          ['状态', STATUS_LABEL[p.status]['zh-CN']],
        ],
        columns: [
          { header: '项目', width: 0.2 },
          { header: '内容', width: 0.8 },
        ],
        rows: [
          ['结对目标', p.goals ?? ''],
          ['活动安排', p.plan ?? ''],
          [p.kind === 'school' ? '帮扶学校确认' : '师傅确认', when(p.mentorConfirmedAt)],
          [p.kind === 'school' ? '受援学校确认' : '徒弟确认', when(p.menteeConfirmedAt)],
        ],
        summary: p.mentorConfirmedAt && p.menteeConfirmedAt ? '双方已确认协议' : '协议尚待双方确认',
        printedOn: today(env),
        locale: 'zh-CN',
      });
    },

    /** A member logs an activity (the other side confirms it). */
    async logActivity(
      ctx: RequestContext,
      id: number,
      a: { kind: ActivityKind; occurredOn: string; minutes: number; note: string },
    ): Promise<{ detail: PairDetail; activityId: number }> {
      const problems: Record<string, string> = {};
      const day = today(env);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(a.occurredOn) || Number.isNaN(Date.parse(a.occurredOn)))
        problems['occurredOn'] = 'invalid';
      else if (a.occurredOn > day) problems['occurredOn'] = 'future';
      if (!Number.isInteger(a.minutes) || a.minutes < 1 || a.minutes > 1440) problems['minutes'] = 'invalid';
      if (!a.note.trim() || a.note.length > 2000) problems['note'] = 'invalid';
      if (Object.keys(problems).length) throw new AppError('PAIR_INVALID', { details: problems });
      let activityId = 0;
      const detail = await stepped(
        ctx,
        id,
        'pair.activity.log',
        async (trx, { actor, p, side, teacher }, meta) => {
          if (!pairWorks(p.status)) throw new AppError('PAIR_STATE', { details: { status: p.status } });
          if (p.termStart && a.occurredOn < p.termStart)
            throw new AppError('PAIR_INVALID', { details: { occurredOn: 'before_term' } });
          const s = side as Side;
          activityId = await createPairRepository(trx).insertActivity({
            pairId: p.id,
            kind: a.kind,
            occurredOn: a.occurredOn,
            minutes: a.minutes,
            note: a.note.trim(),
            side: s,
            teacherId: teacher?.id ?? (s === 'mentor' ? p.mentorTeacherId : p.menteeTeacherId),
            loggedBy: actor.userId,
          });
          meta.details = { activityId, kind: a.kind, occurredOn: a.occurredOn, minutes: a.minutes };
          await tellSide(trx, p, s === 'mentor' ? 'mentee' : 'mentor', 'pair_activity_logged', actor.userId, {
            day: a.occurredOn,
          });
        },
        (r) => r.side !== null && pairWorks(r.p.status),
      );
      return { detail, activityId };
    },

    /** An evidence file of an activity, uploaded by its logger while it waits for confirmation. */
    async uploadFile(
      ctx: RequestContext,
      activityId: number,
      file: { name: string; data: Buffer },
    ): Promise<{ id: number; fileName: string; mimeType: string; sizeBytes: number }> {
      const action = 'pair.activity.file';
      const actor = requireActor(ctx);
      const found = await repo.lockActivity(activityId);
      if (!found)
        return auditRefusal(db, ctx, { action, targetType: 'pair_activity', targetId: activityId }, notFoundDenied());
      const { p } = await readable(ctx, found.pairId, action);
      const a = (await repo.activities(p.id, activityId))[0]!;
      if (a.loggedBy !== actor.userId) return deny(ctx, action, p);
      if (a.status !== 'logged') throw new AppError('PAIR_STATE', { details: { activity: a.status } });
      if (file.data.length > PAIR_FILE_MAX_BYTES) throw new AppError('FILE_TOO_LARGE');
      const mime = uploadType(file.name, file.data);
      if (!mime) throw new AppError('EVIDENCE_TYPE_NOT_ALLOWED');
      if ((await repo.files([activityId])).length >= PAIR_FILES_PER_ACTIVITY)
        throw new AppError('PAIR_INVALID', { details: { files: 'too_many' } });
      const { sha256, hex } = storeBySha256(fileDir, file.data);
      const name = cleanFileName(file.name, `evidence${path.extname(file.name).toLowerCase()}`);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'pair_activity',
          targetId: activityId,
          targetPath: p.orgPath,
          targetLabel: name,
          details: { pairId: p.id, size: file.data.length, sha256: hex },
        },
        (trx) =>
          createPairRepository(trx).insertFile({
            activityId,
            sha256,
            fileName: name,
            mimeType: mime,
            sizeBytes: file.data.length,
            createdBy: actor.userId,
          }),
      );
      return { id, fileName: name, mimeType: mime, sizeBytes: file.data.length };
    },

    /** An evidence file: to whoever may read its pair. */
    async file(ctx: RequestContext, id: number): Promise<{ row: ActivityFileRow; path: string }> {
      const row = await repo.file(id);
      if (!row)
        return auditRefusal(db, ctx, { action: 'pair.file', targetType: 'pair_file', targetId: id }, notFoundDenied());
      await readable(ctx, row.pairId, 'pair.file');
      return { row, path: storedPath(fileDir, row.sha256) };
    },

    /** The other side (or a school) confirms an activity, posting its hours under the county's rule, or rejects it with a reason. */
    async decideActivity(
      ctx: RequestContext,
      activityId: number,
      d: { decision: 'confirm' | 'reject'; reason?: string | null },
    ): Promise<PairDetail> {
      const action = 'pair.activity.decide';
      if (d.decision === 'reject' && !reasonText(d.reason))
        throw new AppError('PAIR_INVALID', { details: { reason: 'required' } });
      const found = await repo.lockActivity(activityId);
      if (!found)
        return auditRefusal(db, ctx, { action, targetType: 'pair_activity', targetId: activityId }, notFoundDenied());
      return stepped(
        ctx,
        found.pairId,
        action,
        async (trx, { actor, p, side }, meta) => {
          const r = createPairRepository(trx);
          await r.lockActivity(activityId);
          const a = (await r.activities(p.id, activityId))[0]!;
          if (a.status !== 'logged' || !pairWorks(p.status))
            throw new AppError('PAIR_STATE', { details: { activity: a.status } });
          if (!activityDecider(actor, side, p, a)) throw new AppError('FORBIDDEN');
          if (d.decision === 'reject') {
            await r.decideActivity(activityId, {
              status: 'rejected',
              by: actor.userId,
              rejectReason: reasonText(d.reason),
              hours: null,
              entryId: null,
              postingRefused: null,
            });
          } else {
            const posted = await post(trx, ctx, p, a);
            await r.decideActivity(activityId, {
              status: 'confirmed',
              by: actor.userId,
              rejectReason: null,
              hours: posted.hours,
              entryId: posted.entryId,
              postingRefused: posted.refused,
            });
            meta.details = { ...meta.details, hours: posted.hours, entryId: posted.entryId, refused: posted.refused };
          }
          await tellSide(trx, p, a.side, 'pair_activity_decided', actor.userId, {
            day: a.occurredOn,
            outcome: d.decision === 'confirm' ? 'confirmed' : 'rejected',
          });
        },
        () => true,
        { activityId, decision: d.decision, reason: d.reason ? reasonText(d.reason) : undefined },
      );
    },

    /** The mid-term exchange or year-end review: the school scores first, then the county. */
    async score(
      ctx: RequestContext,
      id: number,
      stage: ReviewStage,
      s: { score: number; comment: string | null },
    ): Promise<PairDetail> {
      if (!scoreValid(s.score)) throw new AppError('PAIR_INVALID', { details: { score: 'invalid' } });
      if (s.comment && s.comment.length > 2000)
        throw new AppError('PAIR_INVALID', { details: { comment: 'too_long' } });
      return stepped(
        ctx,
        id,
        'pair.review',
        async (trx, { actor, p }, meta) => {
          if (!pairWorks(p.status)) throw new AppError('PAIR_STATE', { details: { status: p.status } });
          const by = actor.role === 'county_admin' ? 'county' : 'school';
          const r = createPairRepository(trx);
          const existing = (await r.reviews([p.id])).find((x) => x.stage === stage);
          if (by === 'county' && existing?.schoolScore == null)
            throw new AppError('PAIR_STATE', { details: { review: 'school_first' } });
          if (by === 'school' && existing?.countyScore != null)
            throw new AppError('PAIR_STATE', { details: { review: 'county_scored' } });
          await r.scoreReview(p.id, stage, by, {
            score: s.score,
            comment: reasonText(s.comment) || null,
            userId: actor.userId,
          });
          meta.details = { stage, by, score: s.score };
          if (by === 'school')
            await notify(trx, {
              to: { adminsAt: [p.countyId] },
              kind: 'pair_review_scored',
              params: { pairId: p.id, pair: label(p), stage, score: s.score },
              link: `/programmes/pairs/${p.id}`,
              senderId: actor.userId,
            });
          else await tellPair(trx, p, 'pair_review_scored', actor.userId, { stage, score: s.score });
        },
        (r) => schoolScorer(r.actor, r.p) || countyStep(r.actor, r.p),
      );
    },

    /** The county awards a good pair: an honour (kind pair_award) for each named member, or both schools. */
    async award(ctx: RequestContext, id: number, title: string | null): Promise<PairDetail> {
      const name = reasonText(title) || '优秀师徒结对';
      if (name.length > 200) throw new AppError('PAIR_INVALID', { details: { title: 'too_long' } });
      return stepped(
        ctx,
        id,
        'pair.award',
        async (trx, { actor, p }, meta) => {
          if (!awardable(p.status, p.endKind) || p.honourId !== null)
            throw new AppError('PAIR_STATE', { details: { status: p.status } });
          const recipients: Array<{ teacherId: number | null; orgUnitId: number; orgPath: string; name: string }> = [];
          if (p.mentorTeacherId !== null)
            recipients.push({
              teacherId: p.mentorTeacherId,
              orgUnitId: p.orgUnitId,
              orgPath: p.orgPath,
              name: p.mentorName ?? '',
            });
          if (p.menteeTeacherId !== null)
            recipients.push({
              teacherId: p.menteeTeacherId,
              orgUnitId: p.menteeOrgUnitId,
              orgPath: p.menteeOrgPath,
              name: p.menteeName ?? '',
            });
          if (p.kind === 'school' && recipients.length === 0)
            recipients.push(
              { teacherId: null, orgUnitId: p.orgUnitId, orgPath: p.orgPath, name: p.orgUnitName },
              { teacherId: null, orgUnitId: p.menteeOrgUnitId, orgPath: p.menteeOrgPath, name: p.menteeOrgUnitName },
            );
          const day = today(env);
          const ids: number[] = [];
          for (const rc of recipients)
            ids.push(
              (
                await recordHonour(trx, {
                  provinceId: p.provinceId,
                  kind: 'pair_award',
                  teacherId: rc.teacherId,
                  orgUnitId: rc.orgUnitId,
                  orgPath: rc.orgPath,
                  recipientName: rc.name,
                  awardedByUnitId: p.countyId,
                  awardedByPath: p.countyPath,
                  title: name,
                  year: Number(day.slice(0, 4)),
                  source: { kind: 'pair', id: p.id },
                  awardedOn: day,
                  createdBy: actor.userId,
                })
              ).id,
            );
          await createPairRepository(trx).update(p.id, { honour_id: ids[0] ?? null });
          meta.details = { title: name, honourIds: ids };
          await tellPair(trx, p, 'pair_awarded', actor.userId, { title: name });
        },
        (r) => countyStep(r.actor, r.p),
      );
    },

    /**
     * The county ends a pair with a reason. Ended as "agreement not fulfilled", the mentor's active
     * backbone titles are flagged for the certifying unit's decision.
     */
    async end(
      ctx: RequestContext,
      id: number,
      e: { endKind: EndKind; reason: string },
    ): Promise<PairDetail & { flaggedTitles: number }> {
      if (!reasonText(e.reason) || e.reason.length > 2000)
        throw new AppError('PAIR_INVALID', { details: { reason: 'required' } });
      let flagged = 0;
      const detail = await stepped(
        ctx,
        id,
        'pair.end',
        async (trx, { actor, p }, meta) => {
          await createPairRepository(trx).update(p.id, {
            status: step(p, 'end'),
            status_reason: reasonText(e.reason),
            ended_at: new Date(),
            end_kind: e.endKind,
          });
          if (e.endKind === 'not_fulfilled' && p.mentorTeacherId !== null)
            flagged = (
              await flagBackboneTitles(trx, {
                teacherId: p.mentorTeacherId,
                reason: `师徒结对协议未履行：${reasonText(e.reason)}`.slice(0, 2000),
                source: { kind: 'pair', id: p.id },
                by: actor.userId,
              })
            ).length;
          meta.details = { endKind: e.endKind, reason: reasonText(e.reason), flaggedTitles: flagged };
          await tellPair(trx, p, 'pair_ended', actor.userId, { endKind: e.endKind, reason: reasonText(e.reason) });
        },
        (r) => countyStep(r.actor, r.p),
      );
      return { ...detail, flaggedTitles: flagged };
    },

    /** The hours rule of a county: its admins and those above set it; the units below read it. */
    async rule(ctx: RequestContext, countyId: number): Promise<PairRuleRow | null> {
      const unit = await countyFor(ctx, countyId, 'pair.rule.read', false);
      return (await repo.rule(unit.id)) ?? null;
    },

    async saveRule(ctx: RequestContext, countyId: number, r: PairHoursRule): Promise<PairRuleRow> {
      const problems: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.tenths))
        if (!Number.isInteger(v) || v < 0 || v > 200) problems[`tenths.${k}`] = 'invalid';
      if (!Number.isInteger(r.capTenths) || r.capTenths < 0 || r.capTenths > 2000) problems['capTenths'] = 'invalid';
      if (r.category !== null && (!r.category.trim() || r.category.length > 40)) problems['category'] = 'invalid';
      const unit = await countyFor(ctx, countyId, 'pair.rule.save', true);
      if (Object.keys(problems).length) throw new AppError('PAIR_INVALID', { details: problems });
      await auditedWrite(
        db,
        ctx,
        {
          action: 'pair.rule.save',
          targetType: 'org_unit',
          targetId: unit.id,
          targetPath: unit.path,
          targetLabel: unit.name,
          details: { ...r },
        },
        (trx) =>
          createPairRepository(trx).saveRule(
            { countyId: unit.id, provinceId: unit.provinceId, countyPath: unit.path },
            { ...r, category: r.category?.trim() || null },
            requireActor(ctx).userId,
          ),
      );
      return (await repo.rule(unit.id))!;
    },

    /** To-dos: applications waiting for a school, recommendations waiting for a county, a teacher's confirmations. */
    async todos(actor: Actor): Promise<{ school: number; county: number; teacher: number }> {
      if (actor.role === 'teacher') {
        const t = await teacherOfActor(actor);
        return { school: 0, county: 0, teacher: t ? await repo.waitingForTeacher(t.id) : 0 };
      }
      return {
        school:
          actor.role === 'school_admin' || actor.role === 'county_admin'
            ? await repo.waitingForSchool(actor.orgPath)
            : 0,
        county: actor.role === 'county_admin' ? await repo.waitingForCounty(actor.orgPath) : 0,
        teacher: 0,
      };
    },
  };
}

/** The pairs part of a teacher's archive: role, partner, term, status, review scores, award. */
function archiveSection(pairs: PairRow[], reviews: ReviewRow[], teacherId: number, locale: Locale) {
  const zh = locale === 'zh-CN';
  const score = (id: number, s: ReviewStage) => {
    const r = reviews.find((x) => x.pairId === id && x.stage === s);
    return r ? reviewScore(r) : null;
  };
  return {
    key: 'pairs',
    order: 60,
    title: zh ? '师徒结对与城乡帮扶' : 'Mentoring pairs and school pairing',
    columns: zh
      ? ['角色', '结对对象', '协议期限', '状态', '中期得分', '年终得分', '表彰']
      : ['Role', 'Partner', 'Term', 'Status', 'Mid-term', 'Year-end', 'Award'],
    rows: pairs.map((p) => {
      const mentor = p.mentorTeacherId === teacherId;
      const partner = mentor
        ? `${p.menteeName ?? ''}（${p.menteeOrgUnitName}）`
        : `${p.mentorName ?? ''}（${p.orgUnitName}）`;
      const status =
        p.status === 'ended' && p.endKind
          ? `${STATUS_LABEL.ended[locale]}（${END_LABEL[p.endKind][locale]}）`
          : STATUS_LABEL[p.status][locale];
      return [
        mentor ? (zh ? '师傅' : 'Mentor') : zh ? '徒弟' : 'Mentee',
        partner,
        p.termStart && p.termEnd ? `${p.termStart} ~ ${p.termEnd}` : '',
        status,
        score(p.id, 'midterm'),
        score(p.id, 'yearend'),
        p.honourCode ? (zh ? `已表彰（${p.honourCode}）` : `Awarded (${p.honourCode})`) : '',
      ];
    }),
  };
}

export type PairService = ReturnType<typeof createPairService>;
