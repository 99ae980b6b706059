import { setTimeout as sleep } from 'node:timers/promises';
import { decodeResult } from '../codec/codec.js';
import type { CallContext } from '../worker/context.js';
import { keys } from '../worker/keys.js';
import { rebuildError } from '../worker/remote-error.js';
import { statusFromJson } from '../worker/status-codec.js';
import type { InlineOutcome, ReduceDescriptor } from './descriptor.js';

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1000;
const READ_CONCURRENCY = 16;

/** Throws the map call's own error (its code kept), so the reducer fails with it. */
function failWith(o: InlineOutcome, callId: string): never {
  const data = o.error ?? { name: 'Error', message: `map call ${callId} failed` };
  const runtime = o.errorCode && o.errorCode !== 'FUNCTION_ERROR' ? o.errorCode : undefined;
  throw rebuildError(runtime && data.code === undefined ? { ...data, code: runtime } : data);
}

/**
 * The results of the map calls a reducer gets, in call order. Those known when the reducer was
 * spawned came with it; the rest it waits for here, in its own invocation, by listing the map
 * job's folder (one list per round) and reading new statuses, as Lithops' reducer does. A failed
 * map call fails the reducer at once with that call's error.
 */
export async function gatherMapResults(d: ReduceDescriptor, ctx: CallContext): Promise<unknown[]> {
  const n = d.callIds.length;
  const results = new Array<unknown>(n);
  const missing = new Map<string, number>();
  const take = async (i: number, o: InlineOutcome) => {
    if (!o.ok) failWith(o, d.callIds[i]!);
    const bytes = o.result ?? (await ctx.storage.getObject(d.bucket, o.resultKey!));
    results[i] = decodeResult(bytes, o.resultFormat);
  };
  for (let i = 0; i < n; i++) {
    const o = d.inline[i];
    if (o) await take(i, o);
    else missing.set(d.callIds[i]!, i);
  }
  const folder = keys.jobFolder(d.prefix, d.jobKey);
  let delay = FIRST_POLL_MS;
  while (missing.size > 0) {
    ctx.signal.throwIfAborted();
    const found: string[] = [];
    for await (const e of ctx.storage.listObjects(d.bucket, { prefix: folder })) {
      if (e.type !== 'object' || !e.key.endsWith('/status.json')) continue;
      const callId = e.key.slice(folder.length, -'/status.json'.length);
      if (missing.has(callId)) found.push(callId);
    }
    let next = 0;
    const worker = async () => {
      while (next < found.length) {
        const callId = found[next++]!;
        const text = await ctx.storage.getObject(d.bucket, keys.status(d.prefix, d.jobKey, callId));
        await take(missing.get(callId)!, statusFromJson(Buffer.from(text).toString('utf8')));
        missing.delete(callId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, found.length) }, worker));
    if (missing.size === 0) break;
    if (found.length > 0) delay = FIRST_POLL_MS;
    await sleep(delay, undefined, { signal: ctx.signal });
    delay = Math.min(MAX_POLL_MS, delay * 2);
  }
  return results;
}
