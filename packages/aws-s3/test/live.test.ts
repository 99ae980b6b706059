import { randomBytes } from 'node:crypto';
import { LithopsError } from '@lithops/core';
import { describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

// Runs against real AWS only with LITHOPS_LIVE_AWS=1, a bucket in LITHOPS_LIVE_AWS_BUCKET and
// credentials from the SDK's default chain (AWS_ACCESS_KEY_ID, a profile, a role).
const live = process.env.LITHOPS_LIVE_AWS === '1' && !!process.env.LITHOPS_LIVE_AWS_BUCKET;
if (!live)
  console.log('[aws-s3] live AWS test skipped: set LITHOPS_LIVE_AWS=1 and LITHOPS_LIVE_AWS_BUCKET to run it');

describe.skipIf(!live)('aws_s3 on real AWS', () => {
  it('puts, ranges, lists and deletes', async () => {
    const bucket = process.env.LITHOPS_LIVE_AWS_BUCKET!;
    const backend = await makeBackend({ storage_bucket: bucket });
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
    await backend[Symbol.asyncDispose]();
  }, 120_000);
});
