import type { Kysely } from 'kysely';
import { currentYear, type Env, loadEnv, today } from '../config/env.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { CycleRules } from '../domain/cycle-rules.js';
import {
  chinaDate,
  evidenceRefOf,
  pickRule,
  renderTitle,
  statementFacts,
  type StatementFacts,
} from '../domain/lrs-rule.js';
import { AppError } from '../errors/app-error.js';
import { kickJobs, registerJobHandler, type JobControl } from '../jobs/job-runner.js';
import { createCreditLedgerRepository, type CycleRow } from '../repositories/credit-ledger.repository.js';
import { createCreditVerificationRepository } from '../repositories/credit-verification.repository.js';
import { createJobRepository } from '../repositories/job.repository.js';
import {
  createLrsMappingRepository,
  type CreditRow,
  type LrsRuleRow,
  type MappingStatement,
  type XapiEntry,
} from '../repositories/lrs-mapping.repository.js';
import type { ServiceDeps } from './context.js';
import { contentHash, createCreditLedgerService } from './credit-ledger.service.js';
import { rulesOf, syncTeachers } from './credit-summary.js';
import { retryConcurrent } from './pg-errors.js';

/**
 * Turns accepted xAPI statements into ledger hours by the mapping rules (domain/lrs-rule.ts).
 *
 * A job per province reads its statements in `seq` order after a watermark, in batches of
 * thousands, each batch one transaction: the rules pick the statements they credit; the ledger's
 * own checks (a cycle for the year, the per-entry limit, known categories, no future date, no
 * signed-off year) decide which are posted and which are recorded as refused with the reason
 * (never tried again); entries are written by one INSERT … SELECT FROM unnest with the idem key
 * 'xapi:<statement id>' (a retry or a second run is one entry), `lrs_credit` records what became of
 * each statement, and the touched teachers' summaries follow in the same transaction
 * (`syncTeachers`). A voiding statement takes the entry of the statement it voids back through the
 * ledger's reversal path (a request to the county in a signed-off year). Peixun's own statements
 * ('own') are never posted: the ledger has those hours from Peixun itself.
 *
 * The watermark stays behind statements stored less than a minute ago, so a statement whose
 * transaction commits after a later one's is read again on the next run (recorded statements are
 * skipped), never missed.
 */

export const LRS_MAPPING_JOB = 'lrs.mapping';
/** Statements read per batch (one transaction). */
export const MAPPING_BATCH = 10_000;
/** Statements planned together: a teacher's summary is recomputed once per window. */
export const MAPPING_WINDOW = 200_000;
/** The watermark does not pass statements stored more recently than this. */
const SETTLE_MS = 60_000;
const PEIXUN_PLATFORM = '培训平台';

export type Refusal = 'no_cycle' | 'above_limit' | 'unknown_category' | 'future_date' | 'year_locked';

/** What the rules and the ledger's checks make of one statement. */
export interface MappingDecision {
  statement: MappingStatement;
  facts: StatementFacts;
  rule: LrsRuleRow;
  hours: number;
  title: string;
  occurredOn: string;
  platform: string;
  cycle: CycleRow | null;
  refused: Refusal | null;
}

export interface MappingTotals {
  statements: number;
  credited: number;
  refused: number;
  hours: number;
  voided: number;
}

let configured: Env | undefined;
const envOf = (): Env => (configured ??= loadEnv());

/** Cycles and their rules for a run (cycles change rarely; a run is short). */
export function cycleLookup(q: Kysely<DB>) {
  const byYear = new Map<string, Promise<CycleRow | undefined>>();
  const rules = new Map<number, Promise<CycleRules>>();
  return {
    cycle(provinceId: number, year: number) {
      const key = `${provinceId}:${year}`;
      let c = byYear.get(key);
      if (!c) {
        c = createCreditLedgerRepository(q).cycleForYear(provinceId, year);
        byYear.set(key, c);
      }
      return c;
    },
    rules(cycle: CycleRow) {
      let r = rules.get(cycle.id);
      if (!r) {
        r = rulesOf(q, cycle);
        rules.set(cycle.id, r);
      }
      return r;
    },
  };
}
export type CycleLookup = ReturnType<typeof cycleLookup>;

/**
 * Decides a batch of statements: which rule credits each (of `rules`) and whether the ledger
 * takes it. Shared by the posting and the preview, so the preview shows what posting does.
 * `lockedYears` holds `cycleId:orgUnitId:year` of signed-off years; `unitOf` the teacher's school.
 */
