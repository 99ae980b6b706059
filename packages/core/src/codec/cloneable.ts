import { LithopsError } from '../errors.js';

function describe(v: unknown): string {
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (typeof v === 'symbol') return `a symbol (${String(v.description)})`;
  return `a ${Object.prototype.toString.call(v).slice(8, -1)}`;
}

const PLAIN_LEAVES = [Date, RegExp, ArrayBuffer, DataView, Error];

/**
 * Finds the first value that structured clone cannot carry (a function, a symbol, a Promise,
 * a WeakMap, ...) and returns its path from `root`, or undefined when everything can travel.
 */
function findUncloneable(
  value: unknown,
  root: string,
): { path: string; what: string; owner?: string } | undefined {
  const seen = new Set<object>();
  const visit = (v: unknown, path: string, owner: string | undefined): ReturnType<typeof findUncloneable> => {
    if (typeof v === 'function' || typeof v === 'symbol') return { path, what: describe(v), owner };
    if (typeof v !== 'object' || v === null) return undefined;
    if (seen.has(v)) return undefined;
    seen.add(v);
    if (ArrayBuffer.isView(v) || PLAIN_LEAVES.some((C) => v instanceof C)) return undefined;
    if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet || v instanceof WeakRef) {
      return { path, what: describe(v), owner };
    }
    const proto = Object.getPrototypeOf(v);
    const cls =
      proto && proto !== Object.prototype && proto !== Array.prototype ? proto.constructor?.name : undefined;
    const ownerHere = owner ?? (cls && !(v instanceof Map) && !(v instanceof Set) ? path : undefined);
    if (v instanceof Map) {
      let i = 0;
      for (const [k, val] of v) {
        const r =
          visit(k, `${path}.<key ${i}>`, ownerHere) ??
          visit(val, `${path}.get(${JSON.stringify(typeof k === 'string' ? k : i)})`, ownerHere);
        if (r) return r;
        i++;
      }
      return undefined;
    }
    if (v instanceof Set) {
      let i = 0;
      for (const item of v) {
        const r = visit(item, `${path}.<item ${i++}>`, ownerHere);
        if (r) return r;
      }
      return undefined;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const r = visit(v[i], `${path}[${i}]`, ownerHere);
        if (r) return r;
      }
      return undefined;
    }
    for (const k of Object.keys(v)) {
      const r = visit(
        (v as Record<string, unknown>)[k],
        /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`,
        ownerHere,
      );
      if (r) return r;
    }
    return undefined;
  };
  return visit(value, root, undefined);
}

/**
 * Throws UNSERIALIZABLE naming the path and type of the first value that cannot travel between
 * the client and a worker (`root`: `iterdata[3]`, `extraArgs`, or `result` on the worker side).
 */
export function assertCloneable(value: unknown, root: string): void {
  const bad = findUncloneable(value, root);
  if (!bad) return;
  const what =
    bad.owner && bad.owner !== bad.path
      ? `${bad.owner} holds ${bad.what} at ${bad.path.slice(bad.owner.length) || '.'}`
      : `${bad.path} is ${bad.what}`;
  const result = root === 'result';
  throw new LithopsError(
    'UNSERIALIZABLE',
    `${what}, which cannot be sent ${result ? 'back from the worker' : 'to a worker'}: values must be structured-cloneable.`,
    {
      hint: result
        ? 'Return plain data (objects, arrays, Map, Set, Date, BigInt, typed arrays), not functions, promises or connections.'
        : 'Pass plain data (objects, arrays, Map, Set, Date, BigInt, typed arrays); open connections and functions inside the function instead.',
    },
  );
}
