import type { Transaction } from 'kysely';
import { chinaTime, today } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { isAdmin } from '../domain/org-tree.js';
import { countedChars, onlineCompletionOf, type OnlineCompletionRule } from '../domain/online-course.js';
import {
  bandKeys,
  clusters as clustersOf,
  containment,
  fingerprint,
  shingleSet,
  signatureBytes,
  signatureOf,
  type TextRange,
} from '../domain/originality.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can, type Actor } from '../policies/access.policy.js';
import {
  createReflectionRepository,
  type ClassReflectionRow,
  type ReflectionClassRow,
  type ReflectionRow,
} from '../repositories/reflection.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import ExcelJS from './excel.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { checkOriginality } from './originality.service.js';
import { requireAdminAction, requireRegistryRole } from './registry-access.js';
import { PERCENT_FORMAT } from './roster-file.js';

/** A teacher keeps at most this many reflections in a class (withdrawn ones not counted). */
export const MAX_REFLECTIONS_PER_CLASS = 50;
export const MAX_PROMPTS = 20;

export type NotCountedReason = 'too_short' | 'too_similar';

/** The course's rule for reflections, as the pages show it. */
export interface ReflectionRule {
  required: number;
  minChars: number;
  /** at or above this similarity (0–1) a reflection does not count */
  threshold: number;
}

export interface ReflectionClass {
  id: number;
  name: string;
  projectTitle: string;
  courseId: number;
  courseTitle: string;
  studyOpensOn: string;
  studyClosesOn: string;
  classStatus: 'open' | 'closed';
  /** open: reflections may be written, edited and withdrawn now; not_yet / over: the study window; closed: the class */
  window: 'open' | 'not_yet' | 'over' | 'closed';
}

/**
 * What the teacher's text was most similar to, as its author may know it: another text (never whose),
 * one of their own reflections, or a prompt of the course.
 */
export type OwnMatch = 'other' | 'own' | 'prompt' | null;

export interface MyReflection {
  id: number;
  title: string;
  body: string;
  chars: number;
  similarity: number;
  counts: boolean;
  reasons: NotCountedReason[];
  matchedRanges: TextRange[];
  match: OwnMatch;
  createdAt: Date;
  updatedAt: Date;
}

/** An online class of the teacher's, with their progress in reflections. */
export interface MyReflectionClass extends ReflectionClass {
  required: number;
  counted: number;
}

export interface MyReflections {
  class: ReflectionClass;
  rule: ReflectionRule;
  prompts: string[];
  counted: number;
  items: MyReflection[];
}

/**
 * What a reflection was most similar to, as the class's tutors see it: a text of this class (with its
 * author), the author's own other text, a text outside this class (nothing more), or a prompt.
 */
export type TutorMatch =
  | { kind: 'class'; reflectionId: number; teacherName: string }
  | { kind: 'own'; reflectionId: number }
  | { kind: 'outside' }
  | { kind: 'prompt' }
  | null;

