import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Node binary sandboxes run on: the platform's Node major (Lambda `nodejs22.x` → 22). It
 * comes from npm as the `node-<os>-<arch>` package that `node@22` installs (testkit depends on
 * those directly, as optional platform packages, because `node@22` itself fetches them in an
 * install script). The current Node is used when it already is that major.
 */
export function nodeBinary(major = 22): string {
  const fromEnv = process.env.LITHOPS_FAKE_NODE;
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  try {
    const pkg = require.resolve(`node-${process.platform}-${process.arch}/package.json`);
    const bin = join(dirname(pkg), 'bin', 'node');
    if (existsSync(bin)) return bin;
  } catch {}
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  throw new Error(
    `No Node ${major} binary for ${process.platform}-${process.arch}: install node-${process.platform}-${process.arch}@${major} (or set LITHOPS_FAKE_NODE).`,
  );
}
