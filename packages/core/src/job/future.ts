import { callIdOf } from '../worker/keys.js';
import { FutureState, type FutureStateName, type JobState, stateName, T } from './job-state.js';

/** Per-call timestamps (epoch seconds, as Lithops' stats) and where the call ran. */
export interface CallStats {
  host_submit_tstamp?: number;
  worker_start_tstamp?: number;
  worker_func_start_tstamp?: number;
  worker_func_end_tstamp?: number;
  worker_end_tstamp?: number;
  host_status_done_tstamp?: number;
  worker_exec_time?: number;
  worker_id?: string;
}

/** One call of a job. Light: all its data lives in the job's columns. */
export class ResponseFuture<R = unknown> {
  constructor(
    /** @internal */ readonly job: JobState,
    readonly index: number,
  ) {}

  get callId(): string {
    return callIdOf(this.index);
  }
  get jobKey(): string {
    return this.job.jobKey;
  }
  get executorId(): string {
    return this.job.executorId;
  }
  get jobId(): string {
    return this.job.jobId;
  }
  get state(): FutureStateName {
    return stateName(this.job.state[this.index]!);
  }
  /** The call ended (successfully or not). */
  get done(): boolean {
    return this.job.isDone(this.index);
  }
  get running(): boolean {
    return this.job.state[this.index] === FutureState.Running;
  }
  get success(): boolean {
    const s = this.job.state[this.index]!;
    return s === FutureState.Ready || s === FutureState.Success;
  }
  get error(): boolean {
    return this.job.state[this.index] === FutureState.Error;
  }
  /** What the call printed (bounded), once it ended. */
  get output(): string | undefined {
    return this.job.outputs.get(this.index);
  }
  get stats(): CallStats {
    const j = this.job;
    const i = this.index;
    const s = (col: number) => {
      const v = j.time(i, col);
      return v ? v / 1000 : undefined;
    };
    const out: CallStats = {
      host_submit_tstamp: s(T.submitted),
      worker_start_tstamp: s(T.started),
      worker_func_start_tstamp: s(T.fnStart),
      worker_func_end_tstamp: s(T.fnEnd),
      worker_end_tstamp: s(T.workerEnd),
      host_status_done_tstamp: s(T.received),
      worker_id: j.workerId(i),
    };
    if (out.worker_func_start_tstamp && out.worker_func_end_tstamp)
      out.worker_exec_time = out.worker_func_end_tstamp - out.worker_func_start_tstamp;
    return out;
  }

  /** Waits for the call and returns its result (throws its error unless `throwExcept: false`). */
  result(opts?: { throwExcept?: true; timeout?: number }): Promise<R>;
  result(opts: { throwExcept: false; timeout?: number }): Promise<R | Error>;
  result(opts: { throwExcept?: boolean; timeout?: number } = {}): Promise<R | Error> {
    return this.job.owner.resultOf(this, opts) as Promise<R | Error>;
  }

  toString(): string {
    return `ResponseFuture(${this.jobKey}/${this.callId} ${this.state})`;
  }
}

/** A list of futures (an Array), as Lithops' FuturesList. */
export class FuturesList<R = unknown> extends Array<ResponseFuture<R>> {
  static override get [Symbol.species]() {
    return Array;
  }

  static fromFutures<R>(items: Iterable<ResponseFuture<R>>): FuturesList<R> {
    const l = new FuturesList<R>();
    for (const f of items) l.push(f);
    return l;
  }
}
