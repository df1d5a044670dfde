import { PassThrough } from 'node:stream';
import { isAdmin, isWithin, STAGES, type OrgUnitKind } from '../domain/org-tree.js';
import {
  countBlanks,
  OPTION_KEYS,
  questionProblems,
  QUESTION_KINDS,
  type QuestionKey,
  type QuestionKind,
  type QuestionProblem,
} from '../domain/question.js';
import {
  formatAnswerCell,
  KIND_SHEET_LABELS,
  optionsFromCells,
  parseAnswerCell,
  parseKindCell,
} from '../domain/question-sheet.js';
import { STAGE_LABELS } from '../domain/teacher.js';
import { hasForbiddenChars, normaliseText, shownValue } from '../domain/text.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import {
  createQuestionRepository,
  type QuestionFields,
  type QuestionFilter,
  type QuestionRow,
  type QuestionVersionRow,
} from '../repositories/question.repository.js';
import { createTrainerRepository } from '../repositories/trainer.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { COURSE_MODULE_SUGGESTIONS } from './course.service.js';
import ExcelJS from './excel.js';
import { writeXlsx } from './roster-file.js';
import { codeText, readSheetRows, words, type Cell } from './sheet-file.js';

export type { QuestionFields, QuestionRow, QuestionVersionRow };

/** Units that keep a bank; schools read the banks above them. */
export const BANK_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county'];

/** A question as a reader sees it: whether they may change it, and whether it comes from a bank above the one listed. */
export interface QuestionView extends QuestionRow {
  canManage: boolean;
  inherited: boolean;
}

/** A question as a form gives it; tags and the explanation may be left out. */
export type QuestionInput = Pick<QuestionFields, 'kind' | 'stem' | 'answer'> &
  Partial<Omit<QuestionFields, 'kind' | 'stem' | 'answer'>>;

export interface QuestionQuery extends Omit<QuestionFilter, 'unitPath' | 'provinceId' | 'status'> {
  unitId?: number;
  status?: QuestionFilter['status'];
}

export type QuestionSheetProblemCode =
  | 'required'
  | 'too_long'
  | 'bad_chars'
  | 'unknown_kind'
  | 'option_gap'
  | 'options_count'
  | 'essay_options'
  | 'answer_missing'
  | 'answer_format'
  | 'answer_not_an_option'
  | 'multiple_needs_two'
  | 'true_false_answer'
  | 'blank_empty'
  | 'blanks_mismatch'
  | 'unknown_stage'
  | 'bad_difficulty'
  | 'duplicate_in_file';

/** One problem of one sheet row: the row as Excel numbers it, the column by its Chinese header. */
export interface QuestionSheetProblem {
  row: number;
  column: string;
  code: QuestionSheetProblemCode;
  value?: string;
}

export interface QuestionImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface BankEditor {
  userId: number;
  username: string;
  displayName: string;
  orgUnitName: string;
}

/** The columns of a bank sheet (template, export and import alike). */
export const QUESTION_COLUMNS = [
  { key: 'kind', zh: '题型', en: 'kind', required: true, width: 8 },
  { key: 'stem', zh: '题干', en: 'stem', required: true, width: 48 },
  ...OPTION_KEYS.map((k) => ({ key: `option${k}`, zh: `选项${k}`, en: `option ${k}`, required: false, width: 18 })),
  { key: 'answer', zh: '答案', en: 'answer', required: true, width: 16 },
  { key: 'explanation', zh: '解析', en: 'explanation', required: false, width: 32 },
  { key: 'module', zh: '模块', en: 'module', required: false, width: 12 },
  { key: 'subject', zh: '学科', en: 'subject', required: false, width: 10 },
  { key: 'stage', zh: '学段', en: 'stage', required: false, width: 8 },
  { key: 'difficulty', zh: '难度', en: 'difficulty', required: false, width: 6 },
] as const satisfies ReadonlyArray<{ key: string; zh: string; en: string; required: boolean; width: number }>;
type ColumnKey = (typeof QUESTION_COLUMNS)[number]['key'];
const COLUMN_ZH = new Map<string, string>(QUESTION_COLUMNS.map((c) => [c.key, c.zh]));
const zh = (key: ColumnKey): string => COLUMN_ZH.get(key) ?? key;
const MAX_ROWS = 5_000;
const MAX_OPTION_CHARS = 1_000;
const MAX_TEXT_CHARS = 5_000;
const MAX_TAG_CHARS = 40;
const DEFAULT_DIFFICULTY = 3;

