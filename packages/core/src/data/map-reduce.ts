import { encode } from '../codec/codec.js';
import { LithopsError } from '../errors.js';
import type { CallOptions, LithopsFunction, MapOptions } from '../executor/options.js';
import type { Iterdata } from '../job/call-data.js';
import { FuturesList, type ResponseFuture } from '../job/future.js';
import { FutureState, type JobState, T } from '../job/job-state.js';
import type { CloudObject } from '../storage/cloud-object.js';
import type { Logger } from '../util/logger.js';
import { callIdOf, keys } from '../worker/keys.js';
import type { CallStatus } from '../worker/status.js';
import { statusToJson } from '../worker/status-codec.js';
import { DATA_MARK, type InlineOutcome, type ReduceDescriptor } from './descriptor.js';
import { DataGroups, dataItems } from './expand.js';
import type { ObjectChunk } from './object-chunk.js';
import type { ListingEnv } from './object-listing.js';
import type { ObjectsInput } from './objects.js';
import type { DataOptions } from './options.js';

/** What a function receives for an iterdata item: data items become `ObjectChunk`s. */
export type DataInput<T> = T extends ObjectsInput | CloudObject
  ? ObjectChunk
  : T extends { obj: CloudObject }
    ? Omit<T, 'obj'> & { obj: ObjectChunk }
    : T;

export interface MapReduceOptions<A = unknown, B = unknown>
  extends DataOptions,
    Pick<CallOptions, 'extraEnv' | 'timeout' | 'includeModules' | 'excludeModules' | 'signal'> {
  /** Map calls per invocation. */
  chunksize?: number;
  /** `ctx.extraArgs` of every map call. */
  extraArgs?: A;
  /** `ctx.extraArgs` of the reducer(s). */
  extraArgsReduce?: B;
  /** Heap limit of each map call, in MB. */
  mapRuntimeMemory?: number;
  /** Heap limit of the reducer(s), in MB. */
  reduceRuntimeMemory?: number;
  /** One reducer per object, getting that object's map results in part order. Default false. */
  objReduceByKey?: boolean;
  /**
   * Percentage of (its) map calls done before a reducer is started; it waits for the rest in its
   * own invocation. Default 20, as Lithops.
   */
  spawnReducer?: number;
}

/** The reducer's future; the map side stays reachable for `wait`, plots and errors. */
export type ReduceFuture<S, R> = ResponseFuture<S> & { readonly mapFutures: FuturesList<R> };
/** One reducer future per object (`objReduceByKey`), in object order. */
export type ReduceFuturesList<S, R> = FuturesList<S> & { readonly mapFutures: FuturesList<R> };

/** What mapReduce needs from the executor. */
export interface DataEnv extends ListingEnv {
  /** The workers write `status.json` themselves (storage monitoring); else the client relays it. */
  statusesInStorage: boolean;
  dataLimitBytes: number;
  log: Logger;
}

export interface MapReduceHost {
  map(
    fn: LithopsFunction<never, unknown, unknown>,
    iterdata: Iterdata<unknown>,
    opts: MapOptions<unknown>,
  ): Promise<FuturesList<unknown>>;
  dataEnv(): Promise<DataEnv>;
}

/** Reducer input carried inline at most: the rest is read from storage by the reducer. */
const INLINE_BUDGET = 2 * 2 ** 20;
const SPAWN_POLL_MS = 25;

function outcomeOf(job: JobState, i: number): InlineOutcome {
  if (job.state[i] === FutureState.Error) {
    const f = job.failures.get(i)!;
    return { ok: false, error: f.error, errorCode: f.code };
  }
  const key = job.resultKeys.get(i);
  const resultFormat = job.resultFormats.get(i);
  if (key !== undefined) return { ok: true, resultKey: key, resultFormat };
  const raw = job.encoded(i);
  // A result the client already decoded is encoded again (and so is no longer raw).
  return raw ? { ok: true, result: raw, resultFormat } : { ok: true, result: encode(job.value(i)) };
}

function statusOf(job: JobState, i: number, o: InlineOutcome): CallStatus {
  const s: CallStatus = {
    callId: callIdOf(i),
    workerId: job.workerId(i) ?? 'client',
    ok: o.ok,
    timings: {
      start: job.time(i, T.started),
      fnStart: job.time(i, T.fnStart),
      fnEnd: job.time(i, T.fnEnd),
      end: job.time(i, T.workerEnd),
    },
  };
  if (o.result) s.result = o.result;
  if (o.resultKey) s.resultKey = o.resultKey;
  if (o.resultFormat) s.resultFormat = o.resultFormat;
  if (o.error) s.error = o.error;
  if (o.errorCode) s.errorCode = o.errorCode as CallStatus['errorCode'];
  return s;
}

/**
 * A reducer waits only for map calls that are running or done, so it never holds a worker that
 * a map call it waits for still needs (a backend with few workers runs queued work in order).
 */
function readyToSpawn(job: JobState | undefined, idx: readonly number[], percent: number): boolean {
  if (!job) return true;
  let done = 0;
  for (const i of idx) {
    const s = job.state[i]!;
    if (s < FutureState.Running) return false;
    if (s >= FutureState.Ready) done++;
  }
  return done * 100 >= percent * idx.length;
}

/**
 * Lithops' map_reduce: runs the map, then one reducer (or one per object), each started once
 * `spawnReducer` percent of its map calls are done; it gets the results in call order. Returns
 * when every reducer is started.
 */
