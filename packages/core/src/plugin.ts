/**
 * Everything a backend author needs: `import { defineStorageBackend, z } from '@lithops/core/plugin'`.
 * @packageDocumentation
 */
export { z } from 'zod/v3';
export { type AwsClientSettings, awsClientSettings } from './config/aws-section.js';
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
export { createComputeBackend } from './serverless/compute.js';
export { type ServerlessSettings, serverlessSectionShape } from './serverless/config.js';
export { InvocationSender, type InvokeTarget, isThrottle } from './serverless/invocation-sender.js';
export { EventMonitor, type JobMonitor } from './serverless/job-monitor.js';
export { type PayloadRef, type RemoteInvokerPayload, resolvePayload } from './serverless/payload.js';
export {
  buildRuntime,
  envHash,
  RUNTIME_HANDLER,
  type RuntimeArtifact,
  type RuntimeBuildOptions,
  runtimeKey,
} from './serverless/runtime-builder.js';
export { type DeployCachedOptions, type RuntimeRecord, RuntimeStore } from './serverless/runtime-store.js';
export { type WorkerConfig, workerConfig } from './serverless/worker-config.js';
export { type ZipEntry, zipFiles } from './serverless/zip.js';
export { connectionTimeoutKeys, requestTuningKeys, retryKeys } from './storage/config-keys.js';
export { deleteEach } from './storage/delete-each.js';
export {
  classifyStorageError,
  type StorageCallContext,
  type StorageFailure,
  storageError,
} from './storage/errors.js';
export { readGuarded, TruncatedBodyError } from './storage/guarded-body.js';
export { compareKeys, listPages, mergeListPage } from './storage/listing.js';
export { type ObjectFacts, objectInfo, objectMeta } from './storage/object-info.js';
export {
  DEFAULT_PART_SIZE,
  type PartUploader,
  readParts,
  type UploadInPartsOptions,
  uploadInParts,
} from './storage/parts.js';
export { rangeHeader, rangeLength } from './storage/ranges.js';
export { type OpenedBody, type ResumableReadOptions, resumableRead } from './storage/resumable-read.js';
export type { S3DeleteOutput, S3HeadOutput, S3ListOutput } from './storage/s3-compatible.js';
export { S3CompatibleBackend, type S3CompatibleOptions, type S3Protocol } from './storage/s3-compatible.js';
export { StorageCalls, type StorageCallsOptions, type StorageOp } from './storage/storage-calls.js';
export { takeBytes } from './storage/streams.js';
export type { Logger } from './util/logger.js';
export { backoffDelay, isTransientError, type RetryOptions, withRetries } from './util/retry.js';
export type { CallStatus, CallTimings, RemoteErrorData } from './worker/status.js';
export type { StatusSink } from './worker/status-sink.js';
