import { S3CompatibleBackend, type S3CompatibleOptions, type S3Protocol } from '@lithops/core/internal';
import { type OpenedBody, rangeHeader } from '@lithops/core/plugin';
import type COS from 'ibm-cos-sdk';

const NAME = 'ibm_cos';

export interface IbmCosBackendOptions extends S3CompatibleOptions {
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
    // Waits for the response headers, so a missing key fails here and not in the consumer's stream.
    getObjectStream: (Bucket, Key, r, ifMatch) => {
      const req = c.getObject({ Bucket, Key, ...range(r), ...(ifMatch ? { IfMatch: ifMatch } : {}) });
      const body = req.createReadStream();
      return new Promise<OpenedBody>((resolve, reject) => {
        req.on('httpHeaders', (status, headers) => {
          if (status < 300)
            resolve({ body, length: Number(headers['content-length'] ?? 0), etag: headers.etag });
        });
        body.once('error', reject);
        // A connection lost before the headers is reported on the request, not the stream.
        req.on('error', reject);
      });
    },
    headObject: (Bucket, Key) => c.headObject({ Bucket, Key }).promise(),
    deleteObjects: (Bucket, keys) =>
      c.deleteObjects({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }).promise(),
    listObjectsV2: (Bucket, { prefix, delimiter, token }) =>
      c
        .listObjectsV2({
          Bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(delimiter ? { Delimiter: delimiter } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        })
        .promise(),
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
