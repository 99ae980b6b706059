import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FunctionExecutor,
  LithopsError,
  ServerlessExecutor,
  StandaloneExecutor,
  Storage,
} from '@lithops/core';
import { describe, expect, it } from 'vitest';
import { loadBackendDefinition } from '../src/plugin/loader.js';
import * as jobs from './fixtures/jobs.js';

const dir = mkdtempSync(join(tmpdir(), 'lithops-names-'));
const localStorage = { localhost: { storage_dir: dir } };

const COMPUTE = ['localhost', 'aws_lambda'];
const STORAGE = ['aws_s3', 'ibm_cos', 'gcp_storage', 'azure_storage', 'redis'];
const MONITOR = ['rabbitmq'];
const PLANNED = ['gcp_functions', 'azure_functions', 'code_engine', 'k8s', 'vm', 'aws_ec2'];

async function failure(p: Promise<unknown>): Promise<LithopsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!LithopsError.isInstance(err)) throw new Error(`expected a LithopsError, got ${String(err)}`);
  return err;
}

/** The names a message lists (its `... backends: a, b (planned ...: c, d)` part). */
function listed(message: string, names: readonly string[]): string[] {
  return names.filter((n) => new RegExp(`[:,] ${n}[,;) ]`).test(message));
}

describe('backend names', () => {
  it('a typo of a compute backend gets a did-you-mean and a list of compute backends only', async () => {
    const ex = new FunctionExecutor({ backend: 'lokalhost', config: localStorage });
    const err = await failure(ex.map(jobs.double, [1]));
    await ex.close();
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).toContain('Unknown compute backend "lokalhost"');
    expect(err.message).toContain('Did you mean "localhost"?');
    expect(listed(err.message, COMPUTE)).toEqual(COMPUTE);
    expect(listed(err.message, PLANNED)).toEqual(PLANNED);
    expect(listed(err.message, [...STORAGE, ...MONITOR])).toEqual([]);
  });

  it('a typo of a storage backend lists storage backends only', async () => {
    const err = await failure(Storage.fromConfig({ storage: 'rediss' }));
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).toContain('Unknown storage backend "rediss"');
    expect(err.message).toContain('Did you mean "redis"?');
    expect(listed(err.message, ['localhost', ...STORAGE])).toEqual(['localhost', ...STORAGE]);
    expect(listed(err.message, ['aws_lambda', ...PLANNED, ...MONITOR])).toEqual([]);
  });

  it('a typo of a monitoring backend lists monitoring backends only', async () => {
    const err = await failure(loadBackendDefinition('monitor', 'rabitmq', dir));
    expect(err.message).toContain('Unknown monitoring backend "rabitmq"');
    expect(err.message).toContain('Did you mean "rabbitmq"?');
    expect(listed(err.message, ['storage', ...MONITOR])).toEqual(['storage', ...MONITOR]);
    expect(listed(err.message, [...COMPUTE, ...STORAGE.slice(1), ...PLANNED])).toEqual([]);
  });

  it('a name far from every backend gets the list and no guess', async () => {
    const err = await failure(loadBackendDefinition('compute', 'quantum_annealer', dir));
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).not.toContain('Did you mean');
    expect(err.message).toContain('Compute backends: localhost, aws_lambda');
  });

  it.each(PLANNED)('the planned compute backend %s is not available yet', async (name) => {
    const err = await failure(loadBackendDefinition('compute', name, dir));
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).toContain(`The compute backend "${name}" (`);
    expect(err.message).toContain('is not available yet');
    expect(err.message).not.toContain('npm install');
  });

  it('StandaloneExecutor with no standalone backend configured says none is available yet', async () => {
    // No config at all, as a new user runs it (a config object would name its own backend).
    const ex = new StandaloneExecutor();
    const err = await failure(ex.map(jobs.double, [1]));
    await ex.close();
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).toContain('"vm" (standalone VMs over SSH) is not available yet');
    expect(err.message).not.toMatch(/Cannot find|ERR_MODULE_NOT_FOUND|npm install/);
  });

  it('an executor class whose mode the configured backend does not run names the backends of that mode', async () => {
    const standalone = new StandaloneExecutor({ config: localStorage });
    const err = await failure(standalone.map(jobs.double, [1]));
    await standalone.close();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('runs in localhost mode, not standalone mode');
    expect(err.message).toContain(
      'No standalone backend is available yet; planned, not available yet: vm, aws_ec2.',
    );
    const serverless = new ServerlessExecutor({ config: localStorage });
    const err2 = await failure(serverless.map(jobs.double, [1]));
    await serverless.close();
    expect(err2.message).toContain(
      'Use a serverless backend (aws_lambda); planned, not available yet: gcp_functions',
    );
  });

  it('a backend of another kind is named as such', async () => {
    const err = await failure(loadBackendDefinition('compute', 'aws_s3', dir));
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).toContain('"aws_s3" is a storage backend (Amazon S3');
    expect(err.message).toContain('not a compute backend');
    const monitor = await failure(Storage.fromConfig({ storage: 'rabbitmq' }));
    expect(monitor.message).toContain('"rabbitmq" is a monitoring backend (RabbitMQ), not a storage backend');
  });

  it('a published backend whose package is not installed gives the install line and the tarball way', async () => {
    // Core's own tests run where @lithops/aws-lambda is not a dependency.
    const ex = new FunctionExecutor({ backend: 'aws_lambda', config: localStorage });
    const err = await failure(ex.map(jobs.double, [1]));
    await ex.close();
    expect(err.code).toBe('BACKEND_NOT_FOUND');
    expect(err.message).toContain('needs the package @lithops/aws-lambda, which is not installed');
    expect(err.message).toContain('npm install @lithops/aws-lambda once the @lithops packages are published');
    expect(err.message).toContain('"Install from tarballs" section');
  });
});
