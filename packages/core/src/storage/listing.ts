import type { ListEntry, ObjectInfo } from '../plugin/storage-backend.js';

/** Object store order: by UTF-8 bytes (equal to code-point order for JS strings). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * One page of a listing as a single ordered run of entries: services (S3, COS, GCS) return a
 * page's objects and common prefixes in two sorted lists, and a listing must interleave them.
 */
export function mergeListPage(objects: readonly ObjectInfo[], prefixes: readonly string[]): ListEntry[] {
  const out: ListEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < objects.length || j < prefixes.length) {
    const o = objects[i];
    const p = prefixes[j];
    if (o && (p === undefined || compareKeys(o.key, p) < 0)) {
      out.push(o);
      i++;
    } else {
      out.push({ type: 'prefix', prefix: p! });
      j++;
    }
  }
  return out;
}

/**
 * Entries of a paged listing, fetched one page at a time as the caller iterates (so stopping
 * early costs no further requests). `fetchPage` gets the previous page's token. A common prefix
 * that a server repeats at the top of the next page (s3rver does) is given once.
 */
export async function* listPages(
  fetchPage: (
    token: string | undefined,
  ) => Promise<{ entries: readonly ListEntry[]; next?: string | undefined }>,
): AsyncGenerator<ListEntry> {
  let token: string | undefined;
  let lastPrefix: string | undefined;
  do {
    const page = await fetchPage(token);
    for (const e of page.entries) {
      if (e.type === 'prefix') {
        if (e.prefix === lastPrefix) continue;
        lastPrefix = e.prefix;
      }
      yield e;
    }
    token = page.next;
  } while (token);
}
