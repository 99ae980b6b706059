import type { ZodType, ZodTypeDef } from 'zod/v3';
import type { Logger } from '../util/logger.js';
import type { StatusSink } from '../worker/status-sink.js';
import type { CallEvent, ComputeBackend } from './compute-backend.js';
import type { StorageBackend } from './storage-backend.js';

/** Version of the plugin contract. A definition with another `specVersion` is refused. */
export const SPEC_VERSION = 1 as const;

/** What a backend's `create` receives besides its own config section. */
export interface BackendContext {
  /** The whole validated config (other sections, e.g. `aws:` credentials for `aws_s3`). */
  config: Readonly<Record<string, unknown>>;
  /** Folder of the config file, for resolving relative paths; cwd when there is none. */
  configDir: string;
  log: Logger;
}

export interface ComputeBackendContext extends BackendContext {
  /** The job storage, already created. */
  storage: StorageBackend;
}

interface DefinitionBase<C> {
  /** Config name (snake_case, as in Lithops configs), also the name of its config section. */
  name: string;
  specVersion: typeof SPEC_VERSION;
  /** Validates the `<name>:` section; defaults live here. */
  configSchema: ZodType<C, ZodTypeDef, unknown>;
}

export interface ComputeBackendDefinition<C = unknown> extends DefinitionBase<C> {
  kind: 'compute';
  mode: 'localhost' | 'serverless' | 'standalone';
  create(config: C, ctx: ComputeBackendContext): ComputeBackend | Promise<ComputeBackend>;
}

export interface StorageBackendDefinition<C = unknown> extends DefinitionBase<C> {
  kind: 'storage';
  create(config: C, ctx: BackendContext): StorageBackend | Promise<StorageBackend>;
}

export type BackendDefinition =
  | ComputeBackendDefinition<never>
  | StorageBackendDefinition<never>
  | MonitorBackendDefinition<never>;

export function defineComputeBackend<C>(
  def: Omit<ComputeBackendDefinition<C>, 'kind' | 'specVersion'> & { specVersion?: typeof SPEC_VERSION },
): ComputeBackendDefinition<C> {
  return { ...def, kind: 'compute', specVersion: SPEC_VERSION };
}

export function defineStorageBackend<C>(
  def: Omit<StorageBackendDefinition<C>, 'kind' | 'specVersion'> & { specVersion?: typeof SPEC_VERSION },
): StorageBackendDefinition<C> {
  return { ...def, kind: 'storage', specVersion: SPEC_VERSION };
}

/** A channel that carries call events from workers to the client (`monitoring: rabbitmq`). */
export interface MonitorBackend extends AsyncDisposable {
  /** Starts delivering the call events of one executor's jobs (e.g. declares its queue). */
  subscribe(executorId: string, onEvent: (event: CallEvent) => void): Promise<void>;
}

/** The worker side of a monitor: publishes call events; closed when the worker ends. */
export interface MonitorSink extends StatusSink {
  close?(): Promise<void>;
}

/**
 * A monitoring backend: `create` runs on the client, `createSink` in workers (bundled into the
 * serverless runtime, configured from the deploy-time env). Both feed the executor's futures.
 */
export interface MonitorBackendDefinition<C = unknown> extends DefinitionBase<C> {
  kind: 'monitor';
  create(config: C, ctx: BackendContext): MonitorBackend | Promise<MonitorBackend>;
  createSink(config: C, ctx: BackendContext): MonitorSink | Promise<MonitorSink>;
}

export function defineMonitorBackend<C>(
  def: Omit<MonitorBackendDefinition<C>, 'kind' | 'specVersion'> & { specVersion?: typeof SPEC_VERSION },
): MonitorBackendDefinition<C> {
  return { ...def, kind: 'monitor', specVersion: SPEC_VERSION };
}
