import { randomBytes } from 'node:crypto';
import { LithopsError } from '@lithops/core/plugin';
import { describe, expect, it } from 'vitest';
import { makeBackend } from './helpers.js';

// Runs against real Google Cloud Storage only with LITHOPS_LIVE_GCP=1 and a bucket in
// LITHOPS_LIVE_GCP_BUCKET; credentials from GOOGLE_APPLICATION_CREDENTIALS or gcloud ADC.
const live = process.env.LITHOPS_LIVE_GCP === '1' && !!process.env.LITHOPS_LIVE_GCP_BUCKET;
if (!live) {
  console.log(
    '[gcp-storage] live GCS test skipped: set LITHOPS_LIVE_GCP=1 and LITHOPS_LIVE_GCP_BUCKET to run it',
  );
}

describe.skipIf(!live)('gcp_storage on real Google Cloud Storage', () => {
  it('puts (single and chunked), ranges, lists and deletes', async () => {
    const bucket = process.env.LITHOPS_LIVE_GCP_BUCKET!;
    const gcp = process.env.GOOGLE_APPLICATION_CREDENTIALS
      ? { credentials_path: process.env.GOOGLE_APPLICATION_CREDENTIALS }
      : {};
    const backend = await makeBackend({ storage_bucket: bucket }, gcp);
    const prefix = `lithops-live-test/${randomBytes(6).toString('hex')}/`;
    const small = randomBytes(1000);
    const big = randomBytes(9 * 2 ** 20);
    await backend.putObject(bucket, `${prefix}small`, small);
    await backend.putObject(bucket, `${prefix}big`, big);
    expect(
      Buffer.from(await backend.getObject(bucket, `${prefix}big`, { range: [8 * 2 ** 20, 8 * 2 ** 20] }))[0],
    ).toBe(big[8 * 2 ** 20]);
    expect((await backend.headObject(bucket, `${prefix}big`)).size).toBe(big.length);
    const listed: string[] = [];
    for await (const e of backend.listObjects(bucket, { prefix }))
      if (e.type === 'object') listed.push(e.key);
    expect(listed).toEqual([`${prefix}big`, `${prefix}small`]);
    await backend.deleteObjects(bucket, listed);
    await expect(backend.headObject(bucket, `${prefix}small`)).rejects.toSatisfy((e) =>
      LithopsError.is(e, 'NOT_FOUND'),
    );
    await backend[Symbol.asyncDispose]();
  }, 180_000);
});
