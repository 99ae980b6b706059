import { createHash } from 'node:crypto';
import {
  type Architecture,
  CreateFunctionCommand,
  type FunctionConfiguration,
  GetFunctionCommand,
  type LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  type Runtime,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitForFunctionActiveV2,
  waitForFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { LithopsError, type Logger } from '@lithops/core/plugin';
import type { AwsLambdaSection } from './config.js';
import { lambdaError } from './errors.js';

/** What a function is configured with (UpdateFunctionConfiguration's fields, and Architectures). */
export interface FunctionSettings {
  Runtime: Runtime;
  Role: string;
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Description: string;
  Architectures: [Architecture];
  EphemeralStorage: { Size: number };
  Environment: { Variables: Record<string, string> };
  VpcConfig: { SubnetIds: string[]; SecurityGroupIds: string[] };
}

export function functionSettings(
  s: AwsLambdaSection,
  runtimeName: string,
  memoryMb: number,
  vars: Record<string, string>,
): FunctionSettings {
  return {
    Runtime: s.node_runtime,
    Role: s.execution_role,
    Handler: 'index.handler',
    MemorySize: memoryMb,
    Timeout: s.runtime_timeout,
    Description: `Lithops runtime ${runtimeName}`,
    Architectures: [s.architecture],
    EphemeralStorage: { Size: s.ephemeral_storage },
    Environment: { Variables: vars },
    VpcConfig: { SubnetIds: s.vpc?.subnets ?? [], SecurityGroupIds: s.vpc?.security_groups ?? [] },
  };
}

const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();
const sortedEntries = (o: Record<string, string> | undefined) =>
  Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));

/**
 * The settings that tell one deployment from another, env values out (they are hashed into the
 * runtime key already, and are secrets): a change of any of them is a new runtime key.
 */
export function settingsDigest(f: FunctionSettings): string {
  const { Environment: _env, ...rest } = f;
  const canonical = {
    ...rest,
    VpcConfig: {
      SubnetIds: sorted(rest.VpcConfig.SubnetIds),
      SecurityGroupIds: sorted(rest.VpcConfig.SecurityGroupIds),
    },
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

/** Whether a function's configuration differs from the settings (in what UpdateFunctionConfiguration sets). */
function configDiffers(c: FunctionConfiguration, want: FunctionSettings): boolean {
  return (
    c.Runtime !== want.Runtime ||
    c.Role !== want.Role ||
    c.Handler !== want.Handler ||
    c.MemorySize !== want.MemorySize ||
    c.Timeout !== want.Timeout ||
    (c.Description ?? '') !== want.Description ||
    (c.EphemeralStorage?.Size ?? 512) !== want.EphemeralStorage.Size ||
    JSON.stringify(sortedEntries(c.Environment?.Variables)) !==
      JSON.stringify(sortedEntries(want.Environment.Variables)) ||
    JSON.stringify(sorted(c.VpcConfig?.SubnetIds)) !== JSON.stringify(sorted(want.VpcConfig.SubnetIds)) ||
    JSON.stringify(sorted(c.VpcConfig?.SecurityGroupIds)) !==
      JSON.stringify(sorted(want.VpcConfig.SecurityGroupIds))
  );
}

/** How many times an update refused with ResourceConflictException is tried again. */
const CONFLICT_RETRIES = 10;
/** Longest wait for a function to become Active, or for an update to finish, in seconds. */
const MAX_WAIT_SEC = 300;

const nameOf = (e: unknown) => (e as { name?: string }).name;

export interface DeployFunctionOptions {
  client: LambdaClient;
  log: Logger;
  name: string;
  zip: Buffer;
  /** The runtime key (for the log). */
  key: string;
  settings: FunctionSettings;
  tags: Record<string, string>;
  /** `MaximumEventAgeInSeconds` of its Event invocations. */
  maxEventAge: number;
}

/**
 * Creates a function, or brings an existing one to `settings`: new code and Architectures
 * through UpdateFunctionCode, the rest through UpdateFunctionConfiguration, each waited until
 * `LastUpdateStatus` is `Successful` (Lambda refuses an update while another is in progress:
 * one refused with ResourceConflictException waits for the function and is sent again). Returns
 * the function's ARN once it is Active, with Lambda's own retries of Event invocations off.
 */
export async function deployFunction(o: DeployFunctionOptions, createRaced = false): Promise<string> {
  const { client, log, name, zip, settings: want } = o;
  let arn: string;
  try {
    let current: FunctionConfiguration | undefined;
    try {
      current = (await client.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    } catch (e) {
      if (nameOf(e) !== 'ResourceNotFoundException') throw e;
    }
    if (!current) {
      log.info(`aws_lambda: creating ${name} (${want.MemorySize} MB, runtime key ${o.key})`);
      try {
        const { VpcConfig, ...rest } = want;
        const created = await client.send(
          new CreateFunctionCommand({
            FunctionName: name,
            ...rest,
            Code: { ZipFile: zip },
            Tags: o.tags,
            ...(VpcConfig.SubnetIds.length || VpcConfig.SecurityGroupIds.length ? { VpcConfig } : {}),
          }),
        );
        arn = created.FunctionArn!;
      } catch (e) {
        // Created by another deploy meanwhile: bring it to these settings.
        if (nameOf(e) !== 'ResourceConflictException' || createRaced) throw e;
        return await deployFunction(o, true);
      }
    } else {
      arn = current.FunctionArn!;
      const sha = createHash('sha256').update(zip).digest('base64');
      if (current.CodeSha256 !== sha || current.Architectures?.[0] !== want.Architectures[0]) {
        log.info(`aws_lambda: updating the code of ${name} (runtime key ${o.key})`);
        await update(client, log, name, () =>
          client.send(
            new UpdateFunctionCodeCommand({
              FunctionName: name,
              ZipFile: zip,
              Architectures: want.Architectures,
            }),
          ),
        );
      }
      if (configDiffers(current, want)) {
        log.info(`aws_lambda: updating the configuration of ${name} (timeout ${want.Timeout} s)`);
        const { Architectures: _arch, ...config } = want;
        await update(client, log, name, () =>
          client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...config })),
        );
      }
      await client.send(new TagResourceCommand({ Resource: arn, Tags: o.tags }));
    }
    await settled(client, name);
    // Our invoker owns retries: Lambda must never run a failed event again behind our back.
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: name,
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: o.maxEventAge,
      }),
    );
  } catch (e) {
    throw lambdaError(e, `Deploying the function ${name}`);
  }
  return arn;
}

