import { Socket } from 'node:net';
import { spawnManaged } from './child.js';
import { freePort, waitForPort } from './ports.js';

/** A Redis server to test against. */
export interface RedisHandle {
  host: string;
  port: number;
  password?: string;
  /** True when this process started the server (and `stop` ends it). */
  started: boolean;
  stop(): Promise<void>;
}

/** Sends PING (after AUTH when a password is given) and resolves with the first reply line. */
function ping(host: string, port: number, password?: string, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let buf = '';
    const done = (v: string | undefined) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(undefined));
    sock.once('error', () => done(undefined));
    sock.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\r\n');
      const want = password ? 2 : 1;
      if (lines.length > want) done(lines[want - 1]);
    });
    sock.connect(port, host, () => sock.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`));
  });
}

/**
 * A Redis for tests: 127.0.0.1:6379 when it answers PING (and no password is asked for), else a
 * `redis-server` started on a free port without persistence. A missing `redis-server` binary is
 * an error, not a skip: install it (Debian: `apt-get install redis-server`).
 */
export async function ensureRedis(opts: { password?: string } = {}): Promise<RedisHandle> {
  if (!opts.password && (await ping('127.0.0.1', 6379)) === '+PONG') {
    return { host: '127.0.0.1', port: 6379, started: false, stop: async () => {} };
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
    if (opts.password) args.push('--requirepass', opts.password);
    const proc = spawnManaged('redis-server', args);
    try {
      await waitForPort('127.0.0.1', port, { failed: proc.exitReason });
      if ((await ping('127.0.0.1', port, opts.password)) !== '+PONG')
        throw new Error(`redis-server on ${port} does not answer PING`);
      return {
        host: '127.0.0.1',
        port,
        ...(opts.password ? { password: opts.password } : {}),
        started: true,
        stop: () => proc.stop(),
      };
    } catch (e) {
      await proc.stop();
      lastError = e;
      if (/could not start/.test(String((e as Error).message))) break; // no binary: retrying won't help
    }
  }
  throw new Error(
    `Cannot start redis-server: ${(lastError as Error).message}. Install it (Debian: apt-get install redis-server).`,
    { cause: lastError },
  );
}
