import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionExecutor, LithopsError, Storage } from '@lithops/core';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A config file in a temp folder naming the fixture by a path relative to that folder. */
function configFor(storage: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flat-folder-cfg-'));
  const file = join(dir, 'lithops.yaml');
  writeFileSync(file, `lithops:\n  storage: ${JSON.stringify(relative(dir, join(fixtures, storage)))}\n`);
  return file;
}

async function loadError(storage: string): Promise<LithopsError> {
  try {
    await Storage.fromConfig({ configFile: configFor(storage) });
  } catch (e) {
    if (LithopsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`loading ${storage} succeeded`);
}

describe('a module that is not a valid storage backend', () => {
  it('a specVersion core does not support: PLUGIN_INVALID naming the module and both versions', async () => {
    const e = await loadError('wrong-spec.mjs');
    expect(e.code).toBe('PLUGIN_INVALID');
    expect(e.message).toContain('wrong-spec.mjs');
    expect(e.message).toContain('specVersion 2');
    expect(e.message).toContain('supports specVersion 1');
  });

  it('a definition without create: PLUGIN_INVALID naming the module', async () => {
    const e = await loadError('no-create.mjs');
    expect(e.code).toBe('PLUGIN_INVALID');
    expect(e.message).toContain('no-create.mjs');
    expect(e.message).toContain('no "create" function');
  });

  it('a class instead of a definition object: PLUGIN_INVALID with what to export', async () => {
    const e = await loadError('named-export.mjs');
    expect(e.code).toBe('PLUGIN_INVALID');
    expect(e.message).toContain('named-export.mjs');
    expect(e.message).toContain('defineStorageBackend');
  });

  it('a compute backend given as storage: PLUGIN_INVALID saying which kind it is', async () => {
    const e = await loadError('compute-kind.mjs');
    expect(e.code).toBe('PLUGIN_INVALID');
    expect(e.message).toContain('compute-kind.mjs');
    expect(e.message).toContain('is a compute backend, not a storage backend');
  });

  it('a module path that does not exist: BACKEND_NOT_FOUND naming the path', async () => {
    const e = await loadError('missing.mjs');
    expect(e.code).toBe('BACKEND_NOT_FOUND');
    expect(e.message).toContain('missing.mjs');
  });

  it('the executor reports the same error at the first map, before invoking anything', async () => {
    await using fexec = new FunctionExecutor({ configFile: configFor('wrong-spec.mjs') });
    const err = await fexec.map((x: number) => x, [1]).catch((e: unknown) => e);
    expect(LithopsError.is(err, 'PLUGIN_INVALID')).toBe(true);
    expect((err as Error).message).toContain('wrong-spec.mjs');
  });
});
