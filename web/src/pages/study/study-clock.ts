import { ApiError } from '../../api/client';
import type { HeartbeatAck, HeartbeatBody } from '../../api/study-session.api';

/** What the page is doing at a moment: where the media (or the reading clock) is, and whether it is studied. */
export interface ClockState {
  position: number;
  rate: number;
  visible: boolean;
  focused: boolean;
  playing: boolean;
}

export interface StudyClockOptions {
  /** sends one heartbeat (the server answers with the presence check due, if any) */
  send: (body: HeartbeatBody, keepalive: boolean) => Promise<HeartbeatAck>;
  read: () => ClockState;
  periodSeconds: number;
  onPresence: (nonce: string) => void;
  /** the session can take no more heartbeats (ended elsewhere): the page should start a new one */
  onEnded: () => void;
  /** heartbeats are waiting to be sent (no network): shown to the teacher */
  onBacklog?: (waiting: number) => void;
}

/**
 * The study page's side of the heartbeats. An interval runs from one heartbeat to the next and is
 * described by the state that held throughout it: any change (shown or hidden, focus, play or pause,
 * a seek, the speed) closes it at once with a heartbeat, and one is sent every period anyway. The
 * heartbeats are numbered and sent in order; one not answered (no network) is sent again under its
 * number until it is, so none is lost and none counts twice. The server decides what they are worth.
 */
export class StudyClock {
  private seq = 0;
  private from = 0;
  private state: ClockState;
  private outbox: HeartbeatBody[] = [];
  private sending = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly o: StudyClockOptions) {
    this.state = o.read();
    this.from = this.state.position;
  }

  start(): void {
    this.timer = setInterval(() => this.beat(), this.o.periodSeconds * 1000);
  }

  /**
   * Closes the interval: `to` is where it ended (a seek reports the position before the jump), and the
   * next one starts at `nextFrom` (the position after it) with the state now.
   */
  beat(opts: { to?: number; nextFrom?: number; presenceAnswer?: string; keepalive?: boolean } = {}): void {
    if (this.stopped) return;
    const now = this.o.read();
    const to = opts.to ?? now.position;
    this.outbox.push({
      seq: this.seq++,
      from: round(Math.max(0, this.from)),
      to: round(Math.max(0, to)),
      rate: this.state.rate,
      visible: this.state.visible,
      focused: this.state.focused,
      playing: this.state.playing,
      presenceAnswer: opts.presenceAnswer ?? null,
    });
    this.from = opts.nextFrom ?? now.position;
    this.state = now;
    void this.flush(opts.keepalive ?? false);
  }

  /** The last interval, then no more (the page is left). */
  stop(keepalive = false): void {
    if (this.stopped) return;
    this.beat({ keepalive });
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** heartbeats not yet acknowledged */
  get waiting(): number {
    return this.outbox.length;
  }

  /** Sends what waits, in order, until one fails; then again a little later. */
  async flush(keepalive = false): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.outbox.length > 0) {
        const body = this.outbox[0]!;
        try {
          const ack = await this.o.send(body, keepalive);
          this.outbox.shift();
          if (ack.presence) this.o.onPresence(ack.presence.nonce);
        } catch (e) {
          if (e instanceof ApiError && e.code === 'STUDY_SESSION_ENDED') {
            this.outbox = [];
            this.stopped = true;
            if (this.timer) clearInterval(this.timer);
            this.o.onEnded();
            return;
          }
          if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) {
            // refused as malformed: sending it again would not help
            this.outbox.shift();
            continue;
          }
          this.o.onBacklog?.(this.outbox.length);
          if (!this.retry)
            this.retry = setTimeout(() => {
              this.retry = undefined;
              void this.flush();
            }, 5_000);
          return;
        }
      }
      this.o.onBacklog?.(0);
    } finally {
      this.sending = false;
    }
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
