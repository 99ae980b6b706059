import type { Readable } from 'node:stream';

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
 * Reads a download body whole, and fails it when it stalls or ends short: some SDK HTTP stacks
 * neither end nor error a body whose connection is reset or goes quiet mid-way (GCS's node-fetch
 * 2; Azure's client timeout covers no body), and a ranged read has no checksum to notice missing
 * bytes. A whole-object get consumes as fast as the body comes, so every quiet spell is a stall.
 * (Streamed reads get the same guard from resumableRead's `stallMs`.)
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
