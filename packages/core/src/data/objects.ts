import { LithopsError } from '../errors.js';
import { CloudObject } from '../storage/cloud-object.js';

/** A location `objects()` accepts: any form `parseLocation` does, a `URL`, or a `CloudObject`. */
export type ObjectsLocation = string | URL | CloudObject;

/**
 * Data input, marked explicitly: every object the locations name (a bucket or prefix: every object
 * under it; `*` globs in keys and paths; HTTP(S) URLs; local files and folders) is split into
 * chunks per `objChunkSize` / `objChunkNumber`, and the function gets one `ObjectChunk` per call.
 * Pass it as `map`'s iterdata, or as items of it. A plain string stays a plain string.
 */
export class ObjectsInput {
  readonly locations: readonly (string | CloudObject)[];

  constructor(locations: readonly (string | CloudObject)[]) {
    this.locations = locations;
  }

  toString(): string {
    return `objects(${this.locations.map((l) => (typeof l === 'string' ? l : l.url)).join(', ')})`;
  }
}

/** Marks locations as data input: `fexec.map(countWords, objects('s3://bucket/books/'))`. */
export function objects(locations: ObjectsLocation | readonly ObjectsLocation[]): ObjectsInput {
  const list = Array.isArray(locations) ? locations : [locations as ObjectsLocation];
  const out = list.map((l, i) => {
    if (l instanceof CloudObject) return l;
    if (l instanceof URL) return l.href;
    if (typeof l === 'string' && l.length > 0) return l;
    throw new LithopsError(
      'INVALID_ARGUMENT',
      `objects(): location ${i} must be a non-empty string, a URL or a CloudObject, got ${l === null ? 'null' : typeof l}.`,
      {
        backend: 'data',
        hint: "Write e.g. objects('s3://bucket/prefix/') or objects(['/data/a.txt', 'https://host/b.txt']).",
      },
    );
  });
  if (out.length === 0)
    throw new LithopsError('INVALID_ARGUMENT', 'objects() needs at least one location.', { backend: 'data' });
  return new ObjectsInput(out);
}
