import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaApiError } from './errors.js';
import { nodeBinary } from './node-binary.js';
import {
  type FakeFunction,
  type FakeLambdaCall,
  type FakeLambdaRun,
  FakeLambdaService,
  type FunctionSpec,
} from './service.js';
import { verifySigV4 } from './sigv4.js';

export interface FakeLambdaStartOptions {
  region?: string;
  /** Account concurrency (sandboxes busy at once). Default 1000. */
  concurrency?: number;
  /** `acknowledge`: accept invocations without running them (to measure dispatch). */
  mode?: 'run' | 'acknowledge';
  /** Node major of the sandboxes. Default 22 (`nodejs22.x`). */
  nodeMajor?: number;
  /** Delay before Lambda's own retry of a failed Event invocation. Default 200 ms. */
  eventRetryDelayMs?: number;
  /**
   * How long a created function stays `Pending` (invocations and updates get 409) and an update
   * `InProgress` (invocations run the old code and config; other updates get 409). Default 500 ms.
   */
  stateDelayMs?: number;
  /** How far the fake's clock is ahead of this machine's (negative: behind), in ms. Default 0. */
  clockSkewMs?: number;
  /** Port to listen on (default: any free one). */
  port?: number;
  /**
   * Key pairs whose request signatures are verified in full, besides the fake's own. Requests
   * signed with other keys pass once their SigV4 header is well formed and scoped to this region.
   */
  knownCredentials?: readonly { accessKeyId: string; secretAccessKey: string }[];
}

/** A running fake Lambda service and its controls. */
export interface FakeLambda {
  /** `http://127.0.0.1:<port>`: the `endpoint` of a LambdaClient. */
  endpoint: string;
  region: string;
  /**
   * The fake's own keys (its sandboxes get them): requests signed with them, or with
   * `knownCredentials`, have their SigV4 signature verified in full. Other keys work too, with a
   * well-formed signature header scoped to this region.
   */
  credentials: { accessKeyId: string; secretAccessKey: string };
  service: FakeLambdaService;
  /** Every request, in arrival order. */
  calls: FakeLambdaCall[];
  /** Invocations run in a sandbox, in start order, with their payloads. */
  runs: FakeLambdaRun[];
  stats: FakeLambdaService['stats'];
  setMode(mode: 'run' | 'acknowledge'): void;
  setConcurrency(n: number): void;
  /** The next `n` Invoke requests get 429 TooManyRequestsException. */
  throttleNext(n: number): void;
  /** Kills sandboxes busy with an invocation now (a crash mid-call); returns how many. */
  killBusy(): number;
  /**
   * Moves the fake's clock `ms` ahead of this machine's (negative: behind): it checks signing
   * times against it and sends it in every answer's `Date` header, as AWS does.
   */
  setClockSkew(ms: number): void;
  /** While on, function updates stay `InProgress` (so a second update surely overlaps one). */
  holdUpdates(on: boolean): void;
  /** Lines printed by a function's sandboxes (all functions when no name is given). */
  logs(functionName?: string): string[];
  /** Resets the call records, runs, counters and throttling not used yet. */
  resetRecords(): void;
  stop(): Promise<void>;
}

/** The sandbox's entry, as built (tests that import testkit's src/ use its dist/ build). */
function hostScript(): string {
  const built = new URL('./sandbox-host.js', import.meta.url);
  return existsSync(built)
    ? built.pathname
    : new URL('../../dist/fake-lambda/sandbox-host.js', import.meta.url).pathname;
}

const FUNCTIONS = /^\/2015-03-31\/functions\/?$/;
const FUNCTION = /^\/2015-03-31\/functions\/([^/]+)(\/code|\/configuration|\/invocations)?\/?$/;
const EVENT_CONFIG = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config\/?$/;
const CONCURRENCY = /^\/2017-10-31\/functions\/([^/]+)\/concurrency\/?$/;
const TAGS = /^\/2017-03-31\/tags\/(.+?)\/?$/;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(text);
}

/**
 * Starts a fake AWS Lambda: a `node:http` server speaking the REST API `@aws-sdk/client-lambda`
 * calls. Deployed zips are unpacked and their handlers run in sandboxes (child processes on Node
 * 22 with the function's memory and timeout), reused warm and created cold when none is free.
 */
