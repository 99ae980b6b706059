import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobServiceClient, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { deleteEach, objectInfo, objectMeta, uploadTimeoutMs } from '@lithops/core/internal';
import {
  type ByteRange,
  type CircuitBreakerOptions,
  type ListEntry,
  type ListOptions,
  listPages,
  mergeListPage,
  type ObjectInfo,
  type ObjectMeta,
  type OpenedBody,
  rangeLength,
  readGuarded,
  resumableRead,
  type StorageBackend,
  StorageCalls,
  type StorageOp,
  uploadInParts,
} from '@lithops/core/plugin';
import { azureCode, azureStatus, classifyAzureError } from './errors.js';

export const NAME = 'azure_storage';

export interface AzureStorageBackendOptions {
  service: BlobServiceClient;
  bucket: string;
  /** Endpoint shown in error messages (never with credentials). */
  endpointLabel: string;
  partSize: number;
  uploadConcurrency: number;
  retries: number;
  breaker?: CircuitBreakerOptions | undefined;
  timeoutMs: number;
  deleteConcurrency: number;
}

/** A request that hit our own per-attempt timeout; transient, so it is tried again. */
class AttemptTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number, cause: unknown) {
    super(`no answer within ${ms} ms`, { cause });
    this.name = 'AttemptTimeoutError';
  }
}

/** A connection reset mid-body, which the SDK reports as an AbortError nobody asked for. */
class ConnectionLostError extends Error {
  readonly code = 'ECONNRESET';
  constructor(cause: unknown) {
    super('the connection was lost mid-response', { cause });
    this.name = 'ConnectionLostError';
  }
}

/** A body error the SDK reports as an AbortError nobody asked for is a lost connection. */
function connectionLost(e: unknown): unknown {
  return (e as Error | undefined)?.name === 'AbortError' ? new ConnectionLostError(e) : e;
}

/** The SDK reports both our timeout and a connection lost mid-body as an AbortError. */
function explainAbort(e: unknown, signal: AbortSignal, timeoutMs: number): unknown {
  if ((e as Error | undefined)?.name !== 'AbortError') return e;
  return signal.aborted ? new AttemptTimeoutError(timeoutMs, e) : new ConnectionLostError(e);
}

/** Block ids must be base64 and of equal length within a blob. */
function blockId(upload: string, partNumber: number): string {
  return Buffer.from(`${upload}-${String(partNumber).padStart(6, '0')}`).toString('base64');
}

/** Azure Blob Storage through `@azure/storage-blob`, with core's retries and error codes. */
export class AzureStorageBackend implements StorageBackend {
  readonly name = NAME;
  readonly bucket: string;
  private readonly service: BlobServiceClient;
  private readonly calls: StorageCalls;

  constructor(private readonly opts: AzureStorageBackendOptions) {
    this.service = opts.service;
    this.bucket = opts.bucket;
    // Azure says which 5xx/429/408 to retry; RestError carries `statusCode`, which core's default reads.
    this.calls = new StorageCalls({
      backend: NAME,
      endpoint: opts.endpointLabel,
      retry: { retries: opts.retries },
      breaker: opts.breaker,
      classify: classifyAzureError,
    });
  }

  /**
   * Runs one idempotent call with core's bounded backoff. Each attempt gets an abort signal that
   * fires after the request timeout (the SDK has no client-side timeout of its own).
   */
  private call<T>(op: StorageOp, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.calls.run(op, () => this.attempt(fn));
  }

