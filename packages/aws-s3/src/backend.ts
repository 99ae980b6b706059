import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
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

const NAME = 'aws_s3';
/** Bytes bodies up to this size go in one PutObject; streams and larger bodies in parts. */
const SINGLE_PUT_MAX = 64 * 2 ** 20;

export interface AwsS3BackendOptions {
  bucket: string;
  /** Shown in error messages (never with credentials). */
  endpointLabel: string;
  retry: RetryOptions;
  partSize?: number;
}

type Call = Omit<StorageCallContext, 'backend' | 'endpoint'>;

function errorFields(e: unknown): { status?: number; code?: string } {
  if (typeof e !== 'object' || e === null) return {};
  const r = e as { $metadata?: { httpStatusCode?: number }; code?: unknown; Code?: unknown; name?: unknown };
  const code = [r.code, r.Code, r.name].find((c): c is string => typeof c === 'string' && c !== 'Error');
  return {
    ...(r.$metadata?.httpStatusCode !== undefined ? { status: r.$metadata.httpStatusCode } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

function rangeHeader(range: ByteRange | undefined): string | undefined {
  return range ? `bytes=${range[0]}-${range[1]}` : undefined;
}

/** Bytes a range asks for; a server that sends more is cut to it (s3rver ignores an end of 0). */
function rangeLength(range: ByteRange | undefined): number | undefined {
  return range ? range[1] - range[0] + 1 : undefined;
}

/** Storage on AWS S3 or an S3-compatible endpoint, through `@aws-sdk/client-s3`. */
export class AwsS3Backend implements StorageBackend {
  readonly name = NAME;
  readonly bucket: string;

  constructor(
    readonly client: S3Client,
    private readonly opts: AwsS3BackendOptions,
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
    const parts = {
      singlePutMax: SINGLE_PUT_MAX,
      ...(this.opts.partSize ? { partSize: this.opts.partSize } : {}),
    };
    await uploadInParts<string>(body, parts, {
      putSingle: (b) =>
        this.call(ctx, () =>
          this.client.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: b, ContentLength: b.length }),
          ),
        ).then(() => {}),
      start: async () => {
        const r = await this.call(ctx, () =>
          this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })),
        );
        return r.UploadId!;
      },
      uploadPart: async (UploadId, PartNumber, b) => {
        const r = await this.call({ ...ctx, op: `putObject (part ${PartNumber})` }, () =>
          this.client.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId,
              PartNumber,
              Body: b,
              ContentLength: b.length,
            }),
          ),
        );
        return r.ETag!;
      },
      complete: (UploadId, parts) =>
        this.call(ctx, () =>
          this.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId,
              MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.tag })) },
            }),
          ),
        ).then(() => {}),
      abort: (UploadId) =>
        this.call(ctx, () =>
          this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })),
        ).then(() => {}),
    });
  }

  getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    // The body is read inside the retried call: a connection cut mid-body is retried too.
    return this.call({ op: 'getObject', bucket, key }, async () => {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: rangeHeader(opts.range) }),
      );
      const bytes = r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
      const want = rangeLength(opts.range);
      return want !== undefined && bytes.length > want ? bytes.subarray(0, want) : bytes;
    });
  }

  async getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    const r = await this.call({ op: 'getObjectStream', bucket, key }, () =>
      this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: rangeHeader(opts.range) })),
    );
    const want = rangeLength(opts.range);
    const body = r.Body as Readable;
    return want !== undefined && (r.ContentLength ?? 0) > want ? takeBytes(body, want) : body;
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const r = await this.call({ op: 'headObject', bucket, key }, () =>
      this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
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
      const batch = keys.slice(i, i + 1000);
      const r = await this.call({ op: 'deleteObjects', bucket }, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = r.Errors?.find((e) => e.Code !== 'NoSuchKey');
      if (failed) {
        const cause = Object.assign(new Error(failed.Message ?? 'delete failed'), {
          name: failed.Code ?? 'Error',
        });
        throw await this.toLithopsError(cause, { op: 'deleteObjects', bucket, key: failed.Key ?? '' });
      }
    }
  }

  listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    return listPages(async (token) => {
      const r = await this.call({ op: 'listObjects', bucket }, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: opts.prefix || undefined,
            Delimiter: opts.delimiter || undefined,
            ContinuationToken: token,
          }),
        ),
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
      await withRetries(() => this.client.send(new HeadBucketCommand({ Bucket: bucket })), this.opts.retry);
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
    const region = await this.client.config.region();
    try {
      await withRetries(
        () =>
          this.client.send(
            new CreateBucketCommand({
              Bucket: bucket,
              // us-east-1 is the default location and must not be named.
              ...(region !== 'us-east-1'
                ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
                : {}),
            }),
          ),
        this.opts.retry,
      );
    } catch (e) {
      if (errorFields(e).code === 'BucketAlreadyOwnedByYou') return;
      throw await this.toLithopsError(e, { op: 'createBucket', bucket });
    }
  }

  async deleteBucket(bucket: string): Promise<void> {
    try {
      await withRetries(() => this.client.send(new DeleteBucketCommand({ Bucket: bucket })), this.opts.retry);
    } catch (e) {
      if (classifyStorageError(e, { ...errorFields(e), hasKey: false }) === 'no-such-bucket') return;
      throw await this.toLithopsError(e, { op: 'deleteBucket', bucket });
    }
  }

  getClient(): S3Client {
    return this.client;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.client.destroy();
  }
}