export async function decide(
  rows: MappingStatement[],
  rules: readonly LrsRuleRow[],
  o: {
    provinceId: number;
    today: string;
    cycles: CycleLookup;
  },
): Promise<MappingDecision[]> {
  const out: MappingDecision[] = [];
  for (const s of rows) {
    if (s.matchStatus !== 'matched' || s.voided || s.isVoiding || s.teacherId === null || s.teacherPath === null)
      continue;
    let body: unknown;
    try {
      body = JSON.parse(s.body);
    } catch {
      continue;
    }
    const facts = statementFacts(body, s.clientId);
    const pick = pickRule(rules, facts, s.teacherPath);
    if (!pick) continue;
    const platform = s.clientName ?? PEIXUN_PLATFORM;
    const occurredOn = chinaDate(facts.timestamp);
    const d: MappingDecision = {
      statement: s,
      facts,
      rule: pick.rule,
      hours: pick.tenths,
      title: renderTitle(pick.rule.definition.titleTemplate, facts, platform),
      occurredOn,
      platform,
      cycle: null,
      refused: null,
    };
    out.push(d);
    if (occurredOn > o.today) {
      d.refused = 'future_date';
      continue;
    }
    const cycle = await o.cycles.cycle(o.provinceId, Number(occurredOn.slice(0, 4)));
    if (!cycle) {
      d.refused = 'no_cycle';
      continue;
    }
    d.cycle = cycle;
    const cr = await o.cycles.rules(cycle);
    if (d.hours > cr.maxEntryHours) d.refused = 'above_limit';
    else {
      const known = new Set(cr.categories.map((c) => c.code));
      if (d.rule.definition.categories.some((c) => !known.has(c))) d.refused = 'unknown_category';
    }
  }
  return out;
}

/** What posting needs of a decision (the statement's body and facts are left behind). */
export interface PostItem {
  statementId: string;
  seq: number;
  teacherId: number;
  ruleId: number;
  categories: string[];
  hours: number;
  title: string;
  occurredOn: string;
  platform: string;
  cycle: CycleRow | null;
  refused: Refusal | null;
}

export const itemOf = (d: MappingDecision): PostItem => ({
  statementId: d.statement.id,
  seq: d.statement.seq,
  teacherId: d.statement.teacherId!,
  ruleId: d.rule.id,
  categories: d.rule.definition.categories,
  hours: d.hours,
  title: d.title,
  occurredOn: d.occurredOn,
  platform: d.platform,
  cycle: d.cycle,
  refused: d.refused,
});

/** Marks decisions of signed-off years (by the school `schoolOf` gives) refused. */
export async function refuseLockedYears<
  D extends { cycle: CycleRow | null; refused: Refusal | null; occurredOn: string },
>(trx: Kysely<DB>, decisions: D[], schoolOf: (d: D) => number | undefined): Promise<void> {
  const byCycle = new Map<number, D[]>();
  for (const d of decisions) {
    if (d.refused || !d.cycle) continue;
    const list = byCycle.get(d.cycle.id) ?? [];
    list.push(d);
    byCycle.set(d.cycle.id, list);
  }
  const verifications = createCreditVerificationRepository(trx);
  for (const [cycleId, list] of byCycle) {
    const pairs = list.map((d) => ({ orgUnitId: schoolOf(d) ?? 0, year: Number(d.occurredOn.slice(0, 4)) }));
    const locked = await verifications.signedOff(cycleId, pairs);
    if (locked.size === 0) continue;
    list.forEach((d, i) => {
      if (locked.has(`${pairs[i]!.orgUnitId}:${pairs[i]!.year}`)) d.refused = 'year_locked';
    });
  }
}

/**
 * Posts a batch of statements in the caller's transaction (the province's watermark row is locked
 * by the caller when it runs as the job). Returns what became of them.
 */
export async function postStatements(
  trx: Kysely<DB>,
  env: Env,
  provinceId: number,
  rows: MappingStatement[],
  rules: readonly LrsRuleRow[],
  cycles: CycleLookup = cycleLookup(trx),
): Promise<MappingTotals> {
  const decisions = await decide(rows, rules, { provinceId, today: today(env), cycles });
  const totals = await postItems(trx, env, provinceId, decisions.map(itemOf));
  totals.statements = rows.length;
  totals.voided = await applyVoids(
    trx,
    env,
    provinceId,
    rows.filter((s) => s.isVoiding && s.refId !== null),
  );
  return totals;
}

/**
 * Writes decided statements to the ledger in the caller's transaction: statements recorded already
 * are skipped, the teachers' rows are locked, signed-off years refused, the entries and the records
 * written set-based, and the teachers' summaries recomputed.
 */
