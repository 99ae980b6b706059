import { serverlessSectionShape } from '@lithops/core/internal';
import { z } from '@lithops/core/plugin';

/** Lambda's ceilings: 15 minutes, 10 GB of memory, 256 KB for an asynchronous invoke payload. */
export const LAMBDA_MAX_TIMEOUT_SEC = 900;
export const LAMBDA_EVENT_PAYLOAD_BYTES = 256 * 1024;

/** The `aws_lambda:` section, with Lithops' keys. */
export const awsLambdaSectionSchema = z
  .object({
    ...serverlessSectionShape,
    /** ARN of the IAM role the functions run as (needs access to the job storage). */
    execution_role: z.string().min(1),
    /** Default `aws.region`, then the SDK's (AWS_REGION), then us-east-1. */
    region: z.string().min(1).optional(),
    runtime_memory: z.number().int().min(128).max(10_240).default(256),
    runtime_timeout: z.number().int().min(1).max(LAMBDA_MAX_TIMEOUT_SEC).default(180),
    max_workers: z.number().int().positive().default(1000),
    architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
    /** Size of /tmp, in MB. */
    ephemeral_storage: z.number().int().min(512).max(10_240).default(512),
    /** Extra env vars of the functions (set at deploy time). */
    env_vars: z.record(z.string()).default({}),
    vpc: z
      .object({
        subnets: z.array(z.string()).default([]),
        security_groups: z.array(z.string()).default([]),
      })
      .optional(),
    /** Lambda API endpoint (a local fake, a VPC endpoint); default AWS's. */
    endpoint: z.string().url().optional(),
    /** Node runtime of the functions. */
    node_runtime: z.enum(['nodejs22.x']).default('nodejs22.x'),
    /** Seconds an event may wait in Lambda's queue before it is dropped (Lambda allows up to 6 h). */
    max_event_age: z.number().int().min(60).max(21_600).default(21_600),
  })
  .strict();

export type AwsLambdaSection = z.output<typeof awsLambdaSectionSchema>;
