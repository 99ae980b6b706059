import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  type LambdaClient,
  ListTagsCommand,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import {
  buildRuntime,
  envHash,
  type RuntimeRecord,
  RuntimeStore,
  workerConfig,
} from '@lithops/core/internal';
import {
  type BackendLimits,
  type ComputeBackend,
  type InvocationPayload,
  LithopsError,
  type Logger,
  type RuntimeInfo,
  type RuntimeSpec,
  type StorageBackend,
} from '@lithops/core/plugin';
import { type AwsLambdaSection, LAMBDA_EVENT_PAYLOAD_BYTES } from './config.js';
import { deployFunction, functionSettings, settingsDigest } from './deploy.js';
import { lambdaError } from './errors.js';
import { LambdaEventInvoker, type LambdaRuntimeMeta, metaOf } from './invoke.js';

/** Tags on every function this project creates: list and delete touch only those. */
export const TAG_MANAGED = 'lithops:managed';
export const TAG_RUNTIME = 'lithops:runtime';
export const TAG_KEY = 'lithops:runtime-key';
const NAME_PREFIX = 'lithops-';

/** The prebuilt handler (built with the package: see build.mjs); from src/ (tests), dist's. */
const HANDLER = existsSync(new URL('./runtime/handler.js', import.meta.url))
  ? new URL('./runtime/handler.js', import.meta.url)
  : new URL('../dist/runtime/handler.js', import.meta.url);

export interface AwsLambdaBackendOptions {
  client: LambdaClient;
  section: AwsLambdaSection;
  region: string;
  /** The whole config: the storage/monitor sections go to the functions' env at deploy time. */
  config: Readonly<Record<string, unknown>>;
  configDir: string;
  storage: StorageBackend;
  log: Logger;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 24);
}

const isNotFound = (e: unknown) => (e as { name?: string }).name === 'ResourceNotFoundException';

/**
 * AWS Lambda compute: runtimes are zip functions on `nodejs22.x` (one per runtime name, memory
 * and worker config), invocations are asynchronous (`Event`) with Lambda's own retries off.
 */
export class AwsLambdaBackend implements ComputeBackend {
  readonly name = 'aws_lambda';
  readonly limits: BackendLimits;
  private readonly store: RuntimeStore;
  private readonly target: LambdaEventInvoker;

  constructor(private readonly o: AwsLambdaBackendOptions) {
    this.limits = {
      maxWorkers: o.section.max_workers,
      maxPayloadBytes: LAMBDA_EVENT_PAYLOAD_BYTES,
      maxTimeoutSec: o.section.runtime_timeout,
      memoryMb: [128, 10_240],
    };
    this.store = new RuntimeStore(o.storage, this.name);
    this.target = new LambdaEventInvoker(o.client, {
      maxSockets: Math.max(64, o.section.invoke_pool_threads),
    });
  }

  /** Env vars of the functions: the worker config (secrets: hashed into the key, never logged). */
  private env(): { vars: Record<string, string>; backends: string[] } {
    const wc = workerConfig(this.o.config);
    return { vars: { ...this.o.section.env_vars, ...wc.env }, backends: wc.backends };
  }

  /** One function per runtime name, memory and worker config; code and settings updates keep the name. */
  functionName(runtimeName: string, memoryMb: number, envDigest: string): string {
    return `${NAME_PREFIX}${safeName(runtimeName)}-${memoryMb}mb-${envDigest.slice(0, 10)}`;
  }