export async function startFakeLambda(o: FakeLambdaStartOptions = {}): Promise<FakeLambda> {
  const region = o.region ?? 'us-east-1';
  const credentials = { accessKeyId: 'FAKELAMBDAKEY', secretAccessKey: 'fake-lambda-secret' };
  const knownKeys = new Map(
    [credentials, ...(o.knownCredentials ?? [])].map((c) => [c.accessKeyId, c.secretAccessKey]),
  );
  let clockSkewMs = o.clockSkewMs ?? 0;
  const service = new FakeLambdaService({
    region,
    concurrency: o.concurrency,
    mode: o.mode,
    node: nodeBinary(o.nodeMajor ?? 22),
    hostScript: hostScript(),
    eventRetryDelayMs: o.eventRetryDelayMs,
    stateDelayMs: o.stateDelayMs,
    // Sandboxes get the platform's credentials, as Lambda gives a function its role's keys.
    platformEnv: {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'fake-lambda-session',
    },
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const raw = method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : await readBody(req);
    let api = 'Unknown';
    let fnName: string | undefined;
    const done = (status: number, out: unknown, headers?: Record<string, string>) => {
      service.record({ api, functionName: fnName, status });
      json(res, status, out, headers);
    };
    try {
      verifySigV4(req, raw, region, knownKeys, Date.now() + clockSkewMs);
      const body = raw.toString('utf8');
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      if (FUNCTIONS.test(path) && method === 'POST') {
        api = 'CreateFunction';
        fnName = String(input.FunctionName);
        const f = service.create(input as unknown as FunctionSpec & { Code?: { ZipFile?: string } });
        return done(201, service.config(f));
      }
      if (FUNCTIONS.test(path) && method === 'GET') {
        api = 'ListFunctions';
        const all = [...service.functions.values()].sort((a, b) =>
          a.spec.FunctionName < b.spec.FunctionName ? -1 : 1,
        );
        const max = Math.min(50, Number(url.searchParams.get('MaxItems') ?? 50));
        const marker = url.searchParams.get('Marker');
        const start = marker ? all.findIndex((f) => f.spec.FunctionName > marker) : 0;
        const page = start < 0 ? [] : all.slice(start, start + max);
        const next =
          start >= 0 && start + max < all.length ? page[page.length - 1]!.spec.FunctionName : undefined;
        return done(200, {
          Functions: page.map((f) => service.config(f)),
          ...(next ? { NextMarker: next } : {}),
        });
      }
      const mFunction = FUNCTION.exec(path);
      if (mFunction) {
        const m = mFunction;
        fnName = m[1]!;
        const sub = m[2];
        if (sub === '/invocations' && method === 'POST') return await invoke(req, res, fnName, body);
        if (!sub && method === 'GET') {
          api = 'GetFunction';
          const f = service.get(fnName);
          return done(200, {
            Configuration: service.config(f),
            Code: { RepositoryType: 'S3', Location: `${endpoint}/code/${f.spec.FunctionName}` },
            Tags: f.tags,
            ...(f.reservedConcurrency !== undefined
              ? { Concurrency: { ReservedConcurrentExecutions: f.reservedConcurrency } }
              : {}),
          });
        }
        if (!sub && method === 'DELETE') {
          api = 'DeleteFunction';
          service.delete(fnName);
          return done(204, undefined);
        }
        if (sub === '/configuration' && method === 'GET') {
          api = 'GetFunctionConfiguration';
          return done(200, service.config(service.get(fnName)));
        }
        if (sub === '/configuration' && method === 'PUT') {
          api = 'UpdateFunctionConfiguration';
          return done(
            200,
            service.config(service.updateConfiguration(fnName, input as Partial<FunctionSpec>)),
          );
        }
        if (sub === '/code' && method === 'PUT') {
          api = 'UpdateFunctionCode';
          return done(
            200,
            service.config(
              service.updateCode(fnName, input as { ZipFile?: string; Architectures?: string[] }),
            ),
          );
        }
      }
      const mEventConfig = EVENT_CONFIG.exec(path);
      if (mEventConfig) {
        const m = mEventConfig;
        fnName = m[1]!;
        const f = service.get(fnName);
        if (method === 'PUT' || method === 'POST') {
          api = method === 'PUT' ? 'PutFunctionEventInvokeConfig' : 'UpdateFunctionEventInvokeConfig';
          f.eventConfig = {
            ...(method === 'POST' ? f.eventConfig : {}),
            ...(input as FakeFunction['eventConfig']),
          };
        } else if (method === 'GET') {
          api = 'GetFunctionEventInvokeConfig';
          if (!f.eventConfig) {
            throw new LambdaApiError(
              404,
              'ResourceNotFoundException',
              `The function ${fnName} doesn't have an EventInvokeConfig`,
            );
          }
        } else if (method === 'DELETE') {
          api = 'DeleteFunctionEventInvokeConfig';
          f.eventConfig = undefined;
          return done(204, undefined);
        }
        return done(200, { FunctionArn: f.arn, LastModified: Date.now() / 1000, ...f.eventConfig });
      }
      const mConcurrency = CONCURRENCY.exec(path);
      if (mConcurrency) {
        const m = mConcurrency;
        fnName = m[1]!;
        const f = service.get(fnName);
        if (method === 'PUT') {
          api = 'PutFunctionConcurrency';
          f.reservedConcurrency = Number(input.ReservedConcurrentExecutions);
          return done(200, { ReservedConcurrentExecutions: f.reservedConcurrency });
        }
        api = 'DeleteFunctionConcurrency';
        f.reservedConcurrency = undefined;
        return done(204, undefined);
      }
      const mTags = TAGS.exec(path);
      if (mTags) {
        const m = mTags;
        const f = service.byArn(m[1]!);
        fnName = f.spec.FunctionName;
        if (method === 'POST') {
          api = 'TagResource';
          Object.assign(f.tags, input.Tags as Record<string, string>);
          return done(204, undefined);
        }
        if (method === 'DELETE') {
          api = 'UntagResource';
          for (const k of url.searchParams.getAll('tagKeys')) delete f.tags[k];
          return done(204, undefined);
        }
        api = 'ListTags';
        return done(200, { Tags: f.tags });
      }
      throw new LambdaApiError(404, 'UnknownOperationException', `No route for ${method} ${path}`);
    } catch (e) {
      if (e instanceof LambdaApiError) {
        return done(
          e.status,
          { message: e.message, Type: 'User', ...e.extra },
          { 'x-amzn-errortype': e.type },
        );
      }
      return done(500, { message: (e as Error).message }, { 'x-amzn-errortype': 'ServiceException' });
    }
  }

  async function invoke(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    payload: string,
  ): Promise<void> {
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const record = (status: number) =>
      service.record({ api: 'Invoke', functionName: name, invocationType: type, payload, status });
    const f = service.get(name);
    try {
      service.assertActive(f);
    } catch (e) {
      const err = e as LambdaApiError;
      record(err.status);
      return json(res, err.status, { message: err.message, Type: 'User' }, { 'x-amzn-errortype': err.type });
    }
    if (service.takeThrottle()) {
      record(429);
      return json(
        res,
        429,
        { message: 'Rate Exceeded.', Reason: 'CallerRateLimitExceeded', Type: 'User' },
        { 'x-amzn-errortype': 'TooManyRequestsException' },
      );
    }
    if (type === 'Event') {
      const id = service.invokeAsync(f, payload);
      record(202);
      res.writeHead(202, { 'x-amzn-requestid': id, 'content-length': 0 });
      return void res.end();
    }
    if (type === 'DryRun') {
      record(204);
      res.writeHead(204, { 'content-length': 0 });
      return void res.end();
    }
    const outcome = await service.invokeSync(f, payload);
    record(200);
    const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST' };
    if (!outcome.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
    const text = outcome.ok ? outcome.body : JSON.stringify(outcome.error);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    res.sendDate = false;
    res.setHeader('date', new Date(Date.now() + clockSkewMs).toUTCString());
    route(req, res).catch((e: unknown) => {
      const err = e instanceof LambdaApiError ? e : new LambdaApiError(500, 'ServiceException', String(e));
      if (!res.headersSent)
        json(
          res,
          err.status,
          { message: err.message, Type: 'User', ...err.extra },
          { 'x-amzn-errortype': err.type },
        );
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    region,
    credentials,
    service,
    calls: service.calls,
    runs: service.runs,
    stats: service.stats,
    setMode: (mode) => {
      service.mode = mode;
    },
    setConcurrency: (n) => {
      service.concurrency = n;
    },
    throttleNext: (n) => service.throttleNext(n),
    killBusy: () => service.killBusy(),
    holdUpdates: (on) => service.holdUpdates(on),
    setClockSkew: (ms) => {
      clockSkewMs = ms;
    },
    logs: (name) => (name ? (service.logs.get(name) ?? []) : [...service.logs.values()].flat()),
    resetRecords: () => {
      service.resetRecords();
      for (const k of Object.keys(service.stats) as (keyof typeof service.stats)[])
        if (k !== 'busy') service.stats[k] = 0;
    },
    async stop() {
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
