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

describe('ibm_cos errors are distinct, clear and bounded', () => {
  let s3: S3rverHandle;
  const keys = () => ({ access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey });

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['errors'] });
  });
  afterAll(() => s3?.stop());

  it('bad credentials → ACCESS_DENIED, without the secret in the message', async () => {
    const backend = await makeBackend({
      storage_bucket: 'errors',
      endpoint: s3.endpoint,
      access_key_id: 'WRONGKEY',
      secret_access_key: SECRET,
    });
    const started = Date.now();
    const e = await failure(backend.putObject('errors', 'k', Buffer.from('x')));
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).toMatch(
      /^\[lithops\] \[ibm_cos\] Access denied \(putObject on "k" in bucket "errors" at http/,
    );
    expect(e.message).not.toContain(SECRET);
    expect(e.cause).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('unreachable endpoint → UNAVAILABLE after bounded retries', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const backend = await makeBackend({
      storage_bucket: 'errors',
      endpoint: closed,
      retries: 3,
      connect_timeout: 1,
      ...keys(),
    });
    const started = Date.now();
    const e = await failure(backend.getObject('errors', 'k'));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toContain(`[lithops] [ibm_cos] Storage endpoint at ${closed} is unreachable`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('missing bucket → NOT_FOUND naming it', async () => {
    const backend = await makeBackend({ storage_bucket: 'errors', endpoint: s3.endpoint, ...keys() });
    for (const call of [
      () => backend.headObject('nope-bucket', 'k'),
      () => backend.deleteObjects('nope-bucket', ['k']),
    ]) {
      const e = await failure(call());
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toContain('Bucket "nope-bucket" does not exist');
      expect(e.message).toContain('ibm_cos.storage_bucket');
    }
  });

  it('is loaded by name from config through Storage.fromConfig', async () => {
    await using storage = await Storage.fromConfig({
      config: {
        lithops: { storage: 'ibm_cos' },
        ibm_cos: { storage_bucket: 'errors', endpoint: s3.endpoint, ...keys() },
      },
    });
    expect(storage.backendName).toBe('ibm_cos');
    const co = await storage.putCloudObject('through the facade');
    expect(Buffer.from(await storage.getCloudObject(co)).toString()).toBe('through the facade');
  });

  it('config mistakes → CONFIG_INVALID', async () => {
    const typo = await failure(
      Storage.fromConfig({
        config: { lithops: { storage: 'ibm_cos' }, ibm_cos: { storage_bucket: 'b', regoin: 'us-east' } },
      }),
    );
    expect(typo.code).toBe('CONFIG_INVALID');
    expect(typo.message).toContain('did you mean "region"');
    const half = await failure(
      Storage.fromConfig({
        config: {
          lithops: { storage: 'ibm_cos' },
          ibm_cos: { storage_bucket: 'b', region: 'us-east', access_key_id: 'k' },
        },
      }),
    );
    expect(half.code).toBe('CONFIG_INVALID');
    expect(half.message).toContain('go together');
    const nowhere = await failure(
      Storage.fromConfig({ config: { lithops: { storage: 'ibm_cos' }, ibm_cos: { storage_bucket: 'b' } } }),
    );
    expect(nowhere.message).toContain('set region (e.g. us-east) or endpoint');
  });
});
