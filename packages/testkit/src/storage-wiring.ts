import { FunctionExecutor, LithopsError, Storage } from '@lithops/core';
import type { StorageBackend } from '@lithops/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptWithoutClose } from './script-exit.js';

/** A config with `lithops.storage` set to the backend, and its sections pointing at a test service. */
export interface StorageConfigFixture {
  config: Record<string, unknown>;
  /** Stops the service. */
  teardown?: () => Promise<void>;
}

/**
 * The end-to-end test of issue 4: a `map` on localhost compute whose job data all goes through
 * the configured storage backend. `inspect` is a backend on the same service, to find the data.
 */
export function describeExecutorOnStorage(
  name: string,
  factory: () => Promise<StorageConfigFixture & { inspect: StorageBackend; bucket: string }>,
): void {
  describe(`localhost compute with storage: ${name}`, () => {
    let fx: Awaited<ReturnType<typeof factory>>;
    beforeAll(async () => {
      fx = await factory();
    }, 60_000);
    afterAll(async () => {
      await fx?.inspect[Symbol.asyncDispose]();
      await fx?.teardown?.();
    });

    it('runs a map whose job data goes through the storage backend', async () => {
      const fexec = new FunctionExecutor({
        config: { ...fx.config, lithops: { ...(fx.config.lithops as object), backend: 'localhost' } },
      });
      try {
        const futures = await fexec.map((x: number) => x * 2, [1, 2, 3, 4]);
        expect(await fexec.getResult(futures)).toEqual([2, 4, 6, 8]);
        // The job's data is in the bucket, under the jobs prefix.
        const keys: string[] = [];
        for await (const e of fx.inspect.listObjects(fx.bucket, { prefix: 'lithops.jobs/' }))
          if (e.type === 'object') keys.push(e.key);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        await fexec.close();
      }
    }, 60_000);

    it('a script that maps and ends without close() exits on its own', async () => {
      const r = await runScriptWithoutClose({
        ...fx.config,
        lithops: { ...(fx.config.lithops as object), backend: 'localhost' },
      });
      expect(r.code, `hung or failed (${r.ms} ms): ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('[2,4,6]');
    }, 90_000);

    it('a script whose compute backend fails to load prints why and exits', async () => {
      const r = await runScriptWithoutClose({
        ...fx.config,
        lithops: { ...(fx.config.lithops as object), backend: 'no_such_backend' },
      });
      expect(r.code, `hung (${r.ms} ms): ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain('BACKEND_NOT_FOUND');
      expect(r.stderr).toContain('no_such_backend');
    }, 90_000);
  });
}

/**
 * The loader contract (DESIGN §3): the backend is found by its config name through
 * `Storage.fromConfig`, round-trips a cloud object and hands out its SDK client; a misspelt key
 * in its section is a CONFIG_INVALID that names the key and suggests the right one.
 */
export function describeStorageLoading(
  name: string,
  factory: () => Promise<
    StorageConfigFixture & {
      /** A method the raw SDK client has (`getClient()`). */
      clientMethod: string;
      /** Whether the test must create `storage_bucket` first (emulators that start empty). */
      createBucket?: boolean;
    }
  >,
  typo: { section: Record<string, unknown>; wrongKey: string; rightKey: string },
): void {
  describe(`${name} through the loader`, () => {
    it('is loaded by name from config through Storage.fromConfig', async () => {
      const fx = await factory();
      try {
        await using storage = await Storage.fromConfig({ config: fx.config });
        expect(storage.backendName).toBe(name);
        if (fx.createBucket) await storage.createBucket(storage.bucket);
        const co = await storage.putCloudObject('through the facade');
        expect(Buffer.from(await storage.getCloudObject(co)).toString()).toBe('through the facade');
        expect(co.key).toMatch(/^lithops\.jobs\/.+\/cloudobjects\/0$/);
        expect(typeof (storage.getClient() as Record<string, unknown>)[fx.clientMethod]).toBe('function');
        await storage.deleteObject(storage.bucket, co.key);
      } finally {
        await fx.teardown?.();
      }
    }, 60_000);

    it('a wrong config key → CONFIG_INVALID naming it and the right one', async () => {
      const err = await Storage.fromConfig({
        config: { lithops: { storage: name }, [name]: typo.section },
      }).catch((e: unknown) => e);
      expect(LithopsError.is(err, 'CONFIG_INVALID'), String(err)).toBe(true);
      expect((err as Error).message).toContain(`${name}.${typo.wrongKey}`);
      expect((err as Error).message).toContain(`did you mean "${typo.rightKey}"`);
    });
  });
}
