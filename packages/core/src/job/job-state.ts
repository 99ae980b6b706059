import { decode } from '../codec/codec.js';
import type { LithopsErrorCode } from '../errors.js';
import type { CallStatus, RemoteErrorData } from '../worker/status.js';

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

/** Columns of the per-call timings array, epoch ms (as Lithops' stats timestamps). */
export const T = { submitted: 0, started: 1, fnStart: 2, fnEnd: 3, workerEnd: 4, received: 5 } as const;
const TCOLS = 6;

export interface CallFailure {
  code: LithopsErrorCode;
  error: RemoteErrorData;
}

/**
 * Everything known about the calls of one job, kept column-wise (typed arrays and sparse maps)
 * so that 100,000 futures cost bytes each, not an object graph each.
 */
export class JobState {
  readonly state: Uint8Array;
  readonly times: Float64Array;
  private readonly workerIdx: Uint16Array;
  private readonly workerNames: string[] = [];
  /** Encoded inline results, dropped once decoded. */
  readonly encoded: (Uint8Array | undefined)[];
  private keysOf?: Map<number, string>;
  private formatsOf?: Map<number, 'u8' | 'buffer'>;
  readonly values: unknown[];
  private failuresOf?: Map<number, CallFailure>;
  private outputsOf?: Map<number, string>;
  /** 1 once getResult() handed the value out (for getResult() with no futures). */
  readonly collected: Uint8Array;
  doneCount = 0;
  readonly jobKey: string;
  private listeners?: Set<(index: number) => void>;

  constructor(
    readonly executorId: string,
    readonly jobId: string,
    readonly n: number,
    readonly functionName: string,
  ) {
    this.jobKey = `${executorId}-${jobId}`;
    this.state = new Uint8Array(n);
    this.times = new Float64Array(n * TCOLS);
    this.workerIdx = new Uint16Array(n);
    this.encoded = new Array(n);
    this.values = new Array(n);
    this.collected = new Uint8Array(n);
  }

  // Sparse columns are made on first write: most jobs have no failures, outputs or stored results.
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

  time(i: number, col: number): number {
    return this.times[i * TCOLS + col]!;
  }

  setTime(i: number, col: number, v: number): void {
    this.times[i * TCOLS + col] = v;
  }

  isDone(i: number): boolean {
    return this.state[i]! >= FutureState.Ready;
  }

  workerId(i: number): string | undefined {
    const w = this.workerIdx[i]!;
    return w === 0 ? undefined : this.workerNames[w - 1];
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
    let w = this.workerNames.indexOf(workerId);
    if (w < 0) w = this.workerNames.push(workerId) - 1;
    this.workerIdx[i] = w + 1;
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
    if (s.output) {
      this.outputsOf ??= new Map();
      this.outputsOf.set(i, s.output);
    }
    if (s.ok) {
      this.state[i] = FutureState.Ready;
      if (s.resultFormat) {
        this.formatsOf ??= new Map();
        this.formatsOf.set(i, s.resultFormat);
      }
      if (s.resultKey) {
        this.keysOf ??= new Map();
        this.keysOf.set(i, s.resultKey);
      } else if (s.result && !s.resultFormat && s.result.byteLength <= TINY_RESULT_BYTES) {
        // A tiny result (a number, a flag) costs less decoded than as its own buffer.
        try {
          this.values[i] = decode(s.result);
        } catch {
          this.encoded[i] = s.result;
        }
      } else this.encoded[i] = s.result;
    } else {
      this.state[i] = FutureState.Error;
      this.failuresOf ??= new Map();
      this.failuresOf.set(i, {
        code: s.errorCode ?? 'FUNCTION_ERROR',
        error: s.error ?? { name: 'Error', message: 'unknown failure' },
      });
    }
    this.doneCount++;
    if (this.listeners) for (const l of this.listeners) l(i);
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
    this.listeners ??= new Set();
    const listeners = this.listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }
}
