import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lithops, localConfig, tempProject } from './run-cli.js';

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

  it('clean removes everything under the jobs prefix and nothing else', () => {
    const dir = tempProject();
    const config = ['--config', localConfig(dir)];
    const file = join(dir, 'x.bin');
    writeFileSync(file, 'x');
    for (const key of ['lithops.jobs/a-1/00000/status.json', 'lithops.jobs/a/f.func.mjs', 'keep/me.txt']) {
      expect(lithops(['storage', 'put', file, 'storage', '--key', key, ...config], dir).status).toBe(0);
    }
    const r = lithops(['clean', ...config], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Removed 2 objects under localhost://storage/lithops.jobs/');
    const left = lithops(['storage', 'list', 'storage', ...config], dir);
    expect(left.stdout.trim().split('\n')).toHaveLength(1);
    expect(left.stdout).toContain('keep/me.txt');
  });
});
