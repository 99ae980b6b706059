import { callTuning, defineStorageBackend } from '@lithops/core/plugin';
import { Redis } from 'ioredis';
import { RedisBackend } from './backend.js';
import { redisSectionSchema } from './config.js';
import { unrefWhileIdle } from './idle-unref.js';

export { isRetryableRedisError, RedisBackend, type RedisBackendOptions } from './backend.js';
export { type RedisSection, redisSectionSchema } from './config.js';

/** `storage: redis`: objects in a Redis server. */
export default defineStorageBackend({
  name: 'redis',
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: redisSectionSchema,
  async create(config) {
    const client = new Redis({
      host: config.host,
      port: config.port,
      db: config.db,
      ...(config.username ? { username: config.username } : {}),
      ...(config.password ? { password: config.password } : {}),
      ...(config.ssl ? { tls: {} } : {}),
      lazyConnect: true,
      connectTimeout: config.connect_timeout * 1000,
      // A queued command waits for at most one reconnection; then core's withRetries takes over.
      // Commands in flight when a connection drops are resent by ioredis (left alone, they would
      // never settle): every write here is idempotent, so a repeat is harmless.
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: true,
      // Backstop for a reply that never comes.
      commandTimeout: config.read_timeout * 1000,
      // Reconnect soon: a command waits for the next reconnection, so this delay is a retry's cost.
      retryStrategy: (times) => Math.min(times * 50, 250),
    });
    // Connection errors surface on the commands that hit them; the event would only be noise.
    client.on('error', () => {});
    unrefWhileIdle(client);
    const backend = new RedisBackend(client, {
      bucket: config.storage_bucket,
      keyPrefix: config.key_prefix,
      endpointLabel: `${config.host}:${config.port}`,
      ...callTuning(config),
    });
    try {
      await backend.createBucket(config.storage_bucket);
    } catch (e) {
      client.disconnect();
      throw e;
    }
    return backend;
  },
});
