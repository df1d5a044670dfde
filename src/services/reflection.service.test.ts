import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { countedChars } from '../domain/online-course.js';
import { fingerprint, normalise, signatureBytes } from '../domain/originality.js';
import { createReflectionRepository } from '../repositories/reflection.repository.js';
import { AppError } from '../errors/app-error.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { onlineClass, onlineCourse } from '../../test/support/online-class.js';
import { paraphrase, reflectionText } from '../../test/support/reflection-corpus.js';
import type { RequestContext } from './context.js';
import { createOriginalityService, type OriginalityService } from './originality.service.js';
import { createReflectionService, type ReflectionService } from './reflection.service.js';

let t: TestDatabase;
let tree: Tree;
let reflections: ReflectionService;
let originality: OriginalityService;
let county: RequestContext;
let otherCounty: RequestContext;
let schoolAdmin: RequestContext;
let tutorA: RequestContext;
let tutorB: RequestContext;
/** teacher accounts of S1 with their registry ids */
const teachers: Array<{ ctx: RequestContext; id: number; name: string }> = [];
let course: number;
let classA: number;
let classB: number;

const RULE = { reflectionsRequired: 2, minReflectionChars: 100, similarityThreshold: 0.5 };
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const text = (seed: number, chars = 400) => reflectionText(seed, chars);

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  reflections = createReflectionService({ db: t.db, env: t.env });
  originality = createOriginalityService({ db: t.db, env: t.env });
  county = await actorAt(t.db, tree.K1, 'county_admin', 'rf-k1');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'rf-k2');
  schoolAdmin = await actorAt(t.db, tree.S1, 'school_admin', 'rf-s1');
  tutorA = await actorAt(t.db, tree.I1, 'trainer', 'rf-tutor-a');
  tutorB = await actorAt(t.db, tree.I1, 'trainer', 'rf-tutor-b');
  for (let i = 0; i < 10; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1, { seed: 700 + i });
    const ctx = await actorAt(t.db, tree.S1, 'teacher', `rf-teacher-${i}`);
    await createTeacherRepository(t.db).linkUser(id, ctx.actor!.userId);
    const { name } = await t.db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    teachers.push({ ctx, id, name });
  }
  course = await onlineCourse(t.db, tree.K1, RULE);
  const by = county.actor!.userId;
  classA = await onlineClass(t.db, tree.K1, course, {
    teachers: teachers.slice(0, 7).map((x) => x.id),
    trainers: [tutorA.actor!.userId],
    createdBy: by,
  });
  // another class of the same course (another cohort), with its own tutor
  classB = await onlineClass(t.db, tree.K1, course, {
    teachers: teachers.slice(7).map((x) => x.id),
    trainers: [tutorB.actor!.userId],
    createdBy: by,
  });
});
afterAll(async () => {
  await t?.close();
});

