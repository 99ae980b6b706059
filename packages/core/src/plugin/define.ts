import type { ZodType, ZodTypeDef } from 'zod/v3';
import type { Logger } from '../util/logger.js';
import type { ComputeBackend } from './compute-backend.js';
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

export type BackendDefinition = ComputeBackendDefinition<never> | StorageBackendDefinition<never>;

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