export async function postItems(
  trx: Kysely<DB>,
  env: Env,
  provinceId: number,
  all: PostItem[],
): Promise<MappingTotals> {
  const repo = createLrsMappingRepository(trx);
  const totals: MappingTotals = { statements: all.length, credited: 0, refused: 0, hours: 0, voided: 0 };
  if (all.length === 0) return totals;
  const recorded = await repo.creditsOf(
    provinceId,
    all.map((d) => d.statementId),
  );
  const items = all.filter((d) => !recorded.has(d.statementId));
  if (items.length === 0) return totals;
  const ledger = createCreditLedgerRepository(trx);
  // the teachers' rows first (as every ledger writer does), so summaries and the lock check see one state
  const facts = await ledger.lockTeacherFacts([...new Set(items.map((d) => d.teacherId))]);
  const byId = new Map(facts.map((t) => [t.id, t]));
  await refuseLockedYears(trx, items, (d) => byId.get(d.teacherId)?.orgUnitId);
  const posted = items.filter((d) => !d.refused && byId.has(d.teacherId));
  const entries: XapiEntry[] = posted.map((d) => {
    const t = byId.get(d.teacherId)!;
    const e = {
      teacherId: t.id,
      cycleId: d.cycle!.id,
      year: Number(d.occurredOn.slice(0, 4)),
      hours: d.hours,
      categories: [...new Set(d.categories)].sort(),
      sourceType: 'external' as const,
      sourceRef: `xapi:${d.statementId}`,
      title: d.title,
      occurredOn: d.occurredOn,
      evidenceId: null,
      evidenceRef: evidenceRefOf(d.statementId, d.platform),
      reversesId: null,
      reason: null,
    };
    return { ...e, orgUnitId: t.orgUnitId, orgPath: t.orgPath, idemKey: e.sourceRef, contentHash: contentHash(e) };
  });
  const ids = await repo.insertEntries(provinceId, entries);
  const missing = entries.filter((e) => !ids.has(e.idemKey)).map((e) => e.idemKey);
  for (const [k, id] of await repo.entryIdsByKeys(provinceId, missing)) ids.set(k, id);
  const credits: CreditRow[] = items
    .filter((d) => byId.has(d.teacherId))
    .map((d) => ({
      statementId: d.statementId,
      seq: d.seq,
      teacherId: d.teacherId,
      ruleId: d.ruleId,
      hours: d.hours,
      entryId: d.refused ? null : (ids.get(`xapi:${d.statementId}`) ?? null),
      refused: d.refused,
    }))
    .map((c) => (c.entryId === null && c.refused === null ? { ...c, refused: 'not_written' } : c));
  await repo.insertCredits(provinceId, credits);
  for (const c of credits) {
    if (c.entryId !== null) {
      totals.credited++;
      totals.hours += c.hours;
    } else totals.refused++;
  }
  // the touched teachers' summaries, per cycle, in this transaction
  const byCycle = new Map<number, { cycle: CycleRow; teachers: Set<number> }>();
  for (const d of posted) {
    const g = byCycle.get(d.cycle!.id) ?? { cycle: d.cycle!, teachers: new Set<number>() };
    g.teachers.add(d.teacherId);
    byCycle.set(d.cycle!.id, g);
  }
  const year = currentYear(env);
  for (const { cycle, teachers } of byCycle.values()) {
    const list = [...teachers].sort((a, b) => a - b);
    for (let i = 0; i < list.length; i += 2_000) {
      const chunk = new Set(list.slice(i, i + 2_000));
      await syncTeachers(trx, cycle, [...chunk], year, { lockedFacts: facts.filter((t) => chunk.has(t.id)) });
    }
  }
  return totals;
}

/** Voiding statements take back the entries of the statements they void. */
async function applyVoids(trx: Kysely<DB>, env: Env, provinceId: number, voiding: MappingStatement[]): Promise<number> {
  if (voiding.length === 0) return 0;
  const repo = createLrsMappingRepository(trx);
  const credited = await repo.creditedEntries(
    provinceId,
    voiding.map((s) => s.refId!),
  );
  if (credited.length === 0) return 0;
  const voidedBy = new Map(voiding.map((s) => [s.refId!, s.id]));
  const ledger = createCreditLedgerRepository(trx);
  const credits = createCreditLedgerService({ db: trx, env });
  const rules = new Map<number, LrsRuleRow | undefined>();
  let n = 0;
  for (const c of credited) {
    const entry = await ledger.entry(c.entryId);
    if (!entry) continue;
    if (!rules.has(c.ruleId)) rules.set(c.ruleId, await repo.rule(c.ruleId));
    const by = rules.get(c.ruleId)?.createdBy ?? null;
    let reversalId: number | null = null;
    try {
      // the reversal is registered in the name of the rule's author (the ledger names a person)
      const r = await credits.reverseOrRequest(
        trx,
        entry,
        `xAPI 语句已作废（${voidedBy.get(c.statementId)}）`,
        by as number,
      );
      reversalId = r.reversalId;
    } catch (e) {
      // reversed by hand already: nothing more to take back
      if (!(e instanceof AppError && e.code === 'ENTRY_ALREADY_REVERSED')) throw e;
    }
    await repo.markVoided(provinceId, c.statementId, reversalId);
    n++;
  }
  return n;
}

