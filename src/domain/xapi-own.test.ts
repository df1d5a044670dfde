import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './lrs-rule.js';
import {
  classCompletedStatement,
  examResultStatements,
  isoDuration,
  itemCompletedStatement,
  sessionStatements,
  uuidV5,
} from './xapi-own.js';

const base = { homePage: 'https://peixun.example.cn' };
const session = {
  sessionId: 7,
  classId: 3,
  className: '2027 年暑期网络研修',
  itemId: 11,
  itemKind: 'video' as const,
  itemTitle: '第一讲 课堂提问',
  teacherId: 42,
  startedAt: new Date('2027-07-01T01:00:00Z'),
  endedAt: new Date('2027-07-01T01:50:00Z'),
  countedSeconds: 2_700,
};

describe("Peixun's own statements", () => {
  it('makes RFC 9562 version 5 ids, the same for the same row', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(uuidV5('study_session:7:played')).toBe(uuidV5('study_session:7:played'));
    expect(uuidV5('study_session:7:played')).not.toBe(uuidV5('study_session:8:played'));
  });

  it('writes durations the rules read back', () => {
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(3_723)).toBe('PT1H2M3S');
    expect(isoDuration(3_600)).toBe('PT1H');
    fc.assert(
      fc.property(fc.nat(1_000_000), (s) => {
        expect(parseDuration(isoDuration(s))).toBe(s);
      }),
    );
  });

  it('tells a video session by the video profile, a page by attempted', () => {
    const [played, paused] = sessionStatements(base, session);
    expect(played).toMatchObject({
      verb: { id: 'https://w3id.org/xapi/video/verbs/played' },
      actor: { account: { homePage: base.homePage, name: '42' } },
      object: {
        id: 'https://peixun.example.cn/xapi/activities/course-item/11',
        definition: { type: 'https://w3id.org/xapi/video/activity-type/video' },
      },
      timestamp: '2027-07-01T01:00:00.000Z',
    });
    expect(paused).toMatchObject({
      verb: { id: 'https://w3id.org/xapi/video/verbs/paused' },
      result: { duration: 'PT45M' },
      context: { contextActivities: { category: [{ id: 'https://w3id.org/xapi/video' }] } },
    });
    const page = sessionStatements(base, { ...session, itemKind: 'text' });
    expect(page.map((s) => (s['verb'] as { id: string }).id)).toEqual(['http://adlnet.gov/expapi/verbs/attempted']);
    // nothing of the teacher but the id leaves
    expect(JSON.stringify([played, paused, page])).not.toMatch(/mbox|idNumber/);
  });

  it('completes items and classes, scores and passes or fails exams', () => {
    const item = itemCompletedStatement(base, { ...session, totalSeconds: 3_000 });
    expect(item).toMatchObject({
      verb: { id: 'https://w3id.org/xapi/video/verbs/completed' },
      result: { completion: true, duration: 'PT50M' },
    });
    expect(item.id).toBe(itemCompletedStatement(base, { ...session, totalSeconds: 3_100 }).id);
    const cls = classCompletedStatement(base, {
      enrolmentId: 5,
      classId: 3,
      className: 'x',
      teacherId: 42,
      at: session.endedAt,
    });
    expect(cls).toMatchObject({ verb: { id: 'http://adlnet.gov/expapi/verbs/completed' } });
    const exam = {
      examId: 9,
      examTitle: '结业考试',
      teacherId: 42,
      composite: 82.5,
      passed: true,
      at: session.endedAt,
    };
    const [scored, passed] = examResultStatements(base, exam);
    expect(scored).toMatchObject({ result: { score: { raw: 82.5, scaled: 0.825 } } });
    expect(passed).toMatchObject({ verb: { id: 'http://adlnet.gov/expapi/verbs/passed' }, result: { success: true } });
    const [, failed] = examResultStatements(base, { ...exam, composite: 50, passed: false });
    expect(failed).toMatchObject({ verb: { id: 'http://adlnet.gov/expapi/verbs/failed' }, result: { success: false } });
    // a regrade is a new statement; the same result again is the same one
    expect(examResultStatements(base, exam)[0]!.id).toBe(scored!.id);
    expect(examResultStatements(base, { ...exam, composite: 90 })[0]!.id).not.toBe(scored!.id);
  });
});
