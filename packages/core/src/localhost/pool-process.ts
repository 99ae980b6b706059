/**
 * A localhost worker process: starts and supervises the call threads (one per heap limit) that
 * run its calls. The threads exchange invocations and statuses with the client themselves; this
 * process watches them through shared memory — reporting `init` for long calls and ending a call
 * over its timeout — and reports a thread that ended (timeout, out of memory, exit) over IPC.
 */
import { Worker } from 'node:worker_threads';
import type { LithopsErrorCode } from '../errors.js';
import type { FromPoolProcess, PoolInit, PoolThreadData, ToPoolProcess } from './pool-messages.js';
import { RunningCall } from './running-call.js';

// A client that exited (even with process.exit()) takes the channel with it: what is still
// reported then goes nowhere, quietly (the callback takes the EPIPE an 'error' event would throw).
const send = (m: FromPoolProcess) => {
  if (process.connected) process.send!(m, undefined, undefined, () => {});
};
// The client is gone: nothing can receive our results.
process.on('disconnect', () => process.exit(0));

// One file with all it imports (build.mjs), so a thread starts fast.
const THREAD_SCRIPT = new URL('./pool-thread.bundle.js', import.meta.url);
/** A call's `init` is reported only if it is still running after this long (short calls: none). */
const INIT_REPORT_DELAY_MS = 20;
/** How often running calls are looked at (timeout precision and `init` delay). */
const WATCH_MS = 10;

interface Thread {
  worker: Worker;
  memoryMb: number;
  gen: number;
  running: RunningCall;
  connected: boolean;
  ended: boolean;
  /** Token of the last call whose `init` was reported. */
  initSent: number;
  error?: { code: LithopsErrorCode; name: string; message: string; stack?: string };
}

let init: PoolInit | undefined;
const threads = new Map<number, Thread>();
const gens = new Map<number, number>();

function startThread(memoryMb: number): void {
  const cfg = init!;
  const gen = (gens.get(memoryMb) ?? 0) + 1;
  gens.set(memoryMb, gen);
  const running = new RunningCall();
  const workerData: PoolThreadData = {
    storageConfig: cfg.storageConfig,
    procId: cfg.procId,
    workerId: cfg.workerId,
    bundleDir: cfg.bundleDir,
    socketPath: cfg.socketPath,
    nonce: cfg.nonce,
    memoryMb,
    gen,
    running: running.buffer,
  };
  const worker = new Worker(THREAD_SCRIPT, {
    workerData,
    resourceLimits:
      memoryMb > 0
        ? {
            maxOldGenerationSizeMb: memoryMb,
            maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(memoryMb / 8))),
          }
        : undefined,
    stdout: false,
    stderr: false,
  });
  const t: Thread = { worker, memoryMb, gen, running, connected: false, ended: false, initSent: 0 };
  threads.set(memoryMb, t);
  worker.on('message', (m: { type: string }) => {
    if (m.type === 'connected') t.connected = true;
  });
  worker.on('error', (e: Error & { code?: string }) => {
    t.error ??=
      e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? {
            code: 'OUT_OF_MEMORY',
            name: 'OutOfMemoryError',
            message: `The call ran out of memory: its heap limit is ${memoryMb} MB (runtimeMemory).`,
          }
        : // An exception thrown outside the call's promise chain (a timer callback, an emitter).
          { code: 'FUNCTION_ERROR', name: e.name, message: e.message, stack: e.stack };
  });
  worker.on('exit', (code) => {
    ended(
      t,
      t.error ?? {
        code: 'WORKER_DIED',
        name: 'WorkerDied',
        message: `The call thread exited with code ${code} before the call ended (did the function call process.exit()?).`,
      },
    );
  });
}

/** Reports the end of a thread (and the call it was running), and starts its successor. */
function ended(t: Thread, why: NonNullable<Thread['error']>): void {
  if (t.ended) return;
  t.ended = true;
  void t.worker.terminate();
  if (!t.connected) {
    send({ type: 'init-failed', message: why.message });
    return;
  }
  const { code, ...error } = why;
  const token = t.running.peek()?.token ?? 0;
  send({ type: 'thread-ended', memoryMb: t.memoryMb, gen: t.gen, token, code, error });
  if (threads.get(t.memoryMb) === t) startThread(t.memoryMb);
}

function watch(): void {
  const now = Date.now();
  for (const t of threads.values()) {
    if (t.ended) continue;
    const r = t.running.read();
    if (!r) continue;
    if (now >= r.deadline) {
      ended(t, {
        code: 'TIMEOUT',
        name: 'TimeoutError',
        message: `The call did not finish within its timeout of ${r.timeoutSec} s.`,
      });
    } else if (t.initSent !== r.token && now - r.start >= INIT_REPORT_DELAY_MS) {
      t.initSent = r.token;
      send({ type: 'init', memoryMb: t.memoryMb, gen: t.gen, token: r.token, at: r.start });
    }
  }
}

process.on('message', (m: ToPoolProcess) => {
  if (m.type === 'init') {
    init = m;
    startThread(0);
    setInterval(watch, WATCH_MS).unref();
  } else if (m.type === 'slot' && !threads.has(m.memoryMb)) startThread(m.memoryMb);
});
