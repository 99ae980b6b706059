import { z } from '@lithops/core/plugin';

/** The `rabbitmq:` section, with Lithops' key. */
export const rabbitmqSectionSchema = z
  .object({
    /** `amqp://user:password@host:5672/vhost`: a secret (it carries the password). */
    amqp_url: z.string().regex(/^amqps?:\/\//, 'must start with amqp:// or amqps://'),
    /** Prefix of the per-executor queues. */
    queue_prefix: z.string().min(1).default('lithops'),
  })
  .strict();

export type RabbitmqSection = z.output<typeof rabbitmqSectionSchema>;

/** The per-executor queue workers publish to and the client consumes. */
export function queueName(section: RabbitmqSection, executorId: string): string {
  return `${section.queue_prefix}-${executorId}`;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
