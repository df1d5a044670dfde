import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STUDY_RULE, type StudyRule } from './online-course.js';
import {
  type Heartbeat,
  itemSeconds,
  measureOf,
  presenceDueAfter,
  presenceNonce,
  RECEIPT_REASONS,
  type SessionFacts,
  settleSession,
  unionOf,
} from './study-minutes.js';

const KEY = new Uint8Array(32).fill(7);
/** presence checks far away unless a test wants them */
const NO_CHECKS: StudyRule = { ...DEFAULT_STUDY_RULE, presenceMinMinutes: 600, presenceMaxMinutes: 600 };

const facts = (over: Partial<SessionFacts> = {}): SessionFacts => ({
  kind: 'video',
  startedAt: 1_000_000,
  durationSeconds: 3600,
  rule: NO_CHECKS,
  presenceKey: KEY,
  prior: [],
  maxIntervalSeconds: 90,
  ...over,
});

/** An honest page: a heartbeat every `every` seconds while playing at `rate`. */
function honest(n: number, every = 30, rate = 1, start = 1_000_000, from0 = 0): Heartbeat[] {
  const out: Heartbeat[] = [];
  let pos = from0;
  for (let i = 0; i < n; i++) {
    const to = pos + every * rate;
    out.push({
      seq: i,
      receivedAt: start + (i + 1) * every * 1000,
      from: pos,
      to,
      rate,
      visible: true,
      focused: true,
      playing: true,
      presenceAnswer: null,
    });
    pos = to;
  }
  return out;
}

const sumWall = (w: Record<string, number>) => RECEIPT_REASONS.reduce((a, r) => a + (w[r] ?? 0), 0);

