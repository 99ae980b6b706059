import type { ResultFormat } from '../codec/codec.js';
/**
 * What travels in the call data for data inputs: plain, structured-cloneable records the worker
 * turns into an `ObjectChunk` (or a reducer's results) before calling the function. Kept small:
 * the call thread imports this for every call.
 */

/** Marks a descriptor. A key no user data has by accident (it starts with a NUL). */
export const DATA_MARK = '\u0000lithops.data';

/** Where a chunk's bytes are read from. */
export type ChunkSource =
  | { kind: 'object'; backend: string; bucket: string; key: string }
  | { kind: 'http'; url: string }
  | { kind: 'file'; path: string };

export interface ChunkDescriptor {
  [DATA_MARK]: 'chunk';
  source: ChunkSource;
  /** Size of the whole object, from the listing. */
  size: number;
  partIndex: number;
  partCount: number;
  /** Nominal byte range `[start, end)`. */
  range: [number, number];
  /** Line separator (`objNewline`), or null for exact byte ranges. */
  newline: string | null;
}

/** The outcome of one map call, as a reducer gets it inline (known when it was spawned). */
export interface InlineOutcome {
  ok: boolean;
  /** Encoded result. */
  result?: Uint8Array;
  /** Where the encoded result is stored when it was too large to travel with the status. */
  resultKey?: string;
  /** Set when the result is raw bytes rather than encoded (see encodeResult). */
  resultFormat?: ResultFormat;
  error?: { name: string; message: string; stack?: string; code?: string | number };
  /** Runtime failures (TIMEOUT, WORKER_DIED, ...): kept as the rebuilt error's `code`. */
  errorCode?: string;
}

export interface ReduceDescriptor {
  [DATA_MARK]: 'reduce';
  /** The map job's key and where its statuses are stored. */
  jobKey: string;
  bucket: string;
  prefix: string;
  /** Map calls whose results the reducer gets, in order. */
  callIds: string[];
  /** Outcomes already known when the reducer was spawned; null: read it from storage. */
  inline: (InlineOutcome | null)[];
}

export type DataDescriptor = ChunkDescriptor | ReduceDescriptor;

export function isDescriptor(v: unknown): v is DataDescriptor {
  return typeof v === 'object' && v !== null && DATA_MARK in v;
}

/** True when the value is, or carries in `obj`, a descriptor: the worker must resolve it. */
export function hasDescriptor(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (DATA_MARK in v) return true;
  const obj = (v as { obj?: unknown }).obj;
  return typeof obj === 'object' && obj !== null && DATA_MARK in obj;
}