const stageOf = new Map<string, string>(
  STAGES.flatMap((s) => [
    [STAGE_LABELS[s], s],
    [s, s],
  ]),
);
const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** The content in one canonical form: multiple-choice keys sorted, blanks trimmed, an empty reference text none. */
export function normaliseQuestion(input: QuestionInput): QuestionFields {
  const choice = input.kind === 'single' || input.kind === 'multiple';
  let answer: QuestionKey = input.answer ?? null;
  if (input.kind === 'multiple' && Array.isArray(answer)) answer = uniq(answer as string[]).sort();
  if (input.kind === 'fill_in' && Array.isArray(answer) && answer.every(Array.isArray))
    answer = (answer as string[][]).map((b) => uniq(b.map((a) => normaliseText(a))));
  if (input.kind === 'essay')
    answer = typeof answer === 'string' && normaliseText(answer) !== '' ? answer.trim() : null;
  return {
    kind: input.kind,
    stem: input.stem,
    options: choice ? (input.options ?? []).map((o) => ({ key: o.key, text: o.text })) : (input.options ?? []),
    answer,
    explanation: input.explanation ?? '',
    module: input.module ?? '',
    subject: input.subject ?? '',
    stage: input.stage ?? '',
    difficulty: input.difficulty ?? DEFAULT_DIFFICULTY,
    shuffleOptions: input.shuffleOptions ?? true,
  };
}

const FIELD_KEYS: ReadonlyArray<keyof QuestionFields> = [
  'kind',
  'stem',
  'options',
  'answer',
  'explanation',
  'module',
  'subject',
  'stage',
  'difficulty',
  'shuffleOptions',
];
const changedFields = (a: QuestionFields, b: QuestionFields) =>
  FIELD_KEYS.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/** Who reads and keeps banks: an administrator by the policy, a trainer by being named for a unit. */
interface Access {
  actor: Actor;
  /** for a trainer: the units whose banks they keep (deepest first) */
  keeps: Array<{ id: number; path: string }> | null;
}

const reads = (a: Access, path: string) =>
  a.keeps ? a.keeps.some((k) => isWithin(path, k.path)) : can(a.actor, 'question.read', { path });
const manages = (a: Access, path: string) =>
  a.keeps ? a.keeps.some((k) => k.path === path) : can(a.actor, 'question.manage', { path });

/**
 * Question banks: province, city and county keep banks shared down the tree like the course
 * catalogue; a unit reads the banks above it, an administrator those below too. Trainers an
 * administrator names keep that unit's bank beside its administrators. Editing a version an exam or an
 * attempt used (`frozen`) writes the next version, so what a candidate was given stays as it was.
 * Sheets are imported whole or not at all.
 */
