import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { StorageBackend } from '@lithops/core/plugin';
import { type Azurite, type ChaosProxy, startAzurite, startChaosProxy } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './helpers.js';

const BUCKET = 'lithops-chaos';
const PART = 256 * 1024;
let az: Azurite;
let proxy: ChaosProxy;
let flaky: StorageBackend;
let direct: StorageBackend;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  az = await startAzurite();
  // Resets every 5th new connection at once, cuts every 2nd after 150 KB (mid-request or
  // mid-response) and delays every connect: uploads and downloads both have to recover.
  proxy = await startChaosProxy({
    target: { host: '127.0.0.1', port: az.port },
    dropEvery: 5,
    cutEvery: 2,
    cutAfterBytes: 150_000,
    delayMs: 5,
  });
  const account = {
    storage_account_name: az.accountName,
    storage_account_key: az.accountKey,
    storage_bucket: BUCKET,
  };
  flaky = await makeBackend({
    ...account,
    endpoint: `${proxy.endpoint}/${az.accountName}`,
    part_size: PART,
    retries: 10,
    request_timeout: 5,
  });
  direct = await makeBackend({ ...account, endpoint: az.blobEndpoint });
  await direct.createBucket(BUCKET);
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await az?.stop();
});

describe('azure_storage over a connection that drops, cuts and delays', () => {
  it('writes every object intact (single puts and staged blocks, bytes and streams)', async () => {
    const bodies = Array.from({ length: 24 }, (_, i) =>
      randomBytes([0, 10, 100_000, PART, PART + 1, 3 * PART + 7][i % 6]!),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < bodies.length) {
          const i = next++;
          const b = bodies[i]!;
          await flaky.putObject(
            BUCKET,
            `obj/${i}`,
            i % 2 ? b : Readable.from([b.subarray(0, 5000), b.subarray(5000)]),
          );
        }
      }),
    );
    expect(proxy.stats.dropped).toBeGreaterThan(0);
    expect(proxy.stats.cut).toBeGreaterThan(0);
    for (const [i, b] of bodies.entries()) {
      const back = await direct.getObject(BUCKET, `obj/${i}`);
      expect(sha(back), `object ${i} (${b.length} bytes)`).toBe(sha(b));
    }
    // Reads through the flaky connection recover too, whole, ranged and streamed (the SDK resumes
    // a cut body with a ranged request).
    for (const [i, b] of bodies.entries()) {
      expect(sha(await flaky.getObject(BUCKET, `obj/${i}`)), `read ${i}`).toBe(sha(b));
      if (b.length > 20) {
        const part = await flaky.getObject(BUCKET, `obj/${i}`, { range: [5, b.length - 2] });
        expect(sha(part), `range of ${i}`).toBe(sha(b.subarray(5, b.length - 1)));
      }
    }
    let intact = 0;
    for (const [i, b] of bodies.entries()) {
      try {
        const chunks: Buffer[] = [];
        for await (const c of await flaky.getObjectStream(BUCKET, `obj/${i}`)) chunks.push(c as Buffer);
        expect(sha(Buffer.concat(chunks)), `stream ${i}`).toBe(sha(b));
        intact++;
      } catch (e) {
        // A stream handed out cannot be re-sent whole: a failure is an error, never short data.
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).not.toMatch(/expected/);
      }
    }
    expect(intact).toBeGreaterThan(0);
    const listed: string[] = [];
    for await (const e of flaky.listObjects(BUCKET, { prefix: 'obj/' }))
      if (e.type === 'object') listed.push(e.key);
    expect(listed.length).toBe(bodies.length);
    console.log(`chaos proxy: ${JSON.stringify(proxy.stats)}; ${intact}/${bodies.length} streams intact`);
  }, 180_000);
});
