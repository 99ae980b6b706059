import { connect } from 'node:net';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Azurite, startAzurite } from '../src/azurite.js';

let az: Azurite;

beforeAll(async () => {
  az = await startAzurite();
}, 60_000);

afterAll(async () => {
  await az?.stop();
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('startAzurite', () => {
  it('serves blobs to @azure/storage-blob on a loopback port', async () => {
    expect(az.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(az.connectionString).toContain(`BlobEndpoint=${az.blobEndpoint};`);
    const client = BlobServiceClient.fromConnectionString(az.connectionString);
    const container = client.getContainerClient('azurite-smoke');
    await container.create();
    const blob = container.getBlockBlobClient('a/ü.txt');
    await blob.upload('hello', 5);
    expect((await blob.downloadToBuffer()).toString()).toBe('hello');
    expect((await blob.downloadToBuffer(1, 3)).toString()).toBe('ell');
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    expect(names).toEqual(['a/ü.txt']);
    expect(await container.getBlockBlobClient('missing').exists()).toBe(false);
  });

  it('runs each instance on its own port and stops it', async () => {
    const second = await startAzurite();
    expect(second.port).not.toBe(az.port);
    expect(await accepts(second.port)).toBe(true);
    await second.stop();
    expect(await accepts(second.port)).toBe(false);
  }, 60_000);
});
