import { availableParallelism } from 'node:os';
import { ThreadPool } from './thread-pool.mjs';

const pool = new ThreadPool(availableParallelism());
console.log((await pool.run('noop', [1]))[0]);
await pool.close();
