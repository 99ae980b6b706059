// Builds the package (tsc), then bundles the localhost call thread's entry point with everything
// it imports into one file: a thread then starts without resolving and loading ~60 modules.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
await esbuild.build({
  entryPoints: ['dist/localhost/pool-thread.js'],
  outfile: 'dist/localhost/pool-thread.bundle.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded on demand only (function bundling happens in the client).
  external: ['esbuild'],
  // CommonJS dependencies inside an ES module bundle need a require of their own.
  banner: {
    js: "import { createRequire as __lithopsCreateRequire } from 'node:module';\nconst require = __lithopsCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
