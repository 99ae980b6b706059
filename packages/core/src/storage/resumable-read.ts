import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ByteRange } from '../plugin/storage-backend.js';
import { backoffDelay, isTransientError } from '../util/retry.js';
import { TruncatedBodyError } from './guarded-body.js';
import { rangeLength } from './ranges.js';
import type { StorageCalls, StorageOp } from './storage-calls.js';

/** A response body as a backend opened it: the stream, and the bytes and version it announced. */
export interface OpenedBody {
  body: Readable;
  /** Bytes this response carries (Content-Length); unknown: the read cannot be resumed. */
  length?: number | undefined;
  /** The object's version (ETag), so a resumed read can insist on the same one. */
  etag?: string | undefined;
}

export interface ResumableReadOptions {
  /** The range asked for; none: the whole object. */
  range?: ByteRange | undefined;
  /**
   * Opens `range` of the object in one attempt and resolves once the headers are in. `ifMatch` is
   * the first response's ETag when resuming: a backend that can should refuse another version.
   */
  open(range: ByteRange | undefined, ifMatch: string | undefined): Promise<OpenedBody>;
  /** Turns an SDK's report of a body error into one `isRetryable` understands (default: as is). */
  bodyError?: (err: unknown) => unknown;
  /**
   * A body that sends nothing for this long while the consumer has room is cut and resumed (some
   * SDK HTTP stacks neither end nor error a body whose connection went quiet or was reset).
   */
  stallMs?: number | undefined;
}

/**
 * A streamed read that survives connections lost mid-body: on a transient error, or a body that
 * ends short of its Content-Length, it requests the remaining byte range again, with the backend's
 * retry options. The budget counts failures in a row without a byte of progress, so a long read
 * over a flaky network finishes while a dead endpoint still fails in bounded time. The total
 * length is checked: the consumer gets exactly the bytes announced, or an error, never short data.
 * The first open (where a missing key fails) and the final error go through `calls`, so errors
 * are the backend's LithopsErrors.
 */
export async function resumableRead(
  calls: StorageCalls,
  op: StorageOp,
  opts: ResumableReadOptions,
): Promise<Readable> {
  const retry = calls.opts.retry;
  const retries = retry.retries ?? 4;
  const isRetryable = retry.isRetryable ?? isTransientError;
  const first = await calls.run(op, () => opts.open(opts.range, undefined));
  const start = opts.range?.[0] ?? 0;
  const asked = rangeLength(opts.range);
  // Servers may send more than asked (s3rver answers `bytes=0-0` with everything): cut to the range.
  const total =
    first.length === undefined ? asked : asked === undefined ? first.length : Math.min(asked, first.length);

  let received = 0;
  let failures = 0;
  let current: Readable | undefined;
  let finished = false;

  const out = new Readable({
    read() {
      current?.resume();
    },
    destroy(err, cb) {
      finished = true;
      current?.destroy();
      cb(err);
    },
  });

  const finish = () => {
    if (finished) return;
    finished = true;
    current?.destroy();
    out.push(null);
  };

  const fail = async (err: unknown) => {
    if (finished) return;
    finished = true;
    current?.destroy();
    out.destroy(await calls.fail(op, err));
  };

  const attach = (body: Readable) => {
    current = body;
    let progressed = false;
    const stall = opts.stallMs;
    // A quiet spell counts only while the consumer has room (a paused body is not stalled).
    const timer =
      stall === undefined
        ? undefined
        : setTimeout(function onQuiet() {
            if (finished || current !== body) return;
            if (out.readableLength >= out.readableHighWaterMark) return timer!.refresh();
            body.destroy(new TruncatedBodyError(`no data for ${stall} ms`, 'ETIMEDOUT'));
          }, stall);
    timer?.unref();
    body.once('close', () => clearTimeout(timer));
    body.on('data', (chunk: Buffer) => {
      timer?.refresh();
      if (finished || current !== body) return;
      const take = total === undefined ? chunk : chunk.subarray(0, total - received);
      received += take.length;
      if (!progressed && take.length > 0) {
        progressed = true;
        failures = 0;
      }
      if (take.length > 0 && !out.push(take)) body.pause();
      if (total !== undefined && received >= total) finish();
    });
    body.once('end', () => {
      if (finished || current !== body) return;
      if (total === undefined || received >= total) return finish();
      void resume(
        Object.assign(new Error(`the body ended after ${received} of ${total} bytes`), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        }),
      );
    });
    body.on('error', (e) => {
      if (finished || current !== body) return;
      void resume(opts.bodyError ? opts.bodyError(e) : e);
    });
    // Some SDK bodies are destroyed on a reset without an error or an end: that is a cut too.
    body.once('close', () => {
      if (finished || current !== body || body.readableEnded) return;
      void resume(
        Object.assign(new Error(`the body closed after ${received} bytes`), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        }),
      );
    });
  };

  const resume = async (err: unknown) => {
    current = undefined;
    // Without a length, the remaining range is unknown; without retryability, another try is wasted.
    for (let e = err; ; ) {
      if (total === undefined || !isRetryable(e, failures) || failures >= retries) return fail(e);
      await sleep(backoffDelay(failures, retry.baseMs ?? 100, retry.maxMs ?? 2000));
      failures++;
      if (finished) return;
      try {
        const next = await calls.attempt(() => opts.open([start + received, start + total - 1], first.etag));
        if (finished) {
          next.body.destroy();
          return;
        }
        return attach(next.body);
      } catch (e2) {
        e = e2;
      }
    }
  };

  if (total === 0) {
    first.body.destroy();
    out.push(null);
  } else attach(first.body);
  return out;
}
