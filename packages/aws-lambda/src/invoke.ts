import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { InvocationPayload, InvokeTarget, RuntimeInfo } from '@lithops/core/plugin';
import { lambdaError } from './errors.js';

/** What a deployed runtime's `meta` holds: enough to invoke it from anywhere (no secrets). */
export interface LambdaRuntimeMeta {
  functionName: string;
  arn: string;
  region: string;
  endpoint?: string;
}

export function metaOf(runtime: RuntimeInfo): LambdaRuntimeMeta {
  return runtime.meta as unknown as LambdaRuntimeMeta;
}

/**
 * Sends invocations as `Event` (asynchronous): Lambda queues them and answers 202 at once. Used
 * by the client and by the remote invoker inside a function.
 */
export function lambdaInvokeTarget(client: LambdaClient): InvokeTarget {
  return {
    name: 'aws_lambda',
    async invoke(runtime: RuntimeInfo, payload: InvocationPayload) {
      try {
        const out = await client.send(
          new InvokeCommand({
            FunctionName: metaOf(runtime).functionName,
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify(payload)),
          }),
        );
        return { activationId: out.$metadata.requestId ?? '' };
      } catch (e) {
        throw lambdaError(e, `Invoking ${metaOf(runtime).functionName}`);
      }
    },
  };
}
