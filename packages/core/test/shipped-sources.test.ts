import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const shipped: string[] = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).files;

function maps(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? maps(join(dir, e.name)) : e.name.endsWith('.map') ? [join(dir, e.name)] : [],
  );
}

describe('stack frames of the installed package point at files it ships', () => {
  it('every source a dist map names exists and is in the published files', () => {
    const all = maps(join(pkgDir, 'dist'));
    expect(all.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const map of all) {
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      for (const s of sources) {
        const file = resolve(dirname(map), s);
        const top = relative(pkgDir, file).split('/')[0]!;
        if (!existsSync(file) || !shipped.includes(top)) missing.push(`${relative(pkgDir, map)} -> ${s}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
