import { describe, expect, it } from 'vitest';
import {
  acknowledgeAnswers,
  acknowledgeEvents,
  clockOffset,
  countdownText,
  emptyQueue,
  enqueueAnswer,
  enqueueEvent,
  isAnswered,
  MAX_QUEUED_EVENTS,
  mergeWithServer,
  parseQueue,
  retryDelay,
  serializeQueue,
  setBlank,
  timeLeft,
  toggleLetter,
  unansweredPositions,
} from './answer-queue';

describe('the queue of unsent answers', () => {
  it('numbers each change of a position one above the last and keeps only the latest unsent one', () => {
    let q = enqueueAnswer(emptyQueue(), 0, 'A');
    q = enqueueAnswer(q, 1, true);
    q = enqueueAnswer(q, 0, 'C');
    expect(q.answers).toEqual([
      { position: 1, answer: true, clientSeq: 1 },
      { position: 0, answer: 'C', clientSeq: 2 },
    ]);
  });

  it('keeps an answer changed while its older version was being sent', () => {
    let q = enqueueAnswer(emptyQueue(), 0, 'A'); // seq 1 sent…
    q = enqueueAnswer(q, 0, 'B'); // …and changed before the answer came
    q = acknowledgeAnswers(q, [{ position: 0, clientSeq: 1 }]);
    expect(q.answers).toEqual([{ position: 0, answer: 'B', clientSeq: 2 }]);
    q = acknowledgeAnswers(q, [{ position: 0, clientSeq: 2 }]);
    expect(q.answers).toEqual([]);
    // the numbering goes on from where it was
    expect(enqueueAnswer(q, 0, 'D').answers[0]?.clientSeq).toBe(3);
  });

  it('keeps events in order, sends them from the front and holds at most the last hundred', () => {
    let q = emptyQueue();
    for (let i = 0; i < MAX_QUEUED_EVENTS + 5; i++) q = enqueueEvent(q, i % 2 ? 'returned' : 'left', `t${i}`);
    expect(q.events).toHaveLength(MAX_QUEUED_EVENTS);
    expect(q.events[0]?.clientAt).toBe('t5');
    expect(acknowledgeEvents(q, 2).events[0]?.clientAt).toBe('t7');
  });

  it('survives being stored and read back, and drops what it cannot read', () => {
    let q = enqueueAnswer(emptyQueue(), 3, ['甲', '']);
    q = enqueueAnswer(q, 4, ['A', 'C']);
    q = enqueueEvent(q, 'offline', '2026-12-07T10:00:00.000Z');
    expect(parseQueue(serializeQueue(q))).toEqual(q);
    expect(parseQueue(null)).toEqual(emptyQueue());
    expect(parseQueue('{not json')).toEqual(emptyQueue());
    expect(
      parseQueue(
        JSON.stringify({
          answers: [
            { position: 1, answer: { x: 1 }, clientSeq: 1 },
            { position: 2, answer: 'B', clientSeq: 4 },
          ],
          events: [{ kind: 'nonsense', clientAt: 'x' }],
          seqs: { 2: 1, x: 3 },
        }),
      ),
    ).toEqual({ answers: [{ position: 2, answer: 'B', clientSeq: 4 }], events: [], seqs: { 2: 4 } });
  });
});

