// What the test scripts share: the workspaces with tests, running their tests, and counting what
// their vitest JSON reports (test-results.json) say, as the one `N passed, N failed` line CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = new URL('..', import.meta.url).pathname;

/** Folders of the workspaces that have a `test` script. */
export const testWorkspaces = ['packages', 'apps', 'examples']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p)))
  .filter((dir) => {
    const pkg = join(dir, 'package.json');
    return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test;
  });

/** Runs a command from the repository root with the terminal attached; returns its exit status. */
export function run(cmd, args, env = process.env) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status;
}

/** Every workspace's tests through turbo (`args` as for `turbo run test`); returns the totals. */
export function runAllTests(args = [], env = process.env) {
  for (const dir of testWorkspaces) rmSync(join(dir, 'test-results.json'), { force: true });
  const status = run('pnpm', ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...args], env);
  // A filtered run reports only the packages it ran: count those (a crash there fails turbo).
  const filtered = args.some((a) => a.startsWith('--filter'));
  const totals = countResults(
    filtered ? testWorkspaces.filter((d) => existsSync(join(d, 'test-results.json'))) : testWorkspaces,
  );
  // turbo failed with every report present and passing: a build or a task outside the counts.
  if (status !== 0 && totals.failed === 0) totals.failed = 1;
  return totals;
}

/**
 * Totals of the reports in `dirs`. A test file that failed to load or crashed counts as one
 * failure, and so does a folder without a report (its tests crashed or did not build).
 */
export function countResults(dirs) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const missing = [];
  for (const dir of dirs) {
    const file = join(dir, 'test-results.json');
    if (!existsSync(file)) {
      missing.push(dir.slice(root.length));
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.failed += (r.testResults ?? []).filter(
      (t) => t.status === 'failed' && !t.assertionResults?.some((a) => a.status === 'failed'),
    ).length;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  totals.failed += missing.length;
  if (missing.length) console.error(`[tests] no test results from: ${missing.join(', ')}`);
  return totals;
}

/** Sums totals of several runs. */
export function sum(...all) {
  return all.reduce(
    (a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

/** `N passed, N failed[, N skipped]`. */
export function totalsLine(t) {
  return `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
}

/** Whether this module is the script node was started with (not imported by another). */
export function isMain(meta) {
  return process.argv[1] !== undefined && fileURLToPath(meta.url) === resolve(process.argv[1]);
}
