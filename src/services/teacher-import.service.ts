import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { DB } from '../db/schema.js';
import { closestNames } from '../domain/name-match.js';
import { holdsTeachers } from '../domain/org-tree.js';
import { maskIdNumber } from '../domain/id-number.js';
import { checkRosterRow, shownValue, type RawRosterRow, type RowError } from '../domain/roster-row.js';
import { diffTeacher } from '../domain/teacher.js';
import { quotable } from '../domain/text.js';
import { can } from '../policies/access.policy.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import {
  createTeacherImportRepository,
  type ImportSummary,
  type StagedRow,
  type TeacherImportRow,
} from '../repositories/teacher-import.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { currentYear } from '../config/env.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { syncTeachersAllCycles } from './credit-summary.js';
import { personalDataCipher } from './personal-data.js';
import { requireRegistryManage, requireRegistryRole } from './registry-access.js';
import { readRosterInChunks, rosterTemplate } from './roster-file.js';
import { comparable, toColumns } from './teacher.service.js';

export const MAX_ROSTER_ROWS = 200_000;
/** row errors kept with an import (the file may have many more; the count is always exact) */
const MAX_KEPT_ERRORS = 5_000;
/** rows checked, encrypted and staged at a time: bounds the memory of a large upload */
const CHUNK_ROWS = 5_000;
/** distinct unknown school names of one upload that get a "did you mean" list (the rest get none) */
const MAX_SUGGESTED_NAMES = 500;

export interface ImportReport {
  importId: number;
  status: TeacherImportRow['status'];
  fileName: string;
  /** when a checked upload nobody commits expires (its staged rows are then deleted) */
  expiresAt: Date | null;
  summary: ImportSummary;
  errors: RowError[];
  extraColumns: string[];
  transfers: Array<{
    row: number;
    name: string;
    idNumberMasked: string;
    fromUnitName: string | null;
    toUnitName: string;
  }>;
  result: Record<string, number> | null;
}

const today = () => new Date().toISOString().slice(0, 10);

