import type { Readable } from 'node:stream';
import type {
  ByteRange,
  ListEntry,
  ListOptions,
  ObjectMeta,
  StorageBackend,
} from '../plugin/storage-backend.js';
import type { RetryOptions } from '../util/retry.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import { classifyStorageError, type StorageFailure } from './errors.js';
import { listPages, mergeListPage } from './listing.js';
import { objectInfo, objectMeta } from './object-info.js';
import { uploadInParts } from './parts.js';
import { rangeLength } from './ranges.js';
import { type OpenedBody, resumableRead } from './resumable-read.js';
import { StorageCalls, type StorageOp } from './storage-calls.js';
import { readAll } from './streams.js';

/** Bytes bodies up to this size go in one PutObject; streams and larger bodies in parts. */
const SINGLE_PUT_MAX = 64 * 2 ** 20;
/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;

/** A HeadObject answer, in the S3 API's own field names (every S3 SDK returns these). */
export interface S3HeadOutput {
  ContentLength?: number | undefined;
  ETag?: string | undefined;
  LastModified?: Date | undefined;
}

/** A DeleteObjects answer: the per-key errors. */
export interface S3DeleteOutput {
  Errors?:
    | { Key?: string | undefined; Code?: string | undefined; Message?: string | undefined }[]
    | undefined;
}

/** A ListObjectsV2 page. */
export interface S3ListOutput {
  Contents?:
    | {
        Key?: string | undefined;
        Size?: number | undefined;
        ETag?: string | undefined;
        LastModified?: Date | undefined;
      }[]
    | undefined;
  CommonPrefixes?: { Prefix?: string | undefined }[] | undefined;
  IsTruncated?: boolean | undefined;
  NextContinuationToken?: string | undefined;
}

/**
 * The S3 REST calls, made by one SDK (`@aws-sdk/client-s3`, `ibm-cos-sdk`, ...). Each is a single
 * attempt: retries and error mapping are `S3CompatibleBackend`'s.
 */
export interface S3Protocol {
  /** HTTP status and service/network code of an SDK error: the backend's mapping table reads these. */
  errorFields(err: unknown): { status?: number; code?: string };
  putObject(bucket: string, key: string, body: Uint8Array): Promise<void>;
  createMultipartUpload(bucket: string, key: string): Promise<string>;
  /** Returns the part's ETag. */
  uploadPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
  ): Promise<string>;
  completeMultipartUpload(
    bucket: string,
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; tag: string }[],
  ): Promise<void>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  /**
   * The whole body (of the range), read inside the attempt so a cut body is retried too. Left out
   * where the SDK does not notice a body cut mid-way (ibm-cos-sdk's buffered read waits for its
   * idle timeout): reads then go through the resumable stream.
   */
  getObject?(bucket: string, key: string, range: ByteRange | undefined): Promise<Uint8Array>;
  /**
   * Resolves once the response headers are in, with the body, its Content-Length and the ETag;
   * `ifMatch` (when resuming) asks for that version only.
   */
  getObjectStream(
    bucket: string,
    key: string,
    range: ByteRange | undefined,
    ifMatch: string | undefined,
  ): Promise<OpenedBody>;
  headObject(bucket: string, key: string): Promise<S3HeadOutput>;
  /** Deletes up to 1,000 keys, quietly (only errors come back). */
  deleteObjects(bucket: string, keys: readonly string[]): Promise<S3DeleteOutput>;
  listObjectsV2(
    bucket: string,
    opts: { prefix?: string | undefined; delimiter?: string | undefined; token?: string | undefined },
  ): Promise<S3ListOutput>;
  headBucket(bucket: string): Promise<void>;
  /** Creates a bucket where the client's region/location says. */
  createBucket(bucket: string): Promise<void>;
  deleteBucket(bucket: string): Promise<void>;
}

export interface S3CompatibleOptions {
  bucket: string;
  /** Shown in error messages (never with credentials). */
  endpointLabel: string;
  retry: RetryOptions;
  breaker?: CircuitBreakerOptions | undefined;
  partSize?: number | undefined;
}

/**
 * A storage backend over the S3 protocol: multipart uploads, ranges cut to size, paged listings,
 * batched deletes, and one error mapping (a bare 404 is checked against the bucket before the key
 * is blamed). Packages supply the SDK calls (`S3Protocol`) and keep their client.
 */
export class S3CompatibleBackend<Client> implements StorageBackend {
  readonly bucket: string;
  protected readonly calls: StorageCalls;

  constructor(
    readonly name: string,
    readonly client: Client,
    private readonly s3: S3Protocol,
    private readonly opts: S3CompatibleOptions,
  ) {
    this.bucket = opts.bucket;
    this.calls = new StorageCalls({
      backend: name,
      endpoint: opts.endpointLabel,
      retry: opts.retry,
      breaker: opts.breaker,
      classify: (e, op) => this.classify(e, op),
    });
  }

