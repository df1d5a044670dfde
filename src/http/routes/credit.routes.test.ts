import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import { createServices, type Services } from '../../services/services.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let s: Services;
let teacher: Session;

/** Han characters, CJK punctuation and full-width forms: none of them belongs in an English page. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'cr-province');
  const school = await actorAt(t.db, tree.S1, 'school_admin', 'cr-school');
  const zhang = await seedTeacher(t.db, t.env, tree.S1, { gender: 'male', birthDate: '1980-05-01' });
  const cycle = await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  // the default rules named in Chinese, with a minimum whose conditions name a stage, a subject and flags
  const rules = s.cycles.defaults(2026, 2030);
  await s.cycles.save(
    province,
    cycle.id,
    {
      ...rules,
      minima: [
        ...rules.minima,
        {
          id: 'student_10',
          name: '学生教育不少于 10 学时',
          category: 'student_education',
          hours: 100,
          appliesTo: [{ stages: ['primary', 'junior'], subjects: ['语文', '数学'] }, { flags: ['headTeacher'] }],
          evaluatedOn: '2030-12-31',
        },
      ],
    },
    null,
  );
  await runJobsUntilIdle(t.db);
  // more online study than its cap lets count, and a reversed entry
  const r = await s.credits.register(school, [
    { teacherId: zhang, hours: 800, occurredOn: '2026-05-01', title: '网络研修一', categories: ['online'] },
    { teacherId: zhang, hours: 600, occurredOn: '2027-05-01', title: '网络研修二', categories: ['online'] },
    { teacherId: zhang, hours: 60, occurredOn: '2027-06-01', title: '师德讲座', categories: ['ethics'] },
  ]);
  await s.credits.reverse(school, r.entries[2]!.id, '登记错误');
  const user = await addUser(t.db, tree.S1, 'teacher', 'cr-teacher');
  await t.db.updateTable('teacher').set({ user_id: user }).where('id', '=', zhang).execute();
  app = await buildTestApp(t);
  teacher = await login(app, 'cr-teacher');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('我的学时 in English', () => {
  it("explains how the rules counted the hours in English only, the rules' Chinese names included", async () => {
    const res = await as(
      app,
      teacher,
    )({ method: 'GET', url: '/api/credits/progress', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(200);
    const p = res.json() as {
      explanation: Array<{ key: string; text: string }>;
      minima: Array<{ name: string; why: string }>;
      caps: Array<{ name: string }>;
    };
    // the lines that name a cap, a minimum and its conditions are among them
    expect(p.explanation.map((l) => l.key)).toEqual(
      expect.arrayContaining(['total.cancelled', 'cap.applied', 'minimum.unmet', 'minimum.applies_condition']),
    );
    const texts = [
      ...p.explanation.map((l) => l.text),
      ...p.minima.flatMap((m) => [m.name, m.why]),
      ...p.caps.map((c) => c.name),
    ];
    expect(texts.filter((x) => CJK.test(x))).toEqual([]);
    expect(p.explanation.find((l) => l.key === 'cap.applied')!.text).toContain('Online study: at most 120 hours count');
    // the conditions in words: stages and subjects in English, whichever way they came out for this teacher
    expect(p.minima.map((m) => m.why).join('\n')).toContain(
      'primary or junior secondary, teaching Chinese or Mathematics; or head teacher',
    );
  });

  it('explains in Chinese for a Chinese reader, with the names the rules give', async () => {
    const res = await as(app, teacher)({ method: 'GET', url: '/api/credits/progress' });
    const p = res.json() as { explanation: Array<{ key: string; text: string }>; minima: Array<{ name: string }> };
    expect(p.minima.map((m) => m.name)).toContain('教育技术不少于 50 学时');
    expect(p.explanation.find((l) => l.key === 'cap.applied')!.text).toContain('“网络研修最多计 120 学时”');
  });
});
