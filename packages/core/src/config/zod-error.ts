import type { z } from 'zod/v3';
import { LithopsError } from '../errors.js';

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** The closest known name, when one is close enough to be a typo. */
function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const dd = distance(name, k);
    if (dd < bestD) {
      bestD = dd;
      best = k;
    }
  }
  return best;
}

function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (const p of path) {
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    s = shape?.[String(p)];
    // Look through optional/default/nullable wrappers to the object inside.
    while (s && typeof s === 'object' && (s as { _def?: { innerType?: unknown } })._def?.innerType) {
      s = (s as { _def: { innerType: unknown } })._def.innerType;
    }
  }
  const shape = (s as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * Validates `value` against `schema`, or throws `CONFIG_INVALID` naming the source, each key path
 * and what was expected there.
 */
export function parseConfig<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  where: { source: string; section: string; backend?: string },
): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const base = [where.section, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      return issue.keys
        .map((k) => {
          const guess = didYouMean(k, known);
          return `${base}.${k}: unknown key${guess ? ` (did you mean "${guess}"?)` : ''}; known keys: ${known.join(', ')}`;
        })
        .join('\n  ');
    }
    return `${base}: ${issue.message}`;
  });
  throw new LithopsError(
    'CONFIG_INVALID',
    `Invalid configuration in ${where.source}:\n  ${lines.join('\n  ')}\n`,
    {
      backend: where.backend ?? 'config',
      hint: 'Fix the key(s) above in that file or in the options passed to the executor.',
    },
  );
}
