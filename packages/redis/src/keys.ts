/**
 * Key layout of the Redis backend. Everything of one bucket shares the `{bucket}` hash tag, so a
 * bucket lives in one cluster slot and scripts/transactions over its keys are allowed:
 *
 * ```
 * <prefix>:{<bucket>}:bucket     string "1": the bucket exists
 * <prefix>:{<bucket>}:idx        sorted set, all scores 0: the object keys, ordered by bytes
 *                                (listing pages with ZRANGEBYLEX, no SCAN)
 * <prefix>:{<bucket>}:mtime      hash: object key → last-modified time in ms
 * <prefix>:{<bucket>}:o:<key>    string: the object's bytes (GETRANGE for ranges)
 * <prefix>:{<bucket>}:tmp:<id>   string: a streamed upload in progress, renamed when complete
 * ```
 */
export class KeyLayout {
  constructor(private readonly prefix: string) {}

  private base(bucket: string): string {
    return `${this.prefix}:{${bucket}}`;
  }

  marker(bucket: string): string {
    return `${this.base(bucket)}:bucket`;
  }

  index(bucket: string): string {
    return `${this.base(bucket)}:idx`;
  }

  mtimes(bucket: string): string {
    return `${this.base(bucket)}:mtime`;
  }

  object(bucket: string, key: string): string {
    return `${this.base(bucket)}:o:${key}`;
  }

  upload(bucket: string, id: string): string {
    return `${this.base(bucket)}:tmp:${id}`;
  }
}

/** Byte 0xFF never occurs in UTF-8, so `key + 0xFF` sorts after every key that starts with `key`. */
const AFTER = Buffer.from([0xff]);

/** ZRANGEBYLEX bounds for all members starting with `prefix`. */
export function prefixRange(prefix: string): { min: Buffer; max: Buffer } {
  if (!prefix) return { min: Buffer.from('-'), max: Buffer.from('+') };
  return {
    min: Buffer.concat([Buffer.from('['), Buffer.from(prefix)]),
    max: Buffer.concat([Buffer.from('('), Buffer.from(prefix), AFTER]),
  };
}

/** Lower bound just after `key`. */
export function after(key: string): Buffer {
  return Buffer.concat([Buffer.from('('), Buffer.from(key)]);
}

/** Lower bound after every member that starts with `prefix` (skips a common prefix's keys). */
export function afterPrefix(prefix: string): Buffer {
  return Buffer.concat([Buffer.from('('), Buffer.from(prefix), AFTER]);
}
