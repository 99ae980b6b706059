import { GetFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  type ComputeBackend,
  createStorageBackend,
  FunctionExecutor,
  loadConfig,
  type RuntimeSpec,
} from '@lithops/core';
import { jobs, until } from '@lithops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import awsLambda from '../src/index.js';
import { metaOf } from '../src/invoke.js';
import { type LambdaEnv, startLambdaEnv } from './setup.js';

const spec: RuntimeSpec = { name: 'default', memoryMb: 0, timeoutSec: 60 };
const quiet = () => {};

describe('deploying a runtime brings its function to the aws_lambda settings', () => {
  let env: LambdaEnv;
  let sdk: LambdaClient;
  const closing: (() => PromiseLike<unknown>)[] = [];

  /** The backend as the executor creates it, with these aws_lambda settings. */
  const backend = async (section: Record<string, unknown>): Promise<ComputeBackend> => {
    const cfg = loadConfig({ config: env.config({ aws_lambda: section }) });
    const storage = await createStorageBackend(cfg);
    const compute = await awsLambda.create(awsLambda.configSchema.parse(cfg.raw.aws_lambda), {
      config: cfg.raw,
      configDir: cfg.dir,
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      storage,
    });
    closing.push(
      () => compute[Symbol.asyncDispose](),
      () => storage[Symbol.asyncDispose](),
    );
    return compute;
  };
  const configuration = async (functionName: string) =>
    (await sdk.send(new GetFunctionCommand({ FunctionName: functionName }))).Configuration!;
  const since = (n: number) => env.fake.calls.slice(n).filter((c) => c.api.startsWith('Update'));

  beforeAll(async () => {
    env = await startLambdaEnv();
    sdk = new LambdaClient({
      region: env.fake.region,
      endpoint: env.fake.endpoint,
      credentials: env.fake.credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    env?.fake.holdUpdates(false);
    for (const c of closing.reverse()) await Promise.resolve(c()).catch(() => {});
    sdk?.destroy();
    await env?.stop();
  });

  it('a raised runtime_timeout reaches the function: a call longer than the old timeout succeeds', async () => {
    const first = await (await backend({ runtime_timeout: 3 })).deployRuntime(spec);
    const name = metaOf(first).functionName;
    expect((await configuration(name)).Timeout).toBe(3);

    // Call timeouts guard hangs here: the call needs 5 s, over the old 3 s, and has 60.
    const mark = env.fake.calls.length;
    const fexec = new FunctionExecutor({ config: env.config({ aws_lambda: { runtime_timeout: 60 } }) });
    try {
      const fs = await fexec.map(jobs.sleepThenEcho, [{ ms: 5000, v: 'b' }], { timeout: 60 });
      expect(await fexec.getResult(fs, { showProgressbar: false })).toEqual(['b']);
    } finally {
      await fexec.close();
    }
    expect((await configuration(name)).Timeout).toBe(60);
    expect(since(mark).map((c) => [c.api, c.status])).toEqual([['UpdateFunctionConfiguration', 200]]);
    expect([...env.fake.service.functions.keys()]).toEqual([name]);
  });

  it('role, VPC, /tmp size and architecture reach the function, one update after the other', async () => {
    const mark = env.fake.calls.length;
    const compute = await backend({
      execution_role: 'arn:aws:iam::123456789012:role/lithops-other',
      vpc: { subnets: ['subnet-b', 'subnet-a'], security_groups: ['sg-1'] },
      ephemeral_storage: 2048,
      architecture: 'arm64',
    });
    const runtime = await compute.deployRuntime(spec);
    expect(await configuration(metaOf(runtime).functionName)).toMatchObject({
      Role: 'arn:aws:iam::123456789012:role/lithops-other',
      VpcConfig: { SubnetIds: ['subnet-b', 'subnet-a'], SecurityGroupIds: ['sg-1'] },
      EphemeralStorage: { Size: 2048 },
      Architectures: ['arm64'],
      // Unchanged: the test setup's runtime_timeout.
      Timeout: (env.config().aws_lambda as { runtime_timeout: number }).runtime_timeout,
      State: 'Active',
      LastUpdateStatus: 'Successful',
    });
    // Architectures go with the code; the rest with the configuration, once the code's is over.
    expect(since(mark).map((c) => [c.api, c.status])).toEqual([
      ['UpdateFunctionCode', 200],
      ['UpdateFunctionConfiguration', 200],
    ]);
    // The same settings again: nothing to update.
    const again = await (
      await backend({
        execution_role: 'arn:aws:iam::123456789012:role/lithops-other',
        vpc: { subnets: ['subnet-a', 'subnet-b'], security_groups: ['sg-1'] },
        ephemeral_storage: 2048,
        architecture: 'arm64',
      })
    ).deployRuntime(spec);
    expect(again.key).toBe(runtime.key);
    expect(since(mark)).toHaveLength(2);
  });

  it('an update refused while another is in progress waits for it, then is sent again', async () => {
    const compute = await backend({ runtime_timeout: 20 });
    const [name] = env.fake.service.functions.keys();
    env.fake.holdUpdates(true);
    await sdk.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'by hand' }));
    const mark = env.fake.calls.length;
    const deploying = compute.deployRuntime(spec);
    await until(() => since(mark).some((c) => c.status === 409));
    env.fake.holdUpdates(false);
    await deploying;
    expect(await configuration(name!)).toMatchObject({
      Timeout: 20,
      Architectures: ['x86_64'],
      Description: 'Lithops runtime default',
    });
    // Back to x86_64: the code update is refused once, sent again when the other is over, and
    // the configuration's follows once the code's is done.
    expect(since(mark).map((c) => [c.api, c.status])).toEqual([
      ['UpdateFunctionCode', 409],
      ['UpdateFunctionCode', 200],
      ['UpdateFunctionConfiguration', 200],
    ]);
  });

  it('two deploys of different settings at once both finish, each update after the other', async () => {
    const [a, b] = await Promise.all([backend({ runtime_timeout: 30 }), backend({ runtime_timeout: 40 })]);
    const mark = env.fake.calls.length;
    const [ra, rb] = await Promise.all([a.deployRuntime(spec), b.deployRuntime(spec)]);
    expect([ra.timeoutSec, rb.timeoutSec]).toEqual([30, 40]);
    const ok = since(mark).filter((c) => c.status === 200);
    expect(ok.map((c) => c.api)).toEqual(['UpdateFunctionConfiguration', 'UpdateFunctionConfiguration']);
    expect([30, 40]).toContain((await configuration(metaOf(ra).functionName)).Timeout);
  });
});
