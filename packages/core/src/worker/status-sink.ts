import type { CallStatus } from './status.js';

/** Where a worker reports calls: the pool's IPC on localhost, storage (+ events) elsewhere. */
export interface StatusSink {
  /** The call started running (the `init` mark that WORKER_LOST is timed from). */
  init(jobKey: string, callId: string, at: number): void | Promise<void>;
  status(jobKey: string, status: CallStatus): void | Promise<void>;
}
