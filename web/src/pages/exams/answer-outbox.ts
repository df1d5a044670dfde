import { ApiError, isApiError } from '../../api/client';
import {
  acknowledgeAnswers,
  acknowledgeEvents,
  type AnswerQueue,
  type ExamAnswer,
  type ExamEventKind,
  emptyQueue,
  enqueueAnswer,
  enqueueEvent,
  type MergedAnswers,
  mergeWithServer,
  nextBatch,
  parseQueue,
  type QueuedEvent,
  queueStorageKey,
  retryDelay,
  type SeqAnswer,
  serializeQueue,
} from './answer-queue';

export interface SaveAck {
  saved: { position: number; clientSeq: number }[];
  serverNow: string;
  deadlineAt: string;
}

/** What the sitting page shows of the outbox: the unsent answers and whether the network failed. */
export interface OutboxStatus {
  /** positions whose latest answer the server has not acknowledged */
  unsent: ReadonlySet<number>;
  unsentEvents: number;
  /** the last try failed for want of network (or of the server): the answers wait on the device */
  failing: boolean;
  sending: boolean;
}

/** The part of localStorage the outbox uses (null: the browser keeps none, e.g. private mode full). */
export type QueueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;

export interface OutboxOptions {
  attemptId: number;
  storage: QueueStorage;
  save: (answers: SeqAnswer[]) => Promise<SaveAck>;
  sendEvent: (event: QueuedEvent) => Promise<void>;
  onStatus: (status: OutboxStatus) => void;
  /** every save's answer carries the server's clock and the deadline */
  onServerTime: (serverNow: string, deadlineAt: string) => void;
  /** the attempt takes no more answers (time up, submitted elsewhere): the page goes to the result */
  onClosed: (error: ApiError) => void;
}

/** The attempt is over: the server has submitted it (time up) or it was submitted already. */
export function isAttemptClosed(err: unknown): err is ApiError {
  return isApiError(err, 'EXAM_TIME_UP') || isApiError(err, 'EXAM_ATTEMPT_CLOSED');
}

/**
 * The sitting page's outbox. Every answer is written to the device first (localStorage, at once, every
 * change) and then sent; the server's acknowledgement removes it. A failed send is tried again after
 * 1, 2, 4 … 30 s, and at once when the browser says it is online again; the answers of a reload are
 * read back from the device and merged with the server's (`mergeWithServer`). Text answers are sent
 * after a pause in typing (`put` with a delay) but kept on the device at every keystroke.
 */
export class AnswerOutbox {
  private queue: AnswerQueue;
  private sending = false;
  private again = false;
  private failures = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private debounceTimer: ReturnType<typeof setTimeout> | undefined;
  private idle: Array<() => void> = [];

  constructor(private readonly o: OutboxOptions) {
    this.queue = parseQueue(read(o.storage, queueStorageKey(o.attemptId)));
  }

  /** Merges the server's saved answers with the device's unsent ones (the page's answers after a load). */
  merge(server: readonly SeqAnswer[]): MergedAnswers {
    const merged = mergeWithServer(server, this.queue);
    this.queue = merged.queue;
    this.persist();
    return merged;
  }

  /** Records an answer and sends it now, or after `delayMs` without another change (typing). */
  put(position: number, answer: ExamAnswer, delayMs = 0): SeqAnswer {
    this.queue = enqueueAnswer(this.queue, position, answer);
    this.persist();
    clearTimeout(this.debounceTimer);
    if (delayMs > 0) this.debounceTimer = setTimeout(() => this.kick(), delayMs);
    else this.kick();
    const queued = this.queue.answers.at(-1) as SeqAnswer;
    return queued;
  }

  /** Records an event for the invigilator; sent with the answers (so an 'offline' one once back online). */
  event(kind: ExamEventKind, clientAt = new Date().toISOString()): void {
    this.queue = enqueueEvent(this.queue, kind, clientAt);
    this.persist();
    this.kick();
  }

  /** The network is back (the browser's `online`): try at once, whatever the backoff said. */
  retryNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.flush();
  }

  /** Sends everything now (a debounced text too) and resolves when the outbox is idle; true if all went. */
  async flushNow(): Promise<boolean> {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.sending) {
      this.again = true;
      await new Promise<void>((resolve) => this.idle.push(resolve));
    } else await this.flush();
    return this.queue.answers.length === 0 && this.failures === 0;
  }

  /** The answers not yet acknowledged (sent with a submit). */
  unsentAnswers(): SeqAnswer[] {
    return [...this.queue.answers];
  }

  status(): OutboxStatus {
    return {
      unsent: new Set(this.queue.answers.map((a) => a.position)),
      unsentEvents: this.queue.events.length,
      failing: this.failures > 0,
      sending: this.sending,
    };
  }

  /** The attempt is submitted: nothing more is sent and the device forgets it. */
  finish(): void {
    this.stop();
    this.queue = emptyQueue();
    try {
      this.o.storage?.removeItem(queueStorageKey(this.o.attemptId));
    } catch {
      // a storage that cannot be written holds nothing to forget
    }
  }

  /** The page goes away: timers stop, the device keeps what is unsent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.debounceTimer);
  }

  private kick(): void {
    // while failing, the backoff (or the browser's `online`) decides when to try again
    if (this.retryTimer !== undefined) {
      this.emit();
      return;
    }
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    this.emit();
    let failed = false;
    try {
      for (let batch = nextBatch(this.queue); batch.length > 0 && !this.stopped; batch = nextBatch(this.queue)) {
        const ack = await this.o.save(batch);
        if (this.stopped) break;
        this.queue = acknowledgeAnswers(this.queue, ack.saved);
        // an answer the server did not list is taken as saved too, or it would be resent for ever
        this.queue = acknowledgeAnswers(this.queue, batch);
        this.persist();
        this.o.onServerTime(ack.serverNow, ack.deadlineAt);
      }
      while (this.queue.events.length > 0 && !this.stopped) {
        await this.o.sendEvent(this.queue.events[0] as QueuedEvent);
        this.queue = acknowledgeEvents(this.queue, 1);
        this.persist();
      }
      this.failures = 0;
    } catch (err) {
      if (isAttemptClosed(err)) {
        this.stop();
        this.sending = false;
        this.emit();
        this.o.onClosed(err);
        this.release();
        return;
      }
      failed = true;
      this.failures += 1;
      if (!this.stopped) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          void this.flush();
        }, retryDelay(this.failures));
      }
    }
    this.sending = false;
    if (this.again && !failed && !this.stopped) {
      this.again = false;
      await this.flush();
      return;
    }
    this.again = false;
    this.emit();
    this.release();
  }

  private release(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  private persist(): void {
    // a stopped outbox (the page left) must not overwrite what the next one of the attempt keeps
    if (this.stopped) return;
    try {
      this.o.storage?.setItem(queueStorageKey(this.o.attemptId), serializeQueue(this.queue));
    } catch {
      // storage full or refused: the answers are still held in memory and sent
    }
  }

  private emit(): void {
    if (this.stopped) return;
    this.o.onStatus(this.status());
  }
}

function read(storage: QueueStorage, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** A network failure (no answer, or the server or its database down) rather than a refusal. */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 0 || err.status === 429 || err.status >= 500);
}
