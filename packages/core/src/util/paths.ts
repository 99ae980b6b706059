import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { privateTempDir } from './private-dir.js';

/**
 * Cache folder for function bundles: inside the project's node_modules (so bundles that keep
 * packages external resolve them from the project), else `<tmp>/lithops-<uid>/bundles` (0700).
 */
export function bundleCacheDir(cwd = process.cwd()): string {
  let dir = cached.get(cwd);
  if (!dir) {
    const nm = resolve(cwd, 'node_modules');
    dir = existsSync(nm) ? join(nm, '.cache', 'lithops', 'bundles') : privateTempDir('bundles');
    cached.set(cwd, dir);
  }
  return dir;
}

const cached = new Map<string, string>();
