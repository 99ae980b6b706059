// What the storage benchmarks share: loading the packages' builds, the workloads, and the
// interleaved ours-against-raw comparison, judged on the median over rounds.
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
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
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
 * puts under keys of its own and gets what it put. With `sharedReads` both sides also get the
 * same objects (readKey, written once by the raw client), a second line: how an object was put
 * decides how some servers lay it out (Azurite reads a blob put in one request faster than one
 * committed from blocks), which that line leaves out of the get figure.
 */
async function measure(client, w, tag, sharedReads) {
  const bodies = Array.from({ length: Math.min(w.count, 16) }, () => randomBytes(w.size));
  const key = (i) => `bench/${tag}/${w.size}/${i}`;
  const t = performance.now();
  await pool(w.count, (i) => client.put(key(i), bodies[i % bodies.length]));
  const put = (w.count * w.size) / MiB / ((performance.now() - t) / 1000);
  const getAll = async (keyOf, what) => {
    const start = performance.now();
    let bytes = 0;
    await pool(w.count, async (i) => {
      const body = await client.get(keyOf(i));
      bytes += body.length;
    });
    if (bytes !== w.count * w.size)
      throw new Error(`${tag}: ${what} read ${bytes} bytes, expected ${w.count * w.size}`);
    return bytes / MiB / ((performance.now() - start) / 1000);
  };
  const get = await getAll(key, 'get');
  const shared = sharedReads ? await getAll((i) => readKey(w, i), 'shared get') : undefined;
  return { put, get, shared };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const OPS = { put: 'put', get: 'get (own objects)', shared: 'get (shared read set)' };

/**
 * Rows of ours against raw over every workload: `{ put(key, bytes), get(key) }` each. Both sides
 * must do the same work at the same concurrency (16 calls in flight each, the same part layout).
 * `sharedReads`: a second get line over objects put by the raw client (see measure).
 */
export async function compare(label, ours, raw, { sharedReads = false } = {}) {
  const rows = [];
  for (const w of workloads) {
    const all = { ours: { put: [], get: [], shared: [] }, raw: { put: [], get: [], shared: [] } };
    // An unmeasured pass of each side first, over a quarter of the objects under keys of its own
    // (so the rounds still create, then overwrite, the same objects): a process's first pass pays
    // the JIT and connection warm-up of code both sides share (server, HTTP, client library), which
    // in round 0 fell on whichever side went first, always ours.
    const warm = { ...w, count: Math.ceil(w.count / 4) };
    if (sharedReads) await pool(w.count, (i) => raw.put(readKey(w, i), randomBytes(w.size)));
    for (let r = 0; r < WARMUP; r++)
      for (const side of ['ours', 'raw'])
        await measure(side === 'ours' ? ours : raw, warm, `warm-${side}`, sharedReads);
    // Interleaved rounds, which side goes first alternating, so drift on a busy machine hits both
    // sides alike; the verdict is on the medians.
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of r % 2 ? ['raw', 'ours'] : ['ours', 'raw']) {
        const m = await measure(side === 'ours' ? ours : raw, w, side, sharedReads);
        for (const op of Object.keys(OPS)) if (m[op] !== undefined) all[side][op].push(m[op]);
      }
    }
    for (const op of Object.keys(OPS)) {
      if (all.ours[op].length === 0) continue;
      const mid = (side) => median(all[side][op]);
      rows.push({
        backend: label,
        workload: w.name,
        op: OPS[op],
        'ours MB/s (median)': mid('ours').toFixed(1),
        'raw MB/s (median)': mid('raw').toFixed(1),
        ratio: `${((100 * mid('ours')) / mid('raw')).toFixed(0)}%`,
        'rounds (ours/raw)': all.ours[op]
          .map((v, i) => `${((100 * v) / all.raw[op][i]).toFixed(0)}%`)
          .join(' '),
      });
    }
  }
  return rows;
}

/** Prints the table and the one-line verdict against the 90% target (on the medians). */
export function report(rows) {
  console.table(rows);
  const below = rows.filter((r) => Number.parseInt(r.ratio, 10) < 90);
  console.log(
    `${below.length ? `${below.length} of ${rows.length} figures below` : 'all figures at or above'} 90% of raw (medians over ${ROUNDS} rounds)`,
  );
}