export interface ClassReflectionItem {
  id: number;
  teacherId: number;
  teacherName: string;
  schoolName: string;
  title: string;
  chars: number;
  similarity: number;
  counts: boolean;
  reasons: NotCountedReason[];
  match: TutorMatch;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClassReflectionDetail extends ClassReflectionItem {
  body: string;
  matchedRanges: TextRange[];
}

export interface ReflectionCluster {
  /** the highest similarity between two of its texts */
  maxSimilarity: number;
  members: Array<{ id: number; teacherId: number; teacherName: string; title: string; chars: number }>;
}

export interface ReflectionClusters {
  threshold: number;
  clusters: ReflectionCluster[];
  /** reflections of the class too similar to a text outside it, or to a prompt: the other text is not named */
  elsewhere: Array<{
    id: number;
    teacherId: number;
    teacherName: string;
    title: string;
    similarity: number;
    kind: 'outside' | 'prompt';
  }>;
}

export interface ReflectionInput {
  title: string;
  body: string;
}

const ruleView = (r: OnlineCompletionRule): ReflectionRule => ({
  required: r.reflectionsRequired,
  minChars: r.minReflectionChars,
  threshold: r.similarityThreshold,
});

/** Why a reflection does not count under the rule in force (none: it counts). */
export function reasonsOf(r: { chars: number; similarity: number }, rule: ReflectionRule): NotCountedReason[] {
  const out: NotCountedReason[] = [];
  if (r.chars < rule.minChars) out.push('too_short');
  if (r.similarity >= rule.threshold) out.push('too_similar');
  return out;
}

function windowOf(c: ReflectionClassRow, day: string): ReflectionClass['window'] {
  if (c.status === 'closed' || c.projectStatus === 'closed') return 'closed';
  if (day < c.studyOpensOn!) return 'not_yet';
  if (day > c.studyClosesOn!) return 'over';
  return 'open';
}

/**
 * Reflections (研修日志/心得, R-35) of online classes. An enrolled teacher writes, edits and withdraws
 * their own in the study window; each save is checked for originality against the course's corpus
 * (services/originality.service.ts) in the transaction that stores it. The class's tutors (its
 * trainers) and the organiser's admins read the class's reflections and its clusters of near-identical
 * texts. A teacher never learns whose text theirs matched; tutors see names within their class only.
 */
export function createReflectionService(deps: ServiceDeps) {
  const { db, env } = deps;
  const repo = createReflectionRepository(db);

  const classView = (c: ReflectionClassRow): ReflectionClass => ({
    id: c.id,
    name: c.name,
    projectTitle: c.projectTitle,
    courseId: c.courseId!,
    courseTitle: c.courseTitle ?? '',
    studyOpensOn: c.studyOpensOn!,
    studyClosesOn: c.studyClosesOn!,
    classStatus: c.status,
    window: windowOf(c, today(env)),
  });

  /** The teacher record of a teacher enrolled in the online class; anyone else is refused (audited). */
  async function enrolledTeacher(
    ctx: RequestContext,
    action: string,
    classId: number,
  ): Promise<{ actor: Actor; teacher: { id: number; orgPath: string; provinceId: number }; cls: ReflectionClassRow }> {
    const actor = requireActor(ctx);
    const teacher = actor.role === 'teacher' ? await repo.teacherOfUser(actor.userId) : undefined;
    if (!teacher)
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'training_class', targetId: classId, targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    const cls = await repo.class(classId);
    // a class the teacher holds no place in, or one without online study, does not exist for them
    if (!cls?.courseId || cls.projectStatus === 'draft' || !(await repo.isEnrolled(classId, teacher.id)))
      return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, notFoundDenied());
    return { actor, teacher, cls };
  }

