// Packs the publishable packages as npm would publish them, installs the tarballs into a fresh
// project with plain npm (no workspace, no pnpm layout), and runs a user's first steps there:
// a TypeScript program via tsx (`await using`), a JavaScript ESM program (`try/finally` +
// `close()`), `npx lithops hello`, and the error for a backend that is not installed.
// Prints one `[test-pack] ok|FAIL <check>` line per check; exits non-zero on any failure.
// Usage: node scripts/test-pack.mjs [--keep] [--no-build]
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const noBuild = process.argv.includes('--no-build');
/** Packed and installed: core, the CLI, and one storage backend when it builds. */
const REQUIRED = ['packages/core', 'apps/cli'];
const OPTIONAL = ['packages/aws-s3'];

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`[test-pack] ${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n${indent(detail)}` : ''}`);
}
const indent = (s) =>
  String(s)
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...extraEnv },
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

const pkgName = (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name;

// 1. Build (turbo builds what each package depends on first).
const wanted = [...REQUIRED, ...OPTIONAL];
const built = [];
if (noBuild) built.push(...wanted.filter((d) => existsSync(join(root, d, 'dist'))));
else {
  for (const dir of wanted) {
    const r = run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', `--filter=${pkgName(dir)}`, '--output-logs=errors-only'],
      root,
    );
    if (r.status === 0) built.push(dir);
    else if (REQUIRED.includes(dir)) check(`build ${pkgName(dir)}`, false, r.stdout + r.stderr);
    else console.log(`[test-pack] skip ${pkgName(dir)}: it does not build`);
  }
}

const work = mkdtempSync(join(tmpdir(), 'lithops-pack-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);

try {
  // 2. Pack with pnpm: it rewrites `workspace:^` ranges to the real versions, as publishing does.
  for (const dir of built) {
    const r = run('pnpm', ['pack', '--pack-destination', tarballs], join(root, dir));
    if (r.status !== 0) check(`pack ${pkgName(dir)}`, false, r.stdout + r.stderr);
  }
  const tgz = readdirSync(tarballs).map((f) => join(tarballs, f));
  check(
    'packed core and the CLI',
    REQUIRED.every((d) => tgz.some((t) => t.includes(pkgName(d).replace('@', '').replace('/', '-')))),
    tgz.join('\n'),
  );

  // 3. A fresh project, installed with plain npm from the tarballs (+ tsx and TypeScript).
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'pack-test-project', private: true, type: 'module' }, null, 2)}\n`,
  );
  const install = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tgz,
      'tsx@^4',
      'typescript@~5.9',
      '@types/node@^20',
    ],
    project,
  );
  check('npm install of the tarballs', install.status === 0, install.stdout + install.stderr);
  writeFixtures(project);

  // 4. What a user runs.
  const ts = run('npx', ['tsx', 'main.ts'], project);
  check(
    'TypeScript via tsx with await using',
    ts.status === 0 && ts.stdout.includes('ts ok [2,4,6] [1,4,9]'),
    ts.stdout + ts.stderr,
  );
  const tsc = run('npx', ['tsc', '--noEmit', '-p', '.'], project);
  check(
    'TypeScript typechecks against the installed declarations',
    tsc.status === 0,
    tsc.stdout + tsc.stderr,
  );
  const js = run('node', ['main.mjs'], project);
  check(
    'JavaScript ESM with try/finally and close()',
    js.status === 0 && js.stdout.includes('js ok [2,4,6] [1,4,9]'),
    js.stdout + js.stderr,
  );
  const missing = run('node', ['missing-backend.mjs'], project);
  check(
    'a storage backend that is not installed names the package to add',
    missing.status === 0 && missing.stdout.includes('BACKEND_NOT_FOUND npm install @lithops/redis'),
    missing.stdout + missing.stderr,
  );
  const hello = run('npx', ['lithops', 'hello'], project);
  check(
    'npx lithops hello',
    hello.status === 0 && hello.stdout.includes('Hello World! Lithops is working as expected :)'),
    hello.stdout + hello.stderr,
  );
  const lambda = run('npx', ['lithops', 'hello', '--backend', 'aws_lambda'], project);
  check(
    'npx lithops hello --backend aws_lambda names @lithops/aws-lambda',
    lambda.status === 1 &&
      lambda.stderr.includes('npm install @lithops/aws-lambda') &&
      !/^\s+at /m.test(lambda.stderr),
    lambda.stdout + lambda.stderr,
  );
  if (built.includes('packages/aws-s3')) {
    const s3 = run('node', ['aws-s3.mjs'], project);
    check(
      'the installed @lithops/aws-s3 is a storage definition core accepts',
      s3.status === 0 && s3.stdout.includes('aws_s3 storage 1'),
      s3.stdout + s3.stderr,
    );
  }
} finally {
  if (keep) console.log(`[test-pack] kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`[test-pack] ${results.length - failed} of ${results.length} checks passed`);
process.exit(failed > 0 ? 1 : 0);

/** The user's program, in TypeScript and in JavaScript, with the function in a sibling module. */
function writeFixtures(dir) {
  const files = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'ESNext.Disposable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      include: ['*.ts'],
    }),
    'jobs.ts': `import type { CallContext } from '@lithops/core';
export function double(x: number, ctx: CallContext): number {
  if (typeof ctx.id !== 'number') throw new Error('no call context');
  return x * 2;
}
`,
    'main.ts': `import { FunctionExecutor } from '@lithops/core';
import { double } from './jobs.js';

await using fexec = new FunctionExecutor();
const doubled: number[] = await fexec.getResult(await fexec.map(double, [1, 2, 3]));
const squares = await fexec.getResult(await fexec.map((x: number) => x * x, [1, 2, 3]));
console.log('ts ok', JSON.stringify(doubled), JSON.stringify(squares));
`,
    'jobs.mjs': `export function double(x) {
  return x * 2;
}
`,
    'main.mjs': `import { FunctionExecutor } from '@lithops/core';
import { double } from './jobs.mjs';

const fexec = new FunctionExecutor();
try {
  const doubled = await fexec.getResult(await fexec.map(double, [1, 2, 3]));
  const squares = await fexec.getResult(await fexec.map((x) => x * x, [1, 2, 3]));
  console.log('js ok', JSON.stringify(doubled), JSON.stringify(squares));
} finally {
  await fexec.close();
}
`,
    'missing-backend.mjs': `import { LithopsError, Storage } from '@lithops/core';

try {
  await Storage.fromConfig({ storage: 'redis' });
  console.log('redis storage loaded, but @lithops/redis is not installed');
} catch (e) {
  if (!LithopsError.isInstance(e)) throw e;
  console.log(e.code, e.message.includes('npm install @lithops/redis') ? 'npm install @lithops/redis' : e.message);
}
`,
    'aws-s3.mjs': `import def from '@lithops/aws-s3';

console.log(def.name, def.kind, def.specVersion);
`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}
