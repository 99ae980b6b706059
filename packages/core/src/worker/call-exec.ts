/**
 * What a warm call thread runs calls with: imports function bundles and runs one call at a time,
 * so its host can enforce a timeout (terminate) and a heap limit (resourceLimits) and survive
 * both. Imported only by thread entry points (call-thread.js, the localhost pool-thread.js).
 */
import { workerData } from 'node:worker_threads';
import { assertCloneable } from '../codec/cloneable.js';
import { decode, encodeResult } from '../codec/codec.js';
import { functionInput } from '../data/worker-input.js';
import '../storage/embedded.js';
import { lithopsSectionSchema } from '../config/lithops-section.js';
import type { StorageBackend } from '../plugin/storage-backend.js';
import { createStorageBackend } from '../storage/create.js';
import { LazyStorageBackend } from '../storage/lazy-backend.js';
import { Storage } from '../storage/storage.js';
import type { Logger } from '../util/logger.js';
import type { CallReply, CallRequest, CallThreadData } from './call-messages.js';
import type { CallContext } from './context.js';
import { OutputCapture } from './output-capture.js';
import { serializeError } from './remote-error.js';
import { importVerified } from './verified-import.js';

// Bundles carry inline source maps: remote stacks then name the user's own files and lines.
process.setSourceMapsEnabled(true);

// Helpers transpilers inject into function sources shipped by source.
(globalThis as Record<string, unknown>).__name ??= (target: object, value: string) =>
  Object.defineProperty(target, 'name', { value, configurable: true });

const data = (workerData ?? {}) as CallThreadData;
const capture = new OutputCapture();
const modules = new Map<string, Promise<(input: unknown, ctx: CallContext) => unknown>>();
// Created once per thread, in the background while the first bundle loads.
const storage: {
  backend?: StorageBackend;
  jobsPrefix?: string;
  /** Settles once the backend is created (or failed to be); undefined after that. */
  starting?: Promise<void>;
} = {};
/** The running call; its AbortController is made only if the call reads `ctx.signal`. */
let current: { seq: number; ctrl?: AbortController; reason?: Error } | undefined;

function signalOf(call: { ctrl?: AbortController; reason?: Error }): AbortSignal {
  if (!call.ctrl) {
    call.ctrl = new AbortController();
    if (call.reason) call.ctrl.abort(call.reason);
  }
  return call.ctrl.signal;
}

/** The default export of a bundle, imported once per thread (callable ahead of its first call). */
export function loadFunction(path: string, sha256: string) {
  let p = modules.get(path);
  if (!p) {
    p = importVerified(path, sha256).then((m: { default?: unknown }) => {
      if (typeof m.default !== 'function')
        throw new TypeError(`The bundle ${path} does not export a function.`);
      return m.default as (input: unknown, ctx: CallContext) => unknown;
    });
    modules.set(path, p);
    p.catch(() => modules.delete(path));
  }
  return p;
}

/**
 * The storage behind `ctx.storage`, created in the background at thread start. A call waits for
 * it to be created before it runs (only the first calls of a thread can), so `ctx.storage.bucket`
 * is there at once; a backend that could not be created fails the storage calls, not the call.
 */
function startStorage(cfg: NonNullable<CallThreadData['storageConfig']>): void {
  const lithops = cfg.lithops ?? lithopsSectionSchema.parse(cfg.raw.lithops ?? {});
  storage.jobsPrefix = lithops.jobs_prefix;
  const created = createStorageBackend({ raw: cfg.raw, lithops, source: cfg.source, dir: cfg.dir });
  storage.backend = new LazyStorageBackend(created);
  storage.starting = created.then(
    () => {
      storage.starting = undefined;
    },
    () => {
      storage.starting = undefined;
    },
  );
}
if (data.storageConfig) startStorage(data.storageConfig);

/** This thread's storage backend (undefined without a storage config). */
export function threadStorage(): StorageBackend | undefined {
  return storage.backend;
}

