// Localhost executor against a bare child_process pool of the same size, in the same run, with a
// piscina worker-thread pool beside them (what a user might pick instead: threads of one process,
// no process isolation; reported, not a target). Prints each figure, its ratio to the floor and
// the target; min and median over rounds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FunctionExecutor } from '@lithops/core';
import { FloorPool } from './floor-pool.mjs';
import { cpu, mib, noop } from './tasks.mjs';
import { ThreadPool } from './thread-pool.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const size = availableParallelism();
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const now = () => performance.now();

const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: size } } });
const floor = new FloorPool(size);
const threads = new ThreadPool(size);
await floor.startAll();
const quiet = { showProgressbar: false };
const fns = { noop, cpu, mib };
/** The three sides, each running `task` over `args` and resolving once every result is in. */
const sides = {
  ours: async (task, args) => fexec.getResult(await fexec.map(fns[task], args), quiet),
  floor: (task, args) => floor.run(task, args),
  piscina: (task, args) => threads.run(task, args),
};
const one = {
  ours: async (i) => fexec.getResult(await fexec.callAsync(noop, i), quiet),
  floor: (i) => floor.run('noop', [i]),
  piscina: (i) => threads.pool.run(i, { name: 'noop' }),
};
// Warm up every side alike (processes started, code compiled): figures are for a warm executor.
for (let r = 0; r < 2; r++) {
  const warm = Array.from({ length: 1000 }, (_, i) => i);
  for (const run of Object.values(sides)) await run('noop', warm);
  for (const call of Object.values(one)) for (let i = 0; i < 50; i++) await call(i);
}

const rows = [];
/** A row: ours, the floor's and piscina's medians; the ratio is ours/floor. */
function row(name, unit, got, target) {
  const m = (s) => (got[s].length ? median(got[s]) : Number.NaN);
  rows.push({
    name,
    unit,
    oursMin: Math.min(...got.ours),
    oursMed: m('ours'),
    floorMed: m('floor'),
    piscinaMed: m('piscina'),
    ratio: m('ours') / m('floor'),
    target,
  });
}

/** Rounds of `measure(side)` over the three sides, rotating which goes first. */
async function rounds(n, measure) {
  const got = { ours: [], floor: [], piscina: [] };
  const names = Object.keys(got);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < names.length; k++) {
      const side = names[(r + k) % names.length];
      got[side].push(await measure(side));
    }
  }
  return got;
}

console.log(`[bench] ${size} workers, node ${process.version}, loadavg before: ${loadavg()}`);

// 1. 1,000 no-op calls via map: calls/s.
{
  const args = Array.from({ length: 1000 }, (_, i) => i);
  const got = await rounds(ROUNDS, async (side) => {
    const t = now();
    await sides[side]('noop', args);
    return 1000 / ((now() - t) / 1000);
  });
  row('1,000 no-op calls', 'calls/s', got, '>= 0.8 of floor');
}

// 2. 200 CPU-bound calls of 50 ms: parallel efficiency.
{
  const args = Array.from({ length: 200 }, () => 50);
  const ideal = (200 * 50) / size;
  const got = await rounds(ROUNDS, async (side) => {
    const t = now();
    await sides[side]('cpu', args);
    return (ideal / (now() - t)) * 100;
  });
  row('200 x 50 ms CPU calls', '% efficiency', got, '>= 0.95 of floor');
}

// 3. callAsync + getResult round trip on a warm executor, by two methods. Every side first makes
// 1,000 round trips (the code on this path is compiled and optimized alike).
// (a) Blocks: each round times 200 of one side in a row, then 200 of the next (which goes first
// rotates), over twice the rounds of the other figures; median of the per-round p50 and p99. On
// these shared VMs a block runs in one of two scheduling regimes (a client and its worker on one
// CPU, or on two), which flips from block to block.
// (b) Interleaved: one call of each side in turn, 200 × 2 × rounds times per side; p50 and p99
// of all of them (each side sees the same mix of regimes).
{
  for (const call of Object.values(one)) for (let i = 0; i < 1000; i++) await call(i);
  const p50 = { ours: [], floor: [], piscina: [] };
  const p99 = { ours: [], floor: [], piscina: [] };
  await rounds(2 * ROUNDS, async (side) => {
    const times = [];
    for (let i = 0; i < 200; i++) {
      const t = now();
      await one[side](i);
      times.push(now() - t);
    }
    p50[side].push(pct(times, 50));
    p99[side].push(pct(times, 99));
  });
  row('round trip p50, blocks of 200', 'ms', p50, '<= 1.5x floor');
  row('round trip p99, blocks of 200', 'ms', p99, '(reported)');
  const all = { ours: [], floor: [], piscina: [] };
  const names = Object.keys(all);
  for (let i = 0; i < 200 * 2 * ROUNDS; i++) {
    for (let k = 0; k < names.length; k++) {
      const side = names[(i + k) % names.length];
      const t = now();
      await one[side](i);
      all[side].push(now() - t);
    }
  }
  const p = (q) => Object.fromEntries(names.map((s) => [s, [pct(all[s], q)]]));
  row('round trip p50, interleaved', 'ms', p(50), '<= 1.5x floor');
  row('round trip p99, interleaved', 'ms', p(99), '(reported)');
}

// 4. 100 calls each returning 1 MiB: MB/s.
{
  const args = Array.from({ length: 100 }, () => 1);
  const got = await rounds(ROUNDS, async (side) => {
    const t = now();
    await sides[side]('mib', args);
    return 100 / ((now() - t) / 1000);
  });
  row('100 x 1 MiB results', 'MB/s', got, '>= 0.8 of floor');
}

// 5. Client memory for 100,000 no-op futures.
{
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const fs = await fexec.map(
    noop,
    Array.from({ length: 100_000 }, (_, i) => i),
    { chunksize: 100 },
  );
  await fexec.wait(fs, quiet);
  globalThis.gc?.();
  const grown = process.memoryUsage().rss - before;
  rows.push({
    name: '100,000 futures: RSS growth',
    unit: 'bytes/future',
    oursMin: grown / 1e5,
    oursMed: grown / 1e5,
    floorMed: 1024,
    piscinaMed: Number.NaN,
    ratio: grown / 1e5 / 1024,
    target: '<= 1 KiB per future (ratio = ours/1KiB)',
  });
  void fs;
}

await fexec.close();
floor.close();
await threads.close();

// 6. Cold process: node + executor (or pool) + one call + exit. The floor starts one process, as
// the executor's pool does before its first call.
{
  const cold = { ours: './cold-lithops.mjs', floor: './cold-floor.mjs', piscina: './cold-piscina.mjs' };
  const got = await rounds(Math.max(5, ROUNDS), async (side) => {
    const t = now();
    execFileSync(process.execPath, [new URL(cold[side], import.meta.url).pathname], { stdio: 'ignore' });
    return now() - t;
  });
  row('cold process, one call', 'ms', got, '<= 1.5x floor');
}

console.log(`[bench] loadavg after: ${loadavg()}`);
for (const r of rows) {
  const f = (x) => (Number.isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  console.log(
    `${r.name.padEnd(31)} ours min ${f(r.oursMin)} / median ${f(r.oursMed)} ${r.unit}; floor median ${f(r.floorMed)}; ratio ${r.ratio.toFixed(2)}; target ${r.target}; piscina median ${f(r.piscinaMed)}`,
  );
}
