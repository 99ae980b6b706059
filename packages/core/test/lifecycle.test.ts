import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Runs a script in the core package folder (so it resolves @lithops/core) until it exits.
 * `files` are written beside it; `.ts` entries run through tsx.
 */
function run(
  source: string,
  opts: {
    name?: string;
    files?: Record<string, string>;
    env?: Record<string, string>;
    /** Resolve once every holder of its stdio (the pool processes too) is gone, not at its exit. */
    untilClosed?: boolean;
  } = {},
): Promise<{ code: number | null; out: string; dir: string }> {
  const dir = mkdtempSync(join(here, '.tmp-lifecycle-'));
  tempDirs.push(dir);
  const file = join(dir, opts.name ?? 'script.mjs');
  writeFileSync(file, source);
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  const args = file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: join(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // A guard against a script that never exits (then its code is null), not a measure of speed.
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on(opts.untilClosed ? 'close' : 'exit', (code) => {
      clearTimeout(kill);
      resolve({ code, out, dir });
    });
  });
}

const SCRIPT_HEAD = `
import { FunctionExecutor } from '@lithops/core';
const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 2 } } });
`;

describe('process lifecycle', () => {
  it('many executors left open: no listener warning, and their socket folders go at exit', async () => {
    const tmp = mkdtempSync(join(here, '.tmp-lifecycle-tmpdir-'));
    tempDirs.push(tmp);
    const r = await run(
      `
import { FunctionExecutor } from '@lithops/core';
for (let i = 0; i < 12; i++) {
  const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 1 } } });
  await fexec.getResult(await fexec.callAsync((x) => x + 1, i));
}
console.log('done');
`,
      { env: { TMPDIR: tmp } },
    );
    expect(r.out).toContain('done');
    expect(r.out).not.toContain('MaxListenersExceededWarning');
    expect(r.code).toBe(0);
    // Every pool made a folder of its own there (pool-*), and each is gone.
    expect(readdirSync(join(tmp, `lithops-${process.getuid!()}`, 'pools'))).toEqual([]);
  });

  it('a script that ends with process.exit() leaves no error from its pool processes', async () => {
    // The pool's call threads see their sockets close and end; their processes must not then
    // throw EPIPE at a parent that is gone (it showed in the user's terminal: 1 run in 5 alone,
    // most batches of 4 at once).
    for (let batch = 0; batch < 3; batch++) {
      const runs = await Promise.all(
        Array.from({ length: 4 }, () =>
          run(
            `${SCRIPT_HEAD}
console.log(JSON.stringify(await fexec.getResult(await fexec.map((x) => x + 1, [1, 2, 3, 4]), { showProgressbar: false })));
process.exit(0);
`,
            { untilClosed: true },
          ),
        ),
      );
      for (const r of runs) {
        expect(r.out.trim()).toBe('[2,3,4,5]');
        expect(r.code).toBe(0);
      }
    }
  });

  it('a script that never closes its executor still exits by itself', async () => {
    const r = await run(`${SCRIPT_HEAD}
const fs = await fexec.map((x) => x + 1, [1, 2, 3]);
console.log(JSON.stringify(await fexec.getResult(fs)));
`);
    expect(r.out).toContain('[2,3,4]');
    expect(r.code).toBe(0);
  });

  it('close() with calls pending aborts the uninvoked ones and exits', async () => {
    const r = await run(`${SCRIPT_HEAD}
import { writeFileSync } from 'node:fs';
// Every call runs until the gate file exists: the script opens it once close() has begun.
const gate = new URL('./gate', import.meta.url).pathname;
const wait = async (file) => {
  const { existsSync } = await import('node:fs');
  while (!existsSync(file)) await new Promise((r) => setTimeout(r, 10));
  return 200;
};
const fs = await fexec.map(wait, Array(8).fill(gate));
while (!fs[0].running) await new Promise((r) => setTimeout(r, 5));
const closing = fexec.close();
writeFileSync(gate, '');
await closing;
const out = await fexec.getResult(fs, { throwExcept: false });
console.log(out.map((x) => (x instanceof Error ? x.code : x)).join(','));
`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/200/);
    expect(r.out).toMatch(/ABORTED/);
  });

  it('runs a function from a TypeScript module under tsx, with await using', async () => {
    const r = await run(
      `import { FunctionExecutor } from '@lithops/core';
import { shout } from './shout.ts';
await using fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 1 } } });
console.log(JSON.stringify(await fexec.getResult(await fexec.map(shout, ['a', 'b']))));
`,
      {
        name: 'main.ts',
        files: {
          'shout.ts':
            'export function shout(s: string): string {\n  const t: string = s.toUpperCase();\n  return t + "!";\n}\n',
        },
      },
    );
    expect(r.out).toContain('["A!","B!"]');
    expect(r.code).toBe(0);
  });

  it('never re-runs the entry script in a worker: its exports go by source or are refused', async () => {
    const r = await run(`import { appendFileSync } from 'node:fs';
import { FunctionExecutor } from '@lithops/core';
appendFileSync(new URL('./ran.txt', import.meta.url), 'entry ran\\n');
const FACTOR = 10;
export function triple(x) { return x * 3; }
export function scaled(x) { return x * FACTOR; }
const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 1 } } });
try {
  console.log('triple', JSON.stringify(await fexec.getResult(await fexec.map(triple, [1, 2]))));
  await fexec.map(scaled, [1]).catch((e) => console.log('scaled', e.code, e.message));
} finally {
  await fexec.close();
}
`);
    expect(r.out).toContain('triple [3,6]');
    expect(r.out).toContain('scaled CLOSURE');
    expect(r.out).toContain('"FACTOR"');
    expect(r.out).toContain('Move it into its own module');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(r.dir, 'ran.txt'), 'utf8')).toBe('entry ran\n');
  });

  it('says what it does at INFO and DEBUG (LITHOPS_LOG_LEVEL), and nothing at the default level', async () => {
    const script = `${SCRIPT_HEAD}
try {
  const fs = await fexec.map((x) => x + 1, [1, 2, 3], { chunksize: 2 });
  console.log(JSON.stringify(await fexec.getResult(fs, { showProgressbar: false })));
} finally {
  await fexec.close();
}
`;
    const info = await run(script, { env: { LITHOPS_LOG_LEVEL: 'info' } });
    expect(info.code, info.out).toBe(0);
    expect(info.out).toContain('[2,3,4]');
    expect(info.out).toMatch(
      /\[lithops\] INFO ExecutorID \w+ - compute: localhost \(localhost\); storage: localhost/,
    );
    expect(info.out).toMatch(/JobID M000 - .*\(\): 3 calls in 2 invocations \(chunksize 2/);
    expect(info.out).toContain('Getting results from 3 calls');
    expect(info.out).toMatch(/Cleaning temporary data: \d+ objects/);
    expect(info.out).not.toContain('DEBUG');

    const debug = await run(script, { env: { LITHOPS_LOG_LEVEL: 'DEBUG' } });
    expect(debug.code, debug.out).toBe(0);
    expect(debug.out).toMatch(/DEBUG function bundle .+: \d+ bytes, uploading/);
    expect(debug.out).toContain('DEBUG JobID M000: 2 invocations sent');

    const quiet = await run(script, { env: { LITHOPS_LOG_LEVEL: '' } });
    expect(quiet.code, quiet.out).toBe(0);
    expect(quiet.out).not.toContain('[lithops] INFO');
  });

  it("a function shipped by source fails with a remote stack naming the user's own file and line", async () => {
    const r = await run(`${SCRIPT_HEAD}
try {
  const fs = await fexec.map(
    (x) => {
      const y = x + 1;
      throw new Error('boom ' + y);
    },
    [1],
  );
  await fexec.getResult(fs, { showProgressbar: false });
} catch (e) {
  console.log(e.stack);
} finally {
  await fexec.close();
}
`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Error: boom 2');
    // The throw is on line 9 of the script (SCRIPT_HEAD is 3 lines), at "new Error".
    expect(r.out).toMatch(/at default \(\/.+\/script\.mjs:9:13\)/);
  });

  it('reads the config file named by LITHOPS_CONFIG_FILE', async () => {
    const cfgDir = mkdtempSync(join(here, '.tmp-lifecycle-'));
    tempDirs.push(cfgDir);
    const cfg = join(cfgDir, 'my-config.yaml');
    writeFileSync(
      cfg,
      'lithops:\n  backend: localhost\nlocalhost:\n  worker_processes: 1\n  storage_dir: ./data\n',
    );
    const r = await run(
      `import { FunctionExecutor } from '@lithops/core';
const fexec = new FunctionExecutor();
try {
  console.log(fexec.config.source, JSON.stringify(await fexec.getResult(await fexec.map((x) => x + 1, [1]))));
  console.log('bucket', (await fexec.getStorage()).backend.getClient().root);
} finally {
  await fexec.close();
}
`,
      { env: { LITHOPS_CONFIG_FILE: cfg } },
    );
    expect(r.out).toContain(`${cfg} [2]`);
    expect(r.out).toContain(`bucket ${join(cfgDir, 'data')}`);
  });
});
