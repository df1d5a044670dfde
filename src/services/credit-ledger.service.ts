import crypto from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { currentYear, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import {
  daysLeftInYear,
  evaluateProgress,
  flagsOf,
  type Progress,
  type TeacherFacts,
} from '../domain/credit-progress.js';
import { formatTenths, isIsoDate, type CycleRules, type SourceType } from '../domain/cycle-rules.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createCreditEvidenceRepository, type EvidenceRow } from '../repositories/credit-evidence.repository.js';
import {
  createCreditLedgerRepository,
  type CycleRow,
  type EntryRow,
  type NewEntry,
  type TeacherFactsRow,
  type TeacherRef,
} from '../repositories/credit-ledger.repository.js';
import { createCreditReviewRepository, type ReviewRow } from '../repositories/credit-review.repository.js';
import { createCreditVerificationRepository } from '../repositories/credit-verification.repository.js';
import { createTeacherRepository, type TeacherRow } from '../repositories/teacher.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { rulesOf, syncTeachers } from './credit-summary.js';
import { retryConcurrent } from './pg-errors.js';
import { requireAdminAction, requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { createTeacherService, type TeacherQuery } from './teacher.service.js';
import { notify } from './notify.js';
import { cleanFileName, storeBySha256, storedPath, UPLOAD_TYPES, uploadType } from './stored-file.js';

/** One registration of hours for one teacher, as a form or a sheet row gives it. */
export interface Registration {
  teacherId: number;
  /** tenths of an hour */
  hours: number;
  occurredOn: string;
  title: string;
  categories: string[];
  sourceType?: SourceType;
  sourceRef?: string | null;
  evidenceId?: number | null;
  evidenceRef?: string | null;
  /** the same key twice is one entry; defaults to a hash of the content */
  idemKey?: string | null;
}

export interface RegistrationProblem {
  /** index in the batch (0-based) */
  index: number;
  field: string;
  code:
    | 'teacher_not_found'
    | 'no_cycle'
    | 'above_limit'
    | 'unknown_category'
    | 'future_date'
    | 'bad_date'
    | 'year_locked'
    | 'evidence_not_found'
    | 'duplicate_key_in_batch';
  params?: Record<string, string | number>;
}

export interface RegisterResult {
  created: number;
  replayed: number;
  entries: Array<{ index: number; id: number; replayed: boolean }>;
}

/** The kinds of evidence file accepted (the same as every upload: services/stored-file.ts). */
export const EVIDENCE_TYPES = UPLOAD_TYPES;

/** The identity of an entry's content: the same key with another content is refused. */
export function contentHash(
  e: Omit<NewEntry, 'contentHash' | 'idemKey' | 'createdBy' | 'afterLock' | 'provinceId' | 'orgUnitId' | 'orgPath'>,
): Buffer {
  const canonical = JSON.stringify([
    e.teacherId,
    e.cycleId,
    e.year,
    e.hours,
    [...e.categories].sort(),
    e.sourceType,
    e.sourceRef,
    e.title,
    e.occurredOn,
    e.evidenceId,
    e.evidenceRef,
    e.reversesId,
    e.reason,
  ]);
  return crypto.createHash('sha256').update(canonical).digest();
}

/** What the rule engine needs to know of a teacher, from the registry record. */
export function teacherFacts(t: TeacherRow): TeacherFacts {
  return {
    gender: t.gender,
    birthDate: t.birthDate,
    stage: t.stage,
    subject: t.subject,
    teachingStartYear: t.teachingStartYear,
    flags: flagsOf(t),
  };
}

/**
 * The credit ledger: registrations with evidence, reversals, and each teacher's
 * progress explained line by line. Every write keeps the summaries in the same transaction.
 */
/** The most teachers one "all matching" registration takes (as many as a batch of entries). */
export const REGISTER_MATCHING_MAX = 10_000;

export function createCreditLedgerService(deps: ServiceDeps) {
  const { db, env } = deps;
  const ledger = createCreditLedgerRepository(db);
  const teachers = createTeacherRepository(db);
  const teacherService = createTeacherService(deps);
  const evidenceDir = path.join(env.dataDir, 'evidence');

  const cycleCache = new Map<number, { at: number; cycle: CycleRow | undefined }>();
  /** The cycle that contains a year; cached for a few seconds (cycles change rarely). */
  async function cycleForYear(provinceId: number, year: number): Promise<CycleRow | undefined> {
    const key = provinceId * 10_000 + year;
    const hit = cycleCache.get(key);
    if (hit && Date.now() - hit.at < 5_000) return hit.cycle;
    const cycle = await ledger.cycleForYear(provinceId, year);
    cycleCache.set(key, { at: Date.now(), cycle });
    return cycle;
  }

  /**
   * A teacher the actor may read the ledger of: themselves, or one of their subtree for an admin.
   * `load` fetches the teacher (and whatever else the caller needs in the same round trip).
   */
  async function readableTeacher<X extends { teacher: TeacherRow | undefined }>(
    ctx: RequestContext,
    teacherId: number | undefined,
    action: string,
    load: (ref: TeacherRef) => Promise<X>,
  ): Promise<X & { teacher: TeacherRow }> {
    const actor = requireActor(ctx);
    if (teacherId === undefined || actor.role === 'teacher') {
      const own = actor.role === 'teacher' ? await load({ userId: actor.userId }) : undefined;
      if (!own?.teacher || (teacherId !== undefined && teacherId !== own.teacher.id))
        return auditRefusal(
          db,
          ctx,
          { action, targetType: 'teacher', targetId: teacherId ?? null },
          teacherId === undefined ? new AppError('FORBIDDEN') : notFoundDenied(),
        );
      return own as X & { teacher: TeacherRow };
    }
    const x = await load({ teacherId });
    const t = x.teacher;
    if (!t) throw new AppError('NOT_FOUND');
    await requireAdminAction(db, ctx, action, 'credit.read', {
      path: t.orgPath,
      type: 'teacher',
      id: t.id,
      label: t.name,
    });
    return x as X & { teacher: TeacherRow };
  }

  const teacherOnly = async (ref: TeacherRef) => ({
    teacher: 'userId' in ref ? await teachers.findByUserId(ref.userId) : await teachers.findById(ref.teacherId),
  });

  async function cycleOf(provinceId: number, cycleId: number | undefined): Promise<CycleRow> {
    const c = cycleId !== undefined ? await ledger.cycle(cycleId) : await cycleForYear(provinceId, currentYear(env));
    if (!c || c.provinceId !== provinceId) {
      if (cycleId === undefined) throw new AppError('CYCLE_NOT_FOUND_FOR_YEAR', { params: { year: currentYear(env) } });
      throw new AppError('NOT_FOUND');
    }
    return c;
  }

  type PreparedBatch = {
    ids: number[];
    rows: Array<NewEntry & { index: number }>;
    cycles: Map<number, { cycle: CycleRow; rules: CycleRules }>;
    problems: RegistrationProblem[];
  };

  /**
   * Checks a batch against the rules of its cycles (no access checks: the caller did them) and
   * turns it into ledger rows. `evidenceVisible` says whether an evidence file may be referenced.
   */
  async function prepare(
    q: Kysely<DB>,
    batch: Registration[],
    createdBy: number | null,
    facts: Map<number, TeacherFactsRow>,
    evidenceVisible: (path: string) => boolean,
  ): Promise<PreparedBatch> {
    const ids = [...new Set(batch.map((r) => r.teacherId))];
    const problems: RegistrationProblem[] = [];
    const evidence = new Map(
      (
        await createCreditEvidenceRepository(q).findMany([
          ...new Set(batch.map((r) => r.evidenceId).filter((x): x is number => typeof x === 'number')),
        ])
      ).map((e) => [e.id, e]),
    );
    const todayIso = today(env);
    const rows: Array<NewEntry & { index: number }> = [];
    const keysSeen = new Map<string, { index: number; hash: Buffer }>();
    const cycles = new Map<number, { cycle: CycleRow; rules: CycleRules }>();
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const t = facts.get(r.teacherId);
      if (!t) {
        problems.push({ index: i, field: 'teacherId', code: 'teacher_not_found' });
        continue;
      }
      if (!isIsoDate(r.occurredOn)) {
        problems.push({ index: i, field: 'occurredOn', code: 'bad_date' });
        continue;
      }
      if (r.occurredOn > todayIso) {
        problems.push({ index: i, field: 'occurredOn', code: 'future_date', params: { today: todayIso } });
        continue;
      }
      const year = Number(r.occurredOn.slice(0, 4));
      const cycle = await cycleForYear(t.provinceId, year);
      if (!cycle) {
        problems.push({ index: i, field: 'occurredOn', code: 'no_cycle', params: { year } });
        continue;
      }
      if (!cycles.has(cycle.id)) cycles.set(cycle.id, { cycle, rules: await rulesOf(q, cycle) });
      const rules = cycles.get(cycle.id)!.rules;
      if (r.hours > rules.maxEntryHours)
        problems.push({
          index: i,
          field: 'hours',
          code: 'above_limit',
          params: { max: formatTenths(rules.maxEntryHours) },
        });
      const known = new Set(rules.categories.map((c) => c.code));
      const unknown = r.categories.filter((c) => !known.has(c));
      if (unknown.length)
        problems.push({
          index: i,
          field: 'categories',
          code: 'unknown_category',
          params: { value: unknown.join(',') },
        });
      if (r.evidenceId != null) {
        const ev = evidence.get(r.evidenceId);
        if (!ev || !evidenceVisible(ev.orgPath))
          problems.push({ index: i, field: 'evidenceId', code: 'evidence_not_found' });
      }
      const e = {
        teacherId: t.id,
        cycleId: cycle.id,
        year,
        hours: r.hours,
        categories: [...new Set(r.categories)].sort(),
        sourceType: r.sourceType ?? 'school_activity',
        sourceRef: r.sourceRef ?? null,
        title: r.title,
        occurredOn: r.occurredOn,
        evidenceId: r.evidenceId ?? null,
        evidenceRef: r.evidenceRef ?? null,
        reversesId: null,
        reason: null,
      };
      const hash = contentHash(e);
      const idemKey = r.idemKey ?? `auto:${hash.toString('hex')}`;
      const seen = keysSeen.get(idemKey);
      if (seen !== undefined) {
        // the same row twice in one batch is one entry; the same key with other content is a mistake
        if (!seen.hash.equals(hash))
          problems.push({ index: i, field: 'idemKey', code: 'duplicate_key_in_batch', params: { row: seen.index } });
        continue;
      }
      keysSeen.set(idemKey, { index: i, hash });
      rows.push({
        ...e,
        index: i,
        provinceId: t.provinceId,
        orgUnitId: t.orgUnitId,
        orgPath: t.orgPath,
        afterLock: false,
        idemKey,
        contentHash: hash,
        createdBy,
      });
    }
    return { ids, rows, cycles, problems };
  }

  /**
   * Writes a prepared batch in `trx`: the teachers' rows are locked first (so the locked-year check
   * and the summaries see one state), replays are told from conflicts, summaries follow.
   */
  async function write(
    trx: Kysely<DB>,
    provinceId: number,
    { ids, rows, cycles }: PreparedBatch,
  ): Promise<RegisterResult> {
    const repo = createCreditLedgerRepository(trx);
    const locked = await repo.lockTeacherFacts(ids);
    const lockedYears = new Set<string>();
    for (const { cycle } of cycles.values()) {
      const pairs = rows.filter((r) => r.cycleId === cycle.id).map((r) => ({ orgUnitId: r.orgUnitId, year: r.year }));
      for (const k of await createCreditVerificationRepository(trx).signedOff(cycle.id, pairs))
        lockedYears.add(`${cycle.id}:${k}`);
    }
    const inLocked = rows.find((r) => lockedYears.has(`${r.cycleId}:${r.orgUnitId}:${r.year}`));
    if (inLocked)
      throw new AppError('YEAR_LOCKED', { params: { year: inLocked.year }, details: { index: inLocked.index } });
    if (locked.length !== ids.length) throw new AppError('NOT_FOUND');
    const entries: RegisterResult['entries'] = [];
    for (let i = 0; i < rows.length; i += 2_000) {
      const chunk = rows.slice(i, i + 2_000);
      const written = await repo.insertEntries(chunk.map(({ index: _, ...e }) => e));
      const missing = chunk.filter((r) => !written.has(r.idemKey));
      const existing = new Map(
        (
          await repo.entriesByKeys(
            provinceId,
            missing.map((r) => r.idemKey),
          )
        ).map((x) => [x.idemKey, x]),
      );
      for (const r of chunk) {
        const id = written.get(r.idemKey);
        if (id !== undefined) {
          entries.push({ index: r.index, id, replayed: false });
          continue;
        }
        const prior = existing.get(r.idemKey);
        if (!prior?.contentHash.equals(r.contentHash))
          throw new AppError('IDEMPOTENCY_KEY_REUSED', { details: { index: r.index, idemKey: r.idemKey } });
        entries.push({ index: r.index, id: prior.id, replayed: true });
      }
    }
    const created = entries.filter((e) => !e.replayed).length;
    if (created > 0) {
      const year = currentYear(env);
      const fresh = new Set(entries.filter((e) => !e.replayed).map((e) => e.index));
      for (const { cycle } of cycles.values()) {
        const touched = [
          ...new Set(rows.filter((r) => r.cycleId === cycle.id && fresh.has(r.index)).map((r) => r.teacherId)),
        ];
        for (let i = 0; i < touched.length; i += 2_000) {
          // the teachers' rows were locked above: their facts serve the summaries as they are
          const chunk = new Set(touched.slice(i, i + 2_000));
          await syncTeachers(trx, cycle, [...chunk], year, { lockedFacts: locked.filter((t) => chunk.has(t.id)) });
        }
      }
    }
    entries.sort((a, b) => a.index - b.index);
    return { created, replayed: entries.length - created, entries };
  }

  /**
   * Checks a batch against the rules and the actor's scope, then writes it in one transaction:
   * all entries or none. Replays (same key, same content) return the stored entry.
   */
  async function register(
    ctx: RequestContext,
    batch: Registration[],
    audit: { action: string; details?: Record<string, unknown> },
  ): Promise<RegisterResult> {
    // trainers and teachers are refused before anything is looked up
    const actor = await requireRegistryRole(db, ctx, audit.action);
    const ids = [...new Set(batch.map((r) => r.teacherId))];
    const facts = new Map((await ledger.teacherFacts(ids)).map((t) => [t.id, t]));
    // scope first: a teacher outside the subtree is "not found", exactly like a missing one
    for (const id of ids) {
      const t = facts.get(id);
      if (t && !can(actor, 'org.read', { path: t.orgPath }))
        return auditRefusal(db, ctx, { action: audit.action, targetType: 'teacher', targetId: id }, notFoundDenied());
    }
    const first = facts.get(ids[0]!);
    await requireAdminAction(db, ctx, audit.action, 'credit.register', {
      path: first?.orgPath ?? actor.orgPath,
      type: 'teacher',
      id: ids[0] ?? 0,
      label: first?.name,
    });
    const prepared = await prepare(db, batch, actor.userId, facts, (path) => can(actor, 'org.read', { path }));
    if (prepared.problems.length) {
      const err = new AppError('ENTRY_INVALID', {
        details: { problems: prepared.problems.slice(0, 1_000), problemCount: prepared.problems.length },
      });
      return auditRefusal(
        db,
        ctx,
        {
          action: audit.action,
          targetType: 'teacher',
          targetPath: first?.orgPath ?? actor.orgPath,
          details: { rows: batch.length, problems: prepared.problems.length },
        },
        err,
      );
    }
    return retryConcurrent(() =>
      auditedWrite(
        db,
        ctx,
        {
          action: audit.action,
          targetType: ids.length === 1 ? 'teacher' : 'org_unit',
          targetId: ids.length === 1 ? ids[0]! : (first?.orgUnitId ?? null),
          targetPath: first?.orgPath ?? null,
          targetLabel: ids.length === 1 ? (first?.name ?? null) : null,
          details: { rows: batch.length, ...audit.details },
        },
        async (trx, meta) => {
          const r = await write(trx, actor.provinceId, prepared);
          meta.details = {
            ...meta.details,
            created: r.created,
            replayed: r.replayed,
            entryIds: r.entries.length <= 20 ? r.entries.map((e) => e.id) : undefined,
          };
          return r;
        },
      ),
    );
  }

  /** Posts the reversal of an entry (the caller checked access and the lock). */
  async function postReversal(
    trx: Kysely<DB>,
    entry: EntryRow,
    reason: string,
    by: number,
    afterLock: boolean,
  ): Promise<number> {
    const repo = createCreditLedgerRepository(trx);
    const t = (await repo.lockTeacherFacts([entry.teacherId]))[0]!;
    if (await repo.isReversed(entry.id)) throw new AppError('ENTRY_ALREADY_REVERSED');
    const e = {
      teacherId: entry.teacherId,
      cycleId: entry.cycleId,
      year: entry.year,
      hours: -entry.hours,
      categories: entry.categories,
      sourceType: entry.sourceType,
      sourceRef: entry.sourceRef,
      title: entry.title,
      occurredOn: entry.occurredOn,
      evidenceId: entry.evidenceId,
      evidenceRef: entry.evidenceRef,
      reversesId: entry.id,
      reason,
    };
    const ids = await repo.insertEntries([
      {
        ...e,
        provinceId: t.provinceId,
        orgUnitId: entry.orgUnitId,
        orgPath: entry.orgPath,
        afterLock,
        idemKey: `reversal:${entry.id}`,
        contentHash: contentHash(e),
        createdBy: by,
      },
    ]);
    const id = ids.get(`reversal:${entry.id}`);
    if (id === undefined) throw new AppError('ENTRY_ALREADY_REVERSED');
    const cycle = (await repo.cycle(entry.cycleId))!;
    await syncTeachers(trx, cycle, [entry.teacherId], currentYear(env), { lockedFacts: [t] });
    return id;
  }

  /**
   * Takes an entry back: a reversal at once, or, in a year the county has signed off, a pending
   * request for the county to approve (`requestId` null when one is pending already).
   */
  async function reverseOrRequest(
    trx: Kysely<DB>,
    entry: EntryRow,
    reason: string,
    by: number,
  ): Promise<{ reversalId: number | null; requestId: number | null; locked: boolean }> {
    const verifications = createCreditVerificationRepository(trx);
    const locked = await verifications.signedOff(entry.cycleId, [{ orgUnitId: entry.orgUnitId, year: entry.year }]);
    if (locked.size === 0)
      return { reversalId: await postReversal(trx, entry, reason, by, false), requestId: null, locked: false };
    const requestId = await verifications.insertReversalRequest({
      provinceId: entry.provinceId,
      entryId: entry.id,
      orgPath: entry.orgPath,
      reason,
      requestedBy: by,
    });
    // the county approves a change to a year it signed off
    if (requestId !== undefined)
      await notify(trx, {
        to: { roleAbove: { path: entry.orgPath, role: 'county_admin' } },
        kind: 'reversal_requested',
        params: { title: entry.title, unit: entry.orgUnitName, year: entry.year },
        link: '/verifications?tab=reversals',
        senderId: by,
      });
    return { reversalId: null, requestId: requestId ?? null, locked: true };
  }

  return {
    register: (ctx: RequestContext, batch: Registration[], details?: Record<string, unknown>) =>
      register(ctx, batch, { action: batch.length === 1 ? 'credit.register' : 'credit.register_bulk', details }),

    /**
     * Registers one entry for every teacher matching the registry filters (less those left out), all
     * or none: "all 312 matching" without the ids going to the browser and back. Each teacher's key is
     * `idemKey:teacherId`, so a retry is one entry each; problems name the teacher they are about.
     */
    async registerMatching(
      ctx: RequestContext,
      pick: { matching: TeacherQuery; except?: number[] },
      entry: Omit<Registration, 'teacherId' | 'idemKey'>,
      idemKey: string | null,
    ): Promise<RegisterResult & { teachers: number }> {
      const action = 'credit.register_bulk';
      const picked = await teacherService.matching(ctx, pick.matching, {
        action,
        max: REGISTER_MATCHING_MAX,
        except: pick.except,
      });
      if (picked.length === 0)
        throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'matching', kind: 'required' }] } });
      const batch = picked.map((t) => ({ ...entry, teacherId: t.id, idemKey: idemKey ? `${idemKey}:${t.id}` : null }));
      try {
        // the filters without the search text (it may be an ID number)
        const r = await register(ctx, batch, { action, details: { matching: { ...pick.matching, q: undefined } } });
        return { ...r, teachers: picked.length };
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'ENTRY_INVALID') throw err;
        const problems = (err.details?.['problems'] ?? []) as Array<RegistrationProblem>;
        throw new AppError('ENTRY_INVALID', {
          params: err.params,
          details: {
            ...err.details,
            problems: problems.map((p) => ({ ...p, teacherName: picked[p.index]?.name ?? null })),
          },
        });
      }
    },

    /**
     * Posts entries inside the caller's transaction, on the rules alone: for use cases that already
     * decided who may post (training completion posts the hours of every teacher who completed a
     * class, whatever their school). Throws ENTRY_INVALID with the problems; replays are returned.
     */
    async postInTransaction(trx: Kysely<DB>, ctx: RequestContext, batch: Registration[]): Promise<RegisterResult> {
      if (batch.length === 0) return { created: 0, replayed: 0, entries: [] };
      const actor = requireActor(ctx);
      const facts = new Map(
        (await createCreditLedgerRepository(trx).teacherFacts([...new Set(batch.map((r) => r.teacherId))])).map((t) => [
          t.id,
          t,
        ]),
      );
      const prepared = await prepare(trx, batch, actor.userId, facts, () => true);
      if (prepared.problems.length)
        throw new AppError('ENTRY_INVALID', {
          details: { problems: prepared.problems.slice(0, 1_000), problemCount: prepared.problems.length },
        });
      return write(trx, actor.provinceId, prepared);
    },

    postReversal,
    reverseOrRequest,

    /**
     * Reverses an entry with a reason. In a year the county has signed off, the reversal waits for
     * the county's approval (see the verification service) and this returns the pending request.
     */
    async reverse(
      ctx: RequestContext,
      entryId: number,
      reason: string,
    ): Promise<{ reversalId: number | null; requestId: number | null }> {
      const entry = await ledger.entry(entryId);
      if (!entry) throw new AppError('NOT_FOUND');
      const actor = await requireAdminAction(db, ctx, 'credit.reverse', 'credit.register', {
        path: entry.orgPath,
        type: 'credit_entry',
        id: entryId,
        label: entry.title,
      });
      if (entry.reversesId !== null) throw new AppError('ENTRY_ALREADY_REVERSED');
      const meta = {
        action: 'credit.reverse',
        targetType: 'credit_entry',
        targetId: entryId,
        targetPath: entry.orgPath,
        targetLabel: entry.title,
        details: { reason, hours: entry.hours },
      };
      return retryConcurrent(() =>
        auditedWrite(db, ctx, meta, async (trx, m) => {
          const { reversalId, requestId, locked } = await reverseOrRequest(trx, entry, reason, actor.userId);
          if (locked && requestId === null) throw new AppError('ENTRY_ALREADY_REVERSED');
          if (locked) m.action = 'credit.request_reversal';
          m.details = { ...m.details, ...(locked ? { requestId } : { reversalId }) };
          return { reversalId, requestId };
        }),
      );
    },

    /** A teacher's progress in a cycle (the current one by default), explained line by line. */
    async progress(ctx: RequestContext, q: { teacherId?: number; cycleId?: number }) {
      // the actor's province is the teacher's whenever access is granted, so the cycle is known first
      // and the teacher, entries, verification results and reviews come in one prepared statement
      const cycle = await cycleOf(requireActor(ctx).provinceId, q.cycleId);
      const {
        teacher: t,
        entries,
        verifications,
        reviews,
      } = await readableTeacher(ctx, q.teacherId, 'credit.read_progress', (ref) =>
        ledger.progressSnapshot(ref, cycle.id),
      );
      const rules = await rulesOf(db, cycle);
      const p = evaluateProgress(rules, cycle, teacherFacts(t), entries, currentYear(env));
      const daysLeft = daysLeftInYear(today(env));
      return { teacher: t, cycle, rules, progress: p, daysLeft, entries, verifications, reviews };
    },

    /** Evaluates without access checks: for certificates and reports that already checked. */
    async evaluate(
      trx: Kysely<DB>,
      t: TeacherRow,
      cycle: CycleRow,
    ): Promise<{ progress: Progress; entries: EntryRow[]; rules: CycleRules }> {
      const [rules, entries] = await Promise.all([
        rulesOf(trx, cycle),
        createCreditLedgerRepository(trx).teacherEntries(t.id, cycle.id),
      ]);
      return { progress: evaluateProgress(rules, cycle, teacherFacts(t), entries, currentYear(env)), entries, rules };
    },

    /** Entries registered under a unit, newest first (the school's register). */
    async entriesUnder(
      ctx: RequestContext,
      orgUnitId: number,
      cycleId: number,
      page: { limit: number; offset: number },
      teacherId?: number,
    ) {
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId, 'credit.list_entries', 'credit.read');
      return ledger.entriesUnder(unit.path, cycleId, page, teacherId);
    },

    // ------------------------------------------------------------------ evidence

    async uploadEvidence(
      ctx: RequestContext,
      orgUnitId: number,
      file: { name: string; data: Buffer },
    ): Promise<EvidenceRow> {
      const orgUnit = await requireAdminAtUnit(db, ctx, orgUnitId, 'credit.upload_evidence', 'credit.register');
      const actor = requireActor(ctx);
      const mime = uploadType(file.name, file.data);
      if (!mime) throw new AppError('EVIDENCE_TYPE_NOT_ALLOWED');
      const { sha256: sha, hex } = storeBySha256(evidenceDir, file.data);
      const name = cleanFileName(file.name, `evidence${path.extname(file.name).toLowerCase()}`);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.upload_evidence',
          targetType: 'credit_evidence',
          targetPath: orgUnit.path,
          targetLabel: name,
          details: { size: file.data.length, sha256: hex },
        },
        async (trx, meta) => {
          const evId = await createCreditEvidenceRepository(trx).insert({
            provinceId: orgUnit.provinceId,
            orgUnitId: orgUnit.id,
            orgPath: orgUnit.path,
            sha256: sha,
            fileName: name,
            mimeType: mime,
            sizeBytes: file.data.length,
            createdBy: actor.userId,
          });
          meta.targetId = evId;
          return evId;
        },
      );
      return (await createCreditEvidenceRepository(db).find(id))!;
    },

    async evidenceFile(ctx: RequestContext, id: number): Promise<{ row: EvidenceRow; path: string }> {
      const row = await createCreditEvidenceRepository(db).find(id);
      const actor = requireActor(ctx);
      // a teacher may open the evidence of their own entries
      if (actor.role === 'teacher') {
        const own = await teachers.findByUserId(actor.userId);
        if (!row || !own || !(await ledger.teacherHasEvidence(own.id, id)))
          return auditRefusal(
            db,
            ctx,
            { action: 'credit.read_evidence', targetType: 'credit_evidence', targetId: id },
            notFoundDenied(),
          );
      } else {
        if (!row) throw new AppError('NOT_FOUND');
        await requireAdminAction(db, ctx, 'credit.read_evidence', 'credit.read', {
          path: row.orgPath,
          type: 'credit_evidence',
          id,
        });
      }
      if (!row) throw new AppError('NOT_FOUND');
      return { row, path: storedPath(evidenceDir, row.sha256) };
    },

    // ------------------------------------------------------------------ review requests (PIPL Art. 24)

    async requestReview(
      ctx: RequestContext,
      input: { cycleId?: number; topic: string; message: string },
    ): Promise<ReviewRow> {
      const { teacher: t } = await readableTeacher(ctx, undefined, 'credit.request_review', teacherOnly);
      const cycle = await cycleOf(t.provinceId, input.cycleId);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.request_review',
          targetType: 'teacher',
          targetId: t.id,
          targetPath: t.orgPath,
          targetLabel: t.name,
          details: { topic: input.topic },
        },
        async (trx) => {
          const reviewId = await createCreditReviewRepository(trx).insert({
            provinceId: t.provinceId,
            teacherId: t.id,
            orgPath: t.orgPath,
            cycleId: cycle.id,
            topic: input.topic,
            message: input.message,
          });
          // the school registers the credits and answers
          await notify(trx, {
            to: { adminsAt: [t.orgUnitId] },
            kind: 'review_requested',
            params: { teacher: t.name, topic: input.topic },
            link: '/credits/register?tab=reviews',
            senderId: requireActor(ctx).userId,
          });
          return reviewId;
        },
      );
      return (await createCreditReviewRepository(db).find(id))!;
    },

    async listReviews(
      ctx: RequestContext,
      q: { orgUnitId?: number; status?: 'open' | 'answered'; limit: number; offset: number },
    ): Promise<ReviewRow[]> {
      const unit = await requireAdminAtUnit(
        db,
        ctx,
        q.orgUnitId ?? requireActor(ctx).orgUnitId,
        'credit.list_reviews',
        'credit.read',
      );
      return createCreditReviewRepository(db).under(unit.path, q.status, q);
    },

    async answerReview(ctx: RequestContext, id: number, answer: string): Promise<ReviewRow> {
      const r = await createCreditReviewRepository(db).find(id);
      if (!r) throw new AppError('NOT_FOUND');
      const actor = await requireAdminAction(db, ctx, 'credit.answer_review', 'credit.register', {
        path: r.orgPath,
        type: 'credit_review_request',
        id,
        label: r.teacherName,
      });
      await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.answer_review',
          targetType: 'credit_review_request',
          targetId: id,
          targetPath: r.orgPath,
          targetLabel: r.teacherName,
        },
        async (trx) => {
          if (!(await createCreditReviewRepository(trx).answer(id, answer, actor.userId)))
            throw new AppError('CONFLICT');
          await notify(trx, {
            to: { teacherOf: r.teacherId },
            kind: 'review_answered',
            params: { topic: r.topic },
            link: '/me/credits',
            senderId: actor.userId,
          });
        },
      );
      return (await createCreditReviewRepository(db).find(id))!;
    },
  };
}

export type CreditLedgerService = ReturnType<typeof createCreditLedgerService>;
