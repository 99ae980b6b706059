import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` to `path` whole or not at all: into a temporary file of a unique name next to it
 * (created exclusively, mode 0600: never a file or link that is there already), then renamed
 * over `path`. Concurrent writers (processes, threads) each rename their own complete file.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
