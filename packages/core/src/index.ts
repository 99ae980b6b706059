import './storage/embedded.js';
import './localhost/embedded.js';

export { type ConfigOptions, type LoadedConfig, loadConfig, type RawConfig } from './config/load.js';
export type { DataInput, MapReduceOptions, ReduceFuture, ReduceFuturesList } from './data/map-reduce.js';
export type { ObjectChunk } from './data/object-chunk.js';
export { ObjectsInput, type ObjectsLocation, objects } from './data/objects.js';
export type { DataOptions } from './data/options.js';
export {
  FunctionExecutor,
  LocalhostExecutor,
  ServerlessExecutor,
  StandaloneExecutor,
} from './executor/function-executor.js';
export {
  ALL_COMPLETED,
  ALWAYS,
  ANY_COMPLETED,
  type CallOptions,
  type ExecutorOptions,
  type LithopsFunction,
  type MapOptions,
  type WaitOptions,
} from './executor/options.js';
export type { Iterdata } from './job/call-data.js';
export { type CallStats, FuturesList, ResponseFuture } from './job/future.js';
export { FutureState, type FutureStateName } from './job/job-state.js';
export * from './plugin.js';
export { createComputeBackend } from './serverless/compute.js';
export { CloudObject } from './storage/cloud-object.js';
export { createStorageBackend } from './storage/create.js';
export { LocalhostStorageBackend } from './storage/localhost-backend.js';
export {
  type FileLocation,
  formatLocation,
  type HttpLocation,
  type Location,
  type ObjectLocation,
  type ParseLocationOptions,
  parseLocation,
  SCHEME_BACKENDS,
} from './storage/location.js';
export { type GetObjectOptions, Storage, type StorageOptions } from './storage/storage.js';
export type { CallContext } from './worker/context.js';
