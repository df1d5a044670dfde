import path from 'node:path';
import { PassThrough } from 'node:stream';
import { currentYear } from '../config/env.js';
import { formatTenths, parseHours, type CycleRules } from '../domain/cycle-rules.js';
import { pathIds, STAGES, type OrgUnitKind } from '../domain/org-tree.js';
import { STAGE_LABELS } from '../domain/teacher.js';
import { hasForbiddenChars, normaliseText, shownValue } from '../domain/text.js';
import type { Database } from '../db/database.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createCourseRepository,
  COURSE_CATEGORIES,
  COURSE_FORMS,
  type CourseCategory,
  type CourseFields,
  type CourseFilter,
  type CourseForm,
  type CourseMaterial,
  type CourseRow,
} from '../repositories/course.repository.js';
import { createCreditEvidenceRepository } from '../repositories/credit-evidence.repository.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import { rulesOf } from './credit-summary.js';
import ExcelJS from './excel.js';
import { translatePgError } from './pg-errors.js';
import { requireAdminAtUnit, requireRegistryRole } from './registry-access.js';
import { codeText, readSheetRows, words, type Cell } from './sheet-file.js';
import { writeXlsx } from './roster-file.js';

export { COURSE_CATEGORIES, COURSE_FORMS };
export type { CourseCategory, CourseForm, CourseMaterial, CourseRow };

/** The modules of the required courses in seed 001: offered as suggestions, free text allowed. */
export const COURSE_MODULE_SUGGESTIONS = ['师德', '教育技术', '学生教育', '心理健康', '学科与专业标准'] as const;
export const CATEGORY_LABELS: Record<CourseCategory, string> = { required: '必修', research: '研修', elective: '选修' };
export const FORM_LABELS: Record<CourseForm, string> = {
  centralised: '集中',
  online: '网络',
  school_based: '校本',
  practice: '实践',
};
/** Units that keep a catalogue; schools read theirs. */
const CATALOGUE_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county'];
const UNIQUE = { course_title_idx: 'COURSE_TITLE_TAKEN' } as const;

/** A course as a reader sees it: whether they may change it, and whether it comes from a unit above them. */
export interface CourseView extends CourseRow {
  canManage: boolean;
  inherited: boolean;
}

/** A new course; the lists may be left out. */
export type CourseInput = Omit<CourseFields, 'creditCategories' | 'stages' | 'subjects' | 'materials' | 'description'> &
  Partial<Pick<CourseFields, 'creditCategories' | 'stages' | 'subjects' | 'materials' | 'description'>>;

export interface CourseQuery extends Omit<CourseFilter, 'unitPath' | 'provinceId' | 'status'> {
  orgUnitId?: number;
  status?: CourseFilter['status'];
}

/** One problem of one sheet row: the row as Excel numbers it, the column by its Chinese header. */
export interface CourseSheetProblem {
  row: number;
  column: string;
  code:
    | 'required'
    | 'too_long'
    | 'bad_chars'
    | 'unknown_category'
    | 'unknown_form'
    | 'bad_hours'
    | 'unknown_credit_category'
    | 'unknown_stage'
    | 'too_many'
    | 'bad_link'
    | 'unit_unknown'
    | 'unit_ambiguous'
    | 'unit_not_manageable'
    | 'duplicate_in_file';
  value?: string;
}

