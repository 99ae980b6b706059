import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { zipFiles } from '@lithops/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLambda, startFakeLambda } from '../src/index.js';

const FN = 'fn-states';
const code = (version: string) =>
  zipFiles([
    {
      name: 'index.mjs',
      data: Buffer.from(
        `export const handler = async (e, ctx) => ({ version: ${JSON.stringify(version)}, ` +
          'v: process.env.V, remainingMs: ctx.getRemainingTimeInMillis() });',
      ),
    },
  ]);

describe('fake Lambda: function states and updates as Lambda reports and enforces them', () => {
  let fake: FakeLambda;
  let client: LambdaClient;
  const invoke = async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: FN, Payload: Buffer.from('{}') }));
    return JSON.parse(Buffer.from(out.Payload!).toString()) as {
      version: string;
      v: string;
      remainingMs: number;
    };
  };
  const configuration = async () =>
    (await client.send(new GetFunctionCommand({ FunctionName: FN }))).Configuration!;
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => ({
        name: e.name,
        status: e.$metadata.httpStatusCode,
        message: e.message,
      }),
    );

  beforeAll(async () => {
    fake = await startFakeLambda();
    client = new LambdaClient({
      endpoint: fake.endpoint,
      region: fake.region,
      credentials: fake.credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    fake?.holdUpdates(false);
    client?.destroy();
    await fake?.stop();
  });

  it('a new function is Pending (invokes and updates get 409) until it is Active and Successful', async () => {
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: FN,
        Role: 'arn:aws:iam::123456789012:role/test',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: code('v1') },
        Timeout: 3,
        Environment: { Variables: { V: 'old' } },
      }),
    );
    expect(created).toMatchObject({ State: 'Pending', StateReasonCode: 'Creating' });
    expect(created.LastUpdateStatus).toBeUndefined();
    const pending = { name: 'ResourceConflictException', status: 409 };
    expect(await refusal(invoke())).toMatchObject({
      ...pending,
      message: expect.stringContaining('in the following state: Pending'),
    });
    expect(
      await refusal(client.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: code('v2') }))),
    ).toMatchObject(pending);

    await waitUntilFunctionActiveV2({ client, maxWaitTime: 30 }, { FunctionName: FN });
    expect(await configuration()).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(await invoke()).toMatchObject({ version: 'v1', v: 'old' });
  });

  it('an update is InProgress: calls run the old config, another update gets 409, then it applies', async () => {
    fake.holdUpdates(true);
    const updating = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: FN,
        Timeout: 9,
        Environment: { Variables: { V: 'new' } },
      }),
    );
    // Reported at once, as Lambda does; not yet what invocations run with.
    expect(updating).toMatchObject({ State: 'Active', LastUpdateStatus: 'InProgress', Timeout: 9 });
    const during = await invoke();
    expect(during.v).toBe('old');
    expect(during.remainingMs).toBeLessThanOrEqual(3000);

    const inProgress = {
      name: 'ResourceConflictException',
      status: 409,
      message: expect.stringContaining('An update is in progress for resource'),
    };
    expect(
      await refusal(client.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: code('v2') }))),
    ).toMatchObject(inProgress);
    expect(
      await refusal(client.send(new UpdateFunctionConfigurationCommand({ FunctionName: FN, Timeout: 4 }))),
    ).toMatchObject(inProgress);

    fake.holdUpdates(false);
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30 }, { FunctionName: FN });
    const after = await invoke();
    expect(after.v).toBe('new');
    expect(after.remainingMs).toBeGreaterThan(3000);
    expect(await configuration()).toMatchObject({ Timeout: 9, LastUpdateStatus: 'Successful' });
  });

  it('Architectures change with the code (UpdateFunctionCode), as on Lambda', async () => {
    expect((await configuration()).Architectures).toEqual(['x86_64']);
    await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: code('v2'), Architectures: ['arm64'] }),
    );
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30 }, { FunctionName: FN });
    expect(await configuration()).toMatchObject({ Architectures: ['arm64'], Timeout: 9 });
    expect(await invoke()).toMatchObject({ version: 'v2', v: 'new' });
  });
});
