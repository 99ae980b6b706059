import { Worker } from 'node:worker_threads';
import type { LithopsErrorCode } from '../errors.js';
import type { CallReply, CallRequest, CallThreadData } from './call-messages.js';
import type { RemoteErrorData } from './status.js';

/** How one call ended, as seen by the host of its thread. */
export type CallOutcome =
  | CallReply
  | {
      type: 'failed';
      code: LithopsErrorCode;
      error: RemoteErrorData;
      fnStart: number;
      fnEnd: number;
      output: string;
    };

interface Pending {
  msg: CallRequest;
  timeoutSec: number;
  memoryMb: number;
  onStart: ((at: number) => void) | undefined;
  resolve: (o: CallOutcome) => void;
  /** Sent to the current thread. */
  posted: boolean;
  startedAt: number;
}

interface Slot {
  memoryMb: number;
  worker: Worker;
  calls: number;
  /** Calls of this thread in order; the head is running, the next few are already posted. */
  queue: Pending[];
  timer: NodeJS.Timeout | undefined;
}

/** Runs calls one at a time, in order, each within its timeout (a call thread, or the thread itself). */
export interface CallRunner {
  /**
   * Queues one call; never rejects: every failure is an outcome. `onStart` is told when the call
   * starts running (its calls before it have ended).
   */
  run(
    req: Omit<CallRequest, 'type' | 'seq'>,
    timeoutSec: number,
    memoryMb?: number,
    signal?: AbortSignal,
    onStart?: (at: number) => void,
  ): Promise<CallOutcome>;
}

/** Recycle a thread after this many calls, so module caches and leaks cannot grow forever. */
const RECYCLE_AFTER_CALLS = 10_000;
/** Calls posted to a thread ahead of the running one, so it never waits on its host between two. */
const POST_AHEAD = 8;

/**
 * Warm call threads, one per heap limit, each running its calls one at a time, in order. A call
 * over its timeout has its thread terminated (TIMEOUT); a call over its heap limit ends its thread
 * (OUT_OF_MEMORY); the host survives both, and the calls queued behind go on in a fresh thread.
 * A call's timeout runs from the moment it becomes the running one.
 */
export class CallThreads implements CallRunner {
  private slots = new Map<number, Slot>();
  private seq = 0;

  constructor(
    private readonly script: URL,
    private readonly data: CallThreadData,
  ) {}

  private newWorker(slot: Slot): Worker {
    const { memoryMb } = slot;
    const resourceLimits =
      memoryMb > 0
        ? {
            maxOldGenerationSizeMb: memoryMb,
            maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(memoryMb / 8))),
          }
        : undefined;
    const worker = new Worker(this.script, {
      workerData: this.data,
      resourceLimits,
      stdout: false,
      stderr: false,
    });
    worker.unref();
    worker.on('message', (m: CallReply) => {
      if (slot.worker !== worker) return;
      const head = slot.queue[0];
      if (!head || head.msg.seq !== m.seq) return;
      clearTimeout(slot.timer);
      slot.queue.shift();
      head.resolve(m);
      this.feed(slot);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (slot.worker !== worker) return;
      const head = slot.queue[0];
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.failHead(
          slot,
          'OUT_OF_MEMORY',
          'OutOfMemoryError',
          `The call ran out of memory: its heap limit is ${head?.memoryMb} MB (runtimeMemory).`,
        );
      } else {
        // An exception thrown outside the call's promise chain (a timer callback, an emitter).
        this.failHead(slot, 'FUNCTION_ERROR', e.name, e.message, e.stack);
      }
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker || slot.queue.length === 0) return;
      this.failHead(
        slot,
        'WORKER_DIED',
        'WorkerDied',
        `The call thread exited with code ${code} before the call ended (did the function call process.exit()?).`,
      );
    });
    return worker;
  }

  private slot(memoryMb: number): Slot {
    let s = this.slots.get(memoryMb);
    if (!s) {
      s = { memoryMb, worker: undefined as unknown as Worker, calls: 0, queue: [], timer: undefined };
      s.worker = this.newWorker(s);
      this.slots.set(memoryMb, s);
    } else if (s.calls >= RECYCLE_AFTER_CALLS && s.queue.length === 0) {
      void s.worker.terminate();
      s.calls = 0;
      s.worker = this.newWorker(s);
    }
    return s;
  }

  /** Fails the running call, replaces the thread, and re-posts the calls that were queued behind. */
  private failHead(slot: Slot, code: LithopsErrorCode, name: string, message: string, stack?: string): void {
    clearTimeout(slot.timer);
    const head = slot.queue.shift();
    const old = slot.worker;
    slot.worker = this.newWorker(slot);
    slot.calls = 0;
    void old.terminate();
    for (const p of slot.queue) p.posted = false;
    if (head) {
      const now = Date.now();
      head.resolve({
        type: 'failed',
        code,
        error: { name, message, stack },
        fnStart: head.startedAt || now,
        fnEnd: now,
        output: '',
      });
    }
    this.feed(slot);
  }

  /** Posts calls ahead, starts the running call's clock, and keeps the thread ref'd while busy. */
  private feed(slot: Slot): void {
    for (let i = 0; i < Math.min(slot.queue.length, POST_AHEAD + 1); i++) {
      const p = slot.queue[i]!;
      if (!p.posted) {
        p.posted = true;
        slot.worker.postMessage(p.msg);
      }
    }
    const head = slot.queue[0];
    if (head && head.startedAt === 0) {
      head.startedAt = Date.now();
      head.onStart?.(head.startedAt);
      const { seq } = head.msg;
      slot.timer = setTimeout(() => {
        if (slot.queue[0]?.msg.seq === seq) {
          this.failHead(
            slot,
            'TIMEOUT',
            'TimeoutError',
            `The call did not finish within its timeout of ${head.timeoutSec} s.`,
          );
        }
      }, head.timeoutSec * 1000);
    }
    if (slot.queue.length > 0) slot.worker.ref();
    else slot.worker.unref();
  }

  /** Starts the thread for this heap limit ahead of its first call. */
  warm(memoryMb = 0): void {
    this.slot(memoryMb);
  }

  /**
   * Queues one call; never rejects: every failure is an outcome. `onStart` is told when the call
   * starts running (its calls before it have ended).
   */
  run(
    req: Omit<CallRequest, 'type' | 'seq'>,
    timeoutSec: number,
    memoryMb = 0,
    signal?: AbortSignal,
    onStart?: (at: number) => void,
  ): Promise<CallOutcome> {
    const slot = this.slot(memoryMb);
    slot.calls++;
    const seq = ++this.seq;
    return new Promise<CallOutcome>((resolve) => {
      const onAbort = () => slot.worker.postMessage({ type: 'abort', seq });
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.queue.push({
        msg: { type: 'call', seq, ...req },
        timeoutSec,
        memoryMb,
        onStart,
        posted: false,
        startedAt: 0,
        resolve: (o) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(o);
        },
      });
      this.feed(slot);
    });
  }

  async close(): Promise<void> {
    const all = [...this.slots.values()];
    this.slots.clear();
    for (const s of all) {
      clearTimeout(s.timer);
      const now = Date.now();
      for (const p of s.queue.splice(0)) {
        p.resolve({
          type: 'failed',
          code: 'WORKER_DIED',
          error: { name: 'WorkerDied', message: 'The worker was closed before the call ended.' },
          fnStart: now,
          fnEnd: now,
          output: '',
        });
      }
    }
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}
