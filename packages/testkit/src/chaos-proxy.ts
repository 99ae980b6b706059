import { createServer, type Socket, connect as tcpConnect } from 'node:net';

export interface ChaosProxyOptions {
  /** Where traffic goes: `{ host, port }` or `host:port`. */
  target: { host: string; port: number } | string;
  /** Reset every Nth accepted connection at once (1 = all, 0 = none). */
  dropEvery?: number;
  /**
   * Reset every Nth accepted connection mid-stream, after `cutAfterBytes` bytes went through it
   * (both directions), so requests and responses are cut in the middle. Retries on new
   * connections get through, as on a flaky network.
   */
  cutEvery?: number;
  /** Bytes a cut connection carries before the reset. Default 64 KiB. */
  cutAfterBytes?: number;
  /** Wait this long before connecting each accepted connection upstream. */
  delayMs?: number;
  /**
   * A "black hole": accept every connection, then never read, answer or close it, as a server
   * that hangs. Nothing is forwarded.
   */
  blackHole?: boolean;
  /** Listen on this port (e.g. to come back where a stopped proxy was). Default: a free one. */
  port?: number;
}

export interface ChaosStats {
  connections: number;
  /** Connections reset on accept (`dropEvery`). */
  dropped: number;
  /** Connections reset mid-stream (`cutEvery`). */
  cut: number;
  /** Connections held back (`delayMs`). */
  delayed: number;
  /** Connections accepted and left unanswered (`blackHole`). */
  swallowed: number;
  bytes: number;
}

export interface ChaosProxy {
  host: string;
  port: number;
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  readonly stats: ChaosStats;
  stop(): Promise<void>;
}

function parseTarget(t: ChaosProxyOptions['target']): { host: string; port: number } {
  if (typeof t !== 'string') return t;
  const i = t.lastIndexOf(':');
  return { host: t.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(t.slice(i + 1)) };
}

/**
 * A TCP proxy on a free loopback port that drops, cuts and delays connections on purpose, to show
 * that a client's retries recover from an unreliable network without losing or corrupting data;
 * or that swallows them (`blackHole`), to show that a hung server fails calls in bounded time.
 */
export async function startChaosProxy(opts: ChaosProxyOptions): Promise<ChaosProxy> {
  const target = parseTarget(opts.target);
  const stats: ChaosStats = { connections: 0, dropped: 0, cut: 0, delayed: 0, swallowed: 0, bytes: 0 };
  const sockets = new Set<Socket>();

  // Half-open sockets, so an end from one side is passed on and the answer can still come back.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => {});
    const n = ++stats.connections;
    if (opts.dropEvery && n % opts.dropEvery === 0) {
      stats.dropped++;
      client.resetAndDestroy();
      return;
    }
    client.pause();
    if (opts.blackHole) {
      stats.swallowed++;
      return;
    }
    const open = () => {
      if (client.destroyed) return;
      const upstream = tcpConnect({ port: target.port, host: target.host, allowHalfOpen: true });
      sockets.add(upstream);
      upstream.once('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.once('close', () => upstream.destroy());
      // This connection is cut once it has carried `cutAfterBytes`, if it is an Nth one.
      let untilCut = opts.cutEvery && n % opts.cutEvery === 0 ? (opts.cutAfterBytes ?? 64 * 1024) : Infinity;
      const forward = (from: Socket, to: Socket) => {
        from.on('data', (chunk: Buffer) => {
          stats.bytes += chunk.length;
          untilCut -= chunk.length;
          if (untilCut <= 0) {
            stats.cut++;
            // Forward part of the chunk first, so the peer sees a truncated message, then reset.
            to.write(chunk.subarray(0, chunk.length >> 1));
            client.resetAndDestroy();
            upstream.resetAndDestroy();
            return;
          }
          if (!to.write(chunk)) {
            from.pause();
            to.once('drain', () => from.resume());
          }
        });
        from.once('end', () => to.end());
      };
      forward(client, upstream);
      forward(upstream, client);
      client.resume();
    };
    if (opts.delayMs) {
      stats.delayed++;
      setTimeout(open, opts.delayMs);
    } else open();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    host: '127.0.0.1',
    port,
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
