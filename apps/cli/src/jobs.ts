/**
 * The functions `lithops hello` and `lithops test` run on workers. They live in their own module
 * because a function exported from the entry script cannot be shipped (its top-level code would
 * run again in every worker).
 */
import type { CallContext } from '@lithops/core';

export function greet(name: string, ctx: CallContext): string {
  return `Hello ${name}! Lithops is working as expected :) (call ${ctx.id})`;
}

/** What a `lithops test` call returns: enough to check it ran the right input in a worker. */
export interface TestCallResult {
  input: number;
  sum: number;
  pid: number;
}

/** A little CPU work whose answer the client can check: the sum of 0..n·1000. */
export function sumTo(n: number): TestCallResult {
  let sum = 0;
  for (let i = 0; i <= n * 1000; i++) sum += i;
  return { input: n, sum, pid: process.pid };
}

/** The expected `sumTo(n).sum`, computed by formula on the client. */
export function expectedSum(n: number): number {
  const m = n * 1000;
  return (m * (m + 1)) / 2;
}