export function createQuestionBankService(deps: ServiceDeps) {
  const { db, env } = deps;
  const questions = createQuestionRepository(db);
  const units = createOrgUnitRepository(db);

  /** Teachers, and trainers named for no bank, are refused before anything is looked up. */
  async function requireAccess(ctx: RequestContext, action: string): Promise<Access> {
    const actor = requireActor(ctx);
    if (isAdmin(actor.role)) return { actor, keeps: null };
    if (actor.role === 'trainer') {
      const keeps = await questions.editorUnits(actor.userId);
      if (keeps.length) return { actor, keeps };
    }
    return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
  }

  /** A bank the actor reads, or keeps ('manage'); outside their reach "not found". */
  async function requireBank(
    ctx: RequestContext,
    unitId: number | undefined,
    action: string,
    need: 'read' | 'manage',
  ): Promise<{ access: Access; unit: OrgUnitRow }> {
    const access = await requireAccess(ctx, action);
    const id = unitId ?? access.keeps?.[0]?.id ?? access.actor.orgUnitId;
    const unit = await units.findById(id);
    if (!unit) throw new AppError('NOT_FOUND');
    if (unit.provinceId !== access.actor.provinceId || !reads(access, unit.path))
      return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: id }, notFoundDenied());
    if (need === 'manage') {
      const meta = { action, targetType: 'org_unit', targetId: unit.id, targetPath: unit.path, targetLabel: unit.name };
      if (!manages(access, unit.path)) return auditRefusal(db, ctx, meta, new AppError('FORBIDDEN'));
      if (!BANK_KINDS.includes(unit.kind))
        return auditRefusal(
          db,
          ctx,
          meta,
          new AppError('QUESTION_INVALID', { details: { problems: { unitId: 'unit_kind' } } }),
        );
    }
    return { access, unit };
  }

  async function requireQuestion(
    ctx: RequestContext,
    id: number,
    action: string,
    need: 'read' | 'manage',
  ): Promise<{ access: Access; question: QuestionRow }> {
    const access = await requireAccess(ctx, action);
    const question = await questions.find(id);
    if (!question) throw new AppError('NOT_FOUND');
    if (question.provinceId !== access.actor.provinceId || !reads(access, question.orgPath))
      return auditRefusal(db, ctx, { action, targetType: 'question', targetId: id }, notFoundDenied());
    if (need === 'manage' && !manages(access, question.orgPath))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'question', targetId: id, targetPath: question.orgPath },
        new AppError('FORBIDDEN'),
      );
    return { access, question };
  }

  const view = (access: Access, bankPath: string, q: QuestionRow): QuestionView => ({
    ...q,
    canManage: manages(access, q.orgPath),
    inherited: q.orgPath !== bankPath,
  });

  async function checkContent(
    ctx: RequestContext,
    action: string,
    f: QuestionFields,
    target: { id?: number; path: string },
  ): Promise<void> {
    const problems: QuestionProblem[] = questionProblems(f);
    if (problems.length)
      await auditRefusal(
        db,
        ctx,
        { action, targetType: 'question', targetId: target.id ?? null, targetPath: target.path },
        new AppError('QUESTION_INVALID', { details: { problems, blanks: countBlanks(f.stem) } }),
      );
  }

  function filterOf(access: Access, unit: OrgUnitRow, q: QuestionQuery): QuestionFilter {
    const { unitId: _unit, ...rest } = q;
    return { ...rest, unitPath: unit.path, provinceId: access.actor.provinceId, status: q.status ?? 'active' };
  }

  async function readSheet(buf: Buffer, fileName: string) {
    const rows = await readSheetRows(buf, fileName, {
      columns: QUESTION_COLUMNS,
      identifying: ['kind', 'stem'],
      maxRows: MAX_ROWS,
      maxUnpacked: env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576,
    });
    if (rows === null) {
      const required = QUESTION_COLUMNS.filter((c) => c.required).map((c) => c.zh);
      throw new AppError('IMPORT_MISSING_COLUMNS', {
        params: { columns: required.join('、') },
        details: { missing: required },
      });
    }
    if (rows.length === 0)
      throw new AppError('QUESTION_SHEET_INVALID', { details: { problems: [], problemCount: 0, empty: true } });
    return rows;
  }

  /** Checks one sheet row: its content, or every problem it has. */
  function readRow(
    row: number,
    c: Partial<Record<ColumnKey, Cell>>,
  ): { fields: QuestionFields; problems: [] } | { fields: null; problems: QuestionSheetProblem[] } {
    const problems: QuestionSheetProblem[] = [];
    const bad = (key: ColumnKey, code: QuestionSheetProblemCode, value?: string) =>
      problems.push({ row, column: zh(key), code, ...(value ? shownValue(value, 50) : {}) });
    const text = (key: ColumnKey, max: number): string => {
      const v = words(c[key] ?? null);
      if (hasForbiddenChars(v.replace(/\n/g, ''))) bad(key, 'bad_chars', v);
      else if ([...v].length > max) bad(key, 'too_long', String(max));
      return v;
    };
    const kindText = words(c.kind ?? null);
    const kind = parseKindCell(kindText);
    if (kindText === '') bad('kind', 'required');
    else if (!kind) bad('kind', 'unknown_kind', kindText);
    const stem = text('stem', MAX_TEXT_CHARS);
    if (stem === '') bad('stem', 'required');
    const optionCells = OPTION_KEYS.map((k) => text(`option${k}` as ColumnKey, MAX_OPTION_CHARS));
    const opts = optionsFromCells(optionCells);
    if (!opts.ok) bad(`option${opts.gapAt}` as ColumnKey, 'option_gap');
    const explanation = text('explanation', MAX_TEXT_CHARS);
    const module = text('module', MAX_TAG_CHARS);
    const subject = text('subject', MAX_TAG_CHARS);
    const stageText = codeText(c.stage ?? null);
    const stage = stageText === '' ? '' : (stageOf.get(stageText.toLowerCase()) ?? stageOf.get(stageText));
    if (stage === undefined) bad('stage', 'unknown_stage', stageText);
    const difficultyText = codeText(c.difficulty ?? null);
    const difficulty = difficultyText === '' ? DEFAULT_DIFFICULTY : Number(difficultyText);
    if (!Number.isInteger(difficulty) || difficulty < 1 || difficulty > 5)
      bad('difficulty', 'bad_difficulty', difficultyText);
    const answerText = words(c.answer ?? null);
    if (!kind || !opts.ok) return { fields: null, problems };
    const choice = kind === 'single' || kind === 'multiple';
    if (!choice && opts.options.length) bad('optionA', 'essay_options');
    if (choice && (opts.options.length < 2 || opts.options.length > OPTION_KEYS.length))
      bad('optionA', 'options_count');
    const parsed = parseAnswerCell(
      kind,
      answerText,
      opts.options.map((o) => o.key),
    );
    if (!parsed.ok) bad('answer', parsed.problem, answerText);
    else if (kind === 'essay' && typeof parsed.answer === 'string' && [...parsed.answer].length > MAX_TEXT_CHARS)
      bad('answer', 'too_long', String(MAX_TEXT_CHARS));
    if (problems.length || !parsed.ok) return { fields: null, problems };
    const fields = normaliseQuestion({
      kind,
      stem,
      options: opts.options,
      answer: parsed.answer,
      explanation,
      module,
      subject,
      stage: stage ?? '',
      difficulty,
    });
    // what the sheet's own checks leave: the blanks of a fill-in stem against its answer
    for (const p of questionProblems(fields))
      if (p === 'blanks_mismatch') bad('answer', 'blanks_mismatch', String(countBlanks(stem)));
      else if (p === 'blank_empty' || p === 'answer_missing' || p === 'answer_not_an_option') bad('answer', p);
      else if (p === 'multiple_needs_two' || p === 'true_false_answer') bad('answer', p);
      else bad('optionA', p === 'essay_options' ? 'essay_options' : 'options_count');
    return problems.length ? { fields: null, problems } : { fields, problems: [] };
  }

  return {
    /** One page of a bank (default: the actor's unit, or for a trainer the bank they keep), optionally with the banks above. */
    async list(
      ctx: RequestContext,
      q: QuestionQuery,
      page: { limit: number; offset: number },
    ): Promise<{ items: QuestionView[]; total: number; canCreate: boolean; unit: OrgUnitRow }> {
      const { access, unit } = await requireBank(ctx, q.unitId, 'question.list', 'read');
      const { items, total } = await questions.list(filterOf(access, unit, q), page);
      return {
        items: items.map((x) => view(access, unit.path, x)),
        total,
        canCreate: BANK_KINDS.includes(unit.kind) && manages(access, unit.path),
        unit,
      };
    },

    /** The modules (with the catalogue's suggestions), subjects and stages used in a bank and those above it. */
    async tags(
      ctx: RequestContext,
      unitId: number | undefined,
    ): Promise<{ modules: string[]; subjects: string[]; stages: string[] }> {
      const { access, unit } = await requireBank(ctx, unitId, 'question.tags', 'read');
      const used = await questions.tags({
        provinceId: access.actor.provinceId,
        unitPath: unit.path,
        includeInherited: true,
      });
      return { ...used, modules: uniq([...COURSE_MODULE_SUGGESTIONS, ...used.modules]) };
    },

    /** A question's current version and every version it has had, newest first. */
    async get(ctx: RequestContext, id: number): Promise<{ question: QuestionView; versions: QuestionVersionRow[] }> {
      const { access, question } = await requireQuestion(ctx, id, 'question.read', 'read');
      return { question: view(access, question.orgPath, question), versions: await questions.versions(id) };
    },

    /** A new question of a bank (default: the actor's unit). */
    async create(ctx: RequestContext, input: QuestionInput & { unitId?: number }): Promise<QuestionView> {
      const { access, unit } = await requireBank(ctx, input.unitId, 'question.create', 'manage');
      const fields = normaliseQuestion(input);
      await checkContent(ctx, 'question.create', fields, { path: unit.path });
      const id = await auditedWrite(
        db,
        ctx,
        {
          action: 'question.create',
          targetType: 'question',
          targetPath: unit.path,
          targetLabel: fields.stem.slice(0, 60),
          details: { unitId: unit.id, kind: fields.kind },
        },
        async (trx, meta) => {
          const newId = await createQuestionRepository(trx).insert({
            ...fields,
            provinceId: unit.provinceId,
            orgUnitId: unit.id,
            orgPath: unit.path,
            createdBy: access.actor.userId,
          });
          meta.targetId = newId;
          return newId;
        },
      );
      return view(access, unit.path, (await questions.find(id))!);
    },

    /**
     * Replaces what a question says. A current version no exam or attempt has used is rewritten; a frozen
     * one stays as it was and the change becomes the next version, which new papers use.
     */
    async update(
      ctx: RequestContext,
      id: number,
      input: QuestionInput,
    ): Promise<{ question: QuestionView; newVersion: boolean }> {
      const { access, question } = await requireQuestion(ctx, id, 'question.update', 'manage');
      const fields = normaliseQuestion(input);
      await checkContent(ctx, 'question.update', fields, { id, path: question.orgPath });
      const changed = changedFields(fields, question);
      if (changed.length === 0) return { question: view(access, question.orgPath, question), newVersion: false };
      const newVersion = await auditedWrite(
        db,
        ctx,
        {
          action: 'question.update',
          targetType: 'question',
          targetId: id,
          targetPath: question.orgPath,
          targetLabel: fields.stem.slice(0, 60),
          details: { changed },
        },
        async (trx, meta) => {
          const repo = createQuestionRepository(trx);
          const now = await repo.lock(id);
          if (!now) throw new AppError('NOT_FOUND');
          if (now.frozen) {
            await repo.addVersion(id, now.version + 1, fields, access.actor.userId);
            meta.details = { ...meta.details, version: now.version + 1, from: now.version };
            return true;
          }
          await repo.updateVersion(id, now.version, fields);
          meta.details = { ...meta.details, version: now.version };
          return false;
        },
      );
      return { question: view(access, question.orgPath, (await questions.find(id))!), newVersion };
    },

    /** Archives a question (it leaves the lists and new papers; past ones keep it) or brings it back. */
    async setArchived(ctx: RequestContext, id: number, archived: boolean): Promise<QuestionView> {
      const action = archived ? 'question.archive' : 'question.restore';
      const { access, question } = await requireQuestion(ctx, id, action, 'manage');
      if (question.archived !== archived)
        await auditedWrite(
          db,
          ctx,
          {
            action,
            targetType: 'question',
            targetId: id,
            targetPath: question.orgPath,
            targetLabel: question.stem.slice(0, 60),
          },
          async (trx) => createQuestionRepository(trx).setArchived(id, archived),
        );
      return view(access, question.orgPath, (await questions.find(id))!);
    },

    /** The sheet to fill in, with drop-downs and a second sheet 说明 explaining each column. */
    async template(ctx: RequestContext, unitId: number | undefined): Promise<{ data: Buffer; unitName: string }> {
      const { unit } = await requireBank(ctx, unitId, 'question.import_template', 'manage');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('题库');
      ws.columns = QUESTION_COLUMNS.map((c) => ({ header: c.zh, key: c.key, width: c.width }));
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      ws.addRow([
        '单选',
        '教师职业道德规范的核心是（  ）。',
        '爱国守法',
        '爱岗敬业',
        '关爱学生',
        '为人师表',
        ...Array(6).fill(''),
        'C',
        '关爱学生是师德的灵魂。',
        '师德',
        '',
        '',
        2,
      ]);
      ws.addRow([
        '填空',
        '中华人民共和国成立于____年，首都是____。',
        ...Array(10).fill(''),
        '1949|北京/北京市',
        '',
        '',
        '历史',
        '初中',
        1,
      ]);
      const list = (items: readonly string[], strict: boolean) => ({
        type: 'list' as const,
        allowBlank: true,
        showErrorMessage: strict,
        formulae: [`"${items.join(',').slice(0, 250)}"`],
      });
      const col = (key: ColumnKey) => QUESTION_COLUMNS.findIndex((c) => c.key === key) + 1;
      for (let r = 2; r <= 1_000; r++) {
        ws.getCell(r, col('kind')).dataValidation = list(Object.values(KIND_SHEET_LABELS), true);
        ws.getCell(r, col('module')).dataValidation = list(COURSE_MODULE_SUGGESTIONS, false);
        ws.getCell(r, col('stage')).dataValidation = list(Object.values(STAGE_LABELS), true);
        ws.getCell(r, col('difficulty')).dataValidation = list(['1', '2', '3', '4', '5'], true);
      }
      const notes = wb.addWorksheet('说明');
      notes.columns = [
        { header: '列', key: 'col', width: 12 },
        { header: '填写说明', key: 'how', width: 100 },
      ];
      notes.getRow(1).font = { bold: true };
      for (const [c, how] of [
        [
          '',
          `每行一道试题，导入到“${unit.name}”题库。前两行为示例，导入前请删除。有任何一行错误时整个文件都不导入，请按提示修改后重新上传。`,
        ],
        ['题型', '必填：单选、多选、判断、填空、简答（“题”字可写可不写，如“单选题”；论述题填“简答”）。'],
        ['题干', '必填，最多 5000 字。填空题用两个以上下划线“____”或空括号“（  ）”标出每个空，空的个数须与答案一致。'],
        ['选项A…选项J', '单选、多选题必填，至少两个选项，从选项A起连续填写，中间不能空；判断、填空、简答题不填选项。'],
        [
          '答案',
          '单选填一个字母，如“B”；多选填两个以上字母，如“ACD”或“A,C,D”；判断填“对”或“错”（也可填正确/错误、√/×、T/F）。',
        ],
        [
          '答案（填空）',
          '各空之间用竖线“|”分隔，同一空的多个可接受答案用斜杠“/”分隔，如“北京/北京市|1949”；答案本身含“|”或“/”时在前面加反斜杠“\\”。评分时忽略空格、全角半角和大小写。',
        ],
        ['答案（简答）', '填写参考答案或评分要点，可不填；简答题由阅卷人人工评分。'],
        ['解析', '选填，考后可向考生展示的答案解析，最多 5000 字。'],
        ['模块', `选填，如 ${COURSE_MODULE_SUGGESTIONS.join('、')}，也可自行填写，最多 40 字。`],
        ['学科', '选填，如 语文、数学，最多 40 字。'],
        ['学段', `选填：${Object.values(STAGE_LABELS).join('、')}。`],
        ['难度', '选填，1（容易）到 5（困难）的整数，不填按 3。'],
        [
          '重复',
          '同一文件中题型和题干都相同的行视为重复；题库中已有完全相同的试题时该行不再导入，重复上传同一文件不会重复创建。',
        ],
      ])
        notes.addRow({ col: c, how });
      notes.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
      return { data: Buffer.from(await wb.xlsx.writeBuffer()), unitName: unit.name };
    },

    /** The questions of a list's filter as a sheet with the template's columns, which imports back unchanged. */
    async export(ctx: RequestContext, q: QuestionQuery): Promise<{ data: Buffer; unitName: string }> {
      const { access, unit } = await requireBank(ctx, q.unitId, 'question.export', 'read');
      const filter = filterOf(access, unit, q);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<void>((resolve, reject) => {
        out.on('end', resolve);
        out.on('error', reject);
      });
      async function* rows() {
        for await (const batch of questions.iterate(filter))
          for (const x of batch)
            yield [
              KIND_SHEET_LABELS[x.kind],
              x.stem,
              ...OPTION_KEYS.map((k) => x.options.find((o) => o.key === k)?.text ?? ''),
              formatAnswerCell(x.kind, x.answer),
              x.explanation,
              x.module,
              x.subject,
              STAGE_LABELS[x.stage as keyof typeof STAGE_LABELS] ?? x.stage,
              x.difficulty,
            ];
      }
      await writeXlsx(
        out,
        '题库',
        QUESTION_COLUMNS.map((c) => ({ header: c.zh, width: c.width })),
        rows(),
      );
      await done;
      return { data: Buffer.concat(chunks), unitName: unit.name };
    },

    /**
     * Imports the rows of a sheet into a bank: every row is checked first and every problem reported by
     * row and column; then all are written in one transaction, or none. A row equal to a question the
     * bank has is left alone, so the same file twice creates nothing twice.
     */
    async import(
      ctx: RequestContext,
      unitId: number | undefined,
      file: { name: string; data: Buffer },
    ): Promise<QuestionImportResult> {
      const { access, unit } = await requireBank(ctx, unitId, 'question.import', 'manage');
      const rows = await readSheet(file.data, file.name);
      const problems: QuestionSheetProblem[] = [];
      const parsed: Array<{ row: number; fields: QuestionFields }> = [];
      const seen = new Map<string, number>();
      for (const r of rows) {
        const result = readRow(r.row, r.cells);
        if (!result.fields) {
          problems.push(...result.problems);
          continue;
        }
        const key = `${result.fields.kind}\u0000${result.fields.stem}`;
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({ row: r.row, column: zh('stem'), code: 'duplicate_in_file', value: String(first) });
          continue;
        }
        seen.set(key, r.row);
        parsed.push({ row: r.row, fields: result.fields });
      }
      if (problems.length) {
        problems.sort((a, b) => a.row - b.row);
        return auditRefusal(
          db,
          ctx,
          {
            action: 'question.import',
            targetType: 'org_unit',
            targetId: unit.id,
            targetPath: unit.path,
            details: { file: file.name, rows: rows.length, problems: problems.length },
          },
          new AppError('QUESTION_SHEET_INVALID', {
            details: { problems: problems.slice(0, 1_000), problemCount: problems.length },
          }),
        );
      }
      const existing = await questions.findByStems(unit.id, uniq(parsed.map((p) => p.fields.stem)));
      const writes = parsed.filter(
        (p) => !existing.some((e) => e.kind === p.fields.kind && changedFields(p.fields, e).length === 0),
      );
      const unchanged = parsed.length - writes.length;
      if (writes.length)
        await auditedWrite(
          db,
          ctx,
          {
            action: 'question.import',
            targetType: 'org_unit',
            targetId: unit.id,
            targetPath: unit.path,
            targetLabel: unit.name,
            details: { file: file.name, rows: rows.length, created: writes.length, unchanged },
          },
          async (trx) => {
            const repo = createQuestionRepository(trx);
            for (const w of writes)
              await repo.insert({
                ...w.fields,
                provinceId: unit.provinceId,
                orgUnitId: unit.id,
                orgPath: unit.path,
                createdBy: access.actor.userId,
              });
          },
        );
      return { rows: rows.length, created: writes.length, updated: 0, unchanged };
    },

    /** The trainers named to keep a unit's bank and, for its keepers, the trainer accounts that may be named. */
    async editors(
      ctx: RequestContext,
      unitId: number,
    ): Promise<{ unit: OrgUnitRow; editors: BankEditor[]; canManage: boolean; candidates: BankEditor[] }> {
      const { access, unit } = await requireBank(ctx, unitId, 'question.editors', 'read');
      const canManage = !access.keeps && BANK_KINDS.includes(unit.kind) && manages(access, unit.path);
      const [editors, candidates] = await Promise.all([
        questions.editors(unit.id),
        canManage
          ? createTrainerRepository(db).accounts(unit.path, undefined, 500)
          : Promise.resolve([] as Array<BankEditor & { trainerId: number | null }>),
      ]);
      return {
        unit,
        editors,
        canManage,
        candidates: candidates.map(({ userId, username, displayName, orgUnitName }) => ({
          userId,
          username,
          displayName,
          orgUnitName,
        })),
      };
    },

    /** Names exactly these trainers (accounts of the unit's subtree) to keep its bank; administrators only. */
    async setEditors(ctx: RequestContext, unitId: number, userIds: number[]): Promise<BankEditor[]> {
      const actor = requireActor(ctx);
      if (!isAdmin(actor.role))
        return auditRefusal(
          db,
          ctx,
          { action: 'question.set_editors', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const { unit } = await requireBank(ctx, unitId, 'question.set_editors', 'manage');
      const wanted = uniq(userIds);
      const found = new Set(await questions.trainersIn(unit.path, wanted));
      const bad = wanted.filter((u) => !found.has(u));
      const meta = {
        action: 'question.set_editors',
        targetType: 'org_unit',
        targetId: unit.id,
        targetPath: unit.path,
        targetLabel: unit.name,
        details: { userIds: wanted },
      };
      if (bad.length)
        return auditRefusal(db, ctx, meta, new AppError('QUESTION_EDITOR_INVALID', { details: { userIds: bad } }));
      await auditedWrite(db, ctx, meta, (trx) =>
        createQuestionRepository(trx).setEditors(unit.id, wanted, actor.userId),
      );
      return questions.editors(unit.id);
    },
  };
}

export type QuestionBankService = ReturnType<typeof createQuestionBankService>;

export { QUESTION_KINDS };
export type { QuestionKind };
