import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { currentYear, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import {
  advance,
  awardLevels,
  type AwardSpec,
  disagreements,
  itemScoreProblems,
  normalisationNote,
  rank,
  round2,
  rubricProblems,
  rubricTotal,
  scorecard,
  scoreTotals,
  type JudgeTotal,
  TRIM_AT_MAX,
  TRIM_AT_MIN,
} from '../domain/judging.js';
import { isAdmin, isWithin, pathIds } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  type AwardGrade,
  type CompetitionKind,
  type CompetitionRow,
  createCompetitionRepository,
  type RoundLevel,
  type RoundRow,
  type RubricItemRow,
} from '../repositories/competition.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { registerArchiveSection } from './archive-sections.js';
import { requireRegistryRole } from './registry-access.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { recordHonour } from './honour.js';
import { notify } from './notify.js';
import { publishList, publicityOf, registerPublicityKind } from './publicity.js';
import { neutraliseCell } from './roster-file.js';
import { cleanFileName, storeBySha256, storedPath, uploadType } from './stored-file.js';

export const COMPETITION_KINDS = ['essay', 'case', 'lesson', 'blog', 'skills', 'reading', 'other'] as const;
export const ROUND_LEVELS = ['school', 'county', 'city', 'province'] as const;
const LEVEL_UNIT_KINDS: Record<RoundLevel, string[]> = {
  school: ['school', 'township'],
  county: ['county'],
  city: ['city'],
  province: ['province'],
};
const LEVEL_OF_KIND: Record<string, RoundLevel | undefined> = {
  school: 'school',
  township: 'school',
  county: 'county',
  city: 'city',
  province: 'province',
};
export const ENTRY_FILE_MAX_BYTES = 20 * 1024 * 1024;
export const ENTRY_FILES_MAX = 10;
const GRADE_LABEL: Record<AwardGrade | 'organisation', { 'zh-CN': string; en: string }> = {
  first: { 'zh-CN': '一等奖', en: 'First prize' },
  second: { 'zh-CN': '二等奖', en: 'Second prize' },
  third: { 'zh-CN': '三等奖', en: 'Third prize' },
  organisation: { 'zh-CN': '优秀组织奖', en: 'Organisation award' },
};
const LEVEL_LABEL: Record<RoundLevel, { 'zh-CN': string; en: string }> = {
  school: { 'zh-CN': '校级', en: 'School' },
  county: { 'zh-CN': '县级', en: 'County' },
  city: { 'zh-CN': '市级', en: 'City' },
  province: { 'zh-CN': '省级', en: 'Province' },
};
export const gradeLabel = (g: AwardGrade | 'organisation', l: Locale = 'zh-CN') => GRADE_LABEL[g][l];
export const levelLabel = (l: RoundLevel, loc: Locale = 'zh-CN') => LEVEL_LABEL[l][loc];

export interface RoundInput {
  level: RoundLevel;
  deadline: string;
  quotaDefault: number;
  quotas?: Record<string, number>;
  awardSpec?: AwardSpec;
}

export interface CompetitionInput {
  orgUnitId?: number;
  title: string;
  kind: CompetitionKind;
  year: number;
  description?: string | null;
  categories: string[];
  rubric: RubricItemRow[];
  trimAt: number;
  normalise: boolean;
  normaliseMin: number;
  spreadThreshold: number;
  rounds: RoundInput[];
}

export interface EntryInput {
  title: string;
  category?: string | null;
  body?: string | null;
  videoUrl?: string | null;
  teacherIds: number[];
  /** the school submitting (a county admin may submit for a school below) */
  schoolUnitId?: number;
}

export interface AggregateSummary {
  entries: number;
  scored: number;
  normalisation: { applied: boolean; note: string | null; minPerJudge: number };
  trimAt: number;
  disagreements: { entryRoundId: number; blindCode: string; spread: number }[];
  advancement: { nextRoundId: number | null; perUnit: { unitId: number; quota: number; advancing: number }[] };
}

/** A random code judges see instead of anything that names the entrant. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const newBlindCode = () =>
  Array.from({ length: 8 }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join('');

/**
 * The unit whose quota an entry uses in a round: the unit directly below the round's organiser on the
 * school's path (the school itself in a school's own round).
 */
export function quotaUnitFor(roundOrgPath: string, schoolPath: string): number {
  const depth = pathIds(roundOrgPath).length;
  const ids = pathIds(schoolPath);
  return (ids[depth] ?? ids[depth - 1]) as number;
}

export function quotaOf(r: Pick<RoundRow, 'quotaDefault' | 'quotas'>, unitId: number): number {
  const q = r.quotas[String(unitId)];
  return q === undefined ? r.quotaDefault : q;
}

/** Strips what an image file says about its author or camera: JPEG APP1/APP13/COM segments, PNG text/EXIF chunks. */
export function stripImageMetadata(mime: string, data: Buffer): Buffer {
  if (mime === 'image/jpeg' && data[0] === 0xff && data[1] === 0xd8) {
    const parts: Buffer[] = [data.subarray(0, 2)];
    let i = 2;
    while (i + 4 <= data.length && data[i] === 0xff) {
      const marker = data[i + 1] as number;
      if (marker === 0xda) break; // start of scan: the rest is image data
      const len = data.readUInt16BE(i + 2);
      const seg = data.subarray(i, i + 2 + len);
      const drop = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe;
      if (!drop) parts.push(seg);
      i += 2 + len;
    }
    parts.push(data.subarray(i));
    return Buffer.concat(parts);
  }
  if (mime === 'image/png' && data.length > 8) {
    const parts: Buffer[] = [data.subarray(0, 8)];
    let i = 8;
    while (i + 12 <= data.length) {
      const len = data.readUInt32BE(i);
      const type = data.subarray(i + 4, i + 8).toString('latin1');
      const end = i + 12 + len;
      if (!['tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME'].includes(type)) parts.push(data.subarray(i, end));
      i = end;
    }
    return Buffer.concat(parts);
  }
  return data;
}

