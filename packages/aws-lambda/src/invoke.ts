import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { Agent as HttpsAgent, request as requestTls } from 'node:https';
import { type LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import type { InvokeTarget } from '@lithops/core/internal';
import type { InvocationPayload, RuntimeInfo } from '@lithops/core/plugin';
import { lambdaError } from './errors.js';

/** What a deployed runtime's `meta` holds: enough to invoke it from anywhere (no secrets). */
export interface LambdaRuntimeMeta {
  functionName: string;
  arn: string;
  region: string;
  endpoint?: string;
}

export function metaOf(runtime: RuntimeInfo): LambdaRuntimeMeta {
  return runtime.meta as unknown as LambdaRuntimeMeta;
}

type RequestSigner = Awaited<ReturnType<LambdaClient['config']['signer']>>;
type SignableRequest = Parameters<RequestSigner['sign']>[0];

/** Where Invoke requests go: the endpoint the client's own resolution gives. */
interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  /** `host[:port]`, as signed. */
  host: string;
  /** Path prefix of a custom endpoint, without a trailing slash. */
  basePath: string;
  /** Invoke paths by function name. */
  paths: Map<string, string>;
  agent: HttpAgent;
  signer: RequestSigner;
}

/** Bytes of an error response read at most (its message is all that is kept). */
const MAX_ERROR_BODY = 64 * 1024;

/** A path segment as the SDK escapes it (`encodeURIComponent` leaves `!'()*` alone). */
function escapeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An error type as Lambda sends it (`Name:uri` or `ns#Name`) reduced to the name. */
function errorName(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !raw) return undefined;
  const name = raw.split(':')[0]!;
  return name.slice(name.lastIndexOf('#') + 1) || undefined;
}

/**
 * An error response as the SDK shapes it: a `LambdaServiceException` named by the error type,
 * with its status. Only the first paragraph of the message is kept: a signature error goes on
 * with the canonical request, which holds header values such as the session token.
 */
function serviceError(status: number, headers: IncomingHttpHeaders, text: string): LambdaServiceException {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const name =
    errorName(headers['x-amzn-errortype']) ?? errorName(data.code) ?? errorName(data.__type) ?? 'Unknown';
  const raw = data.message ?? data.Message ?? data.errorMessage;
  const message =
    typeof raw === 'string' && raw ? raw.split('\n\n')[0]!.slice(0, 1000) : `HTTP ${status} from Lambda`;
  const requestId = headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];
  return new LambdaServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    message,
    $metadata: {
      httpStatusCode: status,
      ...(typeof requestId === 'string' ? { requestId } : {}),
    },
  });
}

/** A response read to its end: of an error response, the first `MAX_ERROR_BODY` bytes. */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function readAnswer(res: IncomingMessage): Promise<Answer> {
  const status = res.statusCode ?? 0;
  return new Promise((resolve, reject) => {
    res.once('error', reject);
    const chunks: Buffer[] = [];
    let size = 0;
    if (status >= 200 && status < 300) res.resume();
    else {
      res.on('data', (c: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(c);
        size += c.length;
      });
    }
    res.once('end', () =>
      resolve({
        status,
        headers: res.headers,
        text: Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8'),
      }),
    );
  });
}

/** How long an Invoke may take, in ms: the whole exchange, and with no byte either way. */
export interface InvokeTimeouts {
  /** From sending the request to the end of the answer. Default 60 s. */
  requestTimeoutMs?: number;
  /** A connection silent this long (connecting included) fails. Default 30 s. */
  socketTimeoutMs?: number;
}

/**
 * An Invoke that got no (complete) answer in time. Not sent again: Lambda may have queued the
 * event already (its 202 lost on the way), and a second send could run the calls twice; the
 * calls fail with `UNAVAILABLE` instead, as any other failure of an accepted-or-not invoke.
 */
