import { today } from '../config/env.js';
import { compareRules, type LrsRuleDef, validateRuleDef } from '../domain/lrs-rule.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { kickJobs } from '../jobs/job-runner.js';
import { can } from '../policies/access.policy.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createLrsMappingRepository, type LrsRuleRow } from '../repositories/lrs-mapping.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { rulesOf } from './credit-summary.js';
import { cycleLookup, decide, queueMapping, refuseLockedYears, registerLrsMapping } from './lrs-mapping.js';
import { requireAdminAction, requireAdminAtUnit, requireRegistryRole } from './registry-access.js';

export interface LrsRuleInput {
  name: string;
  enabled: boolean;
  priority: number;
  definition: LrsRuleDef;
}

export interface LrsRuleView extends LrsRuleRow {
  credited: { statements: number; hours: number };
}

export interface PreviewLine {
  statementId: string;
  seq: number;
  teacherId: number;
  teacherName: string;
  platform: string;
  verbId: string;
  activity: string | null;
  timestamp: string;
  hours: number;
  title: string;
  /** credited: it would be posted; refused: the ledger would refuse it (why); credited_other: another rule has it */
  outcome: 'credit' | 'refused' | 'credited_other' | 'other_rule';
  reason: string | null;
}

export interface PreviewResult {
  lines: PreviewLine[];
  totals: {
    /** statements the draft's conditions match */
    matched: number;
    /** of those, the ones it would credit, and their hours */
    credit: number;
    hours: number;
    /** credited already (by another rule, or by this rule before the change) */
    creditedOther: number;
    /** a rule that comes first takes them */
    otherRule: number;
    refused: number;
  };
  /** statements read; the preview stops reading at PREVIEW_MAX_SCAN */
  scanned: number;
  capped: boolean;
}

export const PREVIEW_MAX_SCAN = 200_000;

/**
 * Mapping rules of the LRS (county and higher admins, for the statements of their subtree), with a
 * preview over the stored statements before a rule is saved. Saving, changing or enabling a rule
 * makes the mapping job read the province's statements again from the start (statements already
 * recorded are skipped), so a new rule also credits what was stored before it.
 */
