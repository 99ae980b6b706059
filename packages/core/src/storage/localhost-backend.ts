import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { threadId } from 'node:worker_threads';
import { LithopsError } from '../errors.js';
import type {
  ByteRange,
  ListEntry,
  ListOptions,
  ObjectMeta,
  StorageBackend,
} from '../plugin/storage-backend.js';
import { privateTempDir } from '../util/private-dir.js';

const NAME = 'localhost';

/** Default storage folder: `<tmp>/lithops-<uid>/storage`, this user's only (0700). */
export function defaultStorageDir(): string {
  return privateTempDir('storage');
}

/**
 * Each "/"-separated segment is a file name on disk (most file systems allow 255 bytes); an
 * upload's temporary name adds a suffix to the last one.
 */
const MAX_SEGMENT_BYTES = 200;

function invalid(what: string, value: string, why: string): LithopsError {
  const shown = value.length > 80 ? `${value.slice(0, 60)}…(${value.length} characters)` : value;
  return new LithopsError('INVALID_ARGUMENT', `${what} ${JSON.stringify(shown)} ${why}.`, {
    backend: NAME,
    hint: `Use keys of non-empty segments separated by single "/", each at most ${MAX_SEGMENT_BYTES} bytes, without "..", a leading "/" or NUL.`,
  });
}

/** Checks a bucket or key and returns its path segments; never lets a name leave the folder. */
function segments(what: 'bucket' | 'key', value: string): string[] {
  if (value.length === 0) throw invalid(what, value, 'is empty');
  if (value.includes('\0')) throw invalid(what, value, 'contains a NUL byte');
  if (value.startsWith('/')) throw invalid(what, value, 'starts with "/"');
  if (what === 'bucket' && value.includes('/')) throw invalid(what, value, 'contains "/"');
  const parts = value.split('/');
  for (const p of parts) {
    if (p === '..' || p === '.') throw invalid(what, value, `has a "${p}" segment`);
    if (p === '') throw invalid(what, value, 'has an empty segment ("//" or a trailing "/")');
    if (sep !== '/' && p.includes(sep)) throw invalid(what, value, `contains "${sep}"`);
    const bytes = Buffer.byteLength(p);
    if (bytes > MAX_SEGMENT_BYTES)
      throw invalid(
        what,
        value,
        `has a segment of ${bytes} bytes; localhost storage keeps each segment as a file name, at most ${MAX_SEGMENT_BYTES} bytes`,
      );
  }
  return parts;
}

function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

/** Object storage in a local folder: `<root>/<bucket>/<key>`, same key layout as the cloud. */
export class LocalhostStorageBackend implements StorageBackend {
  readonly name = NAME;
  private tmpSeq = 0;

  constructor(
    readonly root: string,
    readonly bucket: string,
  ) {}

  private bucketPath(bucket: string): string {
    return join(this.root, ...segments('bucket', bucket));
  }

  private objectPath(bucket: string, key: string): string {
    return join(this.bucketPath(bucket), ...segments('key', key));
  }

  private async requireBucket(bucket: string): Promise<void> {
    if (!(await this.bucketExists(bucket))) {
      throw new LithopsError('NOT_FOUND', `Bucket "${bucket}" does not exist in ${this.root}.`, {
        backend: NAME,
        hint: 'Create it with storage.createBucket() or set localhost.storage_bucket.',
      });
    }
  }

