import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/**
 * Cache folder for function bundles: inside the project's node_modules (so bundles that keep
 * packages external resolve them from the project), else per user under the temp dir.
 */
export function bundleCacheDir(cwd = process.cwd()): string {
  let dir = cached.get(cwd);
  if (!dir) {
    const nm = resolve(cwd, 'node_modules');
    dir = existsSync(nm)
      ? join(nm, '.cache', 'lithops', 'bundles')
      : join(tmpdir(), `lithops-${user()}`, 'bundles');
    cached.set(cwd, dir);
  }
  return dir;
}

const cached = new Map<string, string>();
