import { decodeResult } from '../codec/codec.js';
import { LithopsError } from '../errors.js';
import { type FuturesList, ResponseFuture } from '../job/future.js';
import { FutureState, type JobState } from '../job/job-state.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { callError } from './call-error.js';
import { type WaitPlan, waitForFutures } from './waiter.js';

export type FutureInput<R> = ResponseFuture<R> | readonly ResponseFuture<R>[];

/** Where results come from: the backend name for errors, the storage for large results. */
export interface ResultSource {
  backendName: string;
  storage(): Promise<StorageBackend>;
}

/** The futures asked for; without any, the executor's (only those not collected, if asked). */
export function futuresOf<R>(
  fs: FutureInput<R> | undefined,
  lists: readonly FuturesList<unknown>[],
  uncollectedOnly: boolean,
): ResponseFuture<R>[] {
  if (fs === undefined) {
    const all = lists.flat() as ResponseFuture<R>[];
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

/** Waits per the plan, throws the first failed call's error (throwExcept), fetches large results. */
export async function waitList(
  list: readonly ResponseFuture<unknown>[],
  plan: Omit<WaitPlan, 'futures'> & { download: boolean },
  src: ResultSource,
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
    throw callError(bad.job, bad.index, src.backendName);
  }
  if (plan.download) await download(list, src);
}

/** Fetches results kept in storage (too large to travel inline) for done futures. */
function download(list: readonly ResponseFuture<unknown>[], src: ResultSource): Promise<void> | undefined {
  const todo = list.filter(
    (f) =>
      f.job.resultKeys.has(f.index) &&
      f.job.encoded(f.index) === undefined &&
      f.job.state[f.index] === FutureState.Ready,
  );
  return todo.length === 0 ? undefined : fetchResults(todo, src);
}

async function fetchResults(todo: readonly ResponseFuture<unknown>[], src: ResultSource): Promise<void> {
  const storage = await src.storage();
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const f = todo[next++]!;
      f.job.setEncoded(f.index, await storage.getObject(storage.bucket, f.job.resultKeys.get(f.index)!));
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, todo.length) }, worker));
}

/** A done future's result (decoded once) or its error. */
export function resultValue(f: ResponseFuture<unknown>, backendName: string): unknown {
  const { job, index: i } = f;
  if (job.state[i] === FutureState.Error) return callError(job, i, backendName);
  if (job.state[i] === FutureState.Ready) {
    // Tiny results were decoded on arrival (JobState.finish).
    const bytes = job.encoded(i);
    if (bytes !== undefined) job.setValue(i, decodeResult(bytes, job.resultFormats.get(i)));
    job.setEncoded(i, undefined);
    job.state[i] = FutureState.Success;
  }
  return job.value(i);
}

/** Yields the futures in the order they complete (those already done first). */
export async function* completed<R>(
  list: readonly ResponseFuture<R>[],
  signal: AbortSignal | undefined,
): AsyncGenerator<ResponseFuture<R>> {
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
  // One abort listener for the whole iteration (not one per wait).
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  let left = list.length;
  try {
    while (left > 0) {
      if (ready.length === 0) {
        signal?.throwIfAborted();
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
        continue;
      }
      left--;
      yield ready.shift()!;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const u of unsubs) u();
  }
}
