import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/** What a cached build remembers of each input file: its size and mtime (`missing` once gone). */
export type InputStamps = Record<string, string>;

function stamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Stamps the input files of an esbuild metafile (paths relative to `baseDir`; stdin skipped). */
export function stampInputs(metafileInputs: Readonly<Record<string, unknown>>, baseDir: string): InputStamps {
  const stamps: InputStamps = {};
  for (const p of Object.keys(metafileInputs)) {
    if (p === '<stdin>') continue;
    const abs = resolve(baseDir, p);
    stamps[abs] = stamp(abs);
  }
  return stamps;
}

/** True while every input still has the size and mtime it had when the build was cached. */
export function inputsUnchanged(stamps: InputStamps): boolean {
  return Object.entries(stamps).every(([path, s]) => stamp(path) === s);
}
