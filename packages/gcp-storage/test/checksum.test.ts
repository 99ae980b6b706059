import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';
import type { StorageBackend } from '@lithops/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from './helpers.js';

// The backend hands the SDK its own CRC32C: a server that reports another checksum than the bytes
// it sends (or received) must still fail the read (or the write).
const BODY = Buffer.from('the bytes of one small object');

/** The SDK's own CRC32C, as the reference. */
function crcOf(bytes: Buffer): string {
  const c = new CRC32C();
  c.update(bytes);
  return c.toString();
}

describe('gcp_storage checksums', () => {
  let server: Server;
  let storage: StorageBackend;
  /** What the server claims: the CRC32C of a download, and of an upload it received. */
  let claim: { download: string; upload?: string };
  let deletes = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'GET' && url.searchParams.get('alt') === 'media') {
          res.writeHead(200, {
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(BODY.length),
            'x-goog-hash': `crc32c=${claim.download}`,
            'x-goog-stored-content-encoding': 'identity',
          });
          res.end(BODY);
        } else if (req.method === 'POST' && url.pathname.startsWith('/upload/')) {
          // A multipart upload: the media part is the body after the JSON part; report its CRC.
          const text = Buffer.concat(chunks).toString('latin1');
          const boundary = text.slice(2, text.indexOf('\r\n'));
          const media = text.split(`--${boundary}`)[2]!;
          const bytes = Buffer.from(media.slice(media.indexOf('\r\n\r\n') + 4, -2), 'latin1');
          const json = JSON.stringify({
            name: url.searchParams.get('name'),
            bucket: 'b',
            size: String(bytes.length),
            crc32c: claim.upload ?? crcOf(bytes),
          });
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(json);
        } else if (req.method === 'DELETE') {
          deletes++;
          res.writeHead(204).end();
        } else {
          res
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end('{"error":{"code":404,"message":"x"}}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    storage = await makeBackend({ storage_bucket: 'b', endpoint, retries: 0 });
  });
  afterAll(async () => {
    await storage?.[Symbol.asyncDispose]();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reads an object whose checksum matches', async () => {
    claim = { download: crcOf(BODY) };
    expect(Buffer.from(await storage.getObject('b', 'k'))).toEqual(BODY);
  });

  it('fails a read whose bytes do not match the checksum the server sent', async () => {
    claim = { download: crcOf(Buffer.from('other bytes')) };
    await expect(storage.getObject('b', 'k')).rejects.toThrow();
  });

  it('writes an object whose checksum the server confirms, and fails one it does not', async () => {
    claim = { download: '' };
    await storage.putObject('b', 'k', BODY);
    expect(deletes).toBe(0);
    claim = { download: '', upload: crcOf(Buffer.from('other bytes')) };
    await expect(storage.putObject('b', 'k', BODY)).rejects.toThrow();
    // The SDK removes what it could not confirm.
    expect(deletes).toBe(1);
  });
});