  private notFound(bucket: string, key: string, cause: unknown): LithopsError {
    return new LithopsError('NOT_FOUND', `Object "${key}" not found in bucket "${bucket}".`, {
      backend: NAME,
      cause,
    });
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const path = this.objectPath(bucket, key);
    await this.requireBucket(bucket);
    try {
      await fs.mkdir(dirname(path), { recursive: true });
    } catch (e) {
      if (isErrno(e, 'EEXIST', 'ENOTDIR')) {
        throw invalid('key', key, 'has a parent that is an object itself (the folder cannot hold both)');
      }
      throw e;
    }
    // Write to a temporary file and rename, so a reader never sees half an object.
    // Unique across processes, threads (each has its own backend) and this backend's own puts.
    const tmp = `${path}.lithops-tmp-${process.pid}-${threadId}-${++this.tmpSeq}`;
    try {
      if (body instanceof Uint8Array) await fs.writeFile(tmp, body);
      else await pipeline(body, createWriteStream(tmp));
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      if (isErrno(e, 'EISDIR')) throw invalid('key', key, 'is a prefix of other objects');
      throw e;
    }
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    const path = this.objectPath(bucket, key);
    try {
      if (!opts.range) return await fs.readFile(path);
      const [start, end] = opts.range;
      const fh = await fs.open(path, 'r');
      try {
        const size = (await fh.stat()).size;
        const last = Math.min(end, size - 1);
        const len = Math.max(0, last - start + 1);
        const buf = Buffer.allocUnsafe(len);
        let off = 0;
        while (off < len) {
          const { bytesRead } = await fh.read(buf, off, len - off, start + off);
          if (bytesRead === 0) break;
          off += bytesRead;
        }
        return buf.subarray(0, off);
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw await this.readError(bucket, key, e);
    }
  }

  private async readError(bucket: string, key: string, e: unknown): Promise<unknown> {
    if (!isErrno(e, 'ENOENT', 'EISDIR', 'ENOTDIR')) return e;
    await this.requireBucket(bucket);
    return this.notFound(bucket, key, e);
  }

  async getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    const path = this.objectPath(bucket, key);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(path, 'r');
      if ((await fh.stat()).isDirectory()) {
        await fh.close();
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
    } catch (e) {
      throw await this.readError(bucket, key, e);
    }
    const range = opts.range ? { start: opts.range[0], end: opts.range[1] } : {};
    return createReadStream('', { fd: fh, ...range });
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const path = this.objectPath(bucket, key);
    try {
      const st = await fs.stat(path);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      return {
        size: st.size,
        etag: `${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}`,
        lastModified: st.mtime,
      };
    } catch (e) {
      throw await this.readError(bucket, key, e);
    }
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    const base = this.bucketPath(bucket);
    const paths = keys.map((k) => this.objectPath(bucket, k));
    await this.requireBucket(bucket);
    const parents = new Set<string>();
    await Promise.all(
      paths.map(async (p) => {
        try {
          await fs.unlink(p);
          parents.add(dirname(p));
        } catch (e) {
          if (!isErrno(e, 'ENOENT', 'EISDIR', 'ENOTDIR', 'EPERM')) throw e;
        }
      }),
    );
    // Drop folders left empty, deepest first, as an object store has no empty folders.
    const sorted = [...parents].sort((a, b) => b.length - a.length);
    for (let dir of sorted) {
      while (dir.length > base.length && dir.startsWith(base)) {
        try {
          await fs.rmdir(dir);
        } catch {
          break;
        }
        dir = dirname(dir);
      }
    }
  }

  async *listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    await this.requireBucket(bucket);
    const base = this.bucketPath(bucket);
    const prefix = opts.prefix ?? '';
    const delimiter = opts.delimiter;
    // Start at the deepest folder the prefix fully names.
    const cut = prefix.lastIndexOf('/');
    const startRel = cut >= 0 ? prefix.slice(0, cut) : '';
    if (startRel && startRel.split('/').some((s) => s === '..' || s === '.' || s === '')) return;
    const keys: ListEntry[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(rel ? join(base, ...rel.split('/')) : base, { withFileTypes: true });
      } catch (e) {
        if (isErrno(e, 'ENOENT', 'ENOTDIR')) return;
        throw e;
      }
      for (const ent of entries) {
        if (ent.name.includes('.lithops-tmp-')) continue;
        const key = rel ? `${rel}/${ent.name}` : ent.name;
        if (ent.isDirectory()) {
          const dirKey = `${key}/`;
          if (!(dirKey.startsWith(prefix) || prefix.startsWith(dirKey))) continue;
          await walk(key);
        } else if (key.startsWith(prefix)) {
          keys.push({ type: 'object', key, size: -1 });
        }
      }
    };
    await walk(startRel);
    const all = keys.map((k) => (k as { key: string }).key).sort(compareKeys);
    const seenPrefixes = new Set<string>();
    for (const key of all) {
      if (delimiter) {
        const i = key.indexOf(delimiter, prefix.length);
        if (i >= 0) {
          const p = key.slice(0, i + delimiter.length);
          if (!seenPrefixes.has(p)) {
            seenPrefixes.add(p);
            yield { type: 'prefix', prefix: p };
          }
          continue;
        }
      }
      try {
        const st = await fs.stat(join(base, ...key.split('/')));
        yield { type: 'object', key, size: st.size, lastModified: st.mtime };
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e; // deleted while listing
      }
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      return (await fs.stat(this.bucketPath(bucket))).isDirectory();
    } catch (e) {
      if (LithopsError.isInstance(e)) throw e;
      return false;
    }
  }

  async createBucket(bucket: string): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
    await fs.mkdir(this.bucketPath(bucket), { recursive: true, mode: 0o700 });
  }

  async deleteBucket(bucket: string): Promise<void> {
    await fs.rm(this.bucketPath(bucket), { recursive: true, force: true });
  }

  getClient(): { root: string } {
    return { root: this.root };
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}

/** S3 order: by UTF-8 bytes, which for JS strings equals code-point order. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
