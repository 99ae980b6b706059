import { pipeline, type Readable, Transform } from 'node:stream';

/** A download body that stopped or ended short; transient, so the read is tried again. */
export class TruncatedBodyError extends Error {
  readonly code: string;
  constructor(message: string, code: 'ETIMEDOUT' | 'ERR_STREAM_PREMATURE_CLOSE') {
    super(message);
    this.name = 'TruncatedBodyError';
    this.code = code;
  }
}

/**
 * Passes a download body through, and fails it when it stalls or ends short. Some SDK HTTP stacks
 * neither end nor error a body whose connection is reset or goes quiet mid-way (GCS's node-fetch 2;
 * Azure's client timeout covers no body), so without this a read would wait forever; and a ranged
 * read has no checksum to notice missing bytes.
 * A stall counts only while the consumer has room, so a slow reader is never mistaken for one.
 */
export function guardBody(
  source: Readable,
  opts: { expectedBytes?: number | undefined; stallMs: number },
): Readable {
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      arm();
      cb(null, chunk);
    },
    flush(cb) {
      clearTimeout(timer);
      if (opts.expectedBytes !== undefined && received !== opts.expectedBytes) {
        cb(
          new TruncatedBodyError(
            `download ended after ${received} of ${opts.expectedBytes} bytes`,
            'ERR_STREAM_PREMATURE_CLOSE',
          ),
        );
      } else cb();
    },
  });
  function arm() {
    // Re-arming per chunk is on the hot path: refresh the one timer instead of making a new one.
    if (timer) timer.refresh();
    else {
      timer = setTimeout(onQuiet, opts.stallMs);
      timer.unref();
    }
  }
  function onQuiet() {
    const backpressured = guard.readableLength >= guard.readableHighWaterMark || guard.writableLength > 0;
    if (backpressured) return timer!.refresh();
    source.destroy(new TruncatedBodyError(`no data for ${opts.stallMs} ms`, 'ETIMEDOUT'));
  }
  arm();
  pipeline(source, guard, () => clearTimeout(timer));
  return guard;
}

/**
 * Reads a download body whole, failing it as guardBody would (a stall, a short end), without a
 * stream in between: a whole-object get consumes as fast as the body comes, so every quiet spell
 * is a stall, and a pass-through stream per chunk costs a 20 MiB get several percent.
 */
export async function readGuarded(
  source: Readable,
  opts: { expectedBytes?: number | undefined; stallMs: number },
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  const timer = setTimeout(
    () => source.destroy(new TruncatedBodyError(`no data for ${opts.stallMs} ms`, 'ETIMEDOUT')),
    opts.stallMs,
  );
  timer.unref();
  try {
    for await (const chunk of source) {
      chunks.push(chunk as Buffer);
      received += (chunk as Buffer).length;
      timer.refresh();
    }
  } finally {
    clearTimeout(timer);
  }
  if (opts.expectedBytes !== undefined && received !== opts.expectedBytes) {
    throw new TruncatedBodyError(
      `download ended after ${received} of ${opts.expectedBytes} bytes`,
      'ERR_STREAM_PREMATURE_CLOSE',
    );
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
}
