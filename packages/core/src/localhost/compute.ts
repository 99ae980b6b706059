import { availableParallelism } from 'node:os';
import { lithopsSectionSchema } from '../config/lithops-section.js';
import type {
  BackendLimits,
  CallEvent,
  ComputeBackend,
  InvocationPayload,
  RuntimeInfo,
  RuntimeSpec,
} from '../plugin/compute-backend.js';
import { defineComputeBackend, SPEC_VERSION } from '../plugin/define.js';
import { executorIdOf } from '../serverless/call-event-codec.js';
import { bundleCacheDir } from '../util/paths.js';
import type { StorageConfig } from '../worker/call-messages.js';
import { localhostSectionSchema } from './config.js';
import { ProcessPool } from './pool.js';

/**
 * A pool shared by the executors of this process that have the same localhost settings (size,
 * storage config): 100 executors no longer start 100 pools. Each call event goes to the backend
 * of the executor whose job it is (the executor id leads every job key).
 */
interface SharedPool {
  pool: ProcessPool;
  users: number;
  owners: Map<string, LocalhostComputeBackend>;
}
const shared = new Map<string, SharedPool>();

function acquirePool(size: number, storageConfig: StorageConfig): { key: string; entry: SharedPool } {
  const key = JSON.stringify([size, storageConfig.dir, storageConfig.raw]);
  let entry = shared.get(key);
  if (!entry) {
    const owners = new Map<string, LocalhostComputeBackend>();
    const pool = new ProcessPool({
      size,
      init: { bundleDir: bundleCacheDir(), storageConfig },
      onEvent: (e) => owners.get(executorIdOf(e.jobKey))?.emit(e),
    });
    pool.start();
    entry = { pool, users: 0, owners };
    shared.set(key, entry);
  }
  entry.users++;
  return { key, entry };
}

/** Compute on this machine: a warm pool of worker processes running the shared worker runtime. */
class LocalhostComputeBackend implements ComputeBackend {
  readonly name = 'localhost';
  readonly limits: BackendLimits;
  private listeners: ((e: CallEvent) => void)[] = [];
  private readonly key: string;
  private readonly entry: SharedPool;
  /** Executor ids that sent invocations through this backend. */
  private readonly executors = new Set<string>();
  private released = false;

  constructor(size: number, storageConfig: StorageConfig) {
    this.limits = {
      maxWorkers: size,
      maxPayloadBytes: 256 * 2 ** 20,
      maxTimeoutSec: Number.POSITIVE_INFINITY,
    };
    ({ key: this.key, entry: this.entry } = acquirePool(size, storageConfig));
  }

  emit(e: CallEvent): void {
    for (const l of this.listeners) l(e);
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
    if (!this.executors.has(payload.executorId)) {
      this.executors.add(payload.executorId);
      this.entry.owners.set(payload.executorId, this);
    }
    this.entry.pool.submit(payload);
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
    this.entry.pool.cancel(jobKey);
  }

  /**
   * Leaves the pool; the last executor using it stops it (running invocations get `graceMs`).
   * Calls of this executor still running in a pool others keep go on, unheard.
   */
  async close(graceMs = 0): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const id of this.executors) if (this.entry.owners.get(id) === this) this.entry.owners.delete(id);
    if (--this.entry.users > 0) return;
    if (shared.get(this.key) === this.entry) shared.delete(this.key);
    await this.entry.pool.close(graceMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
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
      // Validated here, where the config was validated already: each call thread skips it.
      lithops: lithopsSectionSchema.parse(ctx.config.lithops ?? {}),
    });
  },
});
