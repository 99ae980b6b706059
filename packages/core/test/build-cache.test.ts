import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleExport } from '../src/ship/bundle.js';

describe('build cache', () => {
  it('reuses a bundle while its inputs are unchanged, and rebuilds one whose input changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lithops-build-cache-'));
    const cacheDir = join(dir, 'cache');
    const helper = join(dir, 'helper.mjs');
    const main = join(dir, 'main.mjs');
    writeFileSync(helper, 'export const word = "one";\n');
    writeFileSync(main, 'import { word } from "./helper.mjs";\nexport function f() { return word; }\n');
    const when = 1_700_000_000; // whole seconds: the mtime can be put back exactly
    utimesSync(helper, when, when);
    const first = await bundleExport(main, 'f', { cacheDir });
    // Same size and mtime: the stamps match, so the cached bundle is served (the edit goes unseen).
    writeFileSync(helper, 'export const word = "two";\n');
    utimesSync(helper, when, when);
    const again = await bundleExport(main, 'f', { cacheDir });
    expect(again.sha256).toBe(first.sha256);
    expect(Buffer.from(again.code).toString()).toContain('one');
    // An imported module (not the entry) changes: its stamp no longer matches.
    writeFileSync(helper, 'export const word = "three";\n');
    const changed = await bundleExport(main, 'f', { cacheDir });
    expect(changed.sha256).not.toBe(first.sha256);
    expect(Buffer.from(changed.code).toString()).toContain('three');
  });
});
