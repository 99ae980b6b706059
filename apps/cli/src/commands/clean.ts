import { createInterface } from 'node:readline/promises';
import { type ConfigOptions, createStorageBackend, type LoadedConfig, loadConfig } from '@lithops/core';
import { UsageError } from '../usage-error.js';

/** Keys per delete request, so a huge prefix goes out in steps that can be followed in a log. */
const BATCH = 1000;

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** What `lithops clean` was asked to do. */
interface CleanRequest {
  /** `--older-than`: e.g. `90m`, `2h`, `1d`. */
  olderThan?: string;
  /** `--all`: every object under the jobs prefix and the runtimes this project deployed. */
  all: boolean;
  /** `--yes`: no confirmation prompt for `--all`. */
  yes: boolean;
}

/** Parses an age such as `30s`, `90m`, `2h` or `1d` into seconds. */
function parseAge(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  const sec = m ? Number(m[1]) * UNITS[m[2] as keyof typeof UNITS] : 0;
  if (!(sec > 0)) {
    throw new UsageError(`--older-than must be a positive age such as 30m, 2h or 1d, not "${value}".`);
  }
  return sec;
}

/**
 * Default age: an hour, or twice the call timeout if that is longer, so a job whose calls run up
 * to `execution_timeout` without writing anything still counts as active.
 */
function defaultAgeSec(config: LoadedConfig): number {
  return Math.max(3600, 2 * config.lithops.execution_timeout);
}

function formatAge(sec: number): string {
  const [unit, size] = Object.entries(UNITS)
    .reverse()
    .find(([, s]) => sec % s === 0) ?? ['s', 1];
  return `${sec / size}${unit}`;
}

/** The executor a key under the jobs prefix belongs to: `<executorId>/…` or `<executorId>-<jobId>/…`. */
function executorOf(rest: string): string {
  const folder = rest.split('/', 1)[0]!;
  return folder.split('-', 1)[0]!;
}

interface ExecutorData {
  keys: string[];
  /** Newest object time; objects without a time count as written now. */
  newest: number;
}

/**
 * `lithops clean`: removes the data of executors that are finished or gone — those with no object
 * under the jobs prefix newer than the age. An open executor keeps its folder fresh (its jobs'
 * objects, and an `alive` mark rewritten every 10 minutes once it stored a bundle). With
 * `--all`, after a confirmation, every object under the jobs prefix and the runtimes this project
 * deployed (functions it created and tagged; nothing else).
 */
export async function clean(options: ConfigOptions, req: CleanRequest): Promise<void> {
  if (req.all && req.olderThan !== undefined) {
    throw new UsageError('--all removes everything: it takes no --older-than.');
  }
  if (req.yes && !req.all) throw new UsageError('--yes only confirms --all.');
  const ageSec = req.olderThan === undefined ? undefined : parseAge(req.olderThan);
  const config = loadConfig(options);
  const storage = await createStorageBackend(config);
  const prefix = `${config.lithops.jobs_prefix}/`;
  const where = `${storage.name}://${storage.bucket}/${prefix}`;
  try {
    if (req.all && !(await confirmAll(req.yes, where, config.lithops.backend))) {
      console.error('Nothing removed.');
      return;
    }
    const byExecutor = new Map<string, ExecutorData>();
    // List everything first: deleting under a listing that is still paging could skip keys.
    for await (const e of storage.listObjects(storage.bucket, { prefix })) {
      if (e.type !== 'object') continue;
      const id = executorOf(e.key.slice(prefix.length));
      let data = byExecutor.get(id);
      if (!data) {
        data = { keys: [], newest: 0 };
        byExecutor.set(id, data);
      }
      data.keys.push(e.key);
      data.newest = Math.max(data.newest, e.lastModified?.getTime() ?? Date.now());
    }
    const age = ageSec ?? defaultAgeSec(config);
    const cutoff = Date.now() - age * 1000;
    const gone = [...byExecutor.values()].filter((d) => req.all || d.newest < cutoff);
    const keys = gone.flatMap((d) => d.keys);
    for (let i = 0; i < keys.length; i += BATCH) {
      await storage.deleteObjects(storage.bucket, keys.slice(i, i + BATCH));
    }
    if (req.all) {
      console.log(`Removed ${keys.length} objects under ${where}`);
      return;
    }
    const kept = byExecutor.size - gone.length;
    console.log(
      `Removed ${keys.length} objects of ${gone.length} executors with no activity for ${formatAge(age)} under ${where}` +
        `; kept the data of ${kept} active executors (\`lithops clean --all\` removes everything)`,
    );
  } finally {
    await storage[Symbol.asyncDispose]();
  }
}

/** Asks before `--all`; without a terminal to ask on, only `--yes` goes ahead. */
async function confirmAll(yes: boolean, where: string, backend: string): Promise<boolean> {
  if (yes) return true;
  const runtimes = backend === 'localhost' ? '' : `, and the runtimes this project deployed on ${backend}`;
  const what = `every object under ${where}, including data of executors still running${runtimes}`;
  if (!process.stdin.isTTY) {
    throw new UsageError(`clean --all would remove ${what}; with no terminal to confirm on, add --yes.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`Remove ${what}? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