export interface CourseImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** The columns of a course sheet (template, export and import alike). */
export const COURSE_COLUMNS = [
  { key: 'unit', zh: '所属单位', en: 'unit', required: false, width: 18 },
  { key: 'title', zh: '课程名称', en: 'title', required: true, width: 32 },
  { key: 'category', zh: '课程类别', en: 'category', required: true, width: 10 },
  { key: 'module', zh: '课程模块', en: 'module', required: true, width: 16 },
  { key: 'form', zh: '培训形式', en: 'form', required: true, width: 10 },
  { key: 'hours', zh: '学时', en: 'hours', required: true, width: 8 },
  { key: 'creditCategories', zh: '计入学时类别', en: 'credit categories', required: false, width: 20 },
  { key: 'stages', zh: '适用学段', en: 'stages', required: false, width: 16 },
  { key: 'subjects', zh: '适用学科', en: 'subjects', required: false, width: 16 },
  { key: 'description', zh: '课程简介', en: 'description', required: false, width: 40 },
  { key: 'materials', zh: '资料链接', en: 'materials', required: false, width: 48 },
] as const;
type ColumnKey = (typeof COURSE_COLUMNS)[number]['key'];
const COLUMN_ZH = Object.fromEntries(COURSE_COLUMNS.map((c) => [c.key, c.zh])) as Record<ColumnKey, string>;
const MAX_ROWS = 5_000;
const LIST_SEPARATORS = /[、,，;；\n]+/;

const code = codeText;

/** Lists kept in one canonical order, so equal content compares equal. */
const canonicalStages = (xs: string[]) => STAGES.filter((s) => xs.includes(s));
const uniq = (xs: string[]) => [...new Set(xs)];
const sameList = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));

function normalise(input: CourseInput): CourseFields {
  return {
    title: input.title,
    category: input.category,
    module: input.module,
    form: input.form,
    hours: input.hours,
    creditCategories: uniq(input.creditCategories ?? []).sort(),
    stages: canonicalStages(input.stages ?? []),
    subjects: uniq(input.subjects ?? []),
    description: input.description ? input.description : null,
    materials: input.materials ?? [],
  };
}

function sameContent(a: CourseFields, b: CourseFields): boolean {
  return (
    a.title === b.title &&
    a.category === b.category &&
    a.module === b.module &&
    a.form === b.form &&
    a.hours === b.hours &&
    sameList(a.creditCategories, b.creditCategories) &&
    sameList(a.stages, b.stages) &&
    sameList(a.subjects, b.subjects) &&
    (a.description ?? null) === (b.description ?? null) &&
    sameList(a.materials.map(canonicalMaterial), b.materials.map(canonicalMaterial))
  );
}

/** A material with its keys in one order (jsonb keeps its own). */
function canonicalMaterial(m: CourseMaterial): CourseMaterial {
  return m.kind === 'link'
    ? { kind: 'link', title: m.title, url: m.url }
    : { kind: 'file', title: m.title, evidenceId: m.evidenceId };
}

const materialLine = (m: Extract<CourseMaterial, { kind: 'link' }>) =>
  m.title === m.url ? m.url : `${m.title} | ${m.url}`;
/** '标题 | https://…' or a bare URL, one a line. */
function parseMaterialLine(line: string): { title: string; url: string } | null {
  const folded = line.replace(/｜/g, '|');
  const at = folded.lastIndexOf('|');
  const title = at >= 0 ? normaliseText(folded.slice(0, at)) : '';
  const url = normaliseText(at >= 0 ? folded.slice(at + 1) : folded);
  if (!/^https?:\/\/\S+$/i.test(url) || url.length > 500 || title.length > 200) return null;
  return { title: title || url, url };
}

/**
 * A course the actor may read ('read': an admin on its line of the tree) or change ('manage': an admin of
 * the unit that keeps it or above it, at a catalogue-keeping level). Missing or out of sight is "not
 * found" (audited as denied when it exists); one seen but not kept by the actor (a school's, or one from
 * above) is "forbidden". Trainers and teachers are "forbidden" before anything is looked up.
 */
export async function requireCourse(
  db: Database,
  ctx: RequestContext,
  id: number,
  action: string,
  need: 'read' | 'manage',
): Promise<{ actor: Actor; course: CourseRow }> {
  const actor = await requireRegistryRole(db, ctx, action);
  const course = await createCourseRepository(db).find(id);
  if (!course) throw new AppError('NOT_FOUND');
  if (course.provinceId !== actor.provinceId || !can(actor, 'course.read', { path: course.orgPath })) {
    return auditRefusal(db, ctx, { action, targetType: 'course', targetId: id }, notFoundDenied());
  }
  if (need === 'manage' && !can(actor, 'course.manage', { path: course.orgPath })) {
    return auditRefusal(
      db,
      ctx,
      { action, targetType: 'course', targetId: id, targetPath: course.orgPath, targetLabel: course.title },
      new AppError('FORBIDDEN'),
    );
  }
  return { actor, course };
}

