/**
 * Resolves once `cond()` holds, checking it every 20 ms: for tests that wait for a state they can
 * observe but not subscribe to. It has no deadline of its own: the test's timeout bounds it.
 */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}
