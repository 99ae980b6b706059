/**
 * A fake Google Cloud Storage server speaking the JSON API that `@google-cloud/storage` 7.x uses, so
 * storage backends are tested through the official client over real HTTP (no emulator runs here).
 *
 * Covered: buckets (create/get/list/delete), uploads (`multipart`, `media`, `resumable` with chunked
 * sessions and status queries), downloads (`alt=media`, `Range` → 206), object metadata, listing with
 * prefix/delimiter/maxResults/pageToken, deletes, `ifGenerationMatch` preconditions and GCS-shaped error
 * JSON. Object bodies live in a temp folder and are streamed in and out, so memory stays bounded.
 * Optionally checks service-account self-signed JWTs (`auth.publicKeys`), which lets tests see a 401.
 */
import { createHash, createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

// ---------------------------------------------------------------------------------------------
// CRC32C (Castagnoli), the checksum GCS reports; the client refuses uploads whose crc32c differs.

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Incremental CRC32C: feed with `update`, read the raw value or GCS's base64 big-endian form. */
export class Crc32c {
  private crc = 0xffffffff;

  update(data: Uint8Array): this {
    let c = this.crc;
    for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    this.crc = c;
    return this;
  }

  value(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }

  /** Base64 of the big-endian 4-byte value: the `crc32c` field and `x-goog-hash` form. */
  base64(): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.value());
    return b.toString('base64');
  }
}

// ---------------------------------------------------------------------------------------------
// State

interface StoredObject {
  name: string;
  bucket: string;
  path: string;
  size: number;
  generation: string;
  metageneration: string;
  contentType: string;
  md5Hash: string;
  crc32c: string;
  timeCreated: string;
  updated: string;
  metadata?: Record<string, string>;
}

interface Bucket {
  name: string;
  timeCreated: string;
  objects: Map<string, StoredObject>;
  /** Names in GCS order (UTF-8 bytes), rebuilt lazily after writes. */
  sorted?: string[];
}

interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  meta: ObjectMetadataIn;
  path: string;
  received: number;
  ifGenerationMatch?: string;
  done?: StoredObject;
  /** One request at a time per session, as GCS serializes them. */
  busy: boolean;
}

interface ObjectMetadataIn {
  contentType?: string;
  metadata?: Record<string, string>;
  crc32c?: string;
  md5Hash?: string;
}

export interface FakeGcsOptions {
  /** Loopback port; default a free one. */
  port?: number;
  /**
   * When set, every request needs `Authorization: Bearer <JWT>` signed (RS256) by one of these keys,
   * as a service account's self-signed JWT; anything else gets 401 like GCS's "Invalid Credentials".
   */
  auth?: { publicKeys: ReadonlyArray<KeyObject | string> };
}

