const CR = 0x0d;

/**
 * Splits a stream of blocks into lines on `nl`, without the separator; with the `\n` separator a
 * line's trailing `\r` goes too (CRLF files). A last line without a separator is still a line;
 * nothing after a final separator is. Lines are cut as bytes, then decoded, so a multi-byte
 * character split between two blocks stays whole.
 */
export async function* splitLines(blocks: AsyncIterable<Uint8Array>, nl: Buffer): AsyncGenerator<string> {
  const stripCr = nl.length === 1 && nl[0] === 0x0a;
  const decode = (b: Buffer, start: number, end: number) =>
    b.toString('utf8', start, stripCr && end > start && b[end - 1] === CR ? end - 1 : end);
  let pending: Buffer | undefined;
  for await (const raw of blocks) {
    const block = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    // A separator may straddle the previous block: rescan the pending tail's last bytes.
    const buf = pending ? Buffer.concat([pending, block]) : block;
    let from = pending ? Math.max(0, pending.length - (nl.length - 1)) : 0;
    let lineStart = 0;
    for (;;) {
      const i = buf.indexOf(nl, from);
      if (i < 0) break;
      yield decode(buf, lineStart, i);
      lineStart = i + nl.length;
      from = lineStart;
    }
    pending = lineStart < buf.length ? buf.subarray(lineStart) : undefined;
  }
  if (pending) yield decode(pending, 0, pending.length);
}
