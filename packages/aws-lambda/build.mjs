// Builds the package (tsc), then prebuilds the Lambda handler with its AWS SDK into
// dist/runtime/handler.js: CommonJS SDKs do not bundle reliably at deploy time. @lithops/core
// stays external, so a runtime build bundles exactly one copy of it (with the storage backends).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
await esbuild.build({
  entryPoints: ['dist/handler.js'],
  outfile: 'dist/runtime/handler.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: ['@lithops/core', '@lithops/core/*'],
  // ESM builds of the SDK tree-shake: only what the handler calls is kept.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
});
