/**
 * Runs the real Azure Blob emulator (azurite-blob, pinned 3.35.0 because later releases need Node 22)
 * as a child process on a free loopback port, for tests through `@azure/storage-blob`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { START_TIMEOUT_MS } from './ports.js';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Memory cap of the in-memory extent store, in MB. Default 512 (Azurite's own default is 50% of RAM). */
  extentMemoryLimitMb?: number;
  /** How long to wait for the port to accept. Default 120 s. */
  startTimeoutMs?: number;
}

export interface Azurite {
  /** `DefaultEndpointsProtocol=http;AccountName=…;AccountKey=…;BlobEndpoint=…;` */
  connectionString: string;
  accountName: string;
  accountKey: string;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  port: number;
  stop(): Promise<void>;
}

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('azurite/package.json');
  const pkg = require(pkgPath) as { bin: Record<string, string> };
  const bin = pkg.bin['azurite-blob'];
  if (!bin) throw new Error('azurite package has no azurite-blob binary');
  return join(dirname(pkgPath), bin);
}

/** Starts azurite-blob and resolves once it listens; `stop()` ends it and removes its folder. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  // In-memory mode refuses --location; run it in a temp folder so nothing it writes lands in cwd.
  const location = await fs.mkdtemp(join(tmpdir(), 'lithops-azurite-'));
  const args = [
    azuriteBlobMain(),
    '--blobHost',
    '127.0.0.1',
    // Port 0: the OS picks a free port and Azurite prints it, so there is no race with other tests.
    '--blobPort',
    '0',
    '--inMemoryPersistence',
    '--extentMemoryLimit',
    String(options.extentMemoryLimitMb ?? 512),
    // Without it Azurite sends Application Insights telemetry to an Azure host.
    '--disableTelemetry',
    '--silent',
    // Newer SDKs send API versions this Azurite does not know yet.
    '--skipApiVersionCheck',
    '--loose',
  ];
  const child = spawn(process.execPath, args, { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(
        new Error(
          `azurite-blob did not start within ${options.startTimeoutMs ?? START_TIMEOUT_MS} ms:\n${output}`,
        ),
      );
    }, options.startTimeoutMs ?? START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        cleanup();
        resolve(Number(m[1]));
      }
    };
    const onExit = (code: number | null) =>
      fail(new Error(`azurite-blob exited with ${code} before listening:\n${output}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', fail);
    }
    function fail(e: Error) {
      cleanup();
      child.kill('SIGKILL');
      reject(e);
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', fail);
  }).catch(async (e: unknown) => {
    await fs.rm(location, { recursive: true, force: true });
    throw e;
  });
  // Keep draining its output so a chatty emulator never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  await waitForAccept(port);

  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    blobEndpoint,
    port,
    stop: () => stopChild(child, location),
  };
}

async function waitForAccept(port: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`azurite-blob does not accept on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess, location: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await fs.rm(location, { recursive: true, force: true });
}