/** Arbitrary sessions: intervals of 0.1–120 s, positions that advance, jump or go back, any flags. */
const arbHeartbeats = fc
  .array(
    fc.record({
      wall: fc.double({ min: 0.1, max: 120, noNaN: true }),
      advance: fc.double({ min: -60, max: 400, noNaN: true }),
      jump: fc.double({ min: 0, max: 3000, noNaN: true }),
      doJump: fc.boolean(),
      rate: fc.constantFrom(0.5, 1, 1.25, 1.5, 2, 16),
      visible: fc.boolean(),
      focused: fc.boolean(),
      playing: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((steps) => {
    let at = 1_000_000;
    let pos = 0;
    return steps.map((s, seq): Heartbeat => {
      at += s.wall * 1000;
      const from = s.doJump ? s.jump : pos;
      const to = Math.max(0, from + s.advance);
      pos = to;
      return {
        seq,
        receivedAt: at,
        from,
        to,
        rate: s.rate,
        visible: s.visible,
        focused: s.focused,
        playing: s.playing,
        presenceAnswer: null,
      };
    });
  });

describe('the minutes a study session counts (R-36)', () => {
  it('counts an honest page watching at 1× and 1.5× in full, and every wall second is on the receipt', () => {
    const once = settleSession(facts(), honest(20));
    expect(once.newSeconds).toBeCloseTo(600, 6);
    expect(once.wall.counted).toBeCloseTo(600, 6);
    const fast = settleSession(facts(), honest(20, 30, 1.5));
    expect(fast.newSeconds).toBeCloseTo(900, 6);
    expect(sumWall(fast.wall)).toBeCloseTo(fast.wallSeconds, 6);
  });

  it('counts nothing while the page is hidden or out of focus, and says so', () => {
    const beats = honest(10).map((h, i) => (i >= 4 && i < 8 ? { ...h, visible: false, playing: true } : h));
    const r = settleSession(facts(), beats);
    expect(r.wall.hidden).toBeCloseTo(120, 6);
    // what played behind another tab is not credited, and going on from there skips it: refused as a
    // jump ahead until the page goes back to where the teacher left (the player pauses when hidden)
    expect(r.newSeconds).toBeCloseTo(120, 6);
    expect(r.wall.seek).toBeCloseTo(60, 6);
  });

  it('refuses more than 1.5×, a jump ahead of what was watched, and a position moved faster than the clock', () => {
    expect(settleSession(facts(), honest(10, 30, 2)).newSeconds).toBe(0);
    const jumped = honest(4);
    jumped.push({ ...jumped[3]!, seq: 4, receivedAt: jumped[3]!.receivedAt + 30_000, from: 1500, to: 1530 });
    const r = settleSession(facts(), jumped);
    expect(r.newSeconds).toBeCloseTo(120, 6);
    expect(r.wall.seek).toBeCloseTo(30, 6);
    // "10 hours in half a minute": one heartbeat claiming the whole video
    const forged = settleSession(facts(), [{ ...honest(1)[0]!, from: 0, to: 3600 }]);
    expect(forged.newSeconds).toBe(0);
    expect(forged.wall.speed).toBeCloseTo(30, 6);
  });

  it('allows the jump when the course allows seeking', () => {
    const jumped = honest(4);
    jumped.push({ ...jumped[3]!, seq: 4, receivedAt: jumped[3]!.receivedAt + 30_000, from: 1500, to: 1530 });
    const r = settleSession(facts({ rule: { ...NO_CHECKS, allowSeek: true } }), jumped);
    expect(r.newSeconds).toBeCloseTo(150, 6);
  });

  it('counts a part watched again once, across sessions', () => {
    const first = settleSession(facts(), honest(10));
    const again = settleSession(facts({ prior: first.segments, startedAt: 5_000_000 }), honest(10, 30, 1, 5_000_000));
    expect(again.newSeconds).toBe(0);
    expect(again.wall.repeat).toBeCloseTo(300, 6);
    expect(itemSeconds('video', [first.segments, again.segments])).toBeCloseTo(300, 6);
  });

  it('counts at most the longest interval of a page that went quiet', () => {
    const gap = honest(3);
    gap.push({ ...gap[2]!, seq: 3, receivedAt: gap[2]!.receivedAt + 3_600_000, from: 90, to: 120 });
    const r = settleSession(facts(), gap);
    expect(r.wall.idle).toBeCloseTo(3600 - 90, 6);
    expect(r.newSeconds).toBeCloseTo(120, 6);
  });

  it('stops the clock from a presence check left unanswered past its time until it is answered', () => {
    const rule: StudyRule = { ...DEFAULT_STUDY_RULE, presenceMinMinutes: 10, presenceMaxMinutes: 10 };
    expect(presenceDueAfter(KEY, rule, 0)).toBe(600_000);
    // 40 heartbeats (20 min); the check is due at 10 min and issued by the heartbeat at 10 min
    const beats = honest(40);
    const unanswered = settleSession(facts({ rule }), beats);
    expect(unanswered.presenceChecks).toBe(1);
    expect(unanswered.presenceMissed).toBe(1);
    // stopped from 10 min + 60 s to the end: 9 min of wall not counted
    expect(unanswered.wall.presence).toBeCloseTo(540, 6);
    expect(unanswered.newSeconds).toBeCloseTo(660, 6);
    // answered at once: nothing lost
    const answered = beats.map((h) => (h.seq === 20 ? { ...h, presenceAnswer: presenceNonce(KEY, 0) } : h));
    expect(settleSession(facts({ rule }), answered).newSeconds).toBeCloseTo(1200, 6);
    // answered late (after 5 min): the time between its deadline and the answer is lost
    const late = beats.map((h) => (h.seq === 29 ? { ...h, presenceAnswer: presenceNonce(KEY, 0) } : h));
    const r = settleSession(facts({ rule }), late);
    expect(r.wall.presence).toBeCloseTo(240, 6);
    // a made-up answer answers nothing
    const made = beats.map((h) => (h.seq === 20 ? { ...h, presenceAnswer: 'deadbeefdeadbeef' } : h));
    expect(settleSession(facts({ rule }), made).presenceMissed).toBe(1);
  });

  it('counts a document by the wall time it was in front, at most the wall time', () => {
    const doc = honest(10).map((h) => ({ ...h, from: 0, to: 10_000 }));
    const r = settleSession(facts({ kind: 'document', durationSeconds: null }), doc);
    expect(r.newSeconds).toBeCloseTo(300, 6);
    expect(itemSeconds('document', [r.segments, r.segments])).toBeCloseTo(600, 6);
  });

  describe('properties', () => {
    const rules = fc.constantFrom<StudyRule>(
      NO_CHECKS,
      { ...NO_CHECKS, allowSeek: true },
      { ...DEFAULT_STUDY_RULE, presenceMinMinutes: 1, presenceMaxMinutes: 3, presenceTimeoutSeconds: 15 },
    );

    it('heartbeats in any order give the same result', () => {
      fc.assert(
        fc.property(
          arbHeartbeats,
          rules,
          fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
          (hs, rule, r) => {
            const shuffled = [...hs].map((h) => [h, r.next().value] as const).sort((a, b) => a[1] - b[1]);
            const a = settleSession(facts({ rule }), hs);
            const b = settleSession(
              facts({ rule }),
              shuffled.map(([h]) => h),
            );
            expect(b).toEqual(a);
          },
        ),
      );
    });

    it('a heartbeat sent again, or one replayed under a number already taken, adds nothing', () => {
      fc.assert(
        fc.property(arbHeartbeats, rules, fc.nat(), (hs, rule, pick) => {
          fc.pre(hs.length > 0);
          const base = settleSession(facts({ rule }), hs);
          const h = hs[pick % hs.length]!;
          const resent = settleSession(facts({ rule }), [...hs, { ...h, receivedAt: h.receivedAt + 5000 }]);
          expect(resent).toEqual(base);
          // a forged copy with a bigger claim under a taken number, received later, changes nothing
          const forged = settleSession(facts({ rule }), [
            ...hs,
            { ...h, receivedAt: h.receivedAt + 1, to: h.to + 1000, visible: true, focused: true, playing: true },
          ]);
          expect(forged).toEqual(base);
        }),
      );
    });

    it('never credits more than the wall time × the allowed speed, and every wall second has one reason', () => {
      fc.assert(
        fc.property(arbHeartbeats, rules, (hs, rule) => {
          const r = settleSession(facts({ rule }), hs);
          expect(r.newSeconds).toBeLessThanOrEqual(r.wallSeconds * rule.maxSpeed + 1e-6);
          expect(measureOf(r.segments)).toBeLessThanOrEqual(r.wallSeconds * rule.maxSpeed + 1e-6);
          expect(sumWall(r.wall)).toBeCloseTo(r.wallSeconds, 6);
          const doc = settleSession(facts({ rule, kind: 'document', durationSeconds: null }), hs);
          expect(doc.newSeconds).toBeLessThanOrEqual(doc.wallSeconds + 1e-6);
        }),
      );
    });

    it('a page claiming a little more than the clock at every heartbeat still gets no more than wall × speed', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              wall: fc.double({ min: 0.05, max: 60, noNaN: true }),
              over: fc.double({ min: 0, max: 1, noNaN: true }),
            }),
            { minLength: 1, maxLength: 60 },
          ),
          (steps) => {
            let at = 1_000_000;
            let pos = 0;
            const hs = steps.map(({ wall, over }, seq): Heartbeat => {
              at += wall * 1000;
              const to = pos + wall * 1.5 + over * (2 + 0.05 * wall);
              const h = { ...honest(1)[0]!, seq, receivedAt: at, from: pos, to, rate: 1.5 };
              pos = to;
              return h;
            });
            const r = settleSession(facts(), hs);
            expect(r.newSeconds).toBeLessThanOrEqual(r.wallSeconds * 1.5 + 1e-6);
          },
        ),
      );
    });

    it('a hidden, unfocused or paused interval adds nothing: marking intervals so never raises the count', () => {
      fc.assert(
        fc.property(arbHeartbeats, rules, fc.array(fc.boolean()), (hs, rule, marks) => {
          const all = settleSession(facts({ rule }), hs);
          const marked = hs.map((h, i) =>
            marks[i] ? { ...h, visible: i % 3 !== 0 && h.visible, playing: i % 3 === 0 && h.playing } : h,
          );
          const r = settleSession(facts({ rule }), marked);
          expect(r.newSeconds).toBeLessThanOrEqual(all.newSeconds + 1e-6);
          const hidden = settleSession(
            facts({ rule }),
            hs.map((h) => ({ ...h, visible: false })),
          );
          expect(hidden.newSeconds).toBe(0);
          expect(hidden.wall.hidden).toBeCloseTo(hidden.wallSeconds, 6);
        }),
      );
    });

    it('the union of segments is sorted, disjoint and measures no more than its parts', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.tuple(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true })),
          ),
          (raw) => {
            const segs = raw.map(([a, l]) => [a, a + l] as const);
            const u = unionOf(segs);
            for (let i = 1; i < u.length; i++) expect(u[i]![0]).toBeGreaterThan(u[i - 1]![1]);
            expect(measureOf(u)).toBeLessThanOrEqual(segs.reduce((s, [a, b]) => s + (b - a), 0) + 1e-6);
          },
        ),
      );
    });
  });
});
