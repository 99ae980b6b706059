import { request } from 'node:http';
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
import { LambdaEventInvoker } from '../src/invoke.js';

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
  const invoker = (credentials: FakeLambda['credentials'] & { sessionToken?: string }, endpoint?: string) => {
    const client = lambdaClient({ region: 'us-east-1', endpoint: endpoint ?? fake.endpoint, credentials });
    const inv = new LambdaEventInvoker(client);
    open.push({
      close: () => {
        inv.close();
        client.destroy();
      },
    });
    return inv;
  };
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
