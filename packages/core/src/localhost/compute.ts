import { availableParallelism } from 'node:os';
import type {
  BackendLimits,
  CallEvent,
  ComputeBackend,
  InvocationPayload,
  RuntimeInfo,
  RuntimeSpec,
} from '../plugin/compute-backend.js';
import { defineComputeBackend, SPEC_VERSION } from '../plugin/define.js';
import { bundleCacheDir } from '../util/paths.js';
import { localhostSectionSchema } from './config.js';
import { ProcessPool } from './pool.js';

/** Compute on this machine: a warm pool of worker processes running the shared worker runtime. */
class LocalhostComputeBackend implements ComputeBackend {
  readonly name = 'localhost';
  readonly limits: BackendLimits;
  private listeners: ((e: CallEvent) => void)[] = [];
  private readonly pool: ProcessPool;

  constructor(size: number, storageConfig: { raw: Record<string, unknown>; dir: string; source: string }) {
    this.limits = {
      maxWorkers: size,
      maxPayloadBytes: 256 * 2 ** 20,
      maxTimeoutSec: Number.POSITIVE_INFINITY,
    };
    this.pool = new ProcessPool({
      size,
      init: { bundleDir: bundleCacheDir(), storageConfig },
      onEvent: (e) => {
        for (const l of this.listeners) l(e);
      },
    });
    this.pool.start();
  }

  async deployRuntime(spec: RuntimeSpec): Promise<RuntimeInfo> {
    return {
      key: `localhost-node${process.versions.node}`,
      name: spec.name,
      memoryMb: spec.memoryMb,
      timeoutSec: spec.timeoutSec,
    };
  }

  async invoke(_runtime: RuntimeInfo, payload: InvocationPayload): Promise<{ activationId: string }> {
    this.pool.submit(payload);
    return { activationId: `${payload.jobKey}/${payload.calls[0]?.callId ?? ''}` };
  }

  async listRuntimes(): Promise<RuntimeInfo[]> {
    return [];
  }

  async deleteRuntime(): Promise<void> {}

  async clean(): Promise<void> {}

  onCallEvent(listener: (e: CallEvent) => void): void {
    this.listeners.push(listener);
  }

  cancel(jobKey: string): void {
    this.pool.cancel(jobKey);
  }

  /** Stops the pool; running invocations get `graceMs` to finish. */
  close(graceMs = 0): Promise<void> {
    return this.pool.close(graceMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.pool.close();
  }
}

/** `backend: localhost`, the embedded default. */
export const localhostCompute = defineComputeBackend({
  name: 'localhost',
  specVersion: SPEC_VERSION, // built with this core
  mode: 'localhost',
  configSchema: localhostSectionSchema,
  create(config, ctx) {
    const size = config.worker_processes ?? availableParallelism();
    return new LocalhostComputeBackend(size, {
      raw: { ...ctx.config },
      dir: ctx.configDir,
      source: 'the executor config',
    });
  },
});
