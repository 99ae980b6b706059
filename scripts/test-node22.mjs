// Every package's tests on Node 22, whatever Node runs this script: the Node 22 binary the testkit
// installs from npm for its fake Lambda (`nodeBinary`) goes first on the PATH of the whole run, so
// turbo, pnpm, vitest and the worker processes all run on it. Prints `N passed, N failed`; exits
// non-zero on any failure. Arguments go to `turbo run test` (e.g. `--filter=@lithops/core`).
import { dirname, join } from 'node:path';
import { isMain, root, run, runAllTests, totalsLine } from './test-results.mjs';

/** The Node 22 run; returns its totals. */
export async function node22Run(turboArgs = []) {
  if (
    run('pnpm', [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@lithops/testkit',
      '--output-logs=errors-only',
    ]) !== 0
  )
    return { passed: 0, failed: 1, skipped: 0 };
  const { nodeBinary } = await import(join(root, 'packages/testkit/dist/fake-lambda/node-binary.js'));
  const node = nodeBinary(22);
  console.log(`[test-node22] running the tests on ${node}`);
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` };
  return runAllTests(turboArgs, env);
}

if (isMain(import.meta)) {
  const started = Date.now();
  const totals = await node22Run(process.argv.slice(2));
  console.log(`[test-node22] ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(totalsLine(totals));
  process.exit(totals.failed > 0 ? 1 : 0);
}