/** Checks a competition's fields; the problems by field (empty when fine). */
export function competitionProblems(
  c: CompetitionInput,
  organiserLevel: RoundLevel | undefined,
): Record<string, string> {
  const p: Record<string, string> = {};
  if (!c.title.trim() || c.title.length > 200) p['title'] = 'invalid';
  if (!Number.isInteger(c.year) || c.year < 2000 || c.year > 2100) p['year'] = 'invalid';
  const rp = rubricProblems(c.rubric);
  if (rp.length || c.rubric.some((i) => !i.label.trim() || i.label.length > 100 || !/^[a-z0-9_]{1,30}$/.test(i.key)))
    p['rubric'] = rp[0] ?? 'invalid';
  if (!Number.isInteger(c.trimAt) || c.trimAt < TRIM_AT_MIN || c.trimAt > TRIM_AT_MAX) p['trimAt'] = 'invalid';
  if (!Number.isInteger(c.normaliseMin) || c.normaliseMin < 2 || c.normaliseMin > 1000) p['normaliseMin'] = 'invalid';
  if (!(c.spreadThreshold > 0 && c.spreadThreshold <= 100)) p['spreadThreshold'] = 'invalid';
  if (new Set(c.categories).size !== c.categories.length || c.categories.some((x) => !x.trim() || x.length > 60))
    p['categories'] = 'invalid';
  const order = c.rounds.map((r) => ROUND_LEVELS.indexOf(r.level));
  if (
    c.rounds.length === 0 ||
    order.some((o, i) => i > 0 && o <= (order[i - 1] as number)) ||
    !organiserLevel ||
    c.rounds.at(-1)?.level !== organiserLevel
  )
    p['rounds'] = 'levels';
  for (const r of c.rounds) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.deadline)) p['rounds'] = 'deadline';
    if (!Number.isInteger(r.quotaDefault) || r.quotaDefault < 0 || r.quotaDefault > 10000) p['rounds'] = 'quota';
    if (r.awardSpec) {
      const xs = r.awardSpec.by === 'ranks' ? r.awardSpec.counts : r.awardSpec.percents;
      if (
        xs.some((x) => !Number.isFinite(x) || x < 0) ||
        (r.awardSpec.by === 'proportions' && xs.reduce((a, b) => a + b, 0) > 100)
      )
        p['rounds'] = 'awards';
    }
  }
  for (let i = 1; i < c.rounds.length; i++)
    if ((c.rounds[i] as RoundInput).deadline < (c.rounds[i - 1] as RoundInput).deadline) p['rounds'] = 'deadline';
  return p;
}

/**
 * Competitions and selections (评比, R-42): an organiser's admins set up the categories, the rubric and the
 * rounds; schools submit entries within quotas; panels judge blind; the organiser aggregates (judging.ts),
 * advances the best within the next round's quotas and publishes awards through public notice (公示), whose
 * finalising records the honours with their verifiable certificates.
 */
