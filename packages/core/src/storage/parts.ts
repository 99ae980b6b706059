import type { Readable } from 'node:stream';

/** Default part size for multipart uploads: S3's minimum is 5 MiB, and 8 MiB × 10,000 parts is 80 GiB. */
const DEFAULT_PART_SIZE = 8 * 2 ** 20;

/**
 * Splits a body into parts of exactly `partSize` bytes (the last one may be shorter; an empty body
 * gives one empty part). Bytes are sliced without copying; a stream is read as the parts are taken,
 * so at most one part is buffered here.
 */
export async function* readParts(body: Uint8Array | Readable, partSize: number): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    if (body.length === 0) yield body;
    for (let off = 0; off < body.length; off += partSize) yield body.subarray(off, off + partSize);
    return;
  }
  let chunks: Buffer[] = [];
  let held = 0;
  let yielded = false;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (held + buf.length >= partSize) {
      const take = partSize - held;
      chunks.push(buf.subarray(0, take));
      buf = buf.subarray(take);
      yield chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, partSize);
      yielded = true;
      chunks = [];
      held = 0;
    }
    if (buf.length > 0) {
      chunks.push(buf);
      held += buf.length;
    }
  }
  if (held > 0 || !yielded) yield Buffer.concat(chunks, held);
}

/** The SDK calls of one multipart upload; each should already retry transient failures. */
export interface PartUploader<U> {
  /** Stores a body that fits in one part with a plain put. */
  putSingle(body: Uint8Array): Promise<void>;
  /** Starts a multipart upload and returns its handle (upload id). */
  start(): Promise<U>;
  /** Uploads part `partNumber` (from 1) and returns what `complete` needs for it (ETag, block id). */
  uploadPart(upload: U, partNumber: number, body: Uint8Array): Promise<string>;
  complete(upload: U, parts: { partNumber: number; tag: string }[]): Promise<void>;
  /** Best effort: releases the parts of a failed upload. */
  abort(upload: U): Promise<void>;
}

export interface UploadInPartsOptions {
  /** Default `DEFAULT_PART_SIZE`. */
  partSize?: number;
  /** Parts in flight. Default 4. */
  concurrency?: number;
  /**
   * Bytes bodies up to this size go in one plain put (default: one part). Parts only pay off for
   * streams and very large bodies; a body already in memory is faster in one request.
   */
  singlePutMax?: number;
}

/**
 * Uploads a body in parts with at most `concurrency` parts in flight, or with one plain put when
 * it fits in one part. Memory use is bounded by `(concurrency + 1) × partSize` for streams.
 */
export async function uploadInParts<U>(
  body: Uint8Array | Readable,
  opts: UploadInPartsOptions,
  up: PartUploader<U>,
): Promise<void> {
  const partSize = opts.partSize ?? DEFAULT_PART_SIZE;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  if (body instanceof Uint8Array && body.length <= Math.max(partSize, opts.singlePutMax ?? 0))
    return up.putSingle(body);
  const parts = readParts(body, partSize);
  const first = await parts.next();
  const second = first.done ? first : await parts.next();
  if (second.done) return up.putSingle(first.done ? new Uint8Array(0) : first.value);

  let upload: U;
  try {
    upload = await up.start();
  } catch (e) {
    if (!(body instanceof Uint8Array)) body.destroy();
    throw e;
  }
  const done: { partNumber: number; tag: string }[] = [];
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let partNumber = 0;
  const send = (bytes: Uint8Array) => {
    const n = ++partNumber;
    const p = up.uploadPart(upload, n, bytes).then(
      (tag) => {
        done.push({ partNumber: n, tag });
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    const tracked = p.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };
  try {
    send(first.value);
    send(second.value);
    for await (const bytes of parts) {
      while (inflight.size >= concurrency && !failure) await Promise.race(inflight);
      if (failure) break;
      send(bytes);
    }
    await Promise.all(inflight);
    if (failure) throw failure.error;
    done.sort((a, b) => a.partNumber - b.partNumber);
    await up.complete(upload, done);
  } catch (e) {
    await Promise.all(inflight);
    await up.abort(upload).catch(() => {});
    if (!(body instanceof Uint8Array)) body.destroy();
    throw e;
  }
}
