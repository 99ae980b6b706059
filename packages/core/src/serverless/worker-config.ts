import { type LithopsSection, lithopsSectionSchema } from '../config/lithops-section.js';
import { STORAGE_CONFIG_ENV } from '../worker/environment.js';

/** The config sections a worker needs (job storage, monitor), given to it at deploy time. */
export interface WorkerConfig {
  /** Sections as they travel in the env var. */
  raw: Record<string, unknown>;
  /** Backends the runtime must bundle (storage, monitor). */
  backends: string[];
  /** Env vars to set on the deployed function; they hold secrets: deploy only, never log. */
  env: Record<string, string>;
}

/** `aws_s3` → `aws`: the shared section of a provider (credentials, region), as in Lithops. */
function familyOf(name: string): string | undefined {
  const i = name.indexOf('_');
  return i > 0 ? name.slice(0, i) : undefined;
}

/**
 * Picks what workers need from the client's config: the storage backend's section (and its
 * provider's, e.g. `aws:` for `aws_s3`), the monitor's, and the `lithops:` keys they read.
 * The result goes into the platform's env vars at deploy time, never into payloads.
 */
export function workerConfig(raw: Readonly<Record<string, unknown>>): WorkerConfig {
  const l: LithopsSection = lithopsSectionSchema.parse(raw.lithops ?? {});
  const out: Record<string, unknown> = {
    lithops: {
      storage: l.storage,
      monitoring: l.monitoring,
      jobs_prefix: l.jobs_prefix,
      log_level: l.log_level,
    },
  };
  const backends = [l.storage];
  if (l.monitoring !== 'storage') backends.push(l.monitoring);
  for (const name of backends) {
    for (const section of [name, familyOf(name)]) {
      if (section && raw[section] !== undefined && section !== 'lithops') out[section] = raw[section];
    }
  }
  return { raw: out, backends, env: { [STORAGE_CONFIG_ENV]: JSON.stringify(out) } };
}
