import { randomBytes } from 'node:crypto';
import { LithopsError } from '@lithops/core/plugin';
import { describe, expect, it } from 'vitest';
import { makeBackend } from './helpers.js';

// Runs against real Azure only with LITHOPS_LIVE_AZURE=1, a container in LITHOPS_LIVE_AZURE_CONTAINER
// and AZURE_STORAGE_CONNECTION_STRING (or AZURE_STORAGE_ACCOUNT for Azure AD sign-in).
const live =
  process.env.LITHOPS_LIVE_AZURE === '1' &&
  !!process.env.LITHOPS_LIVE_AZURE_CONTAINER &&
  !!(process.env.AZURE_STORAGE_CONNECTION_STRING || process.env.AZURE_STORAGE_ACCOUNT);
if (!live) {
  console.log(
    '[azure-storage] live Azure test skipped: set LITHOPS_LIVE_AZURE=1, LITHOPS_LIVE_AZURE_CONTAINER and AZURE_STORAGE_CONNECTION_STRING to run it',
  );
}

describe.skipIf(!live)('azure_storage on real Azure Blob Storage', () => {
  it('puts (single and blocks), ranges, lists and deletes', async () => {
    const bucket = process.env.LITHOPS_LIVE_AZURE_CONTAINER!;
    const backend = await makeBackend({
      storage_bucket: bucket,
      ...(process.env.AZURE_STORAGE_CONNECTION_STRING
        ? {}
        : { storage_account_name: process.env.AZURE_STORAGE_ACCOUNT }),
    });
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