export interface FakeGcs {
  /** `http://127.0.0.1:<port>`: pass as `apiEndpoint` to `new Storage()`. */
  endpoint: string;
  port: number;
  /** Number of requests served so far (all routes). */
  requests(): number;
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const notFoundBucket = () => new HttpError(404, 'The specified bucket does not exist.', 'notFound');

function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function nowIso(): string {
  return new Date().toISOString();
}

/** Starts the fake on a free loopback port. */
export async function startFakeGcs(options: FakeGcsOptions = {}): Promise<FakeGcs> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'lithops-fake-gcs-'));
  const buckets = new Map<string, Bucket>();
  const sessions = new Map<string, UploadSession>();
  const keys = (options.auth?.publicKeys ?? []).map((k) => (typeof k === 'string' ? createPublicKey(k) : k));
  let seq = 0;
  let generationSeq = Date.now() * 1000;
  let served = 0;
  let base = '';

  const tempPath = () => join(dir, `t${++seq}`);

  function getBucket(name: string): Bucket {
    const b = buckets.get(name);
    if (!b) throw notFoundBucket();
    return b;
  }

  function getObject(bucket: string, name: string): StoredObject {
    const o = getBucket(bucket).objects.get(name);
    if (!o) throw new HttpError(404, `No such object: ${bucket}/${name}`, 'notFound');
    return o;
  }

  function objectJson(o: StoredObject): Record<string, unknown> {
    const id = `${o.bucket}/${o.name}/${o.generation}`;
    const enc = encodeURIComponent(o.name);
    return {
      kind: 'storage#object',
      id,
      selfLink: `${base}/storage/v1/b/${o.bucket}/o/${enc}`,
      mediaLink: `${base}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`,
      name: o.name,
      bucket: o.bucket,
      generation: o.generation,
      metageneration: o.metageneration,
      contentType: o.contentType,
      storageClass: 'STANDARD',
      size: String(o.size),
      md5Hash: o.md5Hash,
      crc32c: o.crc32c,
      etag: Buffer.from(o.generation).toString('base64'),
      timeCreated: o.timeCreated,
      updated: o.updated,
      timeStorageClassUpdated: o.timeCreated,
      ...(o.metadata ? { metadata: o.metadata } : {}),
    };
  }

  function bucketJson(b: Bucket): Record<string, unknown> {
    return {
      kind: 'storage#bucket',
      id: b.name,
      selfLink: `${base}/storage/v1/b/${b.name}`,
      name: b.name,
      projectNumber: '0',
      metageneration: '1',
      location: 'US',
      storageClass: 'STANDARD',
      etag: 'CAE=',
      timeCreated: b.timeCreated,
      updated: b.timeCreated,
    };
  }

  function checkGenerationMatch(bucket: Bucket, name: string, want: string | null | undefined): void {
    if (want == null) return;
    const current = bucket.objects.get(name)?.generation ?? '0';
    if (current !== want) {
      throw new HttpError(
        412,
        'At least one of the pre-conditions you specified did not hold.',
        'conditionNotMet',
      );
    }
  }

  /** Hashes of a stored file, read back in a stream (the session file may have been rewound). */
  async function hashFile(path: string): Promise<{ size: number; md5: string; crc: string }> {
    const md5 = createHash('md5');
    const crc = new Crc32c();
    let size = 0;
    for await (const chunk of createReadStream(path)) {
      const b = chunk as Buffer;
      md5.update(b);
      crc.update(b);
      size += b.length;
    }
    return { size, md5: md5.digest('base64'), crc: crc.base64() };
  }

  /** Checks client-sent hashes (header `x-goog-hash` or metadata fields) as GCS does. */
  function checkHashes(
    got: { md5: string; crc: string },
    header: string | undefined,
    meta: ObjectMetadataIn,
  ): void {
    const want: { crc32c?: string; md5?: string } = {};
    for (const pair of (header ?? '').split(',')) {
      const i = pair.indexOf('=');
      if (i > 0) want[pair.slice(0, i).trim() as 'crc32c' | 'md5'] = pair.slice(i + 1).trim();
    }
    want.crc32c ??= meta.crc32c;
    want.md5 ??= meta.md5Hash;
    if ((want.crc32c && want.crc32c !== got.crc) || (want.md5 && want.md5 !== got.md5)) {
      throw new HttpError(
        400,
        'Provided CRC32C or MD5 hash does not match the calculated hash of the uploaded data.',
        'invalid',
      );
    }
  }

  /** Moves a finished upload into place as a new generation. */
  async function commit(
    bucketName: string,
    name: string,
    path: string,
    hashes: { size: number; md5: string; crc: string },
    meta: ObjectMetadataIn,
    ifGenerationMatch: string | null | undefined,
  ): Promise<StoredObject> {
    const bucket = getBucket(bucketName);
    checkGenerationMatch(bucket, name, ifGenerationMatch);
    const finalPath = join(dir, `o${++seq}`);
    await fs.rename(path, finalPath);
    const old = bucket.objects.get(name);
    const ts = nowIso();
    const o: StoredObject = {
      name,
      bucket: bucketName,
      path: finalPath,
      size: hashes.size,
      generation: String(++generationSeq),
      metageneration: '1',
      contentType: meta.contentType ?? 'application/octet-stream',
      md5Hash: hashes.md5,
      crc32c: hashes.crc,
      timeCreated: ts,
      updated: ts,
      ...(meta.metadata ? { metadata: meta.metadata } : {}),
    };
    if (!old) bucket.sorted = undefined;
    bucket.objects.set(name, o);
    // Open read streams keep their descriptor, so removing the old body does not cut readers short.
    if (old) await fs.rm(old.path, { force: true });
    return o;
  }

  /** Streams a request body to `path` (appending when `append`), hashing it on the way. */
  async function receive(req: IncomingMessage, path: string, skip = 0): Promise<number> {
    let n = 0;
    let toSkip = skip;
    const out = createWriteStream(path, { flags: 'a' });
    await pipeline(
      req,
      async function* (source: AsyncIterable<Buffer>) {
        for await (let chunk of source) {
          if (toSkip > 0) {
            const cut = Math.min(toSkip, chunk.length);
            toSkip -= cut;
            chunk = chunk.subarray(cut);
          }
          n += chunk.length;
          if (chunk.length) yield chunk;
        }
      },
      out,
    );
    return n;
  }

  // ---- handlers ------------------------------------------------------------------------------

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, bucketName: string) {
    const type = url.searchParams.get('uploadType');
    const ifGen = url.searchParams.get('ifGenerationMatch');
    if (req.method === 'POST' && type === 'resumable') {
      getBucket(bucketName);
      const meta = (await readJson(req)) as ObjectMetadataIn & { name?: string };
      const name = url.searchParams.get('name') ?? meta.name;
      if (!name) throw new HttpError(400, 'Required parameter: name', 'required');
      const contentType = req.headers['x-upload-content-type'];
      const id = `s${++seq}${Math.random().toString(36).slice(2, 10)}`;
      const path = tempPath();
      await fs.writeFile(path, '');
      sessions.set(id, {
        id,
        bucket: bucketName,
        name,
        meta: { ...meta, ...(typeof contentType === 'string' ? { contentType } : {}) },
        path,
        received: 0,
        ...(ifGen != null ? { ifGenerationMatch: ifGen } : {}),
        busy: false,
      });
      // Same host the client used (a proxy in front of the fake stays in the path), as GCS does.
      const host = header(req, 'host');
      const origin = host ? `http://${host}` : base;
      const location = `${origin}/upload/storage/v1/b/${encodeURIComponent(bucketName)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
      res.writeHead(200, { Location: location, 'Content-Length': '0' }).end();
      return;
    }
    if (req.method === 'PUT' && type === 'resumable') {
      await handleResumablePut(req, res, url);
      return;
    }
    if (req.method === 'DELETE' && type === 'resumable') {
      const s = sessions.get(url.searchParams.get('upload_id') ?? '');
      if (s) {
        sessions.delete(s.id);
        await fs.rm(s.path, { force: true });
      }
      res.writeHead(499, { 'Content-Length': '0' }).end();
      return;
    }
    if (req.method === 'POST' && (type === 'multipart' || type === 'media')) {
      getBucket(bucketName);
      const path = tempPath();
      try {
        let meta: ObjectMetadataIn & { name?: string } = {};
        if (type === 'media') {
          await receive(req, path);
          const ct = req.headers['content-type'];
          if (ct) meta.contentType = ct;
        } else {
          meta = await receiveMultipart(req, path);
        }
        const name = url.searchParams.get('name') ?? meta.name;
        if (!name) throw new HttpError(400, 'Required parameter: name', 'required');
        const hashes = await hashFile(path);
        checkHashes(hashes, header(req, 'x-goog-hash'), meta);
        const o = await commit(bucketName, name, path, hashes, meta, ifGen);
        sendJson(res, 200, objectJson(o));
      } finally {
        await fs.rm(path, { force: true });
      }
      return;
    }
    throw new HttpError(400, `Unsupported upload: ${req.method} uploadType=${type}`, 'invalid');
  }

  async function handleResumablePut(req: IncomingMessage, res: ServerResponse, url: URL) {
    const s = sessions.get(url.searchParams.get('upload_id') ?? '');
    if (!s) throw new HttpError(404, 'No such upload session.', 'notFound');
    if (s.done) {
      req.resume();
      sendJson(res, 200, objectJson(s.done));
      return;
    }
    const range = header(req, 'content-range') ?? 'bytes */*';
    const m = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(range.trim());
    if (!m) throw new HttpError(400, `Invalid Content-Range: ${range}`, 'invalid');
    const [, startS, endS, totalS] = m;
    const total = totalS === '*' ? undefined : Number(totalS);
    const incomplete = () => {
      const headers: Record<string, string> = { 'Content-Length': '0' };
      if (s.received > 0) headers.Range = `bytes=0-${s.received - 1}`;
      res.writeHead(308, headers).end();
    };
    if (startS === undefined) {
      // Status query (`bytes */*`), or the final empty request of an object whose size is a multiple
      // of the chunk size (`bytes */TOTAL`).
      req.resume();
      if (total !== undefined && total === s.received) await finishSession(s, req, res);
      else incomplete();
      return;
    }
    if (s.busy)
      throw new HttpError(503, 'Another request for this upload session is in progress.', 'backendError');
    const start = Number(startS);
    if (start > s.received) {
      req.resume();
      throw new HttpError(
        400,
        `Upload offset ${start} is past the ${s.received} bytes persisted so far.`,
        'invalid',
      );
    }
    s.busy = true;
    const before = s.received;
    try {
      try {
        const n = await receive(req, s.path, s.received - start);
        s.received += n;
      } catch (e) {
        // An interrupted request persists nothing (allowed by the protocol): rewind to the last
        // acknowledged byte so the client resumes from what the status query reports.
        await fs.truncate(s.path, before);
        s.received = before;
        throw e;
      }
      const endOfRequest = endS === '*' ? undefined : Number(endS);
      const finalSize = total ?? (endS === '*' ? s.received : undefined);
      if (finalSize !== undefined && s.received >= finalSize) {
        await finishSession(s, req, res);
        return;
      }
      // Intermediate chunks must be multiples of 256 KiB, as on GCS.
      if (endOfRequest !== undefined && (endOfRequest + 1 - start) % (256 * 1024) !== 0) {
        await fs.truncate(s.path, before);
        s.received = before;
        throw new HttpError(
          400,
          "Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144).",
          'invalid',
        );
      }
      incomplete();
    } finally {
      s.busy = false;
    }
  }

  async function finishSession(s: UploadSession, req: IncomingMessage, res: ServerResponse) {
    const hashes = await hashFile(s.path);
    try {
      checkHashes(hashes, header(req, 'x-goog-hash'), s.meta);
    } catch (e) {
      sessions.delete(s.id);
      await fs.rm(s.path, { force: true });
      throw e;
    }
    const o = await commit(s.bucket, s.name, s.path, hashes, s.meta, s.ifGenerationMatch);
    s.done = o;
    sendJson(res, 200, objectJson(o));
  }

  async function handleDownload(req: IncomingMessage, res: ServerResponse, o: StoredObject) {
    const headers: Record<string, string> = {
      'Content-Type': o.contentType,
      'Accept-Ranges': 'bytes',
      ETag: Buffer.from(o.generation).toString('base64'),
      'Last-Modified': new Date(o.updated).toUTCString(),
      'x-goog-generation': o.generation,
      'x-goog-metageneration': o.metageneration,
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(o.size),
      'x-goog-hash': `crc32c=${o.crc32c},md5=${o.md5Hash}`,
    };
    const rangeHeader = header(req, 'range');
    let start = 0;
    let end = o.size - 1;
    let status = 200;
    if (rangeHeader) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
      if (m && (m[1] || m[2])) {
        if (m[1]) {
          start = Number(m[1]);
          if (m[2]) end = Math.min(Number(m[2]), o.size - 1);
        } else {
          start = Math.max(0, o.size - Number(m[2]));
        }
        if (start >= o.size || start > end) {
          res.setHeader('Content-Range', `bytes */${o.size}`);
          throw new HttpError(
            416,
            'The requested range cannot be satisfied.',
            'requestedRangeNotSatisfiable',
          );
        }
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${o.size}`;
      }
    }
    headers['Content-Length'] = String(Math.max(0, end - start + 1));
    res.writeHead(status, headers);
    if (o.size === 0 || req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(o.path, { start, end }), res);
  }

  function handleList(res: ServerResponse, url: URL, bucket: Bucket) {
    const q = url.searchParams;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const startOffset = q.get('startOffset');
    const endOffset = q.get('endOffset');
    const max = Math.min(Math.max(Number(q.get('maxResults') ?? 1000) || 1000, 1), 1000);
    const token = q.get('pageToken');
    const after = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
    bucket.sorted ??= [...bucket.objects.keys()].sort(compareNames);
    const names = bucket.sorted;
    // Binary search for the first name past the token (or at the prefix).
    const from = after ?? prefix;
    let lo = 0;
    let hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compareNames(names[mid]!, from);
      if (c < 0 || (after !== undefined && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    const items: Record<string, unknown>[] = [];
    const prefixes: string[] = [];
    let last: string | undefined;
    let more = false;
    for (let i = lo; i < names.length; i++) {
      const name = names[i]!;
      if (!name.startsWith(prefix)) {
        if (compareNames(name, prefix) > 0) break;
        continue;
      }
      if (startOffset && compareNames(name, startOffset) < 0) continue;
      if (endOffset && compareNames(name, endOffset) >= 0) break;
      if (items.length + prefixes.length >= max) {
        more = true;
        break;
      }
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const p = name.slice(0, cut + delimiter.length);
        prefixes.push(p);
        // Skip every other name under this common prefix: the token resumes past all of them.
        last = `${p}\u{10FFFF}`;
        while (i + 1 < names.length && names[i + 1]!.startsWith(p)) i++;
        continue;
      }
      items.push(objectJson(bucket.objects.get(name)!));
      last = name;
    }
    const body: Record<string, unknown> = { kind: 'storage#objects' };
    if (items.length) body.items = items;
    if (prefixes.length) body.prefixes = prefixes;
    if (more && last !== undefined) body.nextPageToken = Buffer.from(last).toString('base64url');
    sendJson(res, 200, body);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    if (keys.length) checkAuth(req, keys);
    let path = url.pathname;
    const upload = path.startsWith('/upload/storage/v1/');
    if (upload) path = path.slice('/upload/storage/v1'.length);
    else if (path.startsWith('/download/storage/v1/')) path = path.slice('/download/storage/v1'.length);
    else if (path.startsWith('/storage/v1/')) path = path.slice('/storage/v1'.length);
    // Emulator mode (STORAGE_EMULATOR_HOST) sends JSON calls without the /storage/v1 prefix.
    const parts = path.split('/').slice(1);
    if (parts[0] !== 'b') throw new HttpError(404, `Not Found: ${url.pathname}`, 'notFound');
    const bucketName = parts[1] ? decodeURIComponent(parts[1]) : undefined;

    if (upload) {
      if (!bucketName || parts[2] !== 'o') throw new HttpError(404, 'Not Found', 'notFound');
      await handleUpload(req, res, url, bucketName);
      return;
    }

    if (!bucketName) {
      if (req.method === 'POST') {
        if (!url.searchParams.get('project'))
          throw new HttpError(400, 'Required parameter: project', 'required');
        const body = (await readJson(req)) as { name?: string };
        if (!body.name) throw new HttpError(400, 'Required: name', 'required');
        if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(body.name)) {
          throw new HttpError(400, `Invalid bucket name: '${body.name}'`, 'invalid');
        }
        if (buckets.has(body.name)) {
          throw new HttpError(
            409,
            'Your previous request to create the named bucket succeeded and you already own it.',
            'conflict',
          );
        }
        const b: Bucket = { name: body.name, timeCreated: nowIso(), objects: new Map() };
        buckets.set(b.name, b);
        sendJson(res, 200, bucketJson(b));
        return;
      }
      if (req.method === 'GET') {
        const items = [...buckets.values()].sort((a, b) => compareNames(a.name, b.name)).map(bucketJson);
        sendJson(res, 200, { kind: 'storage#buckets', ...(items.length ? { items } : {}) });
        return;
      }
      throw new HttpError(405, 'Method not allowed', 'invalid');
    }

    if (parts.length === 2) {
      const b = getBucket(bucketName);
      if (req.method === 'GET') {
        sendJson(res, 200, bucketJson(b));
        return;
      }
      if (req.method === 'DELETE') {
        if (b.objects.size > 0)
          throw new HttpError(409, 'The bucket you tried to delete is not empty.', 'conflict');
        buckets.delete(bucketName);
        res.writeHead(204).end();
        return;
      }
      throw new HttpError(405, 'Method not allowed', 'invalid');
    }

    if (parts[2] !== 'o') throw new HttpError(404, `Not Found: ${url.pathname}`, 'notFound');
    const bucket = getBucket(bucketName);
    if (parts.length === 3) {
      if (req.method !== 'GET') throw new HttpError(405, 'Method not allowed', 'invalid');
      handleList(res, url, bucket);
      return;
    }
    if (parts.length !== 4) throw new HttpError(404, `Not Found: ${url.pathname}`, 'notFound');
    const name = decodeURIComponent(parts[3]!);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const o = getObject(bucketName, name);
      if (url.searchParams.get('alt') === 'media') await handleDownload(req, res, o);
      else sendJson(res, 200, objectJson(o));
      return;
    }
    if (req.method === 'DELETE') {
      getObject(bucketName, name);
      checkGenerationMatch(bucket, name, url.searchParams.get('ifGenerationMatch'));
      const o = bucket.objects.get(name)!;
      bucket.objects.delete(name);
      bucket.sorted = undefined;
      await fs.rm(o.path, { force: true });
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PATCH') {
      const o = getObject(bucketName, name);
      const patch = (await readJson(req)) as ObjectMetadataIn;
      if (patch.contentType) o.contentType = patch.contentType;
      if (patch.metadata) o.metadata = { ...o.metadata, ...patch.metadata };
      o.metageneration = String(Number(o.metageneration) + 1);
      o.updated = nowIso();
      sendJson(res, 200, objectJson(o));
      return;
    }
    throw new HttpError(405, 'Method not allowed', 'invalid');
  }

  const server: Server = createServer((req, res) => {
    served++;
    route(req, res).catch((e: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (!req.complete) req.resume();
      if (e instanceof HttpError) {
        sendJson(res, e.status, {
          error: {
            code: e.status,
            message: e.message,
            errors: [{ message: e.message, domain: 'global', reason: e.reason }],
          },
        });
      } else {
        const message = e instanceof Error ? e.message : String(e);
        sendJson(res, 500, {
          error: { code: 500, message, errors: [{ message, domain: 'global', reason: 'backendError' }] },
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    endpoint: base,
    port,
    requests: () => served,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': String(data.length),
  });
  res.end(data);
}

/** Small JSON bodies only (metadata); capped so a stray upload cannot fill memory. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > 1 << 20) throw new HttpError(413, 'Metadata too large.', 'invalid');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Invalid JSON payload.', 'parseError');
  }
}

/**
 * Parses a `multipart/related` upload (JSON metadata part, then the media part) and streams the media
 * into `path`, holding back only enough bytes to strip the closing boundary.
 */
async function receiveMultipart(
  req: IncomingMessage,
  path: string,
): Promise<ObjectMetadataIn & { name?: string }> {
  const ct = header(req, 'content-type') ?? '';
  const bm = /boundary="?([^";]+)"?/i.exec(ct);
  if (!bm) throw new HttpError(400, 'Missing multipart boundary.', 'invalid');
  const delim = Buffer.from(`--${bm[1]}`);
  const closing = Buffer.from(`\r\n--${bm[1]}`);
  let head: Buffer = Buffer.alloc(0);
  let meta: (ObjectMetadataIn & { name?: string }) | undefined;
  let out: WriteStream | undefined;
  let tail: Buffer = Buffer.alloc(0);
  const write = (b: Buffer) =>
    new Promise<void>((resolve, reject) => out!.write(b, (e) => (e ? reject(e) : resolve())));
  try {
    for await (const c of req) {
      const chunk = c as Buffer;
      if (!out) {
        head = Buffer.concat([head, chunk]);
        if (head.length > (1 << 20) + 4096 && !meta)
          throw new HttpError(413, 'Metadata too large.', 'invalid');
        // Part 1: headers, blank line, JSON, CRLF; part 2: headers, blank line, media...
        const p1 = head.indexOf(delim);
        if (p1 < 0) continue;
        const h1 = head.indexOf('\r\n\r\n', p1);
        if (h1 < 0) continue;
        const p2 = head.indexOf(delim, h1);
        if (p2 < 0) continue;
        const h2 = head.indexOf('\r\n\r\n', p2);
        if (h2 < 0) continue;
        const json = head
          .subarray(h1 + 4, p2)
          .toString('utf8')
          .trim();
        meta = json ? (JSON.parse(json) as ObjectMetadataIn & { name?: string }) : {};
        const partHeaders = head.subarray(p2 + delim.length, h2).toString('latin1');
        const mct = /content-type:\s*([^\r\n]+)/i.exec(partHeaders);
        if (mct && !meta.contentType) meta.contentType = mct[1]!.trim();
        out = createWriteStream(path);
        tail = head.subarray(h2 + 4);
        head = Buffer.alloc(0);
      } else {
        tail = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      }
      // Keep enough at the end to find the closing delimiter once the body ends.
      const keep = closing.length + 8;
      if (tail.length > keep) {
        await write(tail.subarray(0, tail.length - keep));
        tail = Buffer.from(tail.subarray(tail.length - keep));
      }
    }
    if (!out || !meta) throw new HttpError(400, 'Malformed multipart body.', 'invalid');
    const end = tail.lastIndexOf(closing);
    if (end < 0) throw new HttpError(400, 'Malformed multipart body: no closing boundary.', 'invalid');
    await write(tail.subarray(0, end));
    await new Promise<void>((resolve, reject) => out!.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return meta;
  } catch (e) {
    out?.destroy();
    if (e instanceof SyntaxError) throw new HttpError(400, 'Invalid JSON metadata part.', 'parseError');
    throw e;
  }
}

/** Verifies a service account's self-signed RS256 JWT against the configured public keys. */
function checkAuth(req: IncomingMessage, keys: readonly KeyObject[]): void {
  const deny = () => new HttpError(401, 'Invalid Credentials', 'authError');
  const auth = header(req, 'authorization');
  const m = auth ? /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(auth) : null;
  if (!m) throw deny();
  const [, h, p, sig] = m;
  let claims: { exp?: number };
  try {
    const hdr = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as { alg?: string };
    if (hdr.alg !== 'RS256') throw deny();
    claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as { exp?: number };
  } catch {
    throw deny();
  }
  const signed = Buffer.from(`${h}.${p}`);
  const ok = keys.some((k) => verifySignature('sha256', signed, k, Buffer.from(sig!, 'base64url')));
  if (!ok || (claims.exp !== undefined && claims.exp * 1000 < Date.now())) throw deny();
}