/** Sends an update once the function takes one, then waits until it is applied. */
async function update(
  client: LambdaClient,
  log: Logger,
  name: string,
  send: () => Promise<unknown>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      break;
    } catch (e) {
      if (nameOf(e) !== 'ResourceConflictException' || attempt >= CONFLICT_RETRIES) throw e;
      log.debug(`aws_lambda: ${name} is being created or updated; waiting to update it`);
      await settled(client, name, { tolerateFailed: true });
    }
  }
  await settled(client, name);
}

/**
 * Waits until the function is Active and its last update is over. The SDK's throwing waiters are
 * not used: their error holds the whole GetFunction answer, env vars (secrets) included; this
 * one names only the states and reasons.
 */
async function settled(
  client: LambdaClient,
  name: string,
  o: { tolerateFailed?: boolean } = {},
): Promise<void> {
  for (const [wait, what] of [
    [waitForFunctionActiveV2, 'become Active'],
    [waitForFunctionUpdatedV2, 'finish its update'],
  ] as const) {
    const r = await wait({ client, maxWaitTime: MAX_WAIT_SEC }, { FunctionName: name });
    if (r.state === 'SUCCESS') continue;
    if (r.state === 'FAILURE' && o.tolerateFailed) return;
    const c = (r.reason as { Configuration?: FunctionConfiguration } | undefined)?.Configuration;
    const detail = c
      ? `: state ${c.State} (${c.StateReasonCode ?? '-'}: ${c.StateReason ?? '-'}), last update ${c.LastUpdateStatus} (${c.LastUpdateStatusReasonCode ?? '-'}: ${c.LastUpdateStatusReason ?? '-'})`
      : ` within ${MAX_WAIT_SEC} s`;
    throw new LithopsError(
      r.state === 'FAILURE' ? 'CONFIG_INVALID' : 'UNAVAILABLE',
      `The function ${name} did not ${what}${detail}.`,
      {
        backend: 'aws_lambda',
        hint: 'See the function in the Lambda console; fix its role, VPC or settings and deploy again.',
      },
    );
  }
}