/** Errors of a kept-alive socket that the server closed while it was idle. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function invokeTimeout(kind: 'request' | 'socket', ms: number): Error {
  const what = kind === 'request' ? 'no complete answer' : 'no data on the connection';
  return Object.assign(
    new Error(
      `${what} within ${ms} ms (${kind} timeout); the event may have been accepted, so it is not sent again`,
    ),
    { name: 'TimeoutError', code: 'ETIMEDOUT' },
  );
}

/** Errors Lambda answers a request signed at a skewed time with (those the SDK corrects). */
const CLOCK_SKEW_ERRORS = new Set([
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'AuthFailure',
]);
/** A correction this large makes a request refused for its signing time worth one more try. */
const SKEW_RETRY_MS = 240_000;

/**
 * Sends invocations as `Event` (asynchronous): Lambda queues them and answers 202 at once. Used
 * by the client and by the remote invoker inside a function.
 *
 * The one request sent per invocation skips the SDK's per-command middleware: it is signed by
 * the client's own SigV4 signer (its credentials, region, signing name and clock offset) and sent
 * to the endpoint the client resolves, over keep-alive sockets. An error response becomes a
 * `LambdaServiceException` with the SDK's `name` and `$metadata.httpStatusCode`, so throttling is
 * retried by core's invoker as before. Everything else (deploy, list, delete) goes through the SDK
 * client.
 */
export class LambdaEventInvoker implements InvokeTarget {
  readonly name = 'aws_lambda';
  private target: Promise<Target> | undefined;

  private readonly requestTimeoutMs: number;
  private readonly socketTimeoutMs: number;

  constructor(
    private readonly client: LambdaClient,
    private readonly o: { maxSockets?: number } & InvokeTimeouts = {},
  ) {
    this.requestTimeoutMs = o.requestTimeoutMs ?? 60_000;
    this.socketTimeoutMs = o.socketTimeoutMs ?? 30_000;
  }

  private resolve(): Promise<Target> {
    if (this.target) return this.target;
    this.target = (async () => {
      const c = this.client.config;
      // As the SDK resolves it: the client's `endpoint`, else one configured for the service
      // (AWS_ENDPOINT_URL_LAMBDA, the profile's services section), else the region's.
      let custom: string | undefined;
      if (c.isCustomEndpoint) {
        const e = await c.endpoint?.();
        if (e) custom = `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path ?? ''}`;
      } else if (!c.ignoreConfiguredEndpointUrls) {
        custom = await c.serviceConfiguredEndpoint?.();
      }
      const { url } = c.endpointProvider({
        Region: await c.region(),
        UseFIPS: await c.useFipsEndpoint(),
        UseDualStack: await c.useDualstackEndpoint(),
        ...(custom ? { Endpoint: custom } : {}),
      });
      const protocol = url.protocol === 'http:' ? 'http:' : 'https:';
      const options = { keepAlive: true, maxSockets: this.o.maxSockets ?? 128 };
      return {
        protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        ...(url.port ? { port: Number(url.port) } : {}),
        host: url.host,
        basePath: url.pathname.replace(/\/+$/, ''),
        paths: new Map(),
        agent: protocol === 'http:' ? new HttpAgent(options) : new HttpsAgent(options),
        signer: await c.signer(),
      };
    })();
    this.target.catch(() => {
      this.target = undefined;
    });
    return this.target;
  }

