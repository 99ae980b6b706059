import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import {
  CreateFunctionCommand,
  LambdaClient,
  type LambdaServiceException,
  ListFunctionsCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { InvocationSender, isThrottle, zipFiles } from '@lithops/core/internal';
import {
  type InvocationPayload,
  LithopsError,
  type RuntimeInfo,
  type StorageBackend,
} from '@lithops/core/plugin';
import { type FakeLambda, startFakeLambda } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaClient } from '../src/client.js';
import { type InvokeTimeouts, LambdaEventInvoker } from '../src/invoke.js';

const FN = 'lithops-invoke-test';
const SESSION_TOKEN = 'session-token-7c1e-not-for-errors';

const runtime = (functionName = FN): RuntimeInfo => ({
  key: 'k',
  name: 'default',
  memoryMb: 256,
  timeoutSec: 60,
  meta: {
    functionName,
    arn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    region: 'us-east-1',
  },
});

const payload = (jobId: string): InvocationPayload => ({
  codecVersion: 1,
  executorId: 'e1',
  jobId,
  jobKey: `e1-${jobId}`,
  storage: { backend: 'aws_s3', bucket: 'b', prefix: 'lithops.jobs' },
  func: { key: 'f', sha256: 'x', exportName: 'fn' },
  dataKey: 'd',
  calls: [{ callId: '00000', start: 0, end: 4 }],
  timeoutSec: 30,
  maxInlineResultBytes: 1024,
});

async function rejection(p: Promise<unknown>): Promise<LithopsError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!LithopsError.isInstance(e)) throw new Error(`expected a LithopsError, got ${String(e)}`);
  return e;
}

