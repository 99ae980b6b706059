/**
 * The `lithops` command line as a function, for scripts that want to run it in-process.
 * @packageDocumentation
 */
export { USAGE } from './args.js';
export { main } from './main.js';
