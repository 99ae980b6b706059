import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LithopsError } from '@lithops/core/plugin';

/**
 * Awaits a call that must fail with a LithopsError; gives the error and how long it took.
 * A success, or any other error, fails the test.
 */
export async function lithopsFailure(
  call: Promise<unknown> | (() => Promise<unknown>),
): Promise<{ err: LithopsError; ms: number }> {
  const t0 = Date.now();
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (e) {
    if (LithopsError.isInstance(e)) return { err: e, ms: Date.now() - t0 };
    throw new Error(`expected a LithopsError, got: ${String(e)}`, { cause: e });
  }
  throw new Error('expected the call to fail, and it succeeded');
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}