describe("a teacher's reflections", () => {
  it('count when long enough and original; a near copy of a classmate does not, with her copied passages shown', async () => {
    const [a, b] = teachers;
    const original = text(1, 500);
    const first = await reflections.submit(a!.ctx, classA, { title: '我的第一篇心得', body: original });
    expect(first).toMatchObject({ counts: true, reasons: [], match: null, chars: countedChars(original) });
    expect(first.similarity).toBeLessThan(0.2);

    // the classmate writes her own opening, then pastes the text with a few characters changed
    const own = text(2, 120);
    const copy = `${own}\n\n${paraphrase(original, 0.04, 9)}`;
    const second = await reflections.submit(b!.ctx, classA, { title: '心得', body: copy });
    expect(second.counts).toBe(false);
    expect(second.reasons).toEqual(['too_similar']);
    expect(second.match).toBe('other');
    expect(second.similarity).toBeGreaterThan(0.5);
    // the passages are hers: inside her text, covering the pasted part and not her own opening
    expect(second.matchedRanges.length).toBeGreaterThan(0);
    for (const r of second.matchedRanges) expect(r.end).toBeLessThanOrEqual(copy.length);
    const covered = second.matchedRanges.reduce((n, r) => n + normalise(copy.slice(r.start, r.end)).cps.length, 0);
    expect(covered).toBeGreaterThan(normalise(copy).cps.length * 0.5);
    expect(second.matchedRanges[0]!.start).toBeGreaterThan(own.length * 0.5);
    // nothing in her answer names the other text or its author
    const answer = JSON.stringify(second);
    expect(answer).not.toContain(a!.name);
    expect(Object.keys(second).sort()).toEqual(
      [
        'id',
        'title',
        'body',
        'chars',
        'similarity',
        'counts',
        'reasons',
        'matchedRanges',
        'match',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(answer).not.toContain('reflectionId');

    const mine = await reflections.mine(b!.ctx, classA);
    expect(mine).toMatchObject({ counted: 0, rule: { required: 2, minChars: 100, threshold: 0.5 } });
    expect(mine.items.map((i) => i.id)).toEqual([second.id]);
    expect(JSON.stringify(mine)).not.toContain(a!.name);
  });

  it('a text too short does not count; nor a copy of her own, nor of a prompt, while quoting a prompt in her own text does', async () => {
    const c = teachers[2]!;
    const short = await reflections.submit(c.ctx, classA, { title: '短', body: '学习了很多，收获很大。' });
    expect(short).toMatchObject({ counts: false, reasons: ['too_short'], chars: 9 });

    const mineFirst = await reflections.submit(c.ctx, classA, { title: '一', body: text(30) });
    expect(mineFirst.counts).toBe(true);
    // the same text again, with its punctuation changed: copying oneself is not a second reflection
    const again = await reflections.submit(c.ctx, classA, {
      title: '二',
      body: text(30).replace(/。/g, '！').replace(/\n\n/g, '\n'),
    });
    expect(again).toMatchObject({ counts: false, reasons: ['too_similar'], match: 'own', similarity: 1 });

    const prompt = text(40, 200);
    await reflections.setPrompts(county, course, [prompt, '结合本课程的学习，谈谈你对大单元教学设计的理解。']);
    const copiedPrompt = await reflections.submit(c.ctx, classA, { title: '三', body: prompt });
    expect(copiedPrompt).toMatchObject({ counts: false, match: 'prompt', similarity: 1 });
    const quoting = await reflections.submit(c.ctx, classA, {
      title: '四',
      body: `结合本课程的学习，谈谈你对大单元教学设计的理解。\n\n${text(41, 600)}`,
    });
    expect(quoting.counts).toBe(true);
    expect(quoting.matchedRanges.length).toBe(1);
    expect((await reflections.mine(c.ctx, classA)).counted).toBe(2);
    await reflections.setPrompts(county, course, []);
  });

  it('an edit is checked again, and withdrawing takes a text out of the count and of later checks', async () => {
    const d = teachers[3]!;
    const e = teachers[4]!;
    const source = text(50, 400);
    const r1 = await reflections.submit(d.ctx, classA, { title: '原文', body: source });
    expect(r1.counts).toBe(true);
    // editing her own text a little does not compare it with itself
    const edited = await reflections.edit(d.ctx, classA, r1.id, { title: '原文（改）', body: `${source}补充一句话。` });
    expect(edited).toMatchObject({ id: r1.id, counts: true, title: '原文（改）' });
    const copy = await reflections.submit(e.ctx, classA, { title: '抄的', body: source });
    expect(copy.counts).toBe(false);
    // rewritten as her own, it counts
    const rewritten = await reflections.edit(e.ctx, classA, copy.id, { title: '自己写的', body: text(51, 400) });
    expect(rewritten).toMatchObject({ counts: true, match: null, matchedRanges: [] });
    // someone else's reflection is not hers to edit or withdraw
    expect(await codeOf(reflections.edit(e.ctx, classA, r1.id, { title: 'x', body: 'y' }))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.withdraw(e.ctx, classA, r1.id))).toBe('NOT_FOUND');

    await reflections.withdraw(d.ctx, classA, r1.id);
    expect((await reflections.mine(d.ctx, classA)).items).toEqual([]);
    expect(await codeOf(reflections.withdraw(d.ctx, classA, r1.id))).toBe('REFLECTION_WITHDRAWN');
    expect(await codeOf(reflections.edit(d.ctx, classA, r1.id, { title: 'x', body: 'y' }))).toBe(
      'REFLECTION_WITHDRAWN',
    );
    const bands = await t.db
      .selectFrom('reflection_band')
      .select('band_key')
      .where('reflection_id', '=', r1.id)
      .execute();
    expect(bands).toEqual([]);
    // the withdrawn text is no longer part of the corpus
    expect((await originality.check({ courseId: course, text: source })).similarity).toBeLessThan(0.5);
  });

  it('is checked against the other classes of the course too; tutors see such a match only as outside their class', async () => {
    const inB = teachers[7]!;
    const inA = teachers[5]!;
    const source = text(60, 400);
    await reflections.submit(inB.ctx, classB, { title: '另一班', body: source });
    const copied = await reflections.submit(inA.ctx, classA, { title: '跨班抄写', body: source });
    expect(copied).toMatchObject({ counts: false, match: 'other' });
    const list = await reflections.classList(tutorA, classA, { teacherId: inA.id, page: 1, pageSize: 20 });
    expect(list.items[0]).toMatchObject({ teacherName: inA.name, match: { kind: 'outside' }, counts: false });
    const one = await reflections.classReflection(tutorA, classA, copied.id);
    expect(one.match).toEqual({ kind: 'outside' });
    expect(JSON.stringify(one)).not.toContain(inB.name);
    const clusters = await reflections.clusters(tutorA, classA);
    expect(clusters.elsewhere).toContainEqual(
      expect.objectContaining({ id: copied.id, kind: 'outside', teacherName: inA.name }),
    );
    expect(JSON.stringify(clusters)).not.toContain(inB.name);
  });
});

describe("the class's reflections, for its tutors", () => {
  it('group near-identical texts of the class with their authors', async () => {
    const cls = await onlineClass(t.db, tree.K1, course, {
      teachers: teachers.slice(0, 4).map((x) => x.id),
      trainers: [tutorA.actor!.userId],
      createdBy: county.actor!.userId,
    });
    const base = text(70, 500);
    const r = [];
    for (const [i, body] of [base, paraphrase(base, 0.05, 1), paraphrase(base, 0.06, 2), text(71, 500)].entries())
      r.push(await reflections.submit(teachers[i]!.ctx, cls, { title: `第${i}篇`, body }));
    const { clusters, elsewhere } = await reflections.clusters(tutorA, cls);
    expect(clusters.length).toBe(1);
    expect(clusters[0]!.members.map((m) => m.id).sort()).toEqual([r[0]!.id, r[1]!.id, r[2]!.id].sort());
    expect(clusters[0]!.members.map((m) => m.teacherName)).toContain(teachers[0]!.name);
    expect(clusters[0]!.maxSimilarity).toBeGreaterThan(0.5);
    expect(elsewhere).toEqual([]);
    // the list names the classmate a copy matched
    const one = await reflections.classReflection(tutorA, cls, r[1]!.id);
    expect(one.match).toEqual({ kind: 'class', reflectionId: r[0]!.id, teacherName: teachers[0]!.name });
    // the organiser's admin reads them too; the sheet has a line per teacher and per reflection
    const all = await reflections.classList(county, cls, { page: 1, pageSize: 20, counted: false });
    expect(all.items.map((x) => x.id).sort()).toEqual([r[1]!.id, r[2]!.id].sort());
    const sheet = await reflections.exportClass(tutorA, cls);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    expect(wb.getWorksheet('按教师')!.rowCount).toBe(5);
    expect(wb.getWorksheet('心得列表')!.rowCount).toBe(5);
  });

  it('are refused to anyone else: the tutor of another class, another county, the school, a teacher', async () => {
    expect(await codeOf(reflections.classList(tutorB, classA, { page: 1, pageSize: 20 }))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.clusters(tutorB, classA))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.classList(otherCounty, classA, { page: 1, pageSize: 20 }))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.classList(schoolAdmin, classA, { page: 1, pageSize: 20 }))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.clusters(teachers[0]!.ctx, classA))).toBe('FORBIDDEN');
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'reflection.list_class')
      .where('actor_username', '=', 'rf-tutor-b')
      .executeTakeFirstOrThrow();
    expect(denied).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
    // a reflection of another class is not found through this one
    const other = await reflections.submit(teachers[8]!.ctx, classB, { title: 'B', body: text(80) });
    expect(await codeOf(reflections.classReflection(tutorA, classA, other.id))).toBe('NOT_FOUND');
  });
});

