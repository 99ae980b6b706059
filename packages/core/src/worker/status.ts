import type { LithopsErrorCode } from '../errors.js';

/** An error as it travels from a worker: enough to rebuild it on the client. */
export interface RemoteErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: RemoteErrorData;
}

/** Epoch milliseconds of each step of one call, as measured on the worker. */
export interface CallTimings {
  /** The worker took the call. */
  start: number;
  /** The user function was entered. */
  fnStart: number;
  /** The user function returned or threw. */
  fnEnd: number;
  /** The status was produced. */
  end: number;
}

/** The final status of one call. Never holds credentials. */
export interface CallStatus {
  callId: string;
  workerId: string;
  ok: boolean;
  /** Encoded result, when small enough to travel inline. */
  result?: Uint8Array;
  /** Set when the result is raw bytes (a Uint8Array or Buffer) rather than encoded. */
  resultFormat?: 'u8' | 'buffer';
  /** Storage key of `output.bin` when the encoded result was too large to inline. */
  resultKey?: string;
  /** The user's error (`FUNCTION_ERROR`) or a runtime failure (`TIMEOUT`, `OUT_OF_MEMORY`, ...). */
  error?: RemoteErrorData;
  errorCode?: LithopsErrorCode;
  timings: CallTimings;
  /** What the call printed (stdout and stderr interleaved), bounded. */
  output?: string;
}
