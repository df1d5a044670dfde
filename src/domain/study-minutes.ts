/**
 * What a study session counts (R-36: idle time, 挂机, does not count). Pure: the server's own record of a
 * session (when it began, and each numbered heartbeat with the time the server received it) in, the
 * seconds of the item it credits and a receipt of the rest out.
 *
 * The page reports, for the interval since its previous heartbeat, the media position at its start and
 * end, the playback rate, and whether the page was visible, focused and playing. It can lie about all
 * of them; what it cannot move is the server's clock. So:
 * - an interval is worth at most its wall time (server receipt times) × the allowed speed of media, and
 *   at most `maxIntervalSeconds` of wall time (a page that went quiet for longer was away);
 * - a position ahead of the furthest point credited so far is refused unless the course allows seeking;
 * - the credit is a set of segments of the item; the item's total is the measure of their union, so a
 *   part watched twice, a heartbeat sent twice or replayed, adds nothing;
 * - heartbeats are taken in the order of their numbers, one per number (the first received), so the
 *   order they arrive in changes nothing;
 * - a presence check (还在学习吗？) falls due at moments derived from the session's secret; it is issued
 *   by the first heartbeat received after it is due, and unanswered after `presenceTimeoutSeconds` it
 *   stops the clock until an answer (its nonce, or a later check's) arrives.
 * Every second of wall time lands in exactly one line of the receipt.
 */
import crypto from 'node:crypto';
import type { StudyRule } from './online-course.js';

export type StudyItemKind = 'video' | 'document' | 'text';

export interface Heartbeat {
  seq: number;
  /** server time of receipt, ms since the epoch */
  receivedAt: number;
  /** media position (s) at the start and at the end of the interval; documents and text: the page's own seconds */
  from: number;
  to: number;
  rate: number;
  visible: boolean;
  focused: boolean;
  playing: boolean;
  presenceAnswer: string | null;
}

/** [from, to) in seconds of the item */
export type Segment = readonly [number, number];

export const RECEIPT_REASONS = ['counted', 'hidden', 'idle', 'presence', 'speed', 'seek', 'repeat'] as const;
export type ReceiptReason = (typeof RECEIPT_REASONS)[number];

export interface SessionFacts {
  kind: StudyItemKind;
  /** server time the session began, ms */
  startedAt: number;
  /** the video's length, when known: credit stops there */
  durationSeconds: number | null;
  rule: StudyRule;
  /** the secret of the session: its presence checks' schedule and nonces */
  presenceKey: Uint8Array;
  /** videos: what earlier sessions of the same teacher and item credited (a part watched again adds nothing) */
  prior: readonly Segment[];
  /** the longest wall time one interval may count (the page sends a heartbeat every 30 s while studied) */
  maxIntervalSeconds: number;
}

export interface SessionOutcome {
  /**
   * videos: the parts of the video this session credited (their union; prior ones not removed);
   * documents and text pages: [[0, seconds read]]
   */
  segments: Segment[];
  /** seconds this session added to what was credited before it */
  newSeconds: number;
  /** the session's wall time, from its start to its last heartbeat (s) */
  wallSeconds: number;
  /** wall seconds by what became of them; they add up to wallSeconds */
  wall: Record<ReceiptReason, number>;
  /** the furthest point credited, this session and the earlier ones together */
  furthest: number;
  /** where the page last was: a later session resumes here */
  lastPosition: number;
  /** heartbeats taken (distinct numbers) */
  heartbeats: number;
  /** presence checks issued and those left unanswered past their time */
  presenceChecks: number;
  presenceMissed: number;
}

/** Tolerance for the page's timers against the server's clock: 2 s or 5 % of the interval. */
const slack = (wallSeconds: number) => 2 + 0.05 * wallSeconds;

