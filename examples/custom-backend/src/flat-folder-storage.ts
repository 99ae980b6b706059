import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type ByteRange,
  type ListEntry,
  type ListOptions,
  LithopsError,
  type ObjectMeta,
  type StorageBackend,
} from '@lithops/core/plugin';
import { bucketNotFound, fsError, isFsError } from './errors.js';
import { fileNameOf, keyOfFileName } from './key-names.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;

/**
 * Storage in a local folder where every bucket is a flat folder of files named by their key's
 * hex bytes. Writes go to a temporary file that is renamed into place, so readers — other worker
 * processes included — see an object whole or not at all.
 */
export class FlatFolderStorage implements StorageBackend {
  readonly name: string;

  constructor(
    readonly root: string,
    readonly bucket: string,
    name = 'flat_folder',
  ) {
    this.name = name;
  }

  private bucketDir(bucket: string): string {
    if (!BUCKET_NAME.test(bucket)) {
      throw new LithopsError('INVALID_ARGUMENT', `"${bucket}" is not a valid bucket name.`, {
        backend: this.name,
        hint: 'Use lowercase letters, digits, "." and "-" (at most 63).',
      });
    }
    return join(this.root, bucket);
  }

  private objectPath(bucket: string, key: string): string {
    return join(this.bucketDir(bucket), fileNameOf(this.name, key));
  }

  /** A missing file is a missing key, unless the whole bucket is missing: say which. */
  private async failure(e: unknown, bucket: string, key?: string): Promise<LithopsError> {
    if (isFsError(e, 'ENOENT') && !(await this.bucketExists(bucket)))
      return bucketNotFound(this.name, bucket, e);
    return fsError(this.name, e, key === undefined ? { bucket } : { bucket, key });
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const path = this.objectPath(bucket, key);
    // Names starting with "." are never listed: hex names cannot start with one.
    const part = join(this.bucketDir(bucket), `.${randomBytes(6).toString('hex')}.part`);
    try {
      if (body instanceof Readable) await pipeline(body, createWriteStream(part, { flags: 'wx' }));
      else await writeFile(part, body, { flag: 'wx' });
      await rename(part, path);
    } catch (e) {
      // A body that failed midway leaves nothing behind, and the old object (if any) stays.
      await rm(part, { force: true });
      throw await this.failure(e, bucket, key);
    }
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    try {
      const file = await open(this.objectPath(bucket, key), 'r');
      try {
        const { size } = await file.stat();
        const [start, end] = clampRange(opts.range, size);
        const out = Buffer.allocUnsafe(Math.max(0, end - start + 1));
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await file.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return out.subarray(0, done);
      } finally {
        await file.close();
      }
    } catch (e) {
      throw await this.failure(e, bucket, key);
    }
  }

  async getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    try {
      // Opened here, so a missing key rejects this call instead of erroring the stream later.
      const file = await open(this.objectPath(bucket, key), 'r');
      const { size } = await file.stat();
      const [start, end] = clampRange(opts.range, size);
      if (end < start) {
        await file.close();
        return Readable.from([]);
      }
      return file.createReadStream({ start, end, autoClose: true });
    } catch (e) {
      throw await this.failure(e, bucket, key);
    }
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    try {
      const st = await stat(this.objectPath(bucket, key));
      return {
        size: st.size,
        lastModified: st.mtime,
        etag: `${st.mtimeMs.toString(36)}-${st.size.toString(36)}`,
      };
    } catch (e) {
      throw await this.failure(e, bucket, key);
    }
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    // rm with force: a missing key is not an error, as in S3's DeleteObjects.
    await Promise.all(keys.map((key) => rm(this.objectPath(bucket, key), { force: true })));
  }

  async *listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    const dir = this.bucketDir(bucket);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      throw await this.failure(e, bucket);
    }
    const prefix = opts.prefix ?? '';
    const delimiter = opts.delimiter;
    // Hex names sort like the keys' bytes (see key-names.ts).
    names.sort();
    let lastPrefix: string | undefined;
    for (const name of names) {
      const key = keyOfFileName(name);
      if (key === undefined || !key.startsWith(prefix)) continue;
      if (delimiter) {
        const cut = key.indexOf(delimiter, prefix.length);
        if (cut >= 0) {
          // Keys under one common prefix are adjacent in byte order: report it once.
          const common = key.slice(0, cut + delimiter.length);
          if (common !== lastPrefix) yield { type: 'prefix', prefix: common };
          lastPrefix = common;
          continue;
        }
      }
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(join(dir, name));
      } catch (e) {
        if (isFsError(e, 'ENOENT')) continue; // deleted while listing
        throw await this.failure(e, bucket, key);
      }
      yield { type: 'object', key, size: st.size, lastModified: st.mtime };
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      return (await stat(this.bucketDir(bucket))).isDirectory();
    } catch (e) {
      if (isFsError(e, 'ENOENT', 'ENOTDIR')) return false;
      throw fsError(this.name, e, { bucket });
    }
  }

  async createBucket(bucket: string): Promise<void> {
    try {
      await mkdir(this.bucketDir(bucket), { recursive: true });
    } catch (e) {
      throw fsError(this.name, e, { bucket });
    }
  }

  /** Removes an empty bucket; one that still holds objects is refused, as in S3. */
  async deleteBucket(bucket: string): Promise<void> {
    try {
      await rmdir(this.bucketDir(bucket));
    } catch (e) {
      if (isFsError(e, 'ENOTEMPTY', 'EEXIST')) {
        throw new LithopsError('INVALID_ARGUMENT', `Bucket "${bucket}" is not empty.`, {
          backend: this.name,
          hint: 'Delete its objects first.',
          cause: e,
        });
      }
      throw await this.failure(e, bucket);
    }
  }

  /** There is no SDK client: the root folder is what a caller could use directly. */
  getClient(): { root: string } {
    return { root: this.root };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    // Nothing to release: every call opens and closes its own files.
  }
}

/** `[start, endInclusive]` within an object of `size` bytes; an end past the object is cut. */
function clampRange(range: ByteRange | undefined, size: number): [number, number] {
  if (!range) return [0, size - 1];
  return [range[0], Math.min(range[1], size - 1)];
}
