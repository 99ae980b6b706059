/**
 * The Lambda handler of every runtime (prebuilt into dist/runtime/handler.js when the package
 * builds): core's serverless handler, with the Lambda client the remote invoker sends with.
 */
import { createServerlessHandler } from '@lithops/core/worker';
import { lambdaClient } from './client.js';
import { LAMBDA_EVENT_PAYLOAD_BYTES } from './config.js';
import { LambdaEventInvoker, metaOf } from './invoke.js';

/** Memory the host process keeps for itself (runtime, SDKs, buffers), out of the function's. */
const HOST_RESERVE_MB = 96;

/** One invoker per region and endpoint, kept warm across the sandbox's events. */
const invokers = new Map<string, LambdaEventInvoker>();

export const handler = createServerlessHandler({
  workerIdPrefix: `lambda-${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local'}`,
  maxPayloadBytes: LAMBDA_EVENT_PAYLOAD_BYTES,
  // Credentials come from the function's role (the platform's env vars), never from a payload.
  invokeTarget: (runtime) => {
    const meta = metaOf(runtime);
    const region = meta.region ?? process.env.AWS_REGION ?? 'us-east-1';
    const key = `${region} ${meta.endpoint ?? ''}`;
    let invoker = invokers.get(key);
    if (!invoker) {
      invoker = new LambdaEventInvoker(lambdaClient({ region, endpoint: meta.endpoint }));
      invokers.set(key, invoker);
    }
    return invoker;
  },
  maxCallMemoryMb: () => {
    const mb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
    return Number.isFinite(mb) && mb > 0 ? Math.max(32, mb - HOST_RESERVE_MB) : undefined;
  },
});
