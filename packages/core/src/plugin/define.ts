import type { ZodType, ZodTypeDef } from 'zod/v3';
import type { Logger } from '../util/logger.js';
import type { StatusSink } from '../worker/status-sink.js';
import type { CallEvent, ComputeBackend } from './compute-backend.js';
import type { StorageBackend } from './storage-backend.js';

/**
 * Version of the plugin contract this core implements. A definition carries the version it was
 * built for (`specVersion`, a literal in the backend's own source) and the loader refuses another.
 */
export const SPEC_VERSION = 1 as const;

/**
 * The plugin-spec version of the `@lithops/core` a backend compiles against, as a type: the
 * `specVersion` of a definition must be this number, so a backend written for another version
 * fails to compile against this core.
 */
export type SpecVersion = typeof SPEC_VERSION;

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
  /**
   * The plugin-spec version the package is built for, written as a number (`specVersion: 1`) so
   * it is fixed when the package builds. Never the running core's value (an imported constant
   * would be the one of whatever core loads the package).
   */
  specVersion: SpecVersion;
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

/** A compute backend's definition: `export default defineComputeBackend({ name, specVersion: 1, mode, ... })`. */
export function defineComputeBackend<C>(
  def: Omit<ComputeBackendDefinition<C>, 'kind'>,
): ComputeBackendDefinition<C> {
  return { ...def, kind: 'compute' };
}

/** A storage backend's definition: `export default defineStorageBackend({ name, specVersion: 1, ... })`. */
export function defineStorageBackend<C>(
  def: Omit<StorageBackendDefinition<C>, 'kind'>,
): StorageBackendDefinition<C> {
  return { ...def, kind: 'storage' };
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

/** A monitoring backend's definition: `export default defineMonitorBackend({ name, specVersion: 1, ... })`. */
export function defineMonitorBackend<C>(
  def: Omit<MonitorBackendDefinition<C>, 'kind'>,
): MonitorBackendDefinition<C> {
  return { ...def, kind: 'monitor' };
}
