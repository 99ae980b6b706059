import { randomBytes } from 'node:crypto';
import { type LoadedConfig, loadConfig } from '../config/load.js';
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
import { JobState } from '../job/job-state.js';
import { shipFunction } from '../ship/prepare.js';
import type { CloudObject } from '../storage/cloud-object.js';
import { LazyStorageBackend, whenReady } from '../storage/lazy-backend.js';
import { Storage } from '../storage/storage.js';
import { createLogger, type Logger } from '../util/logger.js';
import { bundleCacheDir } from '../util/paths.js';
import { type Backends, createBackends, Deployments } from './backends.js';
import { deleteJobData, stopJobs } from './cleanup.js';
import { JobTable } from './job-table.js';
import {
  ALL_COMPLETED,
  type CallOptions,
  type ExecutorOptions,
  type LithopsFunction,
  type MapOptions,
  type WaitOptions,
} from './options.js';
import {
  completed,
  type FutureInput,
  futuresOf,
  type ResultSource,
  resultValue,
  waitList,
} from './results.js';
import { checkMapOptions, jobLimits, submitJob } from './submit.js';

type Mode = 'localhost' | 'serverless' | 'standalone';
const MODE_DEFAULT_BACKEND: Record<Mode, string> = {
  localhost: 'localhost',
  serverless: 'aws_lambda',
  standalone: 'vm',
};
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

/**
 * Runs functions over inputs on the configured compute backend (localhost by default).
 * Mirrors Lithops' FunctionExecutor; close it with `await using` or `close()`.
 */
export class FunctionExecutor implements AsyncDisposable {
  readonly executorId: string;
  readonly config: LoadedConfig;
  protected readonly log: Logger;
  private backendsP: Promise<Backends> | undefined;
  private readonly jobs = new JobTable();
  /** Every map's futures, in submission order (getResult/wait with no futures). */
  private readonly lists: FuturesList<unknown>[] = [];
  private readonly deployments: Deployments;
  private readonly results: ResultSource;
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
    this.deployments = new Deployments(this.config, this.executorId, this.log);
    const cfg = this.config;
    this.results = {
      get backendName() {
        return cfg.lithops.backend;
      },
      storage: () => this.backends().then((b) => b.storage),
    };
    // Backends start now (the localhost pool warms up while the caller prepares its first map);
    // an error surfaces at the first call that needs them.
    this.backends().catch(() => {});
  }

  private backends(): Promise<Backends> {
    this.backendsP ??= createBackends(this.config, {
      executorId: this.executorId,
      log: this.log,
      onEvent: (e) => this.jobs.onEvent(e),
    });
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

  private assertOpen(): void {
    if (this.closed)
      throw new LithopsError('ABORTED', 'This executor is closed.', { hint: 'Create a new executor.' });
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
    checkMapOptions(opts);
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
    const limits = jobLimits(b, l, opts);
    const jobId = `M${String(this.jobSeq++).padStart(3, '0')}`;
    const job = new JobState(this.executorId, jobId, data.count, shipped.name, this);
    const futures = new FuturesList<Awaited<R>>();
    for (let i = 0; i < data.count; i++) futures.push(new ResponseFuture(job, i));
    this.lists.push(futures as FuturesList<unknown>);
    if (data.count === 0) return futures;
    await submitJob(
      {
        b,
        config: this.config,
        executorId: this.executorId,
        deployments: this.deployments,
        jobs: this.jobs,
        log: this.log,
      },
      job,
      shipped,
      data,
      limits,
      opts,
    );
    return futures;
  }

  /**
   * Waits for futures (default: all of this executor's) and splits them into done and not done.
   */
  async wait<R>(
    fs?: FutureInput<R>,
    opts: WaitOptions = {},
  ): Promise<{ done: FuturesList<R>; notDone: FuturesList<R> }> {
    const list = futuresOf(fs, this.lists, false);
    await waitList(
      list,
      {
        returnWhen: opts.returnWhen ?? ALL_COMPLETED,
        throwExcept: opts.throwExcept ?? true,
        timeoutSec: opts.timeout,
        signal: opts.signal,
        progress: opts.showProgressbar ?? true,
        download: opts.downloadResults ?? false,
      },
      this.results,
    );
    const done = FuturesList.fromFutures(list.filter((f) => f.done));
    const notDone = FuturesList.fromFutures(list.filter((f) => !f.done));
    return { done, notDone };
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
    const list = futuresOf(fs, this.lists, true);
    // Not for a lone future: a loop of callAsync + getResult would print a line per call.
    if (list.length > 1)
      this.log.info(`ExecutorID ${this.executorId} - Getting results from ${list.length} calls`);
    await waitList(
      list,
      {
        returnWhen: ALL_COMPLETED,
        throwExcept: opts.throwExcept ?? true,
        timeoutSec: opts.timeout,
        signal: opts.signal,
        progress: opts.showProgressbar ?? true,
        download: true,
      },
      this.results,
    );
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
    const backendName = this.results.backendName;
    const values = list.map((f) => {
      f.job.markCollected(f.index);
      return resultValue(f, backendName);
    });
    return fs instanceof ResponseFuture ? values[0] : values;
  }

  /** @internal used by ResponseFuture.result(). */
  async resultOf(f: ResponseFuture<unknown>, opts: WaitOptions = {}): Promise<unknown> {
    await waitList(
      [f],
      {
        returnWhen: ALL_COMPLETED,
        throwExcept: false,
        timeoutSec: opts.timeout,
        signal: opts.signal,
        progress: false,
        download: true,
      },
      this.results,
    );
    if (!f.done) throw new LithopsError('TIMEOUT', `${f} was not done after ${opts.timeout} s.`);
    const v = resultValue(f, this.results.backendName);
    if (f.error && opts.throwExcept !== false) throw v;
    return v;
  }

  /** Yields futures as they complete. */
  asCompleted<R>(
    fs?: FutureInput<R>,
    opts: { signal?: AbortSignal } = {},
  ): AsyncGenerator<ResponseFuture<R>> {
    return completed(futuresOf(fs, this.lists, false), opts.signal);
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
    const jobs = opts.fs ? new Set(futuresOf(opts.fs, this.lists, false).map((f) => f.job)) : this.jobs.all;
    await deleteJobData(storage, jobs, opts, {
      config: this.config,
      executorId: this.executorId,
      log: this.log,
    });
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
    await stopJobs(b, this.jobs, this.closeGraceSec, this.log);
    await this.deployments.stop();
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

/**
 * An executor on a standalone backend (`vm` unless configured). No standalone backend is available
 * yet: until one is, its first call fails with `BACKEND_NOT_FOUND` saying so.
 */
export class StandaloneExecutor extends FunctionExecutor {
  constructor(options: Omit<ExecutorOptions, 'mode'> = {}) {
    super({ ...options, mode: 'standalone' });
  }
}