describe('an attempt opened again', () => {
  it("shows the device's unsent answer where it is newer than the server's, and the server's otherwise", () => {
    let q = enqueueAnswer(emptyQueue(), 0, 'A'); // seq 1, sent before the reload
    q = acknowledgeAnswers(q, [{ position: 0, clientSeq: 1 }]);
    q = enqueueAnswer(q, 0, 'B'); // seq 2, given offline
    q = enqueueAnswer(q, 1, true); // seq 1, given offline, but another device saved seq 3 since
    const server = [
      { position: 0, answer: 'A', clientSeq: 1 },
      { position: 1, answer: false, clientSeq: 3 },
      { position: 2, answer: ['x'], clientSeq: 1 },
    ];
    const { answers, queue } = mergeWithServer(server, q);
    expect(answers.get(0)).toEqual({ position: 0, answer: 'B', clientSeq: 2 });
    expect(answers.get(1)).toEqual({ position: 1, answer: false, clientSeq: 3 });
    expect(answers.get(2)?.answer).toEqual(['x']);
    expect(queue.answers).toEqual([{ position: 0, answer: 'B', clientSeq: 2 }]);
    // the next change of position 1 is numbered after the server's
    expect(enqueueAnswer(queue, 1, true).answers.at(-1)?.clientSeq).toBe(4);
  });

  it('starts from the server alone on a device that holds nothing (another phone)', () => {
    const { answers, queue } = mergeWithServer([{ position: 5, answer: 'D', clientSeq: 7 }], emptyQueue());
    expect([...answers.keys()]).toEqual([5]);
    expect(queue.answers).toEqual([]);
    expect(queue.seqs).toEqual({ 5: 7 });
  });
});

describe('answers given', () => {
  it('counts an answer only when something is chosen or written', () => {
    expect(isAnswered('single', 'B')).toBe(true);
    expect(isAnswered('single', '')).toBe(false);
    expect(isAnswered('multiple', [])).toBe(false);
    expect(isAnswered('multiple', ['A'])).toBe(true);
    expect(isAnswered('true_false', false)).toBe(true);
    expect(isAnswered('true_false', null)).toBe(false);
    expect(isAnswered('fill_in', ['', '  '])).toBe(false);
    expect(isAnswered('fill_in', ['', '北京'])).toBe(true);
    expect(isAnswered('essay', '   ')).toBe(false);
    expect(isAnswered('essay', undefined)).toBe(false);
  });

  it('lists the questions left without an answer', () => {
    const questions = [
      { position: 0, kind: 'single' as const },
      { position: 1, kind: 'true_false' as const },
      { position: 2, kind: 'fill_in' as const },
    ];
    const answers = new Map([
      [0, { answer: 'A' }],
      [2, { answer: [''] }],
    ]);
    expect(unansweredPositions(questions, answers)).toEqual([1, 2]);
  });

  it('switches letters of a multiple choice in letter order, and fills one blank keeping the others', () => {
    expect(toggleLetter(undefined, 'C')).toEqual(['C']);
    expect(toggleLetter(['C'], 'A')).toEqual(['A', 'C']);
    expect(toggleLetter(['A', 'C'], 'C')).toEqual(['A']);
    expect(setBlank(undefined, 3, 1, '乙')).toEqual(['', '乙', '']);
    expect(setBlank(['甲', '乙', '丙'], 3, 2, '丁')).toEqual(['甲', '乙', '丁']);
  });
});

describe('time and retries', () => {
  it("reads the deadline on the server's clock, whatever the device's says", () => {
    // the device is 5 minutes slow: its 10:00 is the server's 10:05
    const device = Date.parse('2026-12-07T10:00:00Z');
    const offset = clockOffset('2026-12-07T10:05:00Z', device);
    expect(offset).toBe(300_000);
    expect(timeLeft('2026-12-07T10:35:00Z', offset, device)).toBe(30 * 60_000);
    expect(timeLeft('2026-12-07T10:04:00Z', offset, device)).toBe(0);
    expect(clockOffset('garbage', device)).toBe(0);
  });

  it('shows minutes and seconds, hours from an hour up, and 00:00 only when the time is up', () => {
    expect(countdownText(90 * 60_000)).toBe('1:30:00');
    expect(countdownText(59 * 60_000 + 59_000)).toBe('59:59');
    expect(countdownText(400)).toBe('00:01');
    expect(countdownText(0)).toBe('00:00');
  });

  it('waits 1, 2, 4 … seconds between tries, never more than 30', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelay)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});
