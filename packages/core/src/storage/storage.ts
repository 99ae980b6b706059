import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ConfigOptions, loadConfig } from '../config/load.js';
import { LithopsError } from '../errors.js';
import type {
  ByteRange,
  ListEntry,
  ListOptions,
  ObjectMeta,
  StorageBackend,
} from '../plugin/storage-backend.js';
import { CloudObject } from './cloud-object.js';
import { createStorageBackend } from './create.js';
import { whenReady } from './lazy-backend.js';

export interface StorageOptions {
  /** Key prefix of Lithops' job data (`lithops.jobs_prefix`). Default `lithops.jobs`. */
  jobsPrefix?: string;
  /** Folder under `jobsPrefix` for this session's cloud objects (the executor id). Default: random. */
  tempPrefix?: string;
  /** Dispose the backend with this facade. Default true for `fromConfig`, false otherwise. */
  ownsBackend?: boolean;
}

export interface GetObjectOptions {
  /** Inclusive byte range `[start, endInclusive]`. */
  range?: ByteRange;
  /** Return a Readable instead of the bytes. */
  stream?: boolean;
}

type Body = Uint8Array | string | Readable;

/**
 * The user-facing storage API (as Lithops' `Storage`): `Storage.fromConfig()`, `fexec.storage`,
 * `ctx.storage`. A thin layer over a `StorageBackend`: it adds strings as bodies, files, keys-only
 * listing and cloud objects, nothing the backend already does.
 */
export class Storage implements AsyncDisposable {
  readonly backend: StorageBackend;
  private readonly jobsPrefix: string;
  private readonly tempPrefix: string;
  private readonly ownsBackend: boolean;
  private readonly created: CloudObject[] = [];
  private cloudObjectCount = 0;

