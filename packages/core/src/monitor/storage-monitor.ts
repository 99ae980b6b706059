import type { CallEvent } from '../plugin/compute-backend.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import type { Logger } from '../util/logger.js';
import { keys } from '../worker/keys.js';
import { statusFromJson } from '../worker/status-codec.js';
import { failLostCalls } from './lost-calls.js';

interface Watched {
  jobKey: string;
  lostAfterSec: number;
  /** Calls not final yet, by call id; value: when their `init` mark was seen (0 = not yet). */
  pending: Map<string, number>;
}

export interface StorageMonitorOptions {
  storage: StorageBackend;
  prefix: string;
  intervalSec: number;
  onEvent: (e: CallEvent) => void;
  log: Logger;
}

/**
 * Learns call status by listing each job's folder once per interval (one list per job per poll,
 * not one request per call), then reading only the new `status.json` objects.
 */
export class StorageMonitor {
  private jobs = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  /** Polls made, and list requests sent: for the cost figures in the docs. */
  readonly stats = { polls: 0, lists: 0, reads: 0 };

  constructor(private readonly o: StorageMonitorOptions) {}

  /** Watches a job; a call that started and is silent past `lostAfterSec` fails with WORKER_LOST. */
  watch(jobKey: string, callIds: readonly string[], lostAfterSec: number): void {
    this.jobs.set(jobKey, { jobKey, lostAfterSec, pending: new Map(callIds.map((c) => [c, 0])) });
    this.schedule();
  }

  /** Stops watching calls that ended without a worker (cancelled before they started). */
  forget(jobKey: string, callIds: readonly string[]): void {
    const j = this.jobs.get(jobKey);
    if (!j) return;
    for (const c of callIds) j.pending.delete(c);
    if (j.pending.size === 0) this.jobs.delete(jobKey);
  }

  private schedule(): void {
    if (this.timer || this.jobs.size === 0) return;
    // Ref'd while jobs are pending: a script awaiting results must not exit.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll().finally(() => this.schedule());
    }, this.o.intervalSec * 1000);
  }

  /** One round: list every watched job folder and read new statuses. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    this.stats.polls++;
    try {
      await Promise.all([...this.jobs.values()].map((j) => this.pollJob(j)));
    } finally {
      this.polling = false;
    }
  }

  private async pollJob(j: Watched): Promise<void> {
    const { storage, prefix } = this.o;
    const folder = keys.jobFolder(prefix, j.jobKey);
    const statuses: string[] = [];
    const inits: string[] = [];
    this.stats.lists++;
    try {
      for await (const e of storage.listObjects(storage.bucket, { prefix: folder })) {
        if (e.type !== 'object') continue;
        const rest = e.key.slice(folder.length);
        const slash = rest.indexOf('/');
        if (slash < 0) continue;
        const callId = rest.slice(0, slash);
        const file = rest.slice(slash + 1);
        if (!j.pending.has(callId)) continue;
        if (file === 'status.json') statuses.push(callId);
        else if (file === 'init' && j.pending.get(callId) === 0) inits.push(callId);
      }
    } catch (e) {
      this.o.log.warn(`status poll of ${j.jobKey} failed (will retry): ${(e as Error).message}`);
      return;
    }
    const now = Date.now();
    for (const callId of inits) {
      if (statuses.includes(callId)) continue;
      j.pending.set(callId, now);
      this.o.onEvent({ type: 'init', jobKey: j.jobKey, callId, workerId: 'unknown', at: now });
    }
    await Promise.all(
      statuses.map(async (callId) => {
        this.stats.reads++;
        try {
          const bytes = await storage.getObject(storage.bucket, keys.status(prefix, j.jobKey, callId));
          j.pending.delete(callId);
          this.o.onEvent({
            type: 'status',
            jobKey: j.jobKey,
            status: statusFromJson(Buffer.from(bytes).toString('utf8')),
          });
        } catch (e) {
          this.o.log.warn(
            `reading the status of ${j.jobKey}/${callId} failed (will retry): ${(e as Error).message}`,
          );
        }
      }),
    );
    if (statuses.length > 0 || inits.length > 0)
      this.o.log.debug(
        `monitor: ${j.jobKey}: ${inits.length} started, ${statuses.length} done, ${j.pending.size} pending`,
      );
    // A call that started and went silent past its bound is lost, not pending forever.
    failLostCalls(j.jobKey, j.pending, j.lostAfterSec, this.o.onEvent, now);
    if (j.pending.size === 0) this.jobs.delete(j.jobKey);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.jobs.clear();
  }
}
