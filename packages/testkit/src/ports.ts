import { createServer, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a local service gets to start: a guard against a hang, sized for a slow, busy machine. */
export const START_TIMEOUT_MS = 120_000;

/** A TCP port that was free on 127.0.0.1 a moment ago (for servers that cannot listen on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on host:port. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.connect(port, host, () => done(true));
  });
}

/** Waits until host:port accepts connections, or throws after `timeoutMs` / when `failed()` says why. */
export async function waitForPort(
  host: string,
  port: number,
  opts: { timeoutMs?: number; failed?: () => string | undefined } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? START_TIMEOUT_MS);
  while (Date.now() < deadline) {
    const why = opts.failed?.();
    if (why) throw new Error(why);
    if (await canConnect(host, port)) return;
    await sleep(50);
  }
  throw new Error(`Nothing is listening on ${host}:${port} after ${opts.timeoutMs ?? START_TIMEOUT_MS} ms.`);
}
