import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnManaged } from './child.js';
import { START_TIMEOUT_MS } from './ports.js';

/** A running s3rver (S3 emulator) and how to reach it. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  host: string;
  port: number;
  /** s3rver checks signatures: these are the keys it accepts. */
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Where it keeps objects (removed by `stop`). */
  directory: string;
  stop(): Promise<void>;
}

// Runs in the child: port 0 so there is no race for a free port, and the chosen port is printed.
const SERVER_SCRIPT = `
const S3rver = require(process.argv[1]);
const [directory, buckets, keys] = [process.argv[2], JSON.parse(process.argv[3]), JSON.parse(process.argv[4])];
if (keys) {
  const { DUMMY_ACCOUNT } = require(require('node:path').join(require('node:path').dirname(process.argv[1]), 'models', 'account'));
  DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  DUMMY_ACCOUNT.createKeyPair(keys.accessKeyId, keys.secretAccessKey);
}
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })) })
  .run().then(({ port }) => process.stdout.write('S3RVER_PORT=' + port + '\\n'),
    (e) => { console.error(e); process.exit(1); });
`;

/**
 * Starts s3rver 3.7.1 in a child process on a free loopback port, with the legacy OpenSSL
 * provider it needs for paged listings (it encrypts continuation tokens with DES).
 */
export async function startS3rver(
  opts: {
    buckets?: string[];
    timeoutMs?: number;
    /** The only keys it accepts, instead of its built-in `S3RVER`/`S3RVER`. */
    credentials?: { accessKeyId: string; secretAccessKey: string };
  } = {},
): Promise<S3rverHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'lithops-s3rver-'));
  const main = createRequire(import.meta.url).resolve('s3rver');
  const env = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --openssl-legacy-provider`.trim(),
  };
  const proc = spawnManaged(
    process.execPath,
    [
      '-e',
      SERVER_SCRIPT,
      main,
      directory,
      JSON.stringify(opts.buckets ?? []),
      JSON.stringify(opts.credentials ?? null),
    ],
    { env },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`s3rver did not start within ${opts.timeoutMs ?? START_TIMEOUT_MS} ms: ${proc.output()}`),
        ),
      opts.timeoutMs ?? START_TIMEOUT_MS,
    );
    const onData = () => {
      const m = /S3RVER_PORT=(\d+)/.exec(proc.output());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.child.stdout?.on('data', onData);
    proc.child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(proc.exitReason() ?? 's3rver exited'));
    });
  }).catch(async (e: unknown) => {
    await proc.stop();
    await rm(directory, { recursive: true, force: true });
    throw e;
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    accessKeyId: opts.credentials?.accessKeyId ?? 'S3RVER',
    secretAccessKey: opts.credentials?.secretAccessKey ?? 'S3RVER',
    region: 'us-east-1',
    directory,
    async stop() {
      await proc.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
