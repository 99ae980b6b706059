import { type ConfigOptions, FunctionExecutor, LithopsError } from '@lithops/core';
import { expectedSum, sumTo } from '../jobs.js';
import { UsageError } from '../usage-error.js';

function callCount(value: string | undefined): number {
  if (value === undefined) return 10;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new UsageError(`--calls must be a whole number from 1 to 10000, not "${value}".`);
  }
  return n;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function millis(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/**
 * `lithops test`: like hello with more calls; checks every result and prints where the time went
 * (submit → results, and the calls' own execution times).
 */
export async function test(config: ConfigOptions, calls: string | undefined): Promise<void> {
  const n = callCount(calls);
  const inputs = Array.from({ length: n }, (_, i) => i);
  const t0 = performance.now();
  const fexec = new FunctionExecutor({ ...config });
  try {
    const futures = await fexec.map(sumTo, inputs);
    const t1 = performance.now();
    const results = await fexec.getResult(futures, { showProgressbar: false });
    const t2 = performance.now();
    const wrong = results.filter((r, i) => r.input !== i || r.sum !== expectedSum(i));
    if (wrong.length > 0) {
      throw new LithopsError('INTERNAL', `${wrong.length} of ${n} calls returned a wrong result.`, {
        backend: 'cli',
        hint: `First wrong result: ${JSON.stringify(wrong[0])}.`,
      });
    }
    const exec = futures.map((f) => (f.stats.worker_exec_time ?? 0) * 1000);
    const workers = new Set(futures.map((f) => f.stats.worker_id ?? '?'));
    const { backend, storage } = fexec.config.lithops;
    console.log(`${n} calls on backend ${backend} with storage ${storage}: all results correct`);
    console.log(`  map (submit):      ${seconds(t1 - t0)}`);
    console.log(`  results:           ${seconds(t2 - t1)}`);
    console.log(`  total:             ${seconds(t2 - t0)}`);
    console.log(
      `  call exec time:    min ${millis(Math.min(...exec))}, mean ${millis(exec.reduce((a, b) => a + b, 0) / n)}, max ${millis(Math.max(...exec))}`,
    );
    console.log(`  workers:           ${workers.size}`);
  } finally {
    await fexec.close();
  }
}