describe('Event invocations (LambdaEventInvoker) against the fake Lambda', () => {
  let fake: FakeLambda;
  const open: { close(): void }[] = [];
  const connect = (
    credentials: FakeLambda['credentials'] & { sessionToken?: string },
    endpoint?: string,
    timeouts: InvokeTimeouts = {},
  ) => {
    const client = lambdaClient({ region: 'us-east-1', endpoint: endpoint ?? fake.endpoint, credentials });
    const inv = new LambdaEventInvoker(client, timeouts);
    open.push({
      close: () => {
        inv.close();
        client.destroy();
      },
    });
    return { client, inv };
  };
  const invoker = (...a: Parameters<typeof connect>) => connect(...a).inv;
  const invokes = () => fake.calls.filter((c) => c.api === 'Invoke');

  beforeAll(async () => {
    fake = await startFakeLambda({ mode: 'acknowledge' });
    const client = new LambdaClient({
      region: fake.region,
      endpoint: fake.endpoint,
      credentials: fake.credentials,
    });
    await client.send(
      new CreateFunctionCommand({
        FunctionName: FN,
        Role: 'arn:aws:iam::123456789012:role/test',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: {
          ZipFile: zipFiles([{ name: 'index.mjs', data: Buffer.from('export const handler = () => 1;') }]),
        },
      }),
    );
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 30 }, { FunctionName: FN });
    client.destroy();
  });
  afterAll(async () => {
    for (const o of open) o.close();
    await fake?.stop();
  });

  it('sends an Event invoke, signed (verified by the fake), with the payload as JSON', async () => {
    fake.resetRecords();
    const inv = invoker({ ...fake.credentials, sessionToken: SESSION_TOKEN });
    const out = await inv.invoke(runtime(), payload('A1'));
    expect(out.activationId).toMatch(/^[0-9a-f-]{36}$/);
    const [call] = invokes();
    expect(call).toMatchObject({ functionName: FN, invocationType: 'Event', status: 202 });
    expect(JSON.parse(call!.payload!)).toEqual(payload('A1'));
    // Sockets are kept: many invocations in a row, all accepted.
    await Promise.all(Array.from({ length: 50 }, (_, i) => inv.invoke(runtime(), payload(`B${i}`))));
    expect(invokes().filter((c) => c.status === 202)).toHaveLength(51);
  });

  it('retries a 429 (throttling) through core’s sender, then the invocation is accepted', async () => {
    fake.resetRecords();
    const inv = invoker(fake.credentials);
    // One invocation alone: THROTTLED, which the invoker's retry rule recognises.
    fake.throttleNext(1);
    const e = await rejection(inv.invoke(runtime(), payload('T0')));
    expect(e.code).toBe('THROTTLED');
    expect(isThrottle(e)).toBe(true);
    expect((e.cause as LambdaServiceException).name).toBe('TooManyRequestsException');
    expect((e.cause as LambdaServiceException).$metadata.httpStatusCode).toBe(429);

    fake.resetRecords();
    fake.throttleNext(2);
    const p = payload('T1');
    const sender = new InvocationSender(inv, {
      runtime: runtime(),
      storage: {} as StorageBackend,
      base: p,
      offsets: [0, 4],
      count: 1,
      chunksize: 1,
      maxPayloadBytes: 256 * 1024,
    });
    await sender.send(0);
    expect(sender.throttled).toBe(2);
    expect(invokes().map((c) => c.status)).toEqual([429, 429, 202]);
  });

  it('an auth failure is ACCESS_DENIED with a clear message and no secret, token or signature', async () => {
    const secret = 'wrong-secret-3b9f0d';
    const inv = invoker({
      accessKeyId: fake.credentials.accessKeyId,
      secretAccessKey: secret,
      sessionToken: SESSION_TOKEN,
    });
    const e = await rejection(inv.invoke(runtime(), payload('S1')));
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).toMatch(
      /^\[lithops\] \[aws_lambda\] Invoking lithops-invoke-test failed: InvalidSignatureException/,
    );
    expect(e.message).toContain('Check the AWS credentials');
    // The fake answers as Lambda does, with the canonical request (which holds the token): none of
    // it may reach the error, its cause, or their stacks.
    const texts = [e.message, String(e.stack), JSON.stringify(e.cause), String((e.cause as Error).message)];
    for (const t of texts) {
      expect(t).not.toContain(secret);
      expect(t).not.toContain(SESSION_TOKEN);
      expect(t).not.toContain('Canonical String');
      expect(t).not.toMatch(/Signature=|[0-9a-f]{64}/);
    }
  });

  it('a missing function is NOT_FOUND; an unreachable endpoint fails without retrying', async () => {
    const inv = invoker(fake.credentials);
    const missing = await rejection(inv.invoke(runtime('lithops-none'), payload('N1')));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('lithops-none');

    const down = invoker(fake.credentials, 'http://127.0.0.1:9');
    const e = await rejection(down.invoke(runtime(), payload('N2')));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(isThrottle(e)).toBe(false);
  });

  it('learns the clock offset from the Date header of an answer, as the SDK does', async () => {
    const { client, inv } = connect(fake.credentials);
    const statuses = () => fake.calls.map((c) => c.status);
    try {
      // Lambda's clock is 10 minutes ahead: the first request is refused as expired, its answer's
      // Date sets the offset, and the request signed again with it is accepted.
      fake.setClockSkew(10 * 60_000);
      fake.resetRecords();
      await inv.invoke(runtime(), payload('C1'));
      expect(statuses()).toEqual([403, 202]);
      expect(Math.abs(client.config.systemClockOffset - 10 * 60_000)).toBeLessThan(60_000);
      await inv.invoke(runtime(), payload('C2'));
      expect(statuses()).toEqual([403, 202, 202]);
      // Back in step: the request signed 10 minutes ahead is "not yet current", then corrected.
      fake.setClockSkew(0);
      fake.resetRecords();
      await inv.invoke(runtime(), payload('C3'));
      expect(statuses()).toEqual([403, 202]);
      expect(Math.abs(client.config.systemClockOffset)).toBeLessThan(60_000);
    } finally {
      fake.setClockSkew(0);
    }
  });
});

