import { availableParallelism } from 'node:os';
import { FloorPool } from './floor-pool.mjs';

// One process started, as the localhost pool starts one before the first call.
const pool = new FloorPool(availableParallelism());
pool.start();
console.log((await pool.run('noop', [1]))[0]);
pool.close();