  async invoke(runtime: RuntimeInfo, payload: InvocationPayload): Promise<{ activationId: string }> {
    const { functionName } = metaOf(runtime);
    try {
      const t = await this.resolve();
      let path = t.paths.get(functionName);
      if (path === undefined) {
        path = `${t.basePath}/2015-03-31/functions/${escapeSegment(functionName)}/invocations`;
        t.paths.set(functionName, path);
      }
      const body = Buffer.from(JSON.stringify(payload));
      const unsigned: SignableRequest = {
        method: 'POST',
        protocol: t.protocol,
        hostname: t.hostname,
        ...(t.port ? { port: t.port } : {}),
        path,
        query: {},
        headers: {
          host: t.host,
          'content-type': 'application/octet-stream',
          'content-length': String(body.length),
          'x-amz-invocation-type': 'Event',
        },
        body,
      };
      let clockRetried = false;
      let staleRetried = false;
      for (;;) {
        const sentAt = Date.now();
        const signed = await t.signer.sign(unsigned, {
          signingDate: new Date(sentAt + (this.client.config.systemClockOffset ?? 0)),
        });
        let answer: Answer;
        try {
          answer = await this.exchange(t, signed, body);
        } catch (e) {
          // A kept-alive socket the server had closed: the request never reached it, so it is
          // sent again once, on a fresh socket (as Node's docs advise, and as the SDK retries).
          if (!staleRetried && (e as { staleSocket?: boolean }).staleSocket) {
            staleRetried = true;
            continue;
          }
          throw e;
        }
        const corrected = this.sampleClock(answer.headers, sentAt);
        if (answer.status >= 200 && answer.status < 300) {
          const id = answer.headers['x-amzn-requestid'];
          return { activationId: typeof id === 'string' ? id : '' };
        }
        const err = serviceError(answer.status, answer.headers, answer.text);
        // Refused for a clock we just corrected: signed again with it, once (nothing was queued).
        if (!clockRetried && corrected && CLOCK_SKEW_ERRORS.has(err.name)) {
          clockRetried = true;
          continue;
        }
        throw err;
      }
    } catch (e) {
      throw lambdaError(e, `Invoking ${functionName}`);
    }
  }

  /** Sends one signed request and reads its answer, within the request and socket timeouts. */
  private exchange(t: Target, signed: SignableRequest, body: Buffer): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const settle = (e: Error | undefined, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (e) {
          req.destroy();
          reject(e);
        } else resolve(answer!);
      };
      // A timer may fire right after the event loop was held up (timers run before I/O is read):
      // the answer that came meanwhile is read first (setImmediate runs after the I/O poll).
      const expire = (kind: 'request' | 'socket', ms: number) =>
        setImmediate(() => {
          if (kind === 'socket' && Date.now() - lastData < ms) return;
          settle(invokeTimeout(kind, ms));
        });
      let lastData = Date.now();
      let answered = false;
      const deadline = setTimeout(() => expire('request', this.requestTimeoutMs), this.requestTimeoutMs);
      const req = (t.protocol === 'http:' ? request : requestTls)(
        {
          agent: t.agent,
          method: 'POST',
          hostname: t.hostname,
          port: t.port,
          path: signed.path,
          headers: signed.headers,
          timeout: this.socketTimeoutMs,
        },
        (res) => {
          answered = true;
          lastData = Date.now();
          res.on('data', () => {
            lastData = Date.now();
          });
          readAnswer(res).then(
            (a) => settle(undefined, a),
            (e: Error) => settle(e),
          );
        },
      );
      req.on('timeout', () => expire('socket', this.socketTimeoutMs));
      req.once('error', (e) => {
        if (!answered && req.reusedSocket && STALE_SOCKET_CODES.has((e as NodeJS.ErrnoException).code ?? ''))
          (e as { staleSocket?: boolean }).staleSocket = true;
        settle(e);
      });
      req.end(body);
    });
  }

  /**
   * As the SDK's signer does with every answer: the server's clock (its `Date` header) sets the
   * client's clock offset, which signs the next requests (SDK commands' too). Returns whether it
   * moved by over 4 minutes (either way: the SDK retries only when the new offset is that large).
   */
  private sampleClock(headers: IncomingHttpHeaders, sentAt: number): boolean {
    const server = Date.parse(headers.date ?? '');
    const now = Date.now();
    // An answer from a cache (Age), or one that took over 15 minutes, says nothing of the clock.
    if (Number.isNaN(server) || headers.age !== undefined || now - sentAt > 900_000) return false;
    const before = this.client.config.systemClockOffset ?? 0;
    const offset = server - now;
    this.client.config.systemClockOffset = offset;
    return Math.abs(offset - before) >= SKEW_RETRY_MS;
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    const t = this.target;
    this.target = undefined;
    t?.then((x) => x.agent.destroy()).catch(() => {});
  }
}
