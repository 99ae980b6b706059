import type { Readable } from 'node:stream';
import { LithopsError } from '../errors.js';
import type {
  ByteRange,
  ListEntry,
  ListOptions,
  ObjectMeta,
  StorageBackend,
} from '../plugin/storage-backend.js';

/**
 * A StorageBackend whose real backend is still being created: every call waits for it. Lets an
 * executor hand out `fexec.storage` synchronously while backends start in the background.
 */
export class LazyStorageBackend implements StorageBackend {
  private resolved: StorageBackend | undefined;
  private failed: unknown;

  constructor(private readonly pending: Promise<StorageBackend>) {
    pending.then(
      (b) => {
        this.resolved = b;
      },
      (e) => {
        this.failed = e ?? new Error('the storage backend could not be created');
      },
    );
  }

  /** The real backend, once created. */
  get ready(): Promise<StorageBackend> {
    return this.pending;
  }

  private get now(): StorageBackend {
    if (this.resolved) return this.resolved;
    // Why it could not be created says more than "still starting".
    if (this.failed) throw this.failed;
    throw new LithopsError('INVALID_ARGUMENT', 'The storage backend is still starting.', {
      hint: 'Await a storage call first (or `await fexec.getStorage()`), then read name/bucket/client.',
    });
  }

  get name(): string {
    return this.now.name;
  }
  get bucket(): string {
    return this.now.bucket;
  }
  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    return (await this.pending).putObject(bucket, key, body);
  }
  async getObject(bucket: string, key: string, opts?: { range?: ByteRange }): Promise<Uint8Array> {
    return (await this.pending).getObject(bucket, key, opts);
  }
  async getObjectStream(bucket: string, key: string, opts?: { range?: ByteRange }): Promise<Readable> {
    return (await this.pending).getObjectStream(bucket, key, opts);
  }
  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    return (await this.pending).headObject(bucket, key);
  }
  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    return (await this.pending).deleteObjects(bucket, keys);
  }
  async *listObjects(bucket: string, opts?: ListOptions): AsyncIterable<ListEntry> {
    yield* (await this.pending).listObjects(bucket, opts);
  }
  async bucketExists(bucket: string): Promise<boolean> {
    return (await this.pending).bucketExists(bucket);
  }
  async createBucket(bucket: string): Promise<void> {
    return (await this.pending).createBucket(bucket);
  }
  async deleteBucket(bucket: string): Promise<void> {
    return (await this.pending).deleteBucket(bucket);
  }
  getClient(): unknown {
    return this.now.getClient();
  }
  async [Symbol.asyncDispose](): Promise<void> {}
}

/** The backend itself, waiting for it first when it is still being created. */
export function whenReady(backend: StorageBackend): Promise<StorageBackend> {
  return backend instanceof LazyStorageBackend ? backend.ready : Promise.resolve(backend);
}
