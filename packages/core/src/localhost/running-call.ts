/**
 * The call a pool thread is running, in memory shared with the process that supervises it: the
 * thread writes it at each call's start and end (no message), the supervisor reads it on a timer
 * to report `init` for long calls and to end a call over its timeout — even a synchronous loop.
 */
export interface RunningCallInfo {
  /** The call's token (as the client numbered it); 0 when the thread is idle. */
  token: number;
  start: number;
  deadline: number;
  timeoutSec: number;
}

export class RunningCall {
  /** [0]: a sequence number, odd while the thread writes. */
  private readonly lock: Int32Array;
  /** token, start, deadline, timeoutSec. */
  private readonly fields: Float64Array;

  constructor(readonly buffer = new SharedArrayBuffer(40)) {
    this.lock = new Int32Array(buffer, 0, 2);
    this.fields = new Float64Array(buffer, 8, 4);
  }

  enter(token: number, start: number, timeoutSec: number): void {
    Atomics.add(this.lock, 0, 1);
    this.fields[0] = token;
    this.fields[1] = start;
    this.fields[2] = start + timeoutSec * 1000;
    this.fields[3] = timeoutSec;
    Atomics.add(this.lock, 0, 1);
  }

  leave(): void {
    Atomics.add(this.lock, 0, 1);
    this.fields[0] = 0;
    Atomics.add(this.lock, 0, 1);
  }

  /** A consistent reading, or undefined when idle (or mid-write: the next reading will do). */
  read(): RunningCallInfo | undefined {
    const before = Atomics.load(this.lock, 0);
    if (before % 2 === 1) return undefined;
    const info = this.peek();
    return Atomics.load(this.lock, 0) === before ? info : undefined;
  }

  /** The last values written, for a thread that is gone. */
  peek(): RunningCallInfo | undefined {
    const [token, start, deadline, timeoutSec] = this.fields as unknown as number[];
    return token ? { token: token!, start: start!, deadline: deadline!, timeoutSec: timeoutSec! } : undefined;
  }
}
