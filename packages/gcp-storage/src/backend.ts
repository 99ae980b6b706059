import type { Readable } from 'node:stream';
import type { Bucket, File, Storage } from '@google-cloud/storage';
import { deleteEach, objectInfo, objectMeta, uploadTimeoutMs } from '@lithops/core/internal';
import {
  type ByteRange,
  type CircuitBreakerOptions,
  type ListEntry,
  type ListOptions,
  LithopsError,
  listPages,
  mergeListPage,
  type ObjectMeta,
  type OpenedBody,
  readGuarded,
  resumableRead,
  type StorageBackend,
  StorageCalls,
  type StorageOp,
  uploadInParts,
} from '@lithops/core/plugin';
import { classifyGcsError, gcsStatus, isMissingBucket, isRetryableGcsError, redact } from './errors.js';
import { ResumableSession, type SessionTransport } from './resumable-upload.js';

export const NAME = 'gcp_storage';

export interface GcpStorageBackendOptions {
  storage: Storage;
  bucket: string;
  /** Endpoint shown in error messages (never with credentials). */
  endpointLabel: string;
  /** Whether requests to the endpoint carry the SDK's auth headers. */
  authenticated: boolean;
  partSize: number;
  retries: number;
  breaker?: CircuitBreakerOptions | undefined;
  timeoutMs: number;
  deleteConcurrency: number;
  /** Location of new buckets. */
  region?: string | undefined;
}

interface ListPage {
  items?: { name: string; size?: string; etag?: string; updated?: string }[];
  prefixes?: string[];
  nextPageToken?: string;
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Google Cloud Storage through `@google-cloud/storage`, with core's retries and error codes. */
export class GcpStorageBackend implements StorageBackend {
  readonly name = NAME;
  readonly bucket: string;
  private readonly storage: Storage;
  private readonly transport: SessionTransport;
  private readonly calls: StorageCalls;

  constructor(private readonly opts: GcpStorageBackendOptions) {
    this.storage = opts.storage;
    this.bucket = opts.bucket;
    this.calls = new StorageCalls({
      backend: NAME,
      endpoint: opts.endpointLabel,
      retry: { retries: opts.retries, isRetryable: isRetryableGcsError },
      breaker: opts.breaker,
      classify: classifyGcsError,
      scrub: redact,
    });
    this.transport = {
      timeoutMs: opts.timeoutMs,
      headers: async (uri) => {
        if (!opts.authenticated) return {};
        const h = await this.storage.authClient.getRequestHeaders(uri);
        return { ...(h as Record<string, string>) };
      },
    };
  }

  /** Runs one idempotent SDK call with core's bounded backoff; maps the final failure. */
  private call<T>(op: StorageOp, fn: (attempt: number) => Promise<T>): Promise<T> {
    return this.calls.run(op, fn);
  }

  /** Bucket handles by name: building one costs more than the File made from it (measured). */
  private readonly buckets = new Map<string, Bucket>();

