import { Agent as HttpAgent } from 'node:http';
import { Agent } from 'node:https';
import { LambdaClient } from '@aws-sdk/client-lambda';

export interface LambdaClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Sockets kept open: as many as invoke requests in flight. */
  maxSockets?: number;
}

/**
 * A Lambda client that makes one attempt per send: throttling is retried by core's invoker
 * (withRetries), so an invocation is never resent behind its back.
 */
export function lambdaClient(o: LambdaClientOptions): LambdaClient {
  const maxSockets = o.maxSockets ?? 128;
  return new LambdaClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    maxAttempts: 1,
    requestHandler: {
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets }),
    },
  });
}
