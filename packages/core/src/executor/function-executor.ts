import { randomBytes } from 'node:crypto';
import { CODEC_VERSION, decodeResult } from '../codec/codec.js';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { parseConfig } from '../config/zod-error.js';
import { dataItems } from '../data/expand.js';
import {
  type DataEnv,
  type DataInput,
  type MapReduceOptions,
  mapReduce,
  type ReduceFuture,
  type ReduceFuturesList,
} from '../data/map-reduce.js';
import type { ObjectChunk } from '../data/object-chunk.js';
import type { ObjectsInput } from '../data/objects.js';
import type { DataOptions } from '../data/options.js';
import { LithopsError } from '../errors.js';
import { encodeCallData, type Iterdata } from '../job/call-data.js';
import { FuturesList, ResponseFuture } from '../job/future.js';
import { FutureState, JobState } from '../job/job-state.js';
import type {
  CallEvent,
  CallRef,
  ComputeBackend,
  InvocationPayload,
  RuntimeInfo,
} from '../plugin/compute-backend.js';
import { loadBackendDefinition } from '../plugin/loader.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { invokeJob } from '../serverless/invoker.js';
import { createJobMonitor, type JobMonitor } from '../serverless/job-monitor.js';
import { type ShippedFunction, shipFunction } from '../ship/prepare.js';
import type { CloudObject } from '../storage/cloud-object.js';
import { createStorageBackend } from '../storage/create.js';
import { LazyStorageBackend, whenReady } from '../storage/lazy-backend.js';
import { Storage } from '../storage/storage.js';
import { createLogger, type Logger } from '../util/logger.js';
import { bundleCacheDir } from '../util/paths.js';
import { type Tracked, track } from '../util/tracked.js';
import { callIdOf, keys } from '../worker/keys.js';
import { callError } from './call-error.js';
import {
  ALL_COMPLETED,
  type CallOptions,
  type ExecutorOptions,
  type LithopsFunction,
  type MapOptions,
  type WaitOptions,
} from './options.js';
import { type WaitPlan, waitForFutures } from './waiter.js';

type Mode = 'localhost' | 'serverless' | 'standalone';
const MODE_DEFAULT_BACKEND: Record<Mode, string> = {
  localhost: 'localhost',
  serverless: 'aws_lambda',
  standalone: 'vm',
};
/** Seconds past an invocation's deadline before a silent started call counts as lost. */
const LOST_GRACE_SEC = 10;
/** Call data up to this size travels inside localhost invocations instead of through storage. */
const INLINE_CALL_DATA_BYTES = 2 ** 20;
/** Above this many job folders, clean() lists the executor's folders once instead of each. */
const CLEAN_SCAN_JOBS = 8;
const OWN_OPTIONS = new Set([
  'config',
  'configFile',
  'mode',
  'backend',
  'storage',
  'monitoring',
  'logLevel',
  'closeGraceSec',
]);

interface Backends {
  storage: StorageBackend;
  compute: ComputeBackend;
  mode: 'localhost' | 'serverless' | 'standalone';
  /** Set when the compute backend reports no call events itself. */
  monitor?: JobMonitor;
  section: Record<string, unknown>;
}

type FutureInput<R> = ResponseFuture<R> | readonly ResponseFuture<R>[];