  async deployRuntime(spec: RuntimeSpec): Promise<RuntimeInfo> {
    const memoryMb = spec.memoryMb || this.o.section.runtime_memory;
    const { vars, backends } = this.env();
    const artifact = await buildRuntime({
      backend: this.name,
      handler: HANDLER,
      backends,
      resolveFrom: [this.o.configDir],
      nodeMajor: 22,
      memoryMb,
      env: vars,
    });
    const functionName = this.functionName(spec.name, memoryMb, envHash(vars));
    const settings = functionSettings(this.o.section, spec.name, memoryMb, vars);
    // The key covers the function's settings too: a raised timeout (or another role, VPC,
    // architecture, /tmp size) is a new key, so the function is brought to it before use.
    const key = createHash('sha256')
      .update(`${artifact.key}:${settingsDigest(settings)}`)
      .digest('hex')
      .slice(0, 20);
    const record = await this.store.deploy({
      record: {
        key,
        name: spec.name,
        memoryMb,
        timeoutSec: this.o.section.runtime_timeout,
        backend: this.name,
        nodeMajor: artifact.nodeMajor,
        codeSha256: artifact.codeSha256,
      },
      exists: async (r) => {
        try {
          const f = await this.o.client.send(
            new GetFunctionCommand({ FunctionName: metaOf(r).functionName }),
          );
          return f.Tags?.[TAG_KEY] === r.key;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw lambdaError(e, `Reading the function ${functionName}`);
        }
      },
      deploy: async () => {
        const arn = await deployFunction({
          client: this.o.client,
          log: this.o.log,
          name: functionName,
          zip: artifact.zip,
          key,
          settings,
          tags: { [TAG_MANAGED]: 'true', [TAG_RUNTIME]: spec.name, [TAG_KEY]: key },
          maxEventAge: this.o.section.max_event_age,
        });
        const meta: LambdaRuntimeMeta = {
          functionName,
          arn,
          region: this.o.region,
          ...(this.o.section.endpoint ? { endpoint: this.o.section.endpoint } : {}),
        };
        return { ...meta };
      },
    });
    return {
      key: record.key,
      name: record.name,
      memoryMb: record.memoryMb,
      timeoutSec: record.timeoutSec,
      meta: record.meta,
    };
  }

  invoke(runtime: RuntimeInfo, payload: InvocationPayload): Promise<{ activationId: string }> {
    return this.target.invoke(runtime, payload);
  }

  /** Functions this project created (by tag), as runtimes. */
  async listRuntimes(): Promise<RuntimeInfo[]> {
    const out: RuntimeInfo[] = [];
    try {
      for await (const page of paginateListFunctions({ client: this.o.client }, {})) {
        for (const f of page.Functions ?? []) {
          if (!f.FunctionName?.startsWith(NAME_PREFIX) || !f.FunctionArn) continue;
          const { Tags: tags = {} } = await this.o.client.send(
            new ListTagsCommand({ Resource: f.FunctionArn }),
          );
          if (tags[TAG_MANAGED] !== 'true') continue;
          const meta: LambdaRuntimeMeta = {
            functionName: f.FunctionName,
            arn: f.FunctionArn,
            region: this.o.region,
          };
          out.push({
            key: tags[TAG_KEY] ?? '',
            name: tags[TAG_RUNTIME] ?? 'default',
            memoryMb: f.MemorySize ?? 0,
            timeoutSec: f.Timeout ?? 0,
            meta: { ...meta },
          });
        }
      }
    } catch (e) {
      throw lambdaError(e, 'Listing functions');
    }
    return out;
  }

  /** Deletes the function(s) of a runtime key (or a function name) and the key's metadata. */
  async deleteRuntime(key: string): Promise<void> {
    const matches = (await this.listRuntimes()).filter(
      (r) => r.key === key || metaOf(r).functionName === key,
    );
    if (matches.length === 0) {
      throw new LithopsError('NOT_FOUND', `No runtime ${key} of this project exists in ${this.o.region}.`, {
        backend: this.name,
        hint: 'List them with `lithops runtime list`.',
      });
    }
    for (const r of matches) {
      await this.deleteFunction(metaOf(r).functionName);
      if (r.key) await this.store.delete(r.key);
    }
  }

  private async deleteFunction(name: string): Promise<void> {
    try {
      await this.o.client.send(new DeleteFunctionCommand({ FunctionName: name }));
    } catch (e) {
      if (!isNotFound(e)) throw lambdaError(e, `Deleting the function ${name}`);
    }
  }

  /** Deletes every function this project created and the runtime metadata in storage. */
  async clean(): Promise<void> {
    for (const r of await this.listRuntimes()) await this.deleteFunction(metaOf(r).functionName);
    const records: RuntimeRecord[] = await this.store.list();
    for (const r of records) await this.store.delete(r.key);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.target.close();
    this.o.client.destroy();
  }
}
