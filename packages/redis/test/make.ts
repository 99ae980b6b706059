import { randomBytes } from 'node:crypto';
import { testBackendContext } from '@lithops/testkit';
import redis, { type RedisBackend } from '../src/index.js';

/** Builds the backend the way the loader does; a fresh key prefix keeps test runs apart on a shared Redis. */
export async function makeBackend(section: Record<string, unknown>): Promise<RedisBackend> {
  const config = redis.configSchema.parse({
    key_prefix: `lithops-test-${randomBytes(4).toString('hex')}`,
    ...section,
  });
  return (await redis.create(config, testBackendContext())) as RedisBackend;
}
