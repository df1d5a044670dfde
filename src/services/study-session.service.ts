import crypto from 'node:crypto';
import { today } from '../config/env.js';
import { type OnlineShortfall, onlineShortfalls } from '../domain/online-completion.js';
import { type OnlineCompletionRule, onlineCompletionOf, type StudyRule, studyRuleOf } from '../domain/online-course.js';
import {
  type Heartbeat,
  itemSeconds,
  presenceDueAfter,
  presenceNonce,
  type Segment,
  settleSession,
  type SessionOutcome,
} from '../domain/study-minutes.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { createAttendanceRepository } from '../repositories/attendance.repository.js';
import {
  createStudySessionRepository,
  type HeartbeatInput,
  type StoredReceipt,
  type StudyItemRow,
  type StudySessionRow,
} from '../repositories/study-session.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import ExcelJS from './excel.js';
import { notify } from './notify.js';
import { neutraliseCell } from './roster-file.js';
import { requireClassRunner } from './class-runner.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';

/**
 * The page sends a heartbeat this often while an item is studied (and at once on pause, seek, hide …);
 * `PEIXUN_STUDY_HEARTBEAT_SECONDS` sets it (tests use a few seconds).
 */
export const HEARTBEAT_SECONDS = 30;
/** An interval longer than this counts this long at most: a page quiet for longer was away. */
export const MAX_INTERVAL_SECONDS = 90;
/** A session quiet for this long is ended and settled by the sweeper. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Heartbeats a session may send in a burst, and how fast the burst refills (one per this many ms). */
const BURST = 12;
const REFILL_MS = 2_000;

export interface StudyReceipt {
  sessionId: number;
  classId: number;
  itemId: number;
  itemTitle: string;
  kind: StudyItemRow['kind'];
  startedAt: Date;
  endedAt: Date | null;
  lastHeartbeatAt: Date | null;
  /** the session's wall time, measured by the server (s) */
  wallSeconds: number;
  /** the seconds of the item it added (s) */
  countedSeconds: number;
  /** wall seconds by what became of them (they add up to wallSeconds) */
  wall: StoredReceipt['wall'];
  presenceChecks: number;
  presenceMissed: number;
  heartbeats: number;
}

export interface ItemState {
  classId: number;
  itemId: number;
  itemTitle: string;
  kind: StudyItemRow['kind'];
  requiredMinutes: number;
  fileId: number | null;
  durationSeconds: number | null;
  /** a text page's text */
  body: string | null;
  rule: Pick<StudyRule, 'maxSpeed' | 'allowSeek'>;
  /** seconds credited so far over every session */
  countedSeconds: number;
  /** the furthest point credited (videos) */
  furthest: number;
  /** where to start: where the last session was, never past the furthest point when seeking is not allowed */
  resumeAt: number;
  studyOpensOn: string;
  studyClosesOn: string;
  open: boolean;
  sessions: StudyReceipt[];
}

/** What the server keeps in memory of a live session: what each heartbeat needs besides its row. */
interface LiveSession {
  teacherId: number;
  startedAt: number;
  rule: StudyRule;
  key: Buffer;
  /** the highest presence check answered */
  answered: number;
  tokens: number;
  refilledAt: number;
}

function toHeartbeat(h: HeartbeatInput & { receivedAt: Date }): Heartbeat {
  return {
    seq: h.seq,
    receivedAt: h.receivedAt.getTime(),
    from: h.from,
    to: h.to,
    rate: h.rate,
    visible: h.visible,
    focused: h.focused,
    playing: h.playing,
    presenceAnswer: h.presenceAnswer,
  };
}

/**
 * Heartbeats arriving together are written together: each waits for the next turn of the event loop,
 * and all that came meanwhile go in one INSERT (one commit). Each is acknowledged only once that
 * statement has committed, so an acknowledged heartbeat is on disk; a crash before loses only
 * unacknowledged ones, which the page sends again under the same number.
 */
