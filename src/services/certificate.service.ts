import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import yazl from 'yazl';
import { today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { formatCredits } from '../domain/cycle-rules.js';
import { pathIds } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { kickJobs, registerJobHandler, type JobRow } from '../jobs/job-runner.js';
import {
  type CertificateKind,
  createCreditCertificateRepository,
  type CertificateRow,
} from '../repositories/credit-certificate.repository.js';
import { createCreditLedgerRepository, type CycleRow } from '../repositories/credit-ledger.repository.js';
import { createJobRepository } from '../repositories/job.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { createTeacherRepository, type TeacherRow } from '../repositories/teacher.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { createCertificatePdfPool } from './certificate-pdf/pool.js';
import type { CertificateDocument } from './certificate-pdf/document.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import type { CreditLedgerService } from './credit-ledger.service.js';
import { requireAdminAction, requireAdminAtUnit } from './registry-access.js';

export const BULK_CERTIFICATE_JOB = 'certificate.bulk';

/** No 0/O, 1/I/L: the number is read off paper. 14 characters of 31: about 69 bits. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newCertificateCode(): string {
  return Array.from({ length: 14 }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join('');
}

/** '王小明' → '王**': the public page shows the surname only. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1);
}

/** What a certificate certified, frozen when it was issued (the PDF is drawn from it). */
export type CertificateSnapshot = Omit<CertificateDocument, 'code' | 'verifyUrl' | 'locale'>;

/**
 * What the public verification page may show: nothing beyond name (masked), unit, cycle, total and
 * what the document concludes — met or not met (a cycle certificate, a year's sheet) or only the
 * hours so far (a record: `result` null) — with the day the figures were frozen (`asOf`).
 */
export interface PublicVerification {
  code: string;
  status: 'valid' | 'revoked' | 'superseded';
  nameMasked: string;
  unitName: string;
  cycleName: string;
  kind: CertificateKind;
  year: number | null;
  totalHours: number;
  requiredHours: number;
  result: 'complete' | 'incomplete' | null;
  asOf: string;
  issuedOn: string;
  supersededByCode: string | null;
}

/**
 * The kind a request for a cycle certificate gets: the certificate (学时证书) once the cycle is
 * finished for the teacher (completed, or its last year is over), else a record of hours so far (学时证明).
 * @example documentKindFor('cycle', { complete: false, cycleEndYear: 2030, today: '2027-11-20' }) // 'record'
 */
export function documentKindFor(
  requested: 'cycle' | 'year',
  o: { complete: boolean; cycleEndYear: number; today: string },
): CertificateKind {
  if (requested === 'year') return 'year';
  return o.complete || o.today > `${o.cycleEndYear}-12-31` ? 'cycle' : 'record';
}

let pool: ReturnType<typeof createCertificatePdfPool> | undefined;
/** One worker pool per process, created on first use. */
export function pdfPool() {
  pool ??= createCertificatePdfPool();
  return pool;
}
export async function closeCertificatePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}

/**
 * Continuing-education certificates (继续教育证书) and yearly record sheets: issued from the ledger
 * as a frozen snapshot with a unique number and a QR code to the public `/verify/<code>` page.
 * Reissuing supersedes the old number; revoking keeps it answering "revoked".
 */
