import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LithopsError } from '../errors.js';
import { backendPackage, installHint } from '../plugin/known-backends.js';
import { sha256 } from '../ship/bundle.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { type InputStamps, inputsUnchanged, stampInputs } from '../util/build-inputs.js';
import { bundleCacheDir } from '../util/paths.js';
import { zipFiles } from './zip.js';

/** Name of the handler in a built runtime: `index.js`'s `handler` export. */
const RUNTIME_HANDLER = 'index.handler';
/** Bump when the layout of built runtimes changes, so cached builds are not reused. */
const BUILDER_VERSION = 1;

export interface RuntimeBuildOptions {
  /** Config name of the compute backend (labels the build cache). */
  backend: string;
  /** The backend's handler module (its prebuilt JS), exporting `handler`. */
  handler: string | URL;
  /**
   * Backends the workers load by config name: the job storage (`aws_s3`), a monitor
   * (`rabbitmq`). Each is bundled and registered, so no import by name happens in the cloud.
   */
  backends: readonly string[];
  /** Folders to resolve those packages from (the config's folder, the project). */
  resolveFrom?: readonly string[];
  /** Node major of the platform's runtime (`nodejs22.x` → 22). */
  nodeMajor: number;
  memoryMb: number;
  /** Env vars set at deploy time (storage keys...): only a hash of them enters the key. */
  env: Readonly<Record<string, string>>;
  cacheDir?: string;
}

export interface RuntimeArtifact {
  /** Derived from the bundle's content, the Node major, the memory and the env's hash. */
  key: string;
  /** The deployable zip (deterministic: equal contents, equal bytes). */
  zip: Buffer;
  codeSha256: string;
  files: string[];
  /** `<file>.<export>`, as Lambda-style platforms name a handler. */
  handler: string;
  nodeMajor: number;
  memoryMb: number;
}

interface BuildCacheEntry {
  codeSha256: string;
  files: string[];
  inputs: InputStamps;
}

/** A file of core itself, as built (`.js`), or as source when core runs from TypeScript. */
function coreFile(rel: string): string {
  const js = fileURLToPath(new URL(rel, import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

/** Hash of deploy-time env vars: they hold secrets, so only this ever appears in keys. */
export function envHash(env: Readonly<Record<string, string>>): string {
  return sha256(JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1)))).slice(0, 16);
}

/** The runtime key: content + Node major + memory + env hash. */
function runtimeKey(codeSha256: string, nodeMajor: number, memoryMb: number, envDigest: string): string {
  return sha256(JSON.stringify([codeSha256, nodeMajor, memoryMb, envDigest])).slice(0, 20);
}

async function resolvePackage(name: string, from: readonly string[]): Promise<string> {
  const spec = backendPackage(name) ?? name;
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('file:')) {
    return spec.startsWith('file:') ? fileURLToPath(spec) : resolve(from[0] ?? process.cwd(), spec);
  }
  const { resolve: resolveModule } = await import('import-meta-resolve');
  const parents = [...from, process.cwd()].map((d) => pathToFileURL(`${resolve(d)}/`).href);
  parents.push(import.meta.url);
  for (const parent of parents) {
    try {
      return fileURLToPath(resolveModule(spec, parent));
    } catch {}
  }
  throw new LithopsError('BACKEND_NOT_FOUND', `The runtime needs the package ${spec} (backend "${name}").`, {
    hint: installHint(spec),
  });
}

/** Backends built into core need no bundling of their own. */
const EMBEDDED = new Set(['localhost']);

/**
 * Bundles the worker runtime (core's worker + the backend's handler + the storage/monitor
 * backends) with esbuild into a zip: `index.js` (the handler), `call-thread.js` (its own entry:
 * the warm call thread loads it by file) and shared chunks. Built once per set of inputs and
 * cached on disk; the key follows the content, so a changed artifact gets a new key.
 */
