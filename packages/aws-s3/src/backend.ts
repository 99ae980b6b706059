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
import { S3CompatibleBackend, type S3CompatibleOptions, type S3Protocol } from '@lithops/core/internal';
import { rangeHeader } from '@lithops/core/plugin';

const NAME = 'aws_s3';

export type AwsS3BackendOptions = S3CompatibleOptions;

/** Status and code of an SDK v3 error: `$metadata.httpStatusCode`, and `code`, `Code` or `name`. */
function errorFields(e: unknown): { status?: number; code?: string } {
  if (typeof e !== 'object' || e === null) return {};
  const r = e as { $metadata?: { httpStatusCode?: number }; code?: unknown; Code?: unknown; name?: unknown };
  const code = [r.code, r.Code, r.name].find((c): c is string => typeof c === 'string' && c !== 'Error');
  return {
    ...(r.$metadata?.httpStatusCode !== undefined ? { status: r.$metadata.httpStatusCode } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

/** The S3 calls through `@aws-sdk/client-s3` commands. */
function protocol(client: S3Client): S3Protocol {
  const send = client.send.bind(client) as S3Client['send'];
  return {
    errorFields,
    putObject: async (Bucket, Key, Body) => {
      await send(new PutObjectCommand({ Bucket, Key, Body, ContentLength: Body.length }));
    },
    createMultipartUpload: async (Bucket, Key) =>
      (await send(new CreateMultipartUploadCommand({ Bucket, Key }))).UploadId!,
    uploadPart: async (Bucket, Key, UploadId, PartNumber, Body) =>
      (
        await send(
          new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: Body.length }),
        )
      ).ETag!,
    completeMultipartUpload: async (Bucket, Key, UploadId, parts) => {
      const Parts = parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.tag }));
      await send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
    },
    abortMultipartUpload: async (Bucket, Key, UploadId) => {
      await send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    },
    getObject: async (Bucket, Key, range) => {
      const r = await send(new GetObjectCommand({ Bucket, Key, Range: rangeHeader(range) }));
      return r.Body ? r.Body.transformToByteArray() : new Uint8Array(0);
    },
    getObjectStream: async (Bucket, Key, range, IfMatch) => {
      const r = await send(new GetObjectCommand({ Bucket, Key, Range: rangeHeader(range), IfMatch }));
      return { body: r.Body as Readable, length: r.ContentLength, etag: r.ETag };
    },
    headObject: (Bucket, Key) => send(new HeadObjectCommand({ Bucket, Key })),
    deleteObjects: (Bucket, keys) =>
      send(
        new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      ),
    listObjectsV2: (Bucket, { prefix, delimiter, token }) =>
      send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }),
      ),
    headBucket: async (Bucket) => {
      await send(new HeadBucketCommand({ Bucket }));
    },
    createBucket: async (Bucket) => {
      const region = await client.config.region();
      await send(
        new CreateBucketCommand({
          Bucket,
          // us-east-1 is the default location and must not be named.
          ...(region !== 'us-east-1'
            ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
            : {}),
        }),
      );
    },
    deleteBucket: async (Bucket) => {
      await send(new DeleteBucketCommand({ Bucket }));
    },
  };
}

/** Storage on AWS S3 or an S3-compatible endpoint, through `@aws-sdk/client-s3`. */
export class AwsS3Backend extends S3CompatibleBackend<S3Client> {
  constructor(client: S3Client, opts: AwsS3BackendOptions) {
    super(NAME, client, protocol(client), opts);
  }

  override async [Symbol.asyncDispose](): Promise<void> {
    this.client.destroy();
  }
}
