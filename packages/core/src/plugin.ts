/**
 * The plugin contract: everything a backend author needs, and nothing else
 * (`import { defineStorageBackend, z } from '@lithops/core/plugin'`). See docs/authoring-a-backend.md.
 * @packageDocumentation
 */
export { z } from 'zod/v3';
export { parseConfig } from './config/zod-error.js';
export { LithopsError, type LithopsErrorCode, type LithopsErrorOptions } from './errors.js';
export type {
  BackendLimits,
  CallEvent,
  CallRef,
  ComputeBackend,
  InvocationPayload,
  RuntimeInfo,
  RuntimeSpec,
} from './plugin/compute-backend.js';
export {
  type BackendContext,
  type ComputeBackendContext,
  type ComputeBackendDefinition,
  defineComputeBackend,
  defineMonitorBackend,
  defineStorageBackend,
  type MonitorBackend,
  type MonitorBackendDefinition,
  type MonitorSink,
  type SpecVersion,
  type StorageBackendDefinition,
} from './plugin/define.js';
export type {
  ByteRange,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectMeta,
  PrefixInfo,
  StorageBackend,
} from './plugin/storage-backend.js';
export { callEventFromJson, callEventToJson, executorIdOf } from './serverless/call-event-codec.js';
export { type CircuitBreakerOptions, isConnectionFailure } from './storage/circuit-breaker.js';
export { callTuning, connectionTimeoutKeys, requestTuningKeys, retryKeys } from './storage/config-keys.js';
export {
  classifyStorageError,
  type StorageCallContext,
  type StorageFailure,
  storageError,
} from './storage/errors.js';
export { readGuarded, TruncatedBodyError } from './storage/guarded-body.js';
export { compareKeys, listPages, mergeListPage } from './storage/listing.js';
export {
  type PartUploader,
  readParts,
  type UploadInPartsOptions,
  uploadInParts,
} from './storage/parts.js';
export { rangeHeader, rangeLength } from './storage/ranges.js';
export { type OpenedBody, type ResumableReadOptions, resumableRead } from './storage/resumable-read.js';
export { StorageCalls, type StorageCallsOptions, type StorageOp } from './storage/storage-calls.js';
export { takeBytes } from './storage/streams.js';
export type { Logger } from './util/logger.js';
export { backoffDelay, isTransientError, type RetryOptions, withRetries } from './util/retry.js';
export type { CallStatus, CallTimings, RemoteErrorData } from './worker/status.js';
export type { StatusSink } from './worker/status-sink.js';
