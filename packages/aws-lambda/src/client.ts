import { LambdaClient } from '@aws-sdk/client-lambda';

export interface LambdaClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * The SDK client of a backend: deploy, list and delete go through it, and Event invocations
 * (LambdaEventInvoker) take its credentials, region, endpoint and signer. One attempt per send:
 * throttling is retried by core's invoker (withRetries), so an invocation is never resent behind
 * its back.
 */
export function lambdaClient(o: LambdaClientOptions): LambdaClient {
  return new LambdaClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    maxAttempts: 1,
  });
}
