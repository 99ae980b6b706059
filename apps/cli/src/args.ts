import { parseArgs } from 'node:util';
import type { ConfigOptions } from '@lithops/core';
import { UsageError } from './usage-error.js';

export const USAGE = `Usage: lithops <command> [options]

Commands:
  hello                          run a small map on the configured backend and print the results
  test [--calls N]               run N calls (default 10), check the results, print timings
  clean [--older-than AGE]       remove the job data of executors with no activity for AGE
                                 (e.g. 90m, 2h, 1d; default 1h, or twice execution_timeout)
  clean --all [--yes]            remove all job data (the jobs prefix) and the runtimes this
                                 project deployed, after a confirmation (--yes: without one)
  runtime deploy|update [NAME] [MEMORY_MB]
                                 deploy (or redeploy) the worker runtime of the backend
  runtime list                   list deployed runtimes
  runtime delete KEY             delete a deployed runtime
  storage list [BUCKET] [--prefix P] [--delimiter D]
                                 list objects (default bucket: the configured storage_bucket)
  storage get BUCKET KEY [--out FILE]
                                 download an object to FILE, or to stdout
  storage put FILE BUCKET [--key KEY]
                                 upload a file (default key: the file's name)
  storage delete BUCKET [KEY...] [--prefix P]
                                 delete objects by key, or every object under a prefix

Options:
  --config FILE       config file (default: LITHOPS_CONFIG_FILE, ./.lithops_config, ~/.lithops/config)
  --backend NAME      compute backend (localhost, aws_lambda, ... or a module specifier)
  --storage NAME      storage backend (localhost, aws_s3, ... or a module specifier)
  --log-level LEVEL   DEBUG, INFO, WARNING, ERROR or NONE
  -h, --help          show this help
  -v, --version       show the version
`;

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'NONE'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

// One table for every command: parseArgs then rejects an option no command knows.
const OPTIONS = {
  config: { type: 'string' },
  backend: { type: 'string' },
  storage: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  calls: { type: 'string', short: 'n' },
  prefix: { type: 'string', short: 'p' },
  delimiter: { type: 'string', short: 'd' },
  key: { type: 'string', short: 'k' },
  out: { type: 'string', short: 'o' },
  'older-than': { type: 'string' },
  all: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

/** The command line, parsed: the command words, and the options every command shares. */
export interface CommandLine {
  positionals: string[];
  help: boolean;
  version: boolean;
  config: ConfigOptions;
  calls?: string;
  prefix?: string;
  delimiter?: string;
  key?: string;
  out?: string;
  olderThan?: string;
  all: boolean;
  yes: boolean;
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const config: ConfigOptions = {};
  if (v.config !== undefined) config.configFile = v.config;
  if (v.backend !== undefined) config.backend = v.backend;
  if (v.storage !== undefined) config.storage = v.storage;
  if (v['log-level'] !== undefined) config.logLevel = logLevel(v['log-level']);
  return {
    positionals: parsed.positionals,
    help: v.help ?? false,
    version: v.version ?? false,
    config,
    ...(v.calls !== undefined && { calls: v.calls }),
    ...(v.prefix !== undefined && { prefix: v.prefix }),
    ...(v.delimiter !== undefined && { delimiter: v.delimiter }),
    ...(v.key !== undefined && { key: v.key }),
    ...(v.out !== undefined && { out: v.out }),
    ...(v['older-than'] !== undefined && { olderThan: v['older-than'] }),
    all: v.all ?? false,
    yes: v.yes ?? false,
  };
}

function logLevel(value: string): LogLevel {
  // Python Lithops users write `--log-level info`; accept any case.
  const upper = value.toUpperCase();
  const level = LOG_LEVELS.find((l) => l === upper || (upper === 'WARN' && l === 'WARNING'));
  if (!level) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${value}".`);
  return level;
}

/** Checks the number of words after the command, for a clear message instead of a silent ignore. */
export function expectArgs(words: readonly string[], min: number, max: number, usage: string): void {
  if (words.length < min) throw new UsageError(`Missing arguments. Usage: lithops ${usage}`);
  if (words.length > max) {
    throw new UsageError(`Unexpected argument "${words[max]}". Usage: lithops ${usage}`);
  }
}