describe('who may write, and when', () => {
  it('a teacher of another class, or not enrolled, finds nothing; outside the study window nothing is written', async () => {
    const outsider = teachers[8]!; // enrolled in class B only
    expect(await codeOf(reflections.mine(outsider.ctx, classA))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.submit(outsider.ctx, classA, { title: 'x', body: text(90) }))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.mine(county, classA))).toBe('FORBIDDEN');

    const by = county.actor!.userId;
    const later = await onlineClass(t.db, tree.K1, course, {
      teachers: [outsider.id],
      opensIn: 3,
      closesIn: 30,
      createdBy: by,
    });
    expect((await reflections.mine(outsider.ctx, later)).class.window).toBe('not_yet');
    expect(await codeOf(reflections.submit(outsider.ctx, later, { title: 'x', body: text(91) }))).toBe(
      'REFLECTION_NOT_OPEN',
    );
    const over = await onlineClass(t.db, tree.K1, course, {
      teachers: [outsider.id],
      opensIn: -30,
      closesIn: -1,
      createdBy: by,
    });
    expect(await codeOf(reflections.submit(outsider.ctx, over, { title: 'x', body: text(92) }))).toBe(
      'REFLECTION_NOT_OPEN',
    );
    const closed = await onlineClass(t.db, tree.K1, course, { teachers: [outsider.id], createdBy: by });
    await t.db
      .updateTable('training_class')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', closed)
      .execute();
    expect(await codeOf(reflections.submit(outsider.ctx, closed, { title: 'x', body: text(93) }))).toBe('CLASS_CLOSED');
    // nothing was stored by the refused writes
    const rows = await t.db
      .selectFrom('reflection')
      .select('id')
      .where('class_id', 'in', [later, over, closed])
      .execute();
    expect(rows).toEqual([]);
  });

  it('a text sent while a near-identical one is being stored waits for it, and is checked against it', async () => {
    const cls = await onlineClass(t.db, tree.K1, course, {
      teachers: [teachers[9]!.id, teachers[6]!.id],
      createdBy: county.actor!.userId,
    });
    const body = text(95, 400);
    const fp = fingerprint(body);
    // a classmate's save of the same text, in flight: its bands locked, its row not yet committed
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => {
      locked = r;
    });
    const inFlight = t.db.transaction().execute(async (trx) => {
      const repo = createReflectionRepository(trx);
      await repo.lockBands(course, fp.bands);
      const id = await repo.insert({
        provinceId: tree.S1.provinceId,
        classId: cls,
        courseId: course,
        teacherId: teachers[9]!.id,
        orgPath: tree.S1.path,
        title: '先写的',
        body,
        chars: countedChars(body),
        similarity: 0,
        counts: true,
        matchedRanges: [],
        matchedKind: null,
        matchedReflectionId: null,
        signature: signatureBytes(fp.signature),
      });
      await repo.insertBands(course, id, fp.bands);
      locked();
      await held;
    });
    await lockTaken;
    let done = false;
    const second = reflections.submit(teachers[6]!.ctx, cls, { title: '同时发送', body }).finally(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    release();
    await inFlight;
    expect(await second).toMatchObject({ counts: false, reasons: ['too_similar'], similarity: 1 });
  });
});

