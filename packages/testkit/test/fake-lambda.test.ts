import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  ListTagsCommand,
  PutFunctionEventInvokeConfigCommand,
  paginateListFunctions,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { zipFiles } from '@lithops/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLambda, startFakeLambda, until } from '../src/index.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';

/** A handler module as a zip: `index.mjs` exporting `handler`. */
function zipOf(source: string): Uint8Array {
  return zipFiles([{ name: 'index.mjs', data: Buffer.from(source) }]);
}

const HANDLER = `
let invocations = 0;
export async function handler(event, context) {
  invocations++;
  if (event.throw) throw new TypeError('bad ' + event.throw);
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.exit) process.exit(3);
  if (event.print) console.log(event.print);
  return { echo: event.v, pid: process.pid, invocations, node: process.versions.node,
    memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, secret: process.env.MY_VAR,
    heap: Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20),
    remaining: context.getRemainingTimeInMillis() > 0 };
}
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
`;

describe('fake Lambda through @aws-sdk/client-lambda', () => {
  let fake: FakeLambda;
  let client: LambdaClient;
  const invoke = async (
    name: string,
    event: unknown,
    type: 'Event' | 'RequestResponse' = 'RequestResponse',
  ) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: type,
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    return {
      status: out.StatusCode,
      error: out.FunctionError,
      body: out.Payload ? JSON.parse(Buffer.from(out.Payload).toString() || 'null') : undefined,
    };
  };
  const create = (name: string, extra: Record<string, unknown> = {}) =>
    client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Role: ROLE,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: zipOf(HANDLER) },
        MemorySize: 256,
        Timeout: 5,
        ...extra,
      }),
    );

  beforeAll(async () => {
    fake = await startFakeLambda({ concurrency: 4, eventRetryDelayMs: 50 });
    client = new LambdaClient({
      endpoint: fake.endpoint,
      region: fake.region,
      credentials: fake.credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await fake?.stop();
  });

  it('creates a function from a zip and runs its handler on Node 22 with its memory and env', async () => {
    const created = await create('fn-basic', {
      Environment: { Variables: { MY_VAR: 'v1' } },
      Tags: { team: 'a' },
    });
    expect(created.FunctionArn).toMatch(/:function:fn-basic$/);
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 10 }, { FunctionName: 'fn-basic' });
    const r = await invoke('fn-basic', { v: 7 });
    expect(r.status).toBe(200);
    expect(r.error).toBeUndefined();
    expect(r.body).toMatchObject({
      echo: 7,
      node: expect.stringMatching(/^22\./),
      memory: '256',
      secret: 'v1',
    });
    expect(r.body.heap).toBeGreaterThanOrEqual(256);
    expect(r.body.heap).toBeLessThan(400);
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'fn-basic' }));
    expect(got.Configuration?.State).toBe('Active');
    expect(got.Tags).toEqual({ team: 'a' });
  });

  it('reuses a warm sandbox, and starts a cold one when none is free', async () => {
    const a = await invoke('fn-basic', { v: 1 });
    const b = await invoke('fn-basic', { v: 2 });
    expect(b.body.pid).toBe(a.body.pid);
    expect(b.body.invocations).toBe(a.body.invocations + 1);
    const both = await Promise.all([
      invoke('fn-basic', { v: 3, sleepMs: 300 }),
      invoke('fn-basic', { v: 4, sleepMs: 300 }),
    ]);
    expect(new Set(both.map((x) => x.body.pid)).size).toBe(2);
  });

  it('flags a handler error with X-Amz-Function-Error and a Lambda error payload', async () => {
    const r = await invoke('fn-basic', { throw: 'input' });
    expect(r.error).toBe('Unhandled');
    expect(r.body).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(r.body.stackTrace.join('\n')).toContain('index.mjs');
  });

  it('kills a sandbox over its timeout with "Task timed out"', async () => {
    await create('fn-timeout', { Timeout: 1 });
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 10 }, { FunctionName: 'fn-timeout' });
    const r = await invoke('fn-timeout', { sleepMs: 5000 });
    expect(r.error).toBe('Unhandled');
    expect(r.body.errorMessage).toMatch(/Task timed out after 1\.\d\d seconds/);
    expect(fake.logs('fn-timeout').join('\n')).toContain('Task timed out');
    expect((await invoke('fn-timeout', { v: 'after' })).body.echo).toBe('after');
  });

  it('reports a sandbox that exits mid-invocation as Runtime.ExitError', async () => {
    const r = await invoke('fn-basic', { exit: true });
    expect(r.body.errorType).toBe('Runtime.ExitError');
  });

  it('answers 429 TooManyRequestsException to RequestResponse above the concurrency', async () => {
    fake.setConcurrency(1);
    try {
      // Busy until killed: the second invocation surely meets it running.
      const slow = invoke('fn-basic', { sleepMs: 60_000 });
      await until(() => fake.stats.busy === 1);
      const err = await invoke('fn-basic', { v: 1 }).catch((e) => e);
      expect(err).toBeInstanceOf(TooManyRequestsException);
      expect(err.$metadata.httpStatusCode).toBe(429);
      expect(fake.killBusy()).toBe(1);
      expect((await slow).body.errorType).toBe('Runtime.ExitError');
    } finally {
      fake.setConcurrency(4);
    }
  });

  it('queues Event invocations (202) and drains them at the concurrency', async () => {
    fake.stats.maxBusy = 0;
    const out = await Promise.all(
      Array.from({ length: 10 }, (_, v) =>
        invoke('fn-basic', { v, sleepMs: 200, print: `event ${v}` }, 'Event'),
      ),
    );
    expect(out.every((o) => o.status === 202)).toBe(true);
    await until(() => fake.logs('fn-basic').filter((l) => l.startsWith('event ')).length === 10);
    expect(fake.logs('fn-basic').filter((l) => l.startsWith('event ')).length).toBe(10);
    expect(fake.stats.maxBusy).toBeLessThanOrEqual(4);
    expect(fake.stats.maxBusy).toBeGreaterThanOrEqual(2);
  });

  it('retries a failed Event twice by default, and not at all with MaximumRetryAttempts 0', async () => {
    await create('fn-retry');
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 10 }, { FunctionName: 'fn-retry' });
    const before = fake.stats.eventRetries;
    await invoke('fn-retry', { throw: 'once' }, 'Event');
    // The event and its two retries ran; a retry is decided as a failed run ends.
    const ended = (text: string) =>
      fake.runs.filter((r) => r.payload.includes(text) && r.ended !== undefined).length;
    await until(() => ended('once') === 3);
    expect(fake.stats.eventRetries - before).toBe(2);
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'fn-retry',
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      }),
    );
    const cfg = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'fn-retry' }));
    expect(cfg.MaximumRetryAttempts).toBe(0);
    const mid = fake.stats.eventRetries;
    await invoke('fn-retry', { throw: 'never again' }, 'Event');
    await until(() => ended('never again') === 1);
    expect(fake.stats.eventRetries).toBe(mid);
  });

  it('accepts invocations without running them in acknowledge-only mode', async () => {
    fake.setMode('acknowledge');
    try {
      const ran = fake.runs.length;
      const out = await invoke('fn-basic', { v: 1 }, 'Event');
      expect(out.status).toBe(202);
      // Accepted and dropped at once: nothing queued, nothing run.
      expect(fake.service.queued).toBe(0);
      expect(fake.runs).toHaveLength(ran);
      expect(fake.calls.at(-1)).toMatchObject({ api: 'Invoke', invocationType: 'Event', status: 202 });
    } finally {
      fake.setMode('run');
    }
  });

  it('updates code, tags, lists with paging markers, deletes, and answers 404 for what is gone', async () => {
    await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'fn-basic',
        ZipFile: zipOf('export const handler = async () => "v2";'),
      }),
    );
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 10 }, { FunctionName: 'fn-basic' });
    expect((await invoke('fn-basic', {})).body).toBe('v2');
    const arn = (await client.send(new GetFunctionCommand({ FunctionName: 'fn-basic' }))).Configuration!
      .FunctionArn!;
    await client.send(new TagResourceCommand({ Resource: arn, Tags: { k: 'v' } }));
    expect((await client.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ team: 'a', k: 'v' });
    for (let i = 0; i < 60; i++) await create(`fn-page-${String(i).padStart(2, '0')}`);
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListFunctions({ client, pageSize: 25 }, {})) {
      pages++;
      names.push(...(page.Functions ?? []).map((f) => f.FunctionName!));
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => n.startsWith('fn-page-'))).toHaveLength(60);
    expect(new Set(names).size).toBe(names.length);
    await client.send(new DeleteFunctionCommand({ FunctionName: 'fn-basic' }));
    const err = await client.send(new GetFunctionCommand({ FunctionName: 'fn-basic' })).catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    const dup = await create('fn-page-00').catch((e) => e);
    expect(dup.name).toBe('ResourceConflictException');
    expect(fake.calls.filter((c) => c.api === 'CreateFunction').length).toBeGreaterThanOrEqual(63);
  });
});
