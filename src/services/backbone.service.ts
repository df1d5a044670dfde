import path from 'node:path';
import type { Kysely } from 'kysely';
import { chinaDay, currentYear, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import {
  BACKBONE_LEVELS,
  type BackboneLevel,
  checkNominee,
  DEFAULT_DUTIES,
  type Duties,
  dutyYearStatus,
  type DutyYearStatus,
  fitsQuota,
  highestLevel,
  levelOfUnit,
  nextRoundStatus,
  type RoundChecks,
  type RoundEvent,
  type RoundKind,
  roundProblems,
  termEnd,
} from '../domain/backbone.js';
import { addDays, addWorkingDays } from '../domain/calendar.js';
import { round2, trimmedMean, type Scorecard } from '../domain/judging.js';
import { isAdmin, isWithin } from '../domain/org-tree.js';
import { BACKBONE_LABELS } from '../domain/teacher.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createBackboneRepository,
  type DutyRow,
  type FileRow,
  type NominationRow,
  type QuotaRow,
  type RoundRow,
  type TitleEventRow,
  type TitleRow,
} from '../repositories/backbone.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { flagBackboneTitles } from './backbone-flag.js';
import { maskName, newCertificateCode } from './certificate.service.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { syncTeachersAllCycles } from './credit-summary.js';
import ExcelJS from './excel.js';
import { notify } from './notify.js';
import { translatePgError } from './pg-errors.js';
import { publishList, publicityOf, registerPublicityKind } from './publicity.js';
import { requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { neutraliseCell } from './roster-file.js';
import { cleanFileName, storeBySha256, storedPath, uploadType } from './stored-file.js';

export const BACKBONE_FILE_MAX_BYTES = 20 * 1_048_576;

/** A backbone title's public number: 'B' and 14 characters of the certificates' alphabet. */
export const BACKBONE_TITLE_CODE = /^B[A-Z0-9]{14}$/;

/** What the public /verify/<code> page may show of a backbone title: the holder's name masked. */
export interface PublicBackboneTitle {
  code: string;
  status: 'active' | 'expired' | 'revoked';
  holder: string;
  schoolName: string;
  level: BackboneLevel;
  grantedBy: string;
  termStart: string;
  termEnd: string;
  /** the day it was revoked (China time); the reason stays with the granting unit */
  revokedOn: string | null;
}

export interface RoundInput {
  title: string;
  kind: RoundKind;
  criteria: string;
  checks: RoundChecks;
  nominationDeadline: string;
  termYears: number;
  duties: Duties;
  /** per unit below the organiser (a school's own round: the school itself) */
  quotas: { orgUnitId: number; quota: number }[];
}

export interface RoundView extends Omit<RoundRow, 'provinceId'> {
  /** the reader organises it (steps, panel, ranking, publishing) */
  manage: boolean;
  /** the reader is on its panel */
  panel: boolean;
  /** the quota units the reader nominates for (their own unit or one above it inside the organiser's) */
  nominatesFor: number[];
  publicity: { id: number; status: string } | null;
}

export interface NominationView extends Omit<NominationRow, 'provinceId' | 'teacherUserId'> {
  files: { id: number; fileName: string; sizeBytes: number }[];
  /** the reader's own score (a panel member) */
  myScore: { score: number; comment: string | null } | null;
  scoredBy: number;
}

export interface RankedNomination {
  nominationId: number;
  teacherName: string;
  schoolName: string;
  quotaUnitName: string;
  status: string;
  outcome: string | null;
  scorecard: Scorecard;
  comments: { label: string; comment: string }[];
}

export interface DutyYear {
  year: number;
  status: DutyYearStatus;
  required: Duties;
  confirmed: { openLessons: number; papers: number };
}

export interface TitleView extends Omit<TitleRow, 'provinceId' | 'teacherUserId'> {
  events: TitleEventRow[];
  years: DutyYear[];
  /** the duties recorded (open lessons, papers) with their school's decision */
  records: DutyView[];
  /** the reader decides for the granting unit (keep or revoke a flagged title) */
  decide: boolean;
}

export type DutyView = Omit<DutyRow, 'sha256'> & { hasFile: boolean };

const dutyView = ({ sha256, ...d }: DutyRow): DutyView => ({ ...d, hasFile: sha256 !== null });

const LEVEL_ZH: Record<BackboneLevel, string> = { school: '校级', county: '县级', city: '市级', province: '省级' };

/**
 * Backbone teachers (骨干教师, R-41): selection rounds opened by a unit at its own level with criteria,
 * quotas per unit below it and a nomination deadline; nominations passed up within quota; a panel of
 * named accounts scores each nomination (trimmed mean); the selected list goes through the public
 * notice and its finalising certifies titles for a term. Holders record yearly duties, confirmed by
 * their school; the sweep reminds, flags missed years and expires ended terms; the granting unit keeps
 * or revokes flagged titles. The history of a title stays (events).
 */
export function createBackboneService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createBackboneRepository(db);
  const fileDir = path.join(env.dataDir, 'backbone');

  // ------------------------------------------------------------------ the level a teacher is known by
  /** teacher.backbone_level = the highest active title; the credit statuses follow (minima may depend on it). */
  async function syncLevels(trx: Kysely<DB>, provinceId: number, teacherIds: number[]): Promise<void> {
    const r = createBackboneRepository(trx);
    const changed: number[] = [];
    for (const id of [...new Set(teacherIds)].sort((a, b) => a - b))
      if (await r.setTeacherLevel(id, highestLevel(await r.activeLevels(id)))) changed.push(id);
    await syncTeachersAllCycles(trx, provinceId, changed, currentYear(env));
  }

  // ------------------------------------------------------------------ rounds: access
  async function roundAccess(actor: Actor, r: RoundRow, quotas: QuotaRow[], q: Kysely<DB> = db) {
    const admin = isAdmin(actor.role);
    const manage = admin && can(actor, 'backbone.manage', { path: r.orgPath });
    const nominatesFor =
      admin && r.kind !== undefined
        ? quotas
            .filter(
              (q) =>
                isWithin(q.orgPath, actor.orgPath) ||
                (isWithin(actor.orgPath, q.orgPath) && can(actor, 'backbone.manage', { path: r.orgPath })),
            )
            .map((q) => q.orgUnitId)
        : [];
    const panel = await createBackboneRepository(q).isPanelMember(r.id, actor.userId);
    return { manage, nominatesFor, panel };
  }

  async function readRound(ctx: RequestContext, id: number, action: string) {
    const actor = requireActor(ctx);
    const r = await repo.round(id);
    const quotas = r ? await repo.quotas(id) : [];
    const access = r ? await roundAccess(actor, r, quotas) : null;
    if (
      !r ||
      !access ||
      r.provinceId !== actor.provinceId ||
      (!access.manage && !access.panel && access.nominatesFor.length === 0) ||
      (r.status === 'cancelled' && !access.manage)
    )
      return auditRefusal(db, ctx, { action, targetType: 'backbone_round', targetId: id }, notFoundDenied());
    return { actor, r, quotas, ...access };
  }

  async function manageRound(ctx: RequestContext, id: number, action: string) {
    const x = await readRound(ctx, id, action);
    if (!x.manage)
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'backbone_round', targetId: id, targetPath: x.r.orgPath, targetLabel: x.r.title },
        new AppError('FORBIDDEN'),
      );
    return x;
  }

  function step(r: RoundRow, e: RoundEvent) {
    const next = nextRoundStatus(r.status, e);
    if (!next) throw new AppError('BACKBONE_ROUND_STATE', { details: { status: r.status } });
    return next;
  }

  /** The round as the reader sees it; inside a transaction, pass it as `q` (no second connection is taken). */
  async function roundView(actor: Actor, r: RoundRow, quotas: QuotaRow[], q: Kysely<DB> = db): Promise<RoundView> {
    const { provinceId: _p, ...rest } = r;
    const access = await roundAccess(actor, r, quotas, q);
    const p = await publicityOf(q, 'backbone_round', r.id);
    return { ...rest, ...access, publicity: p ? { id: p.id, status: p.status } : null };
  }

  // ------------------------------------------------------------------ nominations
  async function readNomination(ctx: RequestContext, id: number, action: string) {
    const n = await repo.nomination(id);
    if (!n) throw new AppError('NOT_FOUND');
    const x = await readRound(ctx, n.roundId, action);
    // a nominating unit sees its own line of the round only
    const mine =
      x.nominatesFor.includes(n.quotaUnitId) &&
      (x.manage || isWithin(x.actor.orgPath, n.orgPath) || isWithin(x.actor.orgPath, quotaPath(x.quotas, n)));
    if (!x.manage && !x.panel && !mine)
      return auditRefusal(db, ctx, { action, targetType: 'backbone_nomination', targetId: id }, notFoundDenied());
    return { ...x, n, mine };
  }

  const quotaPath = (quotas: QuotaRow[], n: NominationRow) =>
    quotas.find((q) => q.orgUnitId === n.quotaUnitId)?.orgPath ?? '';

  /** The panel's score of each nomination: the trimmed mean (judging rules), scorecards with anonymous labels. */
  async function ranking(r: RoundRow, q: Kysely<DB> = db): Promise<RankedNomination[]> {
    const rr = createBackboneRepository(q);
    const [noms, scores, panel] = await Promise.all([rr.nominations(r.id), rr.scores(r.id), rr.panel(r.id)]);
    const label = new Map(panel.map((p, i) => [p.userId, `评委${i + 1}`]));
    const rows = noms
      .filter((n) => n.status === 'nominated')
      .map((n) => {
        const mine = scores
          .filter((s) => s.nominationId === n.id && label.has(s.userId))
          .sort((a, b) =>
            (label.get(a.userId) ?? '').localeCompare(label.get(b.userId) ?? '', 'zh-CN', { numeric: true }),
          );
        const tm = trimmedMean(mine.map((s) => s.score));
        let high = tm.droppedHigh !== null;
        let low = tm.droppedLow !== null;
        const raw = mine.map((s) => {
          let dropped: 'high' | 'low' | null = null;
          if (high && s.score === tm.droppedHigh) {
            dropped = 'high';
            high = false;
          } else if (low && s.score === tm.droppedLow) {
            dropped = 'low';
            low = false;
          }
          return { label: label.get(s.userId) as string, value: s.score, dropped };
        });
        const lines =
          tm.droppedHigh !== null
            ? [`${mine.length} 位评委评分，去掉一个最高分和一个最低分，其余取平均`]
            : mine.length > 0
              ? [`${mine.length} 位评委评分，不足去掉最高分和最低分的人数，全部取平均`]
              : ['尚无评分'];
        const rawMean = mine.length ? mine.reduce((t, s) => t + s.score, 0) / mine.length : null;
        return {
          n,
          entryId: n.id,
          final: tm.value === null ? null : round2(tm.value),
          rawMean,
          submittedAt: n.createdAt.getTime(),
          raw,
          lines,
          comments: mine.flatMap((s) =>
            s.comment ? [{ label: label.get(s.userId) as string, comment: s.comment }] : [],
          ),
        };
      });
    // best first; ties by the plain mean, then the earlier nomination
    rows.sort(
      (a, b) =>
        (b.final ?? -1) - (a.final ?? -1) ||
        (b.rawMean ?? -1) - (a.rawMean ?? -1) ||
        a.submittedAt - b.submittedAt ||
        a.entryId - b.entryId,
    );
    return rows.map((x, i) => ({
      nominationId: x.n.id,
      teacherName: x.n.teacherName,
      schoolName: x.n.schoolName,
      quotaUnitName: x.n.quotaUnitName,
      status: x.n.status,
      outcome: x.n.outcome,
      scorecard: {
        raw: x.raw,
        normalised: null,
        normalisationNote: '评审组评议同一批推荐对象，不做评委标准化',
        final: x.final,
        rank: x.final === null ? null : i + 1,
        lines: x.lines,
      },
      comments: x.comments,
    }));
  }

  // ------------------------------------------------------------------ titles
  async function readTitle(ctx: RequestContext, id: number, action: string) {
    const actor = requireActor(ctx);
    const t = await repo.title(id);
    const own = t && actor.role === 'teacher' && t.teacherUserId === actor.userId;
    const inside =
      t &&
      isAdmin(actor.role) &&
      t.provinceId === actor.provinceId &&
      (isWithin(actor.orgPath, t.teacherPath) || isWithin(actor.orgPath, t.grantedPath));
    if (!t || (!own && !inside))
      return auditRefusal(db, ctx, { action, targetType: 'backbone_title', targetId: id }, notFoundDenied());
    return { actor, t, decide: isAdmin(actor.role) && can(actor, 'backbone.manage', { path: t.grantedPath }) };
  }

  async function decideTitle(ctx: RequestContext, id: number, action: string) {
    const x = await readTitle(ctx, id, action);
    if (!x.decide)
      return auditRefusal(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_title',
          targetId: id,
          targetPath: x.t.grantedPath,
          targetLabel: x.t.teacherName,
        },
        new AppError('FORBIDDEN'),
      );
    return x;
  }

  function yearsOf(t: TitleRow, counts: Map<number, Map<number, { openLessons: number; papers: number }>>): DutyYear[] {
    const day = today(env);
    const last = Math.min(Number(t.termEnd.slice(0, 4)), Number(day.slice(0, 4)));
    const out: DutyYear[] = [];
    const required = t.duties ?? DEFAULT_DUTIES;
    for (let y = Number(t.termStart.slice(0, 4)); y <= last; y++) {
      const confirmed = counts.get(y)?.get(t.id) ?? { openLessons: 0, papers: 0 };
      out.push({ year: y, status: dutyYearStatus(required, confirmed, y, day, t), required, confirmed });
    }
    return out.reverse();
  }

  async function titleViews(actor: Actor, titles: TitleRow[]): Promise<TitleView[]> {
    const ids = titles.map((t) => t.id);
    const [events, duties] = await Promise.all([repo.events(ids), repo.dutiesOfTitles(ids)]);
    const years = new Set<number>();
    for (const t of titles)
      for (let y = Number(t.termStart.slice(0, 4)); y <= Math.min(Number(t.termEnd.slice(0, 4)), currentYear(env)); y++)
        years.add(y);
    const counts = new Map<number, Map<number, { openLessons: number; papers: number }>>();
    for (const y of years) counts.set(y, await repo.confirmedCounts(ids, y));
    return titles.map(({ provinceId: _p, teacherUserId: _u, ...t }) => ({
      ...t,
      events: events.filter((e) => e.titleId === t.id),
      records: duties.filter((d) => d.titleId === t.id).map(dutyView),
      years: yearsOf({ ...t, provinceId: 0, teacherUserId: null }, counts),
      decide: isAdmin(actor.role) && can(actor, 'backbone.manage', { path: t.grantedPath }),
    }));
  }

  // ------------------------------------------------------------------ the finalising of a published list
  registerPublicityKind('backbone_round', {
    async finalise(trx, { actor, sourceId }, outcome) {
      const r = createBackboneRepository(trx);
      await r.lockRound(sourceId);
      const round = await r.round(sourceId);
      if (round?.status !== 'publicised')
        throw new AppError('BACKBONE_ROUND_STATE', { details: { status: round?.status ?? null } });
      const day = today(env);
      const teachers: number[] = [];
      for (const id of outcome.kept) {
        const n = await r.nomination(id);
        if (!n || n.roundId !== round.id) continue;
        if (round.kind === 'review' && n.titleId !== null) {
          const t = await r.title(n.titleId);
          if (t?.status !== 'active') continue;
          const end = termEnd(addDays(t.termEnd, 1), round.termYears);
          await r.renew(t.id, end, round.id);
          await r.event({
            titleId: t.id,
            kind: 'renewed',
            reason: round.title,
            by: actor.userId,
            details: { roundId: round.id, termEnd: end, previousTermEnd: t.termEnd },
          });
        } else {
          const titleId = await r.insertTitle({
            provinceId: round.provinceId,
            teacherId: n.teacherId,
            orgPath: n.orgPath,
            level: round.level,
            grantedByUnitId: round.orgUnitId,
            grantedPath: round.orgPath,
            roundId: round.id,
            termStart: day,
            termEnd: termEnd(day, round.termYears),
            by: actor.userId,
            code: `B${newCertificateCode()}`,
          });
          await r.event({
            titleId,
            kind: 'granted',
            reason: round.title,
            by: actor.userId,
            details: { roundId: round.id },
          });
        }
        teachers.push(n.teacherId);
        await notify(trx, {
          to: { teacherOf: n.teacherId },
          kind: 'backbone_title_granted',
          params: { level: round.level, round: round.title, organiser: round.orgUnitName },
          link: '/me/backbone',
          senderId: actor.userId,
        });
      }
      await r.setOutcomes(outcome.kept, 'kept');
      await r.setOutcomes(outcome.removed, 'removed');
      await r.setRoundStatus(round.id, 'finalised');
      await syncLevels(trx, round.provinceId, teachers);
    },
    async withdrawn(trx, { sourceId }) {
      const r = createBackboneRepository(trx);
      await r.lockRound(sourceId);
      const round = await r.round(sourceId);
      if (round?.status !== 'publicised') return;
      await r.setRoundStatus(round.id, 'scoring', { publicityId: null });
      await r.clearOutcomes(round.id);
    },
  });

  // ------------------------------------------------------------------ the yearly sweep
  /**
   * As of today: ends the terms that are over (expired), reminds holders whose duties of the year are not
   * done from REMINDER_FROM on (once a year), and flags titles whose duties of last year were not done
   * (flagBackboneTitles, source 'duty'; once). Safe to repeat. `scope` limits it to a subtree.
   */
  async function sweep(by: number | null, scope: { provinceId: number; path: string } | null) {
    const day = today(env);
    const year = Number(day.slice(0, 4));
    const out = { expired: 0, reminded: 0, flagged: 0 };
    await db.transaction().execute(async (trx) => {
      const r = createBackboneRepository(trx);
      const active = await r.activeTitles(scope?.provinceId ?? null, scope?.path ?? null);
      const ended = active.filter((t) => t.termEnd < day);
      for (const t of ended) {
        await r.lockTitle(t.id);
        await r.event({ titleId: t.id, kind: 'expired', reason: null, by, details: { termEnd: t.termEnd } });
      }
      await r.expire(ended.map((t) => t.id));
      const byProvince = new Map<number, number[]>();
      for (const t of ended) byProvince.set(t.provinceId, [...(byProvince.get(t.provinceId) ?? []), t.teacherId]);
      for (const [p, ids] of byProvince) await syncLevels(trx, p, ids);
      out.expired = ended.length;
      const live = active.filter((t) => t.termEnd >= day);
      const ids = live.map((t) => t.id);
      const [thisYear, lastYear, marksNow, marksLast] = await Promise.all([
        r.confirmedCounts(ids, year),
        r.confirmedCounts(ids, year - 1),
        r.dutyYears(ids, year),
        r.dutyYears(ids, year - 1),
      ]);
      for (const t of live) {
        const need = t.duties ?? DEFAULT_DUTIES;
        const now = dutyYearStatus(need, thisYear.get(t.id) ?? { openLessons: 0, papers: 0 }, year, day, t);
        if (now === 'due_soon' && !marksNow.get(t.id)?.remindedOn) {
          const done = thisYear.get(t.id) ?? { openLessons: 0, papers: 0 };
          await notify(trx, {
            to: { teacherOf: t.teacherId },
            kind: 'backbone_duty_reminder',
            params: {
              year,
              openLessons: Math.max(0, need.openLessons - done.openLessons),
              papers: Math.max(0, need.papers - done.papers),
            },
            link: '/me/backbone',
            senderId: null,
          });
          await r.markDutyYear(t.id, year, 'reminded_on', day);
          out.reminded++;
        }
        const before = dutyYearStatus(need, lastYear.get(t.id) ?? { openLessons: 0, papers: 0 }, year - 1, day, t);
        if (before === 'missed' && !marksLast.get(t.id)?.flaggedOn) {
          const flagged = await flagBackboneTitles(trx, {
            teacherId: t.teacherId,
            reason: `${year - 1} 年度骨干教师职责（公开课、论文）未完成`,
            source: { kind: 'duty', id: t.id },
            by,
          });
          await r.markDutyYear(t.id, year - 1, 'flagged_on', day);
          if (flagged.length) {
            out.flagged += flagged.length;
            await notify(trx, {
              to: { adminsAt: [t.grantedByUnitId] },
              kind: 'backbone_title_flagged',
              params: { teacher: t.teacherName, level: t.level, year: year - 1 },
              link: '/programmes/backbone?tab=titles&flagged=1',
              senderId: null,
            });
          }
        }
      }
    });
    return out;
  }

  function storeFile(file: { name: string; data: Buffer }) {
    if (file.data.length > BACKBONE_FILE_MAX_BYTES) throw new AppError('FILE_TOO_LARGE');
    const mime = uploadType(file.name, file.data);
    if (!mime) throw new AppError('BACKBONE_FILE_NOT_ALLOWED');
    const { sha256, hex } = storeBySha256(fileDir, file.data);
    return { sha256, hex, mime, name: cleanFileName(file.name, `evidence${path.extname(file.name).toLowerCase()}`) };
  }

  async function myTeacher(ctx: RequestContext, action: string) {
    const actor = requireActor(ctx);
    if (actor.role !== 'teacher')
      return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
    const id = await repo.teacherByUser(actor.userId);
    return { actor, teacherId: id ?? null };
  }

  /**
   * The granting unit's decision on a title (keep its flag cleared, or revoke it): checked, audited with the
   * reason, and applied under the title's row lock to the title as it is then.
   */
  async function decideOnTitle(
    ctx: RequestContext,
    id: number,
    action: string,
    reason: string,
    apply: (
      r: ReturnType<typeof createBackboneRepository>,
      t: TitleRow,
      actor: Actor,
      trx: Kysely<DB>,
      why: string,
    ) => Promise<void>,
  ): Promise<{ id: number }> {
    const x = await decideTitle(ctx, id, action);
    const why = reason.trim();
    return auditedWrite(
      db,
      ctx,
      {
        action,
        targetType: 'backbone_title',
        targetId: id,
        targetPath: x.t.grantedPath,
        targetLabel: x.t.teacherName,
        details: { reason },
      },
      async (trx) => {
        const r = createBackboneRepository(trx);
        await r.lockTitle(id);
        await apply(r, (await r.title(id)) as TitleRow, x.actor, trx, why);
        return { id };
      },
    );
  }

  /** What a decision on a nomination is audited as: the nomination, at its school, under the teacher's name. */
  const nominationMeta = (action: string, id: number, n: NominationRow) => ({
    action,
    targetType: 'backbone_nomination',
    targetId: id,
    targetPath: n.orgPath,
    targetLabel: n.teacherName,
  });

  return {
    sweep,

    /** The public check of a title's number (no login): null when there is no such title. */
    async verify(code: string): Promise<PublicBackboneTitle | null> {
      const normalised = code.trim().toUpperCase();
      if (!BACKBONE_TITLE_CODE.test(normalised)) return null;
      const t = await repo.titleByCode(normalised);
      if (!t) return null;
      return {
        code: t.code,
        status: t.status,
        holder: maskName(t.teacherName),
        schoolName: t.schoolName,
        level: t.level,
        grantedBy: t.grantedByName,
        termStart: t.termStart,
        termEnd: t.termEnd,
        revokedOn: t.revokedAt ? chinaDay(t.revokedAt) : null,
      };
    },

    // ---------------------------------------------------------------- rounds
    async listRounds(ctx: RequestContext, q: { status?: RoundRow['status']; page: number; pageSize: number }) {
      const actor = await requireRegistryRole(db, ctx, 'backbone.round.list');
      const r = await repo.rounds(actor.provinceId, actor.orgPath, {
        status: q.status,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      const items: RoundView[] = [];
      for (const x of r.items) items.push(await roundView(actor, x, await repo.quotas(x.id)));
      return { items, total: r.total };
    },

    /** The rounds whose panel the reader sits on (any role). */
    async panelRounds(ctx: RequestContext): Promise<RoundView[]> {
      const actor = requireActor(ctx);
      const rows = await repo.panelRounds(actor.userId);
      const out: RoundView[] = [];
      for (const r of rows)
        if (r.provinceId === actor.provinceId) out.push(await roundView(actor, r, await repo.quotas(r.id)));
      return out;
    },

    async createRound(ctx: RequestContext, orgUnitId: number | undefined, input: RoundInput): Promise<RoundView> {
      const action = 'backbone.round.create';
      const actor = await requireRegistryRole(db, ctx, action);
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId ?? actor.orgUnitId, action, 'backbone.open');
      const fields = {
        ...input,
        title: input.title.trim(),
        criteria: input.criteria.trim(),
        checks: {
          ...(input.checks.minServiceYears ? { minServiceYears: input.checks.minServiceYears } : {}),
          ...(input.checks.stages?.length ? { stages: [...new Set(input.checks.stages)] } : {}),
          ...(input.checks.subjects?.length
            ? { subjects: [...new Set(input.checks.subjects.map((s) => s.trim()))] }
            : {}),
        },
      };
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'backbone_round', targetPath: unit.path, targetLabel: fields.title },
        async (trx, meta) => {
          const level = levelOfUnit(unit.kind);
          const problems = roundProblems(fields);
          if (!level) problems['orgUnitId'] = 'unit_kind';
          if (fields.nominationDeadline < today(env)) problems['nominationDeadline'] = 'past';
          // quota units: below the organiser (a school's own round: the school itself), none inside another
          const quotaIds = [...new Set(fields.quotas.map((q) => q.orgUnitId))];
          if (quotaIds.length !== fields.quotas.length) problems['quotas'] = 'duplicate';
          const units = await createOrgUnitRepository(trx).findByIds(quotaIds);
          const ok =
            units.length === quotaIds.length &&
            units.every((u) =>
              unit.kind === 'school' ? u.id === unit.id : u.path !== unit.path && isWithin(unit.path, u.path),
            ) &&
            units.every((a) => units.every((b) => a.id === b.id || !isWithin(a.path, b.path)));
          if (!ok) problems['quotas'] = problems['quotas'] ?? 'units';
          if (Object.keys(problems).length) throw new AppError('BACKBONE_ROUND_INVALID', { details: { problems } });
          const r = createBackboneRepository(trx);
          const id = await r.insertRound({
            provinceId: unit.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            level: level as BackboneLevel,
            kind: fields.kind,
            title: fields.title,
            criteria: fields.criteria,
            checks: fields.checks,
            nominationDeadline: fields.nominationDeadline,
            termYears: fields.termYears,
            duties: fields.duties,
            by: actor.userId,
          });
          const pathOf = new Map(units.map((u) => [u.id, u.path]));
          await r.insertQuotas(
            id,
            fields.quotas.map((q) => ({
              orgUnitId: q.orgUnitId,
              orgPath: pathOf.get(q.orgUnitId) as string,
              quota: q.quota,
            })),
          );
          meta.targetId = id;
          meta.details = {
            level,
            kind: fields.kind,
            termYears: fields.termYears,
            duties: fields.duties,
            nominationDeadline: fields.nominationDeadline,
            quotas: fields.quotas,
          };
          const toUnits = quotaIds.filter((u) => u !== unit.id);
          if (toUnits.length)
            await notify(trx, {
              to: { adminsAt: toUnits },
              kind: 'backbone_round_opened',
              params: {
                title: fields.title,
                level: level as string,
                deadline: fields.nominationDeadline,
                organiser: unit.name,
              },
              link: `/programmes/backbone/${id}`,
              senderId: actor.userId,
            });
          const row = (await r.round(id)) as RoundRow;
          return roundView(actor, row, await r.quotas(id), trx);
        },
      );
    },

    async getRound(ctx: RequestContext, id: number) {
      const x = await readRound(ctx, id, 'backbone.round.read');
      const all = await repo.nominations(id);
      const visible = x.manage || x.panel ? all : all.filter((n) => x.nominatesFor.includes(n.quotaUnitId));
      const nominations = x.panel && !x.manage ? visible.filter((n) => n.status === 'nominated') : visible;
      const [files, scores, panel] = await Promise.all([
        repo.files(nominations.map((n) => n.id)),
        repo.scores(id),
        x.manage ? repo.panel(id) : Promise.resolve([]),
      ]);
      return {
        round: await roundView(x.actor, x.r, x.quotas),
        quotas: x.quotas.filter((q) => x.manage || x.nominatesFor.includes(q.orgUnitId)),
        nominations: nominations.map(({ provinceId: _p, teacherUserId: _u, ...n }) => {
          const mine = scores.find((s) => s.nominationId === n.id && s.userId === x.actor.userId);
          return {
            ...n,
            files: files
              .filter((f) => f.nominationId === n.id)
              .map((f) => ({ id: f.id, fileName: f.fileName, sizeBytes: f.sizeBytes })),
            myScore: mine ? { score: mine.score, comment: mine.comment } : null,
            scoredBy: scores.filter((s) => s.nominationId === n.id).length,
          } satisfies NominationView;
        }),
        panel,
      };
    },

    async step(ctx: RequestContext, id: number, e: 'close' | 'reopen' | 'cancel'): Promise<RoundView> {
      const action = `backbone.round.${e}`;
      const x = await manageRound(ctx, id, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'backbone_round', targetId: id, targetPath: x.r.orgPath, targetLabel: x.r.title },
        async (trx, meta) => {
          const r = createBackboneRepository(trx);
          await r.lockRound(id);
          const cur = (await r.round(id)) as RoundRow;
          const next = step(cur, e);
          await r.setRoundStatus(id, next);
          meta.details = { from: cur.status, to: next };
          return roundView(x.actor, (await r.round(id)) as RoundRow, await r.quotas(id), trx);
        },
      );
    },

    async setPanel(ctx: RequestContext, id: number, userIds: number[]) {
      const action = 'backbone.panel.set';
      const x = await manageRound(ctx, id, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'backbone_round', targetId: id, targetPath: x.r.orgPath, targetLabel: x.r.title },
        async (trx, meta) => {
          const r = createBackboneRepository(trx);
          await r.lockRound(id);
          const cur = (await r.round(id)) as RoundRow;
          if (cur.status !== 'nominating' && cur.status !== 'scoring')
            throw new AppError('BACKBONE_ROUND_STATE', { details: { status: cur.status } });
          const ids = [...new Set(userIds)];
          const users = await r.usersByIds(ids);
          // named accounts of the organiser's subtree: its trainers, admins and teachers
          if (
            users.length !== ids.length ||
            users.some((u) => u.provinceId !== cur.provinceId || !isWithin(cur.orgPath, u.orgPath))
          )
            throw new AppError('BACKBONE_PANEL_INVALID');
          const before = new Set((await r.panel(id)).map((p) => p.userId));
          await r.setPanel(id, ids, x.actor.userId);
          meta.details = { userIds: ids };
          const added = ids.filter((u) => !before.has(u));
          if (added.length)
            await notify(trx, {
              to: { users: added },
              kind: 'backbone_panel_named',
              params: { title: cur.title, organiser: cur.orgUnitName },
              link: `/programmes/backbone/${id}`,
              senderId: x.actor.userId,
            });
          return r.panel(id);
        },
      );
    },

    async nominate(
      ctx: RequestContext,
      roundId: number,
      input: { teacherId: number; statement: string },
    ): Promise<{ id: number; status: 'proposed' | 'nominated' }> {
      const action = 'backbone.nomination.create';
      const x = await readRound(ctx, roundId, action);
      if (!isAdmin(x.actor.role) || (x.nominatesFor.length === 0 && !x.manage))
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'backbone_round', targetId: roundId, targetPath: x.r.orgPath, targetLabel: x.r.title },
          new AppError('FORBIDDEN'),
        );
      const t = await repo.teacher(input.teacherId);
      if (!t || t.provinceId !== x.actor.provinceId || !can(x.actor, 'backbone.nominate', { path: t.orgPath }))
        return auditRefusal(db, ctx, { action, targetType: 'teacher', targetId: input.teacherId }, notFoundDenied());
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_nomination',
          targetPath: t.orgPath,
          targetLabel: t.name,
          details: { roundId, teacherId: t.id },
        },
        async (trx, meta) => {
          const r = createBackboneRepository(trx);
          await r.lockRound(roundId);
          const cur = (await r.round(roundId)) as RoundRow;
          if (cur.status !== 'nominating')
            throw new AppError('BACKBONE_ROUND_STATE', { details: { status: cur.status } });
          if (today(env) > cur.nominationDeadline)
            throw new AppError('BACKBONE_DEADLINE_PASSED', { params: { deadline: cur.nominationDeadline } });
          const q = x.quotas.find((qq) => isWithin(qq.orgPath, t.orgPath));
          if (!q) throw new AppError('BACKBONE_NO_QUOTA');
          const reasons = checkNominee(cur.checks, t, currentYear(env));
          if (reasons.length) throw new AppError('BACKBONE_NOT_ELIGIBLE', { details: { reasons } });
          let titleId: number | null = null;
          if (cur.kind === 'review') {
            const held = (await r.titlesOfTeacher(t.id)).find(
              (tt) => tt.status === 'active' && tt.level === cur.level && tt.grantedPath === cur.orgPath,
            );
            if (!held) throw new AppError('BACKBONE_NO_TITLE');
            titleId = held.id;
          }
          // a unit below the quota unit proposes; the quota unit (or the organiser) nominates within quota
          const status = isWithin(x.actor.orgPath, q.orgPath) ? 'nominated' : 'proposed';
          if (status === 'nominated') {
            const quota = (await r.lockQuota(roundId, q.orgUnitId)) ?? 0;
            const used = await r.nominatedCount(roundId, q.orgUnitId);
            if (!fitsQuota(quota, used))
              throw new AppError('BACKBONE_OVER_QUOTA', { params: { unit: q.name, quota, used } });
          }
          const id = await r
            .insertNomination({
              provinceId: cur.provinceId,
              roundId,
              teacherId: t.id,
              orgPath: t.orgPath,
              quotaUnitId: q.orgUnitId,
              byUnitId: x.actor.orgUnitId,
              statement: input.statement.trim(),
              titleId,
              status,
              by: x.actor.userId,
            })
            .catch((e: unknown) => {
              throw translatePgError(e, { backbone_nomination_once_idx: 'BACKBONE_NOMINATION_TAKEN' });
            });
          meta.targetId = id;
          meta.details = { roundId, teacherId: t.id, status, quotaUnitId: q.orgUnitId };
          if (status === 'proposed')
            await notify(trx, {
              to: { adminsAt: [q.orgUnitId] },
              kind: 'backbone_nomination_proposed',
              params: { title: cur.title, teacher: t.name, school: t.schoolName },
              link: `/programmes/backbone/${roundId}`,
              senderId: x.actor.userId,
            });
          return { id, status };
        },
      );
    },

    /** The quota unit passes a proposal up: it becomes a nomination, within the quota. */
    async forward(ctx: RequestContext, id: number) {
      const action = 'backbone.nomination.forward';
      const x = await readNomination(ctx, id, action);
      const qp = quotaPath(x.quotas, x.n);
      if (!isWithin(x.actor.orgPath, qp) || !isAdmin(x.actor.role))
        return auditRefusal(db, ctx, nominationMeta(action, id, x.n), new AppError('FORBIDDEN'));
      return auditedWrite(db, ctx, nominationMeta(action, id, x.n), async (trx) => {
        const r = createBackboneRepository(trx);
        await r.lockRound(x.r.id);
        const cur = (await r.round(x.r.id)) as RoundRow;
        const n = (await r.nomination(id)) as NominationRow;
        if (cur.status !== 'nominating' || n.status !== 'proposed')
          throw new AppError('BACKBONE_ROUND_STATE', { details: { status: cur.status, nomination: n.status } });
        if (today(env) > cur.nominationDeadline)
          throw new AppError('BACKBONE_DEADLINE_PASSED', { params: { deadline: cur.nominationDeadline } });
        const quota = (await r.lockQuota(x.r.id, n.quotaUnitId)) ?? 0;
        const used = await r.nominatedCount(x.r.id, n.quotaUnitId);
        if (!fitsQuota(quota, used))
          throw new AppError('BACKBONE_OVER_QUOTA', { params: { unit: n.quotaUnitName, quota, used } });
        await r.setNominationStatus(id, 'nominated');
        return { id, status: 'nominated' as const };
      });
    },

    async withdraw(ctx: RequestContext, id: number) {
      const action = 'backbone.nomination.withdraw';
      const x = await readNomination(ctx, id, action);
      if (!x.mine && !x.manage)
        return auditRefusal(db, ctx, nominationMeta(action, id, x.n), new AppError('FORBIDDEN'));
      return auditedWrite(db, ctx, nominationMeta(action, id, x.n), async (trx) => {
        const r = createBackboneRepository(trx);
        await r.lockRound(x.r.id);
        const cur = (await r.round(x.r.id)) as RoundRow;
        const n = (await r.nomination(id)) as NominationRow;
        if (cur.status !== 'nominating' || n.status === 'withdrawn')
          throw new AppError('BACKBONE_ROUND_STATE', { details: { status: cur.status } });
        await r.setNominationStatus(id, 'withdrawn');
        return { id, status: 'withdrawn' as const };
      });
    },

    async uploadFile(ctx: RequestContext, id: number, file: { name: string; data: Buffer }) {
      const action = 'backbone.nomination.upload';
      const x = await readNomination(ctx, id, action);
      if (!x.mine) return auditRefusal(db, ctx, nominationMeta(action, id, x.n), new AppError('FORBIDDEN'));
      if (x.r.status !== 'nominating' || x.n.status === 'withdrawn')
        throw new AppError('BACKBONE_ROUND_STATE', { details: { status: x.r.status } });
      const f = storeFile(file);
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_nomination',
          targetId: id,
          targetPath: x.n.orgPath,
          targetLabel: f.name,
          details: { size: file.data.length, sha256: f.hex },
        },
        async (trx) => {
          const fileId = await createBackboneRepository(trx).insertFile({
            nominationId: id,
            sha256: f.sha256,
            fileName: f.name,
            mimeType: f.mime,
            sizeBytes: file.data.length,
            by: x.actor.userId,
          });
          return { id: fileId, fileName: f.name, sizeBytes: file.data.length };
        },
      );
    },

    async file(ctx: RequestContext, fileId: number): Promise<{ row: FileRow; path: string }> {
      const row = await repo.file(fileId);
      if (!row) throw new AppError('NOT_FOUND');
      await readNomination(ctx, row.nominationId, 'backbone.nomination.file');
      return { row, path: storedPath(fileDir, row.sha256) };
    },

    async score(ctx: RequestContext, nominationId: number, input: { score: number; comment: string | null }) {
      const action = 'backbone.score';
      const x = await readNomination(ctx, nominationId, action);
      if (!x.panel)
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'backbone_nomination', targetId: nominationId, targetPath: x.r.orgPath },
          new AppError('FORBIDDEN'),
        );
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_nomination',
          targetId: nominationId,
          targetPath: x.r.orgPath,
          targetLabel: x.n.teacherName,
          details: { score: input.score },
        },
        async (trx) => {
          const r = createBackboneRepository(trx);
          await r.lockRound(x.r.id);
          const cur = (await r.round(x.r.id)) as RoundRow;
          const n = (await r.nomination(nominationId)) as NominationRow;
          if (cur.status !== 'scoring' || n.status !== 'nominated')
            throw new AppError('BACKBONE_ROUND_STATE', { details: { status: cur.status } });
          if (!Number.isInteger(input.score) || input.score < 0 || input.score > 100)
            throw new AppError('BACKBONE_SCORE_INVALID');
          await r.upsertScore({
            nominationId,
            userId: x.actor.userId,
            score: input.score,
            comment: input.comment?.trim() || null,
          });
          return { nominationId, score: input.score, comment: input.comment?.trim() || null };
        },
      );
    },

    async ranking(ctx: RequestContext, id: number) {
      const x = await manageRound(ctx, id, 'backbone.round.ranking');
      return { round: await roundView(x.actor, x.r, x.quotas), items: await ranking(x.r) };
    },

    /** 公示: the selected nominations with their scorecards go to the public notice for its period. */
    async publish(
      ctx: RequestContext,
      id: number,
      input: { nominationIds: number[]; days?: number; body?: string | null },
    ): Promise<{ publicityId: number }> {
      const action = 'backbone.round.publish';
      const x = await manageRound(ctx, id, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'backbone_round', targetId: id, targetPath: x.r.orgPath, targetLabel: x.r.title },
        async (trx, meta) => {
          const r = createBackboneRepository(trx);
          await r.lockRound(id);
          const cur = (await r.round(id)) as RoundRow;
          const next = step(cur, 'publish');
          const ranked = await ranking(cur, trx);
          const chosen = new Set(input.nominationIds);
          const items = ranked.filter((it) => chosen.has(it.nominationId));
          if (items.length === 0 || items.length !== chosen.size)
            throw new AppError('BACKBONE_LIST_INVALID', { details: { problem: 'nominations' } });
          if (items.some((it) => it.scorecard.final === null)) throw new AppError('BACKBONE_NOT_SCORED');
          const startsOn = today(env);
          const endsOn = addWorkingDays(startsOn, input.days ?? 5);
          const { id: publicityId } = await publishList(trx, x.actor, {
            kind: 'backbone_round',
            sourceId: id,
            provinceId: cur.provinceId,
            orgUnitId: cur.orgUnitId,
            orgPath: cur.orgPath,
            scopePath: cur.orgPath,
            title: `${cur.title}拟认定名单公示`.slice(0, 200),
            body:
              input.body?.trim() ||
              `${cur.orgUnitName}${LEVEL_ZH[cur.level]}骨干教师拟认定名单，任期 ${cur.termYears} 年。`,
            startsOn,
            endsOn,
            items: items.map((it) => ({
              refId: it.nominationId,
              title: it.teacherName,
              subtitle: `${it.schoolName} · ${LEVEL_ZH[cur.level]}骨干教师`,
              scorecard: it.scorecard,
            })),
          }).catch((e: unknown) => {
            throw translatePgError(e, { publicity_source_idx: 'BACKBONE_ROUND_STATE' });
          });
          await r.setRoundStatus(id, next, { publicityId });
          await r.setOutcomes(
            items.map((it) => it.nominationId),
            'published',
          );
          await r.setOutcomes(
            ranked.filter((it) => !chosen.has(it.nominationId)).map((it) => it.nominationId),
            'not_selected',
          );
          meta.details = { publicityId, nominations: [...chosen], startsOn, endsOn };
          return { publicityId };
        },
      );
    },

    // ---------------------------------------------------------------- titles
    async titles(
      ctx: RequestContext,
      q: { level?: BackboneLevel; status?: string; flagged?: boolean; q?: string; page: number; pageSize: number },
    ) {
      const actor = await requireRegistryRole(db, ctx, 'backbone.title.list');
      const r = await repo.titles(actor.provinceId, actor.orgPath, {
        ...q,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      return {
        items: r.items.map(({ provinceId: _p, teacherUserId: _u, ...t }) => ({
          ...t,
          decide: can(actor, 'backbone.manage', { path: t.grantedPath }),
        })),
        total: r.total,
      };
    },

    async titlesXlsx(
      ctx: RequestContext,
      q: { level?: BackboneLevel; status?: string; flagged?: boolean; q?: string },
    ) {
      const action = 'backbone.title.export';
      const actor = await requireRegistryRole(db, ctx, action);
      const r = await repo.titles(actor.provinceId, actor.orgPath, { ...q, limit: 50_000, offset: 0 });
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('骨干教师');
      ws.columns = [
        { header: '姓名', key: 'name', width: 12 },
        { header: '学校', key: 'school', width: 28 },
        { header: '级别', key: 'level', width: 10 },
        { header: '认定单位', key: 'by', width: 24 },
        { header: '任期开始', key: 'start', width: 12 },
        { header: '任期结束', key: 'end', width: 12 },
        { header: '状态', key: 'status', width: 10 },
        { header: '待处理', key: 'flag', width: 30 },
        { header: '撤销原因', key: 'revoke', width: 30 },
      ];
      const status = { active: '有效', expired: '已到期', revoked: '已撤销' } as Record<string, string>;
      for (const t of r.items)
        ws.addRow({
          name: neutraliseCell(t.teacherName),
          school: neutraliseCell(t.schoolName),
          level: BACKBONE_LABELS[t.level],
          by: neutraliseCell(t.grantedByName),
          start: t.termStart,
          end: t.termEnd,
          status: status[t.status] ?? t.status,
          flag: t.flaggedAt && t.status === 'active' ? neutraliseCell(t.flagReason ?? '') : '',
          revoke: neutraliseCell(t.revokeReason ?? ''),
        });
      ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        { action, targetType: 'backbone_title', targetPath: actor.orgPath, details: { rows: r.items.length } },
        'success',
      );
      return buffer;
    },

    async title(ctx: RequestContext, id: number): Promise<TitleView> {
      const x = await readTitle(ctx, id, 'backbone.title.read');
      return (await titleViews(x.actor, [x.t]))[0] as TitleView;
    },

    async keep(ctx: RequestContext, id: number, reason: string) {
      return decideOnTitle(ctx, id, 'backbone.title.keep', reason, async (r, t, actor, _trx, why) => {
        if (t.status !== 'active' || !t.flaggedAt)
          throw new AppError('BACKBONE_TITLE_STATE', { details: { status: t.status } });
        await r.clearFlag(id);
        await r.event({ titleId: id, kind: 'flag_cleared', reason: why, by: actor.userId });
      });
    },

    async revoke(ctx: RequestContext, id: number, reason: string) {
      return decideOnTitle(ctx, id, 'backbone.title.revoke', reason, async (r, t, actor, trx, why) => {
        if (t.status !== 'active') throw new AppError('BACKBONE_TITLE_STATE', { details: { status: t.status } });
        await r.revoke(id, why, actor.userId);
        await r.event({ titleId: id, kind: 'revoked', reason: why, by: actor.userId });
        await syncLevels(trx, t.provinceId, [t.teacherId]);
        await notify(trx, {
          to: { teacherOf: t.teacherId },
          kind: 'backbone_title_revoked',
          params: { level: t.level, reason: why },
          link: '/me/backbone',
          senderId: actor.userId,
        });
      });
    },

    // ---------------------------------------------------------------- duties
    async dutiesWaiting(ctx: RequestContext): Promise<DutyView[]> {
      const actor = await requireRegistryRole(db, ctx, 'backbone.duty.list');
      return (await repo.dutiesWaiting(actor.provinceId, actor.orgPath)).map(dutyView);
    },

    async decideDuty(ctx: RequestContext, id: number, input: { confirm: boolean; note: string | null }) {
      const action = 'backbone.duty.decide';
      const actor = await requireRegistryRole(db, ctx, action);
      const d = await repo.duty(id);
      if (!d || !isWithin(actor.orgPath, d.orgPath))
        return auditRefusal(db, ctx, { action, targetType: 'backbone_duty', targetId: id }, notFoundDenied());
      if (!can(actor, 'backbone.confirm', { path: d.orgPath }))
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'backbone_duty', targetId: id, targetPath: d.orgPath, targetLabel: d.subject },
          new AppError('FORBIDDEN'),
        );
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_duty',
          targetId: id,
          targetPath: d.orgPath,
          targetLabel: d.subject,
          details: { confirm: input.confirm, note: input.note },
        },
        async (trx) => {
          const r = createBackboneRepository(trx);
          const cur = (await r.duty(id)) as DutyRow;
          if (cur.status !== 'recorded') throw new AppError('BACKBONE_DUTY_STATE', { details: { status: cur.status } });
          if (input.confirm && !cur.link && !cur.sha256) throw new AppError('BACKBONE_DUTY_NO_EVIDENCE');
          await r.decideDuty(id, input.confirm ? 'confirmed' : 'rejected', input.note?.trim() || null, actor.userId);
          return dutyView((await r.duty(id)) as DutyRow);
        },
      );
    },

    async dutyFile(ctx: RequestContext, id: number): Promise<{ path: string; fileName: string; mimeType: string }> {
      const actor = requireActor(ctx);
      const d = await repo.duty(id);
      const own = d && actor.role === 'teacher' && (await repo.teacherByUser(actor.userId)) === d.teacherId;
      if (!d?.sha256 || (!own && !(isAdmin(actor.role) && isWithin(actor.orgPath, d.orgPath))))
        return auditRefusal(
          db,
          ctx,
          { action: 'backbone.duty.file', targetType: 'backbone_duty', targetId: id },
          notFoundDenied(),
        );
      return {
        path: storedPath(fileDir, d.sha256),
        fileName: d.fileName ?? 'evidence',
        mimeType: d.mimeType ?? 'application/octet-stream',
      };
    },

    /** Runs the sweep for the reader's subtree now (the server also runs it every hour). */
    async runSweep(ctx: RequestContext) {
      const action = 'backbone.sweep';
      const actor = await requireRegistryRole(db, ctx, action);
      if (!can(actor, 'backbone.manage', { path: actor.orgPath }))
        return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const out = await sweep(actor.userId, { provinceId: actor.provinceId, path: actor.orgPath });
      await appendAudit(
        db,
        ctx,
        { action, targetType: 'org_unit', targetId: actor.orgUnitId, targetPath: actor.orgPath, details: out },
        'success',
      );
      return out;
    },

    // ---------------------------------------------------------------- the teacher's own
    async mine(ctx: RequestContext) {
      const { actor, teacherId } = await myTeacher(ctx, 'backbone.me');
      const titles = teacherId ? await repo.titlesOfTeacher(teacherId) : [];
      return { linked: teacherId !== null, titles: await titleViews(actor, titles), today: today(env) };
    },

    async recordDuty(
      ctx: RequestContext,
      input: {
        titleId: number;
        year: number;
        kind: 'open_lesson' | 'paper';
        subject: string;
        heldOn: string;
        link: string | null;
      },
    ): Promise<DutyView> {
      const action = 'backbone.duty.record';
      const { actor, teacherId } = await myTeacher(ctx, action);
      const t = await repo.title(input.titleId);
      if (!t || teacherId === null || t.teacherId !== teacherId)
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'backbone_title', targetId: input.titleId },
          notFoundDenied(),
        );
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_duty',
          targetPath: t.teacherPath,
          targetLabel: input.subject,
          details: { ...input },
        },
        async (trx, meta) => {
          const problems: Record<string, string> = {};
          if (t.status !== 'active') problems['titleId'] = 'not_active';
          if (
            input.year < Number(t.termStart.slice(0, 4)) ||
            input.year > Math.min(currentYear(env), Number(t.termEnd.slice(0, 4)))
          )
            problems['year'] = 'outside_term';
          if (input.heldOn.slice(0, 4) !== String(input.year) || input.heldOn > today(env))
            problems['heldOn'] = 'invalid';
          if (!input.subject.trim()) problems['subject'] = 'invalid';
          if (input.link !== null && !/^https?:\/\/\S+$/i.test(input.link)) problems['link'] = 'invalid';
          if (Object.keys(problems).length) throw new AppError('BACKBONE_DUTY_INVALID', { details: { problems } });
          const id = await createBackboneRepository(trx).insertDuty({
            provinceId: t.provinceId,
            titleId: t.id,
            teacherId: t.teacherId,
            orgPath: t.teacherPath,
            year: input.year,
            kind: input.kind,
            subject: input.subject.trim(),
            heldOn: input.heldOn,
            link: input.link,
            file: null,
            by: actor.userId,
          });
          meta.targetId = id;
          return dutyView((await createBackboneRepository(trx).duty(id)) as DutyRow);
        },
      );
    },

    async attachDutyFile(ctx: RequestContext, id: number, file: { name: string; data: Buffer }): Promise<DutyView> {
      const action = 'backbone.duty.upload';
      const { teacherId } = await myTeacher(ctx, action);
      const d = await repo.duty(id);
      if (!d || teacherId === null || d.teacherId !== teacherId)
        return auditRefusal(db, ctx, { action, targetType: 'backbone_duty', targetId: id }, notFoundDenied());
      if (d.status !== 'recorded') throw new AppError('BACKBONE_DUTY_STATE', { details: { status: d.status } });
      const f = storeFile(file);
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'backbone_duty',
          targetId: id,
          targetPath: d.orgPath,
          targetLabel: f.name,
          details: { sha256: f.hex },
        },
        async (trx) => {
          await trx
            .updateTable('backbone_duty')
            .set({ sha256: f.sha256, file_name: f.name, mime_type: f.mime, size_bytes: file.data.length })
            .where('id', '=', id)
            .where('teacher_id', '=', d.teacherId)
            .execute();
          return dutyView((await createBackboneRepository(trx).duty(id)) as DutyRow);
        },
      );
    },

    // ---------------------------------------------------------------- to-dos of the home page
    async todos(actor: Actor): Promise<{ nominate: number; flagged: number; duties: number; score: number }> {
      const day = today(env);
      const [rounds, flagged, duties, panel] = await Promise.all([
        isAdmin(actor.role)
          ? repo.rounds(actor.provinceId, actor.orgPath, { status: 'nominating', limit: 200, offset: 0 })
          : null,
        isAdmin(actor.role) && can(actor, 'backbone.manage', { path: actor.orgPath })
          ? repo.flaggedCount(actor.provinceId, actor.orgPath)
          : 0,
        can(actor, 'backbone.confirm', { path: actor.orgPath })
          ? repo.dutiesWaitingCount(actor.provinceId, actor.orgPath)
          : 0,
        repo.panelRounds(actor.userId),
      ]);
      let nominate = 0;
      for (const r of rounds?.items ?? []) {
        if (r.nominationDeadline < day) continue;
        const q = (await repo.quotas(r.id)).find((qq) => qq.orgUnitId === actor.orgUnitId);
        if (q && (q.nominated < q.quota || q.proposed > 0)) nominate++;
      }
      let score = 0;
      for (const r of panel.filter((p) => p.status === 'scoring')) {
        const [noms, scores] = await Promise.all([repo.nominations(r.id), repo.scores(r.id)]);
        const mine = new Set(scores.filter((s) => s.userId === actor.userId).map((s) => s.nominationId));
        score += noms.filter((n) => n.status === 'nominated' && !mine.has(n.id)).length;
      }
      return { nominate, flagged, duties, score };
    },
  };
}

export type BackboneService = ReturnType<typeof createBackboneService>;
export { BACKBONE_LEVELS };
