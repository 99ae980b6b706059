import { decode } from '../codec/codec.js';
import type { LithopsErrorCode } from '../errors.js';
import type { CallStatus, RemoteErrorData } from '../worker/status.js';
import type { ResponseFuture } from './future.js';

/** Lithops' future states, in order. */
export const FutureState = {
  New: 0,
  Invoked: 1,
  Running: 2,
  /** Finished successfully; the result is not decoded yet. */
  Ready: 3,
  /** Finished successfully; the result is decoded. */
  Success: 4,
  Error: 5,
} as const;
export type FutureStateName = keyof typeof FutureState;
const NAMES = Object.keys(FutureState) as FutureStateName[];
export function stateName(code: number): FutureStateName {
  return NAMES[code]!;
}

/** Results up to this many encoded bytes are decoded as they arrive (see finish). */
const TINY_RESULT_BYTES = 16;

const NONE: ReadonlyMap<number, never> = new Map<number, never>();

/** A sparse column with one more entry, made on its first. */
function withEntry<V>(column: Map<number, V> | undefined, i: number, v: V): Map<number, V> {
  const m = column ?? new Map<number, V>();
  m.set(i, v);
  return m;
}

/** Columns of the per-call timings array, epoch ms (as Lithops' stats timestamps). */
export const T = { submitted: 0, started: 1, fnStart: 2, fnEnd: 3, workerEnd: 4, received: 5 } as const;
/** Two more numeric columns share that array: the worker's index (+1) and the collected flag. */
const WORKER = 6;
const COLLECTED = 7;
const COLS = 8;

export interface CallFailure {
  code: LithopsErrorCode;
  error: RemoteErrorData;
}

/** What a job's futures need from the executor that made it. */
export interface JobOwner {
  resultOf(
    future: ResponseFuture<unknown>,
    opts?: { throwExcept?: boolean; timeout?: number },
  ): Promise<unknown>;
}

/**
 * Everything known about the calls of one job, kept column-wise (two typed arrays, and sparse
 * columns made on first write) so that 100,000 futures cost bytes each, not an object graph
 * each, and a job of one call (callAsync) costs well under a kilobyte.
 */
export class JobState {
  readonly state: Uint8Array;
  private readonly cols: Float64Array;
  private workerNames?: string[];
  private encodedOf?: (Uint8Array | undefined)[];
  private valuesOf?: unknown[];
  private keysOf?: Map<number, string>;
  private formatsOf?: Map<number, 'u8' | 'buffer'>;
  private failuresOf?: Map<number, CallFailure>;
  private outputsOf?: Map<number, string>;
  doneCount = 0;
  readonly jobKey: string;
  private listeners?: ((index: number) => void)[];

  constructor(
    readonly executorId: string,
    readonly jobId: string,
    readonly n: number,
    readonly functionName: string,
    readonly owner: JobOwner,
  ) {
    this.jobKey = `${executorId}-${jobId}`;
    this.state = new Uint8Array(n);
    this.cols = new Float64Array(n * COLS);
  }

  /** Storage keys of results too large to travel inline. */
  get resultKeys(): ReadonlyMap<number, string> {
    return this.keysOf ?? NONE;
  }
  /** Calls whose result is raw bytes, with their kind (see encodeResult). */
  get resultFormats(): ReadonlyMap<number, 'u8' | 'buffer'> {
    return this.formatsOf ?? NONE;
  }
  get failures(): ReadonlyMap<number, CallFailure> {
    return this.failuresOf ?? NONE;
  }
  get outputs(): ReadonlyMap<number, string> {
    return this.outputsOf ?? NONE;
  }

  /** The encoded result of a call, until it is decoded. */
  encoded(i: number): Uint8Array | undefined {
    return this.encodedOf?.[i];
  }
  setEncoded(i: number, bytes: Uint8Array | undefined): void {
    if (bytes === undefined && !this.encodedOf) return;
    this.encodedOf ??= new Array(this.n);
    this.encodedOf[i] = bytes;
  }
  /** The decoded result of a call. */
  value(i: number): unknown {
    return this.valuesOf?.[i];
  }
  setValue(i: number, v: unknown): void {
    this.valuesOf ??= new Array(this.n);
    this.valuesOf[i] = v;
  }

