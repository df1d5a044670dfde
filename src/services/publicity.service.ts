import type { Env } from '../config/env.js';
import { chinaDay, today } from '../config/env.js';
import { isAdmin, isWithin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import {
  createPublicityRepository,
  type ObjectionRow,
  type PublicityItemRow,
  type PublicityRow,
  type PublicityStatus,
} from '../repositories/publicity.repository.js';
import type { Locale } from '../i18n/messages.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import type { FormDocument } from './print-forms/form-document.js';
import { renderFormPdf } from './print-forms/form-pdf.js';
import { renderFormXlsx } from './print-forms/form-xlsx.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { notify } from './notify.js';
import { type PublicityKind, publicityHook } from './publicity.js';

/** Where a list's period stands: before its first day, during it, or after its last. */
export type PublicityPhase = 'upcoming' | 'running' | 'ended';

/**
 * The moment the period is measured against: now, or noon of PEIXUN_TODAY when the product runs on
 * a set day (demonstrations, tests), so a period "passes" by changing the day.
 */
export function publicityNow(env: Pick<Env, 'PEIXUN_TODAY'>): Date {
  return env.PEIXUN_TODAY ? new Date(`${env.PEIXUN_TODAY}T12:00:00+08:00`) : new Date();
}

export function phaseOf(p: { startsAt: Date; endsAt: Date }, now: Date): PublicityPhase {
  if (now.getTime() < p.startsAt.getTime()) return 'upcoming';
  return now.getTime() < p.endsAt.getTime() ? 'running' : 'ended';
}

export interface PublicityListView extends PublicityRow {
  phase: PublicityPhase;
  startsOn: string;
  endsOn: string;
  /** the reader is one of the organiser's admins: answers objections, finalises, withdraws */
  manage: boolean;
  /** the reader's unit lies under the scope: may object while the period runs */
  inScope: boolean;
}

export interface PublicityItemView extends PublicityItemRow {
  /** an upheld objection removes the line (its outcome says so once the list is final) */
  removed: boolean;
  /** open objections to the line (the organiser's admins see them; others see their own only) */
  openObjections: number;
}

export interface PublicityView {
  list: PublicityListView;
  items: PublicityItemView[];
  /** all of them for the organiser's admins; a reader's own otherwise */
  objections: ObjectionRow[];
  /** the list may be finalised now: period over, nothing open */
  canFinalise: boolean;
  canObject: boolean;
}

/** A line's published figures (services/publicity.ts documents the shape the programmes publish). */
export interface Scorecard {
  raw?: Array<{ label: string; value: number | null; dropped?: 'high' | 'low' | null }>;
  normalised?: number | null;
  normalisationNote?: string | null;
  final?: number | null;
  rank?: number | null;
  lines?: string[];
}

const DOC_WORDS = {
  'zh-CN': {
    title: (t: string) => `${t}（公示名单）`,
    period: '公示期',
    organiser: '组织单位',
    scope: '公示范围',
    status: '状态',
    statuses: { open: '公示中', finalised: '已定稿', withdrawn: '已撤回' },
    no: '序号',
    name: '名称',
    detail: '单位 / 说明',
    figures: '评分与依据',
    final: '最终得分',
    rank: '名次',
    outcome: '结果',
    kept: '保留',
    removed: '异议成立，移出',
    high: '去掉最高',
    low: '去掉最低',
    normalised: '标准化',
    summary: (n: number, removed: number) => `共 ${n} 条${removed ? `，其中 ${removed} 条因异议成立移出` : ''}`,
    sep: '；',
    to: ' 至 ',
  },
  en: {
    title: (t: string) => `${t} (public notice)`,
    period: 'Notice period',
    organiser: 'Organiser',
    scope: 'Units concerned',
    status: 'Status',
    statuses: { open: 'Under notice', finalised: 'Final', withdrawn: 'Withdrawn' },
    no: 'No.',
    name: 'Name',
    detail: 'Unit / details',
    figures: 'Scores and grounds',
    final: 'Final score',
    rank: 'Rank',
    outcome: 'Outcome',
    kept: 'Kept',
    removed: 'Removed (objection upheld)',
    high: 'highest dropped',
    low: 'lowest dropped',
    normalised: 'normalised',
    summary: (n: number, removed: number) =>
      `${n} lines${removed ? `; ${removed} removed after an objection was upheld` : ''}`,
    sep: '; ',
    to: ' to ',
  },
} as const;

/** A scorecard in one line of text, as the printed list shows it. */
export function scorecardText(sc: Scorecard | null, locale: Locale): string {
  if (!sc) return '';
  const w = DOC_WORDS[locale];
  const parts: string[] = [];
  if (sc.raw?.length)
    parts.push(
      sc.raw
        .map((r) => `${r.label} ${r.value ?? '—'}${r.dropped ? `（${r.dropped === 'high' ? w.high : w.low}）` : ''}`)
        .join(locale === 'zh-CN' ? '、' : ', '),
    );
  if (sc.normalised !== undefined && sc.normalised !== null) parts.push(`${w.normalised} ${sc.normalised}`);
  if (sc.normalisationNote) parts.push(sc.normalisationNote);
  if (sc.lines?.length) parts.push(...sc.lines);
  return parts.join(w.sep);
}

const READER_STATUSES: readonly PublicityStatus[] = ['open', 'finalised'];

/**
 * The public notice (公示): lists published by the programmes (services/publicity.ts `publishList`) are
 * read by anyone whose unit lies under the list's scope (teachers too) and by the administrators of
 * the organiser's subtree; anyone in scope objects to one line while the period runs; the organiser's
 * admins answer (upheld removes the line), finalise once the period is over and nothing is open (the
 * programme's hook makes its list final in the same transaction), or withdraw with a reason.
 */
export function createPublicityService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createPublicityRepository(db);

  const inScope = (actor: Actor, p: PublicityRow) => isWithin(p.scopePath, actor.orgPath);
  const manages = (actor: Actor, p: PublicityRow) => isAdmin(actor.role) && isWithin(actor.orgPath, p.orgPath);
  const reads = (actor: Actor, p: PublicityRow) =>
    p.provinceId === actor.provinceId &&
    (manages(actor, p) || (inScope(actor, p) && READER_STATUSES.includes(p.status)));

  function view(actor: Actor, p: PublicityRow): PublicityListView {
    return {
      ...p,
      phase: phaseOf(p, publicityNow(env)),
      startsOn: chinaDay(p.startsAt),
      endsOn: chinaDay(new Date(p.endsAt.getTime() - 1)),
      manage: manages(actor, p),
      inScope: inScope(actor, p),
    };
  }

  /** The list as `actor` may see it: "not found" when out of reach, "forbidden" when `need` is not met. */
  async function readable(
    ctx: RequestContext,
    id: number,
    action: string,
    need: 'read' | 'manage' | 'object' = 'read',
  ): Promise<PublicityRow> {
    const actor = requireActor(ctx);
    const p = await repo.find(id);
    if (!p || !reads(actor, p))
      return auditRefusal(db, ctx, { action, targetType: 'publicity', targetId: id }, notFoundDenied());
    const ok = need === 'read' || (need === 'manage' ? manages(actor, p) : inScope(actor, p));
    if (!ok)
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'publicity', targetId: id, targetPath: p.orgPath, targetLabel: p.title },
        new AppError('FORBIDDEN'),
      );
    return p;
  }

  async function detail(actor: Actor, p: PublicityRow): Promise<PublicityView> {
    const list = view(actor, p);
    const [items, all, removed] = await Promise.all([repo.items(p.id), repo.objections(p.id), repo.removedItems(p.id)]);
    const open = new Map<number, number>();
    for (const o of all) if (o.status === 'open') open.set(o.itemId, (open.get(o.itemId) ?? 0) + 1);
    return {
      list,
      items: items.map((it) => ({
        ...it,
        removed: it.outcome ? it.outcome === 'removed' : removed.has(it.id),
        openObjections: list.manage ? (open.get(it.id) ?? 0) : 0,
      })),
      objections: list.manage ? all : all.filter((o) => o.authorId === actor.userId),
      canFinalise: list.manage && p.status === 'open' && list.phase === 'ended' && p.openObjections === 0,
      canObject: list.inScope && p.status === 'open' && list.phase === 'running',
    };
  }

  return {
    /** The lists the actor reads, newest first; `status` 'all' includes withdrawn ones (the organiser's). */
    async list(
      ctx: RequestContext,
      q: { status?: PublicityStatus | 'all'; kind?: PublicityKind; page: number; pageSize: number },
    ): Promise<{ items: PublicityListView[]; total: number }> {
      const actor = requireActor(ctx);
      const statuses: readonly PublicityStatus[] =
        q.status === undefined || q.status === 'all' ? ['open', 'finalised', 'withdrawn'] : [q.status];
      const { rows, total } = await repo.readable({
        provinceId: actor.provinceId,
        actorPath: actor.orgPath,
        admin: isAdmin(actor.role),
        statuses,
        kind: q.kind,
        offset: (q.page - 1) * q.pageSize,
        limit: q.pageSize,
      });
      // a withdrawn list is the organiser's business only
      const visible = rows.filter((p) => reads(actor, p));
      return { items: visible.map((p) => view(actor, p)), total: total - (rows.length - visible.length) };
    },

    async get(ctx: RequestContext, id: number): Promise<PublicityView> {
      const actor = requireActor(ctx);
      return detail(actor, await readable(ctx, id, 'publicity.read'));
    },

    /** Lodges an objection (异议) to one line, under the actor's name, while the period runs. */
    async object(
      ctx: RequestContext,
      id: number,
      input: { itemId: number; step: string | null; body: string },
    ): Promise<PublicityView> {
      const actor = requireActor(ctx);
      const p = await readable(ctx, id, 'publicity.object', 'object');
      const item = (await repo.items(id)).find((it) => it.id === input.itemId);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'publicity.object',
          targetType: 'publicity',
          targetId: id,
          targetPath: p.orgPath,
          targetLabel: p.title,
          details: { itemId: input.itemId, item: item?.title ?? null, step: input.step },
        },
        async (trx, meta) => {
          const r = createPublicityRepository(trx);
          if ((await r.lock(id)) !== 'open') throw new AppError('PUBLICITY_CLOSED');
          const phase = phaseOf(p, publicityNow(env));
          if (phase !== 'running') throw new AppError('PUBLICITY_NOT_RUNNING', { details: { phase } });
          if (!item)
            throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'itemId', kind: 'invalid' }] } });
          if ((await r.removedItems(id)).has(item.id)) throw new AppError('PUBLICITY_ITEM_REMOVED');
          const mine = await r.objections(id, actor.userId);
          if (mine.some((o) => o.itemId === item.id && o.status === 'open'))
            throw new AppError('PUBLICITY_ALREADY_OBJECTED');
          const objectionId = await r.insertObjection({
            provinceId: p.provinceId,
            publicityId: id,
            itemId: item.id,
            authorId: actor.userId,
            authorPath: actor.orgPath,
            step: input.step,
            body: input.body,
          });
          meta.details = { ...meta.details, objectionId };
          await notify(trx, {
            to: { adminsAt: [p.orgUnitId] },
            kind: 'publicity_objection',
            params: { title: p.title, item: item.title },
            link: `/publicity/${id}`,
            senderId: actor.userId,
          });
        },
      );
      return detail(actor, (await repo.find(id))!);
    },

    /** The organiser's answer to an objection: upheld removes its line from the list, dismissed keeps it. */
    async answer(
      ctx: RequestContext,
      objectionId: number,
      input: { decision: 'upheld' | 'dismissed'; answer: string },
    ): Promise<PublicityView> {
      const actor = requireActor(ctx);
      const o = await repo.objection(objectionId);
      if (!o)
        return auditRefusal(
          db,
          ctx,
          { action: 'publicity.answer', targetType: 'publicity_objection', targetId: objectionId },
          notFoundDenied(),
        );
      const p = await readable(ctx, o.publicityId, 'publicity.answer', 'manage');
      const item = (await repo.items(p.id)).find((it) => it.id === o.itemId);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'publicity.answer',
          targetType: 'publicity',
          targetId: p.id,
          targetPath: p.orgPath,
          targetLabel: p.title,
          details: { objectionId, itemId: o.itemId, item: item?.title ?? null, decision: input.decision },
        },
        async (trx) => {
          const r = createPublicityRepository(trx);
          if ((await r.lock(p.id)) !== 'open') throw new AppError('PUBLICITY_CLOSED');
          if (!(await r.answer(objectionId, { status: input.decision, answer: input.answer, by: actor.userId })))
            throw new AppError('PUBLICITY_ANSWERED');
          await notify(trx, {
            to: { users: [o.authorId] },
            kind: 'publicity_answered',
            params: { title: p.title, item: item?.title ?? '', decision: input.decision },
            link: `/publicity/${p.id}`,
            senderId: actor.userId,
          });
        },
      );
      return detail(actor, (await repo.find(p.id))!);
    },

    /**
     * Makes the list final once its period is over and no objection is open: every line is kept or
     * removed (by an upheld objection), and the programme's hook makes its own list final in the
     * same transaction.
     */
    async finalise(ctx: RequestContext, id: number): Promise<PublicityView> {
      const actor = requireActor(ctx);
      const p = await readable(ctx, id, 'publicity.finalise', 'manage');
      await auditedWrite(
        db,
        ctx,
        {
          action: 'publicity.finalise',
          targetType: 'publicity',
          targetId: id,
          targetPath: p.orgPath,
          targetLabel: p.title,
          details: { kind: p.kind, sourceId: p.sourceId },
        },
        async (trx, meta) => {
          const r = createPublicityRepository(trx);
          if ((await r.lock(id)) !== 'open') throw new AppError('PUBLICITY_CLOSED');
          if (phaseOf(p, publicityNow(env)) !== 'ended') throw new AppError('PUBLICITY_NOT_OVER');
          if ((await r.openObjectionCount(id)) > 0) throw new AppError('PUBLICITY_OBJECTIONS_OPEN');
          const items = await r.items(id);
          const removedIds = await r.removedItems(id);
          const removed = items.filter((it) => removedIds.has(it.id));
          const kept = items.filter((it) => !removedIds.has(it.id));
          await r.setOutcomes(
            id,
            removed.map((it) => it.id),
          );
          await r.finalise(id, actor.userId);
          meta.details = { ...meta.details, kept: kept.length, removed: removed.map((it) => it.title) };
          await publicityHook(p.kind)?.finalise(
            trx,
            { actor, publicityId: id, sourceId: p.sourceId },
            { kept: kept.map((it) => it.refId), removed: removed.map((it) => it.refId) },
          );
        },
      );
      return detail(actor, (await repo.find(id))!);
    },

    /** Withdraws an open list with a reason; the programme may publish again. */
    async withdraw(ctx: RequestContext, id: number, input: { reason: string }): Promise<PublicityView> {
      const actor = requireActor(ctx);
      const p = await readable(ctx, id, 'publicity.withdraw', 'manage');
      await auditedWrite(
        db,
        ctx,
        {
          action: 'publicity.withdraw',
          targetType: 'publicity',
          targetId: id,
          targetPath: p.orgPath,
          targetLabel: p.title,
          details: { kind: p.kind, sourceId: p.sourceId, reason: input.reason },
        },
        async (trx) => {
          const r = createPublicityRepository(trx);
          if ((await r.lock(id)) !== 'open') throw new AppError('PUBLICITY_CLOSED');
          await r.withdraw(id, input.reason);
          await publicityHook(p.kind)?.withdrawn?.(trx, { actor, publicityId: id, sourceId: p.sourceId });
        },
      );
      return detail(actor, (await repo.find(id))!);
    },

    /** The published list to print and seal (PDF) or to file (.xlsx): every line with its figures. */
    async document(
      ctx: RequestContext,
      id: number,
      format: 'pdf' | 'xlsx',
      locale: Locale,
    ): Promise<{ body: Buffer; title: string }> {
      const actor = requireActor(ctx);
      const p = await readable(ctx, id, 'publicity.print');
      const v = await detail(actor, p);
      const w = DOC_WORDS[locale];
      const doc: FormDocument = {
        unitName: p.orgUnitName,
        title: w.title(p.title),
        facts: [
          [w.organiser, p.orgUnitName],
          [w.scope, p.scopeName],
          [w.period, `${v.list.startsOn}${w.to}${v.list.endsOn}`],
          [w.status, w.statuses[p.status]],
        ],
        columns: [
          { header: w.no, width: 0.06, numeric: true, align: 'center' },
          { header: w.name, width: 0.14 },
          { header: w.detail, width: 0.2 },
          { header: w.figures, width: 0.34 },
          { header: w.final, width: 0.09, numeric: true, align: 'right' },
          { header: w.rank, width: 0.06, numeric: true, align: 'center' },
          { header: w.outcome, width: 0.11 },
        ],
        rows: v.items.map((it) => {
          const sc = (it.scorecard ?? null) as Scorecard | null;
          return [
            it.position,
            it.title,
            it.subtitle ?? '',
            scorecardText(sc, locale),
            sc?.final ?? null,
            sc?.rank ?? null,
            it.removed ? w.removed : p.status === 'finalised' ? w.kept : '',
          ];
        }),
        summary: w.summary(v.items.length, v.items.filter((i) => i.removed).length),
        printedOn: today(env),
        locale,
      };
      const body = format === 'pdf' ? await renderFormPdf(doc) : await renderFormXlsx(doc);
      await appendAudit(
        db,
        ctx,
        {
          action: 'publicity.print',
          targetType: 'publicity',
          targetId: id,
          targetPath: p.orgPath,
          targetLabel: p.title,
          details: { format },
        },
        'success',
      );
      return { body, title: p.title };
    },

    /** Lists whose period runs in the actor's scope (the menu's badge). */
    async running(ctx: RequestContext): Promise<number> {
      const actor = requireActor(ctx);
      return repo.runningInScope(actor.provinceId, actor.orgPath, publicityNow(env));
    },
  };
}

export type PublicityService = ReturnType<typeof createPublicityService>;
