import { LithopsError } from '../errors.js';
import type { JobState } from '../job/job-state.js';
import type { ComputeBackend } from '../plugin/compute-backend.js';
import type { Logger } from '../util/logger.js';
import { withRetries } from '../util/retry.js';
import type { ServerlessSettings } from './config.js';
import { InvocationSender, type JobInvocations, THROTTLE_RETRY } from './invocation-sender.js';
import { fitPayload, type RemoteInvokerPayload } from './payload.js';

export interface InvokeJobOptions extends Omit<JobInvocations, 'maxPayloadBytes'> {
  compute: ComputeBackend;
  job: JobState;
  /** The backend section (shared serverless keys) and `lithops.max_workers`. */
  settings: ServerlessSettings;
  lithopsMaxWorkers?: number;
  log: Logger;
}

/** What one job's dispatch did: for tests and benchmarks. */
export interface InvokeReport {
  invocations: number;
  /** Requests the client sent (1 with the remote invoker). */
  requests: number;
  throttled: number;
  remote: boolean;
  /** Resolves when every invocation was sent (or the job stopped). */
  allSent: Promise<void>;
}

/** Invocations in flight at most: the backend section, then `lithops.max_workers`, then the limit. */
function maxWorkersOf(o: Pick<InvokeJobOptions, 'compute' | 'settings' | 'lithopsMaxWorkers'>): number {
  return o.settings.max_workers ?? o.lithopsMaxWorkers ?? o.compute.limits.maxWorkers;
}

/**
 * Starts a job's invocations on a serverless backend. At most `max_workers` invocations are in
 * flight (sent, and not all of their calls done); up to `invoke_pool_threads` requests are sent at
 * once; throttling is retried with jittered backoff; payloads over the backend's limit go through
 * storage. Resolves once the first wave is sent (so a broken deployment fails `map()`), and keeps
 * sending the rest as calls finish. Large jobs use the remote invoker: one request, the fan-out
 * happens inside the cloud.
 */
export async function invokeJob(o: InvokeJobOptions): Promise<InvokeReport> {
  const job: JobInvocations = { ...o, maxPayloadBytes: o.compute.limits.maxPayloadBytes };
  const sender = new InvocationSender(o.compute, job);
  const n = sender.invocations;
  const remote =
    o.settings.remote_invoker ?? n > (o.settings.remote_invoker_threshold ?? Number.POSITIVE_INFINITY);
  if (remote && n > 1) return invokeRemote(o, job, n);
  return new Dispatcher(o, sender).start();
}

async function invokeRemote(o: InvokeJobOptions, job: JobInvocations, n: number): Promise<InvokeReport> {
  const payload: RemoteInvokerPayload = {
    ...o.base,
    calls: [],
    remoteInvoker: {
      runtime: o.runtime,
      offsets: Array.from({ length: o.count + 1 }, (_, i) => o.offsets[i]!),
      chunksize: o.chunksize,
      poolSize: o.settings.invoke_pool_threads ?? 64,
    },
  };
  o.job.markInvoked(0, o.count, Date.now());
  let throttled = 0;
  try {
    const fitted = await fitPayload(payload, job.maxPayloadBytes, o.storage, [0, o.count]);
    await withRetries(() => o.compute.invoke(o.runtime, fitted), {
      ...THROTTLE_RETRY,
      onRetry: () => {
        throttled++;
      },
    });
  } catch (e) {
    failCalls(o.job, 0, o.count, e);
    throw e;
  }
  o.log.debug(`job ${o.base.jobKey}: ${n} invocations handed to the remote invoker`);
  return { invocations: n, requests: 1 + throttled, throttled, remote: true, allSent: Promise.resolve() };
}

function failCalls(job: JobState, from: number, to: number, e: unknown): void {
  for (let i = from; i < to; i++) {
    if (!job.isDone(i))
      job.fail(
        i,
        LithopsError.isInstance(e) ? e.code : 'INTERNAL',
        `Invoking the call failed: ${(e as Error).message}`,
      );
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Client-side dispatch with an in-flight window of `max_workers` invocations. */
class Dispatcher {
  private next = 0;
  /** Invocations sent (or skipped as cancelled). */
  private settled = 0;
  private active = 0;
  private sending = 0;
  private requests = 0;
  private stopped: unknown;
  /** Calls not done yet per sent invocation (0 = not sent, or finished). */
  private readonly left: Uint32Array;
  private readonly maxWorkers: number;
  private readonly poolSize: number;
  private readonly firstWave: number;
  private off: (() => void) | undefined;
  private readonly first = deferred();
  private readonly all = deferred();

  constructor(
    private readonly o: InvokeJobOptions,
    private readonly sender: InvocationSender,
  ) {
    this.left = new Uint32Array(sender.invocations);
    this.maxWorkers = maxWorkersOf(o);
    this.poolSize = o.settings.invoke_pool_threads ?? 64;
    this.firstWave = Math.min(this.maxWorkers, sender.invocations);
  }

  async start(): Promise<InvokeReport> {
    const { job, chunksize } = this.o;
    this.off = job.onDone((idx) => {
      const inv = Math.floor(idx / chunksize);
      if (this.left[inv]! > 0 && --this.left[inv]! === 0) {
        this.active--;
        this.pump();
      }
    });
    this.pump();
    await this.first.promise;
    const counters = this;
    return {
      invocations: this.sender.invocations,
      get requests() {
        return counters.requests;
      },
      get throttled() {
        return counters.sender.throttled;
      },
      remote: false,
      allSent: this.all.promise,
    };
  }

  private pump(): void {
    const { job } = this.o;
    while (
      this.stopped === undefined &&
      this.next < this.sender.invocations &&
      this.sending < this.poolSize &&
      this.active < this.maxWorkers
    ) {
      const i = this.next++;
      const [from, to] = this.sender.range(i);
      // Cancelled (AbortSignal, close) before it was sent: nothing left to run.
      let pending = 0;
      for (let c = from; c < to; c++) if (!job.isDone(c)) pending++;
      if (pending === 0) {
        this.settled++;
        continue;
      }
      this.left[i] = pending;
      this.active++;
      this.sending++;
      job.markInvoked(from, to, Date.now());
      this.sender.send(i).then(
        () => {
          this.requests++;
          this.sending--;
          this.settled++;
          this.pump();
        },
        (e: unknown) => {
          this.requests++;
          this.sending--;
          this.stop(e, i);
        },
      );
    }
    if (this.settled >= this.firstWave) this.first.resolve();
    if (this.next >= this.sender.invocations && this.sending === 0) this.finish();
  }

  /** A request failed for good: its calls and every unsent one fail with its error. */
  private stop(e: unknown, i: number): void {
    if (this.stopped === undefined) {
      this.stopped = e;
      this.o.log.warn(
        `job ${this.o.base.jobKey}: invoking failed, unsent calls fail: ${(e as Error).message}`,
      );
    }
    const [from, to] = this.sender.range(i);
    failCalls(this.o.job, from, to, e);
    if (this.next < this.sender.invocations)
      failCalls(this.o.job, this.sender.range(this.next)[0], this.o.count, e);
    this.next = this.sender.invocations;
    this.first.reject(e);
    if (this.sending === 0) this.finish();
  }

  private finish(): void {
    this.off?.();
    this.off = undefined;
    this.first.resolve();
    if (this.stopped !== undefined) this.all.reject(this.stopped);
    else this.all.resolve();
  }
}
