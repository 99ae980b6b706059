import type { ObjectInfo, ObjectMeta } from '../plugin/storage-backend.js';

/** What SDKs report about an object, under their own names; absent fields stay absent. */
export interface ObjectFacts {
  size?: number | string | undefined;
  etag?: string | undefined;
  lastModified?: Date | string | undefined;
}

/** `headObject`'s answer from an SDK's fields (sizes as numbers or strings, times as Dates or ISO). */
export function objectMeta(f: ObjectFacts): ObjectMeta {
  return {
    size: Number(f.size ?? 0),
    ...(f.etag ? { etag: f.etag } : {}),
    ...(f.lastModified ? { lastModified: new Date(f.lastModified) } : {}),
  };
}

/** A listed object from an SDK's fields. */
export function objectInfo(key: string, f: ObjectFacts): ObjectInfo {
  return { type: 'object', key, ...objectMeta(f) };
}
