/**
 * Timeouts every package's tests share. They guard against hangs and are sized for a slow, busy
 * machine (the suite must pass under `pnpm test:stress`): speed is measured by the benchmarks only.
 */
export const hangGuards = { testTimeout: 180_000, hookTimeout: 180_000 } as const;
