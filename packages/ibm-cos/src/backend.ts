import type { Readable } from 'node:stream';
import {
  objectInfo,
  objectMeta,
  type RetryOptions,
  rangeHeader,
  S3CompatibleBackend,
  type S3Protocol,
} from '@lithops/core/plugin';
import type COS from 'ibm-cos-sdk';

const NAME = 'ibm_cos';

export interface IbmCosBackendOptions {
  bucket: string;
  /** Shown in error messages (never with credentials). */
  endpointLabel: string;
  retry: RetryOptions;
  /** Location constraint for new buckets, e.g. `us-east-smart`. */
  locationConstraint?: string;
}

/** Status and code of an `ibm-cos-sdk` (AWS SDK v2) error: `statusCode` and `code`. */
function errorFields(e: unknown): { status?: number; code?: string } {
  if (typeof e !== 'object' || e === null) return {};
  const r = e as { statusCode?: unknown; code?: unknown };
  return {
    ...(typeof r.statusCode === 'number' ? { status: r.statusCode } : {}),
    ...(typeof r.code === 'string' ? { code: r.code } : {}),
  };
}

function range(r: readonly [number, number] | undefined): { Range?: string } {
  return r ? { Range: rangeHeader(r)! } : {};
}

/** The S3 calls through `ibm-cos-sdk`. */
function protocol(c: COS.S3, locationConstraint: string | undefined): S3Protocol {
  return {
    errorFields,
    putObject: async (Bucket, Key, Body) => {
      await c.putObject({ Bucket, Key, Body, ContentLength: Body.length }).promise();
    },
    createMultipartUpload: async (Bucket, Key) =>
      (await c.createMultipartUpload({ Bucket, Key }).promise()).UploadId!,
    uploadPart: async (Bucket, Key, UploadId, PartNumber, Body) =>
      (await c.uploadPart({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: Body.length }).promise())
        .ETag!,
    completeMultipartUpload: async (Bucket, Key, UploadId, parts) => {
      const Parts = parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.tag }));
      await c.completeMultipartUpload({ Bucket, Key, UploadId, MultipartUpload: { Parts } }).promise();
    },
    abortMultipartUpload: async (Bucket, Key, UploadId) => {
      await c.abortMultipartUpload({ Bucket, Key, UploadId }).promise();
    },
    getObject: async (Bucket, Key, r) =>
      ((await c.getObject({ Bucket, Key, ...range(r) }).promise()).Body as Uint8Array | undefined) ??
      new Uint8Array(0),
    // Waits for the response headers, so a missing key fails here and not in the consumer's stream.
    getObjectStream: (Bucket, Key, r) => {
      const req = c.getObject({ Bucket, Key, ...range(r) });
      const body = req.createReadStream();
      return new Promise<{ body: Readable; length: number }>((resolve, reject) => {
        req.on('httpHeaders', (status, headers) => {
          if (status < 300) resolve({ body, length: Number(headers['content-length'] ?? 0) });
        });
        body.once('error', reject);
      });
    },
    headObject: async (Bucket, Key) => {
      const r = await c.headObject({ Bucket, Key }).promise();
      return objectMeta({ size: r.ContentLength, etag: r.ETag, lastModified: r.LastModified });
    },
    deleteObjects: async (Bucket, keys) => {
      const Objects = keys.map((Key) => ({ Key }));
      const r = await c.deleteObjects({ Bucket, Delete: { Objects, Quiet: true } }).promise();
      return (r.Errors ?? []).map((e) => ({ key: e.Key, code: e.Code, message: e.Message }));
    },
    listObjectsV2: async (Bucket, { prefix, delimiter, token }) => {
      const r = await c
        .listObjectsV2({
          Bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(delimiter ? { Delimiter: delimiter } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        })
        .promise();
      return {
        objects: (r.Contents ?? []).map((o) =>
          objectInfo(o.Key!, { size: o.Size, etag: o.ETag, lastModified: o.LastModified }),
        ),
        prefixes: (r.CommonPrefixes ?? []).map((p) => p.Prefix!),
        next: r.IsTruncated ? r.NextContinuationToken : undefined,
      };
    },
    headBucket: async (Bucket) => {
      await c.headBucket({ Bucket }).promise();
    },
    createBucket: async (Bucket) => {
      const conf = locationConstraint
        ? { CreateBucketConfiguration: { LocationConstraint: locationConstraint } }
        : {};
      await c.createBucket({ Bucket, ...conf }).promise();
    },
    deleteBucket: async (Bucket) => {
      await c.deleteBucket({ Bucket }).promise();
    },
  };
}

/** Storage on IBM Cloud Object Storage, through `ibm-cos-sdk`. */
export class IbmCosBackend extends S3CompatibleBackend<COS.S3> {
  constructor(client: COS.S3, opts: IbmCosBackendOptions) {
    super(NAME, client, protocol(client, opts.locationConstraint), opts);
  }
}
