/**
 * The sitting page's answers and events not yet acknowledged by the server, as plain data: what is
 * kept on the device (localStorage, keyed by attempt) so a reload, a crash or an hour without network
 * loses nothing. Every change of an answer gets the next `clientSeq` of its position; the server keeps
 * the highest it has seen, so a late resend never overwrites a newer answer. Pure.
 */

/** An answer in paper letters: single "B"; multiple ["A","C"]; true/false; fill-in one text per blank; essay text. */
export type ExamAnswer = string | string[] | boolean | null;
export type ExamEventKind = 'left' | 'returned' | 'offline' | 'online';
export type QuestionKind = 'single' | 'multiple' | 'true_false' | 'fill_in' | 'essay';

export interface SeqAnswer {
  position: number;
  answer: ExamAnswer;
  clientSeq: number;
}

export interface QueuedEvent {
  kind: ExamEventKind;
  clientAt: string;
}

export interface AnswerQueue {
  /** the latest unsent answer of each position, in the order given */
  answers: SeqAnswer[];
  /** events for the invigilator, in order */
  events: QueuedEvent[];
  /** the highest clientSeq used (or seen from the server) per position */
  seqs: Record<string, number>;
}

/** At most this many events are kept (a phone switching apps all day must not fill the storage). */
export const MAX_QUEUED_EVENTS = 100;
/** The server takes at most this many answers in one save (and a paper has at most 300 questions). */
export const MAX_ANSWERS_PER_SAVE = 300;

export function emptyQueue(): AnswerQueue {
  return { answers: [], events: [], seqs: {} };
}

/** The localStorage key of an attempt's queue. */
export function queueStorageKey(attemptId: number): string {
  return `peixun.exam-attempt.${attemptId}.queue`;
}

/** Records a new answer of a position: the next clientSeq, replacing an unsent older answer of it. */
export function enqueueAnswer(q: AnswerQueue, position: number, answer: ExamAnswer): AnswerQueue {
  const clientSeq = (q.seqs[String(position)] ?? 0) + 1;
  return {
    answers: [...q.answers.filter((a) => a.position !== position), { position, answer, clientSeq }],
    events: q.events,
    seqs: { ...q.seqs, [String(position)]: clientSeq },
  };
}

export function enqueueEvent(q: AnswerQueue, kind: ExamEventKind, clientAt: string): AnswerQueue {
  return { ...q, events: [...q.events, { kind, clientAt }].slice(-MAX_QUEUED_EVENTS) };
}

/** Drops the unsent answers the server acknowledged (an answer changed again since stays queued). */
export function acknowledgeAnswers(
  q: AnswerQueue,
  saved: readonly { position: number; clientSeq: number }[],
): AnswerQueue {
  const acked = new Map<number, number>();
  for (const s of saved) acked.set(s.position, Math.max(acked.get(s.position) ?? 0, s.clientSeq));
  const answers = q.answers.filter((a) => a.clientSeq > (acked.get(a.position) ?? -1));
  return answers.length === q.answers.length ? q : { ...q, answers };
}

/** Drops the first `count` events (sent). */
export function acknowledgeEvents(q: AnswerQueue, count: number): AnswerQueue {
  return count <= 0 ? q : { ...q, events: q.events.slice(count) };
}

/** The next answers to send in one save (the server takes 1–300). */
export function nextBatch(q: AnswerQueue): SeqAnswer[] {
  return q.answers.slice(0, MAX_ANSWERS_PER_SAVE);
}

export interface MergedAnswers {
  /** what the page shows per position: the server's answer, or the device's newer one */
  answers: Map<number, SeqAnswer>;
  /** the queue with the answers the server already holds (as new or newer) dropped, its sequence raised */
  queue: AnswerQueue;
}

/**
 * The answers of an attempt opened (again): the server's saved ones, overridden by the device's unsent
 * ones where the device's clientSeq is higher (given offline before a reload); an unsent answer the
 * server holds as new or newer (saved from another device, or sent before the acknowledgement was lost)
 * is dropped, and the next clientSeq of a position follows the highest of both.
 */
