import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LithopsError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { type InputStamps, inputsUnchanged, stampInputs } from '../util/build-inputs.js';

export interface BundleOptions {
  includeModules?: readonly string[];
  excludeModules?: readonly string[];
  cacheDir: string;
}

export interface Bundle {
  code: Uint8Array;
  sha256: string;
}

const NODE_BUILTINS = new Set(builtinModules);

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

// CommonJS dependencies call `require` for builtins; give the ESM bundle one.
const BANNER =
  "import { createRequire as __lithopsCreateRequire } from 'node:module';\nconst require = __lithopsCreateRequire(import.meta.url);";

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

interface CacheEntry {
  sha256: string;
  inputs: InputStamps;
}

/**
 * Bundles one export of a module with esbuild into a self-contained ES module whose default
 * export is that function. Results are cached on disk, keyed by the inputs' sizes and mtimes.
 */
export async function bundleExport(file: string, exportName: string, opts: BundleOptions): Promise<Bundle> {
  const key = sha256(
    JSON.stringify([file, exportName, opts.includeModules ?? [], opts.excludeModules ?? [], process.version]),
  );
  const metaPath = join(opts.cacheDir, `${key}.json`);
  try {
    const entry = JSON.parse(readFileSync(metaPath, 'utf8')) as CacheEntry;
    if (inputsUnchanged(entry.inputs)) {
      const code = readFileSync(join(opts.cacheDir, `${entry.sha256}.mjs`));
      if (sha256(code) === entry.sha256) return { code, sha256: entry.sha256 };
    }
  } catch {}

  const esbuild = await import('esbuild');
  const include = opts.includeModules?.length ? new Set(opts.includeModules.map(packageName)) : undefined;
  const exclude = new Set((opts.excludeModules ?? []).map(packageName));
  const outfile = join(dirname(file), '__lithops_bundle__.mjs');
  const reexport = exportName === 'default' ? 'default' : exportName;
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      stdin: {
        contents: `export { ${reexport} as default } from ${JSON.stringify(pathToFileURL(file).pathname)};`,
        resolveDir: dirname(file),
        loader: 'js',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      outfile,
      sourcemap: 'external',
      metafile: true,
      logLevel: 'silent',
      banner: { js: BANNER },
      plugins: [
        {
          name: 'lithops-externals',
          setup(build) {
            build.onResolve({ filter: /^[^./]/ }, (args) => {
              if (args.path.startsWith('node:') || NODE_BUILTINS.has(args.path))
                return { path: args.path, external: true };
              const pkg = packageName(args.path);
              if (pkg === 'msgpackr-extract' || exclude.has(pkg) || (include && !include.has(pkg))) {
                return { path: args.path, external: true };
              }
              return undefined;
            });
            build.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, external: true }));
          },
        },
      ],
    });
  } catch (e) {
    const errors =
      (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const detail = errors
      .map((er) => `${er.location ? `${er.location.file}:${er.location.line}: ` : ''}${er.text}`)
      .join('; ');
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `Bundling ${file} for the workers failed: ${detail || (e as Error).message}`,
      {
        hint: 'Fix the import, or list the package in excludeModules if the runtime already has it.',
        cause: e,
      },
    );
  }
  const js = result.outputFiles!.find((f) => f.path.endsWith('.mjs'))!;
  const mapFile = result.outputFiles!.find((f) => f.path.endsWith('.map'))!;
  // Point the source map at absolute file URLs so remote stacks name the user's own files.
  const map = JSON.parse(mapFile.text) as { sources: string[]; sourceRoot?: string };
  map.sources = map.sources.map((s) => pathToFileURL(resolve(dirname(outfile), s)).href);
  delete map.sourceRoot;
  const text = `${js.text}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  const code = Buffer.from(text);
  const digest = sha256(code);
  const inputs = stampInputs(result.metafile!.inputs, process.cwd());
  writeCache(opts.cacheDir, digest, code, metaPath, { sha256: digest, inputs });
  return { code, sha256: digest };
}

/** Lists the names a module exports (without running it). */
export async function moduleExports(file: string): Promise<string[]> {
  const esbuild = await import('esbuild');
  try {
    const r = await esbuild.build({
      entryPoints: [file],
      bundle: false,
      write: false,
      metafile: true,
      format: 'esm',
      logLevel: 'silent',
      outdir: '/tmp/lithops-x',
    });
    return Object.values(r.metafile.outputs).flatMap((o) => o.exports);
  } catch {
    return [];
  }
}

/** Stores a bundle (and its build-cache entry) in the cache folder; a failure only costs a rebuild. */
export function writeCache(
  dir: string,
  digest: string,
  code: Uint8Array,
  metaPath: string | undefined,
  meta: CacheEntry | undefined,
): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(join(dir, `${digest}.mjs`), code);
    if (metaPath && meta) writeFileAtomic(metaPath, JSON.stringify(meta));
  } catch {
    // The cache is an optimisation only.
  }
}
