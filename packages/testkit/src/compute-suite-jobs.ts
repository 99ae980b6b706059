/**
 * Functions the compute conformance suite and backend tests ship (bundled from this module, as a
 * user's would be); exported as `jobs`.
 */
export function double(x: number): number {
  return x * 2;
}

export async function sleepThenEcho(x: { ms: number; v: unknown }): Promise<unknown> {
  await new Promise((r) => setTimeout(r, x.ms));
  return x.v;
}

export function printThenThrow(message: string): never {
  console.log(`about to fail: ${message}`);
  throw new RangeError(message);
}

/** Keeps allocating until the heap limit ends the call. */
export function hog(): number {
  const keep: number[][] = [];
  for (;;) keep.push(new Array(64 * 1024).fill(keep.length));
}

export function envLength(name: string): number {
  return process.env[name]?.length ?? -1;
}
