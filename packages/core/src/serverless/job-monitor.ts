import type { LoadedConfig } from '../config/load.js';
import { parseConfig } from '../config/zod-error.js';
import { failLostCalls } from '../monitor/lost-calls.js';
import { StorageMonitor } from '../monitor/storage-monitor.js';
import type { CallEvent } from '../plugin/compute-backend.js';
import type { MonitorBackend, MonitorBackendDefinition } from '../plugin/define.js';
import { loadBackendDefinition } from '../plugin/loader.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import type { Logger } from '../util/logger.js';

/** How the executor learns call status for backends that report none themselves. */
export interface JobMonitor {
  /** Watches a job; a call that started and is silent past `lostAfterSec` fails with WORKER_LOST. */
  watch(jobKey: string, callIds: readonly string[], lostAfterSec: number): void;
  /** Stops watching calls that ended without a worker (cancelled before they started). */
  forget(jobKey: string, callIds: readonly string[]): void;
  close(): void;
}

interface Watched {
  lostAfterSec: number;
  /** Calls not final yet; value: when their `init` event arrived (0 = not yet). */
  pending: Map<string, number>;
}

/**
 * Feeds the futures from a monitor backend's event stream (RabbitMQ...), with the same
 * WORKER_LOST rule as storage monitoring: timed from the call's `init` event, so a queued call
 * is never lost.
 */
export class EventMonitor implements JobMonitor {
  private readonly jobs = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  readonly stats = { events: 0 };

  constructor(
    private readonly backend: MonitorBackend,
    private readonly onEvent: (e: CallEvent) => void,
    private readonly intervalSec: number,
  ) {}

  handle(e: CallEvent): void {
    this.stats.events++;
    const j = this.jobs.get(e.jobKey);
    if (!j) return;
    if (e.type === 'init') {
      if (j.pending.get(e.callId) !== 0) return;
      j.pending.set(e.callId, Date.now());
    } else {
      if (!j.pending.has(e.status.callId)) return;
      j.pending.delete(e.status.callId);
      if (j.pending.size === 0) this.jobs.delete(e.jobKey);
    }
    this.onEvent(e);
  }

  watch(jobKey: string, callIds: readonly string[], lostAfterSec: number): void {
    this.jobs.set(jobKey, { lostAfterSec, pending: new Map(callIds.map((c) => [c, 0])) });
    // Ref'd while jobs are pending: a script awaiting results must not exit.
    this.timer ??= setInterval(() => this.checkLost(), Math.max(100, this.intervalSec * 1000));
  }

  forget(jobKey: string, callIds: readonly string[]): void {
    const j = this.jobs.get(jobKey);
    if (!j) return;
    for (const c of callIds) j.pending.delete(c);
    if (j.pending.size === 0) this.jobs.delete(jobKey);
  }

  private checkLost(): void {
    const now = Date.now();
    for (const [jobKey, j] of this.jobs) {
      failLostCalls(jobKey, j.pending, j.lostAfterSec, this.onEvent, now);
      if (j.pending.size === 0) this.jobs.delete(jobKey);
    }
    if (this.jobs.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.jobs.clear();
    Promise.resolve(this.backend[Symbol.asyncDispose]()).catch(() => {});
  }
}

export interface JobMonitorOptions {
  storage: StorageBackend;
  executorId: string;
  onEvent: (e: CallEvent) => void;
  log: Logger;
}

/** Loads a monitor backend's definition by config name (`rabbitmq`) or module specifier. */
export function loadMonitorDefinition(name: string, dir: string): Promise<MonitorBackendDefinition<unknown>> {
  return loadBackendDefinition('monitor', name, dir);
}

/** The monitor `lithops.monitoring` names: `storage` (polling, the default) or a monitor backend. */
export async function createJobMonitor(cfg: LoadedConfig, o: JobMonitorOptions): Promise<JobMonitor> {
  const name = cfg.lithops.monitoring;
  if (name === 'storage') {
    return new StorageMonitor({
      storage: o.storage,
      prefix: cfg.lithops.jobs_prefix,
      intervalSec: cfg.lithops.monitoring_interval,
      onEvent: o.onEvent,
      log: o.log,
    });
  }
  const def = await loadMonitorDefinition(name, cfg.dir);
  const section = parseConfig(def.configSchema, cfg.raw[def.name], {
    source: cfg.source,
    section: def.name,
    backend: def.name,
  });
  const backend = await def.create(section, { config: cfg.raw, configDir: cfg.dir, log: o.log });
  const monitor = new EventMonitor(backend, o.onEvent, cfg.lithops.monitoring_interval);
  try {
    await backend.subscribe(o.executorId, (e) => monitor.handle(e));
  } catch (e) {
    monitor.close();
    throw e;
  }
  return monitor;
}
