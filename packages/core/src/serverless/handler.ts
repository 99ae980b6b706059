import { randomBytes } from 'node:crypto';
import { parseConfig } from '../config/zod-error.js';
import { LithopsError } from '../errors.js';
import type { InvocationPayload, RuntimeInfo } from '../plugin/compute-backend.js';
import type { BackendContext } from '../plugin/define.js';
import { createLogger } from '../util/logger.js';
import { createWorkerEnv, STORAGE_CONFIG_ENV } from '../worker/environment.js';
import { failAll, runInvocation, type WorkerEnv } from '../worker/run-invocation.js';
import { fanOutSink } from '../worker/storage-sink.js';
import { forEachPooled, InvocationSender, type InvokeTarget } from './invocation-sender.js';
import { loadMonitorDefinition } from './job-monitor.js';
import { callRefs, isRemoteInvokerPayload, type RemoteInvokerPayload, resolvePayload } from './payload.js';

export interface ServerlessHandlerOptions {
  /** Names the worker in statuses; default `<prefix>-<pid>-<random>` per sandbox. */
  workerIdPrefix?: string;
  /**
   * How a worker sends invocations itself (the remote invoker): the platform's invoke API with
   * the function's own credentials. Without it, remote-invoker payloads fail their calls.
   */
  invokeTarget?: (runtime: RuntimeInfo) => InvokeTarget;
  /** The platform's payload limit, for invocations the remote invoker sends. */
  maxPayloadBytes?: number;
  /** Heap limit of the calls at most, in MB (the function's memory less the host's share). */
  maxCallMemoryMb?: () => number | undefined;
}

export interface HandlerResult {
  /** Calls this invocation ran, or invocations it sent (remote invoker). */
  calls: number;
  invoked?: number;
}

/** The monitor's worker-side sink (RabbitMQ...), when `lithops.monitoring` names one. */
async function withMonitorSink(env: WorkerEnv): Promise<WorkerEnv> {
  const text = process.env[STORAGE_CONFIG_ENV];
  const raw = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const name = (raw.lithops as { monitoring?: string } | undefined)?.monitoring ?? 'storage';
  if (name === 'storage') return env;
  const def = await loadMonitorDefinition(name, process.cwd());
  const ctx: BackendContext = {
    config: raw,
    configDir: process.cwd(),
    log: createLogger('WARNING'),
  };
  const section = parseConfig(def.configSchema, raw[def.name], {
    source: STORAGE_CONFIG_ENV,
    section: def.name,
    backend: def.name,
  });
  const sink = await def.createSink(section, ctx);
  return { ...env, sink: fanOutSink(env.sink, sink) };
}

/**
 * The body of every serverless backend's handler: one worker environment per sandbox (warm call
 * threads, storage, monitor sink), then per event a stored payload is fetched, a remote-invoker
 * payload fans out the job's invocations, and any other payload runs its calls.
 */
export function createServerlessHandler(
  o: ServerlessHandlerOptions = {},
): (event: InvocationPayload) => Promise<HandlerResult> {
  let envP: Promise<WorkerEnv> | undefined;
  const workerId = `${o.workerIdPrefix ?? 'worker'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const environment = () => {
    envP ??= createWorkerEnv({ workerId }).then(withMonitorSink);
    envP.catch(() => {
      envP = undefined;
    });
    return envP;
  };
  return async (event) => {
    const env = await environment();
    let p = event;
    try {
      p = await resolvePayload(event, env.storage);
    } catch (e) {
      // runInvocation reports the calls of a reference it cannot read.
      await runInvocation(event, env);
      throw e;
    }
    if (isRemoteInvokerPayload(p) && o.invokeTarget) {
      return { calls: 0, invoked: await remoteInvoke(p, env, o.invokeTarget, o.maxPayloadBytes) };
    }
    const cap = o.maxCallMemoryMb?.();
    if (cap !== undefined && (p.memoryMb === undefined || p.memoryMb > cap)) p = { ...p, memoryMb: cap };
    await runInvocation(p, env);
    return { calls: p.calls.length };
  };
}

/** The remote invoker, inside the cloud: sends every invocation of the job. */
async function remoteInvoke(
  p: RemoteInvokerPayload,
  env: WorkerEnv,
  target: (runtime: RuntimeInfo) => InvokeTarget,
  maxPayloadBytes = 256 * 1024,
): Promise<number> {
  const { remoteInvoker: r, calls: _calls, ...base } = p;
  const count = r.offsets.length - 1;
  const sender = new InvocationSender(target(r.runtime), {
    runtime: r.runtime,
    storage: env.storage,
    base,
    offsets: r.offsets,
    count,
    chunksize: r.chunksize,
    maxPayloadBytes,
  });
  await forEachPooled(sender.invocations, r.poolSize, async (i) => {
    try {
      await sender.send(i);
    } catch (e) {
      // The client is not waiting on this request: report the calls as failed, or they would hang.
      const [from, to] = sender.range(i);
      const err =
        LithopsError.isInstance(e) || !(e instanceof Error)
          ? e
          : new LithopsError('INTERNAL', `The remote invoker could not invoke the call: ${e.message}`, {
              backend: 'worker',
              cause: e,
            });
      await failAll({ ...base, calls: callRefs(r.offsets, from, to) }, env, err);
    }
  });
  return sender.invocations;
}
