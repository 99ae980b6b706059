// Many executors in one process (issue: 100 executors each started their own pool, load 71):
// N executors made at once, each maps 4 calls and closes. Reports the wall time, the most
// processes this process had at once, and the load average after. Usage:
//   node many-executors.mjs [N ...]     (default: 20 100)
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { FunctionExecutor } from '@lithops/core';
import { noop } from './tasks.mjs';

function children() {
  try {
    return (
      execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.trim()).length - 1
    ); // minus ps itself
  } catch {
    return 0;
  }
}

for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : ['20', '100']).map(Number)) {
  let maxProcs = 0;
  const sampler = setInterval(() => {
    maxProcs = Math.max(maxProcs, children());
  }, 100);
  const t0 = performance.now();
  const execs = Array.from(
    { length: n },
    () => new FunctionExecutor({ config: { localhost: { worker_processes: 2 } } }),
  );
  const results = await Promise.all(
    execs.map(async (fexec) => {
      try {
        return await fexec.getResult(await fexec.map(noop, [1, 2, 3, 4]), { showProgressbar: false });
      } finally {
        await fexec.close();
      }
    }),
  );
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const ok = results.every((r) => JSON.stringify(r) === '[1,2,3,4]');
  console.log(
    `${n} executors: ${ms.toFixed(0)} ms, at most ${maxProcs} child processes, load ${loadavg()[0].toFixed(1)}, results ${ok ? 'ok' : 'WRONG'}`,
  );
}
