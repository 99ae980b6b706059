import { type ConfigOptions, FunctionExecutor } from '@lithops/core';
import { greet } from '../jobs.js';

const NAMES = ['World', 'Ada', 'Grace'];

/** `lithops hello`: a map of three calls, the results printed one per line. */
export async function hello(config: ConfigOptions): Promise<void> {
  const started = performance.now();
  const fexec = new FunctionExecutor({ ...config });
  try {
    const futures = await fexec.map(greet, NAMES);
    const results = await fexec.getResult(futures, { showProgressbar: false });
    for (const line of results) console.log(line);
    const { backend, storage } = fexec.config.lithops;
    const secs = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`${results.length} calls on backend ${backend} with storage ${storage} in ${secs} s`);
  } finally {
    await fexec.close();
  }
}