  private failureOf(e: unknown, hasKey: boolean): StorageFailure {
    return classifyStorageError(e, { ...this.s3.errorFields(e), hasKey });
  }

  private async classify(e: unknown, op: StorageOp): Promise<StorageFailure> {
    const failure = this.failureOf(e, op.key !== undefined);
    // HEAD answers a missing bucket with a bare 404: ask the bucket before blaming the key.
    if (failure === 'no-such-key' && op.bucket !== undefined) {
      const exists = await this.bucketExists(op.bucket).catch(() => true);
      if (!exists) return 'no-such-bucket';
    }
    return failure;
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const op = { op: 'putObject', bucket, key };
    const s3 = this.s3;
    const run = <T>(fn: () => Promise<T>, what = op) => this.calls.run(what, fn);
    await uploadInParts<string>(
      body,
      { singlePutMax: SINGLE_PUT_MAX, ...(this.opts.partSize ? { partSize: this.opts.partSize } : {}) },
      {
        putSingle: (b) => run(() => s3.putObject(bucket, key, b)),
        start: () => run(() => s3.createMultipartUpload(bucket, key)),
        uploadPart: (id, n, b) =>
          run(() => s3.uploadPart(bucket, key, id, n, b), { ...op, op: `putObject (part ${n})` }),
        complete: (id, parts) => run(() => s3.completeMultipartUpload(bucket, key, id, parts)),
        abort: (id) => run(() => s3.abortMultipartUpload(bucket, key, id)),
      },
    );
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    const read = this.s3.getObject?.bind(this.s3);
    if (!read) return readAll(await this.stream({ op: 'getObject', bucket, key }, opts.range));
    const bytes = await this.calls.run({ op: 'getObject', bucket, key }, () => read(bucket, key, opts.range));
    const want = rangeLength(opts.range);
    return want !== undefined && bytes.length > want ? bytes.subarray(0, want) : bytes;
  }

  getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    return this.stream({ op: 'getObjectStream', bucket, key }, opts.range);
  }

  /** A read that resumes from the next byte when a connection is lost mid-body. */
  private stream(
    op: StorageOp & { bucket: string; key: string },
    range: ByteRange | undefined,
  ): Promise<Readable> {
    return resumableRead(this.calls, op, {
      range,
      open: (r, ifMatch) => this.s3.getObjectStream(op.bucket, op.key, r, ifMatch),
    });
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const r = await this.calls.run({ op: 'headObject', bucket, key }, () => this.s3.headObject(bucket, key));
    return objectMeta({ size: r.ContentLength, etag: r.ETag, lastModified: r.LastModified });
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const r = await this.calls.run({ op: 'deleteObjects', bucket }, () =>
        this.s3.deleteObjects(bucket, batch),
      );
      const failed = r.Errors?.find((e) => e.Code !== 'NoSuchKey');
      if (failed) {
        const cause = Object.assign(new Error(failed.Message ?? 'delete failed'), {
          name: failed.Code ?? 'Error',
          code: failed.Code,
        });
        throw await this.calls.fail({ op: 'deleteObjects', bucket, key: failed.Key ?? '' }, cause);
      }
    }
  }

  listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    return listPages(async (token) => {
      const r = await this.calls.run({ op: 'listObjects', bucket }, () =>
        this.s3.listObjectsV2(bucket, {
          prefix: opts.prefix || undefined,
          delimiter: opts.delimiter || undefined,
          token,
        }),
      );
      const objects = (r.Contents ?? []).map((o) =>
        objectInfo(o.Key!, { size: o.Size, etag: o.ETag, lastModified: o.LastModified }),
      );
      const prefixes = (r.CommonPrefixes ?? []).map((p) => p.Prefix!);
      return {
        entries: mergeListPage(objects, prefixes),
        next: r.IsTruncated ? r.NextContinuationToken : undefined,
      };
    });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.calls.retried(() => this.s3.headBucket(bucket));
      return true;
    } catch (e) {
      const failure = this.failureOf(e, false);
      if (failure === 'no-such-bucket') return false;
      throw this.calls.error(failure, { op: 'bucketExists', bucket }, e);
    }
  }

  async createBucket(bucket: string): Promise<void> {
    try {
      await this.calls.retried(() => this.s3.createBucket(bucket));
    } catch (e) {
      if (this.s3.errorFields(e).code === 'BucketAlreadyOwnedByYou') return;
      throw await this.calls.fail({ op: 'createBucket', bucket }, e);
    }
  }

  async deleteBucket(bucket: string): Promise<void> {
    try {
      await this.calls.retried(() => this.s3.deleteBucket(bucket));
    } catch (e) {
      if (this.failureOf(e, false) === 'no-such-bucket') return;
      throw await this.calls.fail({ op: 'deleteBucket', bucket }, e);
    }
  }

  getClient(): Client {
    return this.client;
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}
