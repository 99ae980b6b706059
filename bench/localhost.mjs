// Localhost executor against a bare child_process pool of the same size, in the same run.
// Prints each figure, its ratio to the floor and the target; min and median over rounds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FunctionExecutor } from '@lithops/core';
import { FloorPool } from './floor-pool.mjs';
import { cpu, mib, noop } from './tasks.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const size = availableParallelism();
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const now = () => performance.now();

const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: size } } });
const floor = new FloorPool(size);
await floor.ready;
const quiet = { showProgressbar: false };
// Warm up both sides alike (processes started, code compiled): figures are for a warm executor.
for (let r = 0; r < 2; r++) {
  const warm = Array.from({ length: 1000 }, (_, i) => i);
  await fexec.getResult(await fexec.map(noop, warm), quiet);
  await floor.run('noop', warm);
  for (let i = 0; i < 50; i++) {
    await fexec.getResult(await fexec.callAsync(noop, i), quiet);
    await floor.run('noop', [i]);
  }
}

const rows = [];
function report(name, unit, ours, theirs, higherIsBetter, target) {
  const ratio = higherIsBetter ? median(ours) / median(theirs) : median(theirs) / median(ours);
  rows.push({
    name,
    unit,
    oursMin: Math.min(...ours),
    oursMed: median(ours),
    floorMed: median(theirs),
    ratio,
    target,
  });
}

console.log(`[bench] ${size} workers, loadavg before: ${loadavg()}`);

// 1. 1,000 no-op calls via map: calls/s.
{
  const a = [];
  const b = [];
  const args = Array.from({ length: 1000 }, (_, i) => i);
  for (let r = 0; r < ROUNDS; r++) {
    let t = now();
    await fexec.getResult(await fexec.map(noop, args), quiet);
    a.push(1000 / ((now() - t) / 1000));
    t = now();
    await floor.run('noop', args);
    b.push(1000 / ((now() - t) / 1000));
  }
  report('1,000 no-op calls', 'calls/s', a, b, true, '>= 50% of floor');
}

// 2. 200 CPU-bound calls of 50 ms: parallel efficiency.
{
  const a = [];
  const b = [];
  const args = Array.from({ length: 200 }, () => 50);
  const ideal = (200 * 50) / size;
  for (let r = 0; r < ROUNDS; r++) {
    let t = now();
    await fexec.getResult(await fexec.map(cpu, args), quiet);
    a.push((ideal / (now() - t)) * 100);
    t = now();
    await floor.run('cpu', args);
    b.push((ideal / (now() - t)) * 100);
  }
  report('200 x 50 ms CPU calls', '% efficiency', a, b, true, '>= 95% of floor');
}

// 3. callAsync + getResult round trip on a warm executor, 200 in a row. Both sides first make
// 1,000 round trips (the code on this path is compiled and optimized alike); then each round
// times 200 of ours in a row and 200 of the floor's in a row (which goes first alternates), over
// twice the rounds of the other figures: on these shared VMs a block of 200 runs in one of two
// scheduling regimes (a client and its worker on one CPU, or on two), which flips from block to
// block. The figures are the median over rounds of each round's p50 and p99.
{
  const p50 = [[], []];
  const p99 = [[], []];
  const sides = [
    async (i) => fexec.getResult(await fexec.callAsync(noop, i), quiet),
    (i) => floor.run('noop', [i]),
  ];
  for (const side of sides) for (let i = 0; i < 1000; i++) await side(i);
  for (let r = 0; r < 2 * ROUNDS; r++) {
    for (const s of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const times = [];
      for (let i = 0; i < 200; i++) {
        const t = now();
        await sides[s](i);
        times.push(now() - t);
      }
      p50[s].push(pct(times, 50));
      p99[s].push(pct(times, 99));
    }
  }
  rows.push({
    name: 'round trip p50',
    unit: 'ms',
    oursMin: Math.min(...p50[0]),
    oursMed: median(p50[0]),
    floorMed: median(p50[1]),
    ratio: median(p50[0]) / median(p50[1]),
    target: '<= 2x floor (ratio = ours/floor)',
  });
  rows.push({
    name: 'round trip p99',
    unit: 'ms',
    oursMin: Math.min(...p99[0]),
    oursMed: median(p99[0]),
    floorMed: median(p99[1]),
    ratio: median(p99[0]) / median(p99[1]),
    target: '(reported)',
  });
}

// 4. 100 calls each returning 1 MiB: MB/s.
{
  const a = [];
  const b = [];
  const args = Array.from({ length: 100 }, () => 1);
  for (let r = 0; r < ROUNDS; r++) {
    let t = now();
    await fexec.getResult(await fexec.map(mib, args), quiet);
    a.push(100 / ((now() - t) / 1000));
    t = now();
    await floor.run('mib', args);
    b.push(100 / ((now() - t) / 1000));
  }
  report('100 x 1 MiB results', 'MB/s', a, b, true, '>= 50% of floor');
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
    ratio: grown / 1e5 / 1024,
    target: '<= 1 KiB per future (ratio = ours/1KiB)',
  });
  void fs;
}

await fexec.close();
floor.close();

// 6. Cold process: node + executor + one call + exit, against node + fork pool + one call.
{
  const time = (file) => {
    const t = now();
    execFileSync(process.execPath, [new URL(file, import.meta.url).pathname], { stdio: 'ignore' });
    return now() - t;
  };
  const a = [];
  const b = [];
  for (let r = 0; r < Math.max(5, ROUNDS); r++) {
    a.push(time('./cold-lithops.mjs'));
    b.push(time('./cold-floor.mjs'));
  }
  rows.push({
    name: 'cold process, one call',
    unit: 'ms',
    oursMin: Math.min(...a),
    oursMed: median(a),
    floorMed: median(b),
    ratio: median(a) / median(b),
    target: '<= 2x floor (ratio = ours/floor)',
  });
}

console.log(`[bench] loadavg after: ${loadavg()}`);
for (const r of rows) {
  const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  console.log(
    `${r.name.padEnd(30)} ours min ${f(r.oursMin)} / median ${f(r.oursMed)} ${r.unit}; floor median ${f(r.floorMed)}; ratio ${r.ratio.toFixed(2)}; target ${r.target}`,
  );
}
