// The conformance suites with two CPU-bound busy processes running alongside for the whole run,
// as on a shared machine: the tests must hold under load (their timeouts guard hangs, not speed).
// Prints `N passed, N failed`; exits non-zero on any failure. `--all` runs every package's whole
// suite under the load instead of the conformance suites.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { countResults, isMain, root, run, runAllTests, totalsLine } from './test-results.mjs';

/** The conformance suites: compute (localhost, aws_lambda) and every storage backend's. */
const SUITES = {
  'packages/core': ['test/executor.test.ts', 'test/storage-localhost.test.ts'],
  'packages/aws-lambda': ['test/conformance.test.ts'],
  'packages/aws-s3': ['test/conformance.test.ts'],
  'packages/azure-storage': ['test/conformance.test.ts'],
  'packages/gcp-storage': ['test/conformance.test.ts'],
  'packages/ibm-cos': ['test/conformance.test.ts'],
  'packages/redis': ['test/conformance.test.ts'],
};

/** Busy loop of one load process: ends when its parent goes, even when the parent was killed. */
const BUSY = `
process.on('disconnect', () => process.exit(0));
const spin = () => {
  const until = Date.now() + 100;
  while (Date.now() < until) {}
  setImmediate(spin);
};
spin();
`;

/** Runs `fn` with `n` busy processes alongside, stopped on every way out (return, throw, signal). */
function underLoad(n, fn) {
  const busy = Array.from({ length: n }, () =>
    // The IPC channel closes when this process ends, however it ends: the busy loop then exits.
    spawn(process.execPath, ['-e', BUSY], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
  );
  const stop = () => {
    for (const p of busy) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  };
  const onSignal = (signal) => {
    stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(`[test-stress] ${n} busy processes running (pids ${busy.map((p) => p.pid).join(', ')})`);
  try {
    return fn();
  } finally {
    stop();
    process.off('exit', stop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The stress run; returns its totals. */
export function stressRun({ all = false } = {}) {
  const build = run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
  if (build !== 0) return { passed: 0, failed: 1, skipped: 0 };
  return underLoad(2, () => {
    if (all) return runAllTests();
    const dirs = Object.keys(SUITES).map((d) => join(root, d));
    for (const [dir, files] of Object.entries(SUITES)) {
      rmSync(join(root, dir, 'test-results.json'), { force: true });
      run('pnpm', [
        '--dir',
        dir,
        'exec',
        'vitest',
        'run',
        ...files,
        '--reporter=default',
        '--reporter=json',
        '--outputFile=test-results.json',
      ]);
    }
    return countResults(dirs);
  });
}

if (isMain(import.meta)) {
  const started = Date.now();
  const totals = stressRun({ all: process.argv.includes('--all') });
  console.log(`[test-stress] ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(totalsLine(totals));
  process.exit(totals.failed > 0 ? 1 : 0);
}
