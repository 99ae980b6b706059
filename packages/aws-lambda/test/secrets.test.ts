import { createStorageBackend, FunctionExecutor, loadConfig } from '@lithops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jobs from './fixtures/jobs.js';
import { BUCKET, type LambdaEnv, startLambdaEnv } from './setup.js';

const AMQP_PASSWORD = 'guest';
const TOKEN = 'tok-6f1d9a0c-secret-value';

describe('secrets reach workers only through the platform env', () => {
  let env: LambdaEnv;
  beforeAll(async () => {
    env = await startLambdaEnv();
  });
  afterAll(() => env?.stop());

  it('no payload, status object, runtime record or log line of a job holds a secret value', async () => {
    const secrets = [env.s3.secretAccessKey, TOKEN, `:${AMQP_PASSWORD}@`];
    const config = env.config({
      lithops: { monitoring: 'rabbitmq', log_level: 'DEBUG', data_cleaner: false },
      aws_lambda: { env_vars: { API_TOKEN: TOKEN } },
      rabbitmq: { amqp_url: `amqp://guest:${AMQP_PASSWORD}@127.0.0.1:5672` },
    });
    const clientLog: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      clientLog.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    const fexec = new FunctionExecutor({ config });
    try {
      const ok = await fexec.map(jobs.double, [1, 2, 3], { timeout: 30 });
      expect(await fexec.getResult(ok, { showProgressbar: false })).toEqual([2, 4, 6]);
      const bad = await fexec.map(jobs.printAndFail, ['x'], { timeout: 30 });
      const err = (await fexec.getResult(bad, { showProgressbar: false }).catch((e) => e)) as Error;
      expect(err.message).toContain('failed on x');
      clientLog.push(String(err.stack), err.message);
    } finally {
      process.stderr.write = write;
      await fexec.close();
    }
    // The worker did get the token: through the function's env vars, set at deploy time.
    const fn = [...env.fake.service.functions.values()][0]!;
    expect(fn.spec.Environment?.Variables?.API_TOKEN).toBe(TOKEN);

    const payloads = env.fake.calls.filter((c) => c.api === 'Invoke').map((c) => c.payload ?? '');
    expect(payloads.length).toBeGreaterThan(0);
    const storage = await createStorageBackend(loadConfig({ config }));
    const objects: string[] = [];
    for await (const e of storage.listObjects(BUCKET, { prefix: 'lithops.' })) {
      if (e.type === 'object' && /status\.json$|\.json$/.test(e.key)) {
        objects.push(Buffer.from(await storage.getObject(BUCKET, e.key)).toString('utf8'));
      }
    }
    await storage[Symbol.asyncDispose]();
    expect(objects.some((o) => o.includes('"callId"'))).toBe(true);
    expect(objects.some((o) => o.includes('"codeSha256"'))).toBe(true);
    const logs = [...env.fake.logs(), ...clientLog];
    expect(logs.join('\n')).toContain('printed x');
    for (const secret of secrets) {
      for (const [what, texts] of [
        ['payload', payloads],
        ['stored object', objects],
        ['log line', logs],
      ] as const) {
        const hit = texts.find((t) => t.includes(secret));
        expect(hit, `${what} holds a secret`).toBeUndefined();
      }
    }
  });
});
