/** The slowest upload rate an attempt is given time for: 256 KiB/s. */
const MIN_UPLOAD_BYTES_PER_MS = 256;

/**
 * The time one attempt that sends `bytes` may take, for SDKs whose timeout covers the whole
 * request: the request timeout, plus 1 s per 256 KiB of body. A request with no body gets the
 * request timeout, so a server that never answers still fails it in bounded time.
 */
export function uploadTimeoutMs(requestTimeoutMs: number, bytes: number): number {
  return requestTimeoutMs + Math.ceil(bytes / MIN_UPLOAD_BYTES_PER_MS);
}
