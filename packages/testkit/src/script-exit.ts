import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a spawned script did. */
export interface ScriptRun {
  /** Exit code, or null when the guard killed it (it hung). */
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Kills a script that has not exited by then: a hang, not slowness, on a busy machine. */
const HANG_GUARD_MS = 60_000;

/**
 * Runs, in a child Node process, a script that maps on an executor made from `config` and ends
 * WITHOUT close() (a user script as DESIGN §4.4 promises it may be written): prints the results
 * as JSON, or catches the error and prints `CODE: message`, and lets the process end on its own. The script is written into `cwd` (the package
 * under test) so that `@lithops/core` and the backends resolve from its dependencies.
 */
export async function runScriptWithoutClose(
  config: Record<string, unknown>,
  opts: { cwd?: string; fn?: string; jobsModule?: string; input?: unknown[] } = {},
): Promise<ScriptRun> {
  const cwd = opts.cwd ?? process.cwd();
  const file = join(cwd, `.tmp-exit-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  const fn = opts.fn ?? '(x) => x * 2';
  writeFileSync(
    file,
    `import { FunctionExecutor } from '@lithops/core';
const fexec = new FunctionExecutor({ config: JSON.parse(process.env.LITHOPS_TEST_CONFIG) });
try {
  const fs = await fexec.map(${fn}, ${JSON.stringify(opts.input ?? [1, 2, 3])}, { timeout: 60 });
  console.log(JSON.stringify(await fexec.getResult(fs, { showProgressbar: false })));
} catch (e) {
  console.error(\`\${e.code}: \${e.message}\`);
  process.exitCode = 1;
}
`,
  );
  const t0 = Date.now();
  try {
    return await new Promise<ScriptRun>((resolve, reject) => {
      const child = spawn(process.execPath, [file], {
        cwd,
        env: { ...process.env, LITHOPS_TEST_CONFIG: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(guard);
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      });
    });
  } finally {
    rmSync(file, { force: true });
  }
}
