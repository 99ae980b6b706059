import type { Readable } from 'node:stream';
import {
  type ByteRange,
  classifyStorageError,
  type ListEntry,
  type ListOptions,
  LithopsError,
  listPages,
  mergeListPage,
  type ObjectMeta,
  type RetryOptions,
  type StorageBackend,
  type StorageCallContext,
  storageError,
  takeBytes,
  uploadInParts,
  withRetries,
} from '@lithops/core/plugin';
import type COS from 'ibm-cos-sdk';

const NAME = 'ibm_cos';
/** Bytes bodies up to this size go in one PutObject; streams and larger bodies in parts. */
const SINGLE_PUT_MAX = 64 * 2 ** 20;

export interface IbmCosBackendOptions {
  bucket: string;
  /** Shown in error messages (never with credentials). */
  endpointLabel: string;
  retry: RetryOptions;
  /** Location constraint for new buckets, e.g. `us-east-smart`. */
  locationConstraint?: string;
}

type Call = Omit<StorageCallContext, 'backend' | 'endpoint'>;

function errorFields(e: unknown): { status?: number; code?: string } {
  if (typeof e !== 'object' || e === null) return {};
  const r = e as { statusCode?: unknown; code?: unknown };
  return {
    ...(typeof r.statusCode === 'number' ? { status: r.statusCode } : {}),
    ...(typeof r.code === 'string' ? { code: r.code } : {}),
  };
}

function rangeHeader(range: ByteRange | undefined): { Range?: string } {
  return range ? { Range: `bytes=${range[0]}-${range[1]}` } : {};
}

/** Bytes a range asks for; a server that sends more is cut to it (s3rver ignores an end of 0). */
function rangeLength(range: ByteRange | undefined): number | undefined {
  return range ? range[1] - range[0] + 1 : undefined;
}

/** Storage on IBM Cloud Object Storage, through `ibm-cos-sdk`. */
export class IbmCosBackend implements StorageBackend {
  readonly name = NAME;
  readonly bucket: string;

  constructor(
    readonly client: COS.S3,
    private readonly opts: IbmCosBackendOptions,
  ) {
    this.bucket = opts.bucket;
  }