/**
 * The course catalogue: province, city and county administrators keep the courses of
 * their unit; every administrator reads the courses of their own unit, of the units above it and
 * of the units below it. Sheets are imported whole or not at all, matched on unit and title.
 */
export function createCourseService(deps: ServiceDeps) {
  const { db, env } = deps;
  const courses = createCourseRepository(db);
  const units = createOrgUnitRepository(db);

  const view = (actor: Actor, c: CourseRow): CourseView => ({
    ...c,
    canManage: can(actor, 'course.manage', { path: c.orgPath }),
    inherited: c.orgPath !== actor.orgPath && actor.orgPath.startsWith(c.orgPath),
  });

  const readable = (ctx: RequestContext, id: number, action: string) => requireCourse(db, ctx, id, action, 'read');
  const manageable = (ctx: RequestContext, id: number, action: string) => requireCourse(db, ctx, id, action, 'manage');

  /** The unit whose view is listed: the actor's own, or one of their subtree. */
  async function viewUnit(
    ctx: RequestContext,
    orgUnitId: number | undefined,
    action: string,
  ): Promise<{ actor: Actor; unit: OrgUnitRow }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const unit = await requireAdminAtUnit(db, ctx, orgUnitId ?? actor.orgUnitId, action, 'org.read');
    return { actor, unit };
  }

  /** A unit the actor keeps the catalogue of. */
  async function catalogueUnit(ctx: RequestContext, orgUnitId: number, action: string): Promise<OrgUnitRow> {
    const unit = await requireAdminAtUnit(db, ctx, orgUnitId, action, 'course.manage');
    if (!CATALOGUE_KINDS.includes(unit.kind)) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'org_unit', targetId: unit.id, targetPath: unit.path },
        new AppError('COURSE_INVALID', { details: { problems: { orgUnitId: 'unit_kind' } } }),
      );
    }
    return unit;
  }

  async function currentRules(provinceId: number): Promise<CycleRules | null> {
    const cycle = await createCreditLedgerRepository(db).cycleForYear(provinceId, currentYear(env));
    return cycle ? rulesOf(db, cycle) : null;
  }

  /**
   * Problems of a course's content beyond its shape: ledger categories of the current cycle's rules,
   * evidence files the actor can see. What the course already had is kept even if the rules changed since.
   */
  async function contentProblems(
    actor: Actor,
    c: CourseFields,
    before: CourseFields | null,
  ): Promise<Record<string, string>> {
    const problems: Record<string, string> = {};
    const newCategories = c.creditCategories.filter((x) => !before?.creditCategories.includes(x));
    if (newCategories.length) {
      const known = new Set((await currentRules(actor.provinceId))?.categories.map((x) => x.code) ?? []);
      if (newCategories.some((x) => !known.has(x))) problems['creditCategories'] = 'unknown_category';
    }
    const kept = new Set((before?.materials ?? []).flatMap((m) => (m.kind === 'file' ? [m.evidenceId] : [])));
    const fileIds = uniq(
      c.materials.flatMap((m) => (m.kind === 'file' && !kept.has(m.evidenceId) ? [String(m.evidenceId)] : [])),
    ).map(Number);
    if (fileIds.length) {
      const found = await createCreditEvidenceRepository(db).findMany(fileIds);
      const ok = new Set(
        found
          .filter((e) => e.provinceId === actor.provinceId && can(actor, 'org.read', { path: e.orgPath }))
          .map((e) => e.id),
      );
      if (fileIds.some((id) => !ok.has(id))) problems['materials'] = 'evidence_not_found';
    }
    return problems;
  }

  async function checkContent(
    ctx: RequestContext,
    actor: Actor,
    action: string,
    c: CourseFields,
    before: CourseFields | null,
    target: { id?: number; path: string },
  ): Promise<void> {
    const problems = await contentProblems(actor, c, before);
    if (Object.keys(problems).length) {
      await auditRefusal(
        db,
        ctx,
        { action, targetType: 'course', targetId: target.id ?? null, targetPath: target.path, targetLabel: c.title },
        new AppError('COURSE_INVALID', { details: { problems } }),
      );
    }
  }

  const translated = (e: unknown) => translatePgError(e, UNIQUE);

  function filterOf(actor: Actor, unit: OrgUnitRow, q: CourseQuery): CourseFilter {
    return { ...q, unitPath: unit.path, provinceId: actor.provinceId, status: q.status ?? 'active' };
  }

  async function readSheet(
    buf: Buffer,
    fileName: string,
  ): Promise<Array<{ row: number; cells: Partial<Record<ColumnKey, Cell>> }>> {
    const rows = await readSheetRows(buf, fileName, {
      columns: COURSE_COLUMNS,
      identifying: ['title'],
      maxRows: MAX_ROWS,
      maxUnpacked: env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576,
    });
    if (rows === null) {
      const required = COURSE_COLUMNS.filter((c) => c.required).map((c) => c.zh);
      throw new AppError('IMPORT_MISSING_COLUMNS', {
        params: { columns: required.join('、') },
        details: { missing: required },
      });
    }
    if (rows.length === 0)
      throw new AppError('COURSE_SHEET_INVALID', { details: { problems: [], problemCount: 0, empty: true } });
    return rows;
  }

  return {
    /** One page of a unit's view of the catalogue (default: the actor's unit), with whether the actor may add courses there. */
    async list(
      ctx: RequestContext,
      q: CourseQuery,
      page: { limit: number; offset: number },
    ): Promise<{ items: CourseView[]; total: number; canCreate: boolean; modules: string[]; unit: OrgUnitRow }> {
      const { actor, unit } = await viewUnit(ctx, q.orgUnitId, 'course.list');
      const filter = filterOf(actor, unit, q);
      const [{ items, total }, used] = await Promise.all([
        courses.list(filter, page),
        courses.modules(unit.path, actor.provinceId),
      ]);
      const modules = uniq([...COURSE_MODULE_SUGGESTIONS, ...used]);
      return {
        items: items.map((c) => view(actor, c)),
        total,
        canCreate: CATALOGUE_KINDS.includes(unit.kind) && can(actor, 'course.manage', { path: unit.path }),
        modules,
        unit,
      };
    },

    async get(ctx: RequestContext, id: number): Promise<CourseView> {
      const { actor, course } = await readable(ctx, id, 'course.read');
      return view(actor, course);
    },

    /** A new course of a unit (default: the actor's own). */
    async create(ctx: RequestContext, input: CourseInput & { orgUnitId?: number }): Promise<CourseView> {
      const actor = await requireRegistryRole(db, ctx, 'course.create');
      const unit = await catalogueUnit(ctx, input.orgUnitId ?? actor.orgUnitId, 'course.create');
      const fields = normalise(input);
      await checkContent(ctx, actor, 'course.create', fields, null, { path: unit.path });
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'course.create',
          targetType: 'course',
          targetPath: unit.path,
          targetLabel: fields.title,
          details: { orgUnitId: unit.id },
        },
        async (trx, meta) => {
          const newId = await createCourseRepository(trx)
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
          meta.targetId = newId;
          return newId;
        },
      );
      return view(actor, (await courses.find(id))!);
    },

    /** Changes some fields of a course; what is left out stays. */
    async update(ctx: RequestContext, id: number, patch: Partial<CourseFields>): Promise<CourseView> {
      const { actor, course } = await manageable(ctx, id, 'course.update');
      const fields = normalise({
        ...course,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      });
      await checkContent(ctx, actor, 'course.update', fields, course, { id, path: course.orgPath });
      const canonical = (f: CourseFields) => ({ ...f, materials: f.materials.map(canonicalMaterial) });
      const changed = (Object.keys(fields) as Array<keyof CourseFields>).filter(
        (k) => JSON.stringify(canonical(fields)[k]) !== JSON.stringify(canonical(course)[k]),
      );
      if (changed.length === 0) return view(actor, course);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'course.update',
          targetType: 'course',
          targetId: id,
          targetPath: course.orgPath,
          targetLabel: fields.title,
          details: { changed },
        },
        async (trx) => {
          await createCourseRepository(trx)
            .update(id, fields)
            .catch((e: unknown) => {
              throw translated(e);
            });
        },
      );
      return view(actor, (await courses.find(id))!);
    },

    /** Archives a course (it leaves the lists but stays readable) or brings it back. */
    async setArchived(ctx: RequestContext, id: number, archived: boolean): Promise<CourseView> {
      const action = archived ? 'course.archive' : 'course.unarchive';
      const { actor, course } = await manageable(ctx, id, action);
      if (course.archived !== archived) {
        await auditedWrite(
          db,
          ctx,
          { action, targetType: 'course', targetId: id, targetPath: course.orgPath, targetLabel: course.title },
          async (trx) => {
            await createCourseRepository(trx)
              .setArchived(id, archived)
              .catch((e: unknown) => {
                throw translated(e);
              });
          },
        );
      }
      return view(actor, (await courses.find(id))!);
    },

    /** An evidence file listed as a material of a course the actor may read. */
    async materialFile(
      ctx: RequestContext,
      id: number,
      evidenceId: number,
    ): Promise<{ fileName: string; mimeType: string; path: string }> {
      const { course } = await readable(ctx, id, 'course.read_material');
      const listed = course.materials.some((m) => m.kind === 'file' && m.evidenceId === evidenceId);
      const row = listed ? await createCreditEvidenceRepository(db).find(evidenceId) : undefined;
      if (!row) throw new AppError('NOT_FOUND');
      const hex = row.sha256.toString('hex');
      return {
        fileName: row.fileName,
        mimeType: row.mimeType,
        path: path.join(env.dataDir, 'evidence', hex.slice(0, 2), hex),
      };
    },

    /** The sheet to fill in, with drop-downs for category, form, module, ledger categories and stages. */
    async template(ctx: RequestContext, orgUnitId: number): Promise<Buffer> {
      const unit = await catalogueUnit(ctx, orgUnitId, 'course.import_template');
      const rules = await currentRules(unit.provinceId);
      const categories = rules?.categories.map((c) => c.name) ?? [];
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('课程目录');
      ws.columns = COURSE_COLUMNS.map((c) => ({ header: c.zh, key: c.key, width: c.width }));
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      const list = (items: readonly string[], strict: boolean) => ({
        type: 'list' as const,
        allowBlank: true,
        showErrorMessage: strict,
        formulae: [`"${items.join(',').slice(0, 250)}"`],
      });
      const col = (key: ColumnKey) => COURSE_COLUMNS.findIndex((c) => c.key === key) + 1;
      for (let r = 2; r <= 1_000; r++) {
        ws.getCell(r, col('category')).dataValidation = list(Object.values(CATEGORY_LABELS), true);
        ws.getCell(r, col('form')).dataValidation = list(Object.values(FORM_LABELS), true);
        ws.getCell(r, col('module')).dataValidation = list(COURSE_MODULE_SUGGESTIONS, false);
        ws.getCell(r, col('stages')).dataValidation = list(Object.values(STAGE_LABELS), false);
        if (categories.length) ws.getCell(r, col('creditCategories')).dataValidation = list(categories, false);
      }
      const notes = wb.addWorksheet('填写说明');
      for (const line of [
        `每行一门课程，导入到“${unit.name}”；“所属单位”可留空，也可填写本单位或所辖市、县（区）的名称。`,
        '课程类别：必修、研修、选修；培训形式：集中、网络、校本、实践；课程模块可从下拉中选，也可自行填写。',
        '学时可含一位小数（如 2.5）；计入学时类别须为本周期规则中的类别，可填多个，用顿号分隔。',
        `适用学段可填多个（${Object.values(STAGE_LABELS).join('、')}），用顿号分隔；适用学科同样用顿号分隔。`,
        '资料链接每行一条，写作“标题 | https://网址”，也可只写网址。',
        '同一单位下课程名称相同的行视为同一门课程：内容相同不做改动，内容不同则按表格更新；重复上传同一文件不会重复创建。',
        '有任何一行错误时整个文件都不导入，请按提示修改后重新上传。',
      ])
        notes.addRow([line]);
      notes.getColumn(1).width = 100;
      return Buffer.from(await wb.xlsx.writeBuffer());
    },

    /** The courses of a unit's view as a sheet that imports back unchanged. */
    async export(ctx: RequestContext, q: CourseQuery): Promise<{ data: Buffer; unitName: string }> {
      const { actor, unit } = await viewUnit(ctx, q.orgUnitId, 'course.export');
      const rules = await currentRules(actor.provinceId);
      const nameOf = new Map(rules?.categories.map((c) => [c.code, c.name]) ?? []);
      const filter = filterOf(actor, unit, q);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      async function* rows() {
        for await (const batch of courses.iterate(filter)) {
          for (const c of batch) {
            yield [
              c.orgUnitName,
              c.title,
              CATEGORY_LABELS[c.category],
              c.module,
              FORM_LABELS[c.form],
              Number(formatTenths(c.hours)),
              c.creditCategories.map((x) => nameOf.get(x) ?? x).join('、'),
              c.stages.map((s) => STAGE_LABELS[s as keyof typeof STAGE_LABELS] ?? s).join('、'),
              c.subjects.join('、'),
              c.description ?? '',
              c.materials.flatMap((m) => (m.kind === 'link' ? [materialLine(m)] : [])).join('\n'),
            ];
          }
        }
      }
      const done = new Promise<void>((resolve, reject) => {
        out.on('end', resolve);
        out.on('error', reject);
      });
      await writeXlsx(
        out,
        '课程目录',
        COURSE_COLUMNS.map((c) => ({ header: c.zh, width: c.width })),
        rows(),
      );
      await done;
      return { data: Buffer.concat(chunks), unitName: unit.name };
    },

    /**
     * Imports the rows of a sheet into a unit's catalogue (or the units below it named in 所属单位):
     * every row is checked first, then all are written in one transaction or none. A row matches the
     * course of its unit with the same title: equal content is left alone, other content updates it.
     */
    async import(
      ctx: RequestContext,
      orgUnitId: number,
      file: { name: string; data: Buffer },
    ): Promise<CourseImportResult> {
      const actor = await requireRegistryRole(db, ctx, 'course.import');
      const unit = await catalogueUnit(ctx, orgUnitId, 'course.import');
      const rows = await readSheet(file.data, file.name);
      const rules = await currentRules(unit.provinceId);
      const categoryCode = new Map<string, string>();
      for (const c of rules?.categories ?? []) {
        categoryCode.set(c.name, c.code);
        categoryCode.set(c.code, c.code);
        if (c.nameEn) categoryCode.set(c.nameEn.toLowerCase(), c.code);
      }
      const categoryOf = new Map<string, CourseCategory>(
        COURSE_CATEGORIES.flatMap(
          (c) =>
            [
              [CATEGORY_LABELS[c], c],
              [`${CATEGORY_LABELS[c]}课程`, c],
              [c, c],
            ] as Array<[string, CourseCategory]>,
        ),
      );
      const formOf = new Map<string, CourseForm>(
        COURSE_FORMS.flatMap(
          (f) =>
            [
              [FORM_LABELS[f], f],
              [`${FORM_LABELS[f]}培训`, f],
              [`${FORM_LABELS[f]}研修`, f],
              [f, f],
            ] as Array<[string, CourseForm]>,
        ),
      );
      formOf.set('远程', 'online');
      const stageOf = new Map<string, string>(
        STAGES.flatMap((s) => [
          [STAGE_LABELS[s], s],
          [s, s],
        ]),
      );

      // the units a row may name: the unit, the units above it, and the cities and counties below it
      const above = (await units.findByIds(pathIds(unit.path))).map((u) => ({ id: u.id, name: u.name, path: u.path }));
      const below = await courses.catalogueUnitsBelow(unit.path);
      const byName = new Map<string, Array<{ id: number; name: string; path: string }>>();
      for (const u of [...above, ...below]) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);

      const problems: CourseSheetProblem[] = [];
      const parsed: Array<{
        row: number;
        unit: { id: number; name: string; path: string };
        fields: CourseFields;
        linkCount: number;
        creditNames: string[];
      }> = [];
      for (const r of rows) {
        const c = r.cells;
        const before = problems.length;
        const bad = (key: ColumnKey, problem: CourseSheetProblem['code'], value?: string) =>
          problems.push({ row: r.row, column: COLUMN_ZH[key], code: problem, ...(value ? shownValue(value, 50) : {}) });
        for (const col of COURSE_COLUMNS)
          if (col.required && words(c[col.key] ?? null) === '') bad(col.key, 'required');
        if (problems.length > before) continue;
        const unitName = words(c.unit ?? null);
        let target = { id: unit.id, name: unit.name, path: unit.path };
        if (unitName) {
          const found = byName.get(unitName) ?? [];
          if (found.length === 0) bad('unit', 'unit_unknown', unitName);
          else if (found.length > 1) bad('unit', 'unit_ambiguous', unitName);
          else target = found[0]!;
        }
        const text = (key: ColumnKey, max: number, multiline = false): string => {
          const v = words(c[key] ?? null);
          if (hasForbiddenChars(multiline ? v.replace(/\n/g, '') : v)) bad(key, 'bad_chars');
          else if ([...v].length > max) bad(key, 'too_long', String(max));
          return v;
        };
        const title = text('title', 200);
        const module = text('module', 40);
        const description = text('description', 2000, true);
        const category =
          categoryOf.get(code(c.category ?? null).toLowerCase()) ?? categoryOf.get(code(c.category ?? null));
        if (!category) bad('category', 'unknown_category', words(c.category ?? null));
        const form = formOf.get(code(c.form ?? null).toLowerCase()) ?? formOf.get(code(c.form ?? null));
        if (!form) bad('form', 'unknown_form', words(c.form ?? null));
        const hours = parseHours(code(c.hours ?? null));
        if (hours === null || hours <= 0 || hours > 100_000) bad('hours', 'bad_hours', words(c.hours ?? null));
        const creditNames = code(c.creditCategories ?? null)
          .split(LIST_SEPARATORS)
          .map((x) => x.trim())
          .filter(Boolean);
        const creditCategories = creditNames.map(
          (n) => categoryCode.get(n) ?? categoryCode.get(n.toLowerCase()) ?? `?${n}`,
        );
        const stages = words(c.stages ?? null)
          .split(LIST_SEPARATORS)
          .map((x) => x.trim())
          .filter(Boolean)
          .map((s) => stageOf.get(s) ?? stageOf.get(s.toLowerCase()) ?? `?${s}`);
        for (const s of stages.filter((x) => x.startsWith('?'))) bad('stages', 'unknown_stage', s.slice(1));
        const subjects = uniq(
          words(c.subjects ?? null)
            .split(LIST_SEPARATORS)
            .map((x) => normaliseText(x))
            .filter(Boolean),
        );
        if (subjects.length > 50) bad('subjects', 'too_many', '50');
        else
          for (const s of subjects)
            if ([...s].length > 30 || hasForbiddenChars(s)) {
              bad('subjects', 'too_long', '30');
              break;
            }
        const links = words(c.materials ?? null)
          .split('\n')
          .map((x) => x.trim())
          .filter(Boolean)
          .map((line) => ({ line, link: parseMaterialLine(line) }));
        for (const l of links.filter((x) => !x.link)) bad('materials', 'bad_link', l.line);
        if (links.length > 20) bad('materials', 'too_many', '20');
        if (problems.length > before) continue;
        parsed.push({
          row: r.row,
          unit: target,
          linkCount: links.length,
          creditNames,
          fields: normalise({
            title,
            module,
            description: description || null,
            category: category!,
            form: form!,
            hours: hours!,
            creditCategories,
            stages,
            subjects,
            materials: links.map(({ link }) => ({ kind: 'link' as const, title: link!.title, url: link!.url })),
          }),
        });
      }

      // matches: a row names an existing course by unit and title
      const existing = new Map<string, CourseRow>();
      for (const e of await courses.findByUnitTitles(
        uniq(parsed.map((p) => String(p.unit.id))).map(Number),
        uniq(parsed.map((p) => p.fields.title)),
      )) {
        const key = `${e.orgUnitId}\u0000${e.title}`;
        if (!existing.has(key)) existing.set(key, e);
      }
      const seen = new Map<string, number>();
      const writes: Array<{
        row: number;
        unit: { id: number; path: string };
        fields: CourseFields;
        id: number | null;
      }> = [];
      let unchanged = 0;
      for (const p of parsed) {
        const bad = (key: ColumnKey, problem: CourseSheetProblem['code'], value?: string) =>
          problems.push({ row: p.row, column: COLUMN_ZH[key], code: problem, ...(value ? shownValue(value, 50) : {}) });
        const key = `${p.unit.id}\u0000${p.fields.title}`;
        const first = seen.get(key);
        if (first !== undefined) {
          bad('title', 'duplicate_in_file', String(first));
          continue;
        }
        seen.set(key, p.row);
        const match = existing.get(key);
        // ledger categories the course already counts toward stay valid when the rules changed since
        const unknown = p.fields.creditCategories.filter(
          (x) => x.startsWith('?') && !match?.creditCategories.includes(x.slice(1)),
        );
        for (const x of unknown) bad('creditCategories', 'unknown_credit_category', x.slice(1));
        if (unknown.length) continue;
        const fields: CourseFields = {
          ...p.fields,
          creditCategories: p.fields.creditCategories.map((x) => (x.startsWith('?') ? x.slice(1) : x)).sort(),
        };
        if (match) {
          // file materials cannot travel in a sheet: they stay with the course
          fields.materials = [...fields.materials, ...match.materials.filter((m) => m.kind === 'file')];
          if (sameContent(fields, match)) {
            unchanged++;
            continue;
          }
        }
        if (!can(actor, 'course.manage', { path: p.unit.path })) {
          bad('unit', 'unit_not_manageable', p.unit.name);
          continue;
        }
        writes.push({ row: p.row, unit: p.unit, fields, id: match?.id ?? null });
      }
      if (problems.length) {
        problems.sort((a, b) => a.row - b.row);
        const err = new AppError('COURSE_SHEET_INVALID', {
          details: { problems: problems.slice(0, 1_000), problemCount: problems.length },
        });
        return auditRefusal(
          db,
          ctx,
          {
            action: 'course.import',
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
            action: 'course.import',
            targetType: 'org_unit',
            targetId: unit.id,
            targetPath: unit.path,
            targetLabel: unit.name,
            details: { file: file.name, rows: rows.length, created, updated: writes.length - created, unchanged },
          },
          async (trx) => {
            const repo = createCourseRepository(trx);
            for (const w of writes) {
              try {
                if (w.id === null)
                  await repo.insert({
                    ...w.fields,
                    provinceId: unit.provinceId,
                    orgUnitId: w.unit.id,
                    orgPath: w.unit.path,
                    createdBy: actor.userId,
                  });
                else await repo.update(w.id, w.fields);
              } catch (e) {
                const t = translated(e);
                if (t instanceof AppError) throw new AppError(t.code, { details: { row: w.row } });
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

export type CourseService = ReturnType<typeof createCourseService>;
