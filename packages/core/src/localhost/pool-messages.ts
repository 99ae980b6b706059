import type { LithopsErrorCode } from '../errors.js';
import type { InvocationPayload } from '../plugin/compute-backend.js';
import type { StorageConfig } from '../worker/call-messages.js';
import type { CallStatus, RemoteErrorData } from '../worker/status.js';

/**
 * A localhost pool: each worker process supervises its call threads (one per heap limit); the
 * threads talk to the client directly over a local socket (frames.ts), so a call crosses no
 * extra hop. The process's IPC channel carries only set-up and what a thread cannot say itself.
 */

export interface PoolInit {
  type: 'init';
  procId: number;
  workerId: string;
  bundleDir: string;
  storageConfig: StorageConfig;
  /** Where the client listens for its call threads. */
  socketPath: string;
  /** Proves to the client that a connection comes from its own pool. */
  nonce: string;
}

/** Client → pool process (IPC). */
export type ToPoolProcess = PoolInit | { type: 'slot'; memoryMb: number };

/** Pool process → client (IPC). */
export type FromPoolProcess =
  | { type: 'init-failed'; message: string }
  /** A call has been running for a while (reported for long calls only). */
  | { type: 'init'; memoryMb: number; gen: number; token: number; at: number }
  /** A call thread ended: the call it was running (token, 0 if none) failed with `code`. */
  | {
      type: 'thread-ended';
      memoryMb: number;
      gen: number;
      token: number;
      code: LithopsErrorCode;
      error: RemoteErrorData;
    };

/** What a pool thread is started with (workerData). */
export interface PoolThreadData {
  storageConfig: PoolInit['storageConfig'];
  procId: number;
  workerId: string;
  bundleDir: string;
  socketPath: string;
  nonce: string;
  memoryMb: number;
  /** Counts the threads of one heap limit in one process: replaced threads are told apart. */
  gen: number;
  running: SharedArrayBuffer;
}

/** An invocation as the client sends it; call i of the payload has token `firstToken + i`. */
interface InvokeItem {
  seq: number;
  firstToken: number;
  payload: InvocationPayload;
}

/** Client → call thread (socket frames). `warm`: load a bundle ahead of its first call. */
export type ToPoolThread =
  | { t: 'invoke'; items: InvokeItem[] }
  | { t: 'cancel'; jobKey: string }
  | { t: 'warm'; func: InvocationPayload['func']; bucket: string };

/** Call thread → client (socket frames). */
export type FromPoolThread =
  | { t: 'hello'; nonce: string; procId: number; memoryMb: number; gen: number }
  | { t: 'status'; jobKey: string; status: CallStatus }
  | { t: 'skipped'; seq: number };
