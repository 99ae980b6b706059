import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LithopsError, loadConfig } from '@lithops/core';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'lithops-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a config file named explicitly', () => {
  it('LITHOPS_CONFIG_FILE naming a missing file is CONFIG_INVALID, not another config', () => {
    const missing = join(dir, 'nope.yaml');
    let err: unknown;
    try {
      loadConfig({}, { LITHOPS_CONFIG_FILE: missing });
    } catch (e) {
      err = e;
    }
    expect(LithopsError.is(err, 'CONFIG_INVALID'), String(err)).toBe(true);
    expect((err as Error).message).toContain(`${missing} does not exist`);
    expect((err as LithopsError).hint).toContain('LITHOPS_CONFIG_FILE');
  });

  it('the configFile option naming a missing file is CONFIG_INVALID too', () => {
    expect(() => loadConfig({ configFile: join(dir, 'gone.yaml') }, {})).toThrow(/does not exist/);
  });

  it('an existing file named by LITHOPS_CONFIG_FILE is read', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'lithops:\n  backend: localhost\n  chunksize: 7\n');
    const cfg = loadConfig({}, { LITHOPS_CONFIG_FILE: file });
    expect(cfg.source).toBe(file);
    expect(cfg.lithops.chunksize).toBe(7);
  });
});