  /** Runs one SDK call with core's retries and turns what still fails into a LithopsError. */
  private async call<T>(ctx: Call, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(fn, this.opts.retry);
    } catch (e) {
      throw await this.toLithopsError(e, ctx);
    }
  }

  private async toLithopsError(e: unknown, ctx: Call): Promise<unknown> {
    if (LithopsError.isInstance(e)) return e;
    let failure = classifyStorageError(e, { ...errorFields(e), hasKey: ctx.key !== undefined });
    // HEAD answers a missing bucket with a bare 404: ask the bucket before blaming the key.
    if (
      failure === 'no-such-key' &&
      ctx.bucket !== undefined &&
      !(await this.bucketExists(ctx.bucket).catch(() => true))
    ) {
      failure = 'no-such-bucket';
    }
    return storageError(failure, { ...ctx, backend: NAME, endpoint: this.opts.endpointLabel }, e);
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const ctx = { op: 'putObject', bucket, key };
    const c = this.client;
    await uploadInParts<string>(
      body,
      { singlePutMax: SINGLE_PUT_MAX },
      {
        putSingle: async (b) => {
          await this.call(ctx, () =>
            c.putObject({ Bucket: bucket, Key: key, Body: b, ContentLength: b.length }).promise(),
          );
        },
        start: async () =>
          (await this.call(ctx, () => c.createMultipartUpload({ Bucket: bucket, Key: key }).promise()))
            .UploadId!,
        uploadPart: async (UploadId, PartNumber, b) => {
          const r = await this.call({ ...ctx, op: `putObject (part ${PartNumber})` }, () =>
            c
              .uploadPart({
                Bucket: bucket,
                Key: key,
                UploadId,
                PartNumber,
                Body: b,
                ContentLength: b.length,
              })
              .promise(),
          );
          return r.ETag!;
        },
        complete: async (UploadId, parts) => {
          const Parts = parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.tag }));
          await this.call(ctx, () =>
            c
              .completeMultipartUpload({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts } })
              .promise(),
          );
        },
        abort: async (UploadId) => {
          await this.call(ctx, () =>
            c.abortMultipartUpload({ Bucket: bucket, Key: key, UploadId }).promise(),
          );
        },
      },
    );
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    const r = await this.call({ op: 'getObject', bucket, key }, () =>
      this.client.getObject({ Bucket: bucket, Key: key, ...rangeHeader(opts.range) }).promise(),
    );
    const body = (r.Body as Uint8Array | undefined) ?? new Uint8Array(0);
    const want = rangeLength(opts.range);
    return want !== undefined && body.length > want ? body.subarray(0, want) : body;
  }

  async getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    // Wait for the response headers, so a missing key fails here and not in the consumer's stream.
    const { stream, length } = await this.call({ op: 'getObjectStream', bucket, key }, () => {
      const req = this.client.getObject({ Bucket: bucket, Key: key, ...rangeHeader(opts.range) });
      const stream = req.createReadStream();
      return new Promise<{ stream: Readable; length: number }>((resolve, reject) => {
        req.on('httpHeaders', (status, headers) => {
          if (status < 300) resolve({ stream, length: Number(headers['content-length'] ?? 0) });
        });
        stream.once('error', reject);
      });
    });
    const want = rangeLength(opts.range);
    return want !== undefined && length > want ? takeBytes(stream, want) : stream;
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const r = await this.call({ op: 'headObject', bucket, key }, () =>
      this.client.headObject({ Bucket: bucket, Key: key }).promise(),
    );
    return {
      size: r.ContentLength ?? 0,
      ...(r.ETag ? { etag: r.ETag } : {}),
      ...(r.LastModified ? { lastModified: r.LastModified } : {}),
    };
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    // DeleteObjects takes at most 1,000 keys per request.
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      const r = await this.call({ op: 'deleteObjects', bucket }, () =>
        this.client.deleteObjects({ Bucket: bucket, Delete: { Objects, Quiet: true } }).promise(),
      );
      const failed = r.Errors?.find((e) => e.Code !== 'NoSuchKey');
      if (failed) {
        const cause = Object.assign(new Error(failed.Message ?? 'delete failed'), { code: failed.Code });
        throw await this.toLithopsError(cause, { op: 'deleteObjects', bucket, key: failed.Key ?? '' });
      }
    }
  }

  listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    return listPages(async (token) => {
      const r = await this.call({ op: 'listObjects', bucket }, () =>
        this.client
          .listObjectsV2({
            Bucket: bucket,
            ...(opts.prefix ? { Prefix: opts.prefix } : {}),
            ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          })
          .promise(),
      );
      const objects = (r.Contents ?? []).map((o) => ({
        type: 'object' as const,
        key: o.Key!,
        size: o.Size ?? 0,
        ...(o.ETag ? { etag: o.ETag } : {}),
        ...(o.LastModified ? { lastModified: o.LastModified } : {}),
      }));
      const prefixes = (r.CommonPrefixes ?? []).map((p) => p.Prefix!);
      return {
        entries: mergeListPage(objects, prefixes),
        next: r.IsTruncated ? r.NextContinuationToken : undefined,
      };
    });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await withRetries(() => this.client.headBucket({ Bucket: bucket }).promise(), this.opts.retry);
      return true;
    } catch (e) {
      const failure = classifyStorageError(e, { ...errorFields(e), hasKey: false });
      if (failure === 'no-such-bucket') return false;
      throw storageError(
        failure,
        { op: 'bucketExists', bucket, backend: NAME, endpoint: this.opts.endpointLabel },
        e,
      );
    }
  }

  async createBucket(bucket: string): Promise<void> {
    const conf = this.opts.locationConstraint
      ? { CreateBucketConfiguration: { LocationConstraint: this.opts.locationConstraint } }
      : {};
    try {
      await withRetries(
        () => this.client.createBucket({ Bucket: bucket, ...conf }).promise(),
        this.opts.retry,
      );
    } catch (e) {
      if (errorFields(e).code === 'BucketAlreadyOwnedByYou') return;
      throw await this.toLithopsError(e, { op: 'createBucket', bucket });
    }
  }

  async deleteBucket(bucket: string): Promise<void> {
    try {
      await withRetries(() => this.client.deleteBucket({ Bucket: bucket }).promise(), this.opts.retry);
    } catch (e) {
      if (classifyStorageError(e, { ...errorFields(e), hasKey: false }) === 'no-such-bucket') return;
      throw await this.toLithopsError(e, { op: 'deleteBucket', bucket });
    }
  }

  getClient(): COS.S3 {
    return this.client;
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}
