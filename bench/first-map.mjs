// The first map a script sees: in a fresh process each, an executor (or pool) is started, runs a
// 4-call warm-up, then one 1,000-call no-op map is timed. Ours against the pipelined fork-pool
// floor (floor-pool.mjs), with piscina (threads, no process isolation) beside it, not a target.
// Rounds alternate which side goes first; medians over rounds. Runs on the Node that runs this
// script (e.g. `npx -y node@22 first-map.mjs`). Each run also reports the CPU time its process
// tree used over the timed map (client, pool processes and their threads).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const script = new URL('./first-map-run.mjs', import.meta.url).pathname;

function run(side) {
  const out = execFileSync(process.execPath, [script, side], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

console.log(`[bench] first map, node ${process.version}, loadavg before: ${loadavg()}`);
const rates = { ours: [], floor: [], piscina: [] };
const cpu = { ours: [], floor: [], piscina: [] };
const ratios = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? ['floor', 'piscina', 'ours'] : ['ours', 'piscina', 'floor'];
  const got = {};
  for (const side of order) got[side] = run(side);
  for (const side of order) {
    rates[side].push(got[side].rate);
    cpu[side].push(got[side].cpu);
  }
  ratios.push(got.ours.rate / got.floor.rate);
}
const f = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`[bench] loadavg after: ${loadavg()}`);
for (const side of Object.keys(rates))
  console.log(
    `first 1,000-call map, ${side.padEnd(7)} median ${median(rates[side]).toFixed(0)} calls/s (${f(rates[side])}); CPU of its processes ${median(cpu[side]).toFixed(0)} ms (${f(cpu[side])})${side === 'piscina' ? ' (reported, not a target)' : ''}`,
  );
console.log(
  `ratio ours/floor: median of rounds ${median(ratios).toFixed(2)} (${ratios.map((x) => x.toFixed(2)).join(', ')}); target >= 0.5`,
);
