/**
 * The worker runtime every backend's handler uses: `createWorkerEnv()` once per container or
 * process, then `runInvocation(payload, env)` per invocation.
 * @packageDocumentation
 */

export { registerEmbeddedBackend } from '../plugin/loader.js';
export {
  createServerlessHandler,
  type HandlerResult,
  type ServerlessHandlerOptions,
} from '../serverless/handler.js';
export type { InvokeTarget } from '../serverless/invocation-sender.js';
export { CallThreads } from './call-threads.js';
export {
  CALL_THREAD_SCRIPT,
  createWorkerEnv,
  STORAGE_CONFIG_ENV,
  type WorkerEnvOptions,
} from './environment.js';
export { keys } from './keys.js';
export { runInvocation, type WorkerEnv } from './run-invocation.js';
export type { CallStatus, CallTimings, RemoteErrorData } from './status.js';
export { statusFromJson, statusToJson } from './status-codec.js';
export type { StatusSink } from './status-sink.js';
export { fanOutSink, storageSink } from './storage-sink.js';
