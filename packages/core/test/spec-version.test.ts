// A backend package built against a core of another plugin spec, then run with this core as its
// peer dependency: the version it was built for travels in its own build, and the loader refuses it.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LithopsError, Storage } from '@lithops/core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const coreDir = fileURLToPath(new URL('..', import.meta.url));
// Inside core's package folder: the built plugin resolves `@lithops/core` to this (running) core.
const work = join(coreDir, 'test', `.tmp-spec-${process.pid}`);
const build = join(work, 'build');
const out = join(work, 'run');

/** Another copy of core, as a backend author would have installed it, with plugin spec 2. */
function copyCoreWithSpec2(): void {
  const copy = join(build, 'node_modules', '@lithops', 'core');
  mkdirSync(copy, { recursive: true });
  cpSync(join(coreDir, 'package.json'), join(copy, 'package.json'));
  cpSync(join(coreDir, 'dist'), join(copy, 'dist'), { recursive: true });
  for (const file of ['dist/plugin/define.js', 'dist/plugin/define.d.ts']) {
    const path = join(copy, file);
    const text = readFileSync(path, 'utf8');
    const changed = text.replace(/SPEC_VERSION( =|:) 1;/, 'SPEC_VERSION$1 2;');
    if (changed === text) throw new Error(`no SPEC_VERSION in ${file}`);
    writeFileSync(path, changed);
  }
}

const source = (
  name: string,
  version: number,
) => `import { defineStorageBackend, z } from '@lithops/core/plugin';

export default defineStorageBackend({
  name: '${name}',
  specVersion: ${version},
  configSchema: z.object({ storage_bucket: z.string().default('b') }).strict(),
  create() {
    throw new Error('not reached');
  },
});
`;

let diagnostics: string[] = [];

beforeAll(() => {
  mkdirSync(join(build, 'src'), { recursive: true });
  writeFileSync(join(build, 'package.json'), '{ "name": "spec-two-backend", "type": "module" }\n');
  copyCoreWithSpec2();
  writeFileSync(join(build, 'src', 'built-for-two.ts'), source('built_for_two', 2));
  writeFileSync(join(build, 'src', 'written-for-one.ts'), source('written_for_one', 1));
  // The author's normal build: tsc against the core in their node_modules (the spec-2 copy).
  const program = ts.createProgram(
    [join(build, 'src', 'built-for-two.ts'), join(build, 'src', 'written-for-one.ts')],
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      types: [],
      rootDir: join(build, 'src'),
      outDir: out,
    },
  );
  program.emit();
  diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('plugin spec version', () => {
  it('is checked when the backend compiles: another number than its core spec fails to build', () => {
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toContain('written-for-one.ts');
    expect(diagnostics[0]).toContain("Type '1' is not assignable to type '2'");
  });

  it('a backend built for spec 2 and run with this core (spec 1) fails to load, naming both', async () => {
    const err = await Storage.fromConfig({ storage: join(out, 'built-for-two.js') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(LithopsError.is(err, 'PLUGIN_INVALID')).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain('built-for-two.js');
    expect(message).toContain('it was built for specVersion 2');
    expect(message).toContain('this @lithops/core supports specVersion 1');
    expect(message).toContain('Upgrade @lithops/core');
  });

  it('a JavaScript backend that leaves out specVersion is refused with what to write', async () => {
    const file = join(out, 'no-version.js');
    writeFileSync(file, source('no_version', 1).replace('  specVersion: 1,\n', ''));
    const err = await Storage.fromConfig({ storage: file }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(LithopsError.is(err, 'PLUGIN_INVALID')).toBe(true);
    expect((err as Error).message).toContain('it declares no specVersion');
    expect((err as Error).message).toContain('Write specVersion: 1 in its defineStorageBackend({...}).');
  });
});
