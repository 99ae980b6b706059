import type { Readable } from 'node:stream';

/** One object in a listing. */
export interface ObjectInfo {
  type: 'object';
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

/** A common prefix ("folder") in a listing made with a delimiter. */
export interface PrefixInfo {
  type: 'prefix';
  prefix: string;
}

export type ListEntry = ObjectInfo | PrefixInfo;

export interface ObjectMeta {
  size: number;
  etag?: string;
  lastModified?: Date;
}

/** Inclusive byte range `[start, endInclusive]`, as in HTTP `Range: bytes=start-end`. */
export type ByteRange = readonly [start: number, endInclusive: number];

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
}

/**
 * What a storage plugin implements. Every method throws `LithopsError`:
 * `NOT_FOUND` for a missing key or bucket (the message names which), `ACCESS_DENIED`,
 * `UNAVAILABLE` for an unreachable endpoint (bounded retries), the SDK error as `cause`.
 */
export interface StorageBackend extends AsyncDisposable {
  /** Config name of the backend, e.g. `aws_s3`. */
  readonly name: string;
  /** The configured storage bucket (`storage_bucket`), where Lithops keeps job data. */
  readonly bucket: string;
  putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void>;
  getObject(bucket: string, key: string, opts?: { range?: ByteRange }): Promise<Uint8Array>;
  getObjectStream(bucket: string, key: string, opts?: { range?: ByteRange }): Promise<Readable>;
  headObject(bucket: string, key: string): Promise<ObjectMeta>;
  /** Deletes the keys (any number; batched internally). Missing keys are not an error. */
  deleteObjects(bucket: string, keys: readonly string[]): Promise<void>;
  /** All entries under the prefix, fetched page by page as the caller iterates. */
  listObjects(bucket: string, opts?: ListOptions): AsyncIterable<ListEntry>;
  bucketExists(bucket: string): Promise<boolean>;
  createBucket(bucket: string): Promise<void>;
  deleteBucket(bucket: string): Promise<void>;
  /** The raw SDK client, for what the facade does not cover. */
  getClient(): unknown;
}
