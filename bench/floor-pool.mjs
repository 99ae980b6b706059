import { fork } from 'node:child_process';

/** The floor: N forked processes, each given the next task when it returns one. */
export class FloorPool {
  constructor(size) {
    this.procs = Array.from({ length: size }, () =>
      fork(new URL('./floor-worker.mjs', import.meta.url), [], { serialization: 'advanced' }),
    );
    this.ready = Promise.all(this.procs.map((p) => new Promise((r) => p.once('spawn', r))));
  }

  /** Runs every task, at most one in flight per process; resolves to results in order. */
  run(task, args) {
    const results = new Array(args.length);
    let next = 0;
    let done = 0;
    return new Promise((resolve) => {
      const feed = (p) => {
        if (next >= args.length) return;
        const id = next++;
        p.send({ id, task, arg: args[id] });
      };
      for (const p of this.procs) {
        p.removeAllListeners('message');
        p.on('message', (m) => {
          results[m.id] = m.result;
          if (++done === args.length) resolve(results);
          else feed(p);
        });
        feed(p);
      }
    });
  }

  close() {
    for (const p of this.procs) p.kill();
  }
}
