import { PassThrough } from 'node:stream';
import { currentYear } from '../config/env.js';
import { formatTenths } from '../domain/cycle-rules.js';
import { isWithin, pathIds, STAGES } from '../domain/org-tree.js';
import { STAGE_LABELS } from '../domain/teacher.js';
import { hasForbiddenChars, normaliseText, shownValue } from '../domain/text.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import {
  createTrainerRepository,
  TRAINER_KINDS,
  TRAINER_LEVELS,
  type TeacherEnrolmentRow,
  type TrainerClassRow,
  type TrainerFields,
  type TrainerFilter,
  type TrainerKind,
  type TrainerLevel,
  type TrainerRow,
  type TrainingEntryFields,
  type TrainingEntryRow,
} from '../repositories/trainer.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { translatePgError } from './pg-errors.js';
import { requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { writeXlsx } from './roster-file.js';
import { codeText, readSheetRows, words } from './sheet-file.js';

export { TRAINER_KINDS, TRAINER_LEVELS };
export type { TrainerClassRow, TrainerKind, TrainerLevel, TrainerRow, TrainingEntryFields, TrainingEntryRow };

export const KIND_LABELS: Record<TrainerKind, string> = { trainer: '培训者', expert: '专家' };
export const LEVEL_LABELS: Record<TrainerLevel, string> = {
  school: '校级',
  county: '县级',
  city: '市级',
  province: '省级',
  national: '国家级',
};
const UNIQUE = {
  trainer_profile_user_idx: 'TRAINER_ACCOUNT_TAKEN',
  trainer_profile_teacher_idx: 'TRAINER_TEACHER_TAKEN',
} as const;

/** A pool entry as a reader sees it: whether they may change it, and whether it comes from a unit above them. */
export interface TrainerView extends TrainerRow {
  canManage: boolean;
  inherited: boolean;
}

/** A new entry; lists, texts and links may be left out. */
export type TrainerInput = Pick<TrainerFields, 'kind' | 'name' | 'level'> &
  Partial<Omit<TrainerFields, 'kind' | 'name' | 'level'>>;

export interface TrainerQuery extends Omit<TrainerFilter, 'unitPath' | 'provinceId' | 'status'> {
  orgUnitId?: number;
  status?: TrainerFilter['status'];
}

/** The trainer's own training record with totals; and, when linked to a registry teacher the reader may see, that teacher's training. */
export interface TrainingRecord {
  items: TrainingEntryRow[];
  years: Array<{ year: number; hours: number; count: number }>;
  totalHours: number;
  teacher: null | {
    id: number;
    name: string;
    enrolments: TeacherEnrolmentRow[];
    ledger: { cycleName: string; countedHours: number; status: string } | null;
  };
}

/** The columns of the pool sheet (export and import alike; the last is shown, not read). */
export const TRAINER_COLUMNS = [
  { key: 'unit', zh: '所属单位', en: 'unit', required: false, width: 20 },
  { key: 'kind', zh: '类别', en: 'kind', required: true, width: 8 },
  { key: 'name', zh: '姓名', en: 'name', required: true, width: 12 },
  { key: 'title', zh: '职称', en: 'title', required: false, width: 14 },
  { key: 'employer', zh: '工作单位', en: 'employer', required: false, width: 24 },
  { key: 'level', zh: '入库级别', en: 'level', required: true, width: 10 },
  { key: 'subjects', zh: '学科', en: 'subjects', required: false, width: 18 },
  { key: 'stages', zh: '学段', en: 'stages', required: false, width: 16 },
  { key: 'specialties', zh: '专长', en: 'specialties', required: false, width: 32 },
  { key: 'account', zh: '培训者账号', en: 'account', required: false, width: 16 },
  { key: 'status', zh: '状态', en: 'status', required: false, width: 8 },
  { key: 'hours', zh: '本人培训学时', en: 'own training hours', required: false, width: 12 },
] as const;
type ColumnKey = (typeof TRAINER_COLUMNS)[number]['key'];
const COLUMN_ZH = Object.fromEntries(TRAINER_COLUMNS.map((c) => [c.key, c.zh])) as Record<ColumnKey, string>;
const MAX_ROWS = 5_000;
const LIST_SEPARATORS = /[、,，;；\n]+/;

/** One problem of one sheet row: the row as Excel numbers it, the column by its Chinese header. */
export interface TrainerSheetProblem {
  row: number;
  column: string;
  code:
    | 'required'
    | 'too_long'
    | 'bad_chars'
    | 'unknown_kind'
    | 'unknown_level'
    | 'unknown_stage'
    | 'unknown_status'
    | 'too_many'
    | 'unit_unknown'
    | 'unit_ambiguous'
    | 'unit_not_manageable'
    | 'account_unknown'
    | 'account_taken'
    | 'ambiguous'
    | 'duplicate_in_file';
  value?: string;
}

export interface TrainerImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

const invalid = (problems: Record<string, string>) => new AppError('TRAINER_INVALID', { details: { problems } });
const uniq = (xs: string[]) => [...new Set(xs)];
const canonicalStages = (xs: string[]) => STAGES.filter((s) => xs.includes(s));

/**
 * The trainer and expert pool (培训者/专家库, R-51). Every administrator keeps the pool of their unit;
 * pools are shared downward (a unit sees the entries of the units above it, read-only) and a unit
 * also reads the pools below it. An entry may name the trainer's account (the classes they teach)
 * and their registry entry (their own continuing education); the trainer's own training outside
 * the registry is recorded with the entry. A trainer reads their own entry and record.
 */
export function createTrainerService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createTrainerRepository(db);

  const view = (actor: Actor, r: TrainerRow): TrainerView => ({
    ...r,
    canManage: can(actor, 'trainer.manage', { path: r.orgPath }),
    inherited: r.orgPath !== actor.orgPath && isWithin(r.orgPath, actor.orgPath),
  });

  /** An entry the actor may read: missing or out of sight is "not found" (audited as denied when it exists). */
  async function readable(
    ctx: RequestContext,
    id: number,
    action: string,
  ): Promise<{ actor: Actor; entry: TrainerRow }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const entry = await repo.find(id);
    if (!entry) throw new AppError('NOT_FOUND');
    if (entry.provinceId !== actor.provinceId || !can(actor, 'trainer.read', { path: entry.orgPath })) {
      return auditRefusal(db, ctx, { action, targetType: 'trainer_profile', targetId: id }, notFoundDenied());
    }
    return { actor, entry };
  }

  /** An entry the actor may change: one inherited from above is "forbidden". */
  async function manageable(
    ctx: RequestContext,
    id: number,
    action: string,
  ): Promise<{ actor: Actor; entry: TrainerRow }> {
    const r = await readable(ctx, id, action);
    if (!can(r.actor, 'trainer.manage', { path: r.entry.orgPath })) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'trainer_profile', targetId: id, targetPath: r.entry.orgPath, targetLabel: r.entry.name },
        new AppError('FORBIDDEN'),
      );
    }
    return r;
  }

  async function viewUnit(
    ctx: RequestContext,
    orgUnitId: number | undefined,
    action: string,
  ): Promise<{ actor: Actor; unit: OrgUnitRow }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const unit = await requireAdminAtUnit(db, ctx, orgUnitId ?? actor.orgUnitId, action, 'org.read');
    return { actor, unit };
  }

  /**
   * The account and registry entry an entry names must be a trainer account and a teacher of the
   * actor's subtree; anything else reads as unknown (existence outside the subtree is not revealed).
   */
  async function checkLinks(
    ctx: RequestContext,
    actor: Actor,
    action: string,
    f: { userId: number | null; teacherId: number | null },
    before: TrainerRow | null,
    target: { id?: number; path: string; label: string },
  ): Promise<void> {
    const problems: Record<string, string> = {};
    if (f.userId !== null && f.userId !== before?.userId) {
      const u = await repo.account(f.userId);
      if (!u || u.provinceId !== actor.provinceId || !isWithin(actor.orgPath, u.orgPath))
        problems['userId'] = 'not_found';
      else if (u.role !== 'trainer') problems['userId'] = 'not_trainer';
    }
    if (f.teacherId !== null && f.teacherId !== before?.teacherId) {
      const t = await repo.teacher(f.teacherId);
      if (!t || t.provinceId !== actor.provinceId || !isWithin(actor.orgPath, t.orgPath))
        problems['teacherId'] = 'not_found';
    }
    if (Object.keys(problems).length) {
      await auditRefusal(
        db,
        ctx,
        {
          action,
          targetType: 'trainer_profile',
          targetId: target.id ?? null,
          targetPath: target.path,
          targetLabel: target.label,
          details: { problems },
        },
        invalid(problems),
      );
    }
  }

  function normalise(input: TrainerInput, base?: TrainerFields): TrainerFields {
    const pick = <K extends keyof TrainerFields>(k: K, fallback: TrainerFields[K]): TrainerFields[K] =>
      input[k] !== undefined ? (input[k] as TrainerFields[K]) : base ? base[k] : fallback;
    return {
      kind: input.kind ?? base!.kind,
      name: input.name ?? base!.name,
      level: input.level ?? base!.level,
      title: pick('title', null) || null,
      employer: pick('employer', null) || null,
      specialties: pick('specialties', null) || null,
      subjects: uniq(pick('subjects', [])),
      stages: canonicalStages(pick('stages', [])),
      active: pick('active', true),
      userId: pick('userId', null),
      teacherId: pick('teacherId', null),
    };
  }

  const translated = (e: unknown) => translatePgError(e, UNIQUE);

  async function record(actor: Actor, entry: TrainerRow, own: boolean): Promise<TrainingRecord> {
    const [items, years] = await Promise.all([repo.entries(entry.id), repo.yearTotals(entry.id)]);
    let teacher: TrainingRecord['teacher'] = null;
    // the registry teacher's own training: for the trainer themselves, or an admin who may read that teacher's ledger
    if (
      entry.teacher &&
      (own || (entry.provinceId === actor.provinceId && can(actor, 'credit.read', { path: entry.teacher.orgPath })))
    ) {
      const [enrolments, ledger] = await Promise.all([
        repo.teacherEnrolments(entry.teacher.id),
        repo.ledgerStanding(entry.teacher.id, currentYear(env)),
      ]);
      teacher = { id: entry.teacher.id, name: entry.teacher.name, enrolments, ledger: ledger ?? null };
    }
    return { items, years, totalHours: years.reduce((s, y) => s + y.hours, 0), teacher };
  }

  function filterOf(actor: Actor, unit: OrgUnitRow, q: TrainerQuery): TrainerFilter {
    const { orgUnitId: _, ...rest } = q;
    return { ...rest, unitPath: unit.path, provinceId: actor.provinceId, status: q.status ?? 'active' };
  }

  return {
    /** One page of a unit's view of the pool (default: the actor's unit), with whether the actor may add entries there. */
    async list(
      ctx: RequestContext,
      q: TrainerQuery,
      page: { limit: number; offset: number },
    ): Promise<{ items: TrainerView[]; total: number; canCreate: boolean; unit: OrgUnitRow }> {
      const { actor, unit } = await viewUnit(ctx, q.orgUnitId, 'trainer.list');
      const { items, total } = await repo.list(filterOf(actor, unit, q), page);
      return {
        items: items.map((r) => view(actor, r)),
        total,
        canCreate: can(actor, 'trainer.manage', { path: unit.path }),
        unit,
      };
    },

    async get(ctx: RequestContext, id: number): Promise<TrainerView> {
      const { actor, entry } = await readable(ctx, id, 'trainer.read');
      return view(actor, entry);
    },

    /** A new entry of a unit's pool (default: the actor's own). */
    async create(ctx: RequestContext, input: TrainerInput & { orgUnitId?: number }): Promise<TrainerView> {
      const action = 'trainer.create';
      const actor = await requireRegistryRole(db, ctx, action);
      const unit = await requireAdminAtUnit(db, ctx, input.orgUnitId ?? actor.orgUnitId, action, 'trainer.manage');
      const { orgUnitId: _, ...rest } = input;
      const fields = normalise(rest);
      await checkLinks(ctx, actor, action, fields, null, { path: unit.path, label: fields.name });
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'trainer_profile',
          targetPath: unit.path,
          targetLabel: fields.name,
          details: { kind: fields.kind, level: fields.level, userId: fields.userId, teacherId: fields.teacherId },
        },
        async (trx, m) => {
          const newId = await createTrainerRepository(trx)
            .insert({
              ...fields,
              provinceId: unit.provinceId,
              orgUnitId: unit.id,
              orgPath: unit.path,
              createdBy: actor.userId,
            })
            .catch((e: unknown) => {
              throw translated(e);
            });
          m.targetId = newId;
          return newId;
        },
      );
      return view(actor, (await repo.find(id))!);
    },

    /** Changes some fields of an entry (including deactivating it); what is left out stays. */
    async update(ctx: RequestContext, id: number, patch: Partial<TrainerFields>): Promise<TrainerView> {
      const action = 'trainer.update';
      const { actor, entry } = await manageable(ctx, id, action);
      const fields = normalise({ kind: entry.kind, name: entry.name, level: entry.level, ...patch }, entry);
      await checkLinks(ctx, actor, action, fields, entry, { id, path: entry.orgPath, label: fields.name });
      const changed = (Object.keys(fields) as Array<keyof TrainerFields>).filter(
        (k) => JSON.stringify(fields[k]) !== JSON.stringify(entry[k]),
      );
      if (changed.length === 0) return view(actor, entry);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'trainer_profile',
          targetId: id,
          targetPath: entry.orgPath,
          targetLabel: fields.name,
          details: { changed },
        },
        async (trx) => {
          await createTrainerRepository(trx)
            .update(id, fields)
            .catch((e: unknown) => {
              throw translated(e);
            });
        },
      );
      return view(actor, (await repo.find(id))!);
    },

    /** Trainer accounts of the actor's subtree that an entry may name, with the entry each is already linked to. */
    async accounts(ctx: RequestContext, q: string | undefined) {
      const actor = await requireRegistryRole(db, ctx, 'trainer.list_accounts');
      return repo.accounts(actor.orgPath, q, 50);
    },

    /** The classes the entry's account teaches, of projects on the reader's line of the tree. */
    async classes(ctx: RequestContext, id: number): Promise<TrainerClassRow[]> {
      const { actor, entry } = await readable(ctx, id, 'trainer.list_classes');
      return entry.userId === null ? [] : repo.classes(entry.userId, actor.provinceId, actor.orgPath);
    },

    async training(ctx: RequestContext, id: number): Promise<TrainingRecord> {
      const { actor, entry } = await readable(ctx, id, 'trainer.list_training');
      return record(actor, entry, false);
    },

    /** Adds a line to the trainer's own training record. */
    async addTraining(ctx: RequestContext, id: number, f: TrainingEntryFields): Promise<TrainingEntryRow> {
      const action = 'trainer.add_training';
      const { actor, entry } = await manageable(ctx, id, action);
      if (f.endsOn < f.startsOn) {
        throw new AppError('VALIDATION_FAILED', { details: { issues: [{ path: 'endsOn', kind: 'before_start' }] } });
      }
      const entryId = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'trainer_profile',
          targetId: id,
          targetPath: entry.orgPath,
          targetLabel: entry.name,
          details: { title: f.title, startsOn: f.startsOn, endsOn: f.endsOn, hours: f.hours },
        },
        async (trx, m) => {
          const newId = await createTrainerRepository(trx)
            .insertEntry(id, f, actor.userId)
            .catch((e: unknown) => {
              throw translated(e);
            });
          m.details = { ...m.details, entryId: newId };
          return newId;
        },
      );
      return (await repo.entry(entryId))!;
    },

    /** Deletes a line of the record; the audit row keeps what it said. */
    async deleteTraining(ctx: RequestContext, id: number, entryId: number): Promise<void> {
      const action = 'trainer.delete_training';
      const { entry } = await manageable(ctx, id, action);
      const line = await repo.entry(entryId);
      if (!line || line.trainerId !== id) throw new AppError('NOT_FOUND');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'trainer_profile',
          targetId: id,
          targetPath: entry.orgPath,
          targetLabel: entry.name,
          details: {
            entryId,
            title: line.title,
            organiser: line.organiser,
            startsOn: line.startsOn,
            endsOn: line.endsOn,
            hours: line.hours,
          },
        },
        async (trx) => {
          await createTrainerRepository(trx).deleteEntry(entryId);
        },
      );
    },

    /** A trainer's own entry, record and classes (never anyone else's); null when no unit has put them in its pool. */
    async mine(
      ctx: RequestContext,
    ): Promise<{ profile: TrainerView | null; record: TrainingRecord | null; classes: TrainerClassRow[] }> {
      const action = 'trainer.read_own';
      const actor = requireActor(ctx);
      if (actor.role !== 'trainer')
        return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
      const [entry, classes] = await Promise.all([
        repo.findByUser(actor.userId),
        repo.classes(actor.userId, actor.provinceId, null),
      ]);
      if (!entry) return { profile: null, record: null, classes };
      return {
        profile: { ...entry, canManage: false, inherited: false },
        record: await record(actor, entry, true),
        classes,
      };
    },

    /** The entries of a unit's view as a sheet, with each one's own training hours. */
    async export(ctx: RequestContext, q: TrainerQuery): Promise<{ data: Buffer; unitName: string }> {
      const { actor, unit } = await viewUnit(ctx, q.orgUnitId, 'trainer.export');
      const filter = filterOf(actor, unit, q);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<void>((resolve, reject) => {
        out.on('end', resolve);
        out.on('error', reject);
      });
      async function* rows() {
        for await (const batch of repo.iterate(filter)) {
          for (const r of batch) {
            const hours = (await repo.yearTotals(r.id)).reduce((s, y) => s + y.hours, 0);
            yield [
              r.orgUnitName,
              KIND_LABELS[r.kind],
              r.name,
              r.title ?? '',
              r.employer ?? '',
              LEVEL_LABELS[r.level],
              r.subjects.join('、'),
              r.stages.map((s) => STAGE_LABELS[s as keyof typeof STAGE_LABELS] ?? s).join('、'),
              r.specialties ?? '',
              r.user?.username ?? '',
              r.active ? '在库' : '停用',
              Number(formatTenths(hours)),
            ];
          }
        }
      }
      await writeXlsx(
        out,
        '培训者专家库',
        TRAINER_COLUMNS.map((c) => ({ header: c.zh, width: c.width })),
        rows(),
      );
      await done;
      return { data: Buffer.concat(chunks), unitName: unit.name };
    },

    /**
     * Imports the rows of a sheet shaped like the export into a unit's pool (or the units below it
     * named in 所属单位): every row is checked first, then all are written in one transaction or none.
     * A row matches the entry of its unit with the same name: equal content is left alone, other
     * content updates it (its registry teacher stays); 本人培训学时 is not read.
     */
    async import(
      ctx: RequestContext,
      orgUnitId: number,
      file: { name: string; data: Buffer },
    ): Promise<TrainerImportResult> {
      const action = 'trainer.import';
      const actor = await requireRegistryRole(db, ctx, action);
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId, action, 'trainer.manage');
      const rows = await readSheetRows(file.data, file.name, {
        columns: TRAINER_COLUMNS,
        identifying: ['name', 'level'],
        maxRows: MAX_ROWS,
        maxUnpacked: env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576,
      });
      if (rows === null) {
        const required = TRAINER_COLUMNS.filter((c) => c.required).map((c) => c.zh);
        throw new AppError('IMPORT_MISSING_COLUMNS', {
          params: { columns: required.join('、') },
          details: { missing: required },
        });
      }
      if (rows.length === 0)
        throw new AppError('TRAINER_SHEET_INVALID', { details: { problems: [], problemCount: 0, empty: true } });

      const kindOf = new Map<string, TrainerKind>(
        TRAINER_KINDS.flatMap(
          (k) =>
            [
              [KIND_LABELS[k], k],
              [k, k],
            ] as Array<[string, TrainerKind]>,
        ),
      );
      const levelOf = new Map<string, TrainerLevel>(
        TRAINER_LEVELS.flatMap(
          (l) =>
            [
              [LEVEL_LABELS[l], l],
              [LEVEL_LABELS[l].replace(/级$/, ''), l],
              [l, l],
            ] as Array<[string, TrainerLevel]>,
        ),
      );
      const stageOf = new Map<string, string>(
        STAGES.flatMap((x) => [
          [STAGE_LABELS[x], x],
          [x, x],
        ]),
      );
      const statusOf = new Map<string, boolean>([
        ['', true],
        ['在库', true],
        ['启用', true],
        ['active', true],
        ['停用', false],
        ['inactive', false],
      ]);
      const unitNames = uniq(rows.map((r) => words(r.cells.unit ?? null)).filter(Boolean));
      const byName = new Map<string, Array<{ id: number; name: string; path: string }>>();
      // the units a row may name: the unit's subtree, and the units above it (whose rows must then be unchanged)
      const above = (await createOrgUnitRepository(db).findByIds(pathIds(unit.path)))
        .filter((u) => u.id !== unit.id)
        .map((u) => ({ id: u.id, name: u.name, path: u.path, provinceId: u.provinceId }));
      for (const u of [...above, ...(await repo.unitsNamed(unit.path, unitNames))])
        if (u.provinceId === unit.provinceId) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
      const usernames = uniq(rows.map((r) => codeText(r.cells.account ?? null)).filter(Boolean));
      const accountOf = new Map((await repo.accountsNamed(usernames)).map((a) => [a.username, a]));

      const problems: TrainerSheetProblem[] = [];
      const parsed: Array<{
        row: number;
        unit: { id: number; name: string; path: string };
        username: string;
        fields: TrainerFields;
      }> = [];
      for (const r of rows) {
        const c = r.cells;
        const before = problems.length;
        const bad = (key: ColumnKey, code: TrainerSheetProblem['code'], value?: string) =>
          problems.push({ row: r.row, column: COLUMN_ZH[key], code, ...(value ? shownValue(value, 50) : {}) });
        for (const col of TRAINER_COLUMNS)
          if (col.required && words(c[col.key] ?? null) === '') bad(col.key, 'required');
        if (problems.length > before) continue;
        const text = (key: ColumnKey, max: number): string => {
          const v = words(c[key] ?? null);
          if (hasForbiddenChars(v.replace(/\n/g, ''))) bad(key, 'bad_chars');
          else if ([...v].length > max) bad(key, 'too_long', String(max));
          return v;
        };
        let target = { id: unit.id, name: unit.name, path: unit.path };
        const unitName = words(c.unit ?? null);
        if (unitName && unitName !== unit.name) {
          const found = byName.get(unitName) ?? [];
          if (found.length === 0) bad('unit', 'unit_unknown', unitName);
          else if (found.length > 1) bad('unit', 'unit_ambiguous', unitName);
          else target = found[0]!;
        }
        const name = text('name', 50);
        const title = text('title', 50);
        const employer = text('employer', 100);
        const specialties = text('specialties', 500);
        const kind = kindOf.get(codeText(c.kind ?? null).toLowerCase()) ?? kindOf.get(codeText(c.kind ?? null));
        if (!kind) bad('kind', 'unknown_kind', words(c.kind ?? null));
        const level = levelOf.get(codeText(c.level ?? null).toLowerCase()) ?? levelOf.get(codeText(c.level ?? null));
        if (!level) bad('level', 'unknown_level', words(c.level ?? null));
        const active = statusOf.get(codeText(c.status ?? null).toLowerCase());
        if (active === undefined) bad('status', 'unknown_status', words(c.status ?? null));
        const subjects = uniq(
          words(c.subjects ?? null)
            .split(LIST_SEPARATORS)
            .map((x) => normaliseText(x))
            .filter(Boolean),
        );
        if (subjects.length > 20) bad('subjects', 'too_many', '20');
        else
          for (const x of subjects)
            if ([...x].length > 30 || hasForbiddenChars(x)) {
              bad('subjects', 'too_long', '30');
              break;
            }
        const stages = words(c.stages ?? null)
          .split(LIST_SEPARATORS)
          .map((x) => x.trim())
          .filter(Boolean)
          .map((x) => stageOf.get(x) ?? stageOf.get(x.toLowerCase()) ?? `?${x}`);
        for (const x of stages.filter((y) => y.startsWith('?'))) bad('stages', 'unknown_stage', x.slice(1));
        const username = codeText(c.account ?? null);
        let userId: number | null = null;
        if (username) {
          const a = accountOf.get(username);
          // an account out of reach is accepted only on the row of the entry that already names it (one from above, left as it is)
          const namedHere = a?.trainerName === name && a.trainerUnitId === target.id;
          if (
            a?.role !== 'trainer' ||
            a.provinceId !== actor.provinceId ||
            (!isWithin(actor.orgPath, a.orgPath) && !namedHere)
          )
            bad('account', 'account_unknown', username);
          else userId = a.id;
        }
        if (problems.length > before) continue;
        parsed.push({
          row: r.row,
          unit: target,
          username,
          fields: {
            kind: kind!,
            name,
            level: level!,
            title: title || null,
            employer: employer || null,
            specialties: specialties || null,
            subjects,
            stages: canonicalStages(stages),
            active: active!,
            userId,
            teacherId: null,
          },
        });
      }

      const existing = await repo.findByUnitNames(
        uniq(parsed.map((p) => String(p.unit.id))).map(Number),
        uniq(parsed.map((p) => p.fields.name)),
      );
      const seen = new Map<string, number>();
      const accountRow = new Map<number, number>();
      const writes: Array<{
        row: number;
        unit: { id: number; path: string };
        fields: TrainerFields;
        id: number | null;
      }> = [];
      let unchanged = 0;
      for (const p of parsed) {
        const bad = (key: ColumnKey, code: TrainerSheetProblem['code'], value?: string) =>
          problems.push({ row: p.row, column: COLUMN_ZH[key], code, ...(value ? shownValue(value, 50) : {}) });
        const key = `${p.unit.id}\u0000${p.fields.name}`;
        const first = seen.get(key);
        if (first !== undefined) {
          bad('name', 'duplicate_in_file', String(first));
          continue;
        }
        seen.set(key, p.row);
        const matches = existing.filter((e) => e.orgUnitId === p.unit.id && e.name === p.fields.name);
        if (matches.length > 1) {
          bad('name', 'ambiguous', p.fields.name);
          continue;
        }
        const match = matches[0];
        const fields: TrainerFields = { ...p.fields, teacherId: match?.teacherId ?? null };
        if (fields.userId !== null) {
          const owner = accountOf.get(p.username)!.trainerId;
          const firstRow = accountRow.get(fields.userId);
          if (firstRow !== undefined) {
            bad('account', 'duplicate_in_file', String(firstRow));
            continue;
          }
          accountRow.set(fields.userId, p.row);
          if (owner !== null && owner !== match?.id) {
            bad('account', 'account_taken');
            continue;
          }
        }
        if (
          match &&
          (Object.keys(fields) as Array<keyof TrainerFields>).every(
            (k) => JSON.stringify(fields[k]) === JSON.stringify(match[k]),
          )
        ) {
          unchanged++;
          continue;
        }
        if (!can(actor, 'trainer.manage', { path: p.unit.path })) {
          bad('unit', 'unit_not_manageable', p.unit.name);
          continue;
        }
        writes.push({ row: p.row, unit: p.unit, fields, id: match?.id ?? null });
      }
      if (problems.length) {
        const at = (column: string) => TRAINER_COLUMNS.findIndex((c) => c.zh === column);
        problems.sort((a, b) => a.row - b.row || at(a.column) - at(b.column));
        const err = new AppError('TRAINER_SHEET_INVALID', {
          details: { problems: problems.slice(0, 1_000), problemCount: problems.length },
        });
        return auditRefusal(
          db,
          ctx,
          {
            action,
            targetType: 'org_unit',
            targetId: unit.id,
            targetPath: unit.path,
            details: { file: file.name, rows: rows.length, problems: problems.length },
          },
          err,
        );
      }
      const created = writes.filter((w) => w.id === null).length;
      if (writes.length > 0) {
        await auditedWrite(
          db,
          ctx,
          {
            action,
            targetType: 'org_unit',
            targetId: unit.id,
            targetPath: unit.path,
            targetLabel: unit.name,
            details: { file: file.name, rows: rows.length, created, updated: writes.length - created, unchanged },
          },
          async (trx) => {
            const w = createTrainerRepository(trx);
            for (const x of writes) {
              try {
                if (x.id === null)
                  await w.insert({
                    ...x.fields,
                    provinceId: unit.provinceId,
                    orgUnitId: x.unit.id,
                    orgPath: x.unit.path,
                    createdBy: actor.userId,
                  });
                else await w.update(x.id, x.fields);
              } catch (e) {
                const t = translated(e);
                if (t instanceof AppError) throw new AppError(t.code, { details: { row: x.row } });
                throw t;
              }
            }
          },
        );
      }
      return { rows: rows.length, created, updated: writes.length - created, unchanged };
    },
  };
}

export type TrainerService = ReturnType<typeof createTrainerService>;
