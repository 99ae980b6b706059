import { randomBytes } from 'node:crypto';
import { createStorageBackend, FunctionExecutor, loadConfig } from '@lithops/core';
import { jobs } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type LambdaEnv, startLambdaEnv } from './setup.js';

const AMQP_PASSWORD = 'guest';
/** Unguessable values, distinct from each other: a hit can only be a leak of that very value. */
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const S3_KEYS = {
  accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(30).toString('base64url'),
};

describe('secrets reach workers only through the platform env', () => {
  let env: LambdaEnv;
  let config: Record<string, unknown>;
  const secrets = [S3_KEYS.accessKeyId, S3_KEYS.secretAccessKey, TOKEN, `:${AMQP_PASSWORD}@`];
  /** Lines the client printed (its log) while a job ran. */
  const clientLog: string[] = [];

  /** Runs `job` with the client's stderr recorded. */
  async function run(job: (fexec: FunctionExecutor) => Promise<void>): Promise<void> {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      clientLog.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    const fexec = new FunctionExecutor({ config: structuredClone(config) });
    try {
      await job(fexec);
    } finally {
      process.stderr.write = write;
      await fexec.close();
    }
  }

  /** Where each secret shows up: invoke payloads, JSON objects in the job storage, log lines. */
  async function leaks(): Promise<string[]> {
    const payloads = env.fake.calls.filter((c) => c.api === 'Invoke').map((c) => c.payload ?? '');
    expect(payloads.length).toBeGreaterThan(0);
    const storage = await createStorageBackend(loadConfig({ config }));
    const objects: string[] = [];
    try {
      for await (const e of storage.listObjects(BUCKET, { prefix: 'lithops.' })) {
        if (e.type === 'object' && e.key.endsWith('.json')) {
          objects.push(Buffer.from(await storage.getObject(BUCKET, e.key)).toString('utf8'));
        }
      }
    } finally {
      await storage[Symbol.asyncDispose]();
    }
    expect(objects.some((o) => o.includes('"callId"'))).toBe(true);
    expect(objects.some((o) => o.includes('"codeSha256"'))).toBe(true);
    const logs = [...env.fake.logs(), ...clientLog];
    const found: string[] = [];
    for (const [what, texts] of [
      ['payload', payloads],
      ['stored object', objects],
      ['log line', logs],
    ] as const) {
      for (const [i, secret] of secrets.entries()) {
        if (texts.some((t) => t.includes(secret))) found.push(`${what} holds secret #${i}`);
      }
    }
    return found;
  }

  beforeAll(async () => {
    env = await startLambdaEnv({ s3Credentials: S3_KEYS });
    config = env.config({
      lithops: { monitoring: 'rabbitmq', log_level: 'DEBUG', data_cleaner: false },
      aws_lambda: { env_vars: { API_TOKEN: TOKEN } },
      rabbitmq: { amqp_url: `amqp://guest:${AMQP_PASSWORD}@127.0.0.1:5672` },
    });
  });
  afterAll(() => env?.stop());

  it('no payload, status object, runtime record or log line of a job holds a secret value', async () => {
    await run(async (fexec) => {
      const ok = await fexec.map(jobs.double, [1, 2, 3], { timeout: 30 });
      expect(await fexec.getResult(ok, { showProgressbar: false })).toEqual([2, 4, 6]);
      const bad = await fexec.map(jobs.printThenThrow, ['failed on x'], { timeout: 30 });
      const err = (await fexec.getResult(bad, { showProgressbar: false }).catch((e) => e)) as Error;
      expect(err.message).toContain('failed on x');
      clientLog.push(String(err.stack), err.message);
    });
    // The job did run with these keys (s3rver accepts no others), and the worker got the token
    // through the function's env vars, set at deploy time.
    expect((config.aws as { access_key_id: string }).access_key_id).toBe(S3_KEYS.accessKeyId);
    const fn = [...env.fake.service.functions.values()][0]!;
    expect(fn.spec.Environment?.Variables?.API_TOKEN).toBe(TOKEN);
    expect(clientLog.join('\n') + env.fake.logs().join('\n')).toContain('about to fail: failed on x');
    expect(await leaks()).toEqual([]);
  });

  it('the scan finds a secret that a job leaks on purpose, in each place it looks', async () => {
    // extraEnv travels in the payload; the call fails with the token as its message, which its
    // status object holds and the client's log shows.
    await run(async (fexec) => {
      const fs = await fexec.map(jobs.printThenThrow, [TOKEN], { timeout: 30, extraEnv: { LEAK: TOKEN } });
      const err = (await fexec.getResult(fs, { showProgressbar: false }).catch((e) => e)) as Error;
      clientLog.push(String(err.stack));
    });
    const i = secrets.indexOf(TOKEN);
    expect(await leaks()).toEqual([
      `payload holds secret #${i}`,
      `stored object holds secret #${i}`,
      `log line holds secret #${i}`,
    ]);
  });
});
