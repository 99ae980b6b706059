import { LithopsError } from '../errors.js';
import { CloudObject } from '../storage/cloud-object.js';
import { type ChunkDescriptor, DATA_MARK } from './descriptor.js';
import { type ListedObject, type ListingEnv, listLocation } from './object-listing.js';
import { ObjectsInput } from './objects.js';
import type { DataOptions } from './options.js';
import { checkPartitionOptions, newlineBytes, type PartitionOptions, partitionRanges } from './partition.js';

/** Locations listed at once. */
const LIST_CONCURRENCY = 16;
/** Items read ahead of the one being yielded, so their listings overlap. */
const READ_AHEAD = 256;

/** Records, per call, which object it reads (reduce by key). */
export class DataGroups {
  /** Location of each call's object; undefined for plain items. */
  readonly locations: (string | undefined)[] = [];
  constructor(
    /** Refuse plain items (objReduceByKey needs every call to read an object). */
    readonly dataOnly = false,
  ) {}
}

function isDataItem(v: unknown): boolean {
  if (v instanceof ObjectsInput || v instanceof CloudObject) return true;
  return typeof v === 'object' && v !== null && (v as { obj?: unknown }).obj instanceof CloudObject;
}

function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

interface Expanded {
  items: unknown[];
  locations: (string | undefined)[];
}

/**
 * Turns data items into chunk descriptors (one per call), as iterdata is read: `objects(...)`,
 * `CloudObject`s and `{ obj: CloudObject, ...rest }`. Every location is listed once per job,
 * up to 16 at a time, while later items are read ahead. Other items pass through untouched;
 * iterdata without data items is returned as it is.
 */
export function dataItems<T>(
  iterdata: T,
  opts: DataOptions & { minChunkSize?: number },
  env: () => Promise<ListingEnv>,
  groups?: DataGroups,
): T | AsyncIterable<unknown> {
  const part: PartitionOptions = {
    chunkSize: opts.objChunkSize,
    chunkNumber: opts.objChunkNumber,
    minChunkSize: opts.minChunkSize,
  };
  checkPartitionOptions(part);
  const newline = opts.objNewline === undefined ? '\n' : opts.objNewline;
  // Checked here (at map time) even when no data input uses it; the default needs no check.
  if (opts.objNewline !== undefined) newlineBytes(newline);
  let source: Iterable<unknown> | AsyncIterable<unknown>;
  if (iterdata instanceof ObjectsInput || iterdata instanceof CloudObject) source = [iterdata];
  else if (typeof iterdata !== 'object' || iterdata === null) return iterdata;
  else if (Array.isArray(iterdata) && !groups && !iterdata.some(isDataItem)) return iterdata;
  else if (Symbol.iterator in iterdata || Symbol.asyncIterator in iterdata)
    source = iterdata as Iterable<unknown> | AsyncIterable<unknown>;
  else return iterdata;

  const listings = new Map<string | CloudObject, Promise<ListedObject[]>>();
  const limit = limiter(LIST_CONCURRENCY);
  let envP: Promise<ListingEnv> | undefined;
  const list = (loc: string | CloudObject) => {
    const id = loc instanceof CloudObject ? loc.url : loc;
    let p = listings.get(id);
    if (!p) {
      envP ??= env();
      const e = envP;
      p = limit(async () => listLocation(loc, await e));
      p.catch(() => {});
      listings.set(id, p);
    }
    return p;
  };
  const chunks = (o: ListedObject): ChunkDescriptor[] => {
    const ranges = partitionRanges(o.size, part);
    return ranges.map((r, i) => ({
      [DATA_MARK]: 'chunk',
      source: o.source,
      size: o.size,
      partIndex: i,
      partCount: ranges.length,
      range: [r[0], r[1]],
      newline,
    }));
  };
  const expand = async (item: unknown, index: number): Promise<Expanded> => {
    if (item instanceof ObjectsInput || item instanceof CloudObject) {
      const locs = item instanceof ObjectsInput ? item.locations : [item];
      const listed = (await Promise.all(locs.map(list))).flat();
      const items = listed.flatMap(chunks);
      return { items, locations: listed.flatMap((o) => chunks(o).map(() => o.location)) };
    }
    if (isDataItem(item)) {
      const { obj, ...rest } = item as { obj: CloudObject };
      const listed = await list(obj);
      const items: unknown[] = [];
      const locations: string[] = [];
      for (const o of listed)
        for (const c of chunks(o)) {
          items.push({ ...rest, obj: c });
          locations.push(o.location);
        }
      return { items, locations };
    }
    if (groups?.dataOnly) {
      throw new LithopsError(
        'INVALID_ARGUMENT',
        `objReduceByKey needs data inputs, but iterdata[${index}] is plain data.`,
        { backend: 'data', hint: 'Pass objects(...), CloudObjects or { obj: CloudObject } items.' },
      );
    }
    return { items: [item], locations: [undefined] };
  };
  return (async function* () {
    const ahead: Promise<Expanded>[] = [];
    let index = 0;
    const drain = async function* (keep: number) {
      while (ahead.length > keep) {
        const e = await ahead.shift()!;
        if (groups) for (const l of e.locations) groups.locations.push(l);
        yield* e.items;
      }
    };
    for await (const item of source) {
      const p = expand(item, index++);
      p.catch(() => {});
      ahead.push(p);
      yield* drain(READ_AHEAD);
    }
    yield* drain(0);
  })();
}