export async function mapReduce(
  host: MapReduceHost,
  mapFn: LithopsFunction<never, unknown, unknown>,
  iterdata: unknown,
  reduceFn: LithopsFunction<never, unknown, unknown>,
  opts: MapReduceOptions,
): Promise<ReduceFuture<unknown, unknown> | ReduceFuturesList<unknown, unknown>> {
  const percent = opts.spawnReducer ?? 20;
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100))
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `spawnReducer must be a percentage (0-100), got ${JSON.stringify(percent)}.`,
    );
  const byKey = opts.objReduceByKey === true;
  const groups = new DataGroups(byKey);
  const items = dataItems(iterdata, opts, () => host.dataEnv(), groups) as Iterdata<unknown>;
  const common = {
    extraEnv: opts.extraEnv,
    timeout: opts.timeout,
    includeModules: opts.includeModules,
    excludeModules: opts.excludeModules,
    signal: opts.signal,
  };
  const mapFutures = await host.map(mapFn, items, {
    ...common,
    chunksize: opts.chunksize,
    extraArgs: opts.extraArgs,
    runtimeMemory: opts.mapRuntimeMemory,
  });
  // As Lithops: getResult() without futures gives the reducers' results, not the map's.
  for (const f of mapFutures) f.job.markCollected(f.index);
  const env = await host.dataEnv();
  const job = mapFutures[0]?.job;

  let sets: number[][];
  if (byKey) {
    const byLocation = new Map<string, number[]>();
    groups.locations.forEach((loc, i) => {
      const k = loc!;
      const list = byLocation.get(k);
      if (list) list.push(i);
      else byLocation.set(k, [i]);
    });
    sets = [...byLocation.values()];
  } else {
    sets = [mapFutures.map((_, i) => i)];
  }

  const relaying = new Set<number>();
  let unsubscribe: (() => void) | undefined;
  const relay = (i: number): Promise<void> => {
    // Runtime failures the client detected (lost workers, cancellations) are never in storage.
    if (env.statusesInStorage && job!.state[i] !== FutureState.Error) return Promise.resolve();
    const status = statusOf(job!, i, outcomeOf(job!, i));
    const { storage } = env;
    return storage
      .putObject(
        storage.bucket,
        keys.status(env.prefix, job!.jobKey, status.callId),
        Buffer.from(statusToJson(status)),
      )
      .catch((e: Error) =>
        env.log.warn(`mapReduce: could not store the status of map call ${status.callId}: ${e.message}`),
      );
  };
  const describe = async (idx: readonly number[]): Promise<ReduceDescriptor> => {
    let budget = Math.min(INLINE_BUDGET, env.dataLimitBytes / 2);
    const now: Promise<void>[] = [];
    const inline = idx.map((i) => {
      if (!job!.isDone(i)) {
        relaying.add(i);
        return null;
      }
      const o = outcomeOf(job!, i);
      const size = o.result?.byteLength ?? 0;
      if (size > budget) {
        now.push(relay(i));
        return null;
      }
      budget -= size;
      return o;
    });
    await Promise.all(now);
    return {
      [DATA_MARK]: 'reduce',
      jobKey: job?.jobKey ?? '',
      bucket: env.storage.bucket,
      prefix: env.prefix,
      callIds: idx.map(callIdOf),
      inline,
    };
  };

  // Map calls spawned reducers wait for: their statuses go to storage as they finish.
  const watchRelays = () => {
    if (!job || relaying.size === 0 || unsubscribe) return;
    const stop = () => {
      unsubscribe?.();
      unsubscribe = undefined;
    };
    unsubscribe = job.onDone((i) => {
      if (!relaying.delete(i)) return;
      void relay(i);
      if (relaying.size === 0) stop();
    });
    // Calls that finished while the reducers were being described.
    for (const i of [...relaying]) if (job.isDone(i) && relaying.delete(i)) void relay(i);
    if (relaying.size === 0) stop();
  };

  const reducers: (ResponseFuture<unknown> | undefined)[] = new Array(sets.length);
  let pending = sets.map((idx, pos) => ({ idx, pos }));
  while (pending.length > 0) {
    opts.signal?.throwIfAborted();
    const ready = pending.filter((r) => readyToSpawn(job, r.idx, percent));
    if (ready.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          off?.();
          resolve();
        }, SPAWN_POLL_MS);
        const off = job?.onDone(() => {
          off?.();
          clearTimeout(timer);
          resolve();
        });
      });
      continue;
    }
    pending = pending.filter((r) => !ready.includes(r));
    const descriptors = await Promise.all(ready.map((r) => describe(r.idx)));
    watchRelays();
    const fs = await host.map(reduceFn, descriptors, {
      ...common,
      chunksize: 1,
      extraArgs: opts.extraArgsReduce,
      runtimeMemory: opts.reduceRuntimeMemory,
    });
    ready.forEach((r, k) => {
      reducers[r.pos] = fs[k];
    });
  }
  const out = byKey ? FuturesList.fromFutures(reducers as ResponseFuture<unknown>[]) : reducers[0]!;
  Object.defineProperty(out, 'mapFutures', { value: mapFutures, enumerable: false });
  return out as ReduceFuture<unknown, unknown> | ReduceFuturesList<unknown, unknown>;
}