  /** One request, aborted after the request timeout (plus time for the `bytes` it sends). */
  private async attempt<T>(fn: (signal: AbortSignal) => Promise<T>, bytes = 0): Promise<T> {
    const ac = new AbortController();
    const ms = uploadTimeoutMs(this.opts.timeoutMs, bytes);
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      return await fn(ac.signal);
    } catch (e) {
      throw explainAbort(e, ac.signal, ms);
    } finally {
      clearTimeout(timer);
    }
  }

  private container(bucket: string): ContainerClient {
    return this.service.getContainerClient(bucket);
  }

  private blob(bucket: string, key: string): BlockBlobClient {
    return this.container(bucket).getBlockBlobClient(key);
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const op = { op: 'putObject', bucket, key };
    const blob = this.blob(bucket, key);
    const blobHTTPHeaders = { blobContentType: 'application/octet-stream' };
    const retry = <T>(fn: (signal: AbortSignal) => Promise<T>, bytes = 0) =>
      this.calls.retried(() => this.attempt(fn, bytes));
    try {
      // Big bodies go up as blocks staged in parallel and committed at once: a reader never sees a
      // half-written blob, and a failed block is re-sent alone.
      await uploadInParts<string>(
        body,
        { partSize: this.opts.partSize, concurrency: this.opts.uploadConcurrency },
        {
          putSingle: (bytes) =>
            retry(
              (abortSignal) => blob.upload(bytes, bytes.length, { blobHTTPHeaders, abortSignal }),
              bytes.length,
            ).then(() => {}),
          start: async () => randomBytes(8).toString('hex'),
          uploadPart: async (upload, n, bytes) => {
            const id = blockId(upload, n);
            await retry(
              (abortSignal) => blob.stageBlock(id, bytes, bytes.length, { abortSignal }),
              bytes.length,
            );
            return id;
          },
          complete: async (_upload, parts) => {
            await retry((abortSignal) =>
              blob.commitBlockList(
                parts.map((p) => p.tag),
                { blobHTTPHeaders, abortSignal },
              ),
            );
          },
          // Uncommitted blocks are dropped by the service (after a week, or at the next commit).
          abort: async () => {},
        },
      );
    } catch (e) {
      throw await this.calls.fail(op, e);
    }
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    return this.call({ op: 'getObject', bucket, key }, async () => {
      try {
        const { body } = await this.openStream(bucket, key, opts.range, undefined, this.opts.retries);
        return await readGuarded(body, { stallMs: this.opts.timeoutMs });
      } catch (e) {
        throw connectionLost(e);
      }
    });
  }

  /** A body cut mid-way is resumed from the next byte, of the same blob version (its ETag). */
  getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    return resumableRead(
      this.calls,
      { op: 'getObjectStream', bucket, key },
      {
        range: opts.range,
        // The shared resume replaces the SDK's own (0 retries here), so one budget bounds it.
        open: (range, ifMatch) => this.openStream(bucket, key, range, ifMatch, 0),
        bodyError: connectionLost,
        stallMs: this.opts.timeoutMs,
      },
    );
  }

  /**
   * Starts a download; resolves with the body once the headers are in (a missing key fails here).
   * With `sdkRetries`, the SDK resumes a body cut mid-way itself; the caller guards the body
   * against going quiet (readGuarded, resumableRead's `stallMs`).
   */
  private openStream(
    bucket: string,
    key: string,
    range: ByteRange | undefined,
    ifMatch: string | undefined,
    sdkRetries: number,
  ): Promise<OpenedBody> {
    const blob = this.blob(bucket, key);
    // The signal times out the wait for the headers only: it is not passed on to the body.
    return this.attempt(async (abortSignal) => {
      const res = await blob.download(range?.[0] ?? 0, rangeLength(range), {
        maxRetryRequests: sdkRetries,
        abortSignal,
        ...(ifMatch ? { conditions: { ifMatch } } : {}),
      });
      const body = res.readableStreamBody as Readable | undefined;
      if (!body) throw new Error('the service sent no body');
      return {
        body,
        length: res.contentLength,
        etag: res.etag,
      };
    });
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const blob = this.blob(bucket, key);
    return this.call({ op: 'headObject', bucket, key }, async (abortSignal) => {
      const p = await blob.getProperties({ abortSignal });
      return objectMeta({ size: p.contentLength, etag: p.etag, lastModified: p.lastModified });
    });
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    await deleteEach(keys, this.opts.deleteConcurrency, (key) =>
      this.call({ op: 'deleteObjects', bucket, key }, async (abortSignal) => {
        try {
          await this.blob(bucket, key).delete({ abortSignal });
        } catch (e) {
          // A missing blob is fine; a missing container is not.
          if (azureStatus(e) === 404 && azureCode(e) !== 'ContainerNotFound') return;
          throw e;
        }
      }),
    );
  }

  listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    const container = this.container(bucket);
    const prefix = opts.prefix ? { prefix: opts.prefix } : {};
    return listPages((token) =>
      this.call({ op: 'listObjects', bucket }, async (abortSignal) => {
        const settings = { maxPageSize: 5000, ...(token ? { continuationToken: token } : {}) };
        const objects: ObjectInfo[] = [];
        let prefixes: string[] = [];
        let next: string | undefined;
        if (opts.delimiter) {
          const it = container
            .listBlobsByHierarchy(opts.delimiter, { ...prefix, abortSignal })
            .byPage(settings);
          const page = (await it.next()).value;
          for (const b of page?.segment.blobItems ?? []) objects.push(info(b));
          prefixes = (page?.segment.blobPrefixes ?? []).map((p: { name: string }) => p.name);
          next = page?.continuationToken || undefined;
        } else {
          const it = container.listBlobsFlat({ ...prefix, abortSignal }).byPage(settings);
          const page = (await it.next()).value;
          for (const b of page?.segment.blobItems ?? []) objects.push(info(b));
          next = page?.continuationToken || undefined;
        }
        return { entries: mergeListPage(objects, prefixes), next };
      }),
    );
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return this.call({ op: 'bucketExists', bucket }, (abortSignal) =>
      this.container(bucket).exists({ abortSignal }),
    );
  }

  async createBucket(bucket: string): Promise<void> {
    await this.call({ op: 'createBucket', bucket }, (abortSignal) =>
      this.container(bucket).createIfNotExists({ abortSignal }),
    );
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.call({ op: 'deleteBucket', bucket }, (abortSignal) =>
      this.container(bucket).deleteIfExists({ abortSignal }),
    );
  }

  getClient(): BlobServiceClient {
    return this.service;
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}

function info(b: {
  name: string;
  properties: { contentLength?: number; etag?: string; lastModified?: Date };
}): ObjectInfo {
  const p = b.properties;
  return objectInfo(b.name, { size: p.contentLength, etag: p.etag, lastModified: p.lastModified });
}
