/**
 * Imports a function bundle only as the bytes its SHA-256 names. Where Node has in-thread module
 * hooks (`module.registerHooks`, Node 22.15+), a load hook reads the file once, hashes those
 * bytes and hands the same bytes to the module loader: nothing can swap the file in between.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LithopsError } from '../errors.js';
import { sha256 as hashOf } from '../ship/bundle.js';

const PARAM = '?lithops-sha256=';

type LoadResult = { format?: string; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean };
type NextLoad = (url: string, context: unknown) => LoadResult;
const api = nodeModule as unknown as {
  registerHooks?: (hooks: { load: (url: string, context: unknown, next: NextLoad) => LoadResult }) => unknown;
};

function verified(path: string, want: string): Buffer {
  const bytes = readFileSync(path);
  const got = hashOf(bytes);
  if (got !== want) {
    throw new LithopsError(
      'INTERNAL',
      `The function bundle ${path} does not match its SHA-256 at load (${got}, not ${want}): it was changed after it was written.`,
      { backend: 'worker', hint: 'Run again; if it persists, delete that file.' },
    );
  }
  return bytes;
}

function load(url: string, context: unknown, next: NextLoad): LoadResult {
  const at = url.indexOf(PARAM);
  if (at === -1 || !url.startsWith('file:')) return next(url, context);
  const source = verified(fileURLToPath(url.slice(0, at)), url.slice(at + PARAM.length));
  return { format: 'module', source, shortCircuit: true };
}

let hooked = false;

/** Imports the module at `path` if its bytes have this SHA-256 as they are loaded; else rejects. */
export async function importVerified(path: string, sha256: string): Promise<{ default?: unknown }> {
  if (api.registerHooks) {
    if (!hooked) {
      api.registerHooks({ load });
      hooked = true;
    }
    return import(`${pathToFileURL(path).href}${PARAM}${sha256}`);
  }
  // Node 20 has hooks only in a thread of their own (one more thread per call thread: +0.1 s of
  // CPU at each start). There the bytes are checked just before the import: in the temp dir the
  // cache folder is this user's only (privateTempDir), so no other user can change it in between.
  verified(path, sha256);
  return import(pathToFileURL(path).href);
}
