/**
 * Peixun's own learning records as xAPI statements (pure): the online-study player's sessions, item
 * and class completions and exam results, so a province can feed a national roll-up with the same
 * standard as the platforms that report to it.
 *
 * Verbs: the video profile's played / paused / completed where the item is a video
 * (https://w3id.org/xapi/video), ADL's attempted / completed / passed / failed / scored otherwise.
 * The actor is the teacher as an account of Peixun: { homePage: the public address, name: the
 * teacher's id } (no name, ID number or e-mail leaves). Every statement's id is a UUID v5 of the row
 * it comes from, so writing the same records again never makes a second statement.
 */
import crypto from 'node:crypto';

/** The namespace of Peixun's statement ids (UUID v5). */
export const PEIXUN_XAPI_NAMESPACE = '4d1f0a3e-8f0b-5c61-9a57-6b7e0c1d2e3f';

export const VERBS = {
  played: { id: 'https://w3id.org/xapi/video/verbs/played', display: { 'en-US': 'played', 'zh-CN': '播放' } },
  paused: { id: 'https://w3id.org/xapi/video/verbs/paused', display: { 'en-US': 'paused', 'zh-CN': '暂停' } },
  videoCompleted: {
    id: 'https://w3id.org/xapi/video/verbs/completed',
    display: { 'en-US': 'completed', 'zh-CN': '看完' },
  },
  attempted: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted', 'zh-CN': '学习' } },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', 'zh-CN': '完成' } },
  passed: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed', 'zh-CN': '通过' } },
  failed: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { 'en-US': 'failed', 'zh-CN': '未通过' } },
  scored: { id: 'http://adlnet.gov/expapi/verbs/scored', display: { 'en-US': 'scored', 'zh-CN': '得分' } },
} as const;

export const ACTIVITY_TYPES = {
  video: 'https://w3id.org/xapi/video/activity-type/video',
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  course: 'http://adlnet.gov/expapi/activities/course',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
} as const;
const VIDEO_PROFILE = 'https://w3id.org/xapi/video';

/**
 * A name-based UUID (version 5, SHA-1) as RFC 9562 defines it.
 *
 * @example uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8') // '2ed6657d-e927-568b-95e1-2665a8aea6a2'
 */
