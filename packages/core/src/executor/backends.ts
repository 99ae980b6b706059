import type { LoadedConfig } from '../config/load.js';
import { parseConfig } from '../config/zod-error.js';
import { LithopsError } from '../errors.js';
import type { CallEvent, ComputeBackend, RuntimeInfo } from '../plugin/compute-backend.js';
import { modeHint } from '../plugin/known-backends.js';
import { loadBackendDefinition } from '../plugin/loader.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { createJobMonitor, type JobMonitor } from '../serverless/job-monitor.js';
import type { ShippedFunction } from '../ship/prepare.js';
import { createStorageBackend } from '../storage/create.js';
import type { Logger } from '../util/logger.js';
import { type Tracked, track } from '../util/tracked.js';
import { keys } from '../worker/keys.js';

/** The storage, compute and (when the compute backend reports no events) monitor of an executor. */
export interface Backends {
  storage: StorageBackend;
  compute: ComputeBackend;
  mode: 'localhost' | 'serverless' | 'standalone';
  /** Set when the compute backend reports no call events itself. */
  monitor?: JobMonitor;
  section: Record<string, unknown>;
}

/** Loads and creates the configured backends; call events go to `onEvent`. */
export async function createBackends(
  cfg: LoadedConfig,
  ctx: { executorId: string; log: Logger; onEvent: (e: CallEvent) => void },
): Promise<Backends> {
  const name = cfg.lithops.backend;
  const storageP = createStorageBackend(cfg);
  let compute: ComputeBackend | undefined;
  try {
    const [def, storage] = await Promise.all([loadBackendDefinition('compute', name, cfg.dir), storageP]);
    if (cfg.lithops.mode && def.mode !== cfg.lithops.mode) {
      throw new LithopsError(
        'CONFIG_INVALID',
        `Backend "${name}" runs in ${def.mode} mode, not ${cfg.lithops.mode} mode.`,
        { hint: modeHint(cfg.lithops.mode) },
      );
    }
    const section = parseConfig(def.configSchema, cfg.raw[def.name], {
      source: cfg.source,
      section: def.name,
      backend: def.name,
    });
    compute = await def.create(section, {
      config: cfg.raw,
      configDir: cfg.dir,
      log: ctx.log,
      storage,
    });
    const b: Backends = {
      storage,
      compute,
      mode: def.mode,
      section: (section ?? {}) as Record<string, unknown>,
    };
    if (compute.onCallEvent) compute.onCallEvent(ctx.onEvent);
    else {
      // `lithops.monitoring`: storage polling, or a monitor backend's events (RabbitMQ).
      b.monitor = await createJobMonitor(cfg, {
        storage,
        executorId: ctx.executorId,
        onEvent: ctx.onEvent,
        log: ctx.log,
      });
    }
    ctx.log.info(
      `ExecutorID ${ctx.executorId} - compute: ${compute.name} (${def.mode}); storage: ${storage.name}, bucket ${storage.bucket}; monitoring: ${b.monitor ? cfg.lithops.monitoring : `by ${compute.name}`}`,
    );
    return b;
  } catch (e) {
    // A failed start releases what it opened (a storage connection would keep the script alive).
    await Promise.allSettled([
      storageP.then((s) => s[Symbol.asyncDispose]()),
      compute?.[Symbol.asyncDispose](),
    ]);
    throw e;
  }
}

/** How often an open executor that stored data rewrites its `alive` mark (`lithops clean` spares it). */
const ALIVE_EVERY_MS = 10 * 60_000;

interface AliveMarks {
  timer: NodeJS.Timeout;
  /** The latest write of the mark. */
  write?: Promise<void>;
}

/** What an executor deployed and uploaded: each runtime (by memory) and bundle (by hash) once. */
export class Deployments {
  /** Runtimes deployed, by memory (MB). */
  private readonly runtimes = new Map<number, Tracked<RuntimeInfo>>();
  /** Function bundles uploaded or being uploaded, by content hash. */
  private readonly bundles = new Map<string, { key: string; upload: Tracked<void> }>();
  private alive: AliveMarks | undefined;

  constructor(
    private readonly config: LoadedConfig,
    private readonly executorId: string,
    private readonly log: Logger,
    private readonly aliveEveryMs = ALIVE_EVERY_MS,
  ) {}

  /**
   * Once the executor stores a bundle, its `alive` mark is rewritten every `aliveEveryMs` until
   * `stop()`: however long it idles, its folder holds a recent object, and `lithops clean` (which
   * removes only executors with none) leaves its bundles alone.
   */
  private keepAlive(storage: StorageBackend): void {
    if (this.alive) return;
    const key = keys.alive(this.config.lithops.jobs_prefix, this.executorId);
    const alive: AliveMarks = {
      timer: setInterval(() => {
        alive.write = storage
          .putObject(storage.bucket, key, Buffer.from(new Date().toISOString()))
          .catch(() => {
            // A missed mark only matters after a whole --older-than age of them.
          });
      }, this.aliveEveryMs),
    };
    alive.timer.unref();
    this.alive = alive;
  }

  /** Stops the `alive` marks (before the executor's data is cleaned, so none is written after). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    clearInterval(this.alive.timer);
    await this.alive.write;
    this.alive = undefined;
  }

  runtime(b: Backends, memoryMb: number): Tracked<RuntimeInfo> {
    let r = this.runtimes.get(memoryMb);
    if (!r) {
      const spec = {
        name: String(b.section.runtime ?? 'default'),
        memoryMb,
        timeoutSec: this.config.lithops.execution_timeout,
      };
      const log = this.log;
      log.debug(`runtime ${spec.name} (${memoryMb || 'default'} MB): deploying or checking`);
      const deployed = b.compute.deployRuntime(spec).then((info) => {
        log.debug(`runtime ${info.name} ready: ${info.key}`);
        return info;
      });
      r = track(deployed, () => this.runtimes.delete(memoryMb));
      this.runtimes.set(memoryMb, r);
    }
    return r;
  }

  /** The function's bundle in storage: uploaded once per executor. */
  bundle(b: Backends, shipped: ShippedFunction): { key: string; upload: Tracked<void> } {
    let e = this.bundles.get(shipped.sha256);
    if (!e) {
      const key = keys.funcBundle(this.config.lithops.jobs_prefix, this.executorId, shipped.sha256);
      this.log.debug(`function bundle ${key}: ${shipped.code.length} bytes, uploading`);
      const upload = b.storage.putObject(b.storage.bucket, key, shipped.code);
      e = { key, upload: track(upload, () => this.bundles.delete(shipped.sha256)) };
      this.bundles.set(shipped.sha256, e);
      this.keepAlive(b.storage);
    }
    return e;
  }
}
