// The plain-JS build: the optional native string extractor costs ~15 ms to load, per process.
import { Packr } from 'msgpackr/pack';

/**
 * Version of the wire encoding. It travels in every payload; a worker refuses another version.
 * Bump when the msgpackr pin or its options change.
 */
export const CODEC_VERSION = 1;

// Structured-clone semantics: Map, Set, Date, RegExp, BigInt, typed arrays, Buffer, errors, cycles.
const packr = new Packr({ structuredClone: true, moreTypes: true });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decode<T = unknown>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** How a result's bytes are to be read: msgpack (default), or raw bytes of a Uint8Array/Buffer. */
export type ResultFormat = 'u8' | 'buffer';

/**
 * Encodes a call's result. Binary results (a plain Uint8Array or Buffer) travel as they are,
 * without the encode/decode copies; everything else goes through the codec.
 */
export function encodeResult(value: unknown): { bytes: Uint8Array; format?: ResultFormat } {
  if (value instanceof Uint8Array) {
    if (value.constructor === Uint8Array) return { bytes: value, format: 'u8' };
    if (Buffer.isBuffer(value)) return { bytes: value, format: 'buffer' };
  }
  return { bytes: encode(value) };
}

export function decodeResult(bytes: Uint8Array, format: ResultFormat | undefined): unknown {
  if (format === 'u8')
    return bytes.constructor === Uint8Array
      ? bytes
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'buffer')
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decode(bytes);
}
