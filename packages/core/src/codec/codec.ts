import { Packr } from 'msgpackr';

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