export function createTeacherImportService({ db, env }: ServiceDeps) {
  const units = createOrgUnitRepository(db);
  const imports = createTeacherImportRepository(db);

  async function unitFor(ctx: RequestContext, unitId: number, action: string): Promise<OrgUnitRow> {
    await requireRegistryRole(db, ctx, action);
    const unit = await units.findById(unitId);
    if (!unit) return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: unitId }, notFoundDenied());
    await requireRegistryManage(db, ctx, action, { path: unit.path, type: 'org_unit', id: unit.id, label: unit.name });
    if (unit.kind === 'institution') {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'org_unit', targetId: unit.id, targetPath: unit.path, targetLabel: unit.name },
        new AppError('FORBIDDEN'),
      );
    }
    return unit;
  }

  async function importFor(ctx: RequestContext, id: number, action: string): Promise<TeacherImportRow> {
    const actor = await requireRegistryRole(db, ctx, action);
    const imp = await imports.find(id);
    if (!imp || !can(actor, 'teacher.manage', { path: imp.orgPath }))
      return auditRefusal(db, ctx, { action, targetType: 'teacher_import', targetId: id }, notFoundDenied());
    return imp;
  }

  /**
   * Units of the subtree that hold teachers (schools and township centre schools), by exact name
   * and by code; a name used twice is ambiguous. An unknown name gets the closest names of the
   * subtree, worked out once per distinct name.
   */
  async function schoolIndex(unit: OrgUnitRow) {
    const rows = await units.teacherUnitsUnder(unit.path);
    const byName = new Map<string, { id: number; path: string } | 'ambiguous'>();
    const byCode = new Map<string, { id: number; path: string }>();
    for (const r of rows) {
      byName.set(r.name, byName.has(r.name) ? 'ambiguous' : { id: r.id, path: r.path });
      if (r.code) byCode.set(r.code, { id: r.id, path: r.path });
    }
    const suggested = new Map<string, string[]>();
    const suggestions = (name: string): string[] => {
      let found = suggested.get(name);
      if (!found) {
        found = suggested.size < MAX_SUGGESTED_NAMES ? closestNames(name, byName.keys(), 3) : [];
        suggested.set(name, found);
      }
      return found;
    };
    return { byName, byCode, suggestions };
  }

  const ttlMs = () => env.PEIXUN_IMPORT_TTL_HOURS * 3_600_000;
  const expiresAt = (imp: TeacherImportRow) =>
    imp.status === 'validated' ? new Date(imp.createdAt.getTime() + ttlMs()) : null;
  const hasExpired = (imp: TeacherImportRow) =>
    imp.status === 'expired' || (imp.status === 'validated' && expiresAt(imp)!.getTime() <= Date.now());

  /**
   * Checked uploads nobody committed in time: marked expired and their staged rows (encrypted
   * identifiers) deleted, one audit row each. Run before each check and by the server's sweeper.
   */
  async function expireStale(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const gone = await createTeacherImportRepository(trx).expireCheckedBefore(new Date(Date.now() - ttlMs()));
      for (const g of gone) {
        await appendAudit(
          trx,
          { actor: null, ip: null },
          {
            action: 'teacher_import.expire',
            targetType: 'teacher_import',
            targetId: g.id,
            targetPath: g.orgPath,
            targetLabel: g.fileName,
            details: { hours: env.PEIXUN_IMPORT_TTL_HOURS },
          },
          'success',
        );
      }
      return gone.length;
    });
  }

  async function report(imp: TeacherImportRow): Promise<ImportReport> {
    const expired = hasExpired(imp);
    const transfers = imp.status === 'validated' && !expired ? await imports.stagedTransfers(imp.id, 500) : [];
    return {
      importId: imp.id,
      status: expired ? 'expired' : imp.status,
      fileName: imp.fileName,
      expiresAt: expired ? null : expiresAt(imp),
      summary: imp.summary,
      errors: imp.errors as RowError[],
      extraColumns: imp.extraColumns,
      transfers: transfers.map(({ fromPath: _, ...t }) => t),
      result: imp.result,
    };
  }

  return {
    async template(ctx: RequestContext, unitId: number): Promise<Buffer> {
      const unit = await unitFor(ctx, unitId, 'teacher_import.template');
      return rosterTemplate({ withSchoolColumn: unit.kind !== 'school', schoolRequired: !holdsTeachers(unit.kind) });
    },

    /**
     * Reads and checks every row; stores the outcome and the good rows, ready to commit. Nothing
     * in the registry changes here.
     */
    async validate(ctx: RequestContext, unitId: number, file: { name: string; data: Buffer }): Promise<ImportReport> {
      const actor = requireActor(ctx);
      const unit = await unitFor(ctx, unitId, 'teacher_import.validate');
      await expireStale();
      // above a school each row names its school; a township centre school's own teachers may leave it blank
      const needSchool = !holdsTeachers(unit.kind);
      const schools = unit.kind !== 'school' ? await schoolIndex(unit) : null;
      const cipher = personalDataCipher(env);
      const now = new Date();
      const errors: RowError[] = [];
      const summary: ImportSummary = { total: 0, create: 0, update: 0, unchanged: 0, transfer: 0, error: 0 };
      const firstRowOfId = new Map<string, number>();
      const meta = {
        action: 'teacher_import.validate',
        targetType: 'teacher_import',
        targetPath: unit.path,
        targetLabel: unit.name,
        details: { file: quotable(file.name, 100) } as Record<string, unknown>,
      };

      /** Checks one chunk of rows and encrypts the good ones (Node's work). */
      function prepare(rows: Array<{ rowNo: number; raw: RawRosterRow }>): StagedRow[] {
        const staged: StagedRow[] = [];
        for (const { rowNo, raw } of rows) {
          summary.total++;
          const r = checkRosterRow(raw, rowNo, now);
          // the school and a repeated ID number are checked whatever else is wrong with the row
          const rowErrors: RowError[] = r.ok ? [] : r.errors;
          const s = r.ok ? r.row.school : r.school;
          const schoolError = (code: string, extra: Partial<RowError> = {}) =>
            rowErrors.push({ row: rowNo, column: 'school', code, ...(s ? shownValue(s) : {}), ...extra });
          let dest: { id: number; path: string } | undefined;
          if (rowErrors.some((e) => e.column === 'school')) {
            // the cell itself is refused (hidden characters, an ID number): reported already
          } else if (!s) {
            if (needSchool) schoolError('required');
            else dest = unit;
          } else if (holdsTeachers(unit.kind) && (s === unit.name || s === unit.code)) dest = unit;
          else if (!schools) schoolError('school_mismatch');
          else {
            const hit = schools.byCode.get(s) ?? schools.byName.get(s);
            if (hit === 'ambiguous') schoolError('school_ambiguous');
            else if (hit) dest = hit;
            else {
              const suggestions = schools.suggestions(s);
              schoolError('school_unknown', suggestions.length ? { suggestions } : {});
            }
          }
          const idNumber = r.ok ? r.row.fields.idNumber : r.idNumber;
          if (idNumber) {
            const first = firstRowOfId.get(idNumber);
            if (first === undefined) firstRowOfId.set(idNumber, rowNo);
            else {
              const repeat = { code: 'duplicate_in_file', value: maskIdNumber(idNumber), otherRow: first };
              rowErrors.push({ row: rowNo, column: 'idNumber', ...repeat });
            }
          }
          if (rowErrors.length || !r.ok) {
            summary.error++;
            for (const e of rowErrors) if (errors.length < MAX_KEPT_ERRORS) errors.push(e);
            continue;
          }
          staged.push({
            ...toColumns(r.row.fields, cipher),
            row_no: rowNo,
            action: 'create',
            teacher_id: null,
            org_unit_id: dest!.id,
            org_path: dest!.path,
            changes: null,
          });
        }
        return staged;
      }

      /** Compares a prepared chunk with the registry and stages it (PostgreSQL's work). */
      async function store(trx: Transaction<DB>, importId: number, staged: StagedRow[]): Promise<void> {
        // compare with the registry, by the keyed hash of the ID number
        const existing = new Map(
          (await createTeacherRepository(trx).findByIdHashes(staged.map((x) => x.id_number_hash))).map((t) => [
            t.id_number_hash.toString('hex'),
            t,
          ]),
        );
        const toStage: StagedRow[] = [];
        for (const x of staged) {
          const t = existing.get(x.id_number_hash.toString('hex'));
          if (t) {
            x.teacher_id = t.id;
            const changes = diffTeacher(comparable(t), comparable(x));
            if (t.org_unit_id !== x.org_unit_id) {
              x.action = 'transfer';
              x.changes = { ...changes, orgUnitId: { from: t.org_unit_id, to: x.org_unit_id } };
            } else if (Object.keys(changes).length) {
              x.action = 'update';
              x.changes = changes;
            } else x.action = 'unchanged';
          }
          summary[x.action]++;
          if (x.action !== 'unchanged') toStage.push(x);
        }
        await createTeacherImportRepository(trx).stageRows(importId, toStage);
      }

      // one transaction: the upload is recorded with all its staged rows, or (bad file) not at all
      const importId = await auditedWrite(db, ctx, meta, async (trx, m) => {
        const repo = createTeacherImportRepository(trx);
        const id = await repo.insert({
          provinceId: unit.provinceId,
          orgUnitId: unit.id,
          orgPath: unit.path,
          createdBy: actor.userId,
          fileName: quotable(file.name, 200) || 'upload',
          fileSha256: crypto.createHash('sha256').update(file.data).digest(),
          totalRows: 0,
          summary,
          errors: [],
        });
        m.targetId = id;
        // PostgreSQL stores one chunk while Node reads and prepares the next; at most one waits
        let storing: Promise<void> = Promise.resolve();
        const info = await readRosterInChunks(
          file.data,
          file.name,
          {
            maxRows: MAX_ROSTER_ROWS,
            maxUnpacked: env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576,
            needSchool,
            chunkSize: CHUNK_ROWS,
          },
          async (rows) => {
            const staged = prepare(rows);
            await storing;
            storing = store(trx, id, staged);
            // a failure is awaited below or at the next chunk; until then it must not count as unhandled
            storing.catch(() => undefined);
          },
        ).catch(async (e: unknown) => {
          await storing.catch(() => undefined);
          throw e;
        });
        await storing;
        errors.sort((a, b) => a.row - b.row);
        await repo.finish(id, { totalRows: summary.total, summary, errors, extraColumns: info.extraColumns });
        m.details = { ...m.details, summary };
        return id;
      });
      return report((await imports.find(importId))!);
    },

    async get(ctx: RequestContext, id: number): Promise<ImportReport> {
      return report(await importFor(ctx, id, 'teacher_import.read'));
    },

    /** Commits every good row in one transaction: all of them, or none. */
    async commit(ctx: RequestContext, id: number, opts: { confirmTransfers: boolean }): Promise<ImportReport> {
      const actor = requireActor(ctx);
      const imp = await importFor(ctx, id, 'teacher_import.commit');
      const meta = {
        action: 'teacher_import.commit',
        targetType: 'teacher_import',
        targetId: id,
        targetPath: imp.orgPath,
        targetLabel: imp.fileName,
        details: { confirmTransfers: opts.confirmTransfers } as Record<string, unknown>,
      };
      await auditedWrite(db, ctx, meta, async (trx, m) => {
        const repo = createTeacherImportRepository(trx);
        const locked = (await repo.lockForCommit(id))!;
        const hours = env.PEIXUN_IMPORT_TTL_HOURS;
        if (hasExpired(locked)) throw new AppError('IMPORT_EXPIRED', { params: { hours }, details: { hours } });
        if (locked.status !== 'validated') throw new AppError('IMPORT_NOT_OPEN');
        // one commit at a time touches the registry's identity index, so two imports of the
        // same people cannot both pass the staleness check
        await sql`SELECT pg_advisory_xact_lock(727002)`.execute(trx);
        if (await repo.isStale(id, locked.createdAt)) throw new AppError('IMPORT_STALE');
        const day = today();
        const created = await repo.commitCreates(id, locked.provinceId, actor.userId, day);
        const updated = await repo.commitUpdates(id);
        await repo.auditRows(id, ctx, opts.confirmTransfers ? ['update', 'transfer'] : ['update']);
        const transferred = opts.confirmTransfers ? await repo.commitTransfers(id, actor.userId, day) : 0;
        await syncTeachersAllCycles(
          trx,
          locked.provinceId,
          await repo.committedTeacherIds(id, opts.confirmTransfers),
          currentYear(env),
        );
        const result = {
          created,
          updated,
          unchanged: locked.summary.unchanged,
          transferred,
          transfersNotConfirmed: opts.confirmTransfers ? 0 : locked.summary.transfer,
          errorRowsLeftOut: locked.summary.error,
        };
        await repo.markCommitted(id, actor.userId, result);
        m.details = { ...m.details, result };
      });
      return report((await imports.find(id))!);
    },

    expireStale,

    async discard(ctx: RequestContext, id: number): Promise<void> {
      const imp = await importFor(ctx, id, 'teacher_import.discard');
      await auditedWrite(
        db,
        ctx,
        {
          action: 'teacher_import.discard',
          targetType: 'teacher_import',
          targetId: id,
          targetPath: imp.orgPath,
          targetLabel: imp.fileName,
        },
        async (trx) => {
          const repo = createTeacherImportRepository(trx);
          const locked = (await repo.lockForCommit(id))!;
          if (locked.status !== 'validated') throw new AppError('IMPORT_NOT_OPEN');
          await repo.markDiscarded(id);
        },
      );
    },
  };
}

export type TeacherImportService = ReturnType<typeof createTeacherImportService>;
