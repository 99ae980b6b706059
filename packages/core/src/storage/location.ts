import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LithopsError } from '../errors.js';

/** Short URL schemes of the cloud stores, and the storage backend each one means. */
export const SCHEME_BACKENDS: Readonly<Record<string, string>> = {
  s3: 'aws_s3',
  cos: 'ibm_cos',
  gs: 'gcp_storage',
  az: 'azure_storage',
};

/** An object, or a prefix when `key` is empty or ends with "/" (it may hold `*` globs). */
export interface ObjectLocation {
  kind: 'object';
  /** Config name of the storage backend. */
  backend: string;
  bucket: string;
  key: string;
}

/** An HTTP(S) URL, read with ranged GETs. */
export interface HttpLocation {
  kind: 'http';
  url: string;
}

/** A file or folder on this machine (read-only input). */
export interface FileLocation {
  kind: 'file';
  path: string;
}

export type Location = ObjectLocation | HttpLocation | FileLocation;

export interface ParseLocationOptions {
  /** The configured storage backend: what a bare `bucket/key` means. */
  storage?: string;
  /**
   * Refuse object locations of a backend other than `storage` (a job reads one storage backend).
   * Default true when `storage` is given.
   */
  onlyConfigured?: boolean;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9_+.-]*):\/\/(.*)$/s;

function bad(location: string, why: string, hint?: string): LithopsError {
  return new LithopsError('INVALID_ARGUMENT', `Invalid location ${JSON.stringify(location)}: ${why}.`, {
    backend: 'storage',
    ...(hint ? { hint } : {}),
  });
}

/** Storage backends we publish; a plugin's name is known when it is the configured one. */
const STORAGE_BACKENDS = ['localhost', 'aws_s3', 'ibm_cos', 'gcp_storage', 'azure_storage', 'redis'];

function storageBackendNames(configured: string | undefined): string[] {
  return configured && !STORAGE_BACKENDS.includes(configured)
    ? [...STORAGE_BACKENDS, configured]
    : STORAGE_BACKENDS;
}

function splitBucketKey(location: string, rest: string, backend: string): ObjectLocation {
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (!bucket) throw bad(location, 'the bucket name is empty', 'Write it as <scheme>://<bucket>/<key>.');
  if (bucket === '.' || bucket === '..') {
    throw bad(
      location,
      `"${bucket}" is not a bucket name`,
      'Relative paths are not locations: use an absolute path or file://.',
    );
  }
  return { kind: 'object', backend, bucket, key };
}

/**
 * The one parser for locations (DESIGN §4.2): `<backend_name>://bucket/key`, `s3://`, `cos://`,
 * `gs://`, `az://`, a bare `bucket/key` (the configured storage), `http(s)://` and absolute local
 * paths or `file://` URLs.
 */
export function parseLocation(location: string, opts: ParseLocationOptions = {}): Location {
  if (typeof location !== 'string' || location.length === 0) throw bad(String(location), 'it is empty');
  if (location.includes('\0')) throw bad(location, 'it contains a NUL byte');
  const onlyConfigured = opts.onlyConfigured ?? opts.storage !== undefined;
  const m = SCHEME.exec(location);
  if (!m) {
    if (isAbsolute(location)) return { kind: 'file', path: location };
    if (!opts.storage) {
      throw bad(
        location,
        'a bare bucket/key needs a configured storage backend',
        'Use <backend>://bucket/key, e.g. s3://bucket/key.',
      );
    }
    return splitBucketKey(location, location, opts.storage);
  }
  const scheme = m[1]!;
  const rest = m[2]!;
  const lower = scheme.toLowerCase();
  if (lower === 'http' || lower === 'https') return { kind: 'http', url: location };
  if (lower === 'file') {
    try {
      return { kind: 'file', path: fileURLToPath(location) };
    } catch (e) {
      throw Object.assign(bad(location, (e as Error).message), { cause: e });
    }
  }
  const known = storageBackendNames(opts.storage);
  const backend = SCHEME_BACKENDS[lower] ?? (known.includes(scheme) ? scheme : undefined);
  if (!backend) {
    const schemes = [...Object.keys(SCHEME_BACKENDS), ...known, 'http', 'https', 'file'];
    throw bad(
      location,
      `unknown scheme "${scheme}://"`,
      `Known schemes: ${schemes.map((s) => `${s}://`).join(', ')}.`,
    );
  }
  if (onlyConfigured && opts.storage && backend !== opts.storage) {
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `Location ${JSON.stringify(location)} is in storage backend "${backend}", but the configured storage is "${opts.storage}".`,
      {
        backend: 'storage',
        hint: `Set lithops.storage: ${backend} (and its config section), or use a location in ${opts.storage}.`,
      },
    );
  }
  return splitBucketKey(location, rest, backend);
}

/** The canonical `<backend_name>://bucket/key` form of an object location. */
export function formatLocation(loc: { backend: string; bucket: string; key: string }): string {
  return `${loc.backend}://${loc.bucket}/${loc.key}`;
}
