import { FunctionExecutor, LithopsError } from '@lithops/core';
import { jobs, until } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaEnv, startLambdaEnv } from './setup.js';

describe('aws_lambda with RabbitMQ monitoring (real broker)', () => {
  let env: LambdaEnv;
  const rabbit = { rabbitmq: { amqp_url: 'amqp://guest:guest@127.0.0.1:5672' } };
  beforeAll(async () => {
    env = await startLambdaEnv();
  });
  afterAll(() => env?.stop());

  it('learns results from call events, with no storage listing', async () => {
    // A polling interval of an hour: results can only arrive through RabbitMQ.
    const config = env.config({ lithops: { monitoring: 'rabbitmq', monitoring_interval: 3600 }, ...rabbit });
    const fexec = new FunctionExecutor({ config });
    try {
      const input = Array.from({ length: 30 }, (_, i) => i);
      const fs = await fexec.map(jobs.double, input, { timeout: 60, chunksize: 3 });
      // Well under the hour of polling: the results came through RabbitMQ.
      expect(await fexec.getResult(fs, { showProgressbar: false, timeout: 300 })).toEqual(
        input.map((i) => i * 2),
      );
    } finally {
      await fexec.close();
    }
  });

  it('fails a call whose sandbox was killed mid-call with WORKER_LOST', async () => {
    const config = env.config({ lithops: { monitoring: 'rabbitmq', monitoring_interval: 0.2 }, ...rabbit });
    const fexec = new FunctionExecutor({ config });
    try {
      // The kill must come before the call's own timeout (TIMEOUT); WORKER_LOST comes after it.
      const fs = await fexec.map(jobs.sleepThenEcho, [{ ms: 60_000, v: 1 }], { timeout: 10 });
      await until(() => fs[0]!.state === 'Running');
      expect(env.fake.killBusy()).toBe(1);
      const [out] = await fexec.getResult(fs, { throwExcept: false, showProgressbar: false, timeout: 90 });
      expect(LithopsError.is(out, 'WORKER_LOST'), String(out)).toBe(true);
      // Lambda's own retries are off: the killed event was not run again.
      expect(env.fake.stats.eventRetries).toBe(0);
    } finally {
      await fexec.close();
    }
  });
});
