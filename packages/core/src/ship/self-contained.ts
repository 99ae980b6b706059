import { LithopsError } from '../errors.js';
import type { FunctionLocation } from './locate.js';
import { sourceMapComment } from './source-map.js';

/** Helpers that transpilers inject into function bodies; the worker defines them. */
const INJECTED_HELPERS = [
  '__name',
  '__publicField',
  '__privateAdd',
  '__privateGet',
  '__privateSet',
  '__async',
];

const ALWAYS = new Set(['arguments', 'undefined', 'NaN', 'Infinity', 'globalThis', ...INJECTED_HELPERS]);

/** Names the function reads from its surroundings that are not globals. */
export async function capturedNames(
  fn: Function,
): Promise<{ names: string[]; source: string; wrapped: boolean }> {
  const source = fn.toString();
  if (/\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `Function ${fn.name || '(anonymous)'} is native or bound and has no source to ship.`,
      {
        hint: 'Pass a function written in JavaScript/TypeScript (not a .bind() result).',
      },
    );
  }
  const { freeVariables, parseFunctionSource } = await import('./free-variables.js');
  const { node, wrapped } = parseFunctionSource(source);
  const names = [...freeVariables(node)].filter((n) => !ALWAYS.has(n) && !(n in globalThis));
  return { names, source, wrapped };
}

function pretty(name: string): string {
  return /^__vi(te_ssr)?_import_\d+__$/.test(name) ? `an imported module (${name})` : `"${name}"`;
}

/** The CLOSURE error: names what the function captured and how to fix it. */
export function closureError(fn: Function, names: string[], why: 'closure' | 'entry'): LithopsError {
  const fname = fn.name || '(anonymous)';
  const list = names.map(pretty).join(', ');
  const hint =
    why === 'entry'
      ? 'Move it into its own module and import it (the entry script is never re-run in workers), or pass the value through extraArgs.'
      : 'Export the function from a module, or pass the value through extraArgs (ctx.extraArgs).';
  return new LithopsError(
    'CLOSURE',
    `Function ${fname} uses ${list} from outside its body, which cannot be shipped to a worker.`,
    { hint },
  );
}

/**
 * ES module source that default-exports a self-contained function, with a source map back to
 * the function's own file when it is plain JavaScript on disk.
 */
export function moduleFromSource(
  fn: Function,
  source: string,
  wrapped: boolean,
  loc?: FunctionLocation,
): string {
  const prefix = wrapped ? 'export default ({' : 'export default (';
  const suffix = wrapped ? `})[${JSON.stringify(fn.name)}];\n` : ');\n';
  return `${prefix}${source}${suffix}${sourceMapComment(prefix, source, loc)}`;
}
