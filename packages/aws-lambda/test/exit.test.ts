import { runScriptWithoutClose } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaEnv, startLambdaEnv } from './setup.js';

// DESIGN §4.4: a script that got its results exits without close(), whatever it monitors with.
describe('aws_lambda: a script that ends without close() exits on its own', () => {
  let env: LambdaEnv;
  beforeAll(async () => {
    env = await startLambdaEnv();
  }, 60_000);
  afterAll(() => env?.stop());

  for (const monitoring of ['storage', 'rabbitmq']) {
    it(`with ${monitoring} monitoring`, async () => {
      const config = env.config({
        lithops: { monitoring },
        rabbitmq: { amqp_url: 'amqp://guest:guest@127.0.0.1:5672' },
      });
      const r = await runScriptWithoutClose(config);
      expect(r.code, `hung or failed (${r.ms} ms): ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('[2,4,6]');
    }, 120_000);
  }
});