export function createLrsRuleService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createLrsMappingRepository(db);
  registerLrsMapping(deps);

  async function categoriesOf(provinceId: number): Promise<Set<string>> {
    const out = new Set<string>();
    for (const c of await createCreditLedgerRepository(db).cycles(provinceId))
      for (const cat of (await rulesOf(db, c)).categories) out.add(cat.code);
    return out;
  }

  async function check(provinceId: number, input: LrsRuleInput): Promise<void> {
    const problems = validateRuleDef(input.definition, await categoriesOf(provinceId));
    if (problems.length)
      throw new AppError('LRS_RULE_INVALID', { params: { reason: problems[0]!.path }, details: { problems } });
  }

  async function readable(ctx: RequestContext, id: number, action: string): Promise<LrsRuleRow> {
    // trainers and teachers are refused before anything is looked up
    const actor = await requireRegistryRole(db, ctx, action);
    const r = await repo.rule(id);
    if (!r || r.provinceId !== actor.provinceId || !can(actor, 'org.read', { path: r.orgPath }))
      return auditRefusal(db, ctx, { action, targetType: 'lrs_rule', targetId: id }, notFoundDenied());
    await requireAdminAction(db, ctx, action, 'lrs.manage', { path: r.orgPath, type: 'lrs_rule', id, label: r.name });
    return r;
  }

  /** After a rule changed: the province's statements are read again from the start. */
  async function remap(trx: typeof db, provinceId: number): Promise<void> {
    await trx
      .insertInto('lrs_mapping_state')
      .values({ province_id: provinceId, watermark: 0 })
      .onConflict((oc) => oc.column('province_id').doUpdateSet({ watermark: 0 }))
      .execute();
    await queueMapping(trx, provinceId);
  }

  return {
    async list(ctx: RequestContext, q: { orgUnitId?: number }): Promise<LrsRuleView[]> {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(db, ctx, q.orgUnitId ?? actor.orgUnitId, 'lrs.rule.list', 'lrs.manage');
      // the rules of the unit and below, and those of the units above it that apply to it too
      const all = await repo.rulesOfProvince(actor.provinceId);
      const rules = all
        .filter((r) => r.orgPath.startsWith(unit.path) || unit.path.startsWith(r.orgPath))
        .sort(compareRules);
      const totals = await repo.creditTotals(rules.map((r) => r.id));
      return rules.map((r) => ({ ...r, credited: totals.get(r.id) ?? { statements: 0, hours: 0 } }));
    },

    async get(ctx: RequestContext, id: number): Promise<LrsRuleView> {
      const r = await readable(ctx, id, 'lrs.rule.read');
      const totals = await repo.creditTotals([id]);
      return { ...r, credited: totals.get(id) ?? { statements: 0, hours: 0 } };
    },

    async create(ctx: RequestContext, orgUnitId: number | undefined, input: LrsRuleInput): Promise<LrsRuleView> {
      const actor = requireActor(ctx);
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId ?? actor.orgUnitId, 'lrs.rule.create', 'lrs.manage');
      await check(actor.provinceId, input);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'lrs.rule.create',
          targetType: 'lrs_rule',
          targetPath: unit.path,
          targetLabel: input.name,
          details: { definition: input.definition, enabled: input.enabled, priority: input.priority },
        },
        async (trx, meta) => {
          const id = await createLrsMappingRepository(trx).insertRule({
            provinceId: actor.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            ...input,
            by: actor.userId,
          });
          meta.targetId = id;
          if (input.enabled) await remap(trx, actor.provinceId);
          return id;
        },
      );
      kickJobs();
      return { ...(await repo.rule(id))!, credited: { statements: 0, hours: 0 } };
    },

    async update(ctx: RequestContext, id: number, input: Partial<LrsRuleInput>): Promise<LrsRuleView> {
      const actor = requireActor(ctx);
      const r = await readable(ctx, id, 'lrs.rule.update');
      if (input.definition) await check(actor.provinceId, { ...r, ...input, definition: input.definition });
      await auditedWrite(
        db,
        ctx,
        {
          action:
            input.enabled !== undefined && Object.keys(input).length === 1 ? 'lrs.rule.enable' : 'lrs.rule.update',
          targetType: 'lrs_rule',
          targetId: id,
          targetPath: r.orgPath,
          targetLabel: r.name,
          details: { ...input },
        },
        async (trx) => {
          const m = createLrsMappingRepository(trx);
          await m.lockRule(id);
          await m.updateRule(id, { ...input, by: actor.userId });
          if (input.enabled ?? r.enabled) await remap(trx, actor.provinceId);
        },
      );
      kickJobs();
      const totals = await repo.creditTotals([id]);
      return { ...(await repo.rule(id))!, credited: totals.get(id) ?? { statements: 0, hours: 0 } };
    },

    /**
     * What a draft rule would do to the stored statements of its unit's subtree, exactly as the
     * mapping would post it: the statements it would credit (with hours), those another rule has
     * or would take first, and those the ledger would refuse. A page of lines and the totals.
     */
    async preview(
      ctx: RequestContext,
      draft: { orgUnitId?: number; ruleId?: number; priority: number; definition: LrsRuleDef },
      page: { offset: number; limit: number },
    ): Promise<PreviewResult> {
      const actor = requireActor(ctx);
      let unitPath: string;
      let unitId: number;
      if (draft.ruleId !== undefined) {
        const r = await readable(ctx, draft.ruleId, 'lrs.rule.preview');
        unitPath = r.orgPath;
        unitId = r.orgUnitId;
      } else {
        const u = await requireAdminAtUnit(
          db,
          ctx,
          draft.orgUnitId ?? actor.orgUnitId,
          'lrs.rule.preview',
          'lrs.manage',
        );
        unitPath = u.path;
        unitId = u.id;
      }
      await check(actor.provinceId, {
        name: 'preview',
        enabled: true,
        priority: draft.priority,
        definition: draft.definition,
      });
      const draftRule: LrsRuleRow = {
        id: draft.ruleId ?? Number.MAX_SAFE_INTEGER,
        provinceId: actor.provinceId,
        orgUnitId: unitId,
        orgUnitName: '',
        orgPath: unitPath,
        name: '',
        enabled: true,
        priority: draft.priority,
        definition: draft.definition,
        version: 0,
        createdBy: actor.userId,
        createdAt: new Date(),
        updatedAt: new Date(),
      };
      const others = (await repo.rulesOfProvince(actor.provinceId)).filter((r) => r.enabled && r.id !== draft.ruleId);
      const cycles = cycleLookup(db);
      const lines: PreviewLine[] = [];
      const totals: PreviewResult['totals'] = {
        matched: 0,
        credit: 0,
        hours: 0,
        creditedOther: 0,
        otherRule: 0,
        refused: 0,
      };
      const names = new Map<number, string>();
      let after: { stored: Date; seq: number } | null = null;
      let scanned = 0;
      let capped = false;
      for (;;) {
        const rows = await repo.matchedWithVerb(actor.provinceId, unitPath, draft.definition.verbId, after, 5_000);
        if (rows.length === 0) break;
        const last = rows[rows.length - 1]!;
        after = { stored: last.stored, seq: last.seq };
        scanned += rows.length;
        const mine = await decide(rows, [draftRule], { provinceId: actor.provinceId, today: today(env), cycles });
        if (mine.length) {
          const recorded = await repo.creditsOf(
            actor.provinceId,
            mine.map((d) => d.statement.id),
          );
          const withOthers = await decide(
            mine.map((d) => d.statement),
            [...others, draftRule],
            { provinceId: actor.provinceId, today: today(env), cycles },
          );
          const winner = new Map(withOthers.map((d) => [d.statement.id, d]));
          // the ledger's year locks, as posting checks them
          const facts = await createCreditLedgerRepository(db).teacherFacts([
            ...new Set(mine.map((d) => d.statement.teacherId!)),
          ]);
          const school = new Map(facts.map((t) => [t.id, t.orgUnitId]));
          for (const t of facts) names.set(t.id, t.name);
          await refuseLockedYears(db, mine, (d) => school.get(d.statement.teacherId!));
          for (const d of mine) {
            const rec = recorded.get(d.statement.id);
            const w = winner.get(d.statement.id);
            // a statement recorded before is not tried again: credited, or refused with its reason
            if (rec?.refused) d.refused = rec.refused as typeof d.refused;
            const outcome: PreviewLine['outcome'] = rec
              ? rec.refused
                ? 'refused'
                : 'credited_other'
              : w && w.rule.id !== draftRule.id
                ? 'other_rule'
                : d.refused
                  ? 'refused'
                  : 'credit';
            totals.matched++;
            if (outcome === 'credit') {
              totals.credit++;
              totals.hours += d.hours;
            } else if (outcome === 'credited_other') totals.creditedOther++;
            else if (outcome === 'other_rule') totals.otherRule++;
            else totals.refused++;
            if (totals.matched > page.offset && lines.length < page.limit)
              lines.push({
                statementId: d.statement.id,
                seq: d.statement.seq,
                teacherId: d.statement.teacherId!,
                teacherName: names.get(d.statement.teacherId!) ?? '',
                platform: d.platform,
                verbId: d.facts.verbId,
                activity: d.facts.activityName ?? d.facts.objectId,
                timestamp: d.facts.timestamp.toISOString(),
                hours: d.hours,
                title: d.title,
                outcome,
                reason: outcome === 'refused' ? d.refused : null,
              });
          }
        }
        if (scanned >= PREVIEW_MAX_SCAN) {
          capped = true;
          break;
        }
      }
      return { lines, totals, scanned, capped };
    },
  };
}

export type LrsRuleService = ReturnType<typeof createLrsRuleService>;
