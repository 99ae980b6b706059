/**
 * A localhost worker process: runs invocations one after another through the shared worker
 * runtime, and reports call events to the client over IPC (no per-call files).
 */
import { createWorkerEnv } from '../worker/environment.js';
import { runInvocation, type WorkerEnv } from '../worker/run-invocation.js';
import type { StatusSink } from '../worker/status-sink.js';
import type { FromPoolProcess, PoolInit, ToPoolProcess } from './pool-messages.js';

const send = (m: FromPoolProcess) => process.send!(m);
// The client is gone: nothing can receive our results.
process.on('disconnect', () => process.exit(0));

/**
 * A call's `init` is reported only if it is still running after this long: short calls then cost
 * one message (their status, which carries the start time), long ones still show as Running.
 */
const INIT_REPORT_DELAY_MS = 20;
const pendingInits = new Map<string, NodeJS.Timeout>();

const sink: StatusSink = {
  init: (jobKey, callId, at) => {
    const key = `${jobKey}/${callId}`;
    pendingInits.set(
      key,
      setTimeout(() => {
        pendingInits.delete(key);
        send({ type: 'event', event: { type: 'init', jobKey, callId, workerId: env!.workerId, at } });
      }, INIT_REPORT_DELAY_MS),
    );
  },
  status: (jobKey, status) => {
    const key = `${jobKey}/${status.callId}`;
    clearTimeout(pendingInits.get(key));
    pendingInits.delete(key);
    send({ type: 'event', event: { type: 'status', jobKey, status } });
  },
};

let env: WorkerEnv | undefined;
const queue: Extract<ToPoolProcess, { type: 'invoke' }>['items'] = [];
const cancelled = new Set<string>();
let running = false;

async function init(m: PoolInit): Promise<void> {
  try {
    env = await createWorkerEnv({
      workerId: m.workerId,
      storageConfig: m.storageConfig,
      bundleDir: m.bundleDir,
      sink,
      cacheCallData: true,
    });
    send({ type: 'ready' });
    void drain();
  } catch (e) {
    send({ type: 'init-failed', message: (e as Error).message });
  }
}

/** Invocations in progress at once: the next one's calls queue behind the current one's. */
const CONCURRENT_INVOCATIONS = 8;

async function drain(): Promise<void> {
  if (running || !env) return;
  running = true;
  const active: Promise<void>[] = [];
  while (queue.length > 0 || active.length > 0) {
    while (queue.length > 0 && active.length < CONCURRENT_INVOCATIONS) {
      const m = queue.shift()!;
      // The client counts statuses to know an invocation is over; a skipped one is said so.
      if (cancelled.has(m.payload.jobKey)) send({ type: 'skipped', seq: m.seq });
      else active.push(runInvocation(m.payload, env));
    }
    if (active.length > 0) await active.shift();
  }
  running = false;
}

process.on('message', (m: ToPoolProcess) => {
  if (m.type === 'init') void init(m);
  else if (m.type === 'invoke') {
    queue.push(...m.items);
    void drain();
  } else if (m.type === 'cancel') cancelled.add(m.jobKey);
});
