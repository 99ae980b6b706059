// What the storage benchmarks share: loading the packages' builds, the workloads, and the
// interleaved ours-against-raw comparison with best and median figures.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// bench/ depends on core only; the backends, testkit and the raw SDKs come from their packages.
export const pkg = (name) => new URL(`../packages/${name}/`, import.meta.url);
/** A package's build (`dist/index.js`). */
export const build = (name) => import(new URL('dist/index.js', pkg(name)));
/** A dependency as the package `p` resolves it. */
export const fromPkg = (p, dep) =>
  import(pathToFileURL(createRequire(new URL('package.json', pkg(p))).resolve(dep)).href);

export const MiB = 2 ** 20;
const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// Unmeasured passes of each side before the rounds, under keys `bench/warm-<side>/…` (0 skips them).
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
// BENCH_BACKENDS=redis runs only those (comma-separated config names).
const only = process.env.BENCH_BACKENDS?.split(',');
export const runs = (name) => !only || only.includes(name);
// BENCH_WORKLOADS=small (or big) runs only the 64 KiB (or 20 MiB) workload.
export const workloads = [
  { name: '1000 x 64 KiB', tag: 'small', count: 1000, size: 64 * 1024 },
  { name: '10 x 20 MiB', tag: 'big', count: 10, size: 20 * MiB },
].filter((w) => !process.env.BENCH_WORKLOADS || process.env.BENCH_WORKLOADS.split(',').includes(w.tag));

async function pool(n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

export async function readAll(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

const readKey = (w, i) => `bench/read/${w.size}/${i}`;

/**
 * MB/s of put and get over one workload; the bodies are made before the clock starts. Each side
 * puts under keys of its own. With `sharedReads` both get the same objects (readKey, written once
 * by the raw client): how an object was put decides how some servers lay it out (Azurite reads a
 * blob put in one request faster than one committed from blocks), which is not the get path's
 * doing. Without it (a backend whose objects the raw client does not write alike, as Redis) each
 * side gets what it put.
 */
async function measure(client, w, tag, sharedReads) {
  const bodies = Array.from({ length: Math.min(w.count, 16) }, () => randomBytes(w.size));
  const key = (i) => `bench/${tag}/${w.size}/${i}`;
  let t = performance.now();
  await pool(w.count, (i) => client.put(key(i), bodies[i % bodies.length]));
  const put = (w.count * w.size) / MiB / ((performance.now() - t) / 1000);
  t = performance.now();
  let bytes = 0;
  await pool(w.count, async (i) => {
    const body = await client.get(sharedReads ? readKey(w, i) : key(i));
    bytes += body.length;
  });
  const get = bytes / MiB / ((performance.now() - t) / 1000);
  if (bytes !== w.count * w.size)
    throw new Error(`${tag}: read ${bytes} bytes, expected ${w.count * w.size}`);
  return { put, get };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Rows of ours against raw over every workload: `{ put(key, bytes), get(key) }` each.
 * `sharedReads`: both sides read objects put by the raw client (see measure).
 */
export async function compare(label, ours, raw, { sharedReads = false } = {}) {
  const rows = [];
  for (const w of workloads) {
    const all = { ours: { put: [], get: [] }, raw: { put: [], get: [] } };
    // An unmeasured pass of each side first, over a quarter of the objects under keys of its own
    // (so the rounds still create, then overwrite, the same objects): a process's first pass pays
    // the JIT and connection warm-up of code both sides share (server, HTTP, client library), which
    // in round 0 fell on whichever side went first, always ours.
    const warm = { ...w, count: Math.ceil(w.count / 4) };
    if (sharedReads) await pool(w.count, (i) => raw.put(readKey(w, i), randomBytes(w.size)));
    for (let r = 0; r < WARMUP; r++)
      for (const side of ['ours', 'raw'])
        await measure(side === 'ours' ? ours : raw, warm, `warm-${side}`, sharedReads);
    // Interleaved rounds, so drift on a busy machine hits both sides alike; best and median of each.
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of r % 2 ? ['raw', 'ours'] : ['ours', 'raw']) {
        const m = await measure(side === 'ours' ? ours : raw, w, side, sharedReads);
        all[side].put.push(m.put);
        all[side].get.push(m.get);
      }
    }
    for (const op of ['put', 'get']) {
      const best = (side) => Math.max(...all[side][op]);
      const mid = (side) => median(all[side][op]);
      rows.push({
        backend: label,
        workload: w.name,
        op,
        'ours MB/s (best)': best('ours').toFixed(1),
        'raw MB/s (best)': best('raw').toFixed(1),
        ratio: `${((100 * best('ours')) / best('raw')).toFixed(0)}%`,
        'ours MB/s (median)': mid('ours').toFixed(1),
        'raw MB/s (median)': mid('raw').toFixed(1),
        'ratio (median)': `${((100 * mid('ours')) / mid('raw')).toFixed(0)}%`,
      });
    }
  }
  return rows;
}

/** Prints the table and the one-line verdict against the 90% target (on best figures). */
export function report(rows) {
  console.table(rows);
  const below = rows.filter((r) => Number.parseInt(r.ratio, 10) < 90);
  console.log(
    below.length
      ? `${below.length} of ${rows.length} figures below 90% of raw`
      : 'all figures at or above 90% of raw',
  );
}
