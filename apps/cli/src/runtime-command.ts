import {
  type ConfigOptions,
  createComputeBackend,
  LithopsError,
  loadConfig,
  type RuntimeInfo,
} from '@lithops/core';
import { UsageError } from './usage-error.js';

type Backends = Awaited<ReturnType<typeof createComputeBackend>>;

/** Runs `fn` with the configured compute backend; undefined on localhost (it has no runtimes). */
async function withBackend<T>(
  options: ConfigOptions,
  fn: (b: Backends) => Promise<T>,
): Promise<T | undefined> {
  const config = loadConfig(options);
  // Creating the localhost backend would start its process pool only to stop it again.
  if (config.lithops.backend === 'localhost') return undefined;
  const b = await createComputeBackend(config);
  try {
    return await fn(b);
  } finally {
    await b.compute[Symbol.asyncDispose]();
    await b.storage[Symbol.asyncDispose]();
  }
}

function printRuntimes(list: readonly RuntimeInfo[]): void {
  if (list.length === 0) {
    console.log('No runtimes deployed.');
    return;
  }
  const rows = list.map((r) => [
    r.name,
    String(r.memoryMb),
    String(r.timeoutSec),
    r.key,
    String(r.meta?.functionName ?? ''),
  ]);
  const head = ['NAME', 'MEMORY_MB', 'TIMEOUT_S', 'KEY', 'FUNCTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows])
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

function memoryOf(word: string | undefined): number {
  if (word === undefined) return 0;
  const mb = Number(word);
  if (!Number.isInteger(mb) || mb <= 0)
    throw new UsageError(`MEMORY_MB must be a positive integer, got "${word}".`);
  return mb;
}

const ACTIONS = ['deploy', 'update', 'list', 'delete'] as const;
const RUNTIME_USAGE = 'Usage: lithops runtime deploy|update [NAME] [MEMORY_MB] | list | delete KEY';

/**
 * `lithops runtime deploy|update [NAME] [MEMORY_MB]`, `list`, `delete KEY|FUNCTION`: the
 * runtimes of the configured serverless backend. `update` deploys the current build: a changed
 * artifact gets a new key and the function's code is replaced; an unchanged one is left alone.
 */
export async function runtimeCommand(options: ConfigOptions, words: readonly string[]): Promise<void> {
  const [action, ...rest] = words;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) throw new UsageError(RUNTIME_USAGE);
  const done = await withBackend(options, async ({ compute }) => {
    switch (action) {
      case 'deploy':
      case 'update': {
        if (rest.length > 2) throw new UsageError(`Usage: lithops runtime ${action} [NAME] [MEMORY_MB]`);
        const r = await compute.deployRuntime({
          name: rest[0] ?? 'default',
          memoryMb: memoryOf(rest[1]),
          timeoutSec: 0,
        });
        console.log(`Runtime ${r.name} (${r.memoryMb} MB) is deployed: key ${r.key}`);
        break;
      }
      case 'list':
        if (rest.length > 0) throw new UsageError('Usage: lithops runtime list');
        printRuntimes(await compute.listRuntimes());
        break;
      case 'delete':
        if (rest.length !== 1) throw new UsageError('Usage: lithops runtime delete KEY|FUNCTION');
        await compute.deleteRuntime(rest[0]!);
        console.log(`Deleted runtime ${rest[0]}.`);
        break;
    }
    return true;
  });
  if (!done) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      'The localhost backend has no runtimes to deploy, list or delete.',
      {
        backend: 'cli',
        hint: 'Its calls run in local worker processes; pick a serverless backend with --backend (e.g. aws_lambda) to manage runtimes.',
      },
    );
  }
}

/** The compute side of `lithops clean`: every function and runtime record the backend created. */
export async function cleanRuntimes(options: ConfigOptions): Promise<void> {
  await withBackend(options, async ({ compute }) => {
    await compute.clean();
    console.log(`Removed the ${compute.name} runtimes this project deployed.`);
  });
}