function heartbeatWriter(repo: ReturnType<typeof createStudySessionRepository>) {
  type Pending = HeartbeatInput & {
    sessionId: number;
    teacherId: number;
    done: (at: Date | undefined) => void;
    fail: (e: unknown) => void;
  };
  let pending: Pending[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    repo.addHeartbeats(batch).then(
      (written) => {
        for (const b of batch) b.done(written.get(`${b.sessionId}:${b.seq}`));
      },
      (e: unknown) => {
        for (const b of batch) b.fail(e);
      },
    );
  };
  return (beat: HeartbeatInput & { sessionId: number; teacherId: number }) =>
    new Promise<Date | undefined>((done, fail) => {
      pending.push({ ...beat, done, fail });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/**
 * What the other parts of an online class count for its completion, each for a whole class at once:
 * homework (every assignment passed, by teacher; null when the class has none), forum posts that
 * count, and reflections that count. A part not wired counts nothing.
 */
export interface OnlineCounters {
  homeworkPassed?: (classId: number) => Promise<Map<number, boolean> | null>;
  posts?: (classId: number) => Promise<Map<number, number>>;
  reflections?: (classId: number) => Promise<Map<number, number>>;
}

/** One teacher of an online class: minutes per item, homework, posts, reflections, and what is missing. */
export interface ProgressRow {
  teacherId: number;
  teacherName: string;
  schoolName: string;
  /** counted seconds per item id */
  seconds: Map<number, number>;
  homeworkPassed: boolean | null;
  posts: number;
  reflections: number;
  shortfalls: OnlineShortfall[];
}

export interface ClassProgress {
  classId: number;
  className: string;
  courseId: number;
  courseTitle: string;
  studyOpensOn: string;
  studyClosesOn: string;
  rule: OnlineCompletionRule;
  items: Array<{ id: number; kind: StudyItemRow['kind']; title: string; requiredMinutes: number }>;
  rows: ProgressRow[];
}

/** What is missing, in words (the tutor's sheet, a reminder's message). */
export function shortfallText(x: OnlineShortfall, locale: 'zh-CN' | 'en'): string {
  const zh = locale === 'zh-CN';
  switch (x.code) {
    case 'study_minutes':
      return zh
        ? `“${x.title}”已学 ${x.countedMinutes} 分钟，要求 ${x.requiredMinutes} 分钟`
        : `“${x.title}”: ${x.countedMinutes} of ${x.requiredMinutes} minutes`;
    case 'homework':
      return zh ? '研修作业未全部通过' : 'homework not all passed';
    case 'posts':
      return zh ? `有效研讨帖 ${x.counted} / ${x.required}` : `forum posts ${x.counted} of ${x.required}`;
    case 'reflections':
      return zh ? `原创心得 ${x.counted} / ${x.required}` : `original reflections ${x.counted} of ${x.required}`;
    default: {
      const never: never = x;
      return never;
    }
  }
}

export function createStudySessionService({ db, env }: ServiceDeps, counters: OnlineCounters = {}) {
  const repo = createStudySessionRepository(db);
  const writeHeartbeat = heartbeatWriter(repo);
  const heartbeatSeconds = env.PEIXUN_STUDY_HEARTBEAT_SECONDS ?? HEARTBEAT_SECONDS;
  const attendance = createAttendanceRepository(db);
  const live = new Map<number, LiveSession>();
  const teacherOfUser = new Map<number, number>();

  async function teacherIdOf(userId: number): Promise<number | undefined> {
    const known = teacherOfUser.get(userId);
    if (known !== undefined) return known;
    const t = await attendance.teacherOfUser(userId);
    if (t) teacherOfUser.set(userId, t.id);
    return t?.id;
  }

  const isOpen = (item: Pick<StudyItemRow, 'studyOpensOn' | 'studyClosesOn'>) => {
    const day = today(env);
    return item.studyOpensOn <= day && day <= item.studyClosesOn;
  };

  /** The item of a class for the teacher enrolled in it; anyone else: as if it did not exist. */
  async function teacherItem(ctx: RequestContext, action: string, classId: number, itemId: number) {
    const actor = requireActor(ctx);
    const refuse = (e: AppError) =>
      auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, e);
    // studying is a teacher's: anyone else is refused before anything is looked up
    if (actor.role !== 'teacher') return refuse(new AppError('FORBIDDEN'));
    const teacherId = await teacherIdOf(actor.userId);
    const item = await repo.item(classId, itemId);
    const place = teacherId === undefined || !item ? undefined : await repo.enrolment(classId, teacherId);
    if (!item || !place || item.archived || teacherId === undefined) return refuse(notFoundDenied());
    return { actor, teacherId, item, place };
  }

  async function liveSession(row: StudySessionRow): Promise<LiveSession> {
    const known = live.get(row.id);
    if (known) return known;
    const rule = studyRuleOf(row.rule);
    const answers = await repo.presenceAnswers(row.id);
    let answered = -1;
    for (let k = 0; answers.length > 0 && k < 10_000; k++) {
      const nonce = presenceNonce(row.presenceKey, k);
      if (answers.includes(nonce)) answered = k;
      if (presenceDueAfter(row.presenceKey, rule, k) > Date.now() - row.startedAt.getTime()) break;
    }
    const s: LiveSession = {
      teacherId: row.teacherId,
      startedAt: row.startedAt.getTime(),
      rule,
      key: row.presenceKey,
      answered,
      tokens: BURST,
      refilledAt: Date.now(),
    };
    if (live.size > 50_000) live.delete(live.keys().next().value as number);
    live.set(row.id, s);
    return s;
  }

  /** The presence check due and not answered at `now`, if any. */
  function pendingCheck(s: LiveSession, now: number): { nonce: string } | null {
    const k = s.answered + 1;
    if (s.startedAt + presenceDueAfter(s.key, s.rule, k) > now) return null;
    // the latest check due: answering it answers the earlier ones
    let latest = k;
    while (s.startedAt + presenceDueAfter(s.key, s.rule, latest + 1) <= now) latest += 1;
    return { nonce: presenceNonce(s.key, latest) };
  }

  /** What a session's heartbeats count, with the receipt kept beside it. */
  function settlement(
    row: StudySessionRow,
    item: StudyItemRow,
    heartbeats: ReadonlyArray<HeartbeatInput & { receivedAt: Date }>,
    prior: Segment[],
  ): { outcome: SessionOutcome; receipt: StoredReceipt } {
    const outcome = settleSession(
      {
        kind: item.kind,
        startedAt: row.startedAt.getTime(),
        durationSeconds: item.durationSeconds,
        rule: studyRuleOf(row.rule),
        presenceKey: row.presenceKey,
        prior,
        maxIntervalSeconds: MAX_INTERVAL_SECONDS,
      },
      heartbeats.map(toHeartbeat),
    );
    const last = heartbeats[heartbeats.length - 1];
    const receipt: StoredReceipt = {
      wallSeconds: outcome.wallSeconds,
      newSeconds: outcome.newSeconds,
      wall: outcome.wall,
      furthest: outcome.furthest,
      lastPosition: outcome.lastPosition,
      heartbeats: outcome.heartbeats,
      presenceChecks: outcome.presenceChecks,
      presenceMissed: outcome.presenceMissed,
      lastHeartbeatAt: last ? last.receivedAt.toISOString() : null,
    };
    return { outcome, receipt };
  }

  /** Settles a session from its heartbeats (the videos' earlier sessions first) and stores it. */
  async function settle(row: StudySessionRow, item: StudyItemRow, end: Date | null): Promise<SessionOutcome> {
    const heartbeats = await repo.heartbeats(row.id);
    let prior: Segment[] = [];
    if (item.kind === 'video') {
      const others = await repo.sessionsOf(row.classId, row.teacherId, row.itemId);
      prior = others.filter((o) => o.id < row.id).flatMap((o) => o.segments ?? []);
    }
    const { outcome, receipt } = settlement(row, item, heartbeats, prior);
    const last = heartbeats[heartbeats.length - 1];
    await repo.saveSettlement(row.id, {
      segments: outcome.segments,
      countedSeconds: outcome.newSeconds,
      receipt,
      seq: last?.seq ?? null,
      end,
    });
    row.segments = outcome.segments;
    row.countedSeconds = Math.round(outcome.newSeconds);
    row.receipt = receipt;
    row.settledSeq = last?.seq ?? null;
    if (end) live.delete(row.id);
    return outcome;
  }

  /** Every session of the teacher at the item, settled up to its last heartbeat. */
  async function settledSessions(item: StudyItemRow, teacherId: number): Promise<StudySessionRow[]> {
    const rows = await repo.sessionsOf(item.classId, teacherId, item.itemId);
    for (const row of rows) {
      const last = await repo.lastHeartbeat(row.id);
      const current = row.settledAt !== null && row.settledSeq === (last?.seq ?? null);
      if (!current) await settle(row, item, null);
    }
    return rows;
  }

  function receiptOf(row: StudySessionRow, item: Pick<StudyItemRow, 'itemTitle' | 'kind'>): StudyReceipt {
    const r = row.receipt;
    return {
      sessionId: row.id,
      classId: row.classId,
      itemId: row.itemId,
      itemTitle: item.itemTitle,
      kind: item.kind,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      lastHeartbeatAt: r?.lastHeartbeatAt ? new Date(r.lastHeartbeatAt) : null,
      wallSeconds: r?.wallSeconds ?? 0,
      countedSeconds: r?.newSeconds ?? 0,
      wall: r?.wall ?? { counted: 0, hidden: 0, idle: 0, presence: 0, speed: 0, seek: 0, repeat: 0 },
      presenceChecks: r?.presenceChecks ?? 0,
      presenceMissed: r?.presenceMissed ?? 0,
      heartbeats: r?.heartbeats ?? 0,
    };
  }

  function stateOf(item: StudyItemRow, rows: StudySessionRow[]): ItemState {
    const rule = studyRuleOf(item.studyRule);
    const counted = itemSeconds(
      item.kind,
      rows.map((r) => r.segments ?? []),
    );
    const furthest = Math.max(0, ...rows.map((r) => r.receipt?.furthest ?? 0));
    const last = rows[rows.length - 1]?.receipt?.lastPosition ?? 0;
    const resumeAt = item.kind === 'video' && !rule.allowSeek ? Math.min(last, furthest) : last;
    return {
      classId: item.classId,
      itemId: item.itemId,
      itemTitle: item.itemTitle,
      kind: item.kind,
      requiredMinutes: item.requiredMinutes,
      fileId: item.fileId,
      durationSeconds: item.durationSeconds,
      body: item.body,
      rule: { maxSpeed: rule.maxSpeed, allowSeek: rule.allowSeek },
      countedSeconds: counted,
      furthest,
      resumeAt,
      studyOpensOn: item.studyOpensOn,
      studyClosesOn: item.studyClosesOn,
      open: isOpen(item),
      sessions: rows
        .slice(-20)
        .reverse()
        .map((r) => receiptOf(r, item)),
    };
  }

  /**
   * Seconds counted per teacher and item of a class, every session settled first: for the outline,
   * the tutor's table and the completion of the class.
   */
  async function classSecondsOf(
    classId: number,
    teacherIds?: readonly number[],
  ): Promise<Map<number, Map<number, number>>> {
    const sessions = await repo.classSessions(classId, teacherIds);
    const stale = sessions.filter((x) => x.stale);
    if (stale.length > 0) {
      // settled together: two reads and one write for the whole class, in session order, so a video's
      // earlier sessions are known before a later one is judged against them
      const [rows, beats] = await Promise.all([
        repo.sessionsByIds(stale.map((x) => x.id)),
        repo.heartbeatsOf(stale.map((x) => x.id)),
      ]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const items = new Map<number, StudyItemRow>();
      for (const itemId of new Set(rows.map((r) => r.itemId))) items.set(itemId, (await repo.item(classId, itemId))!);
      const prior = new Map<string, Segment[]>();
      const saved: Parameters<typeof repo.saveSettlements>[0][number][] = [];
      for (const s of sessions) {
        const key = `${s.teacherId}:${s.itemId}`;
        const row = s.stale ? byId.get(s.id) : undefined;
        if (row) {
          const item = items.get(row.itemId)!;
          const heartbeats = beats.get(row.id) ?? [];
          const { outcome, receipt } = settlement(
            row,
            item,
            heartbeats,
            item.kind === 'video' ? (prior.get(key) ?? []) : [],
          );
          s.segments = outcome.segments;
          saved.push({
            id: row.id,
            segments: outcome.segments,
            countedSeconds: outcome.newSeconds,
            receipt,
            seq: heartbeats[heartbeats.length - 1]?.seq ?? null,
          });
        }
        prior.set(key, [...(prior.get(key) ?? []), ...(s.segments ?? [])]);
      }
      await repo.saveSettlements(saved);
    }
    const kinds = new Map<number, StudyItemRow['kind']>();
    const out = new Map<number, Map<number, number>>();
    const grouped = new Map<string, { teacherId: number; itemId: number; segments: Segment[][] }>();
    for (const s of sessions) {
      const key = `${s.teacherId}:${s.itemId}`;
      const g = grouped.get(key) ?? { teacherId: s.teacherId, itemId: s.itemId, segments: [] };
      g.segments.push(s.segments ?? []);
      grouped.set(key, g);
    }
    const courseItems = sessions.length > 0 ? await repo.classItemKinds(classId) : new Map();
    for (const [id, kind] of courseItems) kinds.set(id, kind);
    for (const g of grouped.values()) {
      const perItem = out.get(g.teacherId) ?? new Map<number, number>();
      perItem.set(g.itemId, itemSeconds(kinds.get(g.itemId) ?? 'video', g.segments));
      out.set(g.teacherId, perItem);
    }
    return out;
  }

  /** The class, for its trainers and the organiser's admins only. */
  async function requireRunnerOf(ctx: RequestContext, action: string, classId: number) {
    const cls = await attendance.classById(classId);
    if (!cls)
      return auditRefusal(db, ctx, { action, targetType: 'training_class', targetId: classId }, notFoundDenied());
    await requireClassRunner(db, ctx, action, cls, { type: 'training_class', id: classId });
    return cls;
  }

  async function progressOf(classId: number, teacherIds?: readonly number[]): Promise<ClassProgress | undefined> {
    const cls = await repo.onlineClass(classId);
    if (!cls) return undefined;
    const rule = onlineCompletionOf(cls.completionRule);
    const [items, teachers, seconds, homework, posts, reflections] = await Promise.all([
      repo.courseItems(cls.courseId),
      repo.classTeachers(classId, teacherIds),
      classSecondsOf(classId, teacherIds),
      counters.homeworkPassed?.(classId) ?? Promise.resolve(null),
      counters.posts?.(classId) ?? Promise.resolve(new Map<number, number>()),
      counters.reflections?.(classId) ?? Promise.resolve(new Map<number, number>()),
    ]);
    const rows = teachers.map((t): ProgressRow => {
      const mine = seconds.get(t.teacherId) ?? new Map<number, number>();
      const homeworkPassed = homework === null ? null : (homework.get(t.teacherId) ?? false);
      const facts = {
        items: items.map((i) => ({
          itemId: i.id,
          title: i.title,
          requiredMinutes: i.requiredMinutes,
          countedSeconds: mine.get(i.id) ?? 0,
        })),
        homeworkPassed,
        posts: posts.get(t.teacherId) ?? 0,
        reflections: reflections.get(t.teacherId) ?? 0,
      };
      return {
        ...t,
        seconds: mine,
        homeworkPassed,
        posts: facts.posts,
        reflections: facts.reflections,
        shortfalls: onlineShortfalls(rule, facts),
      };
    });
    return { ...cls, rule, items, rows };
  }

  return {
    /** A teacher begins studying an item of an online class they are enrolled in, in its study window. */
    async startSession(
      ctx: RequestContext,
      input: { classId: number; itemId: number },
    ): Promise<{ sessionId: number; heartbeatSeconds: number; state: ItemState }> {
      const action = 'study.start';
      const { teacherId, item, place } = await teacherItem(ctx, action, input.classId, input.itemId);
      const meta = {
        action,
        targetType: 'training_class',
        targetId: item.classId,
        targetLabel: item.className,
        details: { itemId: item.itemId },
      };
      if (item.classStatus !== 'open') return auditRefusal(db, ctx, meta, new AppError('CLASS_CLOSED'));
      if (!isOpen(item))
        return auditRefusal(
          db,
          ctx,
          meta,
          new AppError('STUDY_NOT_OPEN', { params: { opensOn: item.studyOpensOn, closesOn: item.studyClosesOn } }),
        );
      const rule = studyRuleOf(item.studyRule);
      const created = await auditedWrite(db, ctx, meta, async (trx) =>
        createStudySessionRepository(trx).createSession({
          provinceId: place.provinceId,
          classId: item.classId,
          itemId: item.itemId,
          teacherId,
          orgPath: place.orgPath,
          rule,
          presenceKey: crypto.randomBytes(32),
        }),
      );
      live.set(created.id, {
        teacherId,
        startedAt: created.startedAt.getTime(),
        rule,
        key: (await repo.session(created.id))!.presenceKey,
        answered: -1,
        tokens: BURST,
        refilledAt: Date.now(),
      });
      const rows = await settledSessions(item, teacherId);
      return { sessionId: created.id, heartbeatSeconds, state: stateOf(item, rows) };
    },

    /**
     * A heartbeat of the teacher's session: written (durably) before it is acknowledged; a number
     * already taken is acknowledged again and changes nothing. The answer names the presence check
     * due, if one is.
     */
    async heartbeat(
      ctx: RequestContext,
      sessionId: number,
      h: HeartbeatInput,
    ): Promise<{ seq: number; repeated: boolean; presence: { nonce: string } | null }> {
      const actor = requireActor(ctx);
      const refuse = (e: AppError) =>
        auditRefusal(db, ctx, { action: 'study.heartbeat', targetType: 'study_session', targetId: sessionId }, e);
      if (actor.role !== 'teacher') return refuse(new AppError('FORBIDDEN'));
      const teacherId = await teacherIdOf(actor.userId);
      let s = live.get(sessionId);
      if (!s || s.teacherId !== teacherId) {
        const row = teacherId === undefined ? undefined : await repo.session(sessionId);
        if (!row || row.teacherId !== teacherId) return refuse(notFoundDenied());
        if (row.endedAt) throw new AppError('STUDY_SESSION_ENDED');
        s = await liveSession(row);
      }
      const now = Date.now();
      s.tokens = Math.min(BURST, s.tokens + (now - s.refilledAt) / REFILL_MS);
      s.refilledAt = now;
      if (s.tokens < 1) throw new AppError('STUDY_TOO_MANY_HEARTBEATS');
      s.tokens -= 1;
      const receivedAt = await writeHeartbeat({ ...h, sessionId, teacherId: s.teacherId });
      if (!receivedAt) {
        const row = await repo.session(sessionId);
        if (row?.endedAt) {
          live.delete(sessionId);
          throw new AppError('STUDY_SESSION_ENDED');
        }
      }
      if (receivedAt && h.presenceAnswer) {
        for (let k = s.answered + 1; k < s.answered + 1000; k++) {
          if (s.startedAt + presenceDueAfter(s.key, s.rule, k) > receivedAt.getTime()) break;
          if (presenceNonce(s.key, k) === h.presenceAnswer) s.answered = k;
        }
      }
      return { seq: h.seq, repeated: !receivedAt, presence: pendingCheck(s, receivedAt?.getTime() ?? now) };
    },

    /** The teacher leaves the item: the session is ended and its receipt returned. */
    async endSession(ctx: RequestContext, sessionId: number): Promise<StudyReceipt> {
      const actor = requireActor(ctx);
      const refuse = (e: AppError) =>
        auditRefusal(db, ctx, { action: 'study.end', targetType: 'study_session', targetId: sessionId }, e);
      if (actor.role !== 'teacher') return refuse(new AppError('FORBIDDEN'));
      const teacherId = await teacherIdOf(actor.userId);
      const row = teacherId === undefined ? undefined : await repo.session(sessionId);
      if (!row || row.teacherId !== teacherId) return refuse(notFoundDenied());
      const item = (await repo.item(row.classId, row.itemId))!;
      if (!row.endedAt) {
        await auditedWrite(
          db,
          ctx,
          { action: 'study.end', targetType: 'study_session', targetId: sessionId, targetLabel: item.itemTitle },
          async () => undefined,
        );
        const last = await repo.lastHeartbeat(row.id);
        await settle(row, item, last?.receivedAt ?? row.startedAt);
        row.endedAt = last?.receivedAt ?? row.startedAt;
      } else {
        await settledSessions(item, row.teacherId);
        Object.assign(row, await repo.session(row.id));
      }
      return receiptOf(row, item);
    },

    /** A session's receipt: its teacher, the class's tutors and the organiser's admins. */
    async receipt(ctx: RequestContext, sessionId: number): Promise<StudyReceipt> {
      const actor = requireActor(ctx);
      const row = await repo.session(sessionId);
      const refuse = (e: AppError) =>
        auditRefusal(db, ctx, { action: 'study.read_receipt', targetType: 'study_session', targetId: sessionId }, e);
      if (!row) return refuse(notFoundDenied());
      const item = (await repo.item(row.classId, row.itemId))!;
      if (actor.role === 'teacher') {
        if ((await teacherIdOf(actor.userId)) !== row.teacherId) return refuse(notFoundDenied());
      } else {
        const cls = await attendance.classById(row.classId);
        if (!cls) return refuse(notFoundDenied());
        await requireClassRunner(db, ctx, 'study.read_receipt', cls, { type: 'study_session', id: sessionId });
      }
      await settledSessions(item, row.teacherId);
      return receiptOf((await repo.session(sessionId))!, item);
    },

    /** Where a teacher is with an item: counted so far, where to resume, the last sessions' receipts. */
    async itemState(ctx: RequestContext, classId: number, itemId: number): Promise<ItemState> {
      const { teacherId, item } = await teacherItem(ctx, 'study.read', classId, itemId);
      return stateOf(item, await settledSessions(item, teacherId));
    },

    /**
     * Seconds counted per teacher and item of a class, every session settled first: for the outline,
     * the tutor's table and the completion of the class.
     */
    classSeconds: (classId: number, teacherIds?: readonly number[]) => classSecondsOf(classId, teacherIds),

    /** Where every teacher of an online class (or these) stands: the class's completion, as closing it would judge. */
    async classProgress(classId: number, teacherIds?: readonly number[]): Promise<ClassProgress | undefined> {
      return progressOf(classId, teacherIds);
    },

    /** What each teacher of an online class still lacks (empty: complete); nothing for a class that is not online. */
    async shortfallsOfClass(classId: number): Promise<Map<number, OnlineShortfall[]> | null> {
      const p = await progressOf(classId);
      return p ? new Map(p.rows.map((r) => [r.teacherId, r.shortfalls])) : null;
    },

    /** A teacher's own standing in an online class they hold a place in: what counts and what is missing. */
    async myProgress(ctx: RequestContext, classId: number): Promise<ClassProgress> {
      const actor = requireActor(ctx);
      const refuse = (e: AppError) =>
        auditRefusal(db, ctx, { action: 'study.my_progress', targetType: 'training_class', targetId: classId }, e);
      if (actor.role !== 'teacher') return refuse(new AppError('FORBIDDEN'));
      const teacherId = await teacherIdOf(actor.userId);
      const place = teacherId === undefined ? undefined : await repo.enrolment(classId, teacherId);
      const p = place ? await progressOf(classId, [teacherId!]) : undefined;
      if (!p) return refuse(notFoundDenied());
      return p;
    },

    /** The tutor's table: every teacher of the class (its trainers and the organiser's admins). */
    async progressReport(ctx: RequestContext, classId: number): Promise<ClassProgress> {
      await requireRunnerOf(ctx, 'study.progress', classId);
      const p = await progressOf(classId);
      if (!p) throw notFoundDenied();
      return p;
    },

    /** The tutor's table as an .xlsx sheet: one row per teacher, one column per item. */
    async progressSheet(ctx: RequestContext, classId: number): Promise<{ buffer: Buffer; progress: ClassProgress }> {
      const cls = await requireRunnerOf(ctx, 'study.progress_export', classId);
      const p = await progressOf(classId);
      if (!p) throw notFoundDenied();
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('学习进度');
      ws.columns = [
        { header: '学校', key: 'school', width: 24 },
        { header: '姓名', key: 'name', width: 12 },
        ...p.items.map((i) => ({
          header: `${i.title}（分钟，要求 ${i.requiredMinutes}）`,
          key: `i${i.id}`,
          width: 18,
        })),
        { header: '作业', key: 'homework', width: 10 },
        { header: `有效研讨帖（要求 ${p.rule.postsRequired}）`, key: 'posts', width: 14 },
        { header: `原创心得（要求 ${p.rule.reflectionsRequired}）`, key: 'reflections', width: 14 },
        { header: '是否完成', key: 'complete', width: 10 },
        { header: '尚缺', key: 'missing', width: 40 },
      ];
      for (const r of p.rows)
        ws.addRow({
          school: neutraliseCell(r.schoolName),
          name: neutraliseCell(r.teacherName),
          ...Object.fromEntries(p.items.map((i) => [`i${i.id}`, Math.floor((r.seconds.get(i.id) ?? 0) / 60)])),
          homework: r.homeworkPassed === null ? '无作业' : r.homeworkPassed ? '已通过' : '未通过',
          posts: r.posts,
          reflections: r.reflections,
          complete: r.shortfalls.length === 0 ? '已完成' : '未完成',
          missing: neutraliseCell(r.shortfalls.map((x) => shortfallText(x, 'zh-CN')).join('；')),
        });
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 2 }];
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action: 'study.progress_export',
          targetType: 'training_class',
          targetId: classId,
          targetPath: cls.projectPath,
          targetLabel: cls.name,
          details: { rows: p.rows.length },
        },
        'success',
      );
      return { buffer, progress: p };
    },

    /**
     * A tutor reminds teachers of the class of what they still lack (催办): the given ones, or every
     * teacher not complete. Each gets a message in the product naming what is missing.
     */
    async remind(
      ctx: RequestContext,
      classId: number,
      input: { teacherIds?: number[] },
    ): Promise<{ teachers: number; recipients: number }> {
      const cls = await requireRunnerOf(ctx, 'study.remind', classId);
      const p = await progressOf(classId, input.teacherIds);
      if (!p) throw notFoundDenied();
      const due = p.rows.filter((r) => r.shortfalls.length > 0);
      const actor = requireActor(ctx);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'study.remind',
          targetType: 'training_class',
          targetId: classId,
          targetPath: cls.projectPath,
          targetLabel: cls.name,
          details: { teachers: due.length },
        },
        async (trx) => {
          let recipients = 0;
          for (const r of due)
            recipients += await notify(trx, {
              to: { teacherOf: r.teacherId },
              kind: 'study_reminder',
              params: {
                className: p.className,
                course: p.courseTitle,
                closesOn: p.studyClosesOn,
                missing: r.shortfalls.map((x) => shortfallText(x, 'zh-CN')).join('；'),
                missingEn: r.shortfalls.map((x) => shortfallText(x, 'en')).join('; '),
              },
              link: `/me/study/${classId}`,
              senderId: actor.userId,
            });
          return { teachers: due.length, recipients };
        },
      );
    },

    /** Ends and settles sessions quiet for half an hour (the page was closed without saying so). */
    async sweepQuietSessions(): Promise<number> {
      const ids = await repo.quietSessions(SESSION_IDLE_MS, 500);
      for (const id of ids) {
        const row = await repo.session(id);
        if (!row || row.endedAt) continue;
        const item = (await repo.item(row.classId, row.itemId))!;
        const last = await repo.lastHeartbeat(id);
        await settle(row, item, last?.receivedAt ?? row.startedAt);
      }
      return ids.length;
    },
  };
}

export type StudySessionService = ReturnType<typeof createStudySessionService>;
