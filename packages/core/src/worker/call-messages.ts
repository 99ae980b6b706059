import type { ResultFormat } from '../codec/codec.js';
import type { LithopsSection } from '../config/lithops-section.js';
import type { RemoteErrorData } from './status.js';

/** Host → call thread: run one call. */
export interface CallRequest {
  type: 'call';
  seq: number;
  bundlePath: string;
  /** The bundle's SHA-256: its bytes are checked against it as they are loaded. */
  bundleSha256: string;
  callId: string;
  jobKey: string;
  input: Uint8Array;
  extraArgs?: Uint8Array;
  extraEnv?: Record<string, string>;
}

/** Call thread → host: the call ended. */
export interface CallReply {
  type: 'done';
  seq: number;
  ok: boolean;
  result?: Uint8Array;
  /** Set for raw binary results (see encodeResult). */
  format?: ResultFormat;
  error?: RemoteErrorData;
  /** Set when the result could not be encoded. */
  unserializable?: boolean;
  fnStart: number;
  fnEnd: number;
  output: string;
}

/** What every call thread is started with. */
/**
 * Config a worker creates its storage backend from. `lithops` is the `lithops` section of `raw`
 * already validated (by the client or the worker's host): a thread then starts without running
 * that validation again.
 */
export interface StorageConfig {
  raw: Record<string, unknown>;
  dir: string;
  source: string;
  lithops?: LithopsSection;
}

export interface CallThreadData {
  /** Config to create `ctx.storage` from, in the thread (never sent in a payload). */
  storageConfig?: StorageConfig;
}

/** Most a call may print before its captured output is cut. */
export const MAX_CAPTURED_OUTPUT = 64 * 1024;
