import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

// Runs against a remote (managed) Redis only with LITHOPS_LIVE_REDIS=1 and LITHOPS_LIVE_REDIS_HOST
// (plus LITHOPS_LIVE_REDIS_PORT, LITHOPS_LIVE_REDIS_PASSWORD, LITHOPS_LIVE_REDIS_SSL=1 as needed).
const env = process.env;
const live = env.LITHOPS_LIVE_REDIS === '1' && !!env.LITHOPS_LIVE_REDIS_HOST;
if (!live)
  console.log(
    '[redis] live Redis test skipped: set LITHOPS_LIVE_REDIS=1 and LITHOPS_LIVE_REDIS_HOST to run it',
  );

describe.skipIf(!live)('redis on a remote server', () => {
  it('puts, ranges, lists and deletes its bucket', async () => {
    const backend = await makeBackend({
      host: env.LITHOPS_LIVE_REDIS_HOST,
      port: Number(env.LITHOPS_LIVE_REDIS_PORT ?? 6379),
      ...(env.LITHOPS_LIVE_REDIS_PASSWORD ? { password: env.LITHOPS_LIVE_REDIS_PASSWORD } : {}),
      ssl: env.LITHOPS_LIVE_REDIS_SSL === '1',
    });
    const body = randomBytes(5 * 2 ** 20);
    await backend.putObject('storage', 'live/obj', body);
    expect(
      Buffer.from(await backend.getObject('storage', 'live/obj', { range: [0, 0] })).equals(
        body.subarray(0, 1),
      ),
    ).toBe(true);
    const listed: string[] = [];
    for await (const e of backend.listObjects('storage', { prefix: 'live/' }))
      if (e.type === 'object') listed.push(e.key);
    expect(listed).toEqual(['live/obj']);
    await backend.deleteBucket('storage');
    expect(await backend.bucketExists('storage')).toBe(false);
    await backend[Symbol.asyncDispose]();
  }, 120_000);
});
