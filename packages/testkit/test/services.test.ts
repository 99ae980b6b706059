import { createServer, type Server, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canConnect, ensureRedis, startChaosProxy, startS3rver } from '../src/index.js';

/** Sends `data` through host:port and resolves with what came back, or the error that ended it. */
function roundTrip(port: number, data: Buffer): Promise<{ got: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = new Socket();
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ got: Buffer.concat(chunks), error: e.code ?? e.message }),
    );
    sock.on('end', () => resolve({ got: Buffer.concat(chunks) }));
    sock.connect(port, '127.0.0.1', () => sock.end(data));
  });
}

function echoServer(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.on('error', () => {}); // the proxy resets it on purpose
      s.pipe(s);
    });
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

describe('startS3rver', () => {
  it('serves S3 on a free loopback port and stops', async () => {
    const s3 = await startS3rver({ buckets: ['one'] });
    expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);
    const res = await fetch(`${s3.endpoint}/one`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Name>one</Name>');
    expect((await fetch(`${s3.endpoint}/two`)).status).toBe(404);
    await s3.stop();
    expect(await canConnect('127.0.0.1', s3.port)).toBe(false);
  });
});

describe('ensureRedis', () => {
  it('gives a Redis that answers PING', async () => {
    const r = await ensureRedis();
    const reply = await roundTrip(r.port, Buffer.from('PING\r\n'));
    expect(reply.got.toString()).toBe('+PONG\r\n');
    await r.stop();
  });

  it('starts its own server when a password is asked for, and stops it', async () => {
    const r = await ensureRedis({ password: 'pw-123' });
    expect(r.started).toBe(true);
    expect((await roundTrip(r.port, Buffer.from('PING\r\n'))).got.toString()).toMatch(/^-NOAUTH/);
    expect((await roundTrip(r.port, Buffer.from('AUTH pw-123\r\nPING\r\n'))).got.toString()).toBe(
      '+OK\r\n+PONG\r\n',
    );
    await r.stop();
    expect(await canConnect('127.0.0.1', r.port)).toBe(false);
  });
});

describe('startChaosProxy', () => {
  it('forwards, drops every Nth connection, cuts others mid-stream, and delays', async () => {
    const { server, port } = await echoServer();
    const proxy = await startChaosProxy({
      target: `127.0.0.1:${port}`,
      dropEvery: 3,
      cutEvery: 2,
      cutAfterBytes: 1000,
      delayMs: 50,
    });
    const small = Buffer.alloc(100, 1);
    const big = Buffer.alloc(100_000, 2);
    const started = Date.now();
    const first = await roundTrip(proxy.port, small); // 1: forwarded
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(first.got.equals(small)).toBe(true);
    const second = await roundTrip(proxy.port, big); // 2: cut after 1000 bytes
    expect(second.got.length).toBeLessThan(big.length);
    const third = await roundTrip(proxy.port, small); // 3: dropped at once
    expect(third.got.length).toBe(0);
    expect(third.error).toBe('ECONNRESET');
    expect(proxy.stats).toMatchObject({ connections: 3, dropped: 1, cut: 1, delayed: 2 });
    await proxy.stop();
    server.close();
  });
});
