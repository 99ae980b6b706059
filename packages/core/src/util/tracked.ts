/** A promise and, once it has fulfilled, its value: a hot path reads that without awaiting. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  value: T | undefined;
  done: boolean;
}

/** Tracks `promise`; `onReject` runs if it rejects (to drop a cache entry, say). */
export function track<T>(promise: Promise<T>, onReject: () => void): Tracked<T> {
  const t: Tracked<T> = { promise, value: undefined, done: false };
  promise.then((v) => {
    t.value = v;
    t.done = true;
  }, onReject);
  return t;
}
