import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs a script in the core package folder (so it resolves @lithops/core) and times its exit. */
function run(source: string): Promise<{ code: number | null; ms: number; out: string }> {
  const dir = mkdtempSync(join(here, '.tmp-lifecycle-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, source);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {
      cwd: join(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, ms: Date.now() - t0, out });
    });
  });
}

const SCRIPT_HEAD = `
import { FunctionExecutor } from '@lithops/core';
const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 2 } } });
`;

describe('process lifecycle', () => {
  it('a script that never closes its executor still exits by itself', async () => {
    const r = await run(`${SCRIPT_HEAD}
const fs = await fexec.map((x) => x + 1, [1, 2, 3]);
console.log(JSON.stringify(await fexec.getResult(fs)));
`);
    expect(r.out).toContain('[2,3,4]');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(5000);
  });

  it('close() with calls pending aborts the uninvoked ones and exits', async () => {
    const r = await run(`${SCRIPT_HEAD}
const fs = await fexec.map((ms) => new Promise((res) => setTimeout(() => res(ms), ms)), [200, 200, 200, 200, 200, 200, 200, 200]);
while (!fs[0].running) await new Promise((r) => setTimeout(r, 5));
await fexec.close();
const out = await fexec.getResult(fs, { throwExcept: false });
console.log(out.map((x) => (x instanceof Error ? x.code : x)).join(','));
`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/200/);
    expect(r.out).toMatch(/ABORTED/);
    expect(r.ms).toBeLessThan(8000);
  });
});
