import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type ByteRange,
  type CircuitBreakerOptions,
  isTransientError,
  type ListEntry,
  type ListOptions,
  type LithopsError,
  type ObjectInfo,
  type ObjectMeta,
  type RetryOptions,
  resumableRead,
  type StorageBackend,
  StorageCalls,
  type StorageFailure,
  type StorageOp,
  uploadInParts,
} from '@lithops/core/plugin';
import type { Redis } from 'ioredis';
import { after, afterPrefix, KeyLayout, prefixRange } from './keys.js';
import { PutGroups } from './put-groups.js';

const NAME = 'redis';
/** Keys per ZRANGEBYLEX page and per delete transaction. */
const PAGE = 1000;
/** Bytes per SETRANGE when a body is written in parts, and per GETRANGE when streaming. */
const PART = 4 * 2 ** 20;
/** Bytes bodies up to this size go in one scripted SET; streams and larger bodies in parts. */
const SINGLE_PUT_MAX = 64 * 2 ** 20;
/** A streamed upload left behind by a crash expires after this. */
const UPLOAD_TTL_MS = 3_600_000;

interface Lua {
  source: string;
  sha: string;
}

function lua(source: string): Lua {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Indexes objects just written by puts of bytes (see PutGroups): each put sends a plain SET of its
// object, and one call of this script for a group of them follows on the same connection. So the
// body never passes through Lua (copying it into a Lua string made small puts 30% slower) and no
// MULTI is built (ioredis' transaction objects halved small-put throughput; measured). KEYS: the
// bucket marker, index and mtimes, then the object keys; ARGV: the time, then the object names.
// When the bucket is missing the objects are deleted again, so nothing lands outside a bucket.
// Another client's commands may run between a SET and this script: a delete of the key that came
// between wins (the object is gone, so it is not indexed), and a repeated put is harmless (both
// steps idempotent).
const INDEX = lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', unpack(KEYS, 4))
  return redis.error_reply('NOBUCKET bucket does not exist')
end
local z, h = {}, {}
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    z[#z + 1] = 0
    z[#z + 1] = ARGV[i - 2]
    h[#h + 1] = ARGV[i - 2]
    h[#h + 1] = ARGV[1]
  end
end
if #z > 0 then
  redis.call('ZADD', KEYS[2], unpack(z))
  redis.call('HSET', KEYS[3], unpack(h))
end
return #h / 2`);

// Also checks the bucket, for the same reason.
const COMMIT = lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return redis.error_reply('NOBUCKET bucket does not exist')
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RENAME', KEYS[2], KEYS[3])
  redis.call('PERSIST', KEYS[3])
elseif redis.call('EXISTS', KEYS[3]) == 0 then
  return redis.error_reply('NOUPLOAD the upload expired before it was complete')
end
redis.call('ZADD', KEYS[4], 0, ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
return 1`);

export interface RedisBackendOptions {
  bucket: string;
  keyPrefix: string;
  /** `host:port`, for messages (never the password). */
  endpointLabel: string;
  retry: RetryOptions;
  breaker?: CircuitBreakerOptions | undefined;
}

type Call = StorageOp;

const RETRYABLE_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b/;
const CONNECTION_LOST =
  /Connection is closed|Command aborted due to connection close|Command timed out|Stream isn't writeable|ECONNREFUSED|ECONNRESET|connect ETIMEDOUT/;

/** Connection trouble (ioredis reports a few of its own besides Node's codes) or a busy server. */
export function isRetryableRedisError(e: unknown): boolean {
  if (isTransientError(e)) return true;
  const err = e as { name?: unknown; message?: unknown } | null;
  const msg = typeof err?.message === 'string' ? err.message : '';
  return err?.name === 'MaxRetriesPerRequestError' || CONNECTION_LOST.test(msg) || RETRYABLE_REPLY.test(msg);
}

function classify(e: unknown): StorageFailure {
  const msg = (e as { message?: unknown } | null)?.message;
  const text = typeof msg === 'string' ? msg : '';
  if (text.startsWith('NOBUCKET')) return 'no-such-bucket';
  if (/^(NOAUTH|WRONGPASS|NOPERM)\b/.test(text)) return 'access-denied';
  if (isRetryableRedisError(e)) return 'unavailable';
  return 'other';
}

/**
 * ioredis keeps the failed command on its errors: for AUTH or HELLO that includes the password.
 * Blank the arguments, so printing a `cause` shows no secret.
 */
function scrub(err: unknown): void {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const command = (e as { command?: { name?: unknown; args?: unknown[] } }).command;
    if (command && /^(auth|hello)$/i.test(String(command.name)) && Array.isArray(command.args))
      command.args = command.args.map(() => '[redacted]');
    e = (e as { cause?: unknown }).cause;
  }
}

/** The cause of a NOT_FOUND: Redis answers nil, not an error, so name the key that was missing. */
function missing(redisKey: string): Error {
  return Object.assign(new Error(`Redis key "${redisKey}" does not exist`), { code: 'ENOKEY' });
}

/**
 * Object storage in Redis (layout in `keys.ts`): objects are strings, so ranges are GETRANGE and
 * streams read a few MiB at a time; listing pages through a per-bucket sorted set in byte order.
 * Objects are limited to Redis' 512 MB string size.
 */
export class RedisBackend implements StorageBackend {
  readonly name = NAME;
  readonly bucket: string;
  private readonly keys: KeyLayout;
  private readonly calls: StorageCalls;
  private readonly puts: PutGroups;

  constructor(
    readonly client: Redis,
    opts: RedisBackendOptions,
  ) {
    this.bucket = opts.bucket;
    this.keys = new KeyLayout(opts.keyPrefix);
    this.calls = new StorageCalls({
      backend: NAME,
      endpoint: opts.endpointLabel,
      retry: { ...opts.retry, isRetryable: isRetryableRedisError },
      breaker: opts.breaker,
      classify,
      scrub,
    });
    const k = this.keys;
    this.puts = new PutGroups(client, (bucket, objects, names) =>
      this.script(
        INDEX,
        [k.marker(bucket), k.index(bucket), k.mtimes(bucket), ...objects],
        [Date.now(), ...names],
      ),
    );
  }

  /** Runs Redis commands with core's retries and turns what still fails into a LithopsError. */
  private call<T>(ctx: Call, fn: () => Promise<T>): Promise<T> {
    return this.calls.run(ctx, fn);
  }

  /** Runs a Lua script by its SHA1 (sent once per server), loading it when the server lacks it. */
  private async script(lua: Lua, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
    try {
      return await this.client.evalsha(lua.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!/^NOSCRIPT/.test((e as Error).message)) throw e;
      return this.client.eval(lua.source, keys.length, ...keys, ...args);
    }
  }

  private error(failure: StorageFailure, ctx: Call, cause: unknown): LithopsError {
    return this.calls.error(failure, ctx, cause);
  }

  private async requireBucket(ctx: Call & { bucket: string }): Promise<void> {
    const marker = this.keys.marker(ctx.bucket);
    if ((await this.call(ctx, () => this.client.exists(marker))) === 0) {
      throw this.error('no-such-bucket', ctx, missing(marker));
    }
  }

  /** NOT_FOUND for a key that is not there: of the bucket when that is missing too. */
  private async notFound(ctx: Call & { bucket: string; key: string }): Promise<LithopsError> {
    await this.requireBucket(ctx);
    return this.error('no-such-key', ctx, missing(this.keys.object(ctx.bucket, ctx.key)));
  }

  async putObject(bucket: string, key: string, body: Uint8Array | Readable): Promise<void> {
    const ctx = { op: 'putObject', bucket, key };
    const k = this.keys;
    const c = this.client;
    await uploadInParts<string>(
      body,
      { partSize: PART, concurrency: 4, singlePutMax: SINGLE_PUT_MAX },
      {
        putSingle: async (b) => {
          const obj = k.object(bucket, key);
          const bytes = Buffer.from(b.buffer, b.byteOffset, b.length);
          await this.call(ctx, () => this.puts.put(bucket, obj, key, bytes));
        },
        start: async () => {
          await this.requireBucket(ctx);
          return k.upload(bucket, randomBytes(12).toString('hex'));
        },
        // SETRANGE at a fixed offset: repeating a part after a lost reply writes the same bytes.
        uploadPart: async (tmp, n, b) => {
          const chunk = Buffer.from(b.buffer, b.byteOffset, b.length);
          await this.call(ctx, () =>
            c
              .multi()
              .setrange(tmp, (n - 1) * PART, chunk)
              .pexpire(tmp, UPLOAD_TTL_MS)
              .exec()
              .then(failedExec),
          );
          return String(n);
        },
        complete: async (tmp) => {
          const keys = [k.marker(bucket), tmp, k.object(bucket, key), k.index(bucket), k.mtimes(bucket)];
          await this.call(ctx, () => this.script(COMMIT, keys, [key, Date.now()]));
        },
        abort: async (tmp) => {
          await this.call(ctx, () => c.del(tmp));
        },
      },
    );
  }

  async getObject(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Uint8Array> {
    const ctx = { op: 'getObject', bucket, key };
    const obj = this.keys.object(bucket, key);
    const { range } = opts;
    const bytes = await this.call(ctx, async () => {
      if (!range) return this.client.getBuffer(obj);
      const r = failedExec(
        await this.client.multi().exists(obj).getrangeBuffer(obj, range[0], range[1]).exec(),
      );
      return r[0] === 1 ? (r[1] as Buffer) : null;
    });
    if (bytes === null) throw await this.notFound(ctx);
    return bytes;
  }

  async getObjectStream(bucket: string, key: string, opts: { range?: ByteRange } = {}): Promise<Readable> {
    const ctx = { op: 'getObjectStream', bucket, key };
    const obj = this.keys.object(bucket, key);
    const [exists, size] = await this.call(ctx, async () => {
      const r = failedExec(await this.client.multi().exists(obj).strlen(obj).exec());
      return [r[0] === 1, r[1] as number] as const;
    });
    if (!exists) throw await this.notFound(ctx);
    const start = opts.range?.[0] ?? 0;
    const end = Math.min(opts.range?.[1] ?? size - 1, size - 1);
    // A window lost with its connection is read again by core's resumable read, from its first byte.
    return resumableRead(this.calls, ctx, {
      range: [start, end],
      open: async (range) => ({
        body: this.windows(obj, range![0], range![1]),
        length: range![1] - range![0] + 1,
      }),
    });
  }

  /**
   * Bytes `from..to` of a string, PART bytes per GETRANGE as the consumer pulls, so memory stays
   * bounded. A concurrent overwrite of the object can show through between windows.
   */
  private windows(obj: string, from: number, to: number): Readable {
    const client = this.client;
    let pos = from;
    return new Readable({
      read() {
        if (pos > to) return void this.push(null);
        client.getrangeBuffer(obj, pos, Math.min(to, pos + PART - 1)).then(
          (buf) => {
            pos += buf.length;
            this.push(buf.length > 0 ? buf : null);
          },
          (e: unknown) => this.destroy(e as Error),
        );
      },
    });
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    const ctx = { op: 'headObject', bucket, key };
    const obj = this.keys.object(bucket, key);
    const r = await this.call(ctx, async () =>
      failedExec(
        await this.client.multi().exists(obj).strlen(obj).hget(this.keys.mtimes(bucket), key).exec(),
      ),
    );
    if (r[0] !== 1) throw await this.notFound(ctx);
    const size = r[1] as number;
    const mtime = Number(r[2] ?? 0);
    return {
      size,
      ...(mtime ? { lastModified: new Date(mtime), etag: `${size.toString(16)}-${mtime.toString(16)}` } : {}),
    };
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    const ctx = { op: 'deleteObjects', bucket };
    await this.requireBucket(ctx);
    for (let i = 0; i < keys.length; i += PAGE) {
      const batch = keys.slice(i, i + PAGE);
      // One transaction per batch: object, index entry and mtime go together.
      await this.call(ctx, async () =>
        failedExec(
          await this.client
            .multi()
            .del(...batch.map((key) => this.keys.object(bucket, key)))
            .zrem(this.keys.index(bucket), ...batch)
            .hdel(this.keys.mtimes(bucket), ...batch)
            .exec(),
        ),
      );
    }
  }

  async *listObjects(bucket: string, opts: ListOptions = {}): AsyncIterable<ListEntry> {
    const ctx = { op: 'listObjects', bucket };
    await this.requireBucket(ctx);
    const prefix = opts.prefix ?? '';
    const delimiter = opts.delimiter || undefined;
    const index = this.keys.index(bucket);
    let { min } = prefixRange(prefix);
    const { max } = prefixRange(prefix);
    for (;;) {
      const from = min;
      const members = await this.call(ctx, () =>
        this.client.zrangebylexBuffer(index, from, max, 'LIMIT', 0, PAGE),
      );
      if (members.length === 0) return;
      const names: string[] = [];
      let folder: string | undefined;
      for (const m of members) {
        const key = m.toString('utf8');
        const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
        if (cut >= 0) {
          // A common prefix: give it once and jump past all of its keys.
          folder = key.slice(0, cut + delimiter!.length);
          break;
        }
        names.push(key);
      }
      yield* await this.describe(bucket, names, ctx);
      if (folder !== undefined) {
        yield { type: 'prefix', prefix: folder };
        min = afterPrefix(folder);
      } else if (members.length < PAGE) {
        return;
      } else {
        min = after(names[names.length - 1]!);
      }
    }
  }

  /** Sizes and times of listed keys, in one round trip; keys deleted meanwhile are left out. */
  private async describe(bucket: string, names: string[], ctx: Call): Promise<ObjectInfo[]> {
    if (names.length === 0) return [];
    const mtimes = this.keys.mtimes(bucket);
    const r = await this.call(ctx, async () => {
      const pipe = this.client.pipeline();
      for (const key of names) pipe.strlen(this.keys.object(bucket, key));
      pipe.hmget(mtimes, ...names);
      return failedExec(await pipe.exec());
    });
    const times = r[names.length] as (string | null)[];
    const out: ObjectInfo[] = [];
    names.forEach((key, i) => {
      const t = times[i];
      if (t == null) return;
      out.push({ type: 'object', key, size: r[i] as number, lastModified: new Date(Number(t)) });
    });
    return out;
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return (
      (await this.call({ op: 'bucketExists', bucket }, () =>
        this.client.exists(this.keys.marker(bucket)),
      )) === 1
    );
  }

  async createBucket(bucket: string): Promise<void> {
    await this.call({ op: 'createBucket', bucket }, () => this.client.set(this.keys.marker(bucket), '1'));
  }

  /** Deletes the bucket and everything in it (as the localhost backend does). */
  async deleteBucket(bucket: string): Promise<void> {
    const ctx = { op: 'deleteBucket', bucket };
    const index = this.keys.index(bucket);
    // Unmark first, so no new object lands while the index is emptied.
    await this.call(ctx, () => this.client.del(this.keys.marker(bucket)));
    for (;;) {
      const members = await this.call(ctx, () =>
        this.client.zrangebylexBuffer(index, '-', '+', 'LIMIT', 0, PAGE),
      );
      if (members.length === 0) break;
      const keys = members.map((m) => m.toString('utf8'));
      await this.call(ctx, async () =>
        failedExec(
          await this.client
            .multi()
            .del(...keys.map((key) => this.keys.object(bucket, key)))
            .zrem(index, ...keys)
            .exec(),
        ),
      );
    }
    await this.call(ctx, () => this.client.del(index, this.keys.mtimes(bucket)));
  }

  getClient(): Redis {
    return this.client;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.client.disconnect();
  }
}

/** Results of a MULTI/pipeline, throwing the first command error (a null result is an aborted MULTI). */
function failedExec(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis transaction was aborted');
  for (const [err] of results) if (err) throw err;
  return results.map(([, v]) => v);
}