/**
 * Applies the mapping rules to statements (by seq) that became matched after they were stored (a
 * review-queue decision), in the caller's transaction.
 */
export async function applyMappingRules(trx: Database, provinceId: number, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  const repo = createLrsMappingRepository(trx);
  const rules = (await repo.rulesOfProvince(provinceId)).filter((r) => r.enabled);
  if (rules.length === 0) return;
  // one writer of a province's mapping at a time: the job's batches take the same lock
  await repo.lockWatermark(provinceId);
  for (let i = 0; i < seqs.length; i += MAPPING_BATCH) {
    const rows = await repo.statementsBySeq(provinceId, seqs.slice(i, i + MAPPING_BATCH));
    await postStatements(trx, envOf(), provinceId, rows, rules);
  }
}

/**
 * Runs the mapping of a province until its statements are all read. Statements are read in seq
 * order (pages of MAPPING_BATCH, no lock held) and decided by the rules, a window of MAPPING_WINDOW at a
 * time; the window's decisions are then posted teacher by teacher in batches of about MAPPING_BATCH
 * (each one transaction under the lock of the province's watermark row), so a teacher's summary is
 * recomputed once per window however many of their statements it holds; voiding statements come
 * last. The watermark moves when the whole window is done: a run that stops half-way reads the window
 * again and skips what it recorded.
 */
export async function runMapping(
  db: Database,
  env: Env,
  provinceId: number,
  ctl?: Pick<JobControl, 'progress' | 'signal'>,
  batch = MAPPING_BATCH,
  window = MAPPING_WINDOW,
): Promise<MappingTotals> {
  const totals: MappingTotals = { statements: 0, credited: 0, refused: 0, hours: 0, voided: 0 };
  const repo = createLrsMappingRepository(db);
  const rules = (await repo.rulesOfProvince(provinceId)).filter((r) => r.enabled);
  const cycles = cycleLookup(db);
  const state = await db
    .selectFrom('lrs_mapping_state')
    .select('watermark')
    .where('province_id', '=', provinceId)
    .executeTakeFirst();
  let from = Number(state?.watermark ?? 0);
  /** Reads and decides the window after `after`, in seq order (no lock held). */
  const readWindow = async (after: number) => {
    const items: PostItem[] = [];
    const voiding: MappingStatement[] = [];
    let read = 0;
    let last = after;
    let firstFresh: number | null = null;
    const settled = Date.now() - SETTLE_MS;
    let more = true;
    while (read < window) {
      ctl?.signal.throwIfAborted();
      const limit = Math.min(batch, window - read);
      const rows = await repo.statementsAfter(provinceId, last, limit);
      for (const s of rows) {
        if (s.isVoiding && s.refId !== null) voiding.push({ ...s, body: '' });
        if (firstFresh === null && s.stored.getTime() > settled) firstFresh = s.seq;
      }
      if (rules.length)
        for (const d of await decide(rows, rules, { provinceId, today: today(env), cycles })) items.push(itemOf(d));
      read += rows.length;
      if (rows.length) last = rows[rows.length - 1]!.seq;
      if (rows.length < limit) {
        more = false;
        break;
      }
    }
    return { items, voiding, read, last, firstFresh, more };
  };
  // the next window is read and decided while this one is written (the server's and the database's
  // work overlap); its decisions do not depend on this window's entries (recorded ones are skipped when posted)
  let next = readWindow(from);
  // the first statement of this run too fresh for the watermark to pass: it stays below it from then on
  let stuck: number | null = null;
  for (;;) {
    const { items, voiding, read, last, firstFresh, more } = await next;
    if (read === 0) return totals;
    next = more ? readWindow(last) : Promise.resolve({ ...EMPTY_WINDOW, last });
    // a failure of the read ahead is met when it is awaited, not as an unhandled rejection meanwhile
    next.catch(() => undefined);
    from = last;
    // 2. post them teacher by teacher, then the voids
    const byTeacher = new Map<number, PostItem[]>();
    for (const d of items) {
      const list = byTeacher.get(d.teacherId);
      if (list) list.push(d);
      else byTeacher.set(d.teacherId, [d]);
    }
    const batches: PostItem[][] = [];
    let current: PostItem[] = [];
    for (const id of [...byTeacher.keys()].sort((a, b) => a - b)) {
      const list = byTeacher.get(id)!;
      if (current.length > 0 && current.length + list.length > batch) {
        batches.push(current);
        current = [];
      }
      for (const d of list) current.push(d);
    }
    if (current.length) batches.push(current);
    // two batches at a time (their teachers differ): the database's work of one overlaps the server's of the other
    let posted = 0;
    let nextBatch = 0;
    let failed = false;
    const worker = async () => {
      while (nextBatch < batches.length && !failed) {
        const b = batches[nextBatch++]!;
        ctl?.signal.throwIfAborted();
        const t = await retryConcurrent(() =>
          db.transaction().execute(async (trx) => {
            await createLrsMappingRepository(trx).lockWatermark(provinceId, 'share');
            return postItems(trx, env, provinceId, b);
          }),
        ).catch((e: unknown) => {
          failed = true;
          throw e;
        });
        add(totals, t);
        posted += b.length;
        await ctl?.progress(totals.statements + Math.round((posted / items.length) * read), totals.statements + read);
      }
    };
    await Promise.all([worker(), worker()]);
    for (let i = 0; i < voiding.length; i += batch) {
      const t = await db.transaction().execute(async (trx) => {
        await createLrsMappingRepository(trx).lockWatermark(provinceId);
        return applyVoids(trx, env, provinceId, voiding.slice(i, i + batch));
      });
      totals.voided += t;
    }
    totals.statements += read;
    // the watermark passes only statements stored long enough ago that no earlier seq can still commit
    stuck ??= firstFresh;
    const mark = stuck !== null ? stuck - 1 : from;
    await db.transaction().execute(async (trx) => {
      const r = createLrsMappingRepository(trx);
      await r.lockWatermark(provinceId);
      await r.setWatermark(provinceId, mark);
    });
    await ctl?.progress(totals.statements, totals.statements);
    if (!more) return totals;
  }
}