/** The sorted union of segments, empty ones dropped. */
export function unionOf(segments: Iterable<Segment>): Segment[] {
  const sorted = [...segments].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function measureOf(segments: readonly Segment[]): number {
  let total = 0;
  for (const [a, b] of unionOf(segments)) total += b - a;
  return total;
}

/** The part of `segment` not covered by `covered` (a sorted union). */
function uncovered(segment: Segment, covered: readonly Segment[]): number {
  let [a] = segment;
  const b = segment[1];
  let free = 0;
  for (const [c, d] of covered) {
    if (d <= a) continue;
    if (c >= b) break;
    if (c > a) free += c - a;
    a = Math.max(a, d);
    if (a >= b) break;
  }
  if (a < b) free += b - a;
  return free;
}

function hmac(key: Uint8Array, text: string): Buffer {
  return crypto.createHmac('sha256', key).update(text).digest();
}

/** The nonce of presence check `k` (the page must send it back). */
export function presenceNonce(key: Uint8Array, k: number): string {
  return hmac(key, `presence:${k}`).subarray(0, 8).toString('hex');
}

/**
 * When presence check `k` falls due (ms after the session's start): the gaps between checks are drawn
 * from the session's secret between the rule's minimum and maximum minutes.
 */
export function presenceDueAfter(key: Uint8Array, rule: StudyRule, k: number): number {
  let at = 0;
  for (let j = 0; j <= k; j++) {
    const u = hmac(key, `gap:${j}`).readUInt32BE(0) / 0x1_0000_0000;
    at += (rule.presenceMinMinutes + (rule.presenceMaxMinutes - rule.presenceMinMinutes) * u) * 60_000;
  }
  return at;
}

/** The heartbeats taken: one per number, the first received, in the order of their numbers. */
export function takenHeartbeats(heartbeats: readonly Heartbeat[]): Heartbeat[] {
  const bySeq = new Map<number, Heartbeat>();
  for (const h of heartbeats) {
    const seen = bySeq.get(h.seq);
    if (!seen || h.receivedAt < seen.receivedAt || (h.receivedAt === seen.receivedAt && key(h) < key(seen)))
      bySeq.set(h.seq, h);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
const key = (h: Heartbeat) => JSON.stringify(h);

interface Blocked {
  from: number;
  to: number;
}

/**
 * The presence checks of a session as its heartbeats show them: each issued by the first heartbeat
 * received once it was due, and the windows (server ms) in which an unanswered check stopped the clock.
 */
export function presenceWindows(
  facts: Pick<SessionFacts, 'startedAt' | 'rule' | 'presenceKey'>,
  taken: readonly Heartbeat[],
): { issued: number; missed: number; blocked: Blocked[]; pending: { k: number; nonce: string } | null } {
  const byTime = [...taken].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq);
  const last = byTime[byTime.length - 1];
  if (!last) return { issued: 0, missed: 0, blocked: [], pending: null };
  const timeout = facts.rule.presenceTimeoutSeconds * 1000;
  // the answers, by the check they answer
  const nonces = new Map<string, number>();
  const blocked: Blocked[] = [];
  let issued = 0;
  let missed = 0;
  let pending: { k: number; nonce: string } | null = null;
  for (let k = 0; ; k++) {
    const due = facts.startedAt + presenceDueAfter(facts.presenceKey, facts.rule, k);
    if (due > last.receivedAt) break;
    const issuing = byTime.find((h) => h.receivedAt >= due);
    if (!issuing) break;
    issued += 1;
    for (let j = 0; j <= k; j++) nonces.set(presenceNonce(facts.presenceKey, j), j);
    // answered by the first heartbeat after the issuing one carrying this check's nonce or a later one's
    const nonceK = k;
    const answer = byTime.find(
      (h) =>
        h.receivedAt >= issuing.receivedAt &&
        h !== issuing &&
        h.presenceAnswer !== null &&
        (nonces.get(h.presenceAnswer) ?? -1) >= nonceK,
    );
    const stopsAt = issuing.receivedAt + timeout;
    if (!answer) {
      pending = { k, nonce: presenceNonce(facts.presenceKey, k) };
      if (last.receivedAt > stopsAt) {
        missed += 1;
        blocked.push({ from: stopsAt, to: Number.POSITIVE_INFINITY });
      }
      break;
    }
    if (answer.receivedAt > stopsAt) {
      missed += 1;
      blocked.push({ from: stopsAt, to: answer.receivedAt });
    }
  }
  return { issued, missed, blocked, pending };
}

function blockedPart(from: number, to: number, blocked: readonly Blocked[]): number {
  let ms = 0;
  for (const b of blocked) ms += Math.max(0, Math.min(to, b.to) - Math.max(from, b.from));
  return Math.min(ms, to - from);
}

/** What one session counts, with its receipt. */
export function settleSession(facts: SessionFacts, heartbeats: readonly Heartbeat[]): SessionOutcome {
  const taken = takenHeartbeats(heartbeats);
  const wall: Record<ReceiptReason, number> = {
    counted: 0,
    hidden: 0,
    idle: 0,
    presence: 0,
    speed: 0,
    seek: 0,
    repeat: 0,
  };
  const presence = presenceWindows(facts, taken);
  const priorUnion = unionOf(facts.prior);
  let furthest = priorUnion.length > 0 ? priorUnion[priorUnion.length - 1]![1] : 0;
  const credited: Segment[] = [];
  // what is already covered, this session's credit included, to attribute repeats
  let covered: Segment[] = priorUnion;
  const cap = facts.durationSeconds ?? Number.POSITIVE_INFINITY;
  const isMedia = facts.kind === 'video';
  let previousAt = facts.startedAt;
  let lastPosition = 0;
  // documents and text pages: reading time adds up over sessions, so each session counts from 0
  let readingBase = 0;
  let wallTotal = 0;
  let allowance = 0;

  for (const h of taken) {
    // heartbeats are taken by number; one received before its predecessor spans no time
    const endAt = Math.max(h.receivedAt, previousAt);
    const wallS = (endAt - previousAt) / 1000;
    const startAt = previousAt;
    previousAt = endAt;
    wallTotal += wallS;
    lastPosition = Math.min(Math.max(h.to, 0), cap);
    if (wallS <= 0) continue;
    if (!h.visible || !h.focused) {
      wall.hidden += wallS;
      continue;
    }
    // an unanswered presence check stopped the clock for part of the interval
    const blockedS = blockedPart(startAt, endAt, presence.blocked) / 1000;
    const usableWall = Math.min(wallS - blockedS, facts.maxIntervalSeconds);
    wall.presence += blockedS;
    const away = wallS - blockedS - usableWall;
    wall.idle += away;
    if (usableWall <= 0) continue;
    if (!h.playing) {
      wall.idle += usableWall;
      continue;
    }
    if (isMedia) {
      if (h.rate > facts.rule.maxSpeed + 1e-6) {
        wall.speed += usableWall;
        continue;
      }
      const from = Math.max(0, h.from);
      const to = Math.min(h.to, cap);
      if (!facts.rule.allowSeek && from > furthest + slack(usableWall)) {
        wall.seek += usableWall;
        continue;
      }
      const speed = Math.min(h.rate, facts.rule.maxSpeed);
      if (to - from > usableWall * speed + slack(usableWall)) {
        // more of the video than the time allows: a jump or a forged position, refused whole
        wall.speed += usableWall;
        continue;
      }
      allowance += usableWall * speed;
      if (to <= from) {
        // nothing advanced (the end of the video, or a step back): no new part watched
        wall.repeat += usableWall;
        continue;
      }
      // the page's timers and the server's clock differ by a little either way: what is credited never
      // passes the wall time taken so far × the speed (the allowance), so the differences even out
      const length = Math.min(to - from, allowance);
      allowance -= length;
      const segment: Segment = [from, from + length];
      const clipped = 1 - length / (to - from);
      const fresh = length > 0 ? uncovered(segment, covered) / length : 0;
      wall.speed += usableWall * clipped;
      wall.counted += usableWall * (1 - clipped) * fresh;
      wall.repeat += usableWall * (1 - clipped) * (1 - fresh);
      if (length <= 0) continue;
      credited.push(segment);
      covered = unionOf([...covered, segment]);
      furthest = Math.max(furthest, segment[1]);
    } else {
      // a page is read, not played: the wall time it was in front counts, once, beyond what was read before
      const seconds = Math.min(usableWall, Math.max(0, h.to - h.from) + slack(usableWall));
      wall.counted += seconds;
      wall.idle += usableWall - seconds;
      if (seconds > 0) {
        credited.push([readingBase, readingBase + seconds]);
        readingBase += seconds;
      }
    }
  }
  const segments = unionOf(credited);
  const newSeconds = isMedia ? measureOf([...priorUnion, ...segments]) - measureOf(priorUnion) : measureOf(segments);
  return {
    segments,
    newSeconds,
    wallSeconds: wallTotal,
    wall,
    furthest,
    lastPosition,
    heartbeats: taken.length,
    presenceChecks: presence.issued,
    presenceMissed: presence.missed,
  };
}

/**
 * The seconds credited for an item over all its sessions: a video's parts watched (their union), a
 * document's or text page's reading time (the sum).
 */
export function itemSeconds(kind: StudyItemKind, sessions: ReadonlyArray<readonly Segment[]>): number {
  if (kind === 'video') return measureOf(sessions.flat());
  let total = 0;
  for (const s of sessions) total += measureOf(s);
  return total;
}