const log: Logger = {
  debug: (m) => capture.add(`[debug] ${m}\n`),
  info: (m) => capture.add(`[info] ${m}\n`),
  warn: (m) => capture.add(`[warn] ${m}\n`),
  error: (m) => capture.add(`[error] ${m}\n`),
};

/** The reply of a call that threw (or whose result could not be encoded). */
function failedReply(
  req: CallRequest,
  e: unknown,
  fnStart: number,
  fnEnd: number,
  unserializable?: true,
): CallReply {
  const reply: CallReply = {
    type: 'done',
    seq: req.seq,
    ok: false,
    error: serializeError(e),
    fnStart,
    fnEnd,
    output: capture.take(),
  };
  if (unserializable) reply.unserializable = true;
  return reply;
}

/** Runs one call; never rejects (a failure is a reply). */
export async function runCall(req: CallRequest): Promise<CallReply> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.extraEnv ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const call: NonNullable<typeof current> = {
    seq: req.seq,
    reason: abortedEarly.delete(req.seq) ? new Error('[lithops] the call was cancelled') : undefined,
  };
  current = call;
  let fnStart = Date.now();
  try {
    if (storage.starting) await storage.starting;
    const fn = await loadFunction(req.bundlePath, req.bundleSha256);
    const input = decode(req.input);
    const ctx: CallContext = {
      id: Number.parseInt(req.callId, 10),
      callId: req.callId,
      jobKey: req.jobKey,
      extraArgs: req.extraArgs ? decode(req.extraArgs) : undefined,
      get signal(): AbortSignal {
        return signalOf(call);
      },
      log,
      get storage(): Storage {
        if (!storage.backend)
          throw new Error(
            '[lithops] ctx.storage is not available: no storage is configured for this worker.',
          );
        // Cloud objects a call makes live in its job's folder, cleaned with the job.
        return new Storage(storage.backend, {
          jobsPrefix: storage.jobsPrefix,
          tempPrefix: `${req.jobKey}/${req.callId}`,
        });
      },
    };
    fnStart = Date.now();
    let result: unknown;
    try {
      // Data descriptors become ObjectChunks (or a reducer's map results) here, inside the call.
      result = await fn(await functionInput(input, ctx), ctx);
    } catch (e) {
      return failedReply(req, e, fnStart, Date.now());
    }
    const fnEnd = Date.now();
    let encoded: ReturnType<typeof encodeResult>;
    try {
      // msgpackr would drop a function silently: check first, naming the path.
      assertCloneable(result, 'result');
      encoded = encodeResult(result);
    } catch (e) {
      return failedReply(req, e, fnStart, fnEnd, true);
    }
    return {
      type: 'done',
      seq: req.seq,
      ok: true,
      result: encoded.bytes,
      format: encoded.format,
      fnStart,
      fnEnd,
      output: capture.take(),
    };
  } catch (e) {
    return failedReply(req, e, fnStart, Date.now());
  } finally {
    current = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Seqs cancelled before they started: their ctx.signal starts aborted. */
const abortedEarly = new Set<number>();

/** Aborts `ctx.signal` of call `seq`: now if it is running, else when it starts. */
export function abortCall(seq: number): void {
  if (current?.seq !== seq) {
    abortedEarly.add(seq);
    return;
  }
  current.reason = new Error('[lithops] the call was cancelled');
  current.ctrl?.abort(current.reason);
}

/**
 * A reply's result bytes as a buffer of their own: moved without a copy when they own their
 * whole buffer (a raw binary result); else copied out once, since the encoder reuses its buffer
 * and a view would carry its whole underlying buffer.
 */
export function ownResult(reply: CallReply): void {
  const r = reply.result;
  if (r && !(r.byteOffset === 0 && r.byteLength === r.buffer.byteLength && reply.format)) {
    reply.result = Uint8Array.prototype.slice.call(r);
  }
}
