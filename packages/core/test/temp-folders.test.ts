import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionExecutor, LithopsError } from '@lithops/core';
import { CALL_THREAD_SCRIPT, CallThreads } from '@lithops/core/worker';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeResult, encode } from '../src/codec/codec.js';
import { privateTempDir } from '../src/util/private-dir.js';

const here = dirname(fileURLToPath(import.meta.url));
const osTmp = tmpdir();
const uid = process.getuid!();
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder to stand for the OS temp dir. */
function fakeTmp(): string {
  const d = mkdtempSync(join(osTmp, 'lithops-tmpdir-test-'));
  made.push(d);
  return d;
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('temp folders', () => {
  const savedTmp = process.env.TMPDIR;
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  });

  it('a map with no folders configured keeps storage, bundles and sockets in lithops-<uid>, all 0700', async () => {
    const tmp = fakeTmp();
    // The script lives in the package (it resolves @lithops/core) and runs in a folder without
    // node_modules, as a user's script would: the bundle cache then goes to the temp dir too.
    const scriptDir = mkdtempSync(join(here, '.tmp-temp-folders-'));
    made.push(scriptDir);
    writeFileSync(join(scriptDir, 'jobs.mjs'), 'export function double(x) { return 2 * x; }\n');
    writeFileSync(
      join(scriptDir, 'main.mjs'),
      `import { FunctionExecutor } from '@lithops/core';
import { double } from './jobs.mjs';
const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 1 } } });
try {
  console.log(JSON.stringify(await fexec.getResult(await fexec.map(double, [1, 2]))));
} finally {
  await fexec.close();
}
`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(scriptDir, 'main.mjs')], {
        cwd: tmp,
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (c) => {
        text += c;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${text}`))));
    });
    expect(out.trim()).toBe('[2,4]');
    const root = join(tmp, `lithops-${uid}`);
    expect(readdirSync(root).sort()).toEqual(['bundles', 'pools', 'storage']);
    for (const d of [root, join(root, 'bundles'), join(root, 'pools'), join(root, 'storage')]) {
      expect([d, mode(d)]).toEqual([d, '700']);
    }
    const cached = readdirSync(join(root, 'bundles'));
    expect(cached.some((f) => f.endsWith('.mjs'))).toBe(true);
    // Written under unique temporary names, then renamed: none is left behind.
    expect(cached.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const f of cached) expect([f, mode(join(root, 'bundles', f))]).toEqual([f, '600']);
  });

  it('refuses a folder writable by others and a link in its place', async () => {
    const tmp = fakeTmp();
    process.env.TMPDIR = tmp;
    const root = join(tmp, `lithops-${uid}`);
    mkdirSync(root);
    chmodSync(root, 0o777);
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(LithopsError.is(e, 'ACCESS_DENIED')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal(() => privateTempDir('storage'))).toContain(`${root} is writable by others (mode 777)`);

    // The executor's default storage and pool are refused the same way, before any call runs.
    const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: 1 } } });
    try {
      const e = await fexec
        .map((x: number) => x, [1])
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(LithopsError.is(e, 'ACCESS_DENIED')).toBe(true);
      expect((e as Error).message).toContain('point TMPDIR at a folder of your own');
    } finally {
      await fexec.close();
    }

    chmodSync(root, 0o700);
    mkdirSync(join(root, 'bundles'), { mode: 0o700 });
    chmodSync(join(root, 'bundles'), 0o770);
    expect(refusal(() => privateTempDir('bundles'))).toContain('is writable by others (mode 770)');

    symlinkSync(tmp, join(root, 'pools'));
    expect(refusal(() => privateTempDir('pools'))).toContain('is not a folder (a symbolic link');

    mkdirSync(join(root, 'storage'), { mode: 0o700 });
    expect(privateTempDir('storage')).toBe(join(root, 'storage'));
  });

  it.skipIf(uid !== 0)('refuses lithops-<uid> owned by another user (nobody)', () => {
    const tmp = fakeTmp();
    process.env.TMPDIR = tmp;
    const root = join(tmp, `lithops-${uid}`);
    mkdirSync(root, { mode: 0o700 });
    chownSync(root, 65534, 65534);
    expect(() => privateTempDir('storage')).toThrow(`belongs to uid 65534, not to this user (uid ${uid})`);
  });
});

describe('bundles are verified as they are loaded', () => {
  it('runs a bundle whose bytes match its SHA-256 and refuses one changed after it was written', async () => {
    const dir = fakeTmp();
    const write = (name: string, code: string) => {
      writeFileSync(join(dir, name), code);
      return createHash('sha256').update(code).digest('hex');
    };
    const good = write('good.mjs', 'export default (x) => "ran " + x;\n');
    // Written with one content and SHA-256, then changed: the check at load sees the new bytes.
    const sha = write('changed.mjs', 'export default () => "written";\n');
    write('changed.mjs', 'export default () => "changed";\n');
    const threads = new CallThreads(CALL_THREAD_SCRIPT, {});
    try {
      const call = (file: string, bundleSha256: string) =>
        threads.run(
          { bundlePath: join(dir, file), bundleSha256, callId: '00000', jobKey: 'job', input: encode(7) },
          30,
        );
      const ok = await call('good.mjs', good);
      expect(ok.type === 'done' && ok.ok).toBe(true);
      expect(ok.type === 'done' && decodeResult(ok.result!, ok.format)).toBe('ran 7');
      const bad = await call('changed.mjs', sha);
      expect(bad.type === 'done' && bad.ok).toBe(false);
      expect(bad.error?.message).toContain(`${join(dir, 'changed.mjs')} does not match its SHA-256 at load`);
      expect(bad.output).not.toContain('changed');
    } finally {
      await threads.close();
    }
  });
});