function add(totals: MappingTotals, t: MappingTotals): void {
  totals.credited += t.credited;
  totals.refused += t.refused;
  totals.hours += t.hours;
}

const EMPTY_WINDOW = {
  items: [] as PostItem[],
  voiding: [] as MappingStatement[],
  read: 0,
  firstFresh: null as number | null,
  more: false,
};

const wakeTimers = new Map<number, NodeJS.Timeout>();

/** Queues the mapping job of a province unless one is waiting already. */
export async function queueMapping(db: Database, provinceId: number): Promise<boolean> {
  const waiting = await db
    .selectFrom('job')
    .select('id')
    .where('kind', '=', LRS_MAPPING_JOB)
    .where('province_id', '=', provinceId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  if (waiting) return false;
  await createJobRepository(db).enqueue({
    kind: LRS_MAPPING_JOB,
    provinceId,
    orgPath: `/${provinceId}/`,
    params: { provinceId },
    createdBy: null,
  });
  return true;
}

/**
 * Asks for the mapping of a province's new statements (call after the statements' commit). Cheap:
 * calls within a second are one, and a job already waiting takes them. Without a province, every
 * province whose statements go past its watermark (the periodic sweep).
 */
export function wakeLrsMapping(db: Database, provinceId?: number): void {
  if (provinceId === undefined) {
    void createLrsMappingRepository(db)
      .provincesBehind()
      .then((ids) => {
        for (const id of ids) wakeLrsMapping(db, id);
      })
      .catch(() => undefined);
    return;
  }
  if (wakeTimers.has(provinceId)) return;
  const t = setTimeout(() => {
    wakeTimers.delete(provinceId);
    void queueMapping(db, provinceId)
      .then((queued) => queued && kickJobs())
      .catch(() => undefined);
  }, 1_000);
  t.unref();
  wakeTimers.set(provinceId, t);
}

/** Registers the mapping job's handler (see services.ts). */
export function registerLrsMapping(deps: ServiceDeps): void {
  configured = deps.env;
  registerJobHandler(LRS_MAPPING_JOB, (job, ctl) =>
    runMapping(deps.db, deps.env, Number(job.params['provinceId'] ?? job.provinceId), ctl),
  );
}
