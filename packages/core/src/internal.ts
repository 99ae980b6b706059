/**
 * Shared parts of the `@lithops/*` backend packages of this repository (the AWS config section,
 * the S3-compatible base, the serverless invoker, runtime builds, zips). Not part of the plugin
 * contract: no promise is made to other packages, and any release may change it. Third-party
 * backends use `@lithops/core/plugin`.
 * @packageDocumentation
 */
export { type AwsClientSettings, awsClientSettings } from './config/aws-section.js';
export { type ServerlessSettings, serverlessSectionShape } from './serverless/config.js';
export { InvocationSender, type InvokeTarget, isThrottle } from './serverless/invocation-sender.js';
export { EventMonitor, type JobMonitor } from './serverless/job-monitor.js';
export {
  buildRuntime,
  envHash,
  type RuntimeArtifact,
  type RuntimeBuildOptions,
} from './serverless/runtime-builder.js';
export { type DeployCachedOptions, type RuntimeRecord, RuntimeStore } from './serverless/runtime-store.js';
export { type WorkerConfig, workerConfig } from './serverless/worker-config.js';
export { type ZipEntry, zipFiles } from './serverless/zip.js';
export { deleteEach } from './storage/delete-each.js';
export { type ObjectFacts, objectInfo, objectMeta } from './storage/object-info.js';
export {
  S3CompatibleBackend,
  type S3CompatibleOptions,
  type S3DeleteOutput,
  type S3HeadOutput,
  type S3ListOutput,
  type S3Protocol,
} from './storage/s3-compatible.js';
export { uploadTimeoutMs } from './storage/upload-timeout.js';
