import { availableParallelism } from 'node:os';
import { FloorPool } from './floor-pool.mjs';

const pool = new FloorPool(availableParallelism());
console.log((await pool.run('noop', [1]))[0]);
pool.close();
