import { uploadTimeoutMs } from '@lithops/core/internal';
import { Crc32c } from './crc32c.js';

/** An HTTP failure of a resumable-upload request, shaped like the SDK's `ApiError` (numeric `code`). */
class ResumableUploadError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly errors?: { reason?: string; message?: string }[],
  ) {
    super(message);
    this.name = 'ResumableUploadError';
  }
}

export interface SessionTransport {
  /** Headers for a request to the session URI (auth, when the endpoint needs it). */
  headers(uri: string): Promise<Record<string, string>>;
  timeoutMs: number;
}

type PutResult =
  | { done: false; persisted: number }
  | { done: true; object: { crc32c?: string; size?: string } };

async function failure(res: Response): Promise<ResumableUploadError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: string; errors?: { reason?: string }[] } };
    if (body.error?.message)
      return new ResumableUploadError(res.status, body.error.message, body.error.errors);
  } catch {}
  return new ResumableUploadError(res.status, text.slice(0, 300) || res.statusText);
}

/** Bytes the server holds, from a 308's `Range: bytes=0-N` (no header: none). */
function persistedFrom(res: Response): number {
  const range = res.headers.get('range');
  const m = range ? /bytes=0-(\d+)/.exec(range) : null;
  return m ? Number(m[1]) + 1 : 0;
}

/**
 * One resumable upload session, fed part by part, in order (GCS sessions are sequential). Each
 * chunk is a plain request the caller may retry: a retry first asks the server how many bytes it
 * kept and sends only the rest, so nothing is written twice or skipped. The CRC32C of all parts is
 * sent with the final request and checked against what the server reports.
 */
export class ResumableSession {
  private offset = 0;
  private readonly crc = new Crc32c();
  private object: { crc32c?: string; size?: string } | undefined;

  constructor(
    readonly uri: string,
    private readonly transport: SessionTransport,
  ) {}

  private async put(
    range: string,
    body: Uint8Array | undefined,
    extra: Record<string, string> = {},
  ): Promise<PutResult> {
    const res = await fetch(this.uri, {
      method: 'PUT',
      headers: { ...(await this.transport.headers(this.uri)), 'Content-Range': range, ...extra },
      ...(body?.length ? { body } : {}),
      signal: AbortSignal.timeout(uploadTimeoutMs(this.transport.timeoutMs, body?.length ?? 0)),
    });
    if (res.status === 308) {
      await res.arrayBuffer();
      return { done: false, persisted: persistedFrom(res) };
    }
    if (res.status === 200 || res.status === 201) {
      return { done: true, object: (await res.json()) as { crc32c?: string; size?: string } };
    }
    throw await failure(res);
  }

  /** Counts a chunk into the checksum once, before its first attempt. */
  begin(chunk: Uint8Array): { start: number; end: number } {
    const start = this.offset;
    this.crc.update(chunk);
    this.offset += chunk.length;
    return { start, end: this.offset };
  }

  /**
   * Sends bytes `[start, end)` of the object (`chunk`). `last` marks the final chunk, which fixes the
   * total size. Safe to call again after a failure: it resumes from what the server persisted.
   */
  async sendChunk(
    chunk: Uint8Array,
    at: { start: number; end: number },
    last: boolean,
    retry: boolean,
  ): Promise<void> {
    let from = at.start;
    if (retry) {
      const status = await this.put('bytes */*', undefined);
      if (status.done) {
        this.object = status.object;
        return;
      }
      from = Math.max(from, status.persisted);
      if (status.persisted < at.start) {
        throw new ResumableUploadError(
          400,
          `The upload session lost data: the server has ${status.persisted} bytes, ${at.start} were acknowledged.`,
        );
      }
    }
    if (from >= at.end && !last) return;
    const body = chunk.subarray(from - at.start);
    const total = last ? String(at.end) : '*';
    const range = body.length ? `bytes ${from}-${at.end - 1}/${total}` : `bytes */${total}`;
    const r = await this.put(range, body, last ? { 'X-Goog-Hash': `crc32c=${this.crc.toString()}` } : {});
    if (r.done) this.object = r.object;
    else if (last)
      throw new ResumableUploadError(500, 'The final upload request did not complete the object.');
    else if (r.persisted < at.end) {
      // The server kept less than sent: the caller's retry resumes from its status.
      throw new ResumableUploadError(503, `The server persisted ${r.persisted} of ${at.end} bytes.`);
    }
  }

  /** Closes a session whose size is a multiple of the part size (no short last chunk was sent). */
  async finish(retry: boolean): Promise<void> {
    if (this.object) return;
    if (retry) {
      const status = await this.put('bytes */*', undefined);
      if (status.done) {
        this.object = status.object;
        return;
      }
    }
    const r = await this.put(`bytes */${this.offset}`, undefined, {
      'X-Goog-Hash': `crc32c=${this.crc.toString()}`,
    });
    if (!r.done) throw new ResumableUploadError(500, 'The upload session did not complete the object.');
    this.object = r.object;
  }

  get finished(): boolean {
    return this.object !== undefined;
  }

  /** Compares the server's CRC32C and size with what was sent; a mismatch means corruption. */
  verify(): string | undefined {
    const o = this.object;
    if (!o) return 'the upload did not finish';
    if (o.size !== undefined && Number(o.size) !== this.offset)
      return `size ${o.size} != ${this.offset} bytes sent`;
    if (o.crc32c !== undefined && o.crc32c !== this.crc.toString())
      return `crc32c ${o.crc32c} != ${this.crc.toString()}`;
    return undefined;
  }

  /** Best effort: tells the server to drop the session. */
  async cancel(): Promise<void> {
    const res = await fetch(this.uri, {
      method: 'DELETE',
      headers: await this.transport.headers(this.uri),
      signal: AbortSignal.timeout(this.transport.timeoutMs),
    });
    await res.arrayBuffer();
  }
}