  private bucketRef(name: string): Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      if (this.buckets.size >= 64) this.buckets.clear();
      b = this.storage.bucket(name);
      this.buckets.set(name, b);
    }
    return b;
  }

  private file(bucket: string, key: string): File {
    return this.bucketRef(bucket).file(key);
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const op = { op: 'putObject', bucket, key };
    const file = this.file(bucket, key);
    const contentType = 'application/octet-stream';
    try {
      await uploadInParts<ResumableSession>(
        body,
        // Sessions take chunks in order, so parts go one at a time (the session serializes them).
        { partSize: this.opts.partSize, concurrency: 1 },
        {
          putSingle: (bytes) =>
            this.calls.retried(() =>
              file.save(asBuffer(bytes), {
                resumable: false,
                validation: 'crc32c',
                contentType,
                timeout: uploadTimeoutMs(this.opts.timeoutMs, bytes.length),
              }),
            ),
          start: async () => {
            const [uri] = await this.calls.retried(() =>
              file.createResumableUpload({ metadata: { contentType } }),
            );
            return new ResumableSession(uri, this.transport);
          },
          uploadPart: (session, _n, bytes) => this.sendPart(session, bytes),
          complete: async (session) => {
            await this.chain(session, () => this.calls.retried((attempt) => session.finish(attempt > 0)));
            const bad = session.verify();
            if (bad) {
              await file.delete({ ignoreNotFound: true }).catch(() => {});
              throw new LithopsError(
                'INTERNAL',
                `Upload of "${key}" to bucket "${bucket}" was corrupted (${bad}).`,
                {
                  backend: NAME,
                  hint: 'The object was removed; write it again.',
                },
              );
            }
          },
          abort: async (session) => {
            if (!session.finished) await session.cancel();
          },
        },
      );
    } catch (e) {
      throw await this.calls.fail(op, e);
    }
  }

  /** Per-session queue: `uploadInParts` may start two parts at once, a session takes one at a time. */
  private readonly queues = new WeakMap<ResumableSession, Promise<unknown>>();
  private chain<T>(session: ResumableSession, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(session) ?? Promise.resolve();
    const next = prev.then(fn);
    this.queues.set(
      session,
      next.catch(() => {}),
    );
    return next;
  }

  private sendPart(session: ResumableSession, bytes: Uint8Array): Promise<string> {
    // A part shorter than the part size is the last one: it closes the session with the total size.
    const last = bytes.length < this.opts.partSize;
    return this.chain(session, async () => {
      const at = session.begin(bytes);
      await this.calls.retried((attempt) => session.sendChunk(bytes, at, last, attempt > 0));
      return String(at.start);
    });
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    return this.call({ op: 'getObject', bucket, key }, async () => {
      const { body, length } = await this.openStream(bucket, key, opts.range);
      return readGuarded(body, { expectedBytes: length, stallMs: this.opts.timeoutMs });
    });
  }

  /** A body cut mid-way is resumed from the next byte (the first whole read is CRC32C-checked). */
  getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    return resumableRead(
      this.calls,
      { op: 'getObjectStream', bucket, key },
      {
        range: opts.range,
        open: (range) => this.openStream(bucket, key, range),
        stallMs: this.opts.timeoutMs,
      },
    );
  }

  /**
   * Starts a download and resolves once the response headers are in, so a missing key fails here,
   * not mid-stream. Whole reads are checked by the SDK's CRC32C; the caller checks every read by
   * length and for stalls (readGuarded, resumableRead), with `length` as the bytes to expect.
   */
  private openStream(bucket: string, key: string, range: ByteRange | undefined): Promise<OpenedBody> {
    const file = this.file(bucket, key);
    return new Promise<OpenedBody>((resolve, reject) => {
      const stream = file.createReadStream(
        range ? { start: range[0], end: range[1], validation: false } : { validation: 'crc32c' },
      );
      const onError = (e: unknown) => reject(e);
      stream.once('error', onError);
      stream.once(
        'response',
        (res: { statusCode?: number; headers?: Record<string, string | undefined> }) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return; // the SDK turns it into an 'error'
          stream.off('error', onError);
          const length = Number(res.headers?.['content-length']);
          const identity = (res.headers?.['content-encoding'] ?? 'identity') === 'identity';
          const expectedBytes = identity && Number.isFinite(length) ? length : undefined;
          resolve({ body: stream, length: expectedBytes });
        },
      );
      // The SDK starts the request on the first read; ask for nothing so no data is consumed.
      stream.read(0);
    });
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const file = this.file(bucket, key);
    return this.call({ op: 'headObject', bucket, key }, async () => {
      const [md] = await file.getMetadata();
      return objectMeta({ size: md.size, etag: md.etag, lastModified: md.updated });
    });
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    // The JSON API has no multi-delete in this SDK: delete one by one, a bounded number at a time.
    await deleteEach(keys, this.opts.deleteConcurrency, (key) =>
      this.call({ op: 'deleteObjects', bucket, key }, async () => {
        try {
          await this.file(bucket, key).delete();
        } catch (e) {
          // A missing key is fine; a missing bucket is not.
          if (gcsStatus(e) === 404 && !isMissingBucket(e)) return;
          throw e;
        }
      }),
    );
  }

  listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    const b = this.bucketRef(bucket);
    return listPages((token) =>
      this.call({ op: 'listObjects', bucket }, async () => {
        const [, , response] = await b.getFiles({
          autoPaginate: false,
          maxResults: 1000,
          ...(opts.prefix ? { prefix: opts.prefix } : {}),
          ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
          ...(token ? { pageToken: token } : {}),
        });
        const page = (response ?? {}) as ListPage;
        const objects = (page.items ?? []).map((it) =>
          objectInfo(it.name, { size: it.size, etag: it.etag, lastModified: it.updated }),
        );
        // A page holds items and prefixes apart; core merges them into one key-ordered run.
        return {
          entries: mergeListPage(objects, page.prefixes ?? []),
          next: page.nextPageToken || undefined,
        };
      }),
    );
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return this.call({ op: 'bucketExists', bucket }, async () => (await this.bucketRef(bucket).exists())[0]);
  }

  async createBucket(bucket: string): Promise<void> {
    await this.call({ op: 'createBucket', bucket }, async () => {
      try {
        await this.storage.createBucket(bucket, this.opts.region ? { location: this.opts.region } : {});
      } catch (e) {
        // 409: it exists already (ours, from an earlier attempt, or someone else's, which exists() tells).
        if (gcsStatus(e) === 409 && (await this.bucketRef(bucket).exists())[0]) return;
        throw e;
      }
    });
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.call({ op: 'deleteBucket', bucket }, async () => {
      try {
        await this.bucketRef(bucket).delete();
      } catch (e) {
        if (gcsStatus(e) === 404) return;
        throw e;
      }
    });
  }

  getClient(): Storage {
    return this.storage;
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}
