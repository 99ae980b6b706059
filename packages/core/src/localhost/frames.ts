import { Packr, RESERVE_START_SPACE } from 'msgpackr/pack';

/**
 * Messages between the client and its pool's call threads travel over a local socket as frames:
 * a 4-byte little-endian length, then msgpack. Binary fields (call data, results) arrive as views
 * into the frame: a receiver that keeps one copies it out (see ownBytes).
 *
 * Each direction of a connection has its own encoder and decoder in sequential mode: an object
 * shape (a record's keys) is described in the first frame that has it, and later frames refer
 * to it by number — smaller frames, and decoding without reading every key again. The reader
 * must see every frame of its writer, in order: a socket does that.
 */
const sequential = () => new Packr({ sequential: true });

export class FrameWriter {
  private readonly packr = sequential();

  /** One frame, encoded in place (the encoder never writes over bytes it returned before). */
  encode(message: unknown): Buffer {
    const frame = this.packr.pack(message, RESERVE_START_SPACE | 4) as Buffer;
    frame.writeUInt32LE(frame.length - 4, 0);
    return frame;
  }
}

/** `bytes` in a buffer of their own when they are a small view into a larger one. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength * 2 < bytes.buffer.byteLength ? Uint8Array.prototype.slice.call(bytes) : bytes;
}

/** Splits a byte stream into frames; a frame spread over chunks is joined once, when complete. */
export class FrameReader {
  private readonly packr = sequential();
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes of the frame being read (with its header), once its header is in. */
  private need = -1;

  constructor(private readonly onFrame: (message: unknown) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.size < 4) return;
        this.need = 4 + this.head(4).readUInt32LE(0);
      }
      if (this.size < this.need) return;
      const buf = this.head(this.need);
      const rest = buf.subarray(this.need);
      const frame = buf.subarray(4, this.need);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.size = rest.length;
      this.need = -1;
      this.onFrame(this.packr.unpack(frame));
    }
  }

  /** The first chunk, joined with the next ones until it holds at least `n` bytes. */
  private head(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0]!;
  }
}
