import { defineMonitorBackend } from '@lithops/core/plugin';
import { rabbitmqSectionSchema } from './config.js';
import { RabbitmqMonitor } from './monitor.js';
import { rabbitmqSink } from './sink.js';

export { queueName, type RabbitmqSection, rabbitmqSectionSchema } from './config.js';
export { RabbitmqMonitor } from './monitor.js';
export { rabbitmqSink } from './sink.js';

/** `monitoring: rabbitmq`: workers publish call events to a per-executor queue; the client consumes it. */
export default defineMonitorBackend({
  name: 'rabbitmq',
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: rabbitmqSectionSchema,
  create: (config) => new RabbitmqMonitor(config),
  createSink: (config, ctx) => rabbitmqSink(config, ctx.log),
});
