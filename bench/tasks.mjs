// The same tasks run by Lithops and by the floor pool.
export function noop(x) {
  return x;
}

export function cpu(ms) {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

export function mib(n) {
  return new Uint8Array(n * 1024 * 1024).fill(1);
}
