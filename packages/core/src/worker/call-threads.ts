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

interface Slot {
  worker: Worker;
  calls: number;
}

/** Recycle a thread after this many calls, so module caches and leaks cannot grow forever. */
const RECYCLE_AFTER_CALLS = 10_000;

/**
 * Warm call threads, one per heap limit, each running one call at a time. A call over its
 * timeout has its thread terminated (TIMEOUT); a call over its heap limit ends its thread
 * (OUT_OF_MEMORY); the host survives both and starts a fresh thread for the next call.
 */
export class CallThreads {
  private slots = new Map<number, Slot>();
  private seq = 0;

  constructor(
    private readonly script: URL,
    private readonly data: CallThreadData,
  ) {}

  private slot(memoryMb: number): Slot {
    let s = this.slots.get(memoryMb);
    if (!s || s.calls >= RECYCLE_AFTER_CALLS) {
      if (s) void s.worker.terminate();
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
      s = { worker, calls: 0 };
      this.slots.set(memoryMb, s);
    }
    return s;
  }

  /** Starts the thread for this heap limit ahead of its first call. */
  warm(memoryMb = 0): void {
    this.slot(memoryMb);
  }

  /** Runs one call; never rejects: every failure is an outcome. */
  run(
    req: Omit<CallRequest, 'type' | 'seq'>,
    timeoutSec: number,
    memoryMb = 0,
    signal?: AbortSignal,
  ): Promise<CallOutcome> {
    const s = this.slot(memoryMb);
    s.calls++;
    const seq = ++this.seq;
    const started = Date.now();
    const { worker } = s;
    return new Promise<CallOutcome>((resolve) => {
      let finished = false;
      const fail = (code: LithopsErrorCode, name: string, message: string) => {
        const now = Date.now();
        finish({ type: 'failed', code, error: { name, message }, fnStart: started, fnEnd: now, output: '' });
      };
      const onMessage = (m: CallReply) => {
        if (m.seq === seq) finish(m);
      };
      const onError = (e: Error & { code?: string }) => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          fail(
            'OUT_OF_MEMORY',
            'OutOfMemoryError',
            `The call ran out of memory: its heap limit is ${memoryMb} MB (runtimeMemory).`,
          );
        } else {
          // An exception thrown outside the call's promise chain (a timer callback, an emitter).
          finish({
            type: 'failed',
            code: 'FUNCTION_ERROR',
            error: { name: e.name, message: e.message, stack: e.stack },
            fnStart: started,
            fnEnd: Date.now(),
            output: '',
          });
        }
      };
      const onExit = (code: number) =>
        fail(
          'WORKER_DIED',
          'WorkerDied',
          `The call thread exited with code ${code} before the call ended (did the function call process.exit()?).`,
        );
      const timer = setTimeout(() => {
        fail('TIMEOUT', 'TimeoutError', `The call did not finish within its timeout of ${timeoutSec} s.`);
      }, timeoutSec * 1000);
      const onAbort = () => worker.postMessage({ type: 'abort' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (o: CallOutcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
        if (o.type === 'failed') {
          // The thread is gone or stuck: drop it; the next call gets a fresh one.
          if (this.slots.get(memoryMb)?.worker === worker) this.slots.delete(memoryMb);
          void worker.terminate();
        }
        resolve(o);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.ref();
      const msg: CallRequest = { type: 'call', seq, ...req };
      worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    const all = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}
