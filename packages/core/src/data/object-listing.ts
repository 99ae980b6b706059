import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { LithopsError } from '../errors.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { CloudObject } from '../storage/cloud-object.js';
import { parseLocation } from '../storage/location.js';
import type { ChunkSource } from './descriptor.js';

/** One object to split, with its size from the listing. */
export interface ListedObject {
  source: ChunkSource;
  size: number;
  /** Identity for reduce-by-key: the canonical location. */
  location: string;
}

/** What listing needs from the executor. */
export interface ListingEnv {
  storage: StorageBackend;
  /** Local files are read in place on localhost; elsewhere they are uploaded for the job. */
  mode: 'localhost' | 'serverless' | 'standalone';
  prefix: string;
  executorId: string;
}

function globRegExp(pattern: string): RegExp {
  // `**` crosses "/", `*` stays within one path segment; everything else is literal.
  const body = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((lit) => lit.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

function notFound(what: string, cause?: unknown): LithopsError {
  return new LithopsError('NOT_FOUND', `No object matches ${what}.`, {
    backend: 'data',
    hint: 'Check the bucket, prefix or glob; a prefix ends with "/".',
    cause,
  });
}

async function listUnder(storage: StorageBackend, bucket: string, prefix: string, match?: RegExp) {
  const out: { key: string; size: number }[] = [];
  for await (const e of storage.listObjects(bucket, prefix ? { prefix } : {})) {
    if (e.type !== 'object') continue;
    // Zero-byte "folder" markers are not data.
    if (e.key.endsWith('/') && e.size === 0) continue;
    if (match && !match.test(e.key)) continue;
    out.push({ key: e.key, size: e.size });
  }
  return out;
}

async function listStorage(env: ListingEnv, backend: string, bucket: string, key: string, what: string) {
  const { storage } = env;
  const entry = (k: string, size: number): ListedObject => ({
    source: { kind: 'object', backend, bucket, key: k },
    size,
    location: `${backend}://${bucket}/${k}`,
  });
  const star = key.indexOf('*');
  if (star >= 0) {
    const found = await listUnder(storage, bucket, key.slice(0, star), globRegExp(key));
    if (found.length === 0) throw notFound(what);
    return found.map((o) => entry(o.key, o.size));
  }
  if (key === '' || key.endsWith('/')) {
    const found = await listUnder(storage, bucket, key);
    if (found.length === 0) throw notFound(what);
    return found.map((o) => entry(o.key, o.size));
  }
  try {
    return [entry(key, (await storage.headObject(bucket, key)).size)];
  } catch (e) {
    if (!LithopsError.is(e, 'NOT_FOUND')) throw e;
    // `bucket/books` with no such object: the folder `books/` is meant.
    const found = await listUnder(storage, bucket, `${key}/`);
    if (found.length === 0) throw notFound(what, e);
    return found.map((o) => entry(o.key, o.size));
  }
}

async function httpSize(url: string): Promise<number> {
  const head = await fetch(url, { method: 'HEAD' });
  const len = head.headers.get('content-length');
  if (head.ok && len !== null && head.headers.get('content-encoding') === null) return Number(len);
  // No usable HEAD: ask for one byte and read the total from Content-Range.
  const res = await fetch(url, { headers: { range: 'bytes=0-0' } });
  await res.body?.cancel();
  const total = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '')?.[1];
  if (res.status === 206 && total) return Number(total);
  throw new LithopsError(
    res.status === 404 || head.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE',
    `Cannot learn the size of ${url} (HEAD: HTTP ${head.status}, ranged GET: HTTP ${res.status}).`,
    { backend: 'http', hint: 'The server must answer HEAD with Content-Length, or support Range requests.' },
  );
}

async function listFiles(path: string): Promise<{ path: string; size: number }[]> {
  const star = path.indexOf('*');
  const root = star >= 0 ? dirname(path.slice(0, star + 1)) : path;
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(root);
  } catch (e) {
    throw notFound(path, e);
  }
  if (!st.isDirectory()) {
    if (star >= 0) throw notFound(path);
    return [{ path, size: st.size }];
  }
  const names = (await readdir(root, { recursive: true })).map((n) => join(root, n)).sort();
  const match = star >= 0 ? globRegExp(sep === '/' ? path : path.split(sep).join('/')) : undefined;
  const out: { path: string; size: number }[] = [];
  for (const p of names) {
    if (match && !match.test(sep === '/' ? p : p.split(sep).join('/'))) continue;
    const s = await stat(p);
    if (s.isFile()) out.push({ path: p, size: s.size });
  }
  if (out.length === 0) throw notFound(path);
  return out;
}

/** Remote workers cannot read this machine's files: those go to the job's storage first. */
async function uploadFile(env: ListingEnv, path: string, size: number): Promise<ListedObject> {
  const { storage } = env;
  const id = createHash('sha256').update(path).digest('hex').slice(0, 16);
  const key = `${env.prefix}/${env.executorId}/hostfiles/${id}-${basename(path)}`;
  await storage.putObject(storage.bucket, key, createReadStream(path));
  return {
    source: { kind: 'object', backend: storage.name, bucket: storage.bucket, key },
    size,
    location: path,
  };
}

/** The objects a location names, with their sizes, in listing order. */
export async function listLocation(loc: string | CloudObject, env: ListingEnv): Promise<ListedObject[]> {
  if (loc instanceof CloudObject) {
    if (loc.backend !== env.storage.name) {
      throw new LithopsError(
        'INVALID_ARGUMENT',
        `${loc.url} is in storage backend "${loc.backend}", but this job's storage is "${env.storage.name}".`,
        { backend: 'data', hint: 'A job reads one storage backend (plus HTTP and local files).' },
      );
    }
    return listStorage(env, loc.backend, loc.bucket, loc.key, loc.url);
  }
  const parsed = parseLocation(loc, { storage: env.storage.name });
  if (parsed.kind === 'object') return listStorage(env, parsed.backend, parsed.bucket, parsed.key, loc);
  if (parsed.kind === 'http')
    return [
      { source: { kind: 'http', url: parsed.url }, size: await httpSize(parsed.url), location: parsed.url },
    ];
  const files = await listFiles(parsed.path);
  if (env.mode === 'localhost')
    return files.map((f) => ({ source: { kind: 'file', path: f.path }, size: f.size, location: f.path }));
  return Promise.all(files.map((f) => uploadFile(env, f.path, f.size)));
}
