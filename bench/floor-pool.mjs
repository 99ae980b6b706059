import { fork } from 'node:child_process';

/**
 * Calls in flight per process, as the localhost pool sends them: up to 32 while calls are short
 * (under 2 ms on average), 2 otherwise (packages/core/src/localhost/pool.ts).
 */
const DEPTH = { noop: 32, mib: 32, cpu: 2 };

/**
 * The floor: N forked processes, each kept `DEPTH[task]` calls ahead, with their listeners
 * registered once. `start()` forks the first process alone; the others follow once it is up,
 * or with the first run (as the localhost pool does).
 */
export class FloorPool {
  constructor(size) {
    this.size = size;
    this.procs = [];
    this.job = undefined;
  }

  /** Forks the first process; resolves once it is ready for tasks. */
  start() {
    return this.spawn();
  }

  /** Forks every process; resolves once all are ready for tasks. */
  startAll() {
    const all = [];
    while (this.procs.length < this.size) all.push(this.spawn());
    return Promise.all(all);
  }

  spawn() {
    const p = fork(new URL('./floor-worker.mjs', import.meta.url), [], { serialization: 'advanced' });
    const proc = { p, inflight: 0 };
    this.procs.push(proc);
    const ready = new Promise((r) => p.once('message', r));
    p.on('message', (m) => {
      if (m === 'ready') return;
      const job = this.job;
      proc.inflight--;
      job.results[m.id] = m.result;
      if (++job.done === job.args.length) {
        this.job = undefined;
        job.resolve(job.results);
      } else this.feed(proc);
    });
    if (this.job) this.feed(proc);
    return ready;
  }

  feed(proc) {
    const job = this.job;
    while (job && proc.inflight < job.depth && job.next < job.args.length) {
      const id = job.next++;
      proc.inflight++;
      proc.p.send({ id, task: job.task, arg: job.args[id] });
    }
  }

  /** Runs every task (one run at a time); resolves to results in order. */
  run(task, args) {
    return new Promise((resolve) => {
      this.job = {
        task,
        args,
        depth: DEPTH[task],
        results: new Array(args.length),
        next: 0,
        done: 0,
        resolve,
      };
      if (this.procs.length < this.size && args.length > 1) void this.startAll();
      for (const proc of this.procs) this.feed(proc);
    });
  }

  close() {
    for (const { p } of this.procs) p.kill();
  }
}
