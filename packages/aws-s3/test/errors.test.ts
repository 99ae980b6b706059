import { LithopsError, Storage } from '@lithops/core';
import { freePort, type S3rverHandle, startS3rver } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './make.js';

const SECRET = 'not-the-s3rver-secret-0123456789';

async function failure(p: Promise<unknown>): Promise<LithopsError> {
  try {
    await p;
  } catch (e) {
    if (LithopsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('aws_s3 errors are distinct, clear and bounded', () => {
  let s3: S3rverHandle;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['errors'] });
  });
  afterAll(() => s3?.stop());

  it('bad credentials → ACCESS_DENIED, without the secret in the message', async () => {
    const backend = await makeBackend(
      { storage_bucket: 'errors', endpoint: s3.endpoint },
      { access_key_id: 'WRONGKEY', secret_access_key: SECRET, region: 'us-east-1' },
    );
    const started = Date.now();
    const e = await failure(backend.putObject('errors', 'k', Buffer.from('x')));
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).toMatch(
      /^\[lithops\] \[aws_s3\] Access denied \(putObject on "k" in bucket "errors" at http/,
    );
    expect(e.message).not.toContain(SECRET);
    expect(e.cause).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5000); // a denial is not retried
    await backend[Symbol.asyncDispose]();
  });

  it('unreachable endpoint → UNAVAILABLE after bounded retries', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const backend = await makeBackend(
      { storage_bucket: 'errors', endpoint: closed, retries: 3, connect_timeout: 1 },
      { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey },
    );
    const started = Date.now();
    const e = await failure(backend.getObject('errors', 'k'));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain(`[lithops] [aws_s3] Storage endpoint at ${closed} is unreachable`);
    expect(e.message).toContain('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(10_000);
    await backend[Symbol.asyncDispose]();
  });

  it('missing bucket → NOT_FOUND naming it, for object and bucket calls', async () => {
    const backend = await makeBackend(
      { storage_bucket: 'errors', endpoint: s3.endpoint },
      { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey },
    );
    for (const call of [
      () => backend.headObject('nope-bucket', 'k'),
      () => backend.deleteObjects('nope-bucket', ['k']),
    ]) {
      const e = await failure(call());
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toContain('Bucket "nope-bucket" does not exist');
      expect(e.message).toContain('aws_s3.storage_bucket');
    }
    await backend.deleteBucket('nope-bucket'); // deleting a missing bucket is not an error
    await backend[Symbol.asyncDispose]();
  });

  it('is loaded by name from config through Storage.fromConfig, credentials from the aws section', async () => {
    await using storage = await Storage.fromConfig({
      config: {
        lithops: { storage: 'aws_s3' },
        aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: 'us-east-1' },
        aws_s3: { storage_bucket: 'errors', endpoint: s3.endpoint },
      },
    });
    expect(storage.backendName).toBe('aws_s3');
    const co = await storage.putCloudObject('through the facade');
    expect(Buffer.from(await storage.getCloudObject(co)).toString()).toBe('through the facade');
    expect(co.key).toMatch(/^lithops\.jobs\/.+\/cloudobjects\/0$/);
    expect(storage.getClient()).toHaveProperty('send');
  });

  it('a wrong config key → CONFIG_INVALID naming it', async () => {
    const e = await failure(
      Storage.fromConfig({
        config: { lithops: { storage: 'aws_s3' }, aws_s3: { storage_bucket: 'b', endpont: 'x' } },
      }),
    );
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('aws_s3.endpont');
    expect(e.message).toContain('did you mean "endpoint"');
  });
});
