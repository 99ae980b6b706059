/**
 * Runs inside a warm worker_thread: imports function bundles and runs one call at a time, so the
 * host can enforce a timeout (terminate) and a heap limit (resourceLimits) and survive both.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
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

// Bundles carry inline source maps: remote stacks then name the user's own files and lines.
process.setSourceMapsEnabled(true);

// Helpers transpilers inject into function sources shipped by source.
(globalThis as Record<string, unknown>).__name ??= (target: object, value: string) =>
  Object.defineProperty(target, 'name', { value, configurable: true });

const data = workerData as CallThreadData;
const capture = new OutputCapture();
const modules = new Map<string, Promise<(input: unknown, ctx: CallContext) => unknown>>();
// Created once per thread, in the background while the first bundle loads.
const storage: { backend?: StorageBackend; jobsPrefix?: string } = {};
let current: AbortController | undefined;

function loadFunction(path: string) {
  let p = modules.get(path);
  if (!p) {
    p = import(pathToFileURL(path).href).then((m: { default?: unknown }) => {
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
 * The storage behind `ctx.storage`, created in the background at thread start; a call that uses
 * it before it is ready simply waits on its first storage request.
 */
function startStorage(cfg: NonNullable<CallThreadData['storageConfig']>): void {
  const lithops = lithopsSectionSchema.parse(cfg.raw.lithops ?? {});
  storage.jobsPrefix = lithops.jobs_prefix;
  storage.backend = new LazyStorageBackend(
    createStorageBackend({ raw: cfg.raw, lithops, source: cfg.source, dir: cfg.dir }),
  );
}
if (data.storageConfig) startStorage(data.storageConfig);

const log: Logger = {
  debug: (m) => capture.add(`[debug] ${m}\n`),
  info: (m) => capture.add(`[info] ${m}\n`),
  warn: (m) => capture.add(`[warn] ${m}\n`),
  error: (m) => capture.add(`[error] ${m}\n`),
};

async function run(req: CallRequest): Promise<CallReply> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.extraEnv ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  current = new AbortController();
  if (abortedEarly.delete(req.seq)) current.abort(new Error('[lithops] the call was cancelled'));
  let fnStart = Date.now();
  try {
    const fn = await loadFunction(req.bundlePath);
    const input = decode(req.input);
    const ctx: CallContext = {
      id: Number.parseInt(req.callId, 10),
      callId: req.callId,
      jobKey: req.jobKey,
      extraArgs: req.extraArgs ? decode(req.extraArgs) : undefined,
      signal: current.signal,
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
      const fnEnd = Date.now();
      return {
        type: 'done',
        seq: req.seq,
        ok: false,
        error: serializeError(e),
        fnStart,
        fnEnd,
        output: capture.take(),
      };
    }
    const fnEnd = Date.now();
    let encoded: ReturnType<typeof encodeResult>;
    try {
      // msgpackr would drop a function silently: check first, naming the path.
      assertCloneable(result, 'result');
      encoded = encodeResult(result);
    } catch (e) {
      return {
        type: 'done',
        seq: req.seq,
        ok: false,
        unserializable: true,
        error: serializeError(e),
        fnStart,
        fnEnd,
        output: capture.take(),
      };
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
    return {
      type: 'done',
      seq: req.seq,
      ok: false,
      error: serializeError(e),
      fnStart,
      fnEnd: Date.now(),
      output: capture.take(),
    };
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
let currentSeq = -1;
// Calls are posted ahead; they run strictly one after another, in order.
let chain: Promise<void> = Promise.resolve();

parentPort!.on('message', (msg: CallRequest | { type: 'abort'; seq: number }) => {
  if (msg.type === 'abort') {
    if (msg.seq === currentSeq) current?.abort(new Error('[lithops] the call was cancelled'));
    else abortedEarly.add(msg.seq);
    return;
  }
  chain = chain.then(() => handle(msg));
});

async function handle(msg: CallRequest): Promise<void> {
  currentSeq = msg.seq;
  const reply = await run(msg);
  // Move the result's bytes without a copy when they own their whole buffer (a raw binary
  // result); else copy them out once and move the copy: the encoder reuses its buffer, and
  // cloning a view would carry its whole underlying buffer.
  const r = reply.result;
  if (r && !(r.byteOffset === 0 && r.byteLength === r.buffer.byteLength && reply.format)) {
    reply.result = Uint8Array.prototype.slice.call(r);
  }
  parentPort!.postMessage(reply, reply.result ? [reply.result.buffer as ArrayBuffer] : []);
}
