// One fresh process of the first-map figure (first-map.mjs): a pool or executor started, a
// 4-call warm-up, then one 1,000-call no-op map timed; prints calls/s.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FunctionExecutor } from '@lithops/core';
import { FloorPool } from './floor-pool.mjs';
import { noop } from './tasks.mjs';
import { ThreadPool } from './thread-pool.mjs';

const size = availableParallelism();
const warm = [0, 1, 2, 3];
const args = Array.from({ length: 1000 }, (_, i) => i);
const quiet = { showProgressbar: false };
const side = process.argv[2];

let run;
let close;
if (side === 'ours') {
  const fexec = new FunctionExecutor({ config: { localhost: { worker_processes: size } } });
  run = async (xs) => fexec.getResult(await fexec.map(noop, xs), quiet);
  close = () => fexec.close();
} else if (side === 'floor') {
  // Every process forked up front (as the executor's pool is by its first call's end).
  const floor = new FloorPool(size);
  await floor.startAll();
  run = (xs) => floor.run('noop', xs);
  close = () => floor.close();
} else {
  const threads = new ThreadPool(size);
  run = (xs) => threads.run('noop', xs);
  close = () => threads.close();
}
/** CPU ms used so far by this process and its descendants (pool processes and their threads). */
function cpuMs(pid = process.pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean))
        ms += cpuMs(Number(c));
    return ms;
  } catch {
    return 0;
  }
}

await run(warm);
const cpu0 = cpuMs();
const t = performance.now();
const t0 = process.hrtime.bigint();
const out = await run(args);
const rate = 1000 / ((performance.now() - t) / 1000);
const t1 = process.hrtime.bigint();
const cpu = cpuMs() - cpu0;
if (out.length !== 1000 || out[999] !== 999) throw new Error(`${side}: wrong results`);
await close();
// The timed window on the monotonic clock (microseconds), as CPU profiles stamp their samples.
console.log(JSON.stringify({ side, rate, cpu, window: [Number(t0 / 1000n), Number(t1 / 1000n)] }));