  constructor(backend: StorageBackend, opts: StorageOptions = {}) {
    this.backend = backend;
    this.jobsPrefix = opts.jobsPrefix ?? 'lithops.jobs';
    this.tempPrefix = opts.tempPrefix ?? `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    this.ownsBackend = opts.ownsBackend ?? false;
  }

  /** Storage of the configured backend (`lithops.storage`, or `opts.storage`). */
  static async fromConfig(opts: ConfigOptions & Omit<StorageOptions, 'jobsPrefix'> = {}): Promise<Storage> {
    const config = loadConfig(opts);
    const backend = await createStorageBackend(config);
    return new Storage(backend, { ownsBackend: true, ...opts, jobsPrefix: config.lithops.jobs_prefix });
  }

  /** Config name of the backend, e.g. `aws_s3`. */
  get backendName(): string {
    return this.backend.name;
  }

  /** The configured storage bucket (`<backend>.storage_bucket`). */
  get bucket(): string {
    return this.backend.bucket;
  }

  putObject(bucket: string, key: string, body: Body): Promise<void> {
    return this.backend.putObject(bucket, key, typeof body === 'string' ? Buffer.from(body) : body);
  }

  getObject(bucket: string, key: string, opts?: GetObjectOptions & { stream?: false }): Promise<Uint8Array>;
  getObject(bucket: string, key: string, opts: GetObjectOptions & { stream: true }): Promise<Readable>;
  getObject(bucket: string, key: string, opts?: GetObjectOptions): Promise<Uint8Array | Readable>;
  getObject(bucket: string, key: string, opts: GetObjectOptions = {}): Promise<Uint8Array | Readable> {
    const o = opts.range ? { range: opts.range } : {};
    return opts.stream
      ? this.backend.getObjectStream(bucket, key, o)
      : this.backend.getObject(bucket, key, o);
  }

  headObject(bucket: string, key: string): Promise<ObjectMeta> {
    return this.backend.headObject(bucket, key);
  }

  deleteObject(bucket: string, key: string): Promise<void> {
    return this.backend.deleteObjects(bucket, [key]);
  }

  deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    return this.backend.deleteObjects(bucket, keys);
  }

  /** Objects and (with a delimiter) common prefixes, all pages, fetched as you iterate. */
  listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.backend.listObjects(bucket, opts);
  }

  /** Keys of all objects under the prefix, fetched as you iterate. */
  async *listKeys(bucket: string, opts: { prefix?: string } = {}): AsyncIterable<string> {
    for await (const e of this.backend.listObjects(bucket, opts.prefix ? { prefix: opts.prefix } : {})) {
      if (e.type === 'object') yield e.key;
    }
  }

  /** Uploads a local file as a stream. The key defaults to the file's name. */
  uploadFile(file: string, bucket: string, key = basename(file)): Promise<void> {
    return this.backend.putObject(bucket, key, createReadStream(file));
  }

  /**
   * Downloads an object to a local file as a stream (default path: the key's last segment). The
   * file appears only when complete.
   */
  async downloadFile(bucket: string, key: string, file = basename(key)): Promise<void> {
    const body = await this.backend.getObjectStream(bucket, key);
    await mkdir(dirname(file), { recursive: true });
    const part = `${file}.lithops-part-${randomBytes(4).toString('hex')}`;
    try {
      await pipeline(body, createWriteStream(part));
      await rename(part, file);
    } catch (e) {
      await rm(part, { force: true });
      throw e;
    }
  }

  bucketExists(bucket: string): Promise<boolean> {
    return this.backend.bucketExists(bucket);
  }

  createBucket(bucket: string): Promise<void> {
    return this.backend.createBucket(bucket);
  }

  deleteBucket(bucket: string): Promise<void> {
    return this.backend.deleteBucket(bucket);
  }

  /**
   * Stores `body` and returns a `CloudObject` for it. The key defaults to a unique one under
   * `<jobs_prefix>/<tempPrefix>/cloudobjects/`; every object made here is tracked for cleaning.
   */
  async putCloudObject(body: Body, opts: { bucket?: string; key?: string } = {}): Promise<CloudObject> {
    const bucket = opts.bucket ?? (await whenReady(this.backend)).bucket;
    const key =
      opts.key ??
      `${this.jobsPrefix}/${this.tempPrefix}/cloudobjects/${(this.cloudObjectCount++).toString(16)}`;
    await this.putObject(bucket, key, body);
    const co = new CloudObject((await whenReady(this.backend)).name, bucket, key);
    this.created.push(co);
    return co;
  }

  getCloudObject(co: CloudObject, opts?: GetObjectOptions & { stream?: false }): Promise<Uint8Array>;
  getCloudObject(co: CloudObject, opts: GetObjectOptions & { stream: true }): Promise<Readable>;
  getCloudObject(co: CloudObject, opts: GetObjectOptions = {}): Promise<Uint8Array | Readable> {
    this.checkBackend(co);
    return this.getObject(co.bucket, co.key, opts);
  }

  /** Deletes cloud objects (of this backend), batched per bucket. */
  async deleteCloudObjects(cos: readonly CloudObject[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const co of cos) {
      this.checkBackend(co);
      byBucket.set(co.bucket, [...(byBucket.get(co.bucket) ?? []), co.key]);
    }
    for (const [bucket, keys] of byBucket) await this.backend.deleteObjects(bucket, keys);
    const gone = new Set(cos);
    this.created.splice(0, this.created.length, ...this.created.filter((c) => !gone.has(c)));
  }

  /** Cloud objects made by `putCloudObject` and not deleted since: what an executor cleans. */
  trackedCloudObjects(): readonly CloudObject[] {
    return [...this.created];
  }

  /** The raw SDK client of the backend (S3Client, ioredis, ...). */
  getClient(): unknown {
    return this.backend.getClient();
  }

  private checkBackend(co: CloudObject): void {
    if (co.backend !== this.backend.name) {
      throw new LithopsError(
        'INVALID_ARGUMENT',
        `${co.url} is in storage backend "${co.backend}", but this Storage uses "${this.backend.name}".`,
        { backend: 'storage', hint: `Read it with a Storage of backend "${co.backend}".` },
      );
    }
  }

  /** Releases the backend when this facade created it (`fromConfig`). */
  async close(): Promise<void> {
    if (this.ownsBackend) await this.backend[Symbol.asyncDispose]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