export function createCertificateService(deps: ServiceDeps, ledgerService: CreditLedgerService) {
  const { db, env } = deps;
  const certs = createCreditCertificateRepository(db);
  const teachers = createTeacherRepository(db);
  const ledger = createCreditLedgerRepository(db);
  const jobsDir = path.join(env.dataDir, 'jobs');

  const verifyUrl = (baseUrl: string, code: string) =>
    `${(env.PEIXUN_PUBLIC_URL ?? baseUrl).replace(/\/+$/, '')}/verify/${code}`;

  /** The issuing office of a school's certificates; `memo` keeps it for the schools of one bulk job. */
  async function issuerName(trx: Kysely<DB>, schoolPath: string, memo?: Map<string, string>): Promise<string> {
    const known = memo?.get(schoolPath);
    if (known !== undefined) return known;
    const name = await lookUpIssuer(trx, schoolPath);
    memo?.set(schoolPath, name);
    return name;
  }

  async function lookUpIssuer(trx: Kysely<DB>, schoolPath: string): Promise<string> {
    const units = await createOrgUnitRepository(trx).findByIds(pathIds(schoolPath));
    const county = units.find((u) => u.kind === 'county') ?? units.find((u) => u.kind === 'city') ?? units[0];
    return county ? `${county.name}教育局` : '';
  }

  /**
   * The snapshot of a teacher's cycle (or one year of it) as the ledger says now. A cycle certificate
   * asked for before the cycle is finished for the teacher becomes a record of hours so far.
   */
  async function snapshotOf(
    trx: Kysely<DB>,
    t: TeacherRow,
    cycle: CycleRow,
    requested: 'cycle' | 'year',
    year: number | null,
    memo?: Map<string, string>,
  ): Promise<CertificateSnapshot> {
    const { progress, entries, rules } = await ledgerService.evaluate(trx, t, cycle);
    const issuedOn = today(env);
    const kind = documentKindFor(requested, {
      complete: progress.status === 'complete',
      cycleEndYear: cycle.endYear,
      today: issuedOn,
    });
    const whole = kind !== 'year';
    const counting = new Map(progress.entries.filter((e) => !e.cancelled).map((e) => [e.id, e]));
    const catName = new Map(rules.categories.map((c) => [c.code, c.name]));
    const rows = entries.filter((e) => counting.has(e.id) && (whole || e.year === year));
    const organisers = await createCreditCertificateRepository(trx).organisers(rows.map((e) => e.id));
    const total = whole ? progress.counted : rows.reduce((s, e) => s + counting.get(e.id)!.counted, 0);
    const required = whole ? progress.required : (rules.yearlyMinimum ?? 0);
    return {
      kind,
      teacherName: t.name,
      idNumberMasked: t.idNumberMasked,
      unitName: t.orgUnitName,
      issuerName: await issuerName(trx, t.orgPath, memo),
      cycleName: cycle.name,
      year,
      status: (whole ? progress.status === 'complete' : total >= required) ? 'complete' : 'incomplete',
      totalHours: total,
      requiredHours: required,
      credits: formatCredits(total, rules.hoursPerCredit),
      categories: whole
        ? rules.categories.map((c) => {
            const m = progress.minima.find((x) => x.category === c.code && x.applies);
            const hours = rows
              .filter((e) => e.categories.includes(c.code))
              .reduce((s, e) => s + counting.get(e.id)!.counted, 0);
            return { name: c.name, hours, minimum: m ? m.required : null, met: m ? m.met : null };
          })
        : [],
      entries: rows.map((e) => ({
        date: e.occurredOn,
        title: e.title,
        organiser: organisers.get(e.id) ?? e.orgUnitName,
        categories: e.categories.map((c) => catName.get(c) ?? c).join('、'),
        hours: counting.get(e.id)!.counted,
      })),
      issuedOn,
    };
  }

  /**
   * Issues a certificate (or, for a cycle not finished, a record of hours so far), superseding the
   * valid document of the cycle or year it replaces — a certificate replaces a record and the other
   * way round; with `reuseUnchanged` an unchanged valid one of the same kind is kept instead.
   */
  async function issueIn(
    trx: Kysely<DB>,
    t: TeacherRow,
    cycle: CycleRow,
    requested: 'cycle' | 'year',
    year: number | null,
    by: number,
    reuseUnchanged: boolean,
    memo?: Map<string, string>,
  ): Promise<{ id: number; reused: boolean }> {
    const repo = createCreditCertificateRepository(trx);
    const olds = await repo.lockValid(t.id, cycle.id, requested === 'year' ? ['year'] : ['cycle', 'record'], year);
    const snapshot = await snapshotOf(trx, t, cycle, requested, year, memo);
    const same = olds.find((o) => o.kind === snapshot.kind);
    if (same && olds.length === 1 && reuseUnchanged) {
      const { issuedOn: _a, ...was } = same.snapshot as CertificateSnapshot;
      const { issuedOn: _b, ...now } = snapshot;
      if (JSON.stringify(was) === JSON.stringify(now)) return { id: same.id, reused: true };
    }
    // the old number stops being valid before the new one is written (one valid certificate at a time)
    for (const old of olds) await repo.supersede(old.id, null);
    const id = await repo.insert({
      provinceId: t.provinceId,
      code: newCertificateCode(),
      teacherId: t.id,
      cycleId: cycle.id,
      kind: snapshot.kind,
      year,
      orgUnitId: t.orgUnitId,
      orgPath: t.orgPath,
      snapshot,
      issuedBy: by,
    });
    for (const old of olds) await repo.supersede(old.id, id);
    return { id, reused: false };
  }

  async function loadCycle(provinceId: number, cycleId: number): Promise<CycleRow> {
    const c = await ledger.cycle(cycleId);
    if (!c || c.provinceId !== provinceId) throw new AppError('NOT_FOUND');
    return c;
  }

  /** The year a record sheet is for (one of the cycle's), null for a cycle certificate. */
  function yearOf(input: { kind: 'cycle' | 'year'; year: number | null }, cycle: CycleRow): number | null {
    if (input.kind === 'cycle') return null;
    if (input.year === null || input.year < cycle.startYear || input.year > cycle.endYear)
      throw new AppError('CYCLE_NOT_FOUND_FOR_YEAR', { params: { year: input.year ?? '' } });
    return input.year;
  }

  /** The certificate, for its teacher or an administrator of the subtree. */
  async function readable(ctx: RequestContext, id: number, action: string): Promise<CertificateRow> {
    const actor = requireActor(ctx);
    const c = await certs.find(id);
    if (actor.role === 'teacher') {
      const own = await teachers.findByUserId(actor.userId);
      if (!c || !own || own.id !== c.teacherId)
        return auditRefusal(db, ctx, { action, targetType: 'credit_certificate', targetId: id }, notFoundDenied());
      return c;
    }
    if (!c) throw new AppError('NOT_FOUND');
    await requireAdminAction(db, ctx, action, 'credit.read', { path: c.orgPath, type: 'credit_certificate', id });
    return c;
  }

  const documentOf = (c: CertificateRow, baseUrl: string, locale: 'zh-CN' | 'en'): CertificateDocument => {
    const s = c.snapshot as CertificateSnapshot;
    return {
      ...s,
      // snapshots frozen before the organiser was kept name the kind of source there
      entries: s.entries.map((e) => ({ ...e, organiser: e.organiser ?? (e as { source?: string }).source ?? '' })),
      code: c.code,
      verifyUrl: verifyUrl(baseUrl, c.code),
      locale,
    };
  };

  /** Renders the certificates of a unit's teachers into one zip (the bulk job). */
  async function runBulk(
    job: JobRow,
    ctl: { progress(done: number, total: number): Promise<void>; signal: AbortSignal },
  ) {
    const p = job.params as {
      orgUnitId: number;
      cycleId: number;
      kind: 'cycle' | 'year';
      year: number | null;
      baseUrl: string;
      createdBy: number;
    };
    const unit = (await createOrgUnitRepository(db).findById(p.orgUnitId))!;
    const cycle = (await ledger.cycle(p.cycleId))!;
    const ids: number[] = [];
    for (let after = 0; ; ) {
      const page = await ledger.teacherIdsUnder(unit.provinceId, unit.path, after, 5_000);
      if (page.length === 0) break;
      ids.push(...page);
      after = page[page.length - 1]!;
    }
    fs.mkdirSync(jobsDir, { recursive: true });
    const file = path.join(jobsDir, `certificates-${job.id}.zip`);
    const tmp = `${file}.tmp`;
    const zip = new yazl.ZipFile();
    const out = fs.createWriteStream(tmp);
    const finished = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
      zip.outputStream.on('error', reject);
    });
    zip.outputStream.pipe(out);
    let done = 0;
    let issued = 0;
    // every certificate of a school names the same issuing office: looked up once per school
    const issuers = new Map<string, string>();
    const BATCH = 50;
    // certificates with characters no font has (drawn as boxes): reported with the result
    const missingGlyphs: Array<{ code: string; glyphs: string[] }> = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      ctl.signal.throwIfAborted();
      const batch = ids.slice(i, i + BATCH);
      // issue (or keep) the numbers in one transaction per batch, then render outside it
      const rows = await db.transaction().execute(async (trx) => {
        const list: CertificateRow[] = [];
        for (const tid of batch) {
          const t = (await createTeacherRepository(trx).findById(tid))!;
          const r = await issueIn(trx, t, cycle, p.kind, p.year, p.createdBy, true, issuers);
          if (!r.reused) issued++;
          list.push((await createCreditCertificateRepository(trx).find(r.id))!);
        }
        return list;
      });
      const pdfs = await Promise.all(rows.map((c) => pdfPool().renderChecked(documentOf(c, p.baseUrl, 'zh-CN'))));
      rows.forEach((c, k) => {
        const s = c.snapshot as CertificateSnapshot;
        const r = pdfs[k]!;
        zip.addBuffer(r.pdf, `${s.unitName}/${s.teacherName}-${c.code}.pdf`, { compress: false });
        if (r.missingGlyphs.length && missingGlyphs.length < 100) {
          missingGlyphs.push({ code: c.code, glyphs: r.missingGlyphs });
        }
      });
      done += batch.length;
      await ctl.progress(done, ids.length);
    }
    zip.end();
    await finished;
    fs.renameSync(tmp, file);
    return { file: path.basename(file), count: ids.length, issued, unitName: unit.name, missingGlyphs };
  }

  registerJobHandler(BULK_CERTIFICATE_JOB, runBulk);

  return {
    async issue(
      ctx: RequestContext,
      input: { teacherId: number; cycleId: number; kind: 'cycle' | 'year'; year: number | null },
    ): Promise<CertificateRow> {
      const t = await teachers.findById(input.teacherId);
      if (!t) throw new AppError('NOT_FOUND');
      const actor = await requireAdminAction(db, ctx, 'credit.issue_certificate', 'credit.certify', {
        path: t.orgPath,
        type: 'teacher',
        id: t.id,
        label: t.name,
      });
      const cycle = await loadCycle(t.provinceId, input.cycleId);
      const year = yearOf(input, cycle);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.issue_certificate',
          targetType: 'teacher',
          targetId: t.id,
          targetPath: t.orgPath,
          targetLabel: t.name,
          details: { cycleId: cycle.id, kind: input.kind, year },
        },
        async (trx, meta) => {
          const r = await issueIn(trx, t, cycle, input.kind, year, actor.userId, false);
          meta.details = { ...meta.details, certificateId: r.id };
          return r.id;
        },
      );
      return (await certs.find(id))!;
    },

    async revoke(ctx: RequestContext, id: number, reason: string): Promise<CertificateRow> {
      const c = await certs.find(id);
      if (!c) throw new AppError('NOT_FOUND');
      await requireAdminAction(db, ctx, 'credit.revoke_certificate', 'credit.certify', {
        path: c.orgPath,
        type: 'credit_certificate',
        id,
        label: c.code,
      });
      await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.revoke_certificate',
          targetType: 'credit_certificate',
          targetId: id,
          targetPath: c.orgPath,
          targetLabel: c.code,
          details: { reason },
        },
        async (trx) => {
          if (!(await createCreditCertificateRepository(trx).revoke(id, reason)))
            throw new AppError('CERTIFICATE_STATE');
        },
      );
      return (await certs.find(id))!;
    },

    async get(ctx: RequestContext, id: number): Promise<CertificateRow> {
      return readable(ctx, id, 'credit.read_certificate');
    },

    /**
     * The certificate as PDF, with the characters no installed font has (drawn as boxes with their
     * code points, 'U+2FFFD …'): empty when everything printed in a font.
     */
    async pdf(
      ctx: RequestContext,
      id: number,
      baseUrl: string,
      locale: 'zh-CN' | 'en',
    ): Promise<{ certificate: CertificateRow; pdf: Buffer; missingGlyphs: string[] }> {
      const c = await readable(ctx, id, 'credit.download_certificate');
      return { certificate: c, ...(await pdfPool().renderChecked(documentOf(c, baseUrl, locale))) };
    },

    /** A teacher's own certificates, or an admin's view of one teacher's. */
    async forTeacher(ctx: RequestContext, teacherId: number | undefined): Promise<CertificateRow[]> {
      const actor = requireActor(ctx);
      if (actor.role === 'teacher') {
        const own = await teachers.findByUserId(actor.userId);
        if (!own || (teacherId !== undefined && teacherId !== own.id))
          return auditRefusal(
            db,
            ctx,
            { action: 'credit.list_certificates', targetType: 'teacher', targetId: teacherId ?? null },
            teacherId === undefined ? new AppError('FORBIDDEN') : notFoundDenied(),
          );
        return certs.forTeacher(own.id);
      }
      if (teacherId === undefined)
        throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'teacherId', kind: 'required' }] } });
      const t = await teachers.findById(teacherId);
      if (!t) throw new AppError('NOT_FOUND');
      await requireAdminAction(db, ctx, 'credit.list_certificates', 'credit.read', {
        path: t.orgPath,
        type: 'teacher',
        id: t.id,
        label: t.name,
      });
      return certs.forTeacher(t.id);
    },

    async under(
      ctx: RequestContext,
      orgUnitId: number,
      cycleId: number,
      page: { limit: number; offset: number },
      q?: string,
    ) {
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId, 'credit.list_certificates', 'credit.read');
      return certs.under(unit.path, cycleId, page, q);
    },

    /** Queues the certificates of every teacher of a school or county as one zip; returns the job to follow. */
    async bulk(
      ctx: RequestContext,
      input: { orgUnitId: number; cycleId: number; kind: 'cycle' | 'year'; year: number | null },
      baseUrl: string,
    ): Promise<JobRow> {
      const unit = await requireAdminAtUnit(db, ctx, input.orgUnitId, 'credit.bulk_certificates', 'credit.certify');
      const actor = requireActor(ctx);
      const cycle = await loadCycle(unit.provinceId, input.cycleId);
      const year = yearOf(input, cycle);
      const jobId = await auditedWrite(
        db,
        ctx,
        {
          action: 'credit.bulk_certificates',
          targetType: 'org_unit',
          targetId: unit.id,
          targetPath: unit.path,
          targetLabel: unit.name,
          details: { cycleId: cycle.id, kind: input.kind, year },
        },
        async (trx) =>
          createJobRepository(trx).enqueue({
            kind: BULK_CERTIFICATE_JOB,
            provinceId: unit.provinceId,
            orgPath: unit.path,
            params: { orgUnitId: unit.id, cycleId: cycle.id, kind: input.kind, year, baseUrl, createdBy: actor.userId },
            createdBy: actor.userId,
          }),
      );
      kickJobs();
      return (await createJobRepository(db).get(jobId))!;
    },

    /** The public answer at /verify/<code>: no login, nothing beyond what the page may show. */
    async verify(code: string): Promise<PublicVerification | null> {
      const normalised = code.trim().toUpperCase();
      if (!/^[A-Z0-9]{10,20}$/.test(normalised)) return null;
      const c = await certs.findByCode(normalised);
      if (!c) return null;
      const s = c.snapshot as CertificateSnapshot;
      return {
        code: c.code,
        status: c.status,
        nameMasked: maskName(s.teacherName),
        unitName: s.unitName,
        cycleName: s.cycleName,
        kind: c.kind,
        year: c.year,
        totalHours: s.totalHours,
        requiredHours: s.requiredHours,
        result: c.kind === 'record' ? null : s.status,
        // the figures were frozen when the document was issued
        asOf: s.issuedOn,
        issuedOn: s.issuedOn,
        supersededByCode: c.supersededByCode,
      };
    },

    /** The zip a bulk job produced, for whoever may see the job's unit. */
    async bulkFile(ctx: RequestContext, jobId: number): Promise<{ path: string; name: string }> {
      const job = await createJobRepository(db).get(jobId);
      if (!job || job.kind !== BULK_CERTIFICATE_JOB) throw new AppError('NOT_FOUND');
      await requireAdminAction(db, ctx, 'credit.download_certificates', 'credit.read', {
        path: job.orgPath,
        type: 'job',
        id: jobId,
      });
      const r = job.result as { file?: string; unitName?: string } | null;
      if (job.status !== 'done' || !r?.file) throw new AppError('CONFLICT');
      return { path: path.join(jobsDir, r.file), name: `${r.unitName ?? 'certificates'}-继续教育证书.zip` };
    },
  };
}