  /** A tutor of the class (one of its trainers) or an admin who runs training where its project runs. */
  async function requireTutor(ctx: RequestContext, action: string, classId: number): Promise<ReflectionClassRow> {
    const actor = requireActor(ctx);
    const cls = await repo.class(classId);
    if (!cls) throw new AppError('NOT_FOUND');
    if (actor.role === 'trainer') {
      if (!(await repo.isTrainer(classId, actor.userId)))
        return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, notFoundDenied());
    } else if (isAdmin(actor.role)) {
      await requireAdminAction(db, ctx, action, 'training.manage', {
        path: cls.projectPath,
        type: 'training_class',
        id: classId,
        label: `${cls.projectTitle} / ${cls.name}`,
      });
    } else {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'training_class', targetId: classId, targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    }
    if (!cls.courseId) throw new AppError('CLASS_NOT_ONLINE');
    return cls;
  }

  function requireWritable(cls: ReflectionClassRow): void {
    const w = windowOf(cls, today(env));
    if (w === 'closed') throw new AppError('CLASS_CLOSED');
    if (w !== 'open')
      throw new AppError('REFLECTION_NOT_OPEN', { params: { opens: cls.studyOpensOn!, closes: cls.studyClosesOn! } });
  }

  const ownMatch = (r: ReflectionRow, teacherId: number, authorOf: Map<number, { teacherId: number }>): OwnMatch => {
    if (r.matchedKind === 'prompt') return 'prompt';
    if (r.matchedKind !== 'reflection' || r.matchedReflectionId === null) return null;
    return authorOf.get(r.matchedReflectionId)?.teacherId === teacherId ? 'own' : 'other';
  };

  async function myView(r: ReflectionRow, teacherId: number, rule: ReflectionRule): Promise<MyReflection> {
    const authors = await repo.authors(r.matchedReflectionId ? [r.matchedReflectionId] : []);
    return mine(r, teacherId, rule, authors);
  }

  function mine(
    r: ReflectionRow,
    teacherId: number,
    rule: ReflectionRule,
    authors: Map<number, { teacherId: number }>,
  ): MyReflection {
    const reasons = reasonsOf(r, rule);
    return {
      id: r.id,
      title: r.title,
      body: r.body,
      chars: r.chars,
      similarity: r.similarity,
      counts: reasons.length === 0,
      reasons,
      matchedRanges: r.matchedRanges,
      match: ownMatch(r, teacherId, authors),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  /** Checks a text and stores it (new, or over an existing reflection), with its band rows, in `trx`. */
  async function checkAndStore(
    trx: Transaction<DB>,
    input: ReflectionInput,
    cls: ReflectionClassRow,
    teacher: { id: number; orgPath: string; provinceId: number },
    existing: ReflectionRow | null,
  ) {
    const r = createReflectionRepository(trx);
    const courseId = cls.courseId!;
    const rule = onlineCompletionOf(cls.completionRule);
    const fp = fingerprint(input.body);
    await r.lockBands(courseId, fp.bands);
    const check = await checkOriginality(
      trx,
      { courseId, text: input.body, excludeIds: existing ? [existing.id] : [] },
      fp,
    );
    const chars = countedChars(input.body);
    const values = {
      title: input.title,
      body: input.body,
      chars,
      similarity: check.similarity,
      counts: chars >= rule.minReflectionChars && check.similarity < rule.similarityThreshold,
      matchedRanges: check.matchedRanges,
      matchedKind: check.match?.kind ?? null,
      matchedReflectionId: check.match?.kind === 'reflection' ? check.match.reflectionId : null,
      signature: signatureBytes(fp.signature),
    };
    let id: number;
    if (existing) {
      await r.deleteBands(courseId, existing.id, bandKeys(signatureOf(existing.signature)));
      await r.update(existing.id, values);
      id = existing.id;
    } else {
      id = await r.insert({
        ...values,
        provinceId: teacher.provinceId,
        classId: cls.id,
        courseId,
        teacherId: teacher.id,
        orgPath: teacher.orgPath,
      });
    }
    await r.insertBands(courseId, id, fp.bands);
    return { id, chars, similarity: check.similarity, counts: values.counts };
  }

  async function tutorItems(
    rows: ClassReflectionRow[],
    classId: number,
    rule: ReflectionRule,
  ): Promise<ClassReflectionItem[]> {
    const matched = [...new Set(rows.map((r) => r.matchedReflectionId).filter((x): x is number => x !== null))];
    const authors = await repo.authors(matched);
    return rows.map((r) => {
      const reasons = reasonsOf(r, rule);
      return {
        id: r.id,
        teacherId: r.teacherId,
        teacherName: r.teacherName,
        schoolName: r.schoolName,
        title: r.title,
        chars: r.chars,
        similarity: r.similarity,
        counts: reasons.length === 0,
        reasons,
        match: tutorMatch(r, classId, authors),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    });
  }

  function tutorMatch(
    r: { teacherId: number; matchedKind: string | null; matchedReflectionId: number | null },
    classId: number,
    authors: Map<number, { classId: number; teacherId: number; teacherName: string }>,
  ): TutorMatch {
    if (r.matchedKind === 'prompt') return { kind: 'prompt' };
    if (r.matchedKind !== 'reflection' || r.matchedReflectionId === null) return null;
    const a = authors.get(r.matchedReflectionId);
    if (!a || a.classId !== classId) return { kind: 'outside' };
    if (a.teacherId === r.teacherId) return { kind: 'own', reflectionId: r.matchedReflectionId };
    return { kind: 'class', reflectionId: r.matchedReflectionId, teacherName: a.teacherName };
  }

  return {
    /** The online classes the teacher holds a place in, each with how many of their reflections count. */
    async myClasses(ctx: RequestContext): Promise<MyReflectionClass[]> {
      const actor = requireActor(ctx);
      const teacher = actor.role === 'teacher' ? await repo.teacherOfUser(actor.userId) : undefined;
      if (!teacher)
        return auditRefusal(
          db,
          ctx,
          { action: 'reflection.list_classes', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const classes = await repo.onlineClassesOfTeacher(teacher.id);
      return Promise.all(
        classes.map(async (c) => {
          const rule = ruleView(onlineCompletionOf(c.completionRule));
          const counted = await repo.counted(c.id, teacher.id, rule.minChars, rule.threshold);
          return { ...classView(c), required: rule.required, counted };
        }),
      );
    },

    /** The teacher's reflections of a class, the rule, the course's prompts, and how many count. */
    async mine(ctx: RequestContext, classId: number): Promise<MyReflections> {
      const { teacher, cls } = await enrolledTeacher(ctx, 'reflection.list_own', classId);
      const rule = ruleView(onlineCompletionOf(cls.completionRule));
      const [rows, prompts] = await Promise.all([repo.ofTeacher(classId, teacher.id), repo.prompts(cls.courseId!)]);
      const authors = await repo.authors(rows.map((r) => r.matchedReflectionId).filter((x): x is number => x !== null));
      const items = rows.map((r) => mine(r, teacher.id, rule, authors));
      return {
        class: classView(cls),
        rule,
        prompts,
        counted: items.filter((i) => i.counts).length,
        items,
      };
    },

    /** A new reflection, checked for originality as it is stored. */
    async submit(ctx: RequestContext, classId: number, input: ReflectionInput): Promise<MyReflection> {
      const action = 'reflection.submit';
      const { teacher, cls } = await enrolledTeacher(ctx, action, classId);
      const meta = {
        action,
        targetType: 'reflection',
        targetPath: teacher.orgPath,
        targetLabel: input.title,
        details: { classId } as Record<string, unknown>,
      };
      const id = await auditedWrite(db, ctx, meta, async (trx, m) => {
        const r = createReflectionRepository(trx);
        // one save of the teacher's at a time: the limit holds, and a second copy sees the first
        if (!(await r.isEnrolled(classId, teacher.id, true))) throw new AppError('NOT_FOUND');
        const current = (await r.class(classId))!;
        requireWritable(current);
        if ((await r.countOfTeacher(classId, teacher.id)) >= MAX_REFLECTIONS_PER_CLASS)
          throw new AppError('REFLECTION_LIMIT', { params: { max: MAX_REFLECTIONS_PER_CLASS } });
        const saved = await checkAndStore(trx, input, current, teacher, null);
        m.targetId = saved.id;
        m.details = { classId, chars: saved.chars, similarity: saved.similarity, counts: saved.counts };
        return saved.id;
      });
      return myView((await repo.get(id))!, teacher.id, ruleView(onlineCompletionOf(cls.completionRule)));
    },

    /** Changes a reflection's title and text; it is checked again. */
    async edit(ctx: RequestContext, classId: number, id: number, input: ReflectionInput): Promise<MyReflection> {
      const action = 'reflection.edit';
      const { teacher, cls } = await enrolledTeacher(ctx, action, classId);
      const meta = {
        action,
        targetType: 'reflection',
        targetId: id,
        targetPath: teacher.orgPath,
        targetLabel: input.title,
        details: { classId } as Record<string, unknown>,
      };
      await auditedWrite(db, ctx, meta, async (trx, m) => {
        const r = createReflectionRepository(trx);
        if (!(await r.isEnrolled(classId, teacher.id, true))) throw new AppError('NOT_FOUND');
        const existing = await r.get(id, true);
        // another teacher's reflection, or one of another class, does not exist here
        if (!existing || existing.teacherId !== teacher.id || existing.classId !== classId)
          throw new AppError('NOT_FOUND');
        if (existing.status === 'withdrawn') throw new AppError('REFLECTION_WITHDRAWN');
        const current = (await r.class(classId))!;
        requireWritable(current);
        const saved = await checkAndStore(trx, input, current, teacher, existing);
        m.details = { classId, chars: saved.chars, similarity: saved.similarity, counts: saved.counts };
      });
      return myView((await repo.get(id))!, teacher.id, ruleView(onlineCompletionOf(cls.completionRule)));
    },

    /** Withdraws a reflection: it no longer counts and no longer takes part in checks. */
    async withdraw(ctx: RequestContext, classId: number, id: number): Promise<{ id: number; status: 'withdrawn' }> {
      const action = 'reflection.withdraw';
      const { teacher } = await enrolledTeacher(ctx, action, classId);
      await auditedWrite(
        db,
        ctx,
        { action, targetType: 'reflection', targetId: id, targetPath: teacher.orgPath, details: { classId } },
        async (trx, m) => {
          const r = createReflectionRepository(trx);
          if (!(await r.isEnrolled(classId, teacher.id, true))) throw new AppError('NOT_FOUND');
          const existing = await r.get(id, true);
          if (!existing || existing.teacherId !== teacher.id || existing.classId !== classId)
            throw new AppError('NOT_FOUND');
          if (existing.status === 'withdrawn') throw new AppError('REFLECTION_WITHDRAWN');
          requireWritable((await r.class(classId))!);
          m.targetLabel = existing.title;
          await r.deleteBands(existing.courseId, id, bandKeys(signatureOf(existing.signature)));
          await r.withdraw(id);
        },
      );
      return { id, status: 'withdrawn' };
    },

    /** The class's reflections with their authors, for its tutors; filtered by teacher or by whether they count. */
    async classList(
      ctx: RequestContext,
      classId: number,
      q: { teacherId?: number; counted?: boolean; page: number; pageSize: number },
    ): Promise<{ class: ReflectionClass; rule: ReflectionRule; total: number; items: ClassReflectionItem[] }> {
      const cls = await requireTutor(ctx, 'reflection.list_class', classId);
      const rule = ruleView(onlineCompletionOf(cls.completionRule));
      const { items, total } = await repo.ofClass(classId, {
        teacherId: q.teacherId,
        counted: q.counted,
        minChars: rule.minChars,
        threshold: rule.threshold,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      return { class: classView(cls), rule, total, items: await tutorItems(items, classId, rule) };
    },

    /** One reflection of the class, its text and the passages that matched. */
    async classReflection(ctx: RequestContext, classId: number, id: number): Promise<ClassReflectionDetail> {
      const cls = await requireTutor(ctx, 'reflection.read', classId);
      const rule = ruleView(onlineCompletionOf(cls.completionRule));
      const r = await repo.get(id);
      if (!r || r.classId !== classId || r.status !== 'submitted') throw new AppError('NOT_FOUND');
      const { items } = await repo.ofClass(classId, {
        teacherId: r.teacherId,
        minChars: rule.minChars,
        threshold: rule.threshold,
        limit: MAX_REFLECTIONS_PER_CLASS,
        offset: 0,
      });
      const row = items.find((x) => x.id === id)!;
      const [item] = await tutorItems([row], classId, rule);
      return { ...item!, body: r.body, matchedRanges: r.matchedRanges };
    },

    /**
     * Groups of near-identical reflections of the class (pairs at or above the course's threshold,
     * either way round), found through the band index; and the class's reflections too similar to a
     * text outside the class or to a prompt, without naming the other text.
     */
    async clusters(ctx: RequestContext, classId: number): Promise<ReflectionClusters> {
      const cls = await requireTutor(ctx, 'reflection.clusters', classId);
      const rule = ruleView(onlineCompletionOf(cls.completionRule));
      const pairs = await repo.candidatePairs(classId);
      const ids = [...new Set(pairs.flat())];
      const bodies = await repo.bodies(ids);
      const sets = new Map([...bodies].map(([id, body]) => [id, shingleSet(body)]));
      const scored = pairs.map(([a, b]) => {
        const [sa, sb] = [sets.get(a)!, sets.get(b)!];
        return [a, b, Math.max(containment(sa, sb), containment(sb, sa))] as const;
      });
      const groups = clustersOf(
        ids.sort((x, y) => x - y),
        scored,
        rule.threshold,
      );
      const inGroups = new Set(groups.flat());
      // every reflection of the class with its author (a class holds at most a few thousand)
      const all = await repo.ofClass(classId, {
        minChars: rule.minChars,
        threshold: rule.threshold,
        limit: 100_000,
        offset: 0,
      });
      const byId = new Map(all.items.map((r) => [r.id, r]));
      const best = new Map<number, number>();
      for (const [a, b, s] of scored)
        if (s >= rule.threshold) for (const id of [a, b]) best.set(id, Math.max(best.get(id) ?? 0, s));
      const member = (id: number) => {
        const r = byId.get(id)!;
        return { id, teacherId: r.teacherId, teacherName: r.teacherName, title: r.title, chars: r.chars };
      };
      const authors = await repo.authors(
        all.items.map((r) => r.matchedReflectionId).filter((x): x is number => x !== null),
      );
      const elsewhere: ReflectionClusters['elsewhere'] = [];
      for (const r of all.items) {
        if (r.similarity < rule.threshold || inGroups.has(r.id)) continue;
        const m = tutorMatch(r, classId, authors);
        if (m?.kind === 'outside' || m?.kind === 'prompt')
          elsewhere.push({
            id: r.id,
            teacherId: r.teacherId,
            teacherName: r.teacherName,
            title: r.title,
            similarity: r.similarity,
            kind: m.kind,
          });
      }
      return {
        threshold: rule.threshold,
        clusters: groups.map((g) => ({
          maxSimilarity: Math.round(Math.max(...g.map((id) => best.get(id) ?? 0)) * 10_000) / 10_000,
          members: g.filter((id) => byId.has(id)).map(member),
        })),
        elsewhere,
      };
    },

    /**
     * The class's reflections as an .xlsx for its tutors: a sheet of its enrolled teachers (written,
     * counted, required) and one of its reflections (author, length, similarity, counts or why not).
     */
    async exportClass(ctx: RequestContext, classId: number): Promise<{ buffer: Buffer; className: string }> {
      const action = 'reflection.export_class';
      const cls = await requireTutor(ctx, action, classId);
      const rule = ruleView(onlineCompletionOf(cls.completionRule));
      const [totals, all] = await Promise.all([
        repo.teacherTotals(classId, rule.minChars, rule.threshold),
        repo.ofClass(classId, { minChars: rule.minChars, threshold: rule.threshold, limit: 100_000, offset: 0 }),
      ]);
      const items = await tutorItems(all.items, classId, rule);
      const wb = new ExcelJS.Workbook();
      const byTeacher = wb.addWorksheet('按教师');
      byTeacher.columns = [
        { header: '教师', key: 'name', width: 14 },
        { header: '学校', key: 'school', width: 28 },
        { header: '已提交', key: 'written', width: 10 },
        { header: '计入（原创且达到字数）', key: 'counted', width: 22 },
        { header: '要求篇数', key: 'required', width: 10 },
        { header: '是否达到', key: 'met', width: 10 },
      ];
      for (const x of totals)
        byTeacher.addRow({
          name: x.teacherName,
          school: x.schoolName,
          written: x.written,
          counted: x.counted,
          required: rule.required,
          met: x.counted >= rule.required ? '是' : '否',
        });
      const list = wb.addWorksheet('心得列表');
      list.columns = [
        { header: '教师', key: 'name', width: 14 },
        { header: '学校', key: 'school', width: 28 },
        { header: '标题', key: 'title', width: 30 },
        { header: '字数', key: 'chars', width: 8 },
        { header: '相似度', key: 'similarity', width: 10 },
        { header: '是否计入', key: 'counts', width: 10 },
        { header: '原因', key: 'reason', width: 24 },
        { header: '相似来源', key: 'match', width: 20 },
        { header: '提交时间', key: 'created', width: 18 },
        { header: '最后修改', key: 'updated', width: 18 },
      ];
      const reasonText: Record<NotCountedReason, string> = {
        too_short: `不足 ${rule.minChars} 字`,
        too_similar: `相似度达到 ${Math.round(rule.threshold * 100)}%`,
      };
      const matchText = (m: TutorMatch) =>
        !m
          ? ''
          : m.kind === 'class'
            ? `本班 ${m.teacherName}`
            : m.kind === 'own'
              ? '本人的另一篇'
              : m.kind === 'outside'
                ? '本班以外的文本'
                : '课程写作提示';
      for (const x of items)
        list.addRow({
          name: x.teacherName,
          school: x.schoolName,
          title: x.title,
          chars: x.chars,
          similarity: x.similarity,
          counts: x.counts ? '是' : '否',
          reason: x.reasons.map((r) => reasonText[r]).join('；'),
          match: matchText(x.match),
          created: chinaTime(x.createdAt),
          updated: chinaTime(x.updatedAt),
        });
      list.getColumn('similarity').numFmt = PERCENT_FORMAT;
      for (const ws of [byTeacher, list]) ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'training_class',
          targetId: classId,
          targetPath: cls.projectPath,
          targetLabel: `${cls.projectTitle} / ${cls.name}`,
          details: { reflections: items.length },
        },
        'success',
      );
      return { buffer, className: cls.name };
    },

    /** The prompts (topics) of a course's reflections, for the admins who read the course. */
    async prompts(ctx: RequestContext, courseId: number): Promise<{ courseId: number; prompts: string[] }> {
      await courseAccess(ctx, courseId, 'reflection.read_prompts', 'course.read');
      return { courseId, prompts: await repo.prompts(courseId) };
    },

    /** Sets a course's prompts (the whole list, in order); by the admins who keep the course. */
    async setPrompts(
      ctx: RequestContext,
      courseId: number,
      prompts: string[],
    ): Promise<{ courseId: number; prompts: string[] }> {
      const action = 'reflection.set_prompts';
      const { actor, course } = await courseAccess(ctx, courseId, action, 'course.manage');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'course',
          targetId: courseId,
          targetPath: course.orgPath,
          targetLabel: course.title,
          details: { prompts: prompts.length },
        },
        async (trx) => {
          await createReflectionRepository(trx).replacePrompts(courseId, prompts, actor.userId);
        },
      );
      return { courseId, prompts };
    },
  };

  /**
   * A course the admin may read (its catalogue line: the units above and below), or change with
   * course.manage (as the course pages decide); out of sight is "not found", read-only "forbidden".
   */
  async function courseAccess(
    ctx: RequestContext,
    courseId: number,
    action: string,
    policy: 'course.read' | 'course.manage',
  ): Promise<{ actor: Actor; course: { orgPath: string; title: string } }> {
    const actor = await requireRegistryRole(db, ctx, action);
    const course = await db
      .selectFrom('course')
      .select(['org_path as orgPath', 'title', 'province_id as provinceId'])
      .where('id', '=', courseId)
      .executeTakeFirst();
    if (!course) throw new AppError('NOT_FOUND');
    if (course.provinceId !== actor.provinceId || !can(actor, 'course.read', { path: course.orgPath }))
      return auditRefusal(db, ctx, { action, targetType: 'course', targetId: courseId }, notFoundDenied());
    if (policy === 'course.manage' && !can(actor, 'course.manage', { path: course.orgPath }))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'course', targetId: courseId, targetPath: course.orgPath, targetLabel: course.title },
        new AppError('FORBIDDEN'),
      );
    return { actor, course };
  }
}

export type ReflectionService = ReturnType<typeof createReflectionService>;
