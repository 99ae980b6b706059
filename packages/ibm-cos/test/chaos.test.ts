import { createHash, randomBytes } from 'node:crypto';
import { type ChaosProxy, type S3rverHandle, startChaosProxy, startS3rver } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('ibm_cos over a network that drops, cuts and delays connections', () => {
  let s3: S3rverHandle;
  let proxy: ChaosProxy;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['chaos'] });
    proxy = await startChaosProxy({
      target: { host: s3.host, port: s3.port },
      dropEvery: 5,
      cutEvery: 3,
      cutAfterBytes: 256 * 1024,
      delayMs: 20,
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await s3?.stop();
  });

  it('reads back every object written, intact', async () => {
    const backend = await makeBackend({
      storage_bucket: 'chaos',
      endpoint: proxy.endpoint,
      retries: 8,
      access_key_id: s3.accessKeyId,
      secret_access_key: s3.secretAccessKey,
    });
    const bodies = [
      ...Array.from({ length: 40 }, (_, i) => randomBytes(64 * 1024 + i)),
      randomBytes(12 * 2 ** 20),
    ];
    await Promise.all(bodies.map((b, i) => backend.putObject('chaos', `obj/${i}`, b)));
    const back = await Promise.all(bodies.map((_, i) => backend.getObject('chaos', `obj/${i}`)));
    back.forEach((b, i) => {
      expect(sha(b), `object ${i}`).toBe(sha(bodies[i]!));
    });
    const keys: string[] = [];
    for await (const e of backend.listObjects('chaos', { prefix: 'obj/' }))
      if (e.type === 'object') keys.push(e.key);
    expect(keys.length).toBe(bodies.length);
    expect(proxy.stats.dropped + proxy.stats.cut).toBeGreaterThan(3);
  }, 120_000);
});
