export function noop(x) {
  return x;
}
