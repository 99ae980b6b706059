import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LithopsError } from '../errors.js';
import type {
  BackendDefinition,
  ComputeBackendDefinition,
  MonitorBackendDefinition,
  StorageBackendDefinition,
} from './define.js';
import { SPEC_VERSION } from './define.js';
import { backendNotFound, backendPackage, reservedNameError } from './known-backends.js';

type Kind = BackendDefinition['kind'];
type DefOf<K extends Kind> = K extends 'compute'
  ? ComputeBackendDefinition<unknown>
  : K extends 'storage'
    ? StorageBackendDefinition<unknown>
    : MonitorBackendDefinition<unknown>;

const DEFINE: Record<Kind, string> = {
  compute: 'defineComputeBackend',
  storage: 'defineStorageBackend',
  monitor: 'defineMonitorBackend',
};

const cache = new Map<string, Promise<BackendDefinition>>();

/** Definitions built into core (localhost); registered by core itself to avoid an import cycle. */
const embedded = new Map<string, BackendDefinition>();
export function registerEmbeddedBackend(def: BackendDefinition): void {
  embedded.set(`${def.kind}:${def.name}`, def);
}

function isRelative(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec) || spec.startsWith('file:');
}

/** Resolves a module specifier from the config's folder, then the project (cwd), then core itself. */
async function resolveSpecifier(spec: string, configDir: string): Promise<string | undefined> {
  if (isRelative(spec)) {
    return spec.startsWith('file:') ? spec : pathToFileURL(resolvePath(configDir, spec)).href;
  }
  const { resolve: resolveModule } = await import('import-meta-resolve');
  const parents = [configDir, process.cwd()].map((d) => pathToFileURL(`${resolvePath(d)}/`).href);
  parents.push(import.meta.url);
  for (const parent of parents) {
    try {
      return resolveModule(spec, parent);
    } catch {}
  }
  return undefined;
}

interface Problem {
  problem: string;
  hint?: string;
}

function shapeProblem(def: unknown, kind: Kind, spec: string): Problem | undefined {
  if (typeof def !== 'object' || def === null) {
    return { problem: 'its default export is not a backend definition object' };
  }
  const d = def as Record<string, unknown>;
  if (d.specVersion === undefined) {
    return {
      problem: `it declares no specVersion (the plugin-spec version it is built for; this @lithops/core supports specVersion ${SPEC_VERSION})`,
      hint: `Write specVersion: ${SPEC_VERSION} in its ${DEFINE[kind]}({...}).`,
    };
  }
  if (d.specVersion !== SPEC_VERSION) {
    const newer = typeof d.specVersion === 'number' && d.specVersion > SPEC_VERSION;
    return {
      problem: `it was built for specVersion ${JSON.stringify(d.specVersion)}, and this @lithops/core supports specVersion ${SPEC_VERSION}`,
      hint: newer
        ? `Upgrade @lithops/core to a version with specVersion ${JSON.stringify(d.specVersion)}, or use a version of ${spec} built for specVersion ${SPEC_VERSION}.`
        : `Use a version of ${spec} built for specVersion ${SPEC_VERSION} (its peer range of @lithops/core names the versions it fits).`,
    };
  }
  if (d.kind !== kind) return { problem: `it is a ${String(d.kind)} backend, not a ${kind} backend` };
  if (typeof d.name !== 'string' || !d.name) return { problem: 'it has no "name"' };
  if (typeof d.create !== 'function') return { problem: 'it has no "create" function' };
  const schema = d.configSchema as { safeParse?: unknown } | undefined;
  if (!schema || typeof schema.safeParse !== 'function')
    return { problem: 'its "configSchema" is not a zod schema' };
  return undefined;
}

/**
 * Loads the definition of a compute or storage backend by config name (`aws_s3`) or module
 * specifier (`my-backend`, `./backends/foo.js`).
 */
export function loadBackendDefinition<K extends Kind>(
  kind: K,
  name: string,
  configDir: string,
): Promise<DefOf<K>> {
  const builtin = embedded.get(`${kind}:${name}`);
  if (builtin) return Promise.resolve(builtin as unknown as DefOf<K>);
  const spec = backendPackage(name) ?? name;
  const key = `${kind}:${spec}:${isRelative(spec) ? configDir : ''}`;
  let p = cache.get(key);
  if (!p) {
    p = importDefinition(kind, name, spec, configDir);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p as unknown as Promise<DefOf<K>>;
}

async function importDefinition(
  kind: Kind,
  name: string,
  spec: string,
  configDir: string,
): Promise<BackendDefinition> {
  const reserved = reservedNameError(kind, name);
  if (reserved) throw reserved;
  const url = await resolveSpecifier(spec, configDir);
  if (!url) throw backendNotFound(kind, name);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const notThere = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && isRelative(spec);
    throw new LithopsError(
      notThere ? 'BACKEND_NOT_FOUND' : 'PLUGIN_INVALID',
      notThere
        ? `${kind} backend module ${url} does not exist.`
        : `Loading the ${kind} backend module ${url} failed: ${(e as Error).message}`,
      { backend: 'loader', hint: 'Check the module path in the config.', cause: e },
    );
  }
  const def = mod.default ?? mod.backend;
  const problem = shapeProblem(def, kind, spec);
  if (problem) {
    throw new LithopsError(
      'PLUGIN_INVALID',
      `The module ${spec} (${url}) is not a valid ${kind} backend: ${problem.problem}.`,
      {
        backend: 'loader',
        hint: problem.hint ?? `Export default ${DEFINE[kind]}({...}) from @lithops/core/plugin.`,
      },
    );
  }
  return def as BackendDefinition;
}