export function mergeWithServer(server: readonly SeqAnswer[], q: AnswerQueue): MergedAnswers {
  const answers = new Map<number, SeqAnswer>();
  const seqs = { ...q.seqs };
  for (const s of server) {
    answers.set(s.position, s);
    seqs[String(s.position)] = Math.max(seqs[String(s.position)] ?? 0, s.clientSeq);
  }
  const pending: SeqAnswer[] = [];
  for (const a of q.answers) {
    const saved = answers.get(a.position);
    if (saved && saved.clientSeq >= a.clientSeq) continue;
    answers.set(a.position, a);
    pending.push(a);
  }
  return { answers, queue: { answers: pending, events: q.events, seqs } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAnswer(v: unknown): v is ExamAnswer {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string'))
  );
}

const EVENT_KINDS: readonly string[] = ['left', 'returned', 'offline', 'online'];
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** A stored queue read back; anything unreadable (another version, a hand edit) is dropped, not trusted. */
export function parseQueue(raw: string | null): AnswerQueue {
  if (!raw) return emptyQueue();
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return emptyQueue();
  }
  if (!isRecord(v)) return emptyQueue();
  const answers = Array.isArray(v['answers'])
    ? v['answers'].filter(
        (a): a is SeqAnswer =>
          isRecord(a) && isCount(a['position']) && isCount(a['clientSeq']) && isAnswer(a['answer']),
      )
    : [];
  const events = Array.isArray(v['events'])
    ? v['events'].filter(
        (e): e is QueuedEvent =>
          isRecord(e) &&
          typeof e['kind'] === 'string' &&
          EVENT_KINDS.includes(e['kind']) &&
          typeof e['clientAt'] === 'string',
      )
    : [];
  const seqs: Record<string, number> = {};
  if (isRecord(v['seqs']))
    for (const [k, s] of Object.entries(v['seqs'])) if (/^\d+$/.test(k) && isCount(s)) seqs[k] = s;
  // a queued answer's number is never above its position's sequence
  for (const a of answers) seqs[String(a.position)] = Math.max(seqs[String(a.position)] ?? 0, a.clientSeq);
  return { answers, events: events.slice(-MAX_QUEUED_EVENTS), seqs };
}

export function serializeQueue(q: AnswerQueue): string {
  return JSON.stringify(q);
}

/** Whether an answer counts as given (a blank fill-in or an empty choice does not). */
export function isAnswered(kind: QuestionKind, answer: ExamAnswer | undefined): boolean {
  if (answer === undefined || answer === null) return false;
  switch (kind) {
    case 'single':
    case 'essay':
      return typeof answer === 'string' && answer.trim() !== '';
    case 'multiple':
      return Array.isArray(answer) && answer.length > 0;
    case 'fill_in':
      return Array.isArray(answer) && answer.some((b) => b.trim() !== '');
    case 'true_false':
      return typeof answer === 'boolean';
  }
}

/** The positions (0-based) of the questions without an answer, in order. */
export function unansweredPositions(
  questions: readonly { position: number; kind: QuestionKind }[],
  answers: ReadonlyMap<number, { answer: ExamAnswer }>,
): number[] {
  return questions.filter((q) => !isAnswered(q.kind, answers.get(q.position)?.answer)).map((q) => q.position);
}

/** A multiple-choice answer with one letter switched, in letter order. */
export function toggleLetter(answer: ExamAnswer | undefined, letter: string): string[] {
  const current = Array.isArray(answer) ? answer : [];
  const next = current.includes(letter) ? current.filter((l) => l !== letter) : [...current, letter];
  return next.sort();
}

/** A fill-in answer with one blank changed (the others kept; missing blanks are empty). */
export function setBlank(answer: ExamAnswer | undefined, blanks: number, index: number, text: string): string[] {
  const current = Array.isArray(answer) ? answer : [];
  return Array.from({ length: Math.max(blanks, index + 1) }, (_, i) => (i === index ? text : (current[i] ?? '')));
}

/** Milliseconds to wait before the n-th retry (1, 2, 4, 8 … s, at most 30 s). */
export function retryDelay(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * How far the server's clock is ahead of the device's (ms), from the server's time in an answer and
 * the device's time when the answer arrived; the deadline is then read on the server's clock.
 */
export function clockOffset(serverNow: string, deviceNowMs: number): number {
  const s = Date.parse(serverNow);
  return Number.isNaN(s) ? 0 : s - deviceNowMs;
}

/** Milliseconds left before the deadline on the server's clock (never below 0). */
export function timeLeft(deadlineAt: string, offsetMs: number, deviceNowMs: number): number {
  return Math.max(0, Date.parse(deadlineAt) - (deviceNowMs + offsetMs));
}

/** `mm:ss`, or `h:mm:ss` from an hour up; rounded up so 00:00 is shown only when the time is up. */
export function countdownText(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}
