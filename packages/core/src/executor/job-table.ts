import { FutureState, type JobState } from '../job/job-state.js';
import type { CallEvent } from '../plugin/compute-backend.js';
import { callIdOf } from '../worker/keys.js';
import type { Backends } from './backends.js';

/** The jobs of an executor: every one (for clean), and those with calls not ended (for events). */
export class JobTable {
  readonly all: JobState[] = [];
  private readonly pending = new Map<string, JobState>();

  add(job: JobState): void {
    this.all.push(job);
    this.pending.set(job.jobKey, job);
  }

  /** Jobs that still have calls not ended. */
  unfinished(): IterableIterator<JobState> {
    return this.pending.values();
  }

  onEvent(e: CallEvent): void {
    const job = this.pending.get(e.jobKey);
    if (!job) return;
    if (e.type === 'init') job.markRunning(Number.parseInt(e.callId, 10), e.workerId, e.at);
    else {
      job.finish(Number.parseInt(e.status.callId, 10), e.status);
      this.dropIfDone(job);
    }
  }

  /** A job whose calls all ended gets no more events. */
  dropIfDone(job: JobState): void {
    if (job.doneCount === job.n) this.pending.delete(job.jobKey);
  }

  /** Fails the job's calls that have not started (ABORTED) and tells the backends to drop them. */
  cancel(job: JobState, b: Backends, message: string): void {
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
}