function positive(name: string, v: unknown, integer: boolean): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !(v > 0) || (integer && !Number.isInteger(v)) || !Number.isFinite(v)) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}.`,
    );
  }
}

/**
 * One invocation of a job: its fields written out (a spread of `base` costs more than the whole
 * send of a one-call job on localhost); `satisfies` keeps the list complete.
 */
function invocationPayload(
  base: Omit<InvocationPayload, 'calls'>,
  calls: CallRef[],
  inline: InvocationPayload['inline'],
): InvocationPayload {
  return {
    codecVersion: base.codecVersion,
    executorId: base.executorId,
    jobId: base.jobId,
    jobKey: base.jobKey,
    storage: base.storage,
    func: base.func,
    dataKey: base.dataKey,
    inline,
    extraArgsRange: base.extraArgsRange,
    calls,
    timeoutSec: base.timeoutSec,
    memoryMb: base.memoryMb,
    extraEnv: base.extraEnv,
    maxInlineResultBytes: base.maxInlineResultBytes,
  } satisfies { [K in keyof Required<InvocationPayload>]: unknown };
}

/**
 * Runs functions over inputs on the configured compute backend (localhost by default).
 * Mirrors Lithops' FunctionExecutor; close it with `await using` or `close()`.
 */
export class FunctionExecutor implements AsyncDisposable {
  readonly executorId: string;
  readonly config: LoadedConfig;
  protected readonly log: Logger;
  private backendsP: Promise<Backends> | undefined;
  /** Every job, for clean(); the ones with calls not ended, by key, for their events. */
  private readonly jobs: JobState[] = [];
  private readonly pending = new Map<string, JobState>();
  private readonly lists: FuturesList<unknown>[] = [];
  /** Runtimes deployed, by memory (MB). */
  private readonly runtimes = new Map<number, Tracked<RuntimeInfo>>();
  /** Function bundles uploaded or being uploaded, by content hash. */
  private readonly bundles = new Map<string, { key: string; upload: Tracked<void> }>();
  private jobSeq = 0;
  private storageFacade: Storage | undefined;
  private closed: Promise<void> | undefined;
  private readonly closeGraceSec: number;

  constructor(options: ExecutorOptions = {}) {
    const explicitBackend = options.backend;
    this.config = loadConfig(options);
    const l = this.config.lithops;
    const fileBackend = (this.config.raw.lithops as { backend?: string }).backend;
    if (l.mode && !explicitBackend && !(options.config || fileBackend !== 'localhost'))
      l.backend = MODE_DEFAULT_BACKEND[l.mode];
    const extra = Object.entries(options).filter(([k, v]) => !OWN_OPTIONS.has(k) && v !== undefined);
    if (extra.length > 0) {
      const section = { ...((this.config.raw[l.backend] as Record<string, unknown> | undefined) ?? {}) };
      for (const [k, v] of extra) section[k] = v;
      this.config.raw[l.backend] = section;
    }
    this.closeGraceSec = options.closeGraceSec ?? 10;
    this.log = createLogger(l.log_level);
    this.executorId = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
    // Backends start now (the localhost pool warms up while the caller prepares its first map);
    // an error surfaces at the first call that needs them.
    this.backends().catch(() => {});
  }

  private backends(): Promise<Backends> {
    this.backendsP ??= this.createBackends();
    return this.backendsP;
  }

  /**
   * The job storage as a `Storage` (Lithops' Storage API). Usable at once; objects made with
   * `putCloudObject` are removed by `clean()` and on close.
   */
  get storage(): Storage {
    this.storageFacade ??= new Storage(new LazyStorageBackend(this.backends().then((b) => b.storage)), {
      jobsPrefix: this.config.lithops.jobs_prefix,
      tempPrefix: this.executorId,
    });
    return this.storageFacade;
  }

  /** The job storage, once its backend is ready. */
  async getStorage(): Promise<Storage> {
    const storage = this.storage;
    await whenReady(storage.backend);
    return storage;
  }

  private async createBackends(): Promise<Backends> {
    const cfg = this.config;
    const name = cfg.lithops.backend;
    const [def, storage] = await Promise.all([
      loadBackendDefinition('compute', name, cfg.dir),
      createStorageBackend(cfg),
    ]);
    if (cfg.lithops.mode && def.mode !== cfg.lithops.mode) {
      throw new LithopsError(
        'CONFIG_INVALID',
        `Backend "${name}" runs in ${def.mode} mode, not ${cfg.lithops.mode} mode.`,
        {
          hint: `Use a ${cfg.lithops.mode} backend, or drop the mode setting.`,
        },
      );
    }
    const section = parseConfig(def.configSchema, cfg.raw[def.name], {
      source: cfg.source,
      section: def.name,
      backend: def.name,
    });
    const compute = await def.create(section, {
      config: cfg.raw,
      configDir: cfg.dir,
      log: this.log,
      storage,
    });
    const b: Backends = {
      storage,
      compute,
      mode: def.mode,
      section: (section ?? {}) as Record<string, unknown>,
    };
    if (compute.onCallEvent) compute.onCallEvent((e) => this.onEvent(e));
    else {
      // `lithops.monitoring`: storage polling, or a monitor backend's events (RabbitMQ).
      b.monitor = await createJobMonitor(cfg, {
        storage,
        executorId: this.executorId,
        onEvent: (e) => this.onEvent(e),
        log: this.log,
      });
    }
    return b;
  }

  private onEvent(e: CallEvent): void {
    const job = this.pending.get(e.jobKey);
    if (!job) return;
    if (e.type === 'init') job.markRunning(Number.parseInt(e.callId, 10), e.workerId, e.at);
    else {
      job.finish(Number.parseInt(e.status.callId, 10), e.status);
      this.dropIfDone(job);
    }
  }

  /** A job whose calls all ended gets no more events. */
  private dropIfDone(job: JobState): void {
    if (job.doneCount === job.n) this.pending.delete(job.jobKey);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new LithopsError('ABORTED', 'This executor is closed.', { hint: 'Create a new executor.' });
  }

  private runtimeFor(b: Backends, memoryMb: number): Tracked<RuntimeInfo> {
    let r = this.runtimes.get(memoryMb);
    if (!r) {
      const spec = {
        name: String(b.section.runtime ?? 'default'),
        memoryMb,
        timeoutSec: this.config.lithops.execution_timeout,
      };
      r = track(b.compute.deployRuntime(spec), () => this.runtimes.delete(memoryMb));
      this.runtimes.set(memoryMb, r);
    }
    return r;
  }

  /** The function's bundle in storage: uploaded once per executor. */
  private bundleFor(b: Backends, shipped: ShippedFunction): { key: string; upload: Tracked<void> } {
    let e = this.bundles.get(shipped.sha256);
    if (!e) {
      const key = keys.funcBundle(this.config.lithops.jobs_prefix, this.executorId, shipped.sha256);
      const upload = b.storage.putObject(b.storage.bucket, key, shipped.code);
      e = { key, upload: track(upload, () => this.bundles.delete(shipped.sha256)) };
      this.bundles.set(shipped.sha256, e);
    }
    return e;
  }

  /** @internal What data inputs and mapReduce (src/data/) need from the executor. */
  async dataEnv(): Promise<DataEnv> {
    const b = await this.backends();
    const l = this.config.lithops;
    return {
      storage: b.storage,
      mode: b.mode,
      prefix: l.jobs_prefix,
      executorId: this.executorId,
      statusesInStorage: b.monitor !== undefined,
      dataLimitBytes: l.data_limit * 2 ** 20,
      log: this.log,
    };
  }

  /**
   * Lithops' map_reduce: `mapFn` over iterdata, then `reduceFn(results, ctx)` over the map results
   * in call order (one reducer per object with `objReduceByKey`). Resolves once the reducers are
   * started (`spawnReducer` percent of the map done); `.mapFutures` is the map side.
   */
  mapReduce<R, S, A = unknown, B = unknown>(
    mapFn: LithopsFunction<ObjectChunk, R, A>,
    iterdata: ObjectsInput,
    reduceFn: LithopsFunction<Awaited<R>[], S, B>,
    opts: MapReduceOptions<A, B> & { objReduceByKey: true },
  ): Promise<ReduceFuturesList<Awaited<S>, Awaited<R>>>;
  mapReduce<R, S, A = unknown, B = unknown>(
    mapFn: LithopsFunction<ObjectChunk, R, A>,
    iterdata: ObjectsInput,
    reduceFn: LithopsFunction<Awaited<R>[], S, B>,
    opts?: MapReduceOptions<A, B> & { objReduceByKey?: false },
  ): Promise<ReduceFuture<Awaited<S>, Awaited<R>>>;
  mapReduce<T, R, S, A = unknown, B = unknown>(
    mapFn: LithopsFunction<DataInput<T>, R, A>,
    iterdata: Iterdata<T | ResponseFuture<T>>,
    reduceFn: LithopsFunction<Awaited<R>[], S, B>,
    opts: MapReduceOptions<A, B> & { objReduceByKey: true },
  ): Promise<ReduceFuturesList<Awaited<S>, Awaited<R>>>;
  mapReduce<T, R, S, A = unknown, B = unknown>(
    mapFn: LithopsFunction<DataInput<T>, R, A>,
    iterdata: Iterdata<T | ResponseFuture<T>>,
    reduceFn: LithopsFunction<Awaited<R>[], S, B>,
    opts?: MapReduceOptions<A, B> & { objReduceByKey?: false },
  ): Promise<ReduceFuture<Awaited<S>, Awaited<R>>>;
  mapReduce(
    mapFn: LithopsFunction<never, unknown, unknown>,
    iterdata: unknown,
    reduceFn: LithopsFunction<never, unknown, unknown>,
    opts: MapReduceOptions = {},
  ): Promise<ReduceFuture<unknown, unknown> | ReduceFuturesList<unknown, unknown>> {
    this.assertOpen();
    return mapReduce(this as unknown as Parameters<typeof mapReduce>[0], mapFn, iterdata, reduceFn, opts);
  }

  /** Runs `fn` once on `data`. */
  async callAsync<T, R, A = unknown>(
    fn: LithopsFunction<T, R, A>,
    data: T,
    opts: CallOptions & { extraArgs?: A } = {},
  ): Promise<ResponseFuture<Awaited<R>>> {
    const fs = await this.map(fn, [data], opts);
    return fs[0]!;
  }

  /**
   * Runs `fn(item, ctx)` for every item of `iterdata`; returns one future per item, in order.
   * Data inputs (`objects(...)`, `CloudObject`s, `{ obj: CloudObject }`) give one call per chunk.
   */
  map<R, A = unknown>(
    fn: LithopsFunction<ObjectChunk, R, A>,
    iterdata: ObjectsInput,
    opts?: MapOptions<A> & DataOptions,
  ): Promise<FuturesList<Awaited<R>>>;
  map<T, R, A = unknown>(
    fn: LithopsFunction<DataInput<T>, R, A>,
    iterdata: Iterdata<T | ResponseFuture<T>>,
    opts?: MapOptions<A> & DataOptions,
  ): Promise<FuturesList<Awaited<R>>>;
  map<T, R, A = unknown>(
    fn: LithopsFunction<T, R, A>,
    iterdata: Iterdata<T | ResponseFuture<T>>,
    opts?: MapOptions<A> & DataOptions,
  ): Promise<FuturesList<Awaited<R>>>;
  async map<T, R, A = unknown>(
    fn: LithopsFunction<T, R, A>,
    iterdata: Iterdata<T | ResponseFuture<T>> | ObjectsInput,
    opts: MapOptions<A> & DataOptions = {},
  ): Promise<FuturesList<Awaited<R>>> {
    this.assertOpen();
    const l = this.config.lithops;
    positive('chunksize', opts.chunksize, true);
    positive('timeout', opts.timeout, false);
    positive('runtimeMemory', opts.runtimeMemory, true);
    opts.signal?.throwIfAborted();
    // Backends start (and the localhost pool warms up) while the function is prepared (the
    // constructor gave this promise its rejection handler).
    const backends = this.backends();
    const shipped = await shipFunction(fn, {
      includeModules: opts.includeModules,
      excludeModules: opts.excludeModules,
      cacheDir: bundleCacheDir(),
    });
    const data = await encodeCallData(dataItems(iterdata, opts, () => this.dataEnv()) as Iterdata<T>, {
      extraArgs: opts.extraArgs,
      dataLimitBytes: l.data_limit * 2 ** 20,
      resolve: (item) => (item instanceof ResponseFuture ? this.resultOf(item) : item),
    });
    const b = await backends;
    this.assertOpen();
    const chunksize = opts.chunksize ?? l.chunksize;
    // Without an explicit timeout, a call gets execution_timeout, capped so that an invocation
    // fits the backend's limit (Lambda: runtime_timeout); an explicit one over it is an error.
    const timeoutSec =
      opts.timeout ?? Math.min(l.execution_timeout, b.compute.limits.maxTimeoutSec / chunksize);
    if (chunksize * timeoutSec > b.compute.limits.maxTimeoutSec) {
      throw new LithopsError(
        'INVALID_ARGUMENT',
        `An invocation of ${chunksize} calls × ${timeoutSec} s exceeds the ${b.compute.name} limit of ${b.compute.limits.maxTimeoutSec} s.`,
        {
          hint: 'Lower chunksize or timeout.',
        },
      );
    }
    const memoryMb = opts.runtimeMemory ?? (b.section.runtime_memory as number | undefined) ?? 0;
    const jobId = `M${String(this.jobSeq++).padStart(3, '0')}`;
    const job = new JobState(this.executorId, jobId, data.count, shipped.name, this);
    const futures = new FuturesList<Awaited<R>>();
    for (let i = 0; i < data.count; i++) futures.push(new ResponseFuture(job, i));
    this.lists.push(futures as FuturesList<unknown>);
    if (data.count === 0) return futures;

    const prefix = l.jobs_prefix;
    const bucket = b.storage.bucket;
    const bundle = this.bundleFor(b, shipped);
    const dataKey = keys.callData(prefix, job.jobKey);
    // Small jobs on localhost carry their call data in the invocations: no storage round trip.
    const inline = b.mode === 'localhost' && data.bytes.length <= INLINE_CALL_DATA_BYTES;
    const rt = this.runtimeFor(b, memoryMb);
    // A warm executor (runtime known, bundle stored, data inline) sends without waiting.
    const runtime =
      rt.done && bundle.upload.done && inline
        ? rt.value!
        : (
            await Promise.all([
              rt.promise,
              bundle.upload.promise,
              inline ? undefined : b.storage.putObject(bucket, dataKey, data.bytes),
            ])
          )[0];
    const inlineExtraArgs =
      inline && data.extraArgsRange ? data.bytes.subarray(...data.extraArgsRange) : undefined;
    this.jobs.push(job);
    this.pending.set(job.jobKey, job);
    // Silent past the invocation's deadline plus a grace: the worker is gone.
    b.monitor?.watch(
      job.jobKey,
      futures.map((f) => f.callId),
      chunksize * timeoutSec + LOST_GRACE_SEC,
    );

    const { signal } = opts;
    if (signal) {
      const onAbort = () => this.cancelJob(job, b, 'The call was cancelled (AbortSignal) before it started.');
      signal.addEventListener('abort', onAbort, { once: true });
      const off = job.onDone(() => {
        if (job.doneCount === job.n) {
          signal.removeEventListener('abort', onAbort);
          off();
        }
      });
    }

    const base: Omit<InvocationPayload, 'calls'> = {
      codecVersion: CODEC_VERSION,
      executorId: this.executorId,
      jobId,
      jobKey: job.jobKey,
      storage: { backend: b.storage.name, bucket, prefix },
      func: { key: bundle.key, sha256: shipped.sha256, exportName: 'default' },
      dataKey,
      extraArgsRange: data.extraArgsRange,
      timeoutSec,
      memoryMb: memoryMb || undefined,
      extraEnv: opts.extraEnv,
      maxInlineResultBytes: Math.min(
        b.compute.limits.maxPayloadBytes,
        (b.section.max_inline_result_bytes as number | undefined) ?? 256 * 1024,
      ),
    };
    if (b.mode !== 'localhost') {
      // Serverless/standalone: a max_workers window, concurrent sends, throttling retries,
      // payloads through storage, the remote invoker for large jobs (src/serverless/invoker.ts).
      await invokeJob({
        compute: b.compute,
        runtime,
        storage: b.storage,
        base,
        offsets: data.offsets,
        count: data.count,
        chunksize,
        job,
        settings: b.section,
        lithopsMaxWorkers: l.max_workers,
        log: this.log,
      });
      return futures;
    }
    for (let from = 0; from < data.count; from += chunksize) {
      const to = Math.min(data.count, from + chunksize);
      const calls = [];
      for (let i = from; i < to; i++)
        calls.push({ callId: callIdOf(i), start: data.offsets[i]!, end: data.offsets[i + 1]! });
      job.markInvoked(from, to, Date.now());
      try {
        const payload = invocationPayload(
          base,
          calls,
          inline
            ? {
                calls: data.bytes.subarray(data.offsets[from]!, data.offsets[to]!),
                extraArgs: inlineExtraArgs,
              }
            : undefined,
        );
        await b.compute.invoke(runtime, payload);
      } catch (e) {
        for (let i = from; i < data.count; i++)
          job.fail(
            i,
            LithopsError.isInstance(e) ? e.code : 'INTERNAL',
            `Invoking the call failed: ${(e as Error).message}`,
          );
        this.dropIfDone(job);
        throw e;
      }
    }
    return futures;
  }

  private cancelJob(job: JobState, b: Backends, message: string): void {
    b.compute.cancel?.(job.jobKey);
    const cancelled: string[] = [];
    for (let i = 0; i < job.n; i++) {
      if (job.state[i]! < FutureState.Running) {
        job.fail(i, 'ABORTED', message);
        cancelled.push(callIdOf(i));
      }
    }
    b.monitor?.forget(job.jobKey, cancelled);
    this.dropIfDone(job);
  }

  /** Futures of this executor (all jobs), in submission order. */
  private allFutures(): ResponseFuture<unknown>[] {
    return this.lists.flat();
  }

  private normalize<R>(fs: FutureInput<R> | undefined, uncollectedOnly: boolean): ResponseFuture<R>[] {
    if (fs === undefined) {
      const all = this.allFutures() as ResponseFuture<R>[];
      return uncollectedOnly ? all.filter((f) => !f.job.collected(f.index)) : all;
    }
    const list = fs instanceof ResponseFuture ? [fs] : [...fs];
    for (const f of list) {
      if (!(f instanceof ResponseFuture))
        throw new LithopsError('INVALID_ARGUMENT', `Expected futures, got ${typeof f}.`, {
          hint: 'Pass what map() or callAsync() returned.',
        });
    }
    return list;
  }

  /**
   * Waits for futures (default: all of this executor's) and splits them into done and not done.
   */
  async wait<R>(
    fs?: FutureInput<R>,
    opts: WaitOptions = {},
  ): Promise<{ done: FuturesList<R>; notDone: FuturesList<R> }> {
    const list = this.normalize(fs, false);
    await this.waitList(list, {
      returnWhen: opts.returnWhen ?? ALL_COMPLETED,
      throwExcept: opts.throwExcept ?? true,
      timeoutSec: opts.timeout,
      signal: opts.signal,
      progress: opts.showProgressbar ?? true,
      download: opts.downloadResults ?? false,
    });
    const done = FuturesList.fromFutures(list.filter((f) => f.done));
    const notDone = FuturesList.fromFutures(list.filter((f) => !f.done));
    return { done, notDone };
  }

  /** wait() without the lists: what getResult and result() need. */
  private async waitList(
    list: readonly ResponseFuture<unknown>[],
    plan: Omit<WaitPlan, 'futures'> & { download: boolean },
  ): Promise<void> {
    const { failed } = await waitForFutures({
      futures: list,
      returnWhen: plan.returnWhen,
      throwExcept: plan.throwExcept,
      timeoutSec: plan.timeoutSec,
      signal: plan.signal,
      progress: plan.progress,
    });
    if (failed && plan.throwExcept) {
      const bad = list.find((f) => f.error)!;
      throw callError(bad.job, bad.index, this.config.lithops.backend);
    }
    if (plan.download) await this.download(list);
  }

  /** Fetches results kept in storage (too large to travel inline) for done futures. */
  private download(list: readonly ResponseFuture<unknown>[]): Promise<void> | undefined {
    const todo = list.filter(
      (f) =>
        f.job.resultKeys.has(f.index) &&
        f.job.encoded(f.index) === undefined &&
        f.job.state[f.index] === FutureState.Ready,
    );
    return todo.length === 0 ? undefined : this.fetchResults(todo);
  }

  private async fetchResults(todo: readonly ResponseFuture<unknown>[]): Promise<void> {
    const { storage } = await this.backends();
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const f = todo[next++]!;
        f.job.setEncoded(f.index, await storage.getObject(storage.bucket, f.job.resultKeys.get(f.index)!));
      }
    };
    await Promise.all(Array.from({ length: Math.min(64, todo.length) }, worker));
  }

  private valueOf(f: ResponseFuture<unknown>): unknown {
    const { job, index: i } = f;
    if (job.state[i] === FutureState.Error) return callError(job, i, this.config.lithops.backend);
    if (job.state[i] === FutureState.Ready) {
      // Tiny results were decoded on arrival (JobState.finish).
      const bytes = job.encoded(i);
      if (bytes !== undefined) job.setValue(i, decodeResult(bytes, job.resultFormats.get(i)));
      job.setEncoded(i, undefined);
      job.state[i] = FutureState.Success;
    }
    return job.value(i);
  }

  /**
   * Waits for the futures and returns their results in order (default: this executor's results
   * not collected yet). A failed call throws its error, or with `throwExcept: false` stands in the
   * list as an Error.
   */
  getResult<R>(fs: ResponseFuture<R>, opts?: WaitOptions & { throwExcept?: true }): Promise<R>;
  getResult<R>(fs: ResponseFuture<R>, opts: WaitOptions & { throwExcept: false }): Promise<R | Error>;
  getResult<R>(fs: readonly ResponseFuture<R>[], opts?: WaitOptions & { throwExcept?: true }): Promise<R[]>;
  getResult<R>(
    fs: readonly ResponseFuture<R>[],
    opts: WaitOptions & { throwExcept: false },
  ): Promise<(R | Error)[]>;
  getResult(fs?: undefined, opts?: WaitOptions): Promise<unknown[]>;
  async getResult<R>(fs?: FutureInput<R>, opts: WaitOptions = {}): Promise<unknown> {
    const list = this.normalize(fs, true);
    await this.waitList(list, {
      returnWhen: ALL_COMPLETED,
      throwExcept: opts.throwExcept ?? true,
      timeoutSec: opts.timeout,
      signal: opts.signal,
      progress: opts.showProgressbar ?? true,
      download: true,
    });
    const notDone = list.reduce((n, f) => (f.done ? n : n + 1), 0);
    if (notDone > 0) {
      throw new LithopsError(
        'TIMEOUT',
        `${notDone} of ${list.length} calls were not done after ${opts.timeout} s.`,
        {
          hint: 'Wait longer (timeout option), or use wait() to take what is done.',
        },
      );
    }
    const values = list.map((f) => {
      f.job.markCollected(f.index);
      return this.valueOf(f);
    });
    return fs instanceof ResponseFuture ? values[0] : values;
  }

  /** @internal used by ResponseFuture.result(). */
  async resultOf(f: ResponseFuture<unknown>, opts: WaitOptions = {}): Promise<unknown> {
    await this.waitList([f], {
      returnWhen: ALL_COMPLETED,
      throwExcept: false,
      timeoutSec: opts.timeout,
      signal: opts.signal,
      progress: false,
      download: true,
    });
    if (!f.done) throw new LithopsError('TIMEOUT', `${f} was not done after ${opts.timeout} s.`);
    const v = this.valueOf(f);
    if (f.error && opts.throwExcept !== false) throw v;
    return v;
  }

  /** Yields futures as they complete. */
  async *asCompleted<R>(
    fs?: FutureInput<R>,
    opts: { signal?: AbortSignal } = {},
  ): AsyncGenerator<ResponseFuture<R>> {
    const list = this.normalize(fs, false);
    const pending = new Map<JobState, Map<number, ResponseFuture<R>>>();
    const ready: ResponseFuture<R>[] = [];
    for (const f of list) {
      if (f.done) ready.push(f);
      else {
        let m = pending.get(f.job);
        if (!m) {
          m = new Map();
          pending.set(f.job, m);
        }
        m.set(f.index, f);
      }
    }
    let wake: (() => void) | undefined;
    const unsubs = [...pending].map(([job, m]) =>
      job.onDone((i) => {
        const f = m.get(i);
        if (!f) return;
        m.delete(i);
        ready.push(f);
        wake?.();
      }),
    );
    let left = list.length;
    try {
      while (left > 0) {
        if (ready.length === 0) {
          opts.signal?.throwIfAborted();
          await new Promise<void>((r) => {
            wake = r;
            opts.signal?.addEventListener('abort', () => r(), { once: true });
          });
          wake = undefined;
          continue;
        }
        left--;
        yield ready.shift()!;
      }
    } finally {
      for (const u of unsubs) u();
    }
  }

  /** Deletes job data from storage (default: every finished job of this executor). */
  async clean(
    opts: {
      fs?: FutureInput<unknown>;
      /** Cloud objects to delete. */
      cs?: readonly CloudObject[];
      /** Delete the cloud objects made with `fexec.storage.putCloudObject`. Default true. */
      cleanCloudobjects?: boolean;
      /** Delete this executor's function bundles too. */
      cleanFn?: boolean;
      /** Clean jobs whose calls have not all ended. */
      force?: boolean;
    } = {},
  ): Promise<void> {
    if (!this.backendsP) return;
    const { storage } = await this.backends();
    const cos = [
      ...(opts.cs ?? []),
      ...(opts.cleanCloudobjects !== false && this.storageFacade
        ? this.storageFacade.trackedCloudObjects()
        : []),
    ];
    if (cos.length > 0) await this.storage.deleteCloudObjects(cos);
    const jobs = new Set(opts.fs ? this.normalize(opts.fs, false).map((f) => f.job) : this.jobs);
    const prefix = this.config.lithops.jobs_prefix;
    const folders: string[] = [];
    for (const job of jobs) {
      if (!opts.force && job.doneCount < job.n) {
        this.log.info(`clean: job ${job.jobKey} still has calls running; kept (use force).`);
        continue;
      }
      folders.push(keys.jobFolder(prefix, job.jobKey));
    }
    if (opts.cleanFn) folders.push(`${prefix}/${this.executorId}/`);
    // Many jobs (a loop of callAsync): one listing of this executor's job folders, not one each.
    const scans = folders.length > CLEAN_SCAN_JOBS ? [`${prefix}/${this.executorId}`] : folders;
    const wanted = new Set(folders);
    const found: string[] = [];
    for (const scan of scans) {
      for await (const e of storage.listObjects(storage.bucket, { prefix: scan })) {
        if (e.type !== 'object') continue;
        const folder = e.key.slice(0, e.key.indexOf('/', prefix.length + 1) + 1);
        if (scans === folders || wanted.has(folder)) found.push(e.key);
      }
    }
    if (found.length > 0) await storage.deleteObjects(storage.bucket, found);
  }

  /**
   * Closes the executor: calls not started are aborted, running ones get `closeGraceSec` to
   * finish, then temporary data is cleaned (`data_cleaner`) and the backends are released.
   */
  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  private async doClose(): Promise<void> {
    if (!this.backendsP) return;
    let b: Backends;
    try {
      b = await this.backendsP;
    } catch {
      return;
    }
    const running: ResponseFuture<unknown>[] = [];
    for (const job of this.pending.values()) {
      if (job.doneCount === job.n) continue;
      this.cancelJob(job, b, 'The executor was closed before the call started.');
      for (let i = 0; i < job.n; i++) if (!job.isDone(i)) running.push(new ResponseFuture(job, i));
    }
    if (running.length > 0) {
      await waitForFutures({
        futures: running,
        returnWhen: ALL_COMPLETED,
        throwExcept: false,
        timeoutSec: this.closeGraceSec,
        progress: false,
      });
    }
    b.monitor?.close();
    await b.compute[Symbol.asyncDispose]();
    if (this.config.lithops.data_cleaner) {
      try {
        await this.clean({ force: true, cleanFn: true });
      } catch (e) {
        this.log.warn(`cleaning job data failed: ${(e as Error).message}`);
      }
    }
    await b.storage[Symbol.asyncDispose]();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** An executor on this machine (`backend: localhost`). */
export class LocalhostExecutor extends FunctionExecutor {
  constructor(options: Omit<ExecutorOptions, 'mode' | 'backend'> = {}) {
    super({ ...options, mode: 'localhost', backend: 'localhost' });
  }
}

/** An executor on a serverless backend (`aws_lambda` unless configured). */
export class ServerlessExecutor extends FunctionExecutor {
  constructor(options: Omit<ExecutorOptions, 'mode'> = {}) {
    super({ ...options, mode: 'serverless' });
  }
}

/** An executor on a standalone backend (VMs, clusters). */
export class StandaloneExecutor extends FunctionExecutor {
  constructor(options: Omit<ExecutorOptions, 'mode'> = {}) {
    super({ ...options, mode: 'standalone' });
  }
}
