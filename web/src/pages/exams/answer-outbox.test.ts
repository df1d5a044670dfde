import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { AnswerOutbox, type OutboxStatus, type SaveAck } from './answer-outbox';
import { queueStorageKey, type QueuedEvent, type SeqAnswer } from './answer-queue';

/** The server of an attempt, in memory: the highest clientSeq wins; `down` makes every request fail. */
function server() {
  const stored = new Map<number, SeqAnswer>();
  const events: QueuedEvent[] = [];
  const state = { down: false, closed: false, saves: 0 };
  const failIfDown = () => {
    if (state.down) throw new ApiError(0, 'NETWORK_ERROR', 'offline');
    if (state.closed) throw new ApiError(409, 'EXAM_TIME_UP', 'time is up');
  };
  return {
    stored,
    events,
    state,
    save: async (answers: SeqAnswer[]): Promise<SaveAck> => {
      failIfDown();
      state.saves += 1;
      for (const a of answers) {
        const old = stored.get(a.position);
        if (!old || old.clientSeq < a.clientSeq) stored.set(a.position, a);
      }
      return {
        saved: answers.map((a) => ({ position: a.position, clientSeq: a.clientSeq })),
        serverNow: '2026-12-07T10:00:00.000Z',
        deadlineAt: '2026-12-07T10:30:00.000Z',
      };
    },
    sendEvent: async (e: QueuedEvent) => {
      failIfDown();
      events.push(e);
    },
  };
}

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

function outbox(srv: ReturnType<typeof server>, storage: ReturnType<typeof memoryStorage>) {
  const statuses: OutboxStatus[] = [];
  const closed = vi.fn();
  const times = vi.fn();
  const box = new AnswerOutbox({
    attemptId: 7,
    storage,
    save: srv.save,
    sendEvent: srv.sendEvent,
    onStatus: (s) => statuses.push(s),
    onServerTime: times,
    onClosed: closed,
  });
  return { box, statuses, closed, times, last: () => statuses.at(-1) as OutboxStatus };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the sitting page's outbox", () => {
  it('sends each answer as given and reports the server time of every save', async () => {
    const srv = server();
    const o = outbox(srv, memoryStorage());
    o.box.put(0, 'A');
    await o.box.flushNow();
    expect(srv.stored.get(0)).toEqual({ position: 0, answer: 'A', clientSeq: 1 });
    expect(o.times).toHaveBeenCalledWith('2026-12-07T10:00:00.000Z', '2026-12-07T10:30:00.000Z');
    expect(o.last().unsent.size).toBe(0);
  });

  it('keeps typed text on the device at every keystroke but sends it after a pause', async () => {
    const srv = server();
    const storage = memoryStorage();
    const o = outbox(srv, storage);
    o.box.put(2, '北', 500);
    await vi.advanceTimersByTimeAsync(200);
    o.box.put(2, '北京', 500);
    expect(JSON.parse(storage.m.get(queueStorageKey(7)) ?? '{}').answers[0].answer).toBe('北京');
    await vi.advanceTimersByTimeAsync(400);
    expect(srv.state.saves).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(srv.state.saves).toBe(1);
    expect(srv.stored.get(2)?.answer).toBe('北京');
  });

  it('holds answers given offline on the device, retries with backoff and sends them all once back', async () => {
    const srv = server();
    const storage = memoryStorage();
    const o = outbox(srv, storage);
    o.box.put(0, 'A');
    await o.box.flushNow();
    srv.state.down = true;
    o.box.event('offline');
    o.box.put(1, ['A', 'C']);
    o.box.put(2, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(o.last()).toMatchObject({ failing: true });
    expect([...o.last().unsent]).toEqual([1, 2]);
    // a reload now would find them on the device
    expect(JSON.parse(storage.m.get(queueStorageKey(7)) ?? '{}').answers).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000); // three more failed tries
    srv.state.down = false;
    o.box.event('online');
    o.box.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(o.last()).toMatchObject({ failing: false, unsentEvents: 0 });
    expect(o.last().unsent.size).toBe(0);
    expect([...srv.stored.keys()].sort()).toEqual([0, 1, 2]);
    expect(srv.events.map((e) => e.kind)).toEqual(['offline', 'online']);
  });

  it('resumes after a reload with the unsent answers of the device, numbered after the server', async () => {
    const srv = server();
    const storage = memoryStorage();
    const first = outbox(srv, storage);
    first.box.put(0, 'A');
    await first.box.flushNow();
    srv.state.down = true;
    first.box.put(0, 'B');
    first.box.put(3, ['甲']);
    await vi.advanceTimersByTimeAsync(0);
    first.box.stop(); // the page is reloaded (or the phone crashed)

    srv.state.down = false;
    const second = outbox(srv, storage);
    const merged = second.box.merge([...srv.stored.values()]);
    expect(merged.answers.get(0)?.answer).toBe('B');
    expect(merged.answers.get(3)?.answer).toEqual(['甲']);
    await second.box.flushNow();
    expect(srv.stored.get(0)).toEqual({ position: 0, answer: 'B', clientSeq: 2 });
    expect(srv.stored.get(3)?.answer).toEqual(['甲']);
  });

  it('leaves the device to the page opened next when it is left with a save on the way', async () => {
    const srv = server();
    const storage = memoryStorage();
    const first = outbox(srv, storage);
    first.box.put(0, 'A'); // on the way…
    first.box.stop(); // …as the page goes
    const second = outbox(srv, storage);
    second.box.merge([]);
    second.box.put(1, true);
    await vi.advanceTimersByTimeAsync(0);
    await second.box.flushNow();
    // the first page's late answer did not overwrite what the second one keeps
    expect(storage.m.get(queueStorageKey(7))).toBe(JSON.stringify({ answers: [], events: [], seqs: { 0: 1, 1: 1 } }));
    expect([...srv.stored.keys()].sort()).toEqual([0, 1]);
  });

  it('stops and hands over when the server says the time is up', async () => {
    const srv = server();
    const o = outbox(srv, memoryStorage());
    srv.state.closed = true;
    o.box.put(0, 'A');
    await vi.advanceTimersByTimeAsync(0);
    expect(o.closed).toHaveBeenCalledWith(expect.objectContaining({ code: 'EXAM_TIME_UP' }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(srv.state.saves).toBe(0);
  });

  it('forgets the attempt on the device once it is submitted', async () => {
    const srv = server();
    const storage = memoryStorage();
    const o = outbox(srv, storage);
    srv.state.down = true;
    o.box.put(0, 'A');
    await vi.advanceTimersByTimeAsync(0);
    expect(storage.m.has(queueStorageKey(7))).toBe(true);
    o.box.finish();
    expect(storage.m.has(queueStorageKey(7))).toBe(false);
  });
});