export function uuidV5(name: string, namespace = PEIXUN_XAPI_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** An xAPI duration of whole seconds ('PT1H2M3S'; 'PT0S' for none). */
export function isoDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${r || (!h && !m) ? `${r}S` : ''}`;
}

export interface OwnBase {
  /** PEIXUN_PUBLIC_URL or the server's origin, without a trailing slash */
  homePage: string;
}

export type OwnStatement = Record<string, unknown> & { id: string };

const actorOf = (base: OwnBase, teacherId: number) => ({
  objectType: 'Agent',
  account: { homePage: base.homePage, name: String(teacherId) },
});
const activity = (id: string, type: string, name: string) => ({
  objectType: 'Activity',
  id,
  definition: { type, name: { 'zh-CN': name } },
});
const activityId = (base: OwnBase, kind: string, id: number) => `${base.homePage}/xapi/activities/${kind}/${id}`;

export interface SessionRecord {
  sessionId: number;
  classId: number;
  className: string;
  itemId: number;
  itemKind: 'video' | 'document' | 'text';
  itemTitle: string;
  teacherId: number;
  startedAt: Date;
  endedAt: Date;
  /** the item's seconds this session added (the server's count, R-36) */
  countedSeconds: number;
}

function classContext(base: OwnBase, r: { classId: number; className: string }, video: boolean) {
  return {
    platform: 'Peixun',
    language: 'zh-CN',
    contextActivities: {
      parent: [activity(activityId(base, 'class', r.classId), ACTIVITY_TYPES.course, r.className)],
      ...(video ? { category: [{ objectType: 'Activity', id: VIDEO_PROFILE }] } : {}),
    },
  };
}

/**
 * A study session: a video's `played` (its start) and `paused` (its end, with the seconds it
 * counted), a document's or page's `attempted` (with the seconds it counted).
 */
export function sessionStatements(base: OwnBase, r: SessionRecord): OwnStatement[] {
  const video = r.itemKind === 'video';
  const object = activity(
    activityId(base, 'course-item', r.itemId),
    video ? ACTIVITY_TYPES.video : ACTIVITY_TYPES.lesson,
    r.itemTitle,
  );
  const common = { actor: actorOf(base, r.teacherId), object, context: classContext(base, r, video) };
  const duration = isoDuration(r.countedSeconds);
  if (!video)
    return [
      {
        id: uuidV5(`study_session:${r.sessionId}:attempted`),
        ...common,
        verb: VERBS.attempted,
        result: { duration },
        timestamp: r.endedAt.toISOString(),
      },
    ];
  return [
    {
      id: uuidV5(`study_session:${r.sessionId}:played`),
      ...common,
      verb: VERBS.played,
      timestamp: r.startedAt.toISOString(),
    },
    {
      id: uuidV5(`study_session:${r.sessionId}:paused`),
      ...common,
      verb: VERBS.paused,
      result: { duration },
      timestamp: r.endedAt.toISOString(),
    },
  ];
}

/** An item studied for its required minutes: the video profile's `completed` for a video, ADL's otherwise. */
export function itemCompletedStatement(
  base: OwnBase,
  r: Omit<SessionRecord, 'sessionId' | 'startedAt' | 'countedSeconds'> & { totalSeconds: number },
): OwnStatement {
  const video = r.itemKind === 'video';
  return {
    id: uuidV5(`item_completed:${r.classId}:${r.teacherId}:${r.itemId}`),
    actor: actorOf(base, r.teacherId),
    verb: video ? VERBS.videoCompleted : VERBS.completed,
    object: activity(
      activityId(base, 'course-item', r.itemId),
      video ? ACTIVITY_TYPES.video : ACTIVITY_TYPES.lesson,
      r.itemTitle,
    ),
    result: { completion: true, duration: isoDuration(r.totalSeconds) },
    context: classContext(base, r, video),
    timestamp: r.endedAt.toISOString(),
  };
}

/** A class completed (its hours went to the ledger from Peixun itself). */
export function classCompletedStatement(
  base: OwnBase,
  r: { enrolmentId: number; classId: number; className: string; teacherId: number; at: Date },
): OwnStatement {
  return {
    id: uuidV5(`class_completed:${r.enrolmentId}`),
    actor: actorOf(base, r.teacherId),
    verb: VERBS.completed,
    object: activity(activityId(base, 'class', r.classId), ACTIVITY_TYPES.course, r.className),
    result: { completion: true },
    context: { platform: 'Peixun', language: 'zh-CN' },
    timestamp: r.at.toISOString(),
  };
}

/**
 * An exam result: `scored` with the composite (out of 100), and `passed` or `failed`. A regrade
 * that changes the score or the outcome makes new statements (the ids name them).
 */
export function examResultStatements(
  base: OwnBase,
  r: { examId: number; examTitle: string; teacherId: number; composite: number; passed: boolean; at: Date },
): OwnStatement[] {
  const object = activity(activityId(base, 'exam', r.examId), ACTIVITY_TYPES.assessment, r.examTitle);
  const key = `exam_result:${r.examId}:${r.teacherId}:${r.composite}:${r.passed}`;
  const score = { raw: r.composite, min: 0, max: 100, scaled: Math.max(-1, Math.min(1, r.composite / 100)) };
  const common = { actor: actorOf(base, r.teacherId), object, context: { platform: 'Peixun', language: 'zh-CN' } };
  return [
    { id: uuidV5(`${key}:scored`), ...common, verb: VERBS.scored, result: { score }, timestamp: r.at.toISOString() },
    {
      id: uuidV5(`${key}:${r.passed ? 'passed' : 'failed'}`),
      ...common,
      verb: r.passed ? VERBS.passed : VERBS.failed,
      result: { score, success: r.passed, completion: true },
      timestamp: r.at.toISOString(),
    },
  ];
}
