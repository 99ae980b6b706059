import { LithopsError } from '@lithops/core/plugin';

/**
 * Object keys become file names by hex-encoding their UTF-8 bytes. Hex is safe on every file
 * system (no `/`, no case folding), and sorting hex names sorts the keys by their bytes — the
 * listing order S3 uses and the conformance suite expects.
 */
const MAX_NAME = 254;

/** Longest key in bytes: two hex digits per byte must fit a file name. */
export const MAX_KEY_BYTES = MAX_NAME / 2;

export function fileNameOf(backend: string, key: string): string {
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_KEY_BYTES) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `The key "${key}" is ${bytes.length} bytes; ${backend} keys are 1 to ${MAX_KEY_BYTES} bytes.`,
      { backend, hint: 'Use a shorter key.' },
    );
  }
  return bytes.toString('hex');
}

/** The key of a file name, or undefined for files that are not objects (uploads in progress). */
export function keyOfFileName(name: string): string | undefined {
  if (!/^(?:[0-9a-f]{2})+$/.test(name)) return undefined;
  return Buffer.from(name, 'hex').toString('utf8');
}