describe("a teacher's online classes", () => {
  it('list each with how many reflections count and how many are required', async () => {
    const mine = await reflections.myClasses(teachers[2]!.ctx);
    const a = mine.find((c) => c.id === classA)!;
    expect(a).toMatchObject({ required: 2, counted: 2, window: 'open', courseId: course });
    expect(mine.some((c) => c.id === classB)).toBe(false);
    expect(await codeOf(reflections.myClasses(tutorA))).toBe('FORBIDDEN');
  });
});

describe('the originality service for the rest of the product', () => {
  it('checks any text against a course and counts the reflections that count, under the rule in force', async () => {
    const cls = await onlineClass(t.db, tree.K1, course, {
      teachers: [teachers[0]!.id, teachers[1]!.id],
      createdBy: county.actor!.userId,
    });
    const body = text(100, 300);
    await reflections.submit(teachers[0]!.ctx, cls, { title: '一', body });
    await reflections.submit(teachers[0]!.ctx, cls, { title: '二', body: text(101, 300) });
    await reflections.submit(teachers[1]!.ctx, cls, { title: '三', body: text(102, 300) });
    await reflections.submit(teachers[1]!.ctx, cls, { title: '四', body: text(103, 60) });
    const post = `我也有同感：${body.slice(0, 200)}`;
    const r = await originality.check({ courseId: course, text: post });
    expect(r.similarity).toBeGreaterThan(0.8);
    expect(r.matchedRanges[0]!.start).toBeLessThan(10);
    expect(JSON.stringify(r)).not.toContain(teachers[0]!.name);
    expect(await originality.countedReflections(cls, teachers[0]!.id)).toBe(2);
    expect(await originality.countedReflectionsOfClass(cls)).toEqual(
      new Map([
        [teachers[0]!.id, 2],
        [teachers[1]!.id, 1],
      ]),
    );
    // a lower minimum set by the course's admins applies to texts already written
    await t.db
      .updateTable('course_online')
      .set({ completion_rule: JSON.stringify({ ...RULE, minReflectionChars: 50 }) })
      .where('course_id', '=', course)
      .execute();
    expect(await originality.countedReflections(cls, teachers[1]!.id)).toBe(2);
    await t.db
      .updateTable('course_online')
      .set({ completion_rule: JSON.stringify(RULE) })
      .where('course_id', '=', course)
      .execute();
  });
});

describe("a course's prompts", () => {
  it('are set by the admins who keep the course and read by those who read it', async () => {
    expect(await reflections.setPrompts(county, course, ['谈谈你的收获'])).toEqual({
      courseId: course,
      prompts: ['谈谈你的收获'],
    });
    expect((await reflections.prompts(schoolAdmin, course)).prompts).toEqual(['谈谈你的收获']);
    expect(await codeOf(reflections.setPrompts(schoolAdmin, course, []))).toBe('FORBIDDEN');
    expect(await codeOf(reflections.prompts(otherCounty, course))).toBe('NOT_FOUND');
    expect(await codeOf(reflections.prompts(teachers[0]!.ctx, course))).toBe('FORBIDDEN');
    await reflections.setPrompts(county, course, []);
  });
});
