import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedExam } from '../../test/support/exam-stats.js';
import { type OnlineClass, seedOnlineClass } from '../../test/support/study-session.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import { runMapping } from './lrs-mapping.js';
import { createServices, type Services } from './services.js';
import { writeOwnStatements } from './xapi-own.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let cls: OnlineClass;

const own = () =>
  t.db
    .selectFrom('xapi_statement')
    .select(['id', 'verb_id', 'teacher_id', 'match_status', 'body'])
    .where('match_status', '=', 'own')
    .orderBy('seq')
    .execute();

async function session(teacherId: number, itemId: number, seconds: number, settled = true): Promise<number> {
  const started = new Date(Date.now() - 2 * 3_600_000);
  const r = await t.db
    .insertInto('study_session')
    .values({
      province_id: tree.P1.id,
      class_id: cls.classId,
      item_id: itemId,
      teacher_id: teacherId,
      org_path: tree.S1.path,
      rule: '{}',
      presence_key: crypto.randomBytes(16),
      started_at: started,
      ended_at: settled ? new Date(started.getTime() + seconds * 1000) : null,
      counted_seconds: settled ? seconds : null,
      settled_at: settled ? new Date(started.getTime() + seconds * 1000) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20', PEIXUN_PUBLIC_URL: 'https://peixun.example.cn' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'p1-admin');
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  await runJobsUntilIdle(t.db);
  cls = await seedOnlineClass(t.db, t.env, { county: tree.K1, school: tree.S1, prefix: 'own', teacherCount: 2 });
});
afterAll(() => t?.close());

describe("Peixun's own statements", () => {
  it('writes sessions, completions and exam results once, readable as own statements', async () => {
    const [a, b] = cls.teachers;
    await session(a!.id, cls.videoId, 300);
    await session(a!.id, cls.videoId, 400); // the 10-minute video is now studied through
    await session(b!.id, cls.textId, 120);
    await session(b!.id, cls.videoId, 60, false); // still open: waits, and so does every later one
    await t.db
      .updateTable('enrolment')
      .set({ outcome: 'completed', updated_at: new Date(Date.now() - 3_600_000) })
      .where('teacher_id', '=', a!.id)
      .execute();
    const examId = await seedExam(t.db, tree.K1, { target: 'class', classId: cls.classId, projectId: cls.projectId });
    await t.db
      .insertInto('exam_result')
      .values({
        exam_id: examId,
        teacher_id: a!.id,
        org_path: tree.S1.path,
        composite: 86.5,
        passed: true,
        updated_at: new Date(Date.now() - 3_600_000),
      })
      .execute();

    await writeOwnStatements(t.db, t.env, tree.P1.id);
    const first = await own();
    const verbs = first.map((x) => `${x.teacher_id === a!.id ? 'a' : 'b'} ${x.verb_id.replace(/^.*\/verbs\//, '')}`);
    expect(verbs.sort()).toEqual(
      [
        'a played',
        'a paused',
        'a played',
        'a paused',
        'a completed', // the video, by the video profile
        'b attempted',
        'b completed', // the text page's few minutes
        'a completed', // the class
        'a scored',
        'a passed',
      ].sort(),
    );
    const videoDone = first.find((x) => x.verb_id === 'https://w3id.org/xapi/video/verbs/completed')!;
    expect(JSON.parse(videoDone.body)).toMatchObject({
      actor: { account: { homePage: 'https://peixun.example.cn', name: String(a!.id) } },
      result: { completion: true, duration: 'PT11M40S' },
    });

    // again: nothing new; the open session settles and is written then
    await writeOwnStatements(t.db, t.env, tree.P1.id);
    expect(await own()).toHaveLength(first.length);
    await t.db
      .updateTable('study_session')
      .set({ ended_at: new Date(), settled_at: new Date(), counted_seconds: 60 })
      .where('settled_at', 'is', null)
      .execute();
    await writeOwnStatements(t.db, t.env, tree.P1.id);
    expect((await own()).length).toBe(first.length + 2);
  });

  it('are never posted to the ledger by the mapping rules', async () => {
    const county = await actorAt(t.db, tree.K1, 'county_admin', 'k1-admin');
    await s.lrsRules.create(county, undefined, {
      name: '视频看完',
      enabled: true,
      priority: 0,
      definition: {
        verbId: 'https://w3id.org/xapi/video/verbs/completed',
        activityType: null,
        activityPattern: null,
        clientId: null,
        completion: false,
        success: false,
        minScaled: null,
        minDurationMinutes: null,
        hours: { kind: 'fixed', tenths: 10 },
        categories: [],
        titleTemplate: '{activity}',
      },
    });
    await runMapping(t.db, t.env, tree.P1.id);
    const external = await t.db.selectFrom('credit_entry').select('id').where('source_type', '=', 'external').execute();
    expect(external).toEqual([]);
  });
});
