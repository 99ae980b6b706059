import type { ResponseFuture } from '../job/future.js';
import { FutureState, type JobState } from '../job/job-state.js';
import { Progress } from '../util/progress.js';
import { ALL_COMPLETED, ALWAYS, ANY_COMPLETED } from './options.js';

export interface WaitPlan {
  futures: readonly ResponseFuture<unknown>[];
  returnWhen: number;
  throwExcept: boolean;
  timeoutSec?: number;
  signal?: AbortSignal;
  progress: boolean;
}

/** How many done futures satisfy `returnWhen`. */
function target(n: number, returnWhen: number): number {
  if (returnWhen === ALWAYS) return 0;
  if (returnWhen === ANY_COMPLETED) return Math.min(1, n);
  if (returnWhen >= ALL_COMPLETED) return n;
  return Math.ceil((n * returnWhen) / 100);
}

/**
 * Waits, event-driven, until enough of the futures are done, a watched one failed (with
 * throwExcept), the timeout passed, or the signal aborted. Cost per call event is O(1), so
 * waiting on 100,000 futures stays linear.
 */
export async function waitForFutures(plan: WaitPlan): Promise<{ timedOut: boolean; failed: boolean }> {
  const { futures } = plan;
  const goal = target(futures.length, plan.returnWhen);
  // A mask of the watched calls per job; a lone future (callAsync) needs none.
  const lone = futures.length === 1 ? futures[0] : undefined;
  const masks = lone ? undefined : new Map<JobState, Uint8Array>();
  let done = 0;
  let failed = false;
  if (lone) {
    if (lone.job.isDone(lone.index)) {
      done = 1;
      failed = lone.job.state[lone.index] === FutureState.Error;
    }
  } else {
    for (const f of futures) {
      let m = masks!.get(f.job);
      if (!m) {
        m = new Uint8Array(f.job.n);
        masks!.set(f.job, m);
      }
      if (m[f.index]) continue;
      m[f.index] = 1;
      if (f.job.isDone(f.index)) {
        done++;
        if (f.job.state[f.index] === FutureState.Error) failed = true;
      }
    }
  }
  if (done >= goal || (failed && plan.throwExcept)) return { timedOut: false, failed };
  plan.signal?.throwIfAborted();
  const progress = plan.progress ? new Progress(futures.length) : undefined;
  progress?.start();
  const unsubs: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise((resolve, reject) => {
      const onDone = (job: JobState, i: number) => {
        done++;
        progress?.update(done);
        const err = job.state[i] === FutureState.Error;
        if (err) failed = true;
        if (done >= goal || (err && plan.throwExcept)) resolve({ timedOut: false, failed });
      };
      if (lone) {
        unsubs.push(
          lone.job.onDone((i) => {
            if (i === lone.index) onDone(lone.job, i);
          }),
        );
      }
      for (const [job, mask] of masks ?? []) {
        unsubs.push(
          job.onDone((i) => {
            if (mask[i]) onDone(job, i);
          }),
        );
      }
      if (plan.timeoutSec !== undefined)
        timer = setTimeout(() => resolve({ timedOut: true, failed }), plan.timeoutSec * 1000);
      if (plan.signal) {
        onAbort = () => reject(plan.signal!.reason);
        plan.signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  } finally {
    for (const u of unsubs) u();
    clearTimeout(timer);
    if (onAbort) plan.signal?.removeEventListener('abort', onAbort);
    progress?.finish(done);
  }
}
