import { randomBytes } from 'node:crypto';
import { EventMonitor } from '@lithops/core/internal';
import { type CallEvent, LithopsError } from '@lithops/core/plugin';
import { testBackendContext } from '@lithops/testkit';
import { describe, expect, it } from 'vitest';
import rabbitmq, { queueName, RabbitmqMonitor, rabbitmqSectionSchema, rabbitmqSink } from '../src/index.js';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const section = rabbitmqSectionSchema.parse({ amqp_url: AMQP_URL });
const quiet = testBackendContext().log;

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('rabbitmq monitor (real broker on 127.0.0.1:5672)', () => {
  it('is a monitor backend definition', () => {
    expect(rabbitmq.kind).toBe('monitor');
    expect(rabbitmq.name).toBe('rabbitmq');
    expect(queueName(section, 'abc')).toBe('lithops-abc');
  });

  it('delivers init and status events from a worker sink to the executor, results intact', async () => {
    const executorId = `t${randomBytes(4).toString('hex')}`;
    const jobKey = `${executorId}-M000`;
    const monitor = new RabbitmqMonitor(section);
    const events: CallEvent[] = [];
    await monitor.subscribe(executorId, (e) => events.push(e));
    const sink = rabbitmqSink(section, quiet);
    await sink.init(jobKey, '00000', 1234);
    await sink.status(jobKey, {
      callId: '00000',
      workerId: 'w1',
      ok: true,
      result: new Uint8Array([1, 2, 3, 250]),
      timings: { start: 1, fnStart: 2, fnEnd: 3, end: 4 },
      output: 'printed\n',
    });
    await until(() => events.length === 2);
    expect(events[0]).toMatchObject({ type: 'init', jobKey, callId: '00000', at: 1234 });
    const st = events[1]!;
    expect(st.type).toBe('status');
    if (st.type === 'status') {
      expect([...(st.status.result ?? [])]).toEqual([1, 2, 3, 250]);
      expect(st.status.output).toBe('printed\n');
    }
    expect(monitor.stats.messages).toBe(2);
    await sink.close?.();
    await monitor[Symbol.asyncDispose]();
  });

  it('keeps executors apart: each consumes only its own queue', async () => {
    const [a, b] = [`a${randomBytes(4).toString('hex')}`, `b${randomBytes(4).toString('hex')}`];
    const ma = new RabbitmqMonitor(section);
    const mb = new RabbitmqMonitor(section);
    const got: Record<string, string[]> = { a: [], b: [] };
    await ma.subscribe(a, (e) => got.a!.push(e.jobKey));
    await mb.subscribe(b, (e) => got.b!.push(e.jobKey));
    const sink = rabbitmqSink(section, quiet);
    await Promise.all([sink.init(`${a}-M000`, '00000', 1), sink.init(`${b}-M001`, '00000', 1)]);
    await until(() => got.a!.length === 1 && got.b!.length === 1);
    expect(got).toEqual({ a: [`${a}-M000`], b: [`${b}-M001`] });
    await sink.close?.();
    await ma[Symbol.asyncDispose]();
    await mb[Symbol.asyncDispose]();
  });

  it('feeds EventMonitor: a started call that goes silent ends with WORKER_LOST', async () => {
    const executorId = `l${randomBytes(4).toString('hex')}`;
    const jobKey = `${executorId}-M000`;
    const backend = new RabbitmqMonitor(section);
    const seen: CallEvent[] = [];
    const monitor = new EventMonitor(backend, (e) => seen.push(e), 0.1);
    await backend.subscribe(executorId, (e) => monitor.handle(e));
    monitor.watch(jobKey, ['00000', '00001', '00002'], 0.5);
    const sink = rabbitmqSink(section, quiet);
    await sink.init(jobKey, '00000', Date.now());
    await sink.init(jobKey, '00001', Date.now());
    await sink.status(jobKey, {
      callId: '00001',
      workerId: 'w',
      ok: true,
      timings: { start: 1, fnStart: 1, fnEnd: 1, end: 1 },
    });
    await until(() => seen.some((e) => e.type === 'status' && e.status.errorCode === 'WORKER_LOST'));
    const lost = seen.filter((e) => e.type === 'status' && e.status.errorCode === 'WORKER_LOST');
    // 00000 started and went silent; 00002 never started (queued), so it is not lost.
    expect(lost.map((e) => (e.type === 'status' ? e.status.callId : ''))).toEqual(['00000']);
    monitor.close();
    await sink.close?.();
  });

  it('reports a broker it cannot reach clearly, without the password', async () => {
    const bad = rabbitmqSectionSchema.parse({ amqp_url: 'amqp://guest:s3cret-pw@127.0.0.1:1' });
    const err = await new RabbitmqMonitor(bad).subscribe('x', () => {}).catch((e) => e);
    expect(LithopsError.is(err, 'UNAVAILABLE')).toBe(true);
    expect(err.message).toContain('amqp://guest:***@127.0.0.1:1');
    expect(err.message).not.toContain('s3cret-pw');
  });

  it('validates the section', () => {
    expect(rabbitmqSectionSchema.safeParse({ amqp_url: 'http://x' }).success).toBe(false);
    expect(rabbitmqSectionSchema.safeParse({ amqp_url: AMQP_URL, extra: 1 }).success).toBe(false);
  });
});
