import { type CallEvent, callEventFromJson, LithopsError, type MonitorBackend } from '@lithops/core/plugin';
import { type ChannelModel, connect } from 'amqplib';
import { queueName, type RabbitmqSection, redactUrl } from './config.js';

/** Connects, with an error that says what to do and never shows the password. */
export async function connectAmqp(section: RabbitmqSection, who: string): Promise<ChannelModel> {
  try {
    return await connect(section.amqp_url);
  } catch (e) {
    throw new LithopsError(
      'UNAVAILABLE',
      `${who} cannot connect to RabbitMQ at ${redactUrl(section.amqp_url)}: ${(e as Error).message}`,
      { backend: 'rabbitmq', hint: 'Check rabbitmq.amqp_url and that the broker is running.' },
    );
  }
}

/**
 * Once subscribed, the executor's connection no longer holds the event loop: while calls are
 * pending, the monitor's lost-call timer does (core's EventMonitor), so a script that got its
 * results exits without close(). Reaches into amqplib's connection (socket, heartbeat timers): amqplib is pinned.
 */
function letProcessExit(model: ChannelModel): ChannelModel {
  const c = (
    model as unknown as {
      connection?: {
        stream?: { unref?: () => void };
        heartbeater?: { sendTimer?: NodeJS.Timeout; recvTimer?: NodeJS.Timeout } | null;
      };
    }
  ).connection;
  c?.stream?.unref?.();
  c?.heartbeater?.sendTimer?.unref();
  c?.heartbeater?.recvTimer?.unref();
  return model;
}

/**
 * The client side: one exclusive queue per executor (deleted when the client disconnects);
 * every message is one call event, handed to the executor's futures.
 */
export class RabbitmqMonitor implements MonitorBackend {
  private conn: ChannelModel | undefined;
  /** Events received, for the docs' cost figures. */
  readonly stats = { messages: 0 };

  constructor(private readonly section: RabbitmqSection) {}

  async subscribe(executorId: string, onEvent: (e: CallEvent) => void): Promise<void> {
    this.conn ??= await connectAmqp(this.section, 'The executor');
    // A broken connection is reported by the WORKER_LOST timer, not by an unhandled 'error'.
    this.conn.on('error', () => {});
    const ch = await this.conn.createChannel();
    const queue = queueName(this.section, executorId);
    await ch.assertQueue(queue, { exclusive: true, durable: false, autoDelete: true });
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        this.stats.messages++;
        onEvent(callEventFromJson(msg.content.toString('utf8')));
      },
      { noAck: true },
    );
    // Set up: from now on only consumed events arrive, while the monitor's timer holds the loop.
    letProcessExit(this.conn);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    await c?.close().catch(() => {});
  }
}
