import { hostname } from 'node:os';
import {
  type CallStatus,
  callEventToJson,
  executorIdOf,
  type Logger,
  type MonitorSink,
} from '@lithops/core/plugin';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { queueName, type RabbitmqSection } from './config.js';
import { connectAmqp } from './monitor.js';

/**
 * The worker side: publishes each call's `init` and final status to its executor's queue, with
 * publisher confirms (a function may be frozen right after it returns: nothing may be left in a
 * buffer). A failed publish is logged, not thrown: the status is in storage as well.
 */
export function rabbitmqSink(section: RabbitmqSection, log: Logger): MonitorSink {
  const workerId = `${hostname()}-${process.pid}`;
  let conn: Promise<{ model: ChannelModel; ch: ConfirmChannel }> | undefined;
  const channel = () => {
    conn ??= (async () => {
      const model = await connectAmqp(section, 'A worker');
      model.on('error', () => {});
      model.on('close', () => {
        conn = undefined;
      });
      return { model, ch: await model.createConfirmChannel() };
    })();
    conn.catch(() => {
      conn = undefined;
    });
    return conn;
  };
  const publish = async (jobKey: string, text: string) => {
    try {
      const { ch } = await channel();
      await new Promise<void>((resolve, reject) => {
        ch.sendToQueue(queueName(section, executorIdOf(jobKey)), Buffer.from(text), {}, (err: unknown) =>
          err ? reject(err) : resolve(),
        );
      });
    } catch (e) {
      log.warn(`rabbitmq: publishing a call event of ${jobKey} failed: ${(e as Error).message}`);
    }
  };
  return {
    init: (jobKey: string, callId: string, at: number) =>
      publish(jobKey, callEventToJson({ type: 'init', jobKey, callId, workerId, at })),
    status: (jobKey: string, status: CallStatus) =>
      publish(jobKey, callEventToJson({ type: 'status', jobKey, status })),
    async close() {
      const c = conn;
      conn = undefined;
      if (c) await (await c).model.close().catch(() => {});
    },
  };
}
