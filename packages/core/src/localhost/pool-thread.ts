/**
 * A localhost call thread: takes invocations straight from the client over a local socket, runs
 * their calls one at a time through the shared worker runtime, and sends each status back the
 * same way. Its process (pool-process.ts) watches it through shared memory and ends it on a
 * timeout; its heap limit is the thread's own.
 */
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { abortCall, loadFunction, ownResult, runCall, threadStorage } from '../worker/call-exec.js';
import type { CallRequest } from '../worker/call-messages.js';
import type { CallRunner } from '../worker/call-threads.js';
import { ensureBundle, runInvocation, type WorkerEnv } from '../worker/run-invocation.js';
import { FrameReader, FrameWriter } from './frames.js';
import type { FromPoolThread, PoolThreadData, ToPoolThread } from './pool-messages.js';
import { RunningCall } from './running-call.js';

const data = workerData as PoolThreadData;
const running = new RunningCall(data.running);
const socket = connect({
  path: data.socketPath,
  // Reads land in one buffer, without the stream machinery; each is copied out for the reader.
  onread: {
    buffer: Buffer.allocUnsafe(64 * 1024),
    callback: (n, buf) => {
      reader.push(Buffer.from(buf.subarray(0, n)));
      return true;
    },
  },
});
const writer = new FrameWriter();
const send = (m: FromPoolThread) => socket.write(writer.encode(m));

/** Token of each call of the invocation being run, by call id. */
let tokens = new Map<string, number>();
let seq = 0;
let chain: Promise<unknown> = Promise.resolve();

/** Runs calls here, in order; the shared RunningCall lets the process time them. */
const runner: CallRunner = {
  run(req, timeoutSec, _memoryMb, signal, onStart) {
    const token = tokens.get(req.callId) ?? 0;
    const msg: CallRequest = { type: 'call', seq: ++seq, ...req };
    const outcome = chain.then(async () => {
      const start = Date.now();
      running.enter(token, start, timeoutSec);
      onStart?.(start);
      const onAbort = () => abortCall(msg.seq);
      signal?.addEventListener('abort', onAbort, { once: true });
      const reply = await runCall(msg);
      running.leave();
      signal?.removeEventListener('abort', onAbort);
      ownResult(reply);
      return reply;
    });
    chain = outcome;
    return outcome;
  },
};

const env: WorkerEnv = {
  workerId: data.workerId,
  storage: threadStorage()!,
  threads: runner,
  // `init` of long calls is reported by the supervising process (a busy thread cannot).
  sink: {
    init: () => {},
    status: (jobKey, status) => {
      send({ t: 'status', jobKey, status });
      // Calls run back to back without returning to the event loop, which alone writes out what
      // the socket did not take at once (a large result): let it, before the next call starts.
      if (socket.writableLength > 0) return new Promise((r) => setImmediate(r));
    },
  },
  bundleDir: data.bundleDir,
  cacheCallData: true,
};

const queue: Extract<ToPoolThread, { t: 'invoke' }>['items'] = [];
const cancelled = new Set<string>();
let draining = false;

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  while (queue.length > 0) {
    const item = queue.shift()!;
    // The client counts statuses to know an invocation is over; a skipped one is said so.
    if (cancelled.has(item.payload.jobKey)) {
      send({ t: 'skipped', seq: item.seq });
      continue;
    }
    tokens = new Map(item.payload.calls.map((c, i) => [c.callId, item.firstToken + i]));
    await runInvocation(item.payload, env);
  }
  draining = false;
}

const reader = new FrameReader((m) => {
  const msg = m as ToPoolThread;
  if (msg.t === 'invoke') {
    queue.push(...msg.items);
    void drain();
  } else if (msg.t === 'cancel') cancelled.add(msg.jobKey);
  // A failure here is the first call's to report, when it loads the bundle again.
  else if (msg.t === 'warm')
    ensureBundle(msg.func, msg.bucket, env)
      .then((path) => loadFunction(path, msg.func.sha256))
      .catch(() => {});
});
socket.on('connect', () => {
  send({ t: 'hello', nonce: data.nonce, procId: data.procId, memoryMb: data.memoryMb, gen: data.gen });
  parentPort!.postMessage({ type: 'connected' });
});
// Once the socket closes (the client is gone) the thread has nothing left to do and ends.
socket.on('error', () => {});
