import { connectionTimeoutKeys, retryKeys, z } from '@lithops/core/plugin';

/** The `redis:` section, with Lithops' keys. */
export const redisSectionSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().positive().default(6379),
    /** ACL user (Redis 6+); default user when not set. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    db: z.number().int().nonnegative().default(0),
    /** Connect with TLS. */
    ssl: z.boolean().default(false),
    /** Bucket for Lithops' job data (created if missing). */
    storage_bucket: z.string().min(1).default('storage'),
    /** Prefix of every Redis key this backend writes. */
    key_prefix: z.string().min(1).default('lithops'),
    /** `read_timeout`: seconds to wait for a reply before a command fails (and is retried). */
    ...connectionTimeoutKeys(3),
    ...retryKeys,
  })
  .strict();

export type RedisSection = z.output<typeof redisSectionSchema>;
