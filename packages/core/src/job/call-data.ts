import { assertCloneable } from '../codec/cloneable.js';
import { encode } from '../codec/codec.js';
import { LithopsError } from '../errors.js';

/** Input of a map: any iterable or async iterable. */
export type Iterdata<T> = Iterable<T> | AsyncIterable<T>;

const EMPTY = new Uint8Array(0);

/** A growable byte buffer: call inputs are appended as they are encoded. */
class ByteSink {
  /** The first bytes appended, kept as they are until a second append (a job of one call). */
  private buf: Uint8Array = EMPTY;
  private owned = false;
  length = 0;
  append(bytes: Uint8Array): void {
    if (this.length === 0 && !this.owned) {
      this.buf = bytes;
      this.length = bytes.length;
      return;
    }
    if (!this.owned || this.length + bytes.length > this.buf.length) {
      let size = Math.max(256, this.buf.length * 2);
      while (size < this.length + bytes.length) size *= 2;
      const next = Buffer.allocUnsafe(size);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.owned = true;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as PromiseLike<unknown> | null)?.then === 'function';

export interface CallData {
  /** All call inputs, then `extraArgs`, in one object. */
  bytes: Uint8Array;
  /** offsets[i]..offsets[i+1] is call i's input. */
  offsets: Float64Array;
  count: number;
  extraArgsRange?: readonly [number, number];
}

/**
 * Encodes iterdata item by item into one buffer (the job's `aggdata.bin`), without holding the
 * items themselves. `resolve` turns futures into their results (chaining). Every item is checked
 * first, so a bad value fails here naming its path, before anything is invoked.
 */
export async function encodeCallData<T>(
  iterdata: Iterdata<T>,
  opts: { extraArgs?: unknown; dataLimitBytes: number; resolve: (item: T) => unknown },
): Promise<CallData> {
  if (
    iterdata === null ||
    typeof iterdata !== 'object' ||
    (!(Symbol.iterator in iterdata) && !(Symbol.asyncIterator in iterdata))
  ) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `iterdata must be an iterable (an array, a Set, a generator...), got ${iterdata === null ? 'null' : typeof iterdata}.`,
      {
        hint: 'Wrap a single input in an array, or use callAsync() for one call.',
      },
    );
  }
  const sink = new ByteSink();
  // Sized for an array's items (the common case, and no typed-array growth); grown otherwise.
  let offsets = new Float64Array(Array.isArray(iterdata) ? iterdata.length + 2 : 16);
  let count = 0;
  const add = (item: unknown): void => {
    assertCloneable(item, `iterdata[${count}]`);
    const bytes = encode(item);
    if (bytes.length > opts.dataLimitBytes) {
      throw new LithopsError(
        'PAYLOAD_TOO_LARGE',
        `iterdata[${count}] encodes to ${bytes.length} bytes, over the data limit of ${opts.dataLimitBytes} bytes.`,
        {
          hint: 'Put large inputs in storage and pass their keys (or CloudObjects), or raise lithops.data_limit (MiB).',
        },
      );
    }
    if (count + 2 > offsets.length) {
      const next = new Float64Array(offsets.length * 2);
      next.set(offsets);
      offsets = next;
    }
    sink.append(bytes);
    count++;
    offsets[count] = sink.length;
  };
  if (Array.isArray(iterdata)) {
    // Arrays skip the async iteration protocol (a promise per item) unless an item needs it.
    for (const raw of iterdata as T[]) {
      const item = opts.resolve(raw);
      add(isThenable(item) ? await item : item);
    }
  } else {
    for await (const raw of iterdata as AsyncIterable<T>) add(await opts.resolve(raw));
  }
  let extraArgsRange: readonly [number, number] | undefined;
  if (opts.extraArgs !== undefined) {
    assertCloneable(opts.extraArgs, 'extraArgs');
    const start = sink.length;
    sink.append(encode(opts.extraArgs));
    extraArgsRange = [start, sink.length];
  }
  return { bytes: sink.bytes(), offsets: offsets.subarray(0, count + 1), count, extraArgsRange };
}
