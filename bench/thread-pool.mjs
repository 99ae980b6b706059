import { Piscina } from 'piscina';

/**
 * What a user might pick instead for local parallelism: a piscina worker-thread pool of the same
 * size running the same tasks (threads of one process: no process isolation). Reported beside
 * the floor, not a target.
 */
export class ThreadPool {
  constructor(size) {
    this.pool = new Piscina({
      filename: new URL('./tasks.mjs', import.meta.url).href,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** Runs every task; resolves to results in order. */
  run(task, args) {
    return Promise.all(args.map((arg) => this.pool.run(arg, { name: task })));
  }

  close() {
    return this.pool.destroy();
  }
}
