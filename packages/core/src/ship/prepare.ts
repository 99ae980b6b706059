import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LithopsError } from '../errors.js';
import { type Bundle, bundleExport, moduleExports, sha256 } from './bundle.js';
import { type FunctionLocation, locateFunction } from './locate.js';
import { capturedNames, closureError, moduleFromSource } from './self-contained.js';

export interface ShippedFunction extends Bundle {
  /** For messages: the function's name and where it came from. */
  name: string;
  origin: string;
}

export interface ShipOptions {
  includeModules?: readonly string[];
  excludeModules?: readonly string[];
  cacheDir: string;
}

/** File path behind a script URL: `file:` URLs, and tsx's `data:` wrappers that carry `filePath`. */
function scriptFile(url: string): string | undefined {
  if (url.startsWith('file:')) return fileURLToPath(url.split('?')[0]!);
  if (url.startsWith('/')) return url.split('?')[0];
  if (url.startsWith('data:')) {
    const m = /[?&]filePath=([^&]+)$/.exec(url);
    if (m) return decodeURIComponent(m[1]!);
  }
  return undefined;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function isEntryScript(file: string): boolean {
  const entry = process.argv[1];
  return !!entry && real(entry) === real(file);
}

function sameLocation(a: FunctionLocation | undefined, b: FunctionLocation): boolean {
  return !!a && a.url === b.url && a.line === b.line && a.column === b.column;
}

/** Which export of `file` is `fn`: by identity or position after importing it, else by name. */
async function findExport(fn: Function, file: string, loc: FunctionLocation): Promise<string | undefined> {
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (value === fn) return name;
    }
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'function' && sameLocation(locateFunction(value), loc)) return name;
    }
  } catch {
    // Not importable natively (e.g. TypeScript under a test runner's transform): use names below.
  }
  const names = await moduleExports(file);
  if (fn.name && names.includes(fn.name)) return fn.name;
  return undefined;
}

const fnCache = new WeakMap<Function, Promise<ShippedFunction>>();

/**
 * Turns a function into the code a worker runs (DESIGN §5): an exported function is bundled
 * with its module; a self-contained function travels by source; a closure is refused here,
 * before anything is invoked.
 */
export function shipFunction(fn: unknown, opts: ShipOptions): Promise<ShippedFunction> {
  if (typeof fn !== 'function') {
    return Promise.reject(
      new LithopsError(
        'INVALID_ARGUMENT',
        `Expected a function to run, got ${fn === null ? 'null' : typeof fn}.`,
        {
          hint: 'Pass the function itself: fexec.map(myFunction, data).',
        },
      ),
    );
  }
  const key = opts.includeModules?.length || opts.excludeModules?.length ? undefined : fn;
  const hit = key && fnCache.get(key);
  if (hit) return hit;
  const p = prepare(fn, opts);
  if (key) {
    fnCache.set(key, p);
    p.catch(() => fnCache.delete(key));
  }
  return p;
}

async function prepare(fn: Function, opts: ShipOptions): Promise<ShippedFunction> {
  const name = fn.name || '(anonymous)';
  const loc = locateFunction(fn);
  const file = loc && scriptFile(loc.url);
  if (file && loc && !isEntryScript(file)) {
    const exportName = await findExport(fn, file, loc);
    if (exportName) {
      const b = await bundleExport(file, exportName, opts);
      return { ...b, name, origin: `${file} (export ${exportName})` };
    }
  }
  const { names, source, wrapped } = await capturedNames(fn);
  if (names.length > 0) throw closureError(fn, names, file && isEntryScript(file) ? 'entry' : 'closure');
  const code = Buffer.from(moduleFromSource(fn, source, wrapped, loc));
  return { code, sha256: sha256(code), name, origin: file ? `${file} (by source)` : 'source' };
}