export async function buildRuntime(o: RuntimeBuildOptions): Promise<RuntimeArtifact> {
  const handlerPath = typeof o.handler === 'string' ? o.handler : fileURLToPath(o.handler);
  const backends = [...new Set(o.backends)].filter((b) => !EMBEDDED.has(b)).sort();
  const paths = await Promise.all(backends.map((b) => resolvePackage(b, o.resolveFrom ?? [])));
  const cacheDir = o.cacheDir ?? join(dirname(bundleCacheDir()), 'runtimes');
  const inputsKey = sha256(JSON.stringify([BUILDER_VERSION, o.backend, handlerPath, paths, o.nodeMajor]));
  const metaPath = join(cacheDir, `${inputsKey}.json`);
  const finish = (codeSha256: string, files: string[], zip: Buffer): RuntimeArtifact => ({
    key: runtimeKey(codeSha256, o.nodeMajor, o.memoryMb, envHash(o.env)),
    zip,
    codeSha256,
    files,
    handler: RUNTIME_HANDLER,
    nodeMajor: o.nodeMajor,
    memoryMb: o.memoryMb,
  });
  try {
    const hit = JSON.parse(readFileSync(metaPath, 'utf8')) as BuildCacheEntry;
    if (inputsUnchanged(hit.inputs)) {
      const zip = readFileSync(join(cacheDir, `${hit.codeSha256}.zip`));
      if (sha256(zip) === hit.codeSha256) return finish(hit.codeSha256, hit.files, zip);
    }
  } catch {}

  const srcDir = join(cacheDir, `src-${inputsKey}`);
  mkdirSync(srcDir, { recursive: true });
  const register = [
    `import { registerEmbeddedBackend } from ${JSON.stringify(coreFile('../plugin/loader.js'))};`,
    ...paths.map((p, i) => `import b${i} from ${JSON.stringify(p)};\nregisterEmbeddedBackend(b${i});`),
  ].join('\n');
  writeFileSync(join(srcDir, 'register.mjs'), `${register}\n`);
  writeFileSync(
    join(srcDir, 'index.mjs'),
    `import './register.mjs';\nexport { handler } from ${JSON.stringify(handlerPath)};\n`,
  );
  writeFileSync(
    join(srcDir, 'call-thread.mjs'),
    `import './register.mjs';\nimport ${JSON.stringify(coreFile('../worker/call-thread.js'))};\n`,
  );
  const esbuild = await import('esbuild');
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      absWorkingDir: srcDir,
      entryPoints: { index: join(srcDir, 'index.mjs'), 'call-thread': join(srcDir, 'call-thread.mjs') },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${o.nodeMajor}`,
      outdir: join(srcDir, 'out'),
      entryNames: '[name]',
      chunkNames: 'chunk-[hash]',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // CommonJS dependencies call `require` for builtins; give every ESM chunk one.
      banner: {
        js: "import { createRequire as __lithopsCreateRequire } from 'node:module';\nconst require = __lithopsCreateRequire(import.meta.url);",
      },
      // Never needed by a worker (function bundling happens on the client), or native.
      external: ['esbuild', 'msgpackr-extract', '*.node'],
    });
  } catch (e) {
    throw new LithopsError('INTERNAL', `Building the ${o.backend} runtime failed: ${(e as Error).message}`, {
      backend: o.backend,
      hint: 'Rebuild the backend package (its handler is prebuilt), then deploy again.',
      cause: e,
    });
  }
  const out = join(srcDir, 'out');
  const entries = result
    .outputFiles!.map((f) => ({ name: f.path.slice(out.length + 1), data: f.contents }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  entries.unshift({ name: 'package.json', data: Buffer.from('{"type":"module"}\n') });
  const zip = zipFiles(entries);
  const codeSha256 = sha256(zip);
  const files = entries.map((e) => e.name);
  const inputs = stampInputs(result.metafile!.inputs, srcDir);
  try {
    writeFileAtomic(join(cacheDir, `${codeSha256}.zip`), zip);
    const entry: BuildCacheEntry = { codeSha256, files, inputs };
    writeFileAtomic(metaPath, JSON.stringify(entry));
  } catch {
    // The cache is an optimisation only.
  }
  return finish(codeSha256, files, zip);
}
