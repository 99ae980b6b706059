// The whole test suite, as CI runs it: every package's tests on this Node, the repository checks,
// then the conformance suites under CPU load (test-stress.mjs) and every package's tests on Node 22
// (test-node22.mjs). Prints the totals of each run, then their sum as one plain last line,
// `N passed, N failed`, which CI reads. Exits non-zero on any failure.
// `--here-only` runs only the first part (tests on this Node and the checks); other arguments go
// to `turbo run test` (e.g. `--filter=@lithops/core`).

import { node22Run } from './test-node22.mjs';
import { run, runAllTests, sum, totalsLine } from './test-results.mjs';
import { stressRun } from './test-stress.mjs';

const hereOnly = process.argv.includes('--here-only');
const turboArgs = process.argv.slice(2).filter((a) => a !== '--here-only');

const runs = [];
const here = runAllTests(turboArgs);
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
  if (run(cmd, args) === 0) here.passed += 1;
  else {
    here.failed += 1;
    console.error(`[test-all] check failed: ${name}`);
  }
}
runs.push([`Node ${process.versions.node} and checks`, here]);
if (!hereOnly) {
  runs.push(['under CPU load (test:stress)', stressRun()]);
  runs.push(['Node 22 (test:node22)', await node22Run(turboArgs)]);
}
for (const [name, totals] of runs) console.log(`[test-all] ${name}: ${totalsLine(totals)}`);
const total = sum(...runs.map(([, t]) => t));
console.log(totalsLine(total));
process.exit(total.failed > 0 ? 1 : 0);