describe('an Invoke that gets no answer fails in bounded time, and is not sent again', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  /** A TCP server that accepts connections and then does `onConnection` (or nothing at all). */
  const serve = async (onConnection: (s: Socket) => void = () => {}) => {
    const server = createServer((s) => {
      connections++;
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
      s.resume();
      onConnection(s);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  };
  const sender = (endpoint: string, timeouts: InvokeTimeouts) => {
    const client = lambdaClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'AKIDTIMEOUTTEST', secretAccessKey: 'secret-of-the-timeout-test' },
    });
    const inv = new LambdaEventInvoker(client, timeouts);
    const s = new InvocationSender(inv, {
      runtime: runtime(),
      storage: {} as StorageBackend,
      base: payload('H1'),
      offsets: [0, 4],
      count: 1,
      chunksize: 1,
      maxPayloadBytes: 256 * 1024,
    });
    return {
      send: () => s.send(0),
      close: () => {
        inv.close();
        client.destroy();
      },
    };
  };
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    for (const server of servers) await new Promise((r) => server.close(r));
  });

  it('a connection that accepts and never answers: UNAVAILABLE by the socket timeout', async () => {
    const endpoint = await serve();
    connections = 0;
    const s = sender(endpoint, { socketTimeoutMs: 300, requestTimeoutMs: 600_000 });
    try {
      const e = await rejection(s.send());
      expect(e.code).toBe('UNAVAILABLE');
      expect(e.message).toMatch(
        /^\[lithops\] \[aws_lambda\] Invoking lithops-invoke-test failed: TimeoutError: no data on the connection within 300 ms \(socket timeout\); the event may have been accepted, so it is not sent again/,
      );
      expect(isThrottle(e)).toBe(false);
      expect(connections).toBe(1);
    } finally {
      s.close();
    }
  });

  it('a kept-alive socket the server reset before answering: sent again once, on a new socket', async () => {
    // Each connection answers its first request; a second request on it is reset unanswered,
    // as when the server closed an idle keep-alive socket just as the client reused it.
    const endpoint = await serve((sock) => {
      let requests = 0;
      sock.on('data', (d: Buffer) => {
        const n = d.toString('latin1').split('POST /').length - 1;
        for (let i = 0; i < n; i++) {
          if (++requests === 1)
            sock.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nx-amzn-RequestId: ok\r\n\r\n');
          else sock.resetAndDestroy();
        }
      });
    });
    connections = 0;
    const s = sender(endpoint, { socketTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    try {
      await s.send();
      await s.send();
      // The second send's reused socket was reset; it went again on a second connection.
      expect(connections).toBe(2);
    } finally {
      s.close();
    }
  });

  it('an answer that trickles and never ends: UNAVAILABLE by the request timeout', async () => {
    const endpoint = await serve((sock) => {
      sock.write('HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n');
      const tick = setInterval(() => sock.write('1\r\nx\r\n'), 50);
      sock.on('close', () => clearInterval(tick));
    });
    connections = 0;
    const s = sender(endpoint, { socketTimeoutMs: 600_000, requestTimeoutMs: 700 });
    try {
      const e = await rejection(s.send());
      expect(e.code).toBe('UNAVAILABLE');
      expect(e.message).toContain('no complete answer within 700 ms (request timeout)');
      expect(connections).toBe(1);
    } finally {
      s.close();
    }
  });
});

describe('the fake Lambda checks request signatures as Lambda does', () => {
  let fake: FakeLambda;
  beforeAll(async () => {
    fake = await startFakeLambda({ mode: 'acknowledge' });
  });
  afterAll(() => fake?.stop());

  const sdk = async (o: ConstructorParameters<typeof LambdaClient>[0]) => {
    const client = new LambdaClient({ endpoint: fake.endpoint, maxAttempts: 1, ...o });
    try {
      return await client.send(new ListFunctionsCommand({ MaxItems: 5 }));
    } finally {
      client.destroy();
    }
  };

  it('accepts any keys with a well-formed signature, and verifies its own keys in full', async () => {
    await expect(
      sdk({ region: fake.region, credentials: { accessKeyId: 'ANYKEY', secretAccessKey: 'any' } }),
    ).resolves.toMatchObject({ Functions: [] });
    await expect(sdk({ region: fake.region, credentials: fake.credentials })).resolves.toMatchObject({
      Functions: [],
    });
    await expect(
      sdk({
        region: fake.region,
        credentials: { accessKeyId: fake.credentials.accessKeyId, secretAccessKey: 'not-it' },
      }),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses another region’s scope and an unsigned request', async () => {
    await expect(
      sdk({ region: 'eu-west-1', credentials: { accessKeyId: 'ANYKEY', secretAccessKey: 'any' } }),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    const unsigned = await new Promise<{ status?: number; type?: string | string[] }>((resolve, reject) => {
      request(`${fake.endpoint}/2015-03-31/functions/`, (res) => {
        res.resume();
        resolve({ status: res.statusCode, type: res.headers['x-amzn-errortype'] });
      })
        .once('error', reject)
        .end();
    });
    expect(unsigned).toEqual({ status: 403, type: 'MissingAuthenticationTokenException' });
  });
});
