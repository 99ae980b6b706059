import { randomBytes } from 'node:crypto';
import { LithopsError } from '@lithops/core';
import { describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

// Runs against IBM Cloud only with LITHOPS_LIVE_IBM=1, LITHOPS_LIVE_IBM_BUCKET, LITHOPS_LIVE_IBM_REGION
// and an API key in LITHOPS_LIVE_IBM_API_KEY (or HMAC keys in the SDK's default chain).
const live = process.env.LITHOPS_LIVE_IBM === '1' && !!process.env.LITHOPS_LIVE_IBM_BUCKET;
if (!live)
  console.log(
    '[ibm-cos] live IBM COS test skipped: set LITHOPS_LIVE_IBM=1 and LITHOPS_LIVE_IBM_BUCKET to run it',
  );

describe.skipIf(!live)('ibm_cos on IBM Cloud', () => {
  it('puts, ranges, lists and deletes', async () => {
    const bucket = process.env.LITHOPS_LIVE_IBM_BUCKET!;
    const backend = await makeBackend({
      storage_bucket: bucket,
      region: process.env.LITHOPS_LIVE_IBM_REGION ?? 'us-east',
      ...(process.env.LITHOPS_LIVE_IBM_API_KEY ? { api_key: process.env.LITHOPS_LIVE_IBM_API_KEY } : {}),
    });
    const key = `lithops-live-test/${randomBytes(6).toString('hex')}`;
    const body = randomBytes(6 * 2 ** 20);
    await backend.putObject(bucket, key, body);
    expect(
      Buffer.from(await backend.getObject(bucket, key, { range: [0, 0] })).equals(body.subarray(0, 1)),
    ).toBe(true);
    const listed: string[] = [];
    for await (const e of backend.listObjects(bucket, { prefix: key }))
      if (e.type === 'object') listed.push(e.key);
    expect(listed).toEqual([key]);
    await backend.deleteObjects(bucket, [key]);
    await expect(backend.headObject(bucket, key)).rejects.toSatisfy((e) => LithopsError.is(e, 'NOT_FOUND'));
  }, 120_000);
});
