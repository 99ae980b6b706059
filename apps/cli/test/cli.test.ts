import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionExecutor, Storage } from '@lithops/core';
import { ensureRedis } from '@lithops/testkit';
import { describe, expect, it } from 'vitest';
import { lithops, lithopsOnTerminal, localConfig, tempProject } from './run-cli.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('lithops hello / test', () => {
  it('hello runs a map on localhost with no config and prints the results', () => {
    const r = lithops(['hello'], tempProject());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Hello World! Lithops is working as expected :) (call 0)');
    expect(r.stdout).toContain('Hello Grace! Lithops is working as expected :) (call 2)');
    expect(r.stdout).toMatch(/3 calls on backend localhost with storage localhost in [\d.]+ s/);
  });

  it('test checks every result and prints a timing summary', () => {
    const dir = tempProject();
    const r = lithops(['test', '--calls', '6', '--config', localConfig(dir)], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('6 calls on backend localhost with storage localhost: all results correct');
    expect(r.stdout).toMatch(/total: +[\d.]+ s/);
    expect(r.stdout).toMatch(/call exec time: +min [\d.]+ ms, mean [\d.]+ ms, max [\d.]+ ms/);
  });
});

describe('command line', () => {
  it('an unknown command exits 2 with the usage', () => {
    const r = lithops(['frobnicate'], tempProject());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: lithops <command> [options]');
    expect(r.stdout).toBe('');
  });

  it('an unknown option and a missing command exit 2', () => {
    const dir = tempProject();
    const bad = lithops(['hello', '--bogus'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'/);
    const none = lithops([], dir);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Missing command.');
  });

  it('--help prints the usage, --version the package version', () => {
    const dir = tempProject();
    const help = lithops(['--help'], dir);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('storage put FILE BUCKET [--key KEY]');
    const v = lithops(['--version'], dir);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);
  });

  it('a backend that is not installed names the package to add, without a stack', () => {
    const r = lithops(['hello', '--backend', 'aws_lambda'], tempProject());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('needs the package @lithops/aws-lambda');
    expect(r.stderr).toContain('npm install @lithops/aws-lambda');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('hello with an unknown compute backend and Redis storage prints why and exits (no hang)', () => {
    // In the package folder, so @lithops/redis resolves from the config's folder.
    const dir = mkdtempSync(join(fileURLToPath(new URL('..', import.meta.url)), '.tmp-cli-'));
    try {
      const file = join(dir, 'lithops.yaml');
      const prefix = `cli-nope-${randomBytes(4).toString('hex')}`;
      writeFileSync(file, `lithops:\n  storage: redis\nredis:\n  key_prefix: ${prefix}\n`);
      const r = lithops(['hello', '--config', file, '--backend', 'nope'], dir);
      expect(r.status, `hung or crashed: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain('Unknown compute backend "nope"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runtime on localhost says it has no runtimes and exits 1; a wrong action exits 2', () => {
    const dir = tempProject();
    for (const action of ['deploy', 'list', 'delete']) {
      const r = lithops(['runtime', action, ...(action === 'delete' ? ['k'] : [])], dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('The localhost backend has no runtimes');
      expect(r.stderr).toContain('--backend');
      expect(r.stdout).toBe('');
    }
    const wrong = lithops(['runtime', 'frob'], dir);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('Usage: lithops runtime deploy|update');
  });

  it('a bad --log-level and a config error are reported clearly', () => {
    const dir = tempProject();
    const level = lithops(['hello', '--log-level', 'loud'], dir);
    expect(level.status).toBe(2);
    expect(level.stderr).toContain('--log-level must be one of DEBUG, INFO, WARNING, ERROR, NONE');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'lithops:\n  backnd: localhost\n');
    const cfg = lithops(['hello', '--config', file], dir);
    expect(cfg.status).toBe(1);
    expect(cfg.stderr).toContain('[lithops] [config]');
    expect(cfg.stderr).toContain('backnd');
    expect(cfg.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('lithops storage and clean on localhost storage', () => {
  it('put, list, get, delete round trip', () => {
    const dir = tempProject();
    const config = ['--config', localConfig(dir)];
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'héllo storage\n');

    const put = lithops(['storage', 'put', file, 'storage', '--key', 'docs/notes.txt', ...config], dir);
    expect(put.stderr).toContain('Uploaded');
    expect(put.status).toBe(0);
    expect(lithops(['storage', 'put', file, 'storage', ...config], dir).status).toBe(0);

    const list = lithops(['storage', 'list', 'storage', ...config], dir);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ +15 +\S+ +docs\/notes\.txt$/m);
    expect(list.stdout).toMatch(/ notes\.txt$/m);
    const folders = lithops(['storage', 'list', '--delimiter', '/', ...config], dir);
    expect(folders.stdout).toMatch(/PRE +docs\/$/m);
    const prefixed = lithops(['storage', 'list', 'storage', '--prefix', 'docs/', ...config], dir);
    expect(prefixed.stdout.trim().split('\n')).toHaveLength(1);

    const get = lithops(['storage', 'get', 'storage', 'docs/notes.txt', ...config], dir);
    expect(get.status).toBe(0);
    expect(get.stdout).toBe('héllo storage\n');
    const out = join(dir, 'copy.txt');
    expect(
      lithops(['storage', 'get', 'storage', 'docs/notes.txt', '--out', out, ...config], dir).status,
    ).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('héllo storage\n');

    const del = lithops(['storage', 'delete', 'storage', 'docs/notes.txt', 'notes.txt', ...config], dir);
    expect(del.status).toBe(0);
    expect(del.stderr).toContain('Deleted 2 objects');
    const empty = lithops(['storage', 'list', 'storage', ...config], dir);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('0 entries');
  });

  it('get of a missing key fails with NOT_FOUND naming the key, exit 1', () => {
    const dir = tempProject();
    const r = lithops(['storage', 'get', 'storage', 'no/such.key', '--config', localConfig(dir)], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no/such.key');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a wrong storage action or argument count exits 2', () => {
    const dir = tempProject();
    const action = lithops(['storage', 'copy'], dir);
    expect(action.status).toBe(2);
    expect(action.stderr).toContain('Unknown storage action "copy"');
    const args = lithops(['storage', 'get', 'storage'], dir);
    expect(args.status).toBe(2);
    expect(args.stderr).toContain('Usage: lithops storage get BUCKET KEY');
  });
});

/** An executor whose storage is the one `localConfig(dir)` names, as a user's running script. */
function executorIn(dir: string, localhost: Record<string, unknown> = {}): FunctionExecutor {
  return new FunctionExecutor({
    config: {
      lithops: { backend: 'localhost', storage: 'localhost' },
      localhost: { storage_dir: join(dir, 'data'), worker_processes: 1, ...localhost },
    },
  });
}

/** Every file under `dir`, relative to it (none once the folder is gone). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** Sets the modification time of every file under `dir` to `hoursAgo` hours ago. */
function age(dir: string, hoursAgo: number): void {
  const t = new Date(Date.now() - hoursAgo * 3_600_000);
  for (const f of filesUnder(dir)) utimesSync(join(dir, f), t, t);
}

describe('lithops clean', () => {
  it('removes the data of executors with no recent activity, never of one still open', async () => {
    const dir = tempProject();
    const config = ['--config', localConfig(dir)];
    const jobs = join(dir, 'data', 'storage', 'lithops.jobs');
    const keep = join(dir, 'x.txt');
    writeFileSync(keep, 'x');
    expect(lithops(['storage', 'put', keep, 'storage', '--key', 'keep/me.txt', ...config], dir).status).toBe(
      0,
    );
    // Results over 1 KiB go through storage: each executor leaves a job folder and a cloud object.
    await using running = executorIn(dir, { max_inline_result_bytes: 1024 });
    await using gone = executorIn(dir, { max_inline_result_bytes: 1024 });
    for (const fexec of [running, gone]) {
      await fexec.storage.putCloudObject('data of the executor');
      await fexec.getResult(await fexec.callAsync((n: number) => 'x'.repeat(n), 4096));
    }
    const ofExecutor = (id: string) => filesUnder(jobs).filter((f) => f.startsWith(id));
    expect(ofExecutor(running.executorId).length).toBeGreaterThanOrEqual(2);
    expect(ofExecutor(gone.executorId).length).toBeGreaterThanOrEqual(2);
    // The second executor was killed two hours ago, say: its data is that old.
    for (const d of readdirSync(jobs).filter((d) => d.startsWith(gone.executorId))) age(join(jobs, d), 2);
    const before = ofExecutor(running.executorId);
    const old = ofExecutor(gone.executorId).length;

    const r = lithops(['clean', ...config], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^Removed ${old} objects of 1 executors with no activity for 1h .*; kept the data of 1 active executors`,
      ),
    );
    expect(ofExecutor(gone.executorId)).toEqual([]);
    expect(ofExecutor(running.executorId)).toEqual(before);
    // Idle for half an hour, the first executor's data goes only with a shorter age.
    age(join(jobs), 0.5);
    expect(lithops(['clean', '--older-than', '1h', ...config], dir).stdout).toContain('Removed 0 objects');
    expect(lithops(['clean', '--older-than', '20m', ...config], dir).stdout).toContain(
      `Removed ${before.length} objects of 1 executors with no activity for 20m`,
    );
    expect(ofExecutor(running.executorId)).toEqual([]);
    expect(lithops(['storage', 'list', 'storage', ...config], dir).stdout).toContain('keep/me.txt');
  });

  it('--all asks on a terminal, refuses without one unless --yes, and then removes every executor data', async () => {
    const dir = tempProject();
    const config = ['--config', localConfig(dir)];
    const jobs = join(dir, 'data', 'storage', 'lithops.jobs');
    await using fexec = executorIn(dir);
    await fexec.storage.putCloudObject('data of a running executor');
    const n = filesUnder(jobs).length;
    expect(n).toBeGreaterThan(0);

    const refused = lithops(['clean', '--all', ...config], dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(
      'clean --all would remove every object under localhost://storage/lithops.jobs/',
    );
    expect(refused.stderr).toContain('add --yes');
    expect(filesUnder(jobs)).toHaveLength(n);

    const no = lithopsOnTerminal(['clean', '--all', ...config], dir, 'n\n');
    expect(no.status).toBe(0);
    expect(no.stdout).toContain('including data of executors still running? [y/N]');
    expect(no.stdout).toContain('Nothing removed.');
    expect(filesUnder(jobs)).toHaveLength(n);
    const yes = lithopsOnTerminal(['clean', '--all', ...config], dir, 'y\n');
    expect(yes.status).toBe(0);
    expect(yes.stdout).toContain(`Removed ${n} objects under localhost://storage/lithops.jobs/`);
    expect(filesUnder(jobs)).toEqual([]);

    await fexec.storage.putCloudObject('more data of the running executor');
    const all = lithops(['clean', '--all', '--yes', ...config], dir);
    expect(all.status).toBe(0);
    expect(all.stdout).toContain(`Removed 1 objects under localhost://storage/lithops.jobs/`);
    expect(filesUnder(jobs)).toEqual([]);
  });

  it('a bad age, --all with an age, or --yes alone exit 2', () => {
    const dir = tempProject();
    for (const [args, message] of [
      [['--older-than', '2 hours'], '--older-than must be a positive age such as 30m, 2h or 1d'],
      [['--older-than', '0h'], '--older-than must be a positive age'],
      [['--all', '--older-than', '1h'], '--all removes everything: it takes no --older-than'],
      [['--yes'], '--yes only confirms --all'],
    ] as const) {
      const r = lithops(['clean', ...args], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('lithops clean on redis storage', () => {
  it('removes the data of an executor idle for over the age and keeps that of an open one', async () => {
    // The project folder sits in this package, so the config's `storage: redis` resolves
    // @lithops/redis from its node_modules, as in a user's project that installed it.
    const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.tmp-cli-redis-'));
    const server = await ensureRedis();
    const keyPrefix = `lithops-cli-test-${randomBytes(4).toString('hex')}`;
    const config = {
      lithops: { backend: 'localhost', storage: 'redis' },
      redis: { host: server.host, port: server.port, key_prefix: keyPrefix, storage_bucket: 'storage' },
      localhost: { worker_processes: 1 },
    };
    const file = join(dir, 'lithops.yaml');
    writeFileSync(file, JSON.stringify(config));
    const storage = await Storage.fromConfig({ config });
    try {
      await using running = new FunctionExecutor({ config });
      await using gone = new FunctionExecutor({ config });
      for (const fexec of [running, gone]) await fexec.storage.putCloudObject('data of the executor');
      const keysOf = async (id: string) => {
        const out: string[] = [];
        for await (const k of storage.listKeys('storage', { prefix: `lithops.jobs/${id}` })) out.push(k);
        return out;
      };
      const old = await keysOf(gone.executorId);
      expect(old.length).toBeGreaterThan(0);
      // Its objects were last written two hours ago (README: `<prefix>:{<bucket>}:mtime` holds the times).
      const redis = storage.getClient() as {
        hset(key: string, ...args: (string | number)[]): Promise<number>;
      };
      const twoHoursAgo = Date.now() - 2 * 3_600_000;
      await redis.hset(`${keyPrefix}:{storage}:mtime`, ...old.flatMap((k) => [k, twoHoursAgo]));
      const kept = await keysOf(running.executorId);

      const r = lithops(['clean', '--config', file], dir);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(
        `Removed ${old.length} objects of 1 executors with no activity for 1h under redis://storage/lithops.jobs/`,
      );
      expect(await keysOf(gone.executorId)).toEqual([]);
      expect(await keysOf(running.executorId)).toEqual(kept);

      const all = lithops(['clean', '--all', '--yes', '--config', file], dir);
      expect(all.stdout).toContain(`Removed ${kept.length} objects under redis://storage/lithops.jobs/`);
      expect(await keysOf(running.executorId)).toEqual([]);
    } finally {
      await storage.deleteBucket('storage').catch(() => {});
      await storage.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
