import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A folder that stands for a user's project: the CLI runs there with HOME pointing inside it,
 * so no config of the machine (./.lithops_config, ~/.lithops/config) leaks into a test.
 */
export function tempProject(): string {
  return mkdtempSync(join(tmpdir(), 'lithops-cli-'));
}

/** Writes a config whose storage is a folder inside `dir`; returns the config path. */
export function localConfig(dir: string): string {
  const file = join(dir, 'lithops.yaml');
  writeFileSync(
    file,
    [
      'lithops:',
      '  backend: localhost',
      '  storage: localhost',
      'localhost:',
      '  storage_dir: ./data',
      '',
    ].join('\n'),
  );
  return file;
}

function userEnv(cwd: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: cwd };
  delete env.LITHOPS_CONFIG_FILE;
  return env;
}

/** Runs the built `lithops` bin as a user would, in `cwd`. */
export function lithops(args: readonly string[], cwd: string): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: userEnv(cwd),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the `lithops` bin on a terminal (util-linux `script` gives it one) and types `input`;
 * returns what the terminal showed. Arguments must not need shell quoting.
 */
export function lithopsOnTerminal(args: readonly string[], cwd: string, input: string): CliRun {
  const command = [process.execPath, BIN, ...args].join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd,
    env: userEnv(cwd),
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