export function createCompetitionService({ db, env }: ServiceDeps) {
  const repo = createCompetitionRepository(db);
  const fileDir = path.join(env.dataDir, 'competitions');

  /** The competition, readable: organised in the actor's subtree, or holding a round above the actor. */
  async function readable(ctx: RequestContext, id: number, action: string) {
    const actor = await requireRegistryRole(db, ctx, action);
    const c = await repo.find(id);
    const rounds = c ? await repo.rounds(c.id) : [];
    const seen =
      c &&
      c.provinceId === actor.provinceId &&
      isAdmin(actor.role) &&
      (isWithin(actor.orgPath, c.orgPath) || rounds.some((r) => isWithin(r.orgPath, actor.orgPath)));
    if (!c || !seen)
      return auditRefusal(db, ctx, { action, targetType: 'competition', targetId: id }, notFoundDenied());
    return { actor, c, rounds };
  }

  /** A round the actor may run: its organiser's admins (and those above). */
  async function managedRound(ctx: RequestContext, roundId: number, action: string) {
    const actor = await requireRegistryRole(db, ctx, action);
    const r = await repo.round(roundId);
    if (!r || r.provinceId !== actor.provinceId || !isAdmin(actor.role))
      return auditRefusal(db, ctx, { action, targetType: 'competition_round', targetId: roundId }, notFoundDenied());
    const inside = isWithin(actor.orgPath, r.orgPath);
    const below = isWithin(r.orgPath, actor.orgPath);
    if (!inside && !below)
      return auditRefusal(db, ctx, { action, targetType: 'competition_round', targetId: roundId }, notFoundDenied());
    if (!inside || !can(actor, 'training.manage', { path: r.orgPath }))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath },
        new AppError('FORBIDDEN'),
      );
    const c = (await repo.find(r.competitionId)) as CompetitionRow;
    return { actor, r, c };
  }

  function requireStatus(r: RoundRow, ...statuses: RoundRow['status'][]): void {
    if (!statuses.includes(r.status)) throw new AppError('COMPETITION_STATE', { details: { status: r.status } });
  }

  const invalid = (problems: Record<string, string>) => new AppError('COMPETITION_INVALID', { details: { problems } });

  async function entryForJudge(ctx: RequestContext, entryRoundId: number, action: string) {
    const actor = requireActor(ctx);
    const er = await repo.entryRound(entryRoundId);
    const ok = er?.panelId != null && (await repo.isJudge(er.panelId, actor.userId));
    if (!er || !ok)
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'competition_entry', targetId: entryRoundId },
        notFoundDenied(),
      );
    const r = (await repo.round(er.roundId)) as RoundRow;
    const c = (await repo.find(r.competitionId)) as CompetitionRow;
    const e = await repo.entry(er.entryId);
    if (e?.status !== 'submitted')
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'competition_entry', targetId: entryRoundId },
        notFoundDenied(),
      );
    return { actor, er, r, c, e };
  }

  /** The blind view of an entry: its code, category, title, text, video link and neutral file labels. */
  async function blindEntry(
    er: { id: number; entryId: number },
    e: { blindCode: string; category: string | null; title: string; body: string | null; videoUrl: string | null },
  ) {
    const files = await repo.files(er.entryId);
    return {
      id: er.id,
      blindCode: e.blindCode,
      category: e.category,
      title: e.title,
      body: e.body,
      videoUrl: e.videoUrl,
      files: files.map((f, i) => ({
        n: i + 1,
        label: `附件${i + 1}${path.extname(f.fileName).toLowerCase()}`,
        mime: f.mime,
        sizeBytes: f.sizeBytes,
      })),
    };
  }

  /** An entry changes only while every round it is in still takes entries. */
  async function requireRoundsOpen(t: ReturnType<typeof createCompetitionRepository>, entryId: number) {
    for (const roundId of await t.roundIdsOfEntry(entryId)) {
      const r = (await t.round(roundId)) as RoundRow;
      if (r.status !== 'open') throw new AppError('COMPETITION_STATE', { details: { status: r.status } });
    }
  }

  async function aggregateRound(trx: Kysely<DB>, r: RoundRow, c: CompetitionRow): Promise<AggregateSummary> {
    const t = createCompetitionRepository(trx);
    const [entries, submitted, seats] = await Promise.all([
      t.entryRoundsLean(r.id),
      t.submittedTotals(r.id),
      t.seatsOfRound(r.id),
    ]);
    const entryOf = new Set(entries.map((e) => e.entryId));
    // the totals stored with each submitted score are the rubric totals; recused judges have none submitted
    const totals: JudgeTotal[] = submitted.filter((s) => entryOf.has(s.entryId));
    const scored = scoreTotals({
      totals,
      entryIds: entries.map((e) => e.entryId),
      options: { trimAt: c.trimAt, normalise: { enabled: c.normalise, minPerJudge: c.normaliseMin } },
    });
    const byEntry = new Map(scored.entries.map((x) => [x.entryId, x]));
    const ranked = rank(
      entries.map((e) => ({
        entryId: e.entryId,
        final: byEntry.get(e.entryId)?.final ?? null,
        rawMean: byEntry.get(e.entryId)?.rawMean ?? null,
        submittedAt: e.submittedAt.getTime(),
      })),
    );
    const rankOf = new Map(ranked.map((x) => [x.entryId, x.rank]));
    const flagged = new Set(disagreements(scored.entries, c.spreadThreshold).map((d) => d.entryId));
    const labelOf = (judgeId: number) => `评委${seats.get(judgeId) ?? '?'}`;
    await t.writeResults(
      r.id,
      entries.map((e) => {
        const res = byEntry.get(e.entryId);
        const rk = rankOf.get(e.entryId) ?? null;
        return {
          id: e.id,
          final: res?.final == null ? null : round2(res.final),
          rawMean: res?.rawMean == null ? null : round2(res.rawMean),
          rank: rk,
          scorecard: res ? scorecard(res, scored.normalisation, { labelOf, rank: rk }) : null,
          disagreement: flagged.has(e.entryId),
        };
      }),
    );
    const next = (await t.rounds(c.id)).find((x) => x.position === r.position + 1 && isWithin(x.orgPath, r.orgPath));
    const plan = next ? advancementPlan(next, entries, ranked) : null;
    const summary: AggregateSummary = {
      entries: entries.length,
      scored: ranked.filter((x) => x.rank !== null).length,
      normalisation: {
        applied: scored.normalisation.applied,
        note: normalisationNote(scored.normalisation),
        minPerJudge: scored.normalisation.minPerJudge,
      },
      trimAt: c.trimAt,
      disagreements: entries
        .filter((e) => flagged.has(e.entryId))
        .map((e) => ({
          entryRoundId: e.id,
          blindCode: e.blindCode,
          spread: round2(byEntry.get(e.entryId)?.spread ?? 0),
        })),
      advancement: {
        nextRoundId: next?.id ?? null,
        perUnit: plan ? plan.perUnit.map((u) => ({ unitId: u.unitId, quota: u.quota, advancing: u.advanced })) : [],
      },
    };
    await t.setAggregate(r.id, summary);
    return summary;
  }

  /** Which entries of a round advance into the next one: per unit of the next round, within its quota. */
  function advancementPlan(
    next: RoundRow,
    entries: { entryId: number; orgPath: string }[],
    ranked: { entryId: number; rank: number | null; final: number | null }[],
  ) {
    const unitOf = new Map(entries.map((e) => [e.entryId, quotaUnitFor(next.orgPath, e.orgPath)]));
    const units = [...new Set(unitOf.values())];
    const quotas = new Map(units.map((u) => [u, quotaOf(next, u)]));
    return advance(
      ranked.map((x) => ({ ...x, unitId: unitOf.get(x.entryId) as number })),
      quotas,
    );
  }

  const roundView = (r: RoundRow, counts: Map<number, number>, actor: Actor) => ({
    ...r,
    entries: counts.get(r.id) ?? 0,
    manage: isWithin(actor.orgPath, r.orgPath),
    /** the actor's unit may submit entries here (a first round above the actor, open) */
    submit:
      r.position === 0 && r.status === 'open' && isWithin(r.orgPath, actor.orgPath) && r.orgPath !== actor.orgPath,
  });

  const service = {
    async list(ctx: RequestContext, q: { page: number; pageSize: number }) {
      const actor = requireActor(ctx);
      if (!isAdmin(actor.role))
        return auditRefusal(
          db,
          ctx,
          { action: 'competition.list', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      return repo.list(actor.orgPath, actor.provinceId, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    },

    async create(ctx: RequestContext, input: CompetitionInput) {
      const action = 'competition.create';
      const actor = requireActor(ctx);
      const unitId = input.orgUnitId ?? actor.orgUnitId;
      const unit = await createOrgUnitRepository(db).findById(unitId);
      if (!unit || !isAdmin(actor.role) || !isWithin(actor.orgPath, unit.path))
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'org_unit', targetId: unitId },
          isAdmin(actor.role) ? notFoundDenied() : new AppError('FORBIDDEN'),
        );
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition', targetPath: unit.path, targetLabel: input.title },
        async (trx, meta) => {
          const problems = competitionProblems(input, LEVEL_OF_KIND[unit.kind]);
          // a round whose deadline has passed would open closed to every school
          if (!problems['rounds'] && input.rounds.some((x) => x.deadline < today(env)))
            problems['rounds'] = 'deadline_past';
          if (Object.keys(problems).length) throw invalid(problems);
          const t = createCompetitionRepository(trx);
          const id = await t.insert({
            provinceId: unit.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            title: input.title.trim(),
            kind: input.kind,
            year: input.year,
            description: input.description?.trim() || null,
            categories: input.categories.map((x) => x.trim()),
            rubric: input.rubric.map((i) => ({ ...i, label: i.label.trim() })),
            trimAt: input.trimAt,
            normalise: input.normalise,
            normaliseMin: input.normaliseMin,
            spreadThreshold: input.spreadThreshold,
            createdBy: actor.userId,
          });
          let created = 0;
          for (const [position, ri] of input.rounds.entries()) {
            const organisers =
              ri.level === LEVEL_OF_KIND[unit.kind]
                ? [{ id: unit.id, path: unit.path }]
                : await t.unitsOfKind(unit.path, LEVEL_UNIT_KINDS[ri.level]);
            for (const o of organisers) {
              await t.insertRound({
                competitionId: id,
                provinceId: unit.provinceId,
                level: ri.level,
                position,
                orgUnitId: o.id,
                orgPath: o.path,
                deadline: ri.deadline,
                quotaDefault: ri.quotaDefault,
                quotas: ri.quotas ?? {},
                awardSpec: ri.awardSpec ?? { by: 'proportions', percents: [10, 20, 30] },
              });
              created++;
            }
          }
          // the units of the first rounds are told, and see it as a to-do until they enter something
          const first = (await t.rounds(id)).filter((r) => r.position === 0);
          const below = (await Promise.all(first.map((r) => t.childUnits(r.orgUnitId)))).flat();
          const schoolRounds = first.filter((r) => r.level === 'school').map((r) => r.orgUnitId);
          await notify(trx, {
            to: { adminsAt: [...new Set([...below, ...schoolRounds])] },
            kind: 'competition_opened',
            params: { title: input.title.trim(), organiser: unit.name, deadline: input.rounds[0]?.deadline ?? '' },
            link: `/programmes/competitions/${id}`,
            senderId: actor.userId,
          });
          meta.targetId = id;
          meta.details = { rounds: created, levels: input.rounds.map((r) => r.level), rubric: input.rubric.length };
          return (await t.find(id)) as CompetitionRow;
        },
      );
    },

    async get(ctx: RequestContext, id: number) {
      const { actor, c, rounds } = await readable(ctx, id, 'competition.read');
      // rounds the reader may see: held in their subtree, or above them (they take part)
      const visible = rounds.filter((r) => isWithin(actor.orgPath, r.orgPath) || isWithin(r.orgPath, actor.orgPath));
      const counts = await repo.entryCounts(visible.map((r) => r.id));
      const pubs = await Promise.all(visible.map((r) => publicityOf(db, 'competition_round', r.id)));
      return {
        competition: c,
        manage: isWithin(actor.orgPath, c.orgPath),
        rounds: visible.map((r, i) => ({ ...roundView(r, counts, actor), publicity: pubs[i] ?? null })),
      };
    },

    /** The round's entries with their entrants and results: its organiser's admins see all, a unit its own. */
    async entries(ctx: RequestContext, roundId: number) {
      const action = 'competition.entries';
      const actor = await requireRegistryRole(db, ctx, action);
      const r = await repo.round(roundId);
      const inside = r && isWithin(actor.orgPath, r.orgPath);
      const below = r && isWithin(r.orgPath, actor.orgPath);
      if (!r || r.provinceId !== actor.provinceId || !isAdmin(actor.role) || (!inside && !below))
        return auditRefusal(db, ctx, { action, targetType: 'competition_round', targetId: roundId }, notFoundDenied());
      const rows = await repo.entryRounds(roundId, inside ? {} : { underPath: actor.orgPath });
      const panels = inside ? await repo.panels(roundId) : [];
      const myUnit = below && !inside ? quotaUnitFor(r.orgPath, actor.orgPath) : null;
      return {
        round: r,
        manage: Boolean(inside),
        entries: rows,
        panels,
        quota:
          myUnit === null
            ? null
            : { unitId: myUnit, quota: quotaOf(r, myUnit), used: await repo.quotaUsed(r.id, myUnit) },
      };
    },

    async submitEntry(ctx: RequestContext, roundId: number, input: EntryInput) {
      const action = 'competition.submit_entry';
      const actor = await requireRegistryRole(db, ctx, action);
      const r = await repo.round(roundId);
      if (
        !r ||
        r.provinceId !== actor.provinceId ||
        !isAdmin(actor.role) ||
        (!isWithin(r.orgPath, actor.orgPath) && !isWithin(actor.orgPath, r.orgPath))
      )
        return auditRefusal(db, ctx, { action, targetType: 'competition_round', targetId: roundId }, notFoundDenied());
      const schoolId = input.schoolUnitId ?? actor.orgUnitId;
      const school = await createOrgUnitRepository(db).findById(schoolId);
      if (!school || !isWithin(actor.orgPath, school.path) || !isWithin(r.orgPath, school.path))
        return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: schoolId }, notFoundDenied());
      if (!['school', 'township'].includes(school.kind)) throw invalid({ schoolUnitId: 'not_school' });
      const c = (await repo.find(r.competitionId)) as CompetitionRow;
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'competition_entry',
          targetPath: school.path,
          targetLabel: input.title,
          details: { roundId },
        },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          await t.lockRound(roundId);
          const cur = (await t.round(roundId)) as RoundRow;
          if (cur.position !== 0) throw new AppError('COMPETITION_STATE', { details: { round: 'not_first' } });
          requireStatus(cur, 'open');
          if (today(env) > cur.deadline)
            throw new AppError('COMPETITION_DEADLINE', { params: { deadline: cur.deadline } });
          const p: Record<string, string> = {};
          if (!input.title.trim()) p['title'] = 'invalid';
          if (input.category && !c.categories.includes(input.category)) p['category'] = 'invalid';
          if (!input.category && c.categories.length > 0) p['category'] = 'required';
          if (input.videoUrl && !/^https?:\/\/\S+$/.test(input.videoUrl)) p['videoUrl'] = 'invalid';
          const teacherIds = [...new Set(input.teacherIds)];
          const teachers = await t.teachers(teacherIds);
          if (
            teacherIds.length === 0 ||
            teachers.length !== teacherIds.length ||
            teachers.some((x) => !isWithin(school.path, x.orgPath))
          )
            p['teacherIds'] = 'invalid';
          if (Object.keys(p).length) throw invalid(p);
          const unit = quotaUnitFor(cur.orgPath, school.path);
          const used = await t.quotaUsed(roundId, unit);
          const quota = quotaOf(cur, unit);
          if (used >= quota)
            throw new AppError('COMPETITION_QUOTA_FULL', { params: { quota, used }, details: { quota, used } });
          const entryId = await t.insertEntry({
            competitionId: c.id,
            provinceId: c.provinceId,
            schoolUnitId: school.id,
            orgPath: school.path,
            category: input.category ?? null,
            title: input.title.trim(),
            body: input.body?.trim() || null,
            videoUrl: input.videoUrl?.trim() || null,
            blindCode: newBlindCode(),
            submittedBy: actor.userId,
            teacherIds,
          });
          const id = await t.insertEntryRound(roundId, entryId, unit);
          meta.targetId = entryId;
          meta.details = { roundId, entryRoundId: id, teachers: teacherIds.length, quota, used: used + 1 };
          return { entryId, entryRoundId: id };
        },
      );
    },

    /** A file of an entry (before judging starts), by the school that submitted it. */
    async addFile(ctx: RequestContext, entryId: number, file: { name: string; data: Buffer }) {
      const action = 'competition.entry_file';
      const actor = await requireRegistryRole(db, ctx, action);
      const e = await repo.entry(entryId);
      if (!e || e.provinceId !== actor.provinceId || !isAdmin(actor.role) || !isWithin(actor.orgPath, e.orgPath))
        return auditRefusal(db, ctx, { action, targetType: 'competition_entry', targetId: entryId }, notFoundDenied());
      if (file.data.length > ENTRY_FILE_MAX_BYTES) throw new AppError('FILE_TOO_LARGE');
      const mime = uploadType(file.name, file.data);
      if (!mime) throw new AppError('COMPETITION_FILE_NOT_ALLOWED');
      const data = stripImageMetadata(mime, file.data);
      const { sha256, hex } = storeBySha256(fileDir, data);
      const name = cleanFileName(file.name, `entry${path.extname(file.name).toLowerCase()}`);
      return auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'competition_entry',
          targetId: entryId,
          targetPath: e.orgPath,
          targetLabel: name,
          details: { sha256: hex, size: data.length },
        },
        async (trx) => {
          const t = createCompetitionRepository(trx);
          await requireRoundsOpen(t, entryId);
          if ((await t.files(entryId)).length >= ENTRY_FILES_MAX) throw invalid({ files: 'too_many' });
          const id = await t.insertFile({ entryId, fileName: name, mime, sizeBytes: data.length, sha256 });
          return { id, fileName: name, mime, sizeBytes: data.length };
        },
      );
    },

    async withdrawEntry(ctx: RequestContext, entryId: number) {
      const action = 'competition.withdraw_entry';
      const actor = await requireRegistryRole(db, ctx, action);
      const e = await repo.entry(entryId);
      if (!e || e.provinceId !== actor.provinceId || !isAdmin(actor.role) || !isWithin(actor.orgPath, e.orgPath))
        return auditRefusal(db, ctx, { action, targetType: 'competition_entry', targetId: entryId }, notFoundDenied());
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_entry', targetId: entryId, targetPath: e.orgPath, targetLabel: e.title },
        async (trx) => {
          const t = createCompetitionRepository(trx);
          await requireRoundsOpen(t, entryId);
          if (e.status !== 'submitted') throw new AppError('COMPETITION_STATE', { details: { entry: e.status } });
          await t.setEntryStatus(entryId, 'withdrawn');
          return { ok: true };
        },
      );
    },

    /** A panel of named judges (accounts of the organiser's subtree) and its lead. */
    async createPanel(
      ctx: RequestContext,
      roundId: number,
      input: { name: string; leadUserId: number; judgeUserIds: number[] },
    ) {
      const action = 'competition.create_panel';
      const { actor, r } = await managedRound(ctx, roundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath, targetLabel: input.name },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          requireStatus((await t.round(roundId)) as RoundRow, 'open', 'judging');
          const ids = [...new Set(input.judgeUserIds)];
          const found = await t.usersUnder(r.orgPath, ids);
          const p: Record<string, string> = {};
          if (!input.name.trim()) p['name'] = 'invalid';
          if (ids.length === 0 || found.length !== ids.length) p['judgeUserIds'] = 'invalid';
          if (!ids.includes(input.leadUserId)) p['leadUserId'] = 'not_judge';
          if (Object.keys(p).length) throw invalid(p);
          const id = await t.insertPanel({
            roundId,
            name: input.name.trim(),
            leadUserId: input.leadUserId,
            judges: ids,
          });
          await notify(trx, {
            to: { users: ids },
            kind: 'competition_judge_named',
            params: { panel: input.name.trim() },
            link: '/judging',
            senderId: actor.userId,
          });
          meta.details = { panelId: id, judges: ids, lead: input.leadUserId };
          return id;
        },
      );
    },

    async assign(ctx: RequestContext, roundId: number, input: { panelId: number; entryRoundIds?: number[] }) {
      const action = 'competition.assign';
      const { r } = await managedRound(ctx, roundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          requireStatus((await t.round(roundId)) as RoundRow, 'open', 'judging');
          const panel = await t.panel(input.panelId);
          if (!panel || panel.roundId !== roundId) throw invalid({ panelId: 'invalid' });
          const n = await t.assign(roundId, input.panelId, input.entryRoundIds ?? 'unassigned');
          meta.details = { panelId: input.panelId, assigned: n };
          return { assigned: n };
        },
      );
    },

    /** Closes submissions and opens the judges' queues. */
    async startJudging(ctx: RequestContext, roundId: number) {
      const action = 'competition.start_judging';
      const { r } = await managedRound(ctx, roundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath },
        async (trx) => {
          const t = createCompetitionRepository(trx);
          await t.lockRound(roundId);
          requireStatus((await t.round(roundId)) as RoundRow, 'open');
          const entries = await t.entryRounds(roundId);
          if (entries.some((e) => e.panelId === null))
            throw new AppError('COMPETITION_UNASSIGNED', {
              params: { n: entries.filter((e) => e.panelId === null).length },
            });
          await t.setRoundStatus(roundId, 'judging');
          return { ok: true };
        },
      );
    },

    /** Aggregates the submitted scores (judging.ts) and writes scores, ranks, scorecards and flags. */
    async aggregate(ctx: RequestContext, roundId: number): Promise<AggregateSummary> {
      const action = 'competition.aggregate';
      const { actor, r, c } = await managedRound(ctx, roundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          await t.lockRound(roundId);
          const cur = (await t.round(roundId)) as RoundRow;
          requireStatus(cur, 'judging', 'scored');
          const summary = await aggregateRound(trx, cur, c);
          if (summary.disagreements.length > 0) {
            const leads = (await t.panels(roundId)).map((p) => p.leadUserId);
            await notify(trx, {
              to: { users: [...new Set(leads)] },
              kind: 'competition_disagreement',
              params: { title: c.title, n: summary.disagreements.length },
              link: '/judging',
              senderId: actor.userId,
            });
          }
          meta.details = {
            entries: summary.entries,
            scored: summary.scored,
            normalised: summary.normalisation.applied,
            disagreements: summary.disagreements.length,
          };
          return summary;
        },
      );
    },

    /** Moves the best entries into the next round, within its quotas per unit (judging.ts `advance`). */
    async advance(ctx: RequestContext, roundId: number) {
      const action = 'competition.advance';
      const { actor, r, c } = await managedRound(ctx, roundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          await t.lockRound(roundId);
          const cur = (await t.round(roundId)) as RoundRow;
          const next = (await t.rounds(c.id)).find(
            (x) => x.position === cur.position + 1 && isWithin(x.orgPath, cur.orgPath),
          );
          // the last round never advances, whatever its state: say so rather than "not now"
          if (!next) throw new AppError('COMPETITION_LAST_ROUND');
          requireStatus(cur, 'scored', 'published', 'finalised');
          await t.lockRound(next.id);
          if (next.status !== 'open') throw new AppError('COMPETITION_STATE', { details: { next: next.status } });
          const entries = await t.entryRounds(roundId);
          if (entries.some((e) => e.advanced)) throw new AppError('COMPETITION_STATE', { details: { advanced: true } });
          const plan = advancementPlan(
            next,
            entries,
            entries.map((e) => ({ entryId: e.entryId, rank: e.rank, final: e.finalScore })),
          );
          // what the next round already holds from the same units counts against the same quota
          const ids = new Set(plan.advanced);
          const moved: number[] = [];
          for (const e of entries) {
            if (!ids.has(e.entryId)) continue;
            const unit = quotaUnitFor(next.orgPath, e.orgPath);
            if ((await t.quotaUsed(next.id, unit)) >= quotaOf(next, unit)) continue;
            await t.insertEntryRound(next.id, e.entryId, unit);
            moved.push(e.id);
          }
          await t.markAdvanced(moved);
          await notify(trx, {
            to: { adminsAt: [next.orgUnitId] },
            kind: 'competition_advanced',
            params: { title: c.title, from: r.orgUnitName, n: moved.length },
            link: `/programmes/competitions/${c.id}`,
            senderId: actor.userId,
          });
          meta.details = { nextRoundId: next.id, advanced: moved.length, entries: moved };
          return { nextRoundId: next.id, advanced: moved.length };
        },
      );
    },

    /** Awards by the round's rule, published through public notice; the finalising records the honours. */
    async publishAwards(
      ctx: RequestContext,
      roundId: number,
      input: { startsOn: string; endsOn: string; organisationUnitIds?: number[] },
    ) {
      const action = 'competition.publish_awards';
      const { actor, r, c } = await managedRound(ctx, roundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          await t.lockRound(roundId);
          const cur = (await t.round(roundId)) as RoundRow;
          requireStatus(cur, 'scored');
          if (!(input.startsOn <= input.endsOn)) throw invalid({ endsOn: 'before_start' });
          const entries = await t.entryRounds(roundId);
          const levels = awardLevels(
            entries.map((e) => ({ entryId: e.id, rank: e.rank })),
            cur.awardSpec as AwardSpec,
          );
          const units = await createOrgUnitRepository(trx).findByIds([...new Set(input.organisationUnitIds ?? [])]);
          if (
            units.length !== new Set(input.organisationUnitIds ?? []).size ||
            units.some((u) => !isWithin(cur.orgPath, u.path) || u.path === cur.orgPath)
          )
            throw invalid({ organisationUnitIds: 'invalid' });
          await t.deleteAwards(roundId);
          const items = [];
          for (const e of entries) {
            const g = levels.get(e.id);
            if (!g) continue;
            const grade = (['first', 'second', 'third'] as const)[g - 1] as AwardGrade;
            const id = await t.insertAward({ roundId, entryRoundId: e.id, grade });
            items.push({
              refId: id,
              title: `${e.entrants.join('、')}《${e.title}》`,
              subtitle: `${e.schoolName} · ${gradeLabel(grade)}`,
              scorecard: e.scorecard ?? undefined,
            });
          }
          for (const u of units) {
            const id = await t.insertAward({ roundId, orgUnitId: u.id, grade: 'organisation' });
            items.push({ refId: id, title: u.name, subtitle: gradeLabel('organisation'), scorecard: undefined });
          }
          if (items.length === 0) throw new AppError('COMPETITION_NO_AWARDS');
          const pub = await publishList(trx, actor, {
            kind: 'competition_round',
            sourceId: roundId,
            provinceId: cur.provinceId,
            orgUnitId: cur.orgUnitId,
            orgPath: cur.orgPath,
            scopePath: cur.orgPath,
            title: `${c.title}（${cur.orgUnitName}${levelLabel(cur.level)}评审）获奖名单`,
            body: null,
            startsOn: input.startsOn,
            endsOn: input.endsOn,
            items,
          });
          await t.setRoundStatus(roundId, 'published');
          meta.details = { publicityId: pub.id, awards: items.length };
          return { publicityId: pub.id, awards: items.length };
        },
      );
    },

    /** The judge's queue: blind, nothing about entrants or units. */
    async queue(ctx: RequestContext, q: { page: number; pageSize: number; roundId?: number }) {
      const actor = requireActor(ctx);
      const [page, leads] = await Promise.all([
        repo.queue(actor.userId, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize, roundId: q.roundId }),
        repo.ledPanels(actor.userId),
      ]);
      return { ...page, leads };
    },

    async judgeEntry(ctx: RequestContext, entryRoundId: number) {
      const { actor, er, r, c, e } = await entryForJudge(ctx, entryRoundId, 'judging.read');
      const s = await repo.score(r.id, er.entryId, actor.userId);
      return {
        entry: await blindEntry(er, e),
        competition: { title: c.title, kind: c.kind, level: r.level, status: r.status },
        rubric: c.rubric,
        score: s
          ? {
              items: s.items,
              comment: s.comment,
              status: s.status,
              total: s.total,
              recuseReason: s.recuseReason,
              rescoreRequested: s.rescoreRequested,
            }
          : null,
      };
    },

    async judgeFile(ctx: RequestContext, entryRoundId: number, n: number) {
      const { er } = await entryForJudge(ctx, entryRoundId, 'judging.read_file');
      const files = await repo.files(er.entryId);
      const f = files[n - 1];
      if (!f) throw new AppError('NOT_FOUND');
      const p = storedPath(fileDir, f.sha256);
      if (!fs.existsSync(p)) throw new AppError('NOT_FOUND');
      return { path: p, mime: f.mime, label: `附件${n}${path.extname(f.fileName).toLowerCase()}` };
    },

    async score(
      ctx: RequestContext,
      entryRoundId: number,
      input: { items: Record<string, number>; comment?: string | null; submit: boolean },
    ) {
      const action = input.submit ? 'judging.submit' : 'judging.save_draft';
      const { actor, er, r, c } = await entryForJudge(ctx, entryRoundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_entry', targetId: entryRoundId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          requireStatus((await t.round(r.id)) as RoundRow, 'judging');
          const prev = await t.score(r.id, er.entryId, actor.userId);
          if (prev?.status === 'recused') throw new AppError('COMPETITION_RECUSED');
          if (prev?.status === 'submitted')
            throw new AppError('COMPETITION_STATE', { details: { score: 'submitted' } });
          const problems = itemScoreProblems(c.rubric, input.items);
          // a draft may leave items out; a submission gives every item
          const blocking = input.submit ? problems : problems.filter((p) => !p.startsWith('missing:'));
          if (blocking.length) throw new AppError('COMPETITION_SCORE_INVALID', { details: { problems: blocking } });
          const total = input.submit ? round2(rubricTotal(c.rubric, input.items) * 1000) / 1000 : null;
          await t.upsertScore({
            roundId: r.id,
            entryId: er.entryId,
            judgeId: actor.userId,
            items: input.items,
            total,
            comment: input.comment?.trim() || null,
            status: input.submit ? 'submitted' : 'draft',
            recuseReason: null,
            rescoreRequested: input.submit ? false : (prev?.rescoreRequested ?? false),
          });
          meta.details = { roundId: r.id, submitted: input.submit, total };
          return { status: input.submit ? 'submitted' : 'draft', total };
        },
      );
    },

    /** 回避: the judge declares a conflict of interest; their score never counts, the reason is kept. */
    async recuse(ctx: RequestContext, entryRoundId: number, input: { reason: string }) {
      const action = 'judging.recuse';
      const { actor, er, r } = await entryForJudge(ctx, entryRoundId, action);
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_entry', targetId: entryRoundId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          requireStatus((await t.round(r.id)) as RoundRow, 'open', 'judging');
          if (!input.reason.trim()) throw invalid({ reason: 'required' });
          await t.upsertScore({
            roundId: r.id,
            entryId: er.entryId,
            judgeId: actor.userId,
            items: {},
            total: null,
            comment: null,
            status: 'recused',
            recuseReason: input.reason.trim(),
          });
          meta.details = { roundId: r.id, reason: input.reason.trim() };
          return { status: 'recused' as const };
        },
      );
    },

    /** The panel lead's view: entries flagged for disagreement, with anonymous seats' totals. */
    async panelReview(ctx: RequestContext, panelId: number) {
      const actor = requireActor(ctx);
      const p = await repo.panel(panelId);
      if (!p || p.leadUserId !== actor.userId)
        return auditRefusal(
          db,
          ctx,
          { action: 'judging.panel', targetType: 'competition_panel', targetId: panelId },
          notFoundDenied(),
        );
      const r = (await repo.round(p.roundId)) as RoundRow;
      const c = (await repo.find(r.competitionId)) as CompetitionRow;
      const judges = await repo.judgesOf(panelId);
      const seat = new Map(judges.map((j) => [j.userId, j.seat]));
      const rows = (
        await db
          .selectFrom('competition_entry_round as er')
          .innerJoin('competition_entry as e', 'e.id', 'er.entry_id')
          .select(['er.id', 'er.entry_id', 'e.blind_code', 'er.disagreement', 'er.final_score'])
          .where('er.panel_id', '=', panelId)
          .where('e.status', '=', 'submitted')
          .orderBy('er.id')
          .execute()
      ).map((x) => ({
        id: Number(x.id),
        entryId: Number(x.entry_id),
        blindCode: x.blind_code,
        disagreement: x.disagreement,
        final: x.final_score === null ? null : Number(x.final_score),
      }));
      const out = [];
      for (const x of rows) {
        const scores = await repo.entryScores(r.id, x.entryId);
        const totals = scores.filter((s) => s.status === 'submitted' && s.total !== null).map((s) => s.total as number);
        const spread = totals.length >= 2 ? Math.max(...totals) - Math.min(...totals) : 0;
        out.push({
          entryRoundId: x.id,
          blindCode: x.blindCode,
          flagged: x.disagreement || spread > c.spreadThreshold,
          spread: round2(spread),
          scores: scores
            .map((s) => ({
              seat: seat.get(s.judgeId) ?? 0,
              status: s.status,
              total: s.total,
              rescoreRequested: s.rescoreRequested,
            }))
            .sort((a, b) => a.seat - b.seat),
        });
      }
      return {
        panel: { id: p.id, name: p.name, competition: c.title, level: r.level, status: r.status },
        threshold: c.spreadThreshold,
        entries: out,
      };
    },

    /** The panel lead asks judges (by seat) to score an entry again. */
    async requestRescore(ctx: RequestContext, panelId: number, input: { entryRoundId: number; seats: number[] }) {
      const action = 'judging.request_rescore';
      const actor = requireActor(ctx);
      const p = await repo.panel(panelId);
      if (!p || p.leadUserId !== actor.userId)
        return auditRefusal(db, ctx, { action, targetType: 'competition_panel', targetId: panelId }, notFoundDenied());
      const r = (await repo.round(p.roundId)) as RoundRow;
      return auditedWrite(
        db,
        ctx,
        { action, targetType: 'competition_panel', targetId: panelId, targetPath: r.orgPath },
        async (trx, meta) => {
          const t = createCompetitionRepository(trx);
          requireStatus((await t.round(r.id)) as RoundRow, 'judging', 'scored');
          const er = await t.entryRound(input.entryRoundId);
          if (!er || er.panelId !== panelId) throw invalid({ entryRoundId: 'invalid' });
          const judges = (await t.judgesOf(panelId)).filter((j) => input.seats.includes(j.seat)).map((j) => j.userId);
          const n = await t.requestRescore(r.id, er.entryId, judges);
          if (n === 0) throw invalid({ seats: 'none_submitted' });
          // the round goes back to judging until the new scores are in
          await t.setRoundStatus(r.id, 'judging');
          await notify(trx, {
            to: { users: judges },
            kind: 'competition_rescore',
            params: { panel: p.name },
            link: `/judging/${er.id}`,
            senderId: actor.userId,
          });
          meta.details = { entryRoundId: er.id, seats: input.seats, judges: n };
          return { requested: n };
        },
      );
    },

    /** The results of a round as an .xlsx sheet (organiser's admins). */
    async resultsXlsx(ctx: RequestContext, roundId: number) {
      const action = 'competition.export_results';
      const { r, c } = await managedRound(ctx, roundId, action);
      const rows = await repo.entryRounds(roundId);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('评审结果');
      ws.columns = [
        { header: '名次', key: 'rank', width: 6 },
        { header: '作品编号', key: 'code', width: 12 },
        { header: '作品', key: 'title', width: 36 },
        { header: '类别', key: 'category', width: 14 },
        { header: '作者', key: 'entrants', width: 20 },
        { header: '学校', key: 'school', width: 26 },
        { header: '名额单位', key: 'unit', width: 20 },
        { header: '最后得分', key: 'final', width: 10 },
        { header: '原始平均', key: 'raw', width: 10 },
        { header: '评委分', key: 'scores', width: 40 },
        { header: '分歧较大', key: 'flag', width: 10 },
        { header: '奖项', key: 'award', width: 10 },
        { header: '晋级', key: 'advanced', width: 8 },
      ];
      for (const e of rows) {
        const card = e.scorecard as { raw?: { label: string; value: number; dropped?: string | null }[] } | null;
        ws.addRow({
          rank: e.rank ?? '',
          code: e.blindCode,
          title: neutraliseCell(e.title),
          category: neutraliseCell(e.category ?? ''),
          entrants: neutraliseCell(e.entrants.join('、')),
          school: neutraliseCell(e.schoolName),
          unit: neutraliseCell(e.quotaUnitName),
          final: e.finalScore ?? '',
          raw: e.rawMean ?? '',
          scores: (card?.raw ?? [])
            .map((x) => `${x.label} ${x.value}${x.dropped ? (x.dropped === 'high' ? '（去高）' : '（去低）') : ''}`)
            .join('；'),
          flag: e.disagreement ? '是' : '',
          award: e.award ? gradeLabel(e.award) : '',
          advanced: e.advanced ? '是' : '',
        });
      }
      ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        { action, targetType: 'competition_round', targetId: roundId, targetPath: r.orgPath, targetLabel: c.title },
        'success',
      );
      return { buffer, title: `${c.title}-${r.orgUnitName}` };
    },

    /** The honours of a round once finalised (for the certificates). */
    async honours(ctx: RequestContext, roundId: number) {
      const { r } = await managedRound(ctx, roundId, 'competition.honours');
      return repo.honoursOfRound(r.id);
    },

    /** What a certificate of a competition honour prints; the teacher themself or admins over the honour's unit. */
    async certificateData(ctx: RequestContext, honourId: number) {
      const action = 'competition.certificate';
      const actor = requireActor(ctx);
      const h = await repo.honour(honourId);
      const own = h?.teacherId != null && (await repo.teacherOfUser(actor.userId)) === h.teacherId;
      const admin = h && isAdmin(actor.role) && isWithin(actor.orgPath, h.orgPath);
      if (h?.sourceKind !== 'competition' || h.provinceId !== actor.provinceId || (!own && !admin))
        return auditRefusal(db, ctx, { action, targetType: 'honour', targetId: honourId }, notFoundDenied());
      if (h.revoked) throw new AppError('COMPETITION_STATE', { details: { honour: 'revoked' } });
      await appendAudit(
        db,
        ctx,
        { action, targetType: 'honour', targetId: honourId, targetPath: h.orgPath, targetLabel: h.title },
        'success',
      );
      return h;
    },
  };

  // the public notice's finalising records the honours of the lines kept
  registerPublicityKind('competition_round', {
    async finalise(trx, { actor, sourceId }, outcome) {
      const t = createCompetitionRepository(trx);
      const r = await t.round(sourceId);
      if (!r) return;
      const c = (await t.find(r.competitionId)) as CompetitionRow;
      const awards = await t.awards(r.id);
      const kept = new Set(outcome.kept);
      await t.setAwardOutcome(outcome.kept, 'kept');
      await t.setAwardOutcome(outcome.removed, 'removed');
      const entries = new Map((await t.entryRounds(r.id)).map((e) => [e.id, e]));
      const day = today(env);
      for (const a of awards) {
        if (!kept.has(a.id)) continue;
        const title = `${c.title}（${r.orgUnitName}）${gradeLabel(a.grade)}`;
        if (a.grade === 'organisation' && a.orgUnitId && a.unitPath && a.unitName) {
          const h = await recordHonour(trx, {
            provinceId: r.provinceId,
            kind: 'organisation_award',
            orgUnitId: a.orgUnitId,
            orgPath: a.unitPath,
            recipientName: a.unitName,
            awardedByUnitId: r.orgUnitId,
            awardedByPath: r.orgPath,
            title,
            grade: 'organisation',
            year: c.year,
            source: { kind: 'competition', id: c.id },
            awardedOn: day,
            createdBy: actor.userId,
          });
          await t.linkHonour(a.id, h.id);
          continue;
        }
        const e = a.entryRoundId ? entries.get(a.entryRoundId) : undefined;
        if (!e) continue;
        await t.setEntryAward(e.id, a.grade as AwardGrade);
        for (const teacher of await t.teachers(e.entrantIds)) {
          const h = await recordHonour(trx, {
            provinceId: r.provinceId,
            kind: 'competition_award',
            teacherId: teacher.id,
            orgUnitId: teacher.orgUnitId,
            orgPath: teacher.orgPath,
            recipientName: teacher.name,
            awardedByUnitId: r.orgUnitId,
            awardedByPath: r.orgPath,
            title,
            grade: a.grade as AwardGrade,
            year: c.year,
            source: { kind: 'competition', id: c.id },
            awardedOn: day,
            createdBy: actor.userId,
          });
          await t.linkHonour(a.id, h.id);
        }
      }
      await t.setRoundStatus(r.id, 'finalised');
    },
    async withdrawn(trx, { sourceId }) {
      const t = createCompetitionRepository(trx);
      await t.deleteAwards(sourceId);
      await t.setRoundStatus(sourceId, 'scored');
    },
  });

  // the teacher's archive lists their entries through the rounds
  registerArchiveSection('competitions', async (adb, { teacherId, locale }) => {
    const rows = await createCompetitionRepository(adb).teacherResults(teacherId);
    if (rows.length === 0) return null;
    const en = locale === 'en';
    return {
      key: 'competitions',
      order: 70,
      title: en ? 'Competitions' : '评比与比赛',
      columns: en
        ? ['Year', 'Competition', 'Entry', 'Round', 'Score', 'Rank', 'Award']
        : ['年度', '评比', '参评作品', '评审轮次', '得分', '名次', '奖项'],
      rows: rows.map((x) => [
        x.year,
        x.competition,
        x.title,
        `${x.organiser} ${levelLabel(x.level, locale)}`,
        x.finalScore,
        x.rank,
        x.award ? gradeLabel(x.award, locale) : '',
      ]),
      note: en ? 'Scores and ranks as aggregated by each round.' : '得分与名次为各轮评审汇总的结果。',
    };
  });

  return service;
}

export type CompetitionService = ReturnType<typeof createCompetitionService>;

/** The year a competition is created for by default. */
export const defaultCompetitionYear = (env: Parameters<typeof currentYear>[0]) => currentYear(env);
