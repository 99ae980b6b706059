import type { CallStatus } from '../worker/status.js';

/** What the executor asks a compute backend to deploy: the worker runtime for one memory size. */
export interface RuntimeSpec {
  /** Runtime name from config (`runtime`), or the backend's default. */
  name: string;
  memoryMb: number;
  timeoutSec: number;
}

export interface RuntimeInfo {
  /** Content-derived key of the deployed artifact. */
  key: string;
  name: string;
  memoryMb: number;
  timeoutSec: number;
  /** Backend-specific data (function ARN, URL, ...). */
  meta?: Record<string, unknown>;
}

/** Where a call's input lives: a byte range of the job's call-data object. */
export interface CallRef {
  callId: string;
  /** Inclusive start and exclusive end offsets in the call-data object. */
  start: number;
  end: number;
}

/**
 * One invocation: a group of calls (`chunksize`) of one job. Holds no credentials and no call
 * data: the worker reads those from storage and its own environment.
 */
export interface InvocationPayload {
  codecVersion: number;
  executorId: string;
  jobId: string;
  /** `<executorId>-<jobId>`: the job's folder under the storage prefix. */
  jobKey: string;
  storage: { backend: string; bucket: string; prefix: string };
  func: { key: string; sha256: string; exportName: string };
  /** Call-data object key; `extraArgs` (encoded once per job) is a range of it. */
  dataKey: string;
  /**
   * The invocation's call data itself, instead of `dataKey` (only for small jobs on backends whose
   * transport carries bytes, i.e. localhost): `calls` starts at `calls[0].start`.
   */
  inline?: { calls: Uint8Array; extraArgs?: Uint8Array };
  extraArgsRange?: readonly [start: number, end: number];
  calls: CallRef[];
  timeoutSec: number;
  memoryMb?: number;
  extraEnv?: Record<string, string>;
  /** Results whose encoding is larger than this go to `output.bin` instead of the status. */
  maxInlineResultBytes: number;
}

export interface BackendLimits {
  maxWorkers: number;
  maxPayloadBytes: number;
  maxTimeoutSec: number;
  memoryMb?: readonly [min: number, max: number];
}

/** Call events a backend reports by itself (the localhost pool does, over IPC). */
export type CallEvent =
  | { type: 'init'; jobKey: string; callId: string; workerId: string; at: number }
  | { type: 'status'; jobKey: string; status: CallStatus };

export interface ComputeBackend extends AsyncDisposable {
  readonly name: string;
  readonly limits: BackendLimits;
  /** Idempotent and cached by key. */
  deployRuntime(spec: RuntimeSpec, signal?: AbortSignal): Promise<RuntimeInfo>;
  invoke(runtime: RuntimeInfo, payload: InvocationPayload): Promise<{ activationId: string }>;
  listRuntimes(): Promise<RuntimeInfo[]>;
  deleteRuntime(key: string): Promise<void>;
  /** Removes everything this backend created. */
  clean(opts?: { all?: boolean }): Promise<void>;
  /**
   * Optional: a backend that learns call events itself delivers them here, and the executor
   * then needs no storage polling for its jobs.
   */
  onCallEvent?(listener: (event: CallEvent) => void): void;
  /** Optional: stop invocations of a job that have not started (best effort). */
  cancel?(jobKey: string): void;
}
