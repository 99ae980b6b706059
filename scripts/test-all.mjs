// Runs every package's tests through turbo, then prints the totals over all packages as one
// plain line, `N passed, N failed`, which CI reads. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'apps', 'examples']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p)))
  .filter((dir) => {
    const pkg = join(dir, 'package.json');
    return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test;
  });
for (const dir of workspaces) rmSync(join(dir, 'test-results.json'), { force: true });

const turbo = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of workspaces) {
  const file = join(dir, 'test-results.json');
  if (!existsSync(file)) {
    missing.push(dir.slice(root.length));
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A test file that failed to load or crashed has no failed tests of its own: count it.
  failed += (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && !t.assertionResults?.some((a) => a.status === 'failed'),
  ).length;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
// A package whose tests did not report (crashed, failed to build) counts as a failure.
failed += missing.length;
// Repository checks, one test each: the packed tarballs installed with npm into a fresh project,
// a changesets dry run, lint, dead code, and the package shape (publint, attw).
const checks = [
  ['pack', 'node', ['scripts/test-pack.mjs']],
  ['changesets', 'node', ['scripts/test-changesets.mjs']],
  ['lint', 'pnpm', ['exec', 'biome', 'check', '.']],
  ['knip', 'pnpm', ['exec', 'knip']],
  ['package shape', 'pnpm', ['check:packages']],
];
for (const [name, cmd, args] of checks) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    console.error(`[test-all] check failed: ${name}`);
  }
}
if (missing.length) console.error(`[test-all] no test results from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
