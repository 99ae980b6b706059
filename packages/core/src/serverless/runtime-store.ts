import { LithopsError } from '../errors.js';
import type { RuntimeInfo } from '../plugin/compute-backend.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { keys } from '../worker/keys.js';

/** What a deployed runtime's metadata object holds (never env values: those are secrets). */
export interface RuntimeRecord extends RuntimeInfo {
  backend: string;
  nodeMajor: number;
  codeSha256: string;
  deployedAt: string;
}

export interface DeployCachedOptions {
  record: Omit<RuntimeRecord, 'deployedAt' | 'meta'>;
  /** Creates or updates the deployment; returns backend data kept in `meta`. */
  deploy: () => Promise<Record<string, unknown>>;
  /** Whether a recorded deployment still exists on the platform (it may have been deleted). */
  exists: (record: RuntimeRecord) => Promise<boolean>;
}

/**
 * Runtime metadata under `lithops.runtimes/<backend>/<key>.json` in the job storage: deploys are
 * idempotent (a recorded key that still exists is not deployed again) and cached per process.
 */
export class RuntimeStore {
  private readonly memo = new Map<string, Promise<RuntimeRecord>>();
  private readonly folder: string;

  constructor(
    private readonly storage: StorageBackend,
    private readonly backend: string,
  ) {
    this.folder = keys.runtimeMeta(backend, '').replace(/\.json$/, '');
  }

  async get(key: string): Promise<RuntimeRecord | undefined> {
    try {
      const bytes = await this.storage.getObject(this.storage.bucket, keys.runtimeMeta(this.backend, key));
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as RuntimeRecord;
    } catch (e) {
      if (LithopsError.is(e, 'NOT_FOUND')) return undefined;
      throw e;
    }
  }

  async put(record: RuntimeRecord): Promise<void> {
    await this.storage.putObject(
      this.storage.bucket,
      keys.runtimeMeta(this.backend, record.key),
      Buffer.from(JSON.stringify(record, null, 2)),
    );
  }

  async list(): Promise<RuntimeRecord[]> {
    const found: string[] = [];
    for await (const e of this.storage.listObjects(this.storage.bucket, { prefix: this.folder }))
      if (e.type === 'object' && e.key.endsWith('.json')) found.push(e.key);
    const records = await Promise.all(
      found.map((k) => this.get(k.slice(this.folder.length, -'.json'.length)).catch(() => undefined)),
    );
    return records.filter((r): r is RuntimeRecord => r !== undefined);
  }

  async delete(key: string): Promise<void> {
    this.memo.delete(key);
    await this.storage.deleteObjects(this.storage.bucket, [keys.runtimeMeta(this.backend, key)]);
  }

  /** Deploys unless the key is recorded and still exists; concurrent callers share one deploy. */
  deploy(o: DeployCachedOptions): Promise<RuntimeRecord> {
    const key = o.record.key;
    let p = this.memo.get(key);
    if (!p) {
      p = (async () => {
        const known = await this.get(key);
        if (known && (await o.exists(known))) return known;
        const meta = await o.deploy();
        const record: RuntimeRecord = { ...o.record, meta, deployedAt: new Date().toISOString() };
        await this.put(record);
        return record;
      })();
      this.memo.set(key, p);
      p.catch(() => this.memo.delete(key));
    }
    return p;
  }
}
