import { testBackendContext } from '@lithops/testkit';
import awsS3, { type AwsS3Backend } from '../src/index.js';

/** Builds the backend the way the loader does: the `aws_s3` section through its schema, `aws` from the config. */
export async function makeBackend(
  section: Record<string, unknown>,
  aws: Record<string, unknown> = {},
): Promise<AwsS3Backend> {
  return (await awsS3.create(awsS3.configSchema.parse(section), testBackendContext({ aws }))) as AwsS3Backend;
}
