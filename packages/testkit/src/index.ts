export {
  AZURITE_ACCOUNT_KEY,
  AZURITE_ACCOUNT_NAME,
  type Azurite,
  type AzuriteOptions,
  startAzurite,
} from './azurite.js';
export { testBackendContext } from './backend-context.js';
export { type ChaosProxy, type ChaosProxyOptions, type ChaosStats, startChaosProxy } from './chaos-proxy.js';
export {
  type ComputeBackendFixture,
  type ComputePlatform,
  type ComputeSuiteOptions,
  describeComputeBackend,
  type PlatformRun,
} from './compute-suite.js';
export * as jobs from './compute-suite-jobs.js';
export { lithopsFailure, readAll, sha256 } from './failures.js';
export { Crc32c, type FakeGcs, type FakeGcsOptions, startFakeGcs } from './fake-gcs.js';
export { nodeBinary } from './fake-lambda/node-binary.js';
export { type FakeLambda, type FakeLambdaStartOptions, startFakeLambda } from './fake-lambda/server.js';
export type { FakeLambdaCall, FakeLambdaRun } from './fake-lambda/service.js';
export { canConnect, freePort, waitForPort } from './ports.js';
export { ensureRedis, type RedisHandle } from './redis.js';
export { type S3rverHandle, startS3rver } from './s3rver.js';
export { runScriptWithoutClose, type ScriptRun } from './script-exit.js';
export {
  describeStorageErrors,
  type FailingCalls,
  type StorageErrorsFixture,
  type StorageErrorsOptions,
} from './storage-errors.js';
export { describeLiveStorage, type LiveSwitch, liveSwitch } from './storage-live.js';
export {
  describeStorageResilience,
  type StorageResilienceFixture,
  type StorageResilienceOptions,
} from './storage-resilience.js';
export {
  describeStorageBackend,
  type StorageBackendFixture,
  type StorageSuiteOptions,
} from './storage-suite.js';
export {
  describeExecutorOnStorage,
  describeStorageLoading,
  type StorageConfigFixture,
} from './storage-wiring.js';
export { until } from './until.js';
