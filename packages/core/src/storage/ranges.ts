import type { ByteRange } from '../plugin/storage-backend.js';

/** Bytes a range asks for: a server that sends more is cut to it (s3rver ignores an end of 0). */
export function rangeLength(range: ByteRange | undefined): number | undefined {
  return range ? range[1] - range[0] + 1 : undefined;
}

/** An HTTP `Range` header value for a byte range. */
export function rangeHeader(range: ByteRange | undefined): string | undefined {
  return range ? `bytes=${range[0]}-${range[1]}` : undefined;
}