  /** getResult() handed the value out (getResult() with no futures skips it). */
  collected(i: number): boolean {
    return this.cols[i * COLS + COLLECTED] === 1;
  }
  markCollected(i: number): void {
    this.cols[i * COLS + COLLECTED] = 1;
  }

  time(i: number, col: number): number {
    return this.cols[i * COLS + col]!;
  }

  setTime(i: number, col: number, v: number): void {
    this.cols[i * COLS + col] = v;
  }

  isDone(i: number): boolean {
    return this.state[i]! >= FutureState.Ready;
  }

  workerId(i: number): string | undefined {
    const w = this.cols[i * COLS + WORKER]!;
    return w === 0 ? undefined : this.workerNames?.[w - 1];
  }

  markInvoked(from: number, to: number, at: number): void {
    for (let i = from; i < to; i++) {
      if (this.state[i] === FutureState.New) this.state[i] = FutureState.Invoked;
      this.setTime(i, T.submitted, at);
    }
  }

  markRunning(i: number, workerId: string, at: number): void {
    if (this.state[i]! >= FutureState.Running) return;
    this.state[i] = FutureState.Running;
    this.setTime(i, T.started, at);
    this.setWorker(i, workerId);
  }

  private setWorker(i: number, workerId: string): void {
    this.workerNames ??= [];
    const names = this.workerNames;
    let w = names.indexOf(workerId);
    if (w < 0) w = names.push(workerId) - 1;
    this.cols[i * COLS + WORKER] = w + 1;
  }

  /** Records a final status; later statuses for the same call are ignored. */
  finish(i: number, s: CallStatus): void {
    if (this.isDone(i)) return;
    if (!this.time(i, T.started)) this.setTime(i, T.started, s.timings.start);
    this.setTime(i, T.fnStart, s.timings.fnStart);
    this.setTime(i, T.fnEnd, s.timings.fnEnd);
    this.setTime(i, T.workerEnd, s.timings.end);
    this.setTime(i, T.received, Date.now());
    this.setWorker(i, s.workerId);
    if (s.output) this.outputsOf = withEntry(this.outputsOf, i, s.output);
    if (s.ok) {
      this.state[i] = FutureState.Ready;
      if (s.resultFormat) this.formatsOf = withEntry(this.formatsOf, i, s.resultFormat);
      if (s.resultKey) this.keysOf = withEntry(this.keysOf, i, s.resultKey);
      else if (s.result && !s.resultFormat && s.result.byteLength <= TINY_RESULT_BYTES) {
        // A tiny result (a number, a flag) costs less decoded than as its own buffer.
        try {
          this.setValue(i, decode(s.result));
        } catch {
          this.setEncoded(i, s.result);
        }
      } else this.setEncoded(i, s.result);
    } else {
      this.state[i] = FutureState.Error;
      this.failuresOf = withEntry(this.failuresOf, i, {
        code: s.errorCode ?? 'FUNCTION_ERROR',
        error: s.error ?? { name: 'Error', message: 'unknown failure' },
      });
    }
    this.doneCount++;
    // A listener may unsubscribe as it runs: several are called from a copy.
    const ls = this.listeners;
    if (ls?.length === 1) ls[0]!(i);
    else if (ls) for (const l of [...ls]) l(i);
  }

  /** Fails a call that will never run (cancelled, or its job could not be submitted). */
  fail(i: number, code: LithopsErrorCode, message: string): void {
    const now = Date.now();
    this.finish(i, {
      callId: '',
      workerId: 'client',
      ok: false,
      errorCode: code,
      error: { name: 'LithopsError', message },
      timings: { start: now, fnStart: now, fnEnd: now, end: now },
    });
  }

  onDone(listener: (index: number) => void): () => void {
    this.listeners ??= [];
    const listeners = this.listeners;
    listeners.push(listener);
    return () => {
      const at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
      if (listeners.length === 0 && this.listeners === listeners) this.listeners = undefined;
    };
  }
}
