import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { HeartbeatBody } from '../../api/study-session.api';
import { type ClockState, StudyClock } from './study-clock';

function page(initial: Partial<ClockState> = {}) {
  const state: ClockState = { position: 0, rate: 1, visible: true, focused: true, playing: true, ...initial };
  const sent: HeartbeatBody[] = [];
  let failNext = 0;
  const clock = new StudyClock({
    read: () => ({ ...state }),
    periodSeconds: 30,
    onPresence: vi.fn(),
    onEnded: vi.fn(),
    send: async (body) => {
      if (failNext > 0) {
        failNext -= 1;
        throw new ApiError(0, 'NETWORK_ERROR', 'offline');
      }
      sent.push(body);
      return { seq: body.seq, repeated: false, presence: null };
    },
  });
  return { state, sent, clock, failNextSends: (n: number) => (failNext = n) };
}

describe("the study page's heartbeats", () => {
  it('describes each interval by the state that held during it, and starts the next where the last ended', async () => {
    const p = page();
    p.state.position = 30;
    p.state.visible = false; // the tab is hidden now: the interval just ended was visible
    p.clock.beat();
    p.state.position = 30;
    p.clock.beat();
    await p.clock.flush();
    expect(p.sent).toEqual([
      expect.objectContaining({ seq: 0, from: 0, to: 30, visible: true }),
      expect.objectContaining({ seq: 1, from: 30, to: 30, visible: false }),
    ]);
  });

  it('reports a seek as the position before the jump, then starts from after it', async () => {
    const p = page();
    p.state.position = 500;
    p.clock.beat({ to: 42, nextFrom: 500 });
    p.state.position = 530;
    p.clock.beat();
    await p.clock.flush();
    expect(p.sent.map((b) => [b.from, b.to])).toEqual([
      [0, 42],
      [500, 530],
    ]);
  });

  it('sends again under the same number what the network lost, in order', async () => {
    vi.useFakeTimers();
    try {
      const p = page();
      p.failNextSends(1);
      p.state.position = 10;
      p.clock.beat();
      p.state.position = 20;
      p.clock.beat();
      await vi.advanceTimersByTimeAsync(10);
      expect(p.sent).toEqual([]);
      expect(p.clock.waiting).toBe(2);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(p.sent.map((b) => b.seq)).toEqual([0, 1]);
      expect(p.clock.waiting).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
